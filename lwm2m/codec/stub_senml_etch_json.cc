// PLACEHOLDER until lwm2m/codec/senml_etch_json.cc lands: delete this file when adding the real codec.
#include "lwm2m/codec/codec.h"
namespace lwm2m {
std::unique_ptr<Codec> MakeSenmlEtchJsonCodec() { return nullptr; }
}  // namespace lwm2m
