// attributes.h: LwM2M attributes (Core TS 1.2 §7.3, Table 7.3.2-1): the writable
// <NOTIFICATION> class (pmin, pmax, gt, lt, st, epmin, epmax, edge, con, hqmax) as
// Write-Attributes and Observe carry them in Uri-Query options, with their
// validation rules; and the read-only <PROPERTIES> class (dim, ver, ssid, uri,
// lwm2m) that Discover and Bootstrap-Discover report as link parameters.
//   auto r = ParseNotificationAttributes({"pmin=5", "pmax=15", "gt"});
//   r.attributes.pmin == 5; r.attributes.IsUnset(NotificationAttribute::kGt);
//   FormatNotificationAttributes(r.attributes) == {"pmin=5", "pmax=15", "gt"}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/content.h"
#include "lwm2m/diagnostic.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace lwm2m {

// In canonical order (the order of Table 7.3.2-1 and of the Write-Attributes URI template).
enum class NotificationAttribute : uint8_t { kPmin, kPmax, kGt, kLt, kSt, kEpmin, kEpmax, kEdge, kCon, kHqmax };
std::string_view AttributeName(NotificationAttribute a);  // "pmin"
std::optional<NotificationAttribute> ParseAttributeName(std::string_view name);

// Each attribute is absent (nullopt and not in `unset`), set to a value, or
// given without a value ("?pmin"), which in Write-Attributes removes it at that
// level (Core TS 1.2 §6.3.4).
struct NotificationAttributes {
  std::optional<uint64_t> pmin, pmax;    // seconds, "=" 1*DIGIT
  std::optional<double> gt, lt, st;      // thresholds and step, numeric resources only
  std::optional<uint64_t> epmin, epmax;  // seconds (1.1)
  std::optional<bool> edge;              // 0 falling, 1 rising edge; Boolean resources only (1.2)
  std::optional<bool> con;               // 1: notifications Confirmable (1.2)
  std::optional<uint64_t> hqmax;         // historical queue size (1.2)
  std::vector<NotificationAttribute> unset;  // given without a value, canonical order, no repeats
  std::vector<std::string> unknown;          // query items whose name is no attribute, verbatim

  bool empty() const;
  bool IsSet(NotificationAttribute a) const;    // has a value
  bool IsUnset(NotificationAttribute a) const;  // given without a value
  bool operator==(const NotificationAttributes&) const = default;
};

struct AttributeParseResult {
  NotificationAttributes attributes;
  std::vector<Diagnostic> diagnostics;
  bool HasErrors() const { return lwm2m::HasErrors(diagnostics); }
};

// Parses Uri-Query items ("pmin=10", "gt=-5.5", "pmax"). Errors (a client
// answers 4.00): a value outside the attribute's syntax (pmin/pmax/epmin/epmax/
// hqmax 1*DIGIT; gt/lt/st ["-"]1*DIGIT["."1*DIGIT]; edge and con 0 or 1), "name="
// with an empty value, an attribute given twice, a negative st, and a
// <PROPERTIES> attribute (dim, ver, ssid, uri, lwm2m), which is read-only.
// Unknown names are kept in `unknown` with a warning.
AttributeParseResult ParseNotificationAttributes(const std::vector<std::string>& queries);

// The Uri-Query items in canonical order; an unset attribute as its bare name.
// Numbers use the shortest decimal form without exponent ("20", "-0.5").
std::vector<std::string> FormatNotificationAttributes(const NotificationAttributes& a);
std::string ToQueryString(const NotificationAttributes& a);  // "pmin=5&pmax=15", "" when empty

// What the attributes are attached to, when known.
struct AttributeTarget {
  std::optional<Path> path;      // level checks: gt, lt, st and edge only on a Resource or Resource Instance
  std::optional<DataType> type;  // the resource's type: gt/lt/st need Integer, Unsigned Integer or Float; edge Boolean
};

// The consistency rules of Core TS 1.2 §7.3.2 on the values given (not merged
// with attributes already attached):
//  errors (4.00): lt >= gt, lt + 2*st >= gt, st < 0, gt/lt/st or edge on the wrong
//    level or type;
//  warnings: pmax < pmin (pmax is then ignored), epmax < epmin.
std::vector<Diagnostic> ValidateNotificationAttributes(const NotificationAttributes& a,
                                                       const AttributeTarget& target = {});

// <PROPERTIES> attributes (Core TS 1.2 Table 7.3.1-1): read-only, reported by Discover.
struct PropertiesAttributes {
  std::optional<uint32_t> dim;        // number of instances of a Multiple Resource, 0..65535
  std::optional<std::string> ver;     // Object version, 1*DIGIT "." 1*DIGIT (quoted "1.0" in 1.0 clients)
  std::optional<uint16_t> ssid;       // Short Server ID on /0, /1, /21 instances, 1..65534
  std::optional<std::string> uri;     // Server URI on /0 instances (a quoted string)
  std::optional<std::string> lwm2m;   // enabler version on the root link of Bootstrap-Discover
  bool empty() const { return !dim && !ver && !ssid && !uri && !lwm2m; }
  bool operator==(const PropertiesAttributes&) const = default;
};

struct LinkAttributes {
  NotificationAttributes notification;
  PropertiesAttributes properties;
  std::vector<Diagnostic> diagnostics;  // values outside their syntax or range
};

// Reads the attributes of one link of a Discover or Bootstrap-Discover payload
// (`</3/0/7>;dim=2;pmin=10`). Other parameters (ct, rt, ...) are ignored.
LinkAttributes ParseLinkAttributes(const Link& link);

}  // namespace lwm2m
