// codec_test_support.h: helpers shared by the codec tests only (header-only,
// never part of the library): the object models the tests decode with (the
// shipped DDF models plus the test objects the TS examples invent), the Core
// TS Device example records, hex/text helpers, diagnostic matchers and random
// record lists for round trips.
//   DecodeResult r = codec.Decode(H("c10964"), {.request_path = P("/3/0/9"), .models = &TestModels()});
//   EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "not an LwM2M path")) << DumpDiags(r.diagnostics);
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "lwm2m/codec/codec.h"

namespace lwm2m::codec_test {

// ---- object models ----

inline ResourceModel Res(uint16_t id, DataType t, bool multiple = false, std::string name = {}) {
  ResourceModel r;
  r.id = id;
  r.type = t;
  r.multiple = multiple;
  r.name = name.empty() ? "r" + std::to_string(id) : std::move(name);
  r.operations = t == DataType::kNone ? Operations::kExecute : Operations::kReadWrite;
  return r;
}

inline ObjectModel Obj(uint16_t id, std::vector<ResourceModel> rs, bool multiple = true) {
  ObjectModel o;
  o.id = id;
  o.name = "o" + std::to_string(id);
  o.version = "1.0";
  o.multiple = multiple;
  for (auto& r : rs) o.resources[r.id] = r;
  return o;
}

// Objects that lwm2m/model/ddf does not ship, so no test can take them from
// ModelRegistry::Builtin(): OMA objects outside our set (6, 34, 3308, 3311,
// with the types of the OMA registry), the hypothetical objects 65/66/67 of the
// Core TS data format examples, and three objects of our own that hold one
// resource of every data type (9000: single-value and TLV tests, 1024: LwM2M
// CBOR/JSON, 30000: SenML round trips). Resource ids are those the vectors use.
inline std::vector<ObjectModel> TestOnlyObjects() {
  using D = DataType;
  return {
      Obj(6, {Res(0, D::kFloat), Res(1, D::kFloat)}),
      Obj(34, {Res(1, D::kString, true)}),
      Obj(3308, {Res(5900, D::kFloat)}),
      Obj(3311, {Res(5750, D::kString), Res(5850, D::kBoolean), Res(5851, D::kInteger)}),
      Obj(65, {Res(0, D::kObjlnk, true, "Res0"), Res(1, D::kString, false, "Res1"),
               Res(2, D::kInteger, false, "Res2")}),
      Obj(66, {Res(0, D::kString), Res(1, D::kString), Res(2, D::kObjlnk)}),
      Obj(67, {Res(0, D::kString), Res(1, D::kString)}),
      Obj(9000, {Res(0, D::kString), Res(1, D::kInteger), Res(2, D::kUnsignedInteger), Res(3, D::kFloat),
                 Res(4, D::kBoolean), Res(5, D::kOpaque), Res(6, D::kTime), Res(7, D::kObjlnk), Res(8, D::kCorelnk),
                 Res(9, D::kInteger, true), Res(10, D::kFloat, true), Res(300, D::kString)}),
      Obj(1024, {Res(0, D::kString, false, "S"), Res(1, D::kFloat, false, "F"), Res(2, D::kBoolean, false, "B"),
                 Res(3, D::kOpaque, false, "O"), Res(4, D::kUnsignedInteger, false, "U"),
                 Res(5, D::kCorelnk, false, "C"), Res(6, D::kTime, false, "T"), Res(7, D::kObjlnk, false, "L"),
                 Res(8, D::kInteger, false, "I"), Res(9, D::kInteger, true, "M"), Res(10, D::kNone, false, "E")}),
      Obj(30000, {Res(0, D::kString), Res(1, D::kInteger), Res(2, D::kUnsignedInteger), Res(3, D::kFloat),
                  Res(4, D::kBoolean), Res(5, D::kOpaque), Res(6, D::kTime), Res(7, D::kObjlnk), Res(8, D::kCorelnk),
                  Res(10, D::kString, true), Res(11, D::kInteger, true), Res(12, D::kFloat, true),
                  Res(13, D::kOpaque, true), Res(14, D::kObjlnk, true)}),
  };
}

// ModelRegistry::Builtin() plus TestOnlyObjects(), with one difference: the
// Server object (1) stops at version 1.1. The TS examples give Lifetime and
// the other Server values as Integer, the type of Server 1.1; Server 1.2 made
// Lifetime an Unsigned Integer, which would type those values differently.
inline const ModelRegistry& TestModels() {
  static const ModelRegistry reg = [] {
    ModelRegistry m;
    for (const ObjectModel* o : ModelRegistry::Builtin().All())
      if (o->id != 1 || CompareVersions(o->version, "1.1") <= 0) m.Add(*o);
    for (auto& o : TestOnlyObjects()) m.Add(std::move(o));
    return m;
  }();
  return reg;
}

// ---- bytes, text, paths, records ----

inline Path P(std::string_view s) { return *Path::Parse(s); }
inline Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline std::string S(const Bytes& b) { return std::string(b.begin(), b.end()); }
inline Bytes H(std::string_view hex) { return *HexDecode(hex); }

inline Record Rec(std::string_view path, Value v, std::optional<double> t = std::nullopt) {
  return Record{P(path), std::move(v), t};
}

// Core TS 1.2 §7.4.3 "Single Object Instance" Device example (Read /3/0), the
// records every format's rendering of it decodes to (TLV, LwM2M CBOR/JSON, SenML).
inline std::vector<Record> TsDeviceRecords() {
  return {Rec("/3/0/0", Value::String("Open Mobile Alliance")),
          Rec("/3/0/1", Value::String("Lightweight M2M Client")),
          Rec("/3/0/2", Value::String("345000123")),
          Rec("/3/0/3", Value::String("1.0")),
          Rec("/3/0/6/0", Value::Integer(1)),
          Rec("/3/0/6/1", Value::Integer(5)),
          Rec("/3/0/7/0", Value::Integer(3800)),
          Rec("/3/0/7/1", Value::Integer(5000)),
          Rec("/3/0/8/0", Value::Integer(125)),
          Rec("/3/0/8/1", Value::Integer(900)),
          Rec("/3/0/9", Value::Integer(100)),
          Rec("/3/0/10", Value::Integer(15)),
          Rec("/3/0/11/0", Value::Integer(0)),
          Rec("/3/0/13", Value::Time(1367491215)),
          Rec("/3/0/14", Value::String("+02:00")),
          Rec("/3/0/16", Value::String("U"))};
}

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

// ---- diagnostics ----

// Diagnostics of severity `s` whose message contains `needle` (every one of that severity when empty).
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
// Records and diagnostics, one a line, for failure messages.
inline std::string DumpResult(const DecodeResult& r) {
  std::string s;
  for (const auto& rec : r.content.records) s += rec.path.ToString() + " = " + rec.value.DebugString() + "\n";
  return s + DumpDiags(r.diagnostics);
}

// ---- running a codec ----

// The codec a factory makes, made once per test binary: CodecOf<MakeTlvCodec>().
template <std::unique_ptr<Codec> (*Make)()>
const Codec& CodecOf() {
  static const std::unique_ptr<Codec> codec = Make();
  return *codec;
}

inline DecodeResult DecodeAt(const Codec& codec, std::span<const uint8_t> payload, std::string_view path,
                             const ModelRegistry* models = &TestModels()) {
  return codec.Decode(payload, {.request_path = P(path), .models = models});
}

// Encodes and expects success (a failure names the status); empty bytes then.
inline Bytes EncodeOk(const Codec& codec, const Content& content, std::string_view path,
                      const ModelRegistry* models = &TestModels()) {
  Result<Bytes> r = codec.Encode(content, {.request_path = P(path), .models = models});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Bytes{};
}

// Encodes `content` at `path` (no models: encoders need none), decodes the
// bytes with TestModels() and expects `content` back without errors. `show`
// renders the bytes in failure messages (HexEncode, or S for text formats).
// Call as ASSERT_NO_FATAL_FAILURE(ExpectRoundTrip(...)).
inline void ExpectRoundTrip(const Codec& codec, const Content& content, std::string_view path,
                            std::string (*show)(const Bytes&)) {
  Result<Bytes> bytes = codec.Encode(content, {.request_path = P(path)});
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  DecodeResult back = codec.Decode(*bytes, {.request_path = P(path), .models = &TestModels()});
  EXPECT_FALSE(back.HasErrors()) << show(*bytes) << "\n" << DumpDiags(back.diagnostics);
  EXPECT_EQ(back.content, content) << show(*bytes);
}

// Expects an error and some diagnostic whose message contains `words`; `what` names the case.
inline void ExpectErrorSaying(const DecodeResult& r, std::string_view words, std::string_view what) {
  EXPECT_TRUE(r.HasErrors()) << what;
  bool found = false;
  for (const auto& d : r.diagnostics) found |= d.message.find(words) != std::string::npos;
  EXPECT_TRUE(found) << what << "\n" << DumpResult(r);
}

// What holds of diagnostics for any input: each says something, and its
// offset lies inside the payload of `payload_size` bytes.
inline void ExpectSaneDiagnostics(const std::vector<Diagnostic>& ds, size_t payload_size, std::string_view what = {}) {
  for (const auto& d : ds) {
    EXPECT_FALSE(d.message.empty()) << what;
    EXPECT_LE(d.offset.value_or(0), payload_size) << what << ": " << d.ToString();
  }
}

// ExpectSaneDiagnostics, and values only at Resource level or below.
inline void ExpectDecodeInvariants(const DecodeResult& r, size_t payload_size) {
  for (const auto& rec : r.content.records) {
    if (!rec.value.is_none()) {
      EXPECT_GE(rec.path.size(), 3u);
    }
  }
  ExpectSaneDiagnostics(r.diagnostics, payload_size);
}

// ---- random content ----

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

}  // namespace lwm2m::codec_test
