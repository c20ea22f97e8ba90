// lwm2m_json.cc: LwM2M JSON (11543), the LwM2M 1.0 JSON format. See lwm2m_json.h.
#include "lwm2m/codec/lwm2m_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace lwm2m {

namespace {

constexpr const char* kFmt = "LwM2M JSON";
constexpr const char* kRule = "Core TS 1.0 §6.4.4";
constexpr size_t kMaxDepth = 32;

// ---- A small JSON tree that keeps duplicate keys, number kinds and offsets ----

struct JVal {
  enum class Kind : uint8_t { kNull, kBool, kInt, kUint, kFloat, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
  std::string s;  // kString: the text; kFloat: the number as written
  size_t offset = 0;
  std::vector<std::string> keys;  // kObject, in order; duplicates kept
  std::vector<JVal> items;        // kObject: values (parallel to keys); kArray: elements

  const JVal* Get(std::string_view k) const {
    for (size_t n = 0; n < keys.size(); ++n)
      if (keys[n] == k) return &items[n];
    return nullptr;
  }
  bool IsNumber() const { return kind == Kind::kInt || kind == Kind::kUint || kind == Kind::kFloat; }
  double AsDouble() const {
    return kind == Kind::kInt ? static_cast<double>(i) : kind == Kind::kUint ? static_cast<double>(u) : f;
  }
};

std::string Describe(const JVal& v) {
  switch (v.kind) {
    case JVal::Kind::kNull: return "null";
    case JVal::Kind::kBool: return v.b ? "true" : "false";
    case JVal::Kind::kInt: return "number " + std::to_string(v.i);
    case JVal::Kind::kUint: return "number " + std::to_string(v.u);
    case JVal::Kind::kFloat: return "number " + v.s;
    case JVal::Kind::kString: return "string \"" + v.s.substr(0, 40) + (v.s.size() > 40 ? "...\"" : "\"");
    case JVal::Kind::kArray: return "array";
    case JVal::Kind::kObject: return "object";
  }
  return "?";
}

// Counts how far the JSON lexer has read, so that SAX events get offsets.
struct CountingIter {
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  const char* p = nullptr;
  const char* base = nullptr;
  size_t* pos = nullptr;
  reference operator*() const {
    *pos = static_cast<size_t>(p - base);
    return *p;
  }
  CountingIter& operator++() {
    ++p;
    return *this;
  }
  CountingIter operator++(int) {
    CountingIter t = *this;
    ++p;
    return t;
  }
  bool operator==(const CountingIter& o) const { return p == o.p; }
  bool operator!=(const CountingIter& o) const { return p != o.p; }
};

class TreeBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  TreeBuilder(const size_t* pos, size_t size, Diagnostics& d) : pos_(pos), size_(size), d_(d) {}

  bool null() override { return Add(JVal{}); }
  bool boolean(bool v) override {
    JVal j;
    j.kind = JVal::Kind::kBool;
    j.b = v;
    return Add(std::move(j));
  }
  bool number_integer(number_integer_t v) override {
    JVal j;
    j.kind = JVal::Kind::kInt;
    j.i = v;
    return Add(std::move(j));
  }
  bool number_unsigned(number_unsigned_t v) override {
    JVal j;
    if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      j.kind = JVal::Kind::kInt;
      j.i = static_cast<int64_t>(v);
    } else {
      j.kind = JVal::Kind::kUint;
      j.u = v;
    }
    return Add(std::move(j));
  }
  bool number_float(number_float_t v, const string_t& raw) override {
    JVal j;
    j.kind = JVal::Kind::kFloat;
    j.f = v;
    j.s = raw;
    return Add(std::move(j));
  }
  bool string(string_t& v) override {
    JVal j;
    j.kind = JVal::Kind::kString;
    j.s = std::move(v);
    return Add(std::move(j));
  }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return Open(JVal::Kind::kObject); }
  bool key(string_t& k) override {
    JVal& top = stack_.back();
    for (const auto& existing : top.keys) {
      if (existing == k) {
        d_.Error(*pos_, "", std::string(kFmt) + ": duplicate member \"" + k + "\" in one object (the first is used)",
                 "RFC 8259 §4");
        break;
      }
    }
    top.keys.push_back(k);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(JVal::Kind::kArray); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error ..." -> the part after ": "
    size_t colon = what.find(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    // `position` counts the bytes read, up to the end of the offending token.
    size_t at = std::min(position >= last_token.size() ? position - last_token.size() : 0, size_);
    d_.Error(at, "", std::string(kFmt) + ": payload is not JSON: " + what,
             "RFC 8259");
    failed_ = true;
    return false;
  }

  bool failed() const { return failed_; }
  std::optional<JVal>& root() { return root_; }

 private:
  bool Open(JVal::Kind k) {
    if (stack_.size() >= kMaxDepth) {
      d_.Error(*pos_, "", std::string(kFmt) + ": JSON nesting deeper than " + std::to_string(kMaxDepth) + " levels",
               kRule);
      failed_ = true;
      return false;
    }
    JVal j;
    j.kind = k;
    j.offset = *pos_;
    stack_.push_back(std::move(j));
    return true;
  }
  bool Close() {
    JVal j = std::move(stack_.back());
    stack_.pop_back();
    return Add(std::move(j), /*has_offset=*/true);
  }
  bool Add(JVal v, bool has_offset = false) {
    if (!has_offset) v.offset = *pos_;
    if (stack_.empty()) {
      root_ = std::move(v);
      return true;
    }
    JVal& top = stack_.back();
    top.items.push_back(std::move(v));
    return true;
  }

  const size_t* pos_;
  size_t size_;
  Diagnostics& d_;
  std::vector<JVal> stack_;
  std::optional<JVal> root_;
  bool failed_ = false;
};

