// codec.h: the one interface every content-format codec implements, and the
// one table (codec_registry.cc) that maps content-format numbers to codecs.
// One header and one source file per format; only the factory is public.
//   const Codec* c = FindCodec(ContentFormat::kTlv);
//   DecodeResult r = c->Decode(bytes, {.request_path = *Path::Parse("/3/0")});
//   for (const Diagnostic& d : r.diagnostics) std::cout << d.ToString() << "\n";
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "lwm2m/content.h"
#include "lwm2m/content_format.h"
#include "lwm2m/diagnostic.h"
#include "lwm2m/model.h"
#include "lwm2m/path.h"
#include "lwm2m/result.h"

namespace lwm2m {

struct CodecContext {
  // The request's Uri-Path (or the Observe's path for a notification). TLV,
  // text/plain, opaque and CBOR (60) name their values relative to it;
  // SenML and LwM2M CBOR/JSON use it to check names lie under it.
  Path request_path;
  // Types values that the format leaves untyped (TLV, text, opaque, CBOR) and
  // checks typed ones against the model. May be null: values then decode with
  // the most faithful type the format gives (TLV: Opaque) and an info diagnostic.
  const ModelRegistry* models = nullptr;
  // LwM2M enabler version of the peer ("1.0", "1.1", "1.2"); formats a
  // version forbids get a warning (e.g. LwM2M JSON from a 1.1+ client).
  std::string_view lwm2m_version = "1.2";
};

struct DecodeResult {
  Content content;
  std::vector<Diagnostic> diagnostics;
  bool HasErrors() const { return lwm2m::HasErrors(diagnostics); }
};

class Codec {
 public:
  virtual ~Codec() = default;
  virtual ContentFormat format() const = 0;
  virtual std::string_view name() const = 0;  // as in content_format.h

  // Never throws, never reads past the span, never loops on bad input: every
  // problem becomes a Diagnostic; whatever could be decoded is returned.
  virtual DecodeResult Decode(std::span<const uint8_t> payload, const CodecContext& ctx) const = 0;

  // Byte-exact, deterministic encoding (records in the order given). Errors
  // (4.00/4.06) say which record cannot be written in this format and why.
  virtual Result<Bytes> Encode(const Content& content, const CodecContext& ctx) const = 0;
};

// The registry: one codec per content format of content_format.h.
const Codec* FindCodec(ContentFormat format);
const Codec* FindCodec(std::string_view name_or_number);
const std::vector<const Codec*>& AllCodecs();

// Factories, one per format file.
std::unique_ptr<Codec> MakeTextPlainCodec();
std::unique_ptr<Codec> MakeLinkFormatCodec();
std::unique_ptr<Codec> MakeOpaqueCodec();
std::unique_ptr<Codec> MakeCborCodec();
std::unique_ptr<Codec> MakeSenmlJsonCodec();
std::unique_ptr<Codec> MakeSenmlCborCodec();
std::unique_ptr<Codec> MakeSenmlEtchJsonCodec();
std::unique_ptr<Codec> MakeSenmlEtchCborCodec();
std::unique_ptr<Codec> MakeTlvCodec();
std::unique_ptr<Codec> MakeLwm2mJsonCodec();
std::unique_ptr<Codec> MakeLwm2mCborCodec();

}  // namespace lwm2m
