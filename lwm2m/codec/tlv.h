// tlv.h: the OMA LwM2M TLV codec, application/vnd.oma.lwm2m+tlv, Content-Format
// 11542 (Core TS 1.2 §7.4.3). Values are untyped on the wire and typed by the
// model; decoding depends on the level of the request path. Only the factory
// MakeTlvCodec() (declared in codec.h) is public.
//   DecodeResult r = MakeTlvCodec()->Decode(*HexDecode("c300414243"),
//                                           {.request_path = *Path::Parse("/3/0")});
#pragma once

#include "lwm2m/codec/codec.h"
