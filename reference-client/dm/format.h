// format.h (internal to dm/): which Content-Formats the client offers for a response (Core TS 1.2
// §7.4 and Transport TS 1.2 §6.4: text/plain, opaque and CBOR for one value; TLV, SenML, LwM2M CBOR
// for several; LwM2M JSON only in 1.0) and the encoding of a Read / Notify payload.
//   auto r = EncodeRecords(records, Path{3, 0}, std::nullopt, "1.2", models, false);
//   r->format == ContentFormat::kSenmlCbor
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "lwm2m/content.h"
#include "lwm2m/content_format.h"
#include "lwm2m/model.h"
#include "lwm2m/path.h"
#include "lwm2m/result.h"

namespace lwm2m::refclient {

struct Encoded {
  ContentFormat format = ContentFormat::kSenmlCbor;
  Bytes payload;
};

// True when a client of enabler `version` implements `format` at all.
bool VersionSupports(std::string_view version, ContentFormat format);

// The default format when the request has no Accept: one value -> text/plain (opaque for an
// Opaque resource); several -> SenML CBOR for 1.1/1.2, TLV for 1.0. Composite -> SenML CBOR.
ContentFormat DefaultFormat(const std::vector<Record>& records, const Path& path, std::string_view version,
                            const ModelRegistry& models, bool composite);

// Encodes `records` (read at `path`) in `accept` or the default. 4.06 when `accept` is not
// offered for this shape (one value / several / composite) or this enabler version.
Result<Encoded> EncodeRecords(const std::vector<Record>& records, const Path& path,
                              std::optional<ContentFormat> accept, std::string_view version,
                              const ModelRegistry& models, bool composite);

}  // namespace lwm2m::refclient
