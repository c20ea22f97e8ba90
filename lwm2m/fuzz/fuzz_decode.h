// fuzz_decode.h: the body shared by the per-decoder libFuzzer targets
// (*_fuzz.cc). Each input is decoded under several request paths with the
// builtin object models; whatever decodes is re-encoded and decoded again.
// The decoders must neither crash, nor leak, nor hang on any input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "lwm2m/codec/codec.h"

#define LWM2M_DECODE_FUZZER(FORMAT)                                                         \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {                 \
    static const lwm2m::Codec* codec = lwm2m::FindCodec(lwm2m::ContentFormat::FORMAT);      \
    if (codec == nullptr) return 0;                                                         \
    static const lwm2m::Path kPaths[] = {lwm2m::Path{}, lwm2m::Path{3}, lwm2m::Path{3, 0},  \
                                         lwm2m::Path{3, 0, 0}, lwm2m::Path{3, 0, 11},       \
                                         lwm2m::Path{3, 0, 11, 0}, lwm2m::Path{5, 0, 0},    \
                                         lwm2m::Path{1, 0}};                                \
    if (size == 0) return 0;                                                                \
    lwm2m::CodecContext ctx;                                                                \
    ctx.request_path = kPaths[data[0] % (sizeof kPaths / sizeof kPaths[0])];                \
    ctx.models = (data[0] & 0x80) ? nullptr : &lwm2m::ModelRegistry::Builtin();             \
    std::span<const uint8_t> payload(data + 1, size - 1);                                   \
    lwm2m::DecodeResult r = codec->Decode(payload, ctx);                                    \
    if (!r.HasErrors()) {                                                                   \
      auto bytes = codec->Encode(r.content, ctx);                                           \
      if (bytes.ok()) (void)codec->Decode(*bytes, ctx);                                     \
    }                                                                                       \
    return 0;                                                                               \
  }
