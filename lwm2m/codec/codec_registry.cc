// codec_registry.cc: the one table of codecs keyed by content format.
#include "lwm2m/codec/codec.h"

namespace lwm2m {

namespace {
struct Registry {
  std::vector<std::unique_ptr<Codec>> owned;
  std::vector<const Codec*> all;
  Registry() {
    for (auto make : {MakeTextPlainCodec, MakeLinkFormatCodec, MakeOpaqueCodec, MakeCborCodec,
                      MakeSenmlJsonCodec, MakeSenmlCborCodec, MakeSenmlEtchJsonCodec, MakeSenmlEtchCborCodec,
                      MakeTlvCodec, MakeLwm2mJsonCodec, MakeLwm2mCborCodec}) {
      owned.push_back(make());
      all.push_back(owned.back().get());
    }
  }
};
const Registry& GetRegistry() {
  static const Registry r;
  return r;
}
}  // namespace

const Codec* FindCodec(ContentFormat format) {
  for (const Codec* c : GetRegistry().all)
    if (c->format() == format) return c;
  return nullptr;
}

const Codec* FindCodec(std::string_view name_or_number) {
  auto f = ParseContentFormat(name_or_number);
  return f ? FindCodec(*f) : nullptr;
}

const std::vector<const Codec*>& AllCodecs() { return GetRegistry().all; }

}  // namespace lwm2m