// ---- Values ----

struct EntryValue {
  std::string key;  // "v", "bv", "ov", "sv"
  const JVal* val = nullptr;
};

// The natural type of an entry value when no model types it.
Result<Value> NaturalValue(const EntryValue& ev) {
  const JVal& v = *ev.val;
  if (ev.key == "v") {
    if (v.kind == JVal::Kind::kInt) return Value::Integer(v.i);
    if (v.kind == JVal::Kind::kUint) return Value::UnsignedInteger(v.u);
    if (v.kind == JVal::Kind::kFloat) {
      if (!std::isfinite(v.f)) return BadRequest("\"v\" " + v.s + " is out of the range of a Float");
      return Value::Float(v.f);
    }
    return BadRequest("\"v\" must be a number, found " + Describe(v));
  }
  if (ev.key == "bv") {
    if (v.kind == JVal::Kind::kBool) return Value::Boolean(v.b);
    return BadRequest("\"bv\" must be true or false, found " + Describe(v));
  }
  if (v.kind != JVal::Kind::kString) return BadRequest("\"" + ev.key + "\" must be a string, found " + Describe(v));
  if (ev.key == "ov") return Value::FromText(v.s, DataType::kObjlnk);
  return Value::String(v.s);
}

std::string KeyFor(DataType t) {
  switch (t) {
    case DataType::kInteger:
    case DataType::kUnsignedInteger:
    case DataType::kFloat:
    case DataType::kTime: return "v";
    case DataType::kBoolean: return "bv";
    case DataType::kObjlnk: return "ov";
    case DataType::kString:
    case DataType::kOpaque:
    case DataType::kCorelnk: return "sv";
    case DataType::kNone: return "";
  }
  return "";
}

