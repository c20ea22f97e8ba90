// PLACEHOLDER until lwm2m/codec/lwm2m_cbor.cc lands: delete this file when adding the real codec.
#include "lwm2m/codec/codec.h"
namespace lwm2m {
std::unique_ptr<Codec> MakeLwm2mCborCodec() { return nullptr; }
}  // namespace lwm2m
