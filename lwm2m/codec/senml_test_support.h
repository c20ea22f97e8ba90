// senml_test_support.h: helpers for the SenML codec tests only (not part of
// the library): a model registry with the objects the Core TS SenML examples
// use, JSON minification for comparing with the TS renderings, and diagnostic
// matchers.
//   const ModelRegistry& m = SenmlTestModels();
//   EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "not an LwM2M path"));
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/codec/codec.h"

namespace lwm2m::senml_test {

inline ResourceModel Res(uint16_t id, DataType t, bool multiple = false) {
  ResourceModel r;
  r.id = id;
  r.type = t;
  r.multiple = multiple;
  r.name = "r" + std::to_string(id);
  return r;
}

inline ObjectModel Obj(uint16_t id, std::vector<ResourceModel> rs) {
  ObjectModel o;
  o.id = id;
  o.name = "o" + std::to_string(id);
  o.version = "1.0";
  for (auto& r : rs) o.resources[r.id] = r;
  return o;
}

// Resource types as in the OMA registry DDFs (Core TS 1.2 Appendix E) and, for
// 65/66/67, the hypothetical objects of the Core TS data format examples.
// Object 30000 is ours: one resource of every data type, for round trips.
inline const ModelRegistry& SenmlTestModels() {
  static const ModelRegistry reg = [] {
    using D = DataType;
    ModelRegistry m;
    m.Add(Obj(0, {Res(0, D::kString), Res(1, D::kBoolean), Res(2, D::kInteger), Res(3, D::kOpaque), Res(4, D::kOpaque),
                  Res(5, D::kOpaque), Res(10, D::kInteger), Res(16, D::kUnsignedInteger, true)}));
    m.Add(Obj(1, {Res(0, D::kInteger), Res(1, D::kInteger), Res(2, D::kInteger), Res(3, D::kInteger),
                  Res(5, D::kInteger), Res(6, D::kBoolean), Res(7, D::kString)}));
    m.Add(Obj(2, {Res(0, D::kInteger), Res(1, D::kInteger), Res(2, D::kInteger, true), Res(3, D::kInteger)}));
    m.Add(Obj(3, {Res(0, D::kString), Res(1, D::kString), Res(2, D::kString), Res(3, D::kString), Res(4, D::kNone),
                  Res(6, D::kInteger, true), Res(7, D::kInteger, true), Res(8, D::kInteger, true), Res(9, D::kInteger),
                  Res(10, D::kInteger), Res(11, D::kInteger, true), Res(13, D::kTime), Res(14, D::kString),
                  Res(15, D::kString), Res(16, D::kString)}));
    m.Add(Obj(4, {Res(2, D::kInteger)}));
    m.Add(Obj(6, {Res(0, D::kFloat), Res(1, D::kFloat)}));
    m.Add(Obj(25, {Res(3, D::kCorelnk)}));
    m.Add(Obj(34, {Res(1, D::kString, true)}));
    m.Add(Obj(65, {Res(0, D::kObjlnk, true), Res(1, D::kString), Res(2, D::kInteger)}));
    m.Add(Obj(66, {Res(0, D::kString), Res(1, D::kString), Res(2, D::kObjlnk)}));
    m.Add(Obj(67, {Res(0, D::kString), Res(1, D::kString)}));
    m.Add(Obj(3303, {Res(5601, D::kFloat), Res(5602, D::kFloat), Res(5700, D::kFloat), Res(5701, D::kString)}));
    m.Add(Obj(3308, {Res(5900, D::kFloat)}));
    m.Add(Obj(3311, {Res(5750, D::kString), Res(5850, D::kBoolean), Res(5851, D::kInteger)}));
    m.Add(Obj(30000, {Res(0, D::kString), Res(1, D::kInteger), Res(2, D::kUnsignedInteger), Res(3, D::kFloat),
                      Res(4, D::kBoolean), Res(5, D::kOpaque), Res(6, D::kTime), Res(7, D::kObjlnk),
                      Res(8, D::kCorelnk), Res(10, D::kString, true), Res(11, D::kInteger, true),
                      Res(12, D::kFloat, true), Res(13, D::kOpaque, true), Res(14, D::kObjlnk, true)}));
    return m;
  }();
  return reg;
}

inline Path P(std::string_view s) { return *Path::Parse(s); }

inline Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline std::string S(const Bytes& b) { return std::string(b.begin(), b.end()); }
inline Bytes H(std::string_view hex) { return *HexDecode(hex); }

// JSON text without the whitespace between tokens (the TS examples are
// printed with line breaks and spaces; strings are left alone).
inline std::string Minify(std::string_view json) {
  std::string out;
  bool in_string = false, escaped = false;
  for (char c : json) {
    if (in_string) {
      out += c;
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      out += c;
    }
  }
  return out;
}

inline size_t CountDiag(const std::vector<Diagnostic>& ds, Severity s, std::string_view needle = {}) {
  size_t n = 0;
  for (const auto& d : ds)
    if (d.severity == s && d.message.find(needle) != std::string::npos) ++n;
  return n;
}
inline bool HasDiag(const std::vector<Diagnostic>& ds, Severity s, std::string_view needle) {
  return CountDiag(ds, s, needle) > 0;
}
inline const Diagnostic* FindDiag(const std::vector<Diagnostic>& ds, Severity s, std::string_view needle) {
  for (const auto& d : ds)
    if (d.severity == s && d.message.find(needle) != std::string::npos) return &d;
  return nullptr;
}
inline std::string DumpDiags(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += d.ToString() + "\n";
  return s;
}

inline Record Rec(std::string_view path, Value v, std::optional<double> t = std::nullopt) {
  return Record{P(path), std::move(v), t};
}

// Random record lists over object 30000 for round trips: distinct paths (or
// the same path at distinct times), every data type, fixed seed by the caller.
inline Content RandomContent(std::mt19937_64& rng, bool allow_none = false) {
  auto pick = [&](uint64_t n) { return static_cast<uint64_t>(rng() % n); };
  auto random_string = [&] {
    static const char* kPieces[] = {"a",  "Z",  "0",    " ",    "\"",       "\\",           "/",
                                    "\n", "\t", "\x01", "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                    "{",  "]",  ":",    ","};
    std::string s;
    const size_t n = pick(12);
    for (size_t i = 0; i < n; ++i) s += kPieces[pick(std::size(kPieces))];
    return s;
  };
  auto random_double = [&]() -> double {
    switch (pick(6)) {
      case 0:
        return static_cast<double>(static_cast<int64_t>(pick(2000)) - 1000);  // integral
      case 1:
        return std::ldexp(static_cast<double>(pick(1 << 20)), -static_cast<int>(pick(30)));
      case 2:
        return std::bit_cast<double>((rng() & ~(uint64_t{0x7FF} << 52)) | (uint64_t(pick(2000) + 20) << 52));
      case 3:
        return -0.0;
      case 4:
        return 1e300 * (pick(2) ? 1 : -1);
      default:
        return static_cast<double>(pick(1000000)) / 1000.0;
    }
  };
  Content c;
  const size_t count = 1 + pick(12);
  std::vector<std::string> used;
  for (size_t i = 0; i < count; ++i) {
    const uint16_t iid = static_cast<uint16_t>(pick(3));
    const bool multi = pick(3) == 0;
    uint16_t rid = multi ? static_cast<uint16_t>(10 + pick(5)) : static_cast<uint16_t>(pick(9));
    std::string path = "/30000/" + std::to_string(iid) + "/" + std::to_string(rid);
    if (multi) path += "/" + std::to_string(pick(65535));
    std::optional<double> time;
    if (pick(3) == 0)
      time = pick(2) ? static_cast<double>(1700000000 + pick(1000)) : -static_cast<double>(pick(100)) / 4;
    const std::string key = path + (time ? "@" + std::to_string(*time) : "");
    if (std::find(used.begin(), used.end(), key) != used.end()) continue;
    used.push_back(key);
    Value v;
    const DataType t = multi ? std::array{DataType::kString, DataType::kInteger, DataType::kFloat, DataType::kOpaque,
                                          DataType::kObjlnk}[rid - 10]
                             : std::array{DataType::kString, DataType::kInteger, DataType::kUnsignedInteger,
                                          DataType::kFloat,  DataType::kBoolean, DataType::kOpaque,
                                          DataType::kTime,   DataType::kObjlnk,  DataType::kCorelnk}[rid];
    switch (t) {
      case DataType::kString:
        v = Value::String(random_string());
        break;
      case DataType::kCorelnk:
        v = Value::Corelnk("</3/0>;" + random_string());
        break;
      case DataType::kInteger:
        v = Value::Integer(static_cast<int64_t>(rng()));
        break;
      case DataType::kUnsignedInteger:
        v = Value::UnsignedInteger(rng());
        break;
      case DataType::kTime:
        v = Value::Time(static_cast<int64_t>(rng() % 4000000000));
        break;
      case DataType::kFloat:
        v = Value::Float(random_double());
        break;
      case DataType::kBoolean:
        v = Value::Boolean(pick(2));
        break;
      case DataType::kOpaque: {
        Bytes b(pick(20));
        for (auto& x : b) x = static_cast<uint8_t>(rng());
        v = Value::Opaque(b);
        break;
      }
      case DataType::kObjlnk:
        v = Value::ObjectLink({static_cast<uint16_t>(pick(65536)), static_cast<uint16_t>(pick(65536))});
        break;
      default:
        break;
    }
    if (allow_none && pick(4) == 0) v = Value();
    c.records.push_back(Record{P(path), v, time});
  }
  return c;
}

}  // namespace lwm2m::senml_test