// The value of an entry for a resource of type `t` (Core TS 1.0 §6.4.4 Table 20:
// Integer, Float and Time in "v", Boolean in "bv", Objlnk in "ov", String and
// Opaque (base64) in "sv"). Warnings (an integral Float written for an Integer)
// go to `warn`.
Result<Value> TypedValue(const EntryValue& ev, DataType t, std::string& warn) {
  const JVal& v = *ev.val;
  std::string want = KeyFor(t);
  if (want.empty()) return BadRequest("the resource is executable and carries no value");
  if (want != ev.key)
    return BadRequest("a " + std::string(DataTypeName(t)) + " resource takes \"" + want + "\", not \"" + ev.key +
                      "\"");
  switch (t) {
    case DataType::kInteger:
    case DataType::kTime: {
      int64_t out;
      if (v.kind == JVal::Kind::kInt) {
        out = v.i;
      } else if (v.kind == JVal::Kind::kUint) {
        return BadRequest("\"v\" " + std::to_string(v.u) + " is above the 64-bit signed range of " +
                          std::string(DataTypeName(t)));
      } else if (v.kind == JVal::Kind::kFloat) {
        if (!(std::trunc(v.f) == v.f && v.f >= -9223372036854775808.0 && v.f < 9223372036854775808.0))
          return BadRequest("\"v\" " + v.s + " is not an integral " + std::string(DataTypeName(t)));
        out = static_cast<int64_t>(v.f);
        warn = "\"v\" " + v.s + " is written as a float for an " + std::string(DataTypeName(t)) + " resource";
      } else {
        return BadRequest("\"v\" must be a number, found " + Describe(v));
      }
      return t == DataType::kTime ? Value::Time(out) : Value::Integer(out);
    }
    case DataType::kUnsignedInteger: {
      if (v.kind == JVal::Kind::kInt && v.i >= 0) return Value::UnsignedInteger(static_cast<uint64_t>(v.i));
      if (v.kind == JVal::Kind::kUint) return Value::UnsignedInteger(v.u);
      if (v.kind == JVal::Kind::kFloat && v.f >= 0 && std::trunc(v.f) == v.f && v.f < 18446744073709551616.0) {
        warn = "\"v\" " + v.s + " is written as a float for an Unsigned Integer resource";
        return Value::UnsignedInteger(static_cast<uint64_t>(v.f));
      }
      return BadRequest("\"v\" " + (v.IsNumber() ? (v.kind == JVal::Kind::kFloat ? v.s : std::to_string(v.i))
                                                 : Describe(v)) +
                        " is not an Unsigned Integer");
    }
    case DataType::kFloat:
      if (!v.IsNumber()) return BadRequest("\"v\" must be a number, found " + Describe(v));
      if (!std::isfinite(v.AsDouble())) return BadRequest("\"v\" " + v.s + " is out of the range of a Float");
      return Value::Float(v.AsDouble());
    case DataType::kBoolean:
      if (v.kind != JVal::Kind::kBool) return BadRequest("\"bv\" must be true or false, found " + Describe(v));
      return Value::Boolean(v.b);
    case DataType::kObjlnk:
      if (v.kind != JVal::Kind::kString) return BadRequest("\"ov\" must be a string, found " + Describe(v));
      return Value::FromText(v.s, DataType::kObjlnk);
    case DataType::kString:
    case DataType::kCorelnk:
      if (v.kind != JVal::Kind::kString) return BadRequest("\"sv\" must be a string, found " + Describe(v));
      return t == DataType::kString ? Value::String(v.s) : Value::Corelnk(v.s);
    case DataType::kOpaque: {
      if (v.kind != JVal::Kind::kString) return BadRequest("\"sv\" must be a string, found " + Describe(v));
      auto b = Base64Decode(v.s);
      if (!b) return BadRequest("Opaque \"sv\" is not base64: " + b.status().message());
      return Value::Opaque(std::move(*b));
    }
    case DataType::kNone: break;
  }
  return BadRequest("unsupported data type");
}

// ---- Decoding ----

