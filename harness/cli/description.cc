// description.cc: YAML/JSON encode descriptions -> Content, with file:line:col
// for every record and link. JSON is read by the YAML parser (JSON is a YAML
// subset for these documents), so both get the same line numbers.
#include "harness/cli/description.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>
#include <regex>

#include <yaml-cpp/yaml.h>

#include "harness/cli/cli_common.h"

namespace lwm2m::cli {

namespace {

SourceMark MarkOf(const YAML::Node& n) {
  YAML::Mark m = n.Mark();
  if (m.is_null() || m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}


std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// "unknown key 'vlaue' (did you mean 'value'?); expected path, value, type, time"
std::string UnknownKey(const std::string& key, const std::vector<std::string>& allowed) {
  std::string best;
  size_t best_d = 3;
  for (const auto& a : allowed) {
    size_t d = EditDistance(Lower(key), a);
    if (d < best_d) {
      best_d = d;
      best = a;
    }
  }
  return "unknown key '" + key + "'" + (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; expected " +
         Join(allowed);
}

std::string KnownTypes() {
  return "String, Integer, Unsigned Integer, Float, Boolean, Opaque, Time, Objlnk, Corelnk, none";
}

bool IsPlain(const YAML::Node& n) { return n.Tag() == "?"; }

bool IsYamlNull(const YAML::Node& n) {
  if (n.IsNull()) return true;
  if (!n.IsScalar() || !IsPlain(n)) return false;
  const std::string& s = n.Scalar();
  return s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> YamlBool(const std::string& s) {
  std::string l = Lower(s);
  if (l == "true") return true;
  if (l == "false") return false;
  return std::nullopt;
}

std::optional<double> YamlSpecialFloat(const std::string& s) {
  std::string l = Lower(s);
  if (l == ".nan" || l == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (l == ".inf" || l == "+.inf" || l == "infinity" || l == "+infinity") return std::numeric_limits<double>::infinity();
  if (l == "-.inf" || l == "-infinity") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

// RFC 6690 §2 / RFC 8288 §3: a value that is not a ptoken must be a quoted-string.
bool IsPtoken(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (std::isalnum(c)) continue;
    if (std::string_view("!#$%&'()*+-./:<=>?@[]^_`{|}~").find(static_cast<char>(c)) == std::string_view::npos)
      return false;
  }
  return true;
}

// Parameters whose values LwM2M and RFC 6690 examples write as quoted-strings.
bool QuotedByConvention(const std::string& name) {
  return name == "rt" || name == "if" || name == "title" || name == "anchor";
}

class Loader {
 public:
  Loader(const std::string& source, const ModelRegistry& models) : source_(source), models_(models) {}

  Status Load(const YAML::Node& root) {
    if (!root || root.IsNull())
      return Fail(root, "the description is empty; expected a list of records [{path: /3/0/0, value: ACME}], a "
                        "mapping {\"/3/0/0\": ACME}, or a list of links [{target: /3/0}]");
    if (root.IsSequence()) return LoadEntries(root);
    if (!root.IsMap())
      return Fail(root, "expected a list of records or links, or a mapping of paths to values; found a single value");
    bool any_path = false, any_doc = false;
    for (const auto& kv : root) {
      std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (!k.empty() && k[0] == '/') any_path = true;
      else any_doc = true;
    }
    if (any_path && !any_doc) {
      for (const auto& kv : root)
        if (Status s = LoadPathEntry(kv.first, kv.second); !s.ok()) return s;
      return Status::Ok();
    }
    // The document form, as `decode --json` prints it; other keys of that output are ignored.
    static const std::vector<std::string> kDocKeys = {"records", "links", "format", "content_format",
                                                      "path",    "length", "diagnostics", "ok"};
    for (const auto& kv : root) {
      std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (!k.empty() && k[0] == '/')
        return Fail(kv.first, "paths as keys cannot be mixed with 'records'/'links' keys");
      if (std::find(kDocKeys.begin(), kDocKeys.end(), k) == kDocKeys.end())
        return Fail(kv.first, "key '" + k + "' is neither a path (\"/3/0/0\") nor one of records, links" +
                                  (EditDistance(Lower(k), "records") <= 2 ? " (did you mean 'records'?)"
                                   : EditDistance(Lower(k), "links") <= 2 ? " (did you mean 'links'?)"
                                                                          : ""));
      if (k == "records" || k == "links") {
        if (!kv.second.IsSequence() && !kv.second.IsNull()) return Fail(kv.second, "'" + k + "' must be a list");
        if (kv.second.IsSequence())
          if (Status s = LoadEntries(kv.second); !s.ok()) return s;
      }
    }
    return Status::Ok();
  }

  Description Take() { return std::move(out_); }

 private:
  Status Fail(const YAML::Node& n, const std::string& message) const {
    return BadRequest(Where(source_, n ? MarkOf(n) : SourceMark{}) + ": " + message);
  }

  Status LoadEntries(const YAML::Node& seq) {
    for (const auto& item : seq) {
      if (!item.IsMap())
        return Fail(item, "each entry must be a mapping: {path: /3/0/0, value: ...} or {target: /3/0, params: {...}}");
      if (item["target"]) {
        if (Status s = LoadLink(item); !s.ok()) return s;
      } else if (item["path"]) {
        if (Status s = LoadRecordEntry(item); !s.ok()) return s;
      } else {
        return Fail(item, "entry has neither 'path' (a record) nor 'target' (a link)");
      }
    }
    return Status::Ok();
  }

  Result<Path> ParsePathNode(const YAML::Node& n) const {
    if (!n.IsScalar()) return Fail(n, "a path must be a string such as /3/0/0");
    auto p = Path::Parse(n.Scalar());
    if (!p) return Fail(n, "'" + n.Scalar() + "' is not an LwM2M path: " + p.status().message());
    return *p;
  }

  // {path, value, type, time} (name is what decode --json adds, and is ignored).
  Status LoadRecordEntry(const YAML::Node& item) {
    static const std::vector<std::string> kKeys = {"path", "value", "type", "time", "name"};
    for (const auto& kv : item) {
      std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end()) return Fail(kv.first, UnknownKey(k, kKeys));
    }
    auto path = ParsePathNode(item["path"]);
    if (!path) return path.status();
    return AddRecord(*path, item["value"], item["type"], item["time"], item);
  }

  // "/3/0/0": value | [v0, v1] | {0: v0, 5: v5} | {value: v, type: T, time: t}
  Status LoadPathEntry(const YAML::Node& key, const YAML::Node& v) {
    auto path = ParsePathNode(key);
    if (!path) return path.status();
    if (v.IsSequence() || (v.IsMap() && !v["value"] && !v["type"] && !v["time"])) {
      if (path->level() != Path::Level::kResource)
        return Fail(key, path->ToString() + ": a list or mapping of resource instances needs a resource path "
                                            "(/ObjectID/InstanceID/ResourceID)");
      if (v.IsSequence()) {
        size_t i = 0;
        for (const auto& e : v) {
          if (i > Path::kMaxId) return Fail(e, "too many resource instances");
          if (Status s = AddRecord(path->Child(static_cast<uint16_t>(i++)), e, YAML::Node(), YAML::Node(), e);
              !s.ok())
            return s;
        }
        if (i == 0) AddEmpty(*path, key);
        return Status::Ok();
      }
      for (const auto& kv : v) {
        if (!kv.first.IsScalar()) return Fail(kv.first, "a resource instance id must be a number 0..65534");
        auto id = ParseId(kv.first.Scalar());
        if (!id) return Fail(kv.first, "'" + kv.first.Scalar() + "' is not a resource instance id (0..65534)");
        if (Status s = AddRecord(path->Child(*id), kv.second, YAML::Node(), YAML::Node(), kv.first); !s.ok())
          return s;
      }
      if (v.size() == 0) AddEmpty(*path, key);
      return Status::Ok();
    }
    if (v.IsMap()) {
      static const std::vector<std::string> kKeys = {"value", "type", "time"};
      for (const auto& kv : v) {
        std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
        if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end()) return Fail(kv.first, UnknownKey(k, kKeys));
      }
      return AddRecord(*path, v["value"], v["type"], v["time"], key);
    }
    return AddRecord(*path, v, YAML::Node(), YAML::Node(), key);
  }

  void AddEmpty(const Path& p, const YAML::Node& at) {
    out_.content.records.push_back({p, Value(), std::nullopt});
    out_.record_marks.push_back(MarkOf(at));
  }

  Status AddRecord(const Path& path, const YAML::Node& value, const YAML::Node& type, const YAML::Node& time,
                   const YAML::Node& at) {
    auto v = MakeValue(path, value, type);
    if (!v) return v.status();
    Record r{path, std::move(*v), std::nullopt};
    if (time && !IsYamlNull(time)) {
      double t;
      if (!time.IsScalar() || !YAML::convert<double>::decode(time, t))
        return Fail(time, path.ToString() + ": time must be a number of seconds");
      r.time = t;
    }
    out_.content.records.push_back(std::move(r));
    out_.record_marks.push_back(MarkOf(at));
    return Status::Ok();
  }

  Result<Value> MakeValue(const Path& path, const YAML::Node& value, const YAML::Node& type_node) {
    const std::string ps = path.ToString();
    std::optional<DataType> type;
    std::string type_origin;
    if (type_node && !IsYamlNull(type_node)) {
      if (!type_node.IsScalar()) return Fail(type_node, ps + ": type must be a name such as String");
      type = ParseDataType(type_node.Scalar());
      if (!type) return Fail(type_node, ps + ": unknown type '" + type_node.Scalar() + "'; known: " + KnownTypes());
      type_origin = "given";
    }
    if (!value || IsYamlNull(value)) {
      if (type && *type != DataType::kNone)
        return Fail(type_node, ps + ": type " + std::string(DataTypeName(*type)) + " needs a value");
      return Value();
    }
    if (!value.IsScalar()) return Fail(value, ps + ": expected a single value, found a " +
                                                  (value.IsSequence() ? "list" : "mapping"));
    if (!type && path.size() >= 3) {
      if (const ResourceModel* rm = models_.FindResource(path.WithoutPrefix().Truncated(3));
          rm && rm->type != DataType::kNone) {
        type = rm->type;
        type_origin = "from the object model";
      }
    }
    const std::string& s = value.Scalar();
    if (!type) return Infer(value);

    auto bad = [&](const std::string& why) {
      return Fail(value, ps + ": " + why + " (type " + std::string(DataTypeName(*type)) + ", " + type_origin + ")");
    };
    switch (*type) {
      case DataType::kNone: return bad("'" + s + "' given, but the resource carries no value");
      case DataType::kString: return Value::String(s);
      case DataType::kCorelnk: return Value::Corelnk(s);
      case DataType::kBoolean: {
        if (auto b = YamlBool(s)) return Value::Boolean(*b);
        if (s == "1" || s == "0") return Value::Boolean(s == "1");
        return bad("'" + s + "' is not a Boolean (true, false, 1 or 0)");
      }
      case DataType::kFloat:
        if (auto f = YamlSpecialFloat(s)) return Value::Float(*f);
        break;
      case DataType::kOpaque: {
        if (s.rfind("base64:", 0) == 0) {
          auto b = Base64Decode(std::string_view(s).substr(7));
          if (!b) return bad("bad base64: " + b.status().message());
          return Value::Opaque(std::move(*b));
        }
        auto b = ParseHexArgument(s.rfind("hex:", 0) == 0 ? std::string_view(s).substr(4) : std::string_view(s));
        if (!b) return bad("Opaque values are hex (\"0102ff\") or \"base64:AQL/\"; " + b.status().message());
        return Value::Opaque(std::move(*b));
      }
      default: break;
    }
    auto v = Value::FromText(s, *type);
    if (!v) return bad(v.status().message());
    return *v;
  }

  Result<Value> Infer(const YAML::Node& value) const {
    const std::string& s = value.Scalar();
    if (!IsPlain(value)) return Value::String(s);
    if (auto b = YamlBool(s)) return Value::Boolean(*b);
    static const std::regex kInt("[-+]?[0-9]+");
    static const std::regex kFloat("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    if (std::regex_match(s, kInt)) {
      std::string t = s[0] == '+' ? s.substr(1) : s;
      if (auto v = Value::FromText(t, DataType::kInteger)) return *v;
      if (auto v = Value::FromText(t, DataType::kUnsignedInteger)) return *v;
      return Fail(value, "'" + s + "' is out of the 64-bit integer range");
    }
    if (std::regex_match(s, kFloat)) {
      if (auto v = Value::FromText(s, DataType::kFloat)) return *v;
    }
    // Only YAML's own spellings (.nan, .inf, -.inf): a plain word "nan" stays a String.
    if (std::string l = Lower(s); l == ".nan" || l == ".inf" || l == "+.inf" || l == "-.inf")
      return Value::Float(*YamlSpecialFloat(s));
    return Value::String(s);
  }

  Status LoadLink(const YAML::Node& item) {
    static const std::vector<std::string> kKeys = {"target", "params"};
    for (const auto& kv : item) {
      std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end()) return Fail(kv.first, UnknownKey(k, kKeys));
    }
    const YAML::Node target = item["target"];
    if (!target.IsScalar() || target.Scalar().empty())
      return Fail(target, "a link target must be a non-empty string such as /3/0");
    Link link{target.Scalar(), {}};
    const YAML::Node params = item["params"];
    if (params && !params.IsNull()) {
      if (params.IsMap()) {
        for (const auto& kv : params) {
          if (!kv.first.IsScalar()) return Fail(kv.first, "a link parameter name must be a string");
          auto p = MakeParam(kv.first.Scalar(), kv.second, kv.first);
          if (!p) return p.status();
          link.params.push_back(std::move(*p));
        }
      } else if (params.IsSequence()) {
        for (const auto& e : params) {
          if (!e.IsMap() || !e["name"] || !e["name"].IsScalar())
            return Fail(e, "each parameter in a list must be {name: ..., value: ..., quoted: ...}");
          static const std::vector<std::string> kParamKeys = {"name", "value", "quoted"};
          for (const auto& kv : e) {
            std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
            if (std::find(kParamKeys.begin(), kParamKeys.end(), k) == kParamKeys.end())
              return Fail(kv.first, UnknownKey(k, kParamKeys));
          }
          auto p = MakeParam(e["name"].Scalar(), e["value"], e);
          if (!p) return p.status();
          if (e["quoted"]) {
            auto q = YamlBool(e["quoted"].IsScalar() ? e["quoted"].Scalar() : "");
            if (!q) return Fail(e["quoted"], "quoted must be true or false");
            p->quoted = *q && p->value.has_value();
          }
          link.params.push_back(std::move(*p));
        }
      } else {
        return Fail(params, "params must be a mapping {ver: \"1.2\"} or a list of {name, value, quoted}");
      }
    }
    out_.content.links.push_back(std::move(link));
    out_.link_marks.push_back(MarkOf(item));
    return Status::Ok();
  }

  // value: null (a parameter without '='), a scalar, or {value: ..., quoted: bool}.
  Result<LinkParam> MakeParam(const std::string& name, const YAML::Node& v, const YAML::Node& at) const {
    if (name.empty()) return Fail(at, "a link parameter name must not be empty");
    LinkParam p{name, std::nullopt, false};
    YAML::Node value = v;
    std::optional<bool> quoted;
    if (v && v.IsMap()) {
      value = v["value"];
      if (v["quoted"]) {
        quoted = YamlBool(v["quoted"].IsScalar() ? v["quoted"].Scalar() : "");
        if (!quoted) return Fail(v["quoted"], "quoted must be true or false");
      }
    }
    if (!value || IsYamlNull(value)) return p;
    if (!value.IsScalar()) return Fail(value, "link parameter '" + name + "' must have a single value");
    p.value = value.Scalar();
    p.quoted = quoted ? *quoted : (QuotedByConvention(name) || !IsPtoken(*p.value));
    return p;
  }

  const std::string& source_;
  const ModelRegistry& models_;
  Description out_;
};

}  // namespace

std::string Where(const std::string& source, SourceMark m) {
  if (m.line <= 0) return source;
  return source + ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
}

Result<Description> LoadDescription(std::string_view text, const std::string& source, const ModelRegistry& models) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    SourceMark m;
    if (!e.mark.is_null()) m = {e.mark.line + 1, e.mark.column + 1};
    return BadRequest(Where(source, m) + ": not valid YAML or JSON: " + e.msg);
  }
  Loader loader(source, models);
  try {
    if (Status s = loader.Load(root); !s.ok()) return s;
  } catch (const YAML::Exception& e) {
    SourceMark m;
    if (!e.mark.is_null()) m = {e.mark.line + 1, e.mark.column + 1};
    return BadRequest(Where(source, m) + ": " + e.msg);
  }
  return loader.Take();
}

}  // namespace lwm2m::cli
