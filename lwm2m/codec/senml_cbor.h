// senml_cbor.h: the CBOR front end of SenML (RFC 8428 §6), shared by SenML
// CBOR (112, Core TS 1.2 §7.4.5) and SenML-ETCH CBOR (322, RFC 8790): CBOR
// bytes <-> the neutral SenmlPack of senml_common.h. Integer map keys per
// RFC 8428 Table 4, the text key "vlo" for Objlnk; numbers from integers,
// floats of any width and decimal fractions (tag 4). Writing uses definite
// lengths and preferred serialization (shortest integer heads, the shortest
// float that is exact), keys in the order of the pack.
//   Diagnostics d;
//   std::optional<SenmlPack> p = ParseSenmlCbor(bytes, kSenmlCborOptions, d);
#pragma once

#include <optional>
#include <span>

#include "lwm2m/codec/senml_common.h"

namespace lwm2m {

// nullopt (after an error diagnostic) when the payload is not one well-formed
// CBOR array.
std::optional<SenmlPack> ParseSenmlCbor(std::span<const uint8_t> payload, const SenmlOptions& options,
                                        Diagnostics& diags);

Result<Bytes> WriteSenmlCbor(const SenmlPack& pack, const SenmlOptions& options);

}  // namespace lwm2m