DecodeResult DecodeJson(std::span<const uint8_t> payload, const CodecContext& ctx) {
  Diagnostics d;
  DecodeResult out;
  if (CompareVersions(ctx.lwm2m_version, "1.1") >= 0)
    d.Warning(std::nullopt, "",
              std::string(kFmt) + " (11543) is used with LwM2M " + std::string(ctx.lwm2m_version) +
                  ": a 1.1+ Client MUST NOT use it (SenML JSON replaces it)",
              "Core TS 1.2.2 §7.5 ([FL] FMT-02)");
  const char* begin = reinterpret_cast<const char*>(payload.data());
  size_t pos = 0;
  CountingIter first{begin, begin, &pos};
  CountingIter last{begin + payload.size(), begin, &pos};
  TreeBuilder builder(&pos, payload.size(), d);
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(first, last, &builder, nlohmann::json::input_format_t::json, true);
  } catch (const std::exception& e) {
    d.Error(pos, "", std::string(kFmt) + ": payload is not JSON: " + e.what(), "RFC 8259");
  }
  if (!ok || builder.failed() || !builder.root()) {
    if (!d.HasErrors()) d.Error(pos, "", std::string(kFmt) + ": payload is not JSON", "RFC 8259");
    out.diagnostics = d.Take();
    return out;
  }
  const JVal& root = *builder.root();
  if (root.kind != JVal::Kind::kObject) {
    d.Error(root.offset, "", std::string(kFmt) + ": the payload is a JSON " + Describe(root) + ", not an object",
            kRule);
    out.diagnostics = d.Take();
    return out;
  }
  std::string bn;
  std::optional<double> bt;
  const JVal* e = nullptr;
  for (size_t k = 0; k < root.keys.size(); ++k) {
    const std::string& key = root.keys[k];
    const JVal& v = root.items[k];
    if (root.Get(key) != &v) continue;  // duplicate: already reported, the first counts
    if (key == "bn") {
      if (v.kind != JVal::Kind::kString)
        d.Error(v.offset, "", std::string(kFmt) + ": \"bn\" must be a string, found " + Describe(v), kRule);
      else
        bn = v.s;
    } else if (key == "bt") {
      if (!v.IsNumber() || !std::isfinite(v.AsDouble()))
        d.Error(v.offset, "", std::string(kFmt) + ": \"bt\" must be a number, found " + Describe(v), kRule);
      else
        bt = v.AsDouble();
    } else if (key == "e") {
      e = &v;
    } else {
      d.Warning(v.offset, "", std::string(kFmt) + ": unknown member \"" + key + "\" in the root object", kRule);
    }
  }
  if (!e) {
    d.Error(root.offset, "", std::string(kFmt) + ": the root object has no \"e\" (Resource array)", kRule);
    out.diagnostics = d.Take();
    return out;
  }
  if (e->kind != JVal::Kind::kArray) {
    d.Error(e->offset, "", std::string(kFmt) + ": \"e\" must be an array, found " + Describe(*e), kRule);
    out.diagnostics = d.Take();
    return out;
  }
  const Path& rp = ctx.request_path;
  bool no_model_noted = false;
  std::map<std::pair<Path, std::optional<double>>, size_t> seen;  // (path, time) -> entry number
  for (size_t n = 0; n < e->items.size(); ++n) {
    const JVal& entry = e->items[n];
    std::string which = "entry " + std::to_string(n + 1);
    if (entry.kind != JVal::Kind::kObject) {
      d.Error(entry.offset, "", std::string(kFmt) + ": " + which + " is a " + Describe(entry) + ", not an object",
              kRule);
      continue;
    }
    std::string name;
    bool has_name = false;
    std::optional<double> t;
    std::vector<EntryValue> values;
    bool bad_entry = false;
    for (size_t k = 0; k < entry.keys.size(); ++k) {
      const std::string& key = entry.keys[k];
      const JVal& v = entry.items[k];
      if (entry.Get(key) != &v) continue;
      if (key == "n") {
        if (v.kind != JVal::Kind::kString) {
          d.Error(v.offset, "", std::string(kFmt) + ": " + which + ": \"n\" must be a string, found " + Describe(v),
                  kRule);
          bad_entry = true;
        } else {
          name = v.s;
          has_name = true;
        }
      } else if (key == "t") {
        if (!v.IsNumber() || !std::isfinite(v.AsDouble())) {
          d.Error(v.offset, "", std::string(kFmt) + ": " + which + ": \"t\" must be a number, found " + Describe(v),
                  kRule);
        } else {
          t = v.AsDouble();
        }
      } else if (key == "v" || key == "bv" || key == "ov" || key == "sv") {
        values.push_back({key, &v});
      } else {
        d.Warning(v.offset, "", std::string(kFmt) + ": " + which + ": unknown member \"" + key + "\"", kRule);
      }
    }
    if (bad_entry) continue;
    // Resolve the name: bn + n (SenML concatenation).
    std::string full = bn + name;
    if (full.empty()) {
      d.Error(entry.offset, "", std::string(kFmt) + ": " + which + " has neither \"bn\" nor \"n\"", kRule);
      continue;
    }
    if (full[0] != '/') {
      d.Warning(entry.offset, "", std::string(kFmt) + ": " + which + ": name \"" + full +
                                      "\" does not start with '/' (read as \"/" + full + "\")",
                kRule);
      full.insert(full.begin(), '/');
    }
    if (!has_name && full.size() > 1 && full.back() == '/') full.pop_back();
    auto path = Path::Parse(full);
    if (!path) {
      d.Error(entry.offset, "", std::string(kFmt) + ": " + which + ": name \"" + full +
                                    "\" is not an LwM2M path: " + path.status().message(),
              kRule);
      continue;
    }
    std::string ps = path->ToString();
    if (!(rp.IsRoot() && rp.prefix().empty()) && !rp.IsPrefixOf(*path))
      d.Error(entry.offset, ps, std::string(kFmt) + ": " + which + ": " + ps + " is not under the request path " +
                                    rp.ToString(),
              kRule);
    std::optional<double> time;
    if (bt || t) time = bt.value_or(0) + t.value_or(0);
    auto key = std::make_pair(*path, time);
    if (auto it = seen.find(key); it != seen.end()) {
      d.Error(entry.offset, ps, std::string(kFmt) + ": " + which + " gives " + ps +
                                    (time ? " at the same time" : "") + " again (first in entry " +
                                    std::to_string(it->second) + ")",
              kRule);
      continue;
    }
    seen.emplace(key, n + 1);
    if (values.empty()) {
      d.Error(entry.offset, ps, std::string(kFmt) + ": " + which + " has no value (\"v\", \"bv\", \"ov\" or \"sv\")",
              kRule);
      continue;
    }
    if (values.size() > 1) {
      std::string keys;
      for (const auto& ev : values) keys += (keys.empty() ? "\"" : ", \"") + ev.key + "\"";
      d.Error(entry.offset, ps, std::string(kFmt) + ": " + which + " has several values (" + keys +
                                    "); the first is used",
              kRule);
    }
    if (path->size() < 3) {
      d.Error(entry.offset, ps, std::string(kFmt) + ": " + which + " gives a value to " + ps +
                                    ", which is not a Resource or Resource Instance",
              kRule);
      continue;
    }
    const ResourceModel* rm = ctx.models ? ctx.models->FindResource(*path) : nullptr;
    Result<Value> value = Value();
    if (rm) {
      std::string warn;
      value = TypedValue(values[0], rm->type, warn);
      if (!warn.empty()) d.Warning(entry.offset, ps, std::string(kFmt) + ": " + which + ": " + warn, kRule);
      if (!value) {
        d.Error(entry.offset, ps, std::string(kFmt) + ": " + which + " (" + rm->name + "): " +
                                      value.status().message(),
                kRule);
        value = NaturalValue(values[0]);
        if (!value) continue;  // already reported
      }
      if (path->size() == 4 && !rm->multiple)
        d.Warning(entry.offset, ps, std::string(kFmt) + ": " + which + ": " + rm->name +
                                        " is a Single-Instance Resource but the name has a Resource Instance id",
                  kRule);
      if (path->size() == 3 && rm->multiple)
        d.Warning(entry.offset, ps, std::string(kFmt) + ": " + which + ": " + rm->name +
                                        " is a Multiple-Instance Resource but the name has no Resource Instance id",
                  kRule);
    } else {
      if (!no_model_noted) {
        d.Info(entry.offset, ps, std::string(kFmt) + ": no object model for " + ps +
                                     "; values keep the type their key gives",
               "");
        no_model_noted = true;
      }
      value = NaturalValue(values[0]);
    }
    if (!value) {
      d.Error(entry.offset, ps, std::string(kFmt) + ": " + which + ": " + value.status().message(), kRule);
      continue;
    }
    out.content.records.push_back({*path, std::move(*value), time});
  }
  if (e->items.empty()) {
    // An empty Object Instance or Multiple Resource ("e":[]), as Leshan reads it.
    if (rp.size() == 2) {
      out.content.records.push_back({rp, Value(), std::nullopt});
    } else if (rp.size() == 3) {
      const ResourceModel* rm = ctx.models ? ctx.models->FindResource(rp) : nullptr;
      if (rm && !rm->multiple)
        d.Error(e->offset, rp.ToString(), std::string(kFmt) + ": \"e\" is empty for Single-Instance Resource " +
                                               rm->name,
                kRule);
      else
        out.content.records.push_back({rp, Value(), std::nullopt});
    } else if (rp.size() == 4) {
      d.Error(e->offset, rp.ToString(), std::string(kFmt) + ": \"e\" is empty for a Resource Instance", kRule);
    }
  }
  out.diagnostics = d.Take();
  return out;
}

