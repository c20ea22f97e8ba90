// content.h: what a payload carries once decoded, independent of its format.
// Data formats (TLV, SenML, LwM2M CBOR, ...) decode to a flat, ordered list of
// Records; CoRE link format (40) decodes to Links. node.h turns Records into
// the Object/ObjectInstance/Resource/ResourceInstance tree.
//   Content c;
//   c.records.push_back({*Path::Parse("/3/0/0"), Value::String("ACME")});
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace lwm2m {

// One value at one path. A Record whose value is None (DataType::kNone) is a
// path without a value: an entry of a Read-/Observe-Composite path list, a
// SenML-ETCH deletion, or an empty container (a TLV Object Instance without
// Resources, or a Multiple Resource without instances).
struct Record {
  Path path;
  Value value;
  std::optional<double> time;  // SenML/LwM2M JSON time, resolved to absolute seconds when known

  bool operator==(const Record&) const = default;
};

// One link-value of RFC 6690 §2: <target>;param;param=value;param="quoted".
struct LinkParam {
  std::string name;
  std::optional<std::string> value;  // nullopt for a parameter without '=' (e.g. `Q`)
  bool quoted = false;               // the value was written as a quoted-string
  bool operator==(const LinkParam&) const = default;
};

struct Link {
  std::string target;  // the URI-Reference between '<' and '>', e.g. "/3/0"
  std::vector<LinkParam> params;

  const LinkParam* Find(std::string_view name) const {
    for (const auto& p : params)
      if (p.name == name) return &p;
    return nullptr;
  }
  bool operator==(const Link&) const = default;
};

struct Content {
  std::vector<Record> records;
  std::vector<Link> links;  // link format only

  bool empty() const { return records.empty() && links.empty(); }
  bool operator==(const Content&) const = default;
};

}  // namespace lwm2m
