// print.cc: the node tree, links, diagnostics and JSON as the CLI prints them.
#include "harness/cli/print.h"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

namespace lwm2m::cli {

namespace {
constexpr size_t kOpaqueShownBytes = 32;

std::string TimeDisplay(int64_t t) {
  // gmtime_r works for any time_t, but years beyond 9999 do not read well.
  if (t < -62135596800LL || t > 253402300799LL) return std::to_string(t);
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  if (!gmtime_r(&tt, &tm)) return std::to_string(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return fmt::format("{} ({})", t, buf);
}

std::string FloatJsonText(double d) {
  if (std::isnan(d)) return "NaN";
  return d > 0 ? "Infinity" : "-Infinity";
}

// One printed line of the tree: label column, type column, value column.
struct Line {
  std::string label;
  std::string type;
  std::string value;
  bool aligned = false;  // takes part in the column widths
};

void PrintLines(std::ostream& os, const std::vector<Line>& lines) {
  size_t label_w = 0, type_w = 0;
  for (const auto& l : lines) {
    if (!l.aligned) continue;
    label_w = std::max(label_w, l.label.size());
    if (!l.value.empty()) type_w = std::max(type_w, l.type.size());
  }
  for (const auto& l : lines) {
    std::string s = l.label;
    if (!l.type.empty() || !l.value.empty()) {
      s += std::string(label_w + 2 - std::min(label_w, l.label.size()), ' ');
      if (l.value.empty()) {
        s += l.type;
      } else {
        s += l.type + std::string(type_w + 1 - std::min(type_w, l.type.size()), ' ') + l.value;
      }
    }
    os << s << "\n";
  }
}

std::string Indent(size_t level) { return std::string(2 * level, ' '); }

std::string Labeled(const std::string& path, const std::string& name) {
  return name.empty() ? path : path + " " + name;
}
}  // namespace

std::string DumpJson(const Json& j, int indent) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
          else out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A well-formed UTF-8 sequence (RFC 3629 §4) passes through; any other byte shows as \xNN.
    size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    if (ok && n == 3) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);
    }
    if (ok && n == 4) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(s, i, n);
      i += n;
    } else {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    }
  }
  return out + "\"";
}

std::string ValueDisplay(const Value& v) {
  switch (v.type()) {
    case DataType::kNone: return "(no value)";
    case DataType::kString:
    case DataType::kCorelnk: return Quoted(v.AsString());
    case DataType::kInteger: return std::to_string(v.AsInteger());
    case DataType::kUnsignedInteger: return std::to_string(v.AsUnsigned());
    case DataType::kFloat: return std::isfinite(v.AsFloat()) ? v.ToText() : FloatJsonText(v.AsFloat());
    case DataType::kBoolean: return v.AsBoolean() ? "true" : "false";
    case DataType::kTime: return TimeDisplay(v.AsInteger());
    case DataType::kObjlnk: return v.ToText();
    case DataType::kOpaque: {
      const Bytes& b = v.AsOpaque();
      if (b.size() <= kOpaqueShownBytes) return Plural(b.size(), "byte") + (b.empty() ? "" : " " + HexEncode(b));
      return Plural(b.size(), "byte") + " " + HexEncode(Bytes(b.begin(), b.begin() + kOpaqueShownBytes)) + "...";
    }
  }
  return v.DebugString();
}

Json ValueToJson(const Value& v) {
  switch (v.type()) {
    case DataType::kNone: return nullptr;
    case DataType::kString:
    case DataType::kCorelnk: return v.AsString();
    case DataType::kInteger:
    case DataType::kTime: return v.AsInteger();
    case DataType::kUnsignedInteger: return v.AsUnsigned();
    case DataType::kFloat: return std::isfinite(v.AsFloat()) ? Json(v.AsFloat()) : Json(FloatJsonText(v.AsFloat()));
    case DataType::kBoolean: return v.AsBoolean();
    case DataType::kOpaque: return HexEncode(v.AsOpaque());
    case DataType::kObjlnk: return v.ToText();
  }
  return nullptr;
}

std::string ObjectName(const Path& p, const ModelRegistry& models) {
  if (p.size() < 1) return "";
  const ObjectModel* o = models.Find(p[0]);
  return o ? o->name : "";
}

std::string ResourceName(const Path& p, const ModelRegistry& models) {
  if (p.size() < 3) return "";
  const ResourceModel* r = models.FindResource(p.WithoutPrefix().Truncated(3));
  return r ? r->name : "";
}

Json RecordToJson(const Record& r, const ModelRegistry& models) {
  Json j;
  j["path"] = r.path.ToString();
  std::string name = r.path.size() >= 3 ? ResourceName(r.path, models) : ObjectName(r.path, models);
  if (!name.empty()) j["name"] = name;
  j["type"] = std::string(DataTypeName(r.value.type()));
  j["value"] = ValueToJson(r.value);
  if (r.time) j["time"] = std::isfinite(*r.time) ? Json(*r.time) : Json(FloatJsonText(*r.time));
  return j;
}

