// attributes.cc: <NOTIFICATION> and <PROPERTIES> attributes (Core TS 1.2 §7.3,
// Tables 7.3.1-1 and 7.3.2-1; Write-Attributes §6.3.4; Discover §6.3.2).
#include "lwm2m/attributes.h"

#include <charconv>
#include <cmath>

namespace lwm2m {

namespace {

constexpr const char* kAttrRule = "Core TS 1.2 §7.3.2";
constexpr const char* kPropRule = "Core TS 1.2 §7.3.1";

constexpr NotificationAttribute kAll[] = {
    NotificationAttribute::kPmin,  NotificationAttribute::kPmax,  NotificationAttribute::kGt,
    NotificationAttribute::kLt,    NotificationAttribute::kSt,    NotificationAttribute::kEpmin,
    NotificationAttribute::kEpmax, NotificationAttribute::kEdge,  NotificationAttribute::kCon,
    NotificationAttribute::kHqmax};

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::optional<uint64_t> ParseUnsigned(std::string_view s) {
  if (!IsDigits(s)) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// ["-"] 1*DIGIT ["." 1*DIGIT]: the gt/lt/st syntax (negative thresholds allowed, as Leshan does).
std::optional<double> ParseDecimal(std::string_view s) {
  std::string_view body = s;
  if (!body.empty() && body[0] == '-') body.remove_prefix(1);
  size_t dot = body.find('.');
  if (!IsDigits(body.substr(0, dot))) return std::nullopt;
  if (dot != std::string_view::npos && !IsDigits(body.substr(dot + 1))) return std::nullopt;
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::string DecimalText(double d) {
  char buf[512];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  if (ec != std::errc()) return "0";
  std::string s(buf, p);
  if (s == "-0") s = "0";
  return s;
}

bool IsPropertyName(std::string_view n) {
  return n == "dim" || n == "ver" || n == "ssid" || n == "uri" || n == "lwm2m";
}

bool Has(const NotificationAttributes& a, NotificationAttribute x) {
  switch (x) {
    case NotificationAttribute::kPmin: return a.pmin.has_value();
    case NotificationAttribute::kPmax: return a.pmax.has_value();
    case NotificationAttribute::kGt: return a.gt.has_value();
    case NotificationAttribute::kLt: return a.lt.has_value();
    case NotificationAttribute::kSt: return a.st.has_value();
    case NotificationAttribute::kEpmin: return a.epmin.has_value();
    case NotificationAttribute::kEpmax: return a.epmax.has_value();
    case NotificationAttribute::kEdge: return a.edge.has_value();
    case NotificationAttribute::kCon: return a.con.has_value();
    case NotificationAttribute::kHqmax: return a.hqmax.has_value();
  }
  return false;
}

void AddUnset(NotificationAttributes& a, NotificationAttribute x) {
  auto it = a.unset.begin();
  while (it != a.unset.end() && *it < x) ++it;
  if (it == a.unset.end() || *it != x) a.unset.insert(it, x);
}

// Parses the value of one attribute into `a`; on a bad value adds an error naming `where`.
void SetValue(NotificationAttributes& a, NotificationAttribute x, std::string_view value, const std::string& where,
              const std::string& path, Diagnostics& d) {
  const std::string name(AttributeName(x));
  auto bad = [&](const char* expected) {
    d.Error(std::nullopt, path,
            where + "attribute " + name + " has value '" + std::string(value) + "', which is not " + expected,
            kAttrRule);
  };
  switch (x) {
    case NotificationAttribute::kPmin:
    case NotificationAttribute::kPmax:
    case NotificationAttribute::kEpmin:
    case NotificationAttribute::kEpmax:
    case NotificationAttribute::kHqmax: {
      auto v = ParseUnsigned(value);
      if (!v) return bad("a non-negative integer (1*DIGIT)");
      if (x == NotificationAttribute::kPmin) a.pmin = v;
      if (x == NotificationAttribute::kPmax) a.pmax = v;
      if (x == NotificationAttribute::kEpmin) a.epmin = v;
      if (x == NotificationAttribute::kEpmax) a.epmax = v;
      if (x == NotificationAttribute::kHqmax) a.hqmax = v;
      return;
    }
    case NotificationAttribute::kGt:
    case NotificationAttribute::kLt:
    case NotificationAttribute::kSt: {
      auto v = ParseDecimal(value);
      if (!v) return bad("a decimal number ([-]1*DIGIT[.1*DIGIT])");
      if (x == NotificationAttribute::kSt && *v < 0)
        return d.Error(std::nullopt, path, where + "attribute st has negative value " + std::string(value) +
                                             "; the step must be >= 0", kAttrRule);
      if (x == NotificationAttribute::kGt) a.gt = v;
      if (x == NotificationAttribute::kLt) a.lt = v;
      if (x == NotificationAttribute::kSt) a.st = v;
      return;
    }
    case NotificationAttribute::kEdge:
    case NotificationAttribute::kCon:
      if (value != "0" && value != "1") return bad("0 or 1");
      (x == NotificationAttribute::kEdge ? a.edge : a.con) = value == "1";
      return;
  }
}

bool IsNumericType(DataType t) {
  return t == DataType::kInteger || t == DataType::kUnsignedInteger || t == DataType::kFloat;
}

}  // namespace

std::string_view AttributeName(NotificationAttribute a) {
  switch (a) {
    case NotificationAttribute::kPmin: return "pmin";
    case NotificationAttribute::kPmax: return "pmax";
    case NotificationAttribute::kGt: return "gt";
    case NotificationAttribute::kLt: return "lt";
    case NotificationAttribute::kSt: return "st";
    case NotificationAttribute::kEpmin: return "epmin";
    case NotificationAttribute::kEpmax: return "epmax";
    case NotificationAttribute::kEdge: return "edge";
    case NotificationAttribute::kCon: return "con";
    case NotificationAttribute::kHqmax: return "hqmax";
  }
  return "?";
}

std::optional<NotificationAttribute> ParseAttributeName(std::string_view name) {
  for (NotificationAttribute a : kAll)
    if (AttributeName(a) == name) return a;
  return std::nullopt;
}

bool NotificationAttributes::empty() const {
  for (NotificationAttribute a : kAll)
    if (Has(*this, a)) return false;
  return unset.empty() && unknown.empty();
}

bool NotificationAttributes::IsSet(NotificationAttribute a) const { return Has(*this, a); }

bool NotificationAttributes::IsUnset(NotificationAttribute a) const {
  for (NotificationAttribute u : unset)
    if (u == a) return true;
  return false;
}

AttributeParseResult ParseNotificationAttributes(const std::vector<std::string>& queries) {
  AttributeParseResult r;
  Diagnostics d;
  std::vector<NotificationAttribute> seen;
  for (const std::string& q : queries) {
    size_t eq = q.find('=');
    std::string_view name = std::string_view(q).substr(0, eq);
    auto attr = ParseAttributeName(name);
    if (!attr) {
      if (IsPropertyName(name))
        d.Error(std::nullopt, "",
                "'" + q + "': " + std::string(name) +
                    " is a <PROPERTIES> attribute, which is read-only and cannot be written",
                kPropRule);
      else {
        r.attributes.unknown.push_back(q);
        d.Warning(std::nullopt, "", "'" + q + "' is not a <NOTIFICATION> attribute", kAttrRule);
      }
      continue;
    }
    bool repeated = false;
    for (auto s : seen) repeated |= s == *attr;
    seen.push_back(*attr);
    if (repeated) {
      d.Error(std::nullopt, "",
              "attribute " + std::string(name) + " is given more than once ('" + q +
                  "' repeats it); which one applies is undefined",
              kAttrRule);
      continue;
    }
    if (eq == std::string::npos) {
      AddUnset(r.attributes, *attr);
      continue;
    }
    std::string_view value = std::string_view(q).substr(eq + 1);
    if (value.empty()) {
      d.Error(std::nullopt, "",
              "'" + q + "' has '=' but no value; to unset " + std::string(name) + " send it without '='",
              kAttrRule);
      continue;
    }
    SetValue(r.attributes, *attr, value, "", "", d);
  }
  r.diagnostics = d.Take();
  return r;
}

std::vector<std::string> FormatNotificationAttributes(const NotificationAttributes& a) {
  std::vector<std::string> out;
  auto uint = [&](NotificationAttribute x, const std::optional<uint64_t>& v) {
    if (v) out.push_back(std::string(AttributeName(x)) + "=" + std::to_string(*v));
    else if (a.IsUnset(x)) out.push_back(std::string(AttributeName(x)));
  };
  auto dec = [&](NotificationAttribute x, const std::optional<double>& v) {
    if (v) out.push_back(std::string(AttributeName(x)) + "=" + DecimalText(*v));
    else if (a.IsUnset(x)) out.push_back(std::string(AttributeName(x)));
  };
  auto flag = [&](NotificationAttribute x, const std::optional<bool>& v) {
    if (v) out.push_back(std::string(AttributeName(x)) + "=" + (*v ? "1" : "0"));
    else if (a.IsUnset(x)) out.push_back(std::string(AttributeName(x)));
  };
  uint(NotificationAttribute::kPmin, a.pmin);
  uint(NotificationAttribute::kPmax, a.pmax);
  dec(NotificationAttribute::kGt, a.gt);
  dec(NotificationAttribute::kLt, a.lt);
  dec(NotificationAttribute::kSt, a.st);
  uint(NotificationAttribute::kEpmin, a.epmin);
  uint(NotificationAttribute::kEpmax, a.epmax);
  flag(NotificationAttribute::kEdge, a.edge);
  flag(NotificationAttribute::kCon, a.con);
  uint(NotificationAttribute::kHqmax, a.hqmax);
  return out;
}

std::string ToQueryString(const NotificationAttributes& a) {
  std::string s;
  for (const std::string& q : FormatNotificationAttributes(a)) s += (s.empty() ? "" : "&") + q;
  return s;
}

std::vector<Diagnostic> ValidateNotificationAttributes(const NotificationAttributes& a, const AttributeTarget& t) {
  Diagnostics d;
  const std::string path = t.path ? t.path->ToString() : "";
  if (a.st && *a.st < 0)
    d.Error(std::nullopt, path, "st is " + DecimalText(*a.st) + "; the step must be >= 0", kAttrRule);
  if (a.gt && a.lt) {
    if (!(*a.lt < *a.gt))
      d.Error(std::nullopt, path,
              "lt " + DecimalText(*a.lt) + " is not below gt " + DecimalText(*a.gt) + "; lt < gt is required (4.00)",
              kAttrRule);
    else if (a.st && !(*a.lt + 2 * *a.st < *a.gt))
      d.Error(std::nullopt, path,
              "lt + 2*st = " + DecimalText(*a.lt + 2 * *a.st) + " is not below gt " + DecimalText(*a.gt) +
                  "; lt + 2*st < gt is required (4.00)",
              kAttrRule);
  }
  if (a.pmin && a.pmax && *a.pmax < *a.pmin)
    d.Warning(std::nullopt, path,
              "pmax " + std::to_string(*a.pmax) + " is below pmin " + std::to_string(*a.pmin) +
                  ": pmax is then ignored",
              kAttrRule);
  if (a.epmin && a.epmax && *a.epmax < *a.epmin)
    d.Warning(std::nullopt, path,
              "epmax " + std::to_string(*a.epmax) + " is below epmin " + std::to_string(*a.epmin), kAttrRule);

  const bool threshold = a.gt || a.lt || a.st;
  if (t.path && t.path->level() < Path::Level::kResource) {
    if (threshold)
      d.Error(std::nullopt, path,
              "gt, lt and st apply only to a Resource or Resource Instance, not to " + path, kAttrRule);
    if (a.edge) d.Error(std::nullopt, path, "edge applies only to a Resource or Resource Instance, not to " + path,
                        kAttrRule);
  }
  if (t.type) {
    if (threshold && !IsNumericType(*t.type))
      d.Error(std::nullopt, path,
              "gt, lt and st apply only to numeric resources (Integer, Unsigned Integer, Float), not to " +
                  std::string(DataTypeName(*t.type)),
              kAttrRule);
    if (a.edge && *t.type != DataType::kBoolean)
      d.Error(std::nullopt, path,
              "edge applies only to Boolean resources, not to " + std::string(DataTypeName(*t.type)), kAttrRule);
  }
  return d.Take();
}

LinkAttributes ParseLinkAttributes(const Link& link) {
  LinkAttributes r;
  Diagnostics d;
  const std::string where = "link <" + link.target + ">: ";
  for (const LinkParam& p : link.params) {
    if (auto attr = ParseAttributeName(p.name)) {
      if (!p.value) {
        d.Warning(std::nullopt, link.target, where + "attribute " + p.name + " has no value", kAttrRule);
        continue;
      }
      SetValue(r.notification, *attr, *p.value, where, link.target, d);
      continue;
    }
    if (!IsPropertyName(p.name)) continue;
    if (!p.value) {
      d.Error(std::nullopt, link.target, where + p.name + " has no value", kPropRule);
      continue;
    }
    const std::string& v = *p.value;
    auto bad = [&](const std::string& expected) {
      d.Error(std::nullopt, link.target, where + p.name + "=" + v + " is not " + expected, kPropRule);
    };
    if (p.name == "dim") {
      auto n = ParseUnsigned(v);
      if (!n || *n > 65535) bad("an integer 0..65535");
      else r.properties.dim = static_cast<uint32_t>(*n);
    } else if (p.name == "ssid") {
      auto n = ParseUnsigned(v);
      if (!n || *n < 1 || *n > 65534) bad("a Short Server ID 1..65534");
      else r.properties.ssid = static_cast<uint16_t>(*n);
    } else if (p.name == "ver" || p.name == "lwm2m") {
      size_t dot = v.find('.');
      if (dot == std::string::npos || !IsDigits(std::string_view(v).substr(0, dot)) ||
          !IsDigits(std::string_view(v).substr(dot + 1)))
        bad("a version 1*DIGIT \".\" 1*DIGIT");
      else (p.name == "ver" ? r.properties.ver : r.properties.lwm2m) = v;
    } else if (p.name == "uri") {
      if (!p.quoted)
        d.Warning(std::nullopt, link.target, where + "uri is not a quoted string", kPropRule);
      r.properties.uri = v;
    }
  }
  r.diagnostics = d.Take();
  return r;
}

}  // namespace lwm2m
