// senml_json.h: the JSON front end of SenML (RFC 8428 §5), shared by SenML
// JSON (110, Core TS 1.2 §7.4.4) and SenML-ETCH JSON (320, RFC 8790): JSON text
// <-> the neutral SenmlPack of senml_common.h. Parsing keeps every member of a
// record in order (a repeated label is reported, not merged), keeps integer
// number tokens apart from the others, and records byte offsets. Writing is
// compact (no whitespace); numbers in shortest round-trip form, a Float always
// with '.' or an exponent so that it reads back as a Float ("20.0").
//   Diagnostics d;
//   std::optional<SenmlPack> p = ParseSenmlJson(bytes, kSenmlJsonOptions, d);
#pragma once

#include <optional>
#include <span>

#include "lwm2m/codec/senml_common.h"

namespace lwm2m {

// nullopt (after an error diagnostic) when the payload is not a JSON array;
// after a syntax error inside the array, the records completed before it.
std::optional<SenmlPack> ParseSenmlJson(std::span<const uint8_t> payload, const SenmlOptions& options,
                                        Diagnostics& diags);

Result<Bytes> WriteSenmlJson(const SenmlPack& pack, const SenmlOptions& options);

}  // namespace lwm2m