Json LinkToJson(const Link& l) {
  Json j;
  j["target"] = l.target;
  Json params = Json::array();
  for (const auto& p : l.params) {
    Json pj;
    pj["name"] = p.name;
    pj["value"] = p.value ? Json(*p.value) : Json(nullptr);
    pj["quoted"] = p.quoted;
    params.push_back(std::move(pj));
  }
  j["params"] = std::move(params);
  return j;
}

Json DiagnosticToJson(const Diagnostic& d) {
  Json j;
  j["severity"] = std::string(SeverityName(d.severity));
  j["offset"] = d.offset ? Json(*d.offset) : Json(nullptr);
  j["path"] = d.path;
  j["message"] = d.message;
  j["rule"] = d.rule;
  return j;
}

std::string LinkToString(const Link& l) {
  std::string s = "<" + l.target + ">";
  for (const auto& p : l.params) {
    s += ";" + p.name;
    if (!p.value) continue;
    if (!p.quoted) {
      s += "=" + *p.value;
      continue;
    }
    s += "=\"";
    for (char c : *p.value) {
      if (c == '"' || c == '\\') s += '\\';
      s += c;
    }
    s += "\"";
  }
  return s;
}

void PrintTree(std::ostream& os, const Tree& tree, const ModelRegistry& models) {
  std::vector<Line> lines;
  const std::string& prefix = tree.prefix;
  for (const Object& o : tree.objects) {
    Path op = Path{o.id}.WithPrefix(prefix);
    lines.push_back({Labeled(op.ToString(), ObjectName(op, models)), "", ""});
    for (const ObjectInstance& i : o.instances) {
      Path ip = op.Child(i.id);
      lines.push_back({Indent(1) + ip.ToString(), "", ""});
      for (const Resource& r : i.resources) {
        Path rp = ip.Child(r.id);
        std::string label = Indent(2) + Labeled(rp.ToString(), ResourceName(rp, models));
        if (!r.multiple) {
          lines.push_back({label, std::string(DataTypeName(r.value.type())), ValueDisplay(r.value), true});
          continue;
        }
        lines.push_back({label, r.instances.empty() ? "(multiple, no instances)" : "(multiple)", "", true});
        for (const ResourceInstance& ri : r.instances)
          lines.push_back({Indent(3) + rp.Child(ri.id).ToString(), std::string(DataTypeName(ri.value.type())),
                           ValueDisplay(ri.value), true});
      }
    }
  }
  PrintLines(os, lines);
}

void PrintRecords(std::ostream& os, const std::vector<Record>& records, const ModelRegistry& models) {
  std::vector<Line> lines;
  for (const Record& r : records) {
    std::string name = r.path.size() >= 3 ? ResourceName(r.path, models) : ObjectName(r.path, models);
    std::string value = ValueDisplay(r.value);
    if (r.time) value += fmt::format("  t={}", std::isfinite(*r.time) ? fmt::format("{}", *r.time)
                                                                         : FloatJsonText(*r.time));
    lines.push_back({Labeled(r.path.ToString(), name), std::string(DataTypeName(r.value.type())), value, true});
  }
  PrintLines(os, lines);
}

void PrintLinks(std::ostream& os, const std::vector<Link>& links, const ModelRegistry& models) {
  std::vector<Line> lines;
  for (const Link& l : links) {
    std::string name;
    if (auto p = Path::Parse(l.target); p && !p->IsRoot()) {
      name = p->size() >= 3 ? ResourceName(*p, models) : ObjectName(*p, models);
    }
    lines.push_back({LinkToString(l), name, "", true});
  }
  PrintLines(os, lines);
}

void PrintDiagnostics(std::ostream& os, const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) os << "  " << d.ToString() << "\n";
}

std::string Plural(size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

size_t CountSeverity(const std::vector<Diagnostic>& d, Severity s) {
  return static_cast<size_t>(std::count_if(d.begin(), d.end(), [&](const Diagnostic& x) { return x.severity == s; }));
}

void TextTable::Print(std::ostream& os) const {
  std::vector<size_t> w;
  for (const auto& row : rows_)
    for (size_t i = 0; i < row.size(); ++i) {
      if (w.size() <= i) w.push_back(0);
      w[i] = std::max(w[i], row[i].size());
    }
  for (const auto& row : rows_) {
    std::string s;
    for (size_t i = 0; i < row.size(); ++i) {
      s += row[i];
      if (i + 1 < row.size()) s += std::string(w[i] + 2 - row[i].size(), ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    os << s << "\n";
  }
}

}  // namespace lwm2m::cli
