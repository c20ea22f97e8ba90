// opaque.h: the opaque codec, application/octet-stream, Content-Format 42
// (Core TS 1.2 §7.4.2): the raw bytes of one Opaque Resource or Resource
// Instance. Only the factory MakeOpaqueCodec() (declared in codec.h) is public.
//   MakeOpaqueCodec()->Decode(firmware_chunk, {.request_path = *Path::Parse("/5/0/0")});
#pragma once

#include "lwm2m/codec/codec.h"