// ---- Encoding ----

Result<std::string> JsonString(const std::string& s) {
  try {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const std::exception&) {
    return BadRequest(std::string(kFmt) + ": string is not valid UTF-8");
  }
}

Result<std::string> JsonFloat(double d) {
  if (!std::isfinite(d)) return NotAcceptable(std::string(kFmt) + ": Float " + std::to_string(d) + " has no JSON form");
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, p);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

Result<Bytes> EncodeJson(const Content& content, const CodecContext& ctx) {
  if (!content.links.empty()) return NotAcceptable(std::string(kFmt) + " carries resource values, not links");
  const Path& rp = ctx.request_path;
  const auto& recs = content.records;
  bool all_below = !rp.IsRoot() && !recs.empty();
  bool all_equal = !recs.empty();
  for (const Record& r : recs) {
    if (!(rp.IsPrefixOf(r.path) && r.path != rp)) all_below = false;
    if (r.path != rp) all_equal = false;
  }
  std::string bn;
  if (all_below) bn = rp.ToString() + "/";
  else if (all_equal) bn = rp.ToString();
  std::string out = "{";
  if (!bn.empty()) {
    auto s = JsonString(bn);
    if (!s) return s.status();
    out += "\"bn\":" + *s + ",";
  }
  out += "\"e\":[";
  bool first = true;
  for (size_t i = 0; i < recs.size(); ++i) {
    const Record& r = recs[i];
    std::string ps = r.path.ToString();
    if (r.value.is_none()) {
      if (r.path == rp && recs.size() == 1 && (rp.size() == 2 || rp.size() == 3)) continue;  // "e":[]
      return BadRequest(std::string(kFmt) + ": record " + std::to_string(i + 1) + " (" + ps +
                        ") has no value; LwM2M JSON entries always carry one");
    }
    if (r.path.size() < 3)
      return BadRequest(std::string(kFmt) + ": record " + std::to_string(i + 1) + " gives a value to " + ps +
                        ", which is not a Resource or Resource Instance");
    std::string entry = "{";
    if (!all_equal) {
      std::string name = all_below ? ps.substr(rp.ToString().size() + 1) : ps;
      auto s = JsonString(name);
      if (!s) return s.status();
      entry += "\"n\":" + *s + ",";
    }
    const Value& v = r.value;
    entry += "\"" + KeyFor(v.type()) + "\":";
    switch (v.type()) {
      case DataType::kInteger:
      case DataType::kTime: entry += std::to_string(v.AsInteger()); break;
      case DataType::kUnsignedInteger: entry += std::to_string(v.AsUnsigned()); break;
      case DataType::kFloat: {
        auto f = JsonFloat(v.AsFloat());
        if (!f) return Status(f.status().code(), f.status().message() + " (record " + std::to_string(i + 1) + ", " + ps + ")");
        entry += *f;
        break;
      }
      case DataType::kBoolean: entry += v.AsBoolean() ? "true" : "false"; break;
      case DataType::kObjlnk:
      case DataType::kOpaque:
      case DataType::kString:
      case DataType::kCorelnk: {
        auto s = JsonString(v.ToText());
        if (!s) return BadRequest(s.status().message() + " (record " + std::to_string(i + 1) + ", " + ps + ")");
        entry += *s;
        break;
      }
      case DataType::kNone: break;
    }
    if (r.time) {
      auto f = JsonFloat(*r.time);
      if (!f) return f.status();
      // Integral times are written as integers ("t":25462634).
      if (std::trunc(*r.time) == *r.time && std::fabs(*r.time) < 9e15) f = std::to_string(static_cast<int64_t>(*r.time));
      entry += ",\"t\":" + *f;
    }
    entry += "}";
    if (!first) out += ",";
    out += entry;
    first = false;
  }
  out += "]}";
  return Bytes(out.begin(), out.end());
}

class Lwm2mJsonCodec : public Codec {
 public:
  ContentFormat format() const override { return ContentFormat::kLwm2mJson; }
  std::string_view name() const override { return "lwm2m-json"; }
  DecodeResult Decode(std::span<const uint8_t> payload, const CodecContext& ctx) const override {
    return DecodeJson(payload, ctx);
  }
  Result<Bytes> Encode(const Content& content, const CodecContext& ctx) const override {
    return EncodeJson(content, ctx);
  }
};

}  // namespace

std::unique_ptr<Codec> MakeLwm2mJsonCodec() { return std::make_unique<Lwm2mJsonCodec>(); }

}  // namespace lwm2m
