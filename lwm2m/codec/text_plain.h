// text_plain.h: the text/plain codec, Content-Format 0 (Core TS 1.2 §7.4.1):
// one value of a Resource or Resource Instance in its text representation
// (Value::ToText/FromText), typed by the model; Opaque is base64. Only the
// factory MakeTextPlainCodec() (declared in codec.h) is public.
//   MakeTextPlainCodec()->Decode(Bytes{'4', '2'}, {.request_path = *Path::Parse("/3/0/9"),
//                                                  .models = &ModelRegistry::Builtin()});
#pragma once

#include "lwm2m/codec/codec.h"
