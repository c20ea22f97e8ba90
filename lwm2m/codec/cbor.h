// cbor.h: the single-value CBOR codec, application/cbor, Content-Format 60
// (Core TS 1.2 §7.4.6): one CBOR data item for a Resource or Resource
// Instance, typed by the model (cbor_value.h). Only the factory MakeCborCodec()
// (declared in codec.h) is public.
//   MakeCborCodec()->Decode(Bytes{0x18, 0x64}, {.request_path = *Path::Parse("/3/0/9")});  // Integer 100
#pragma once

#include "lwm2m/codec/codec.h"
