// description.h: the small YAML/JSON documents `lwm2m-harness encode` reads,
// turned into Content (records and links) with the file:line of every entry,
// so that errors point at the entry that caused them. Forms accepted:
//   - {path: /3/0/0, value: ACME, type: String}        # a list of records (type optional)
//   - {target: /3/0, params: {ver: "1.2"}}             # a list of links (link format)
//   {"/3/0/0": "ACME", "/3/0/9": 85, "/3/0/11": [0]}    # a mapping path -> value
//   {"records": [...], "links": [...]}                   # what `decode --json` prints
// A value's type is `type:` when given, else the object model's, else the
// YAML/JSON scalar's: quoted -> String, true/false -> Boolean, 12 -> Integer,
// 1.5 -> Float, anything else -> String. Opaque is hex ("0102ff") or "base64:AQL/".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/content.h"
#include "lwm2m/model.h"
#include "lwm2m/result.h"

namespace lwm2m::cli {

struct SourceMark {
  int line = 0;  // 1-based; 0 when unknown
  int column = 0;
};

struct Description {
  Content content;
  std::vector<SourceMark> record_marks;  // one per content.records entry
  std::vector<SourceMark> link_marks;    // one per content.links entry
};

// `source` names the document in errors: "desc.yaml:4:10: /3/0/9: 'abc' is not ...".
Result<Description> LoadDescription(std::string_view text, const std::string& source, const ModelRegistry& models);

// "desc.yaml:4:10", or "desc.yaml" when the mark is unknown.
std::string Where(const std::string& source, SourceMark m);

}  // namespace lwm2m::cli
