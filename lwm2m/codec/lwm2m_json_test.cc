// lwm2m_json_test.cc: LwM2M JSON (11543) known answers from the Core TS,
// negative vectors for every diagnostic, round trips and robustness.
#include "lwm2m/codec/lwm2m_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using ::testing::IsEmpty;

using namespace codec_test;  // object 3 as shipped, 65 of Core TS Appendix C, 1024 with every type

std::unique_ptr<Codec> Json() { return MakeLwm2mJsonCodec(); }

DecodeResult Dec(std::string_view text, std::string_view path, bool models = true, std::string_view version = "1.0") {
  return Json()->Decode(B(text), {P(path), models ? &TestModels() : nullptr, version});
}

// ---- Known answers ----

// Core TS 1.2.2 §7.5.6.1 (the LwM2M 1.0 JSON of Core TS 1.0 §6.4.4): Read /3/0.
const char* kDeviceJson =
    "{\"bn\":\"/3/0/\",\n\"e\":[\n{\"n\":\"0\",\"sv\":\"Open Mobile Alliance\"},\n"
    "{\"n\":\"1\",\"sv\":\"Lightweight M2M Client\"},\n{\"n\":\"2\",\"sv\":\"345000123\"},\n"
    "{\"n\":\"3\",\"sv\":\"1.0\"},\n{\"n\":\"6/0\",\"v\":1},\n{\"n\":\"6/1\",\"v\":5},\n"
    "{\"n\":\"7/0\",\"v\":3800},\n{\"n\":\"7/1\",\"v\":5000},\n{\"n\":\"8/0\",\"v\":125},\n"
    "{\"n\":\"8/1\",\"v\":900},\n{\"n\":\"9\",\"v\":100},\n{\"n\":\"10\",\"v\":15},\n"
    "{\"n\":\"11/0\",\"v\":0},\n{\"n\":\"13\",\"v\":1367491215},\n{\"n\":\"14\",\"sv\":\"+02:00\"},\n"
    "{\"n\":\"16\",\"sv\":\"U\"}]\n}";

TEST(Lwm2mJson, DecodesDeviceExampleOfCoreTs) {
  DecodeResult r = Dec(kDeviceJson, "/3/0");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records, TsDeviceRecords());
}

TEST(Lwm2mJson, EncodesDeviceExampleOfCoreTsCanonically) {
  Content c;
  c.records = TsDeviceRecords();
  CodecContext ctx;
  ctx.request_path = Path{3, 0};
  auto enc = Json()->Encode(c, ctx);
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  std::string compact;
  for (char ch : std::string(kDeviceJson))
    if (ch != '\n') compact += ch;
  EXPECT_EQ(std::string(enc->begin(), enc->end()), compact);
}

// Objlnk in "ov" (Core TS 1.0 §6.4.4, Object 65 of Appendix C).
TEST(Lwm2mJson, DecodesObjectLinks) {
  DecodeResult r = Dec(
      "{\"bn\":\"/65/0/\",\"e\":[{\"n\":\"0/0\",\"ov\":\"66:0\"},{\"n\":\"0/1\",\"ov\":\"66:1\"},"
      "{\"n\":\"1\",\"sv\":\"8613800755500\"},{\"n\":\"2\",\"v\":1}]}",
      "/65/0");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records,
            (std::vector<Record>{Rec("/65/0/0/0", Value::ObjectLink({66, 0})),
                                 Rec("/65/0/0/1", Value::ObjectLink({66, 1})),
                                 Rec("/65/0/1", Value::String("8613800755500")), Rec("/65/0/2", Value::Integer(1))}));
}

// Historical values: bt + relative t (the Core TS notification example values;
// the JSON shape of Leshan's decodeTimestampedData test).
TEST(Lwm2mJson, ResolvesBaseTimePlusTime) {
  DecodeResult r = Dec("{\"bn\":\"/1024/0/1\",\"e\":[{\"v\":22.9,\"t\":-30},{\"v\":22.4,\"t\":-5},{\"v\":24.1,\"t\":-50}],"
                       "\"bt\":25462634}",
                       "/1024/0/1");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records,
            (std::vector<Record>{Rec("/1024/0/1", Value::Float(22.9), 25462604),
                                 Rec("/1024/0/1", Value::Float(22.4), 25462629),
                                 Rec("/1024/0/1", Value::Float(24.1), 25462584)}));
}

TEST(Lwm2mJson, TypesEveryDataTypeByModel) {
  DecodeResult r = Dec(
      "{\"bn\":\"/1024/0/\",\"e\":[{\"n\":\"0\",\"sv\":\"s\"},{\"n\":\"1\",\"v\":21},{\"n\":\"2\",\"bv\":false},"
      "{\"n\":\"3\",\"sv\":\"AQIDBAU=\"},{\"n\":\"4\",\"v\":18446744073709551615},{\"n\":\"5\",\"sv\":\"</3/0>\"},"
      "{\"n\":\"6\",\"v\":1476186613},{\"n\":\"7\",\"ov\":\"65535:65535\"},{\"n\":\"8\",\"v\":-9223372036854775808},"
      "{\"n\":\"9/3\",\"v\":7}]}",
      "/1024/0");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records,
            (std::vector<Record>{
                Rec("/1024/0/0", Value::String("s")), Rec("/1024/0/1", Value::Float(21)),
                Rec("/1024/0/2", Value::Boolean(false)), Rec("/1024/0/3", Value::Opaque({1, 2, 3, 4, 5})),
                Rec("/1024/0/4", Value::UnsignedInteger(18446744073709551615u)),
                Rec("/1024/0/5", Value::Corelnk("</3/0>")), Rec("/1024/0/6", Value::Time(1476186613)),
                Rec("/1024/0/7", Value::ObjectLink({65535, 65535})),
                Rec("/1024/0/8", Value::Integer(std::numeric_limits<int64_t>::min())),
                Rec("/1024/0/9/3", Value::Integer(7))}));
}

TEST(Lwm2mJson, TypesByKeyWithoutModel) {
  DecodeResult r = Dec("{\"e\":[{\"n\":\"/9/0/1\",\"v\":5},{\"n\":\"/9/0/2\",\"v\":5.5},{\"n\":\"/9/0/3\",\"bv\":true},"
                       "{\"n\":\"/9/0/4\",\"ov\":\"3:0\"},{\"n\":\"/9/0/5\",\"sv\":\"x\"}]}",
                       "/", false);
  EXPECT_FALSE(r.HasErrors()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kInfo, "no object model"), 1u);
  EXPECT_EQ(r.content.records,
            (std::vector<Record>{Rec("/9/0/1", Value::Integer(5)), Rec("/9/0/2", Value::Float(5.5)),
                                 Rec("/9/0/3", Value::Boolean(true)), Rec("/9/0/4", Value::ObjectLink({3, 0})),
                                 Rec("/9/0/5", Value::String("x"))}));
}

TEST(Lwm2mJson, ReadsEmptyInstanceAndMultipleResource) {
  DecodeResult a = Dec("{\"e\":[]}", "/3/0");
  EXPECT_THAT(a.diagnostics, IsEmpty());
  EXPECT_EQ(a.content.records, (std::vector<Record>{Rec("/3/0", Value())}));
  DecodeResult b = Dec("{\"bn\":\"/3/0/6\",\"e\":[]}", "/3/0/6");
  EXPECT_EQ(b.content.records, (std::vector<Record>{Rec("/3/0/6", Value())}));
  DecodeResult c = Dec("{\"e\":[]}", "/3/0/9");
  EXPECT_EQ(CountDiag(c.diagnostics, Severity::kError, "empty for Single-Instance Resource Battery Level"), 1u);
}

// ---- Negative vectors ----

TEST(Lwm2mJson, WarnsWhenUsedByLwm2m11OrLater) {
  DecodeResult r = Dec(kDeviceJson, "/3/0", true, "1.1");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::kWarning);
  EXPECT_NE(r.diagnostics[0].message.find("a 1.1+ Client MUST NOT use it"), std::string::npos);
  EXPECT_EQ(r.content.records.size(), 16u);
  EXPECT_EQ(CountDiag(Dec(kDeviceJson, "/3/0", true, "1.2").diagnostics, Severity::kWarning, "MUST NOT"), 1u);
}

TEST(Lwm2mJson, RejectsMissingOrMistypedE) {
  DecodeResult a = Dec("{}", "/2");
  EXPECT_EQ(CountDiag(a.diagnostics, Severity::kError, "has no \"e\""), 1u);
  EXPECT_EQ(a.diagnostics[0].offset, 0u);
  DecodeResult b = Dec("{\"e\":{}}", "/2");
  EXPECT_EQ(CountDiag(b.diagnostics, Severity::kError, "\"e\" must be an array, found object"), 1u);
  DecodeResult c = Dec("[1]", "/2");
  EXPECT_EQ(CountDiag(c.diagnostics, Severity::kError, "not an object"), 1u);
  DecodeResult d = Dec("{\"bn\":5,\"bt\":\"x\",\"e\":[1],\"xx\":1}", "/2");
  EXPECT_EQ(CountDiag(d.diagnostics, Severity::kError, "\"bn\" must be a string"), 1u) << DumpDiags(d.diagnostics);
  EXPECT_EQ(CountDiag(d.diagnostics, Severity::kError, "\"bt\" must be a number"), 1u);
  EXPECT_EQ(CountDiag(d.diagnostics, Severity::kError, "entry 1 is a number 1, not an object"), 1u);
  EXPECT_EQ(CountDiag(d.diagnostics, Severity::kWarning, "unknown member \"xx\""), 1u);
}

TEST(Lwm2mJson, RejectsInvalidJsonWithOffset) {
  DecodeResult r = Dec("{\"e\":[{\"n\":\"9\" \"v\":1}]}", "/3/0");
  ASSERT_EQ(r.diagnostics.size(), 1u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::kError);
  EXPECT_EQ(r.diagnostics[0].offset, 15u);
  EXPECT_TRUE(r.content.records.empty());
  DecodeResult u = Dec("{\"e\":[{\"n\":\"0\",\"sv\":\"\xff\"}]}", "/3/0");
  EXPECT_TRUE(u.HasErrors());
  DecodeResult deep = Dec(std::string(100, '[') + std::string(100, ']'), "/3/0");
  EXPECT_EQ(CountDiag(deep.diagnostics, Severity::kError, "nesting deeper than 32"), 1u) << DumpDiags(deep.diagnostics);
}

TEST(Lwm2mJson, RejectsDuplicateKeys) {
  DecodeResult r = Dec("{\"bn\":\"/3/0/\",\"bn\":\"/4/0/\",\"e\":[{\"n\":\"9\",\"v\":1,\"v\":2}]}", "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "duplicate member \"bn\""), 1u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "duplicate member \"v\""), 1u);
  EXPECT_EQ(r.content.records, (std::vector<Record>{Rec("/3/0/9", Value::Integer(1))}));
}

TEST(Lwm2mJson, RejectsBadNames) {
  DecodeResult r = Dec("{\"bn\":\"/3/0/\",\"e\":[{\"n\":\"x\",\"v\":1},{\"n\":\"9/\",\"v\":1},{\"n\":\"65535\",\"v\":1},"
                       "{\"n\":7,\"v\":1},{\"n\":\"1/2/3\",\"v\":1}]}",
                       "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "is not an LwM2M path"), 4u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "\"n\" must be a string"), 1u);
  EXPECT_TRUE(r.content.records.empty());
  DecodeResult none = Dec("{\"e\":[{\"v\":1}]}", "/3/0");
  EXPECT_EQ(CountDiag(none.diagnostics, Severity::kError, "neither \"bn\" nor \"n\""), 1u);
  // Leshan writes "1024/0/" without a leading '/'.
  DecodeResult slash = Dec("{\"bn\":\"1024/0/\",\"e\":[{\"n\":\"0\",\"sv\":\"a\"}]}", "/1024/0");
  EXPECT_EQ(CountDiag(slash.diagnostics, Severity::kWarning, "does not start with '/'"), 1u);
  EXPECT_EQ(slash.content.records, (std::vector<Record>{Rec("/1024/0/0", Value::String("a"))}));
}

TEST(Lwm2mJson, RejectsNoOrTwoValueKeys) {
  DecodeResult r = Dec("{\"bn\":\"/3/0/\",\"e\":[{\"n\":\"0\"},{\"n\":\"9\",\"v\":1,\"sv\":\"1\"},{\"n\":\"1\",\"vs\":\"x\"}]}",
                       "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "entry 1 has no value"), 1u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "entry 2 has several values (\"v\", \"sv\")"), 1u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning, "unknown member \"vs\""), 1u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "entry 3 has no value"), 1u);
  EXPECT_EQ(r.content.records, (std::vector<Record>{Rec("/3/0/9", Value::Integer(1))}));
}

TEST(Lwm2mJson, RejectsWrongValueKinds) {
  DecodeResult r = Dec(
      "{\"bn\":\"/1024/0/\",\"e\":[{\"n\":\"8\",\"sv\":\"5\"},{\"n\":\"0\",\"v\":5},{\"n\":\"2\",\"bv\":1},"
      "{\"n\":\"1\",\"v\":\"1.5\"},{\"n\":\"7\",\"ov\":\"3-0\"},{\"n\":\"3\",\"sv\":\"**\"},{\"n\":\"4\",\"v\":-1},"
      "{\"n\":\"8\",\"v\":1.5,\"t\":1},{\"n\":\"6\",\"v\":9223372036854775808}]}",
      "/1024/0");
  const auto& d = r.diagnostics;
  EXPECT_EQ(CountDiag(d, Severity::kError, "a Integer resource takes \"v\", not \"sv\""), 1u) << DumpDiags(d);
  EXPECT_EQ(CountDiag(d, Severity::kError, "a String resource takes \"sv\", not \"v\""), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "\"bv\" must be true or false, found number 1"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "\"v\" must be a number, found string \"1.5\""), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "is not an Objlnk"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "not base64"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "\"v\" -1 is not an Unsigned Integer"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "\"v\" 1.5 is not an integral Integer"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "above the 64-bit signed range of Time"), 1u);
  DecodeResult w = Dec("{\"bn\":\"/1024/0/\",\"e\":[{\"n\":\"8\",\"v\":3.0}]}", "/1024/0");
  EXPECT_EQ(CountDiag(w.diagnostics, Severity::kWarning, "written as a float"), 1u);
  EXPECT_EQ(w.content.records, (std::vector<Record>{Rec("/1024/0/8", Value::Integer(3))}));
  DecodeResult ex = Dec("{\"bn\":\"/3/0/\",\"e\":[{\"n\":\"4\",\"sv\":\"\"}]}", "/3/0");
  EXPECT_EQ(CountDiag(ex.diagnostics, Severity::kError, "executable"), 1u);
}

TEST(Lwm2mJson, RejectsDuplicateResolvedPaths) {
  DecodeResult r = Dec("{\"bn\":\"/3/0/\",\"e\":[{\"n\":\"9\",\"v\":1},{\"n\":\"10\",\"v\":1},{\"n\":\"9\",\"v\":2}]}",
                       "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "entry 3 gives /3/0/9 again (first in entry 1)"), 1u)
      << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records.size(), 2u);
  DecodeResult t = Dec("{\"bn\":\"/3/0/9\",\"bt\":10,\"e\":[{\"v\":1,\"t\":-1},{\"v\":2,\"t\":-1}]}", "/3/0/9");
  EXPECT_EQ(CountDiag(t.diagnostics, Severity::kError, "at the same time again"), 1u);
}

TEST(Lwm2mJson, RejectsPathsOutsideRequestAndValuesAboveResources) {
  DecodeResult r = Dec("{\"e\":[{\"n\":\"/4/0/1\",\"v\":1},{\"n\":\"/3/0\",\"v\":1}]}", "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "/4/0/1 is not under the request path /3/0"), 1u)
      << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "not a Resource or Resource Instance"), 1u);
}

TEST(Lwm2mJson, WarnsOnInstanceShapeNotMatchingModel) {
  DecodeResult r = Dec("{\"bn\":\"/3/0/\",\"e\":[{\"n\":\"9/0\",\"v\":1},{\"n\":\"6\",\"v\":1}]}", "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning,
                      "Single-Instance Resource but the name has a Resource Instance"), 1u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning, "Multiple-Instance Resource but the name has no"), 1u);
}

// ---- Encoding ----

TEST(Lwm2mJson, EncodesNamesTimesAndTypes) {
  Content c;
  c.records = {Rec("/1024/0/1", Value::Float(3)), Rec("/1024/0/2", Value::Boolean(true)),
               Rec("/1024/0/3", Value::Opaque({1, 2, 3, 4, 5})), Rec("/1024/0/7", Value::ObjectLink({3, 0})),
               Rec("/1024/0/4", Value::UnsignedInteger(7), 25462634), Rec("/1024/0/0", Value::String("a\"b"), 1.5)};
  CodecContext ctx;
  ctx.request_path = Path{1024, 0};
  auto enc = Json()->Encode(c, ctx);
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  EXPECT_EQ(std::string(enc->begin(), enc->end()),
            "{\"bn\":\"/1024/0/\",\"e\":[{\"n\":\"1\",\"v\":3.0},{\"n\":\"2\",\"bv\":true},{\"n\":\"3\",\"sv\":\"AQIDBAU=\"},"
            "{\"n\":\"7\",\"ov\":\"3:0\"},{\"n\":\"4\",\"v\":7,\"t\":25462634},{\"n\":\"0\",\"sv\":\"a\\\"b\",\"t\":1.5}]}");
  // One resource: bn = its path, no "n"; root request: full names.
  Content one;
  one.records = {Rec("/3/0/9", Value::Integer(85))};
  ctx.request_path = Path{3, 0, 9};
  enc = Json()->Encode(one, ctx);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(std::string(enc->begin(), enc->end()), "{\"bn\":\"/3/0/9\",\"e\":[{\"v\":85}]}");
  ctx.request_path = Path{};
  enc = Json()->Encode(one, ctx);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(std::string(enc->begin(), enc->end()), "{\"e\":[{\"n\":\"/3/0/9\",\"v\":85}]}");
}

TEST(Lwm2mJson, EncodeRejectsUnwritableRecords) {
  CodecContext ctx;
  ctx.request_path = Path{3, 0};
  Content nan;
  nan.records = {Rec("/3/0/1", Value::Float(std::nan("")))};
  EXPECT_EQ(Json()->Encode(nan, ctx).status().code(), StatusCode::kNotAcceptable);
  Content none;
  none.records = {Rec("/3/0/1", Value()), Rec("/3/0/2", Value::Integer(1))};
  EXPECT_EQ(Json()->Encode(none, ctx).status().code(), StatusCode::kBadRequest);
  Content inst;
  inst.records = {Rec("/3/0", Value::Integer(1))};
  EXPECT_EQ(Json()->Encode(inst, ctx).status().code(), StatusCode::kBadRequest);
  Content utf;
  utf.records = {Rec("/3/0/0", Value::String("\xff"))};
  EXPECT_EQ(Json()->Encode(utf, ctx).status().code(), StatusCode::kBadRequest);
  Content empty;
  empty.records = {Rec("/3/0", Value())};
  auto enc = Json()->Encode(empty, ctx);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(std::string(enc->begin(), enc->end()), "{\"bn\":\"/3/0\",\"e\":[]}");
  Content links;
  links.links.push_back({"/3/0", {}});
  EXPECT_EQ(Json()->Encode(links, ctx).status().code(), StatusCode::kNotAcceptable);
}

// ---- Round trips and robustness ----

TEST(Lwm2mJson, RoundTripsRandomRecords) {
  std::mt19937_64 rng(11543);
  const DataType types[] = {DataType::kString, DataType::kFloat,   DataType::kBoolean, DataType::kOpaque,
                            DataType::kUnsignedInteger, DataType::kCorelnk, DataType::kTime, DataType::kObjlnk,
                            DataType::kInteger};
  for (int iter = 0; iter < 300; ++iter) {
    Content c;
    std::set<uint16_t> used;
    int n = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) {
      uint16_t rid = static_cast<uint16_t>(rng() % 10);
      if (!used.insert(rid).second) continue;
      Path p = rid == 9 ? Path{1024, 0, 9, static_cast<uint16_t>(rng() % 100)} : Path{1024, 0, rid};
      Value v;
      switch (rid == 9 ? DataType::kInteger : types[rid]) {
        case DataType::kString: v = Value::String("s" + std::to_string(rng() % 1000) + "\"\\\n"); break;
        case DataType::kFloat: v = Value::Float(static_cast<double>(static_cast<int64_t>(rng())) / 1024.0); break;
        case DataType::kBoolean: v = Value::Boolean(rng() % 2); break;
        case DataType::kOpaque: v = Value::Opaque(Bytes(rng() % 7, static_cast<uint8_t>(rng()))); break;
        case DataType::kUnsignedInteger: v = Value::UnsignedInteger(rng()); break;
        case DataType::kCorelnk: v = Value::Corelnk("</3/0>"); break;
        case DataType::kTime: v = Value::Time(static_cast<int64_t>(rng() % 4000000000u)); break;
        case DataType::kObjlnk: v = Value::ObjectLink({static_cast<uint16_t>(rng()), static_cast<uint16_t>(rng())}); break;
        default: v = Value::Integer(static_cast<int64_t>(rng())); break;
      }
      std::optional<double> t;
      if (rng() % 3 == 0) t = static_cast<double>(rng() % 2000000000);
      c.records.push_back({p, v, t});
    }
    CodecContext ctx;
    ctx.request_path = rng() % 2 ? Path{1024, 0} : Path{};
    ctx.models = &TestModels();
    ctx.lwm2m_version = "1.0";
    auto enc = Json()->Encode(c, ctx);
    ASSERT_TRUE(enc.ok()) << enc.status().ToString();
    DecodeResult back = Json()->Decode(*enc, ctx);
    EXPECT_THAT(back.diagnostics, IsEmpty()) << DumpDiags(back.diagnostics) << std::string(enc->begin(), enc->end());
    EXPECT_EQ(back.content.records, c.records) << std::string(enc->begin(), enc->end());
  }
}

TEST(Lwm2mJson, SurvivesRandomAndTruncatedInput) {
  std::string seed = kDeviceJson;
  size_t decoded = 0;
  for (size_t cut = 0; cut <= seed.size(); ++cut) {
    DecodeResult r = Dec(std::string_view(seed).substr(0, cut), "/3/0");
    if (cut < seed.size()) {
      EXPECT_TRUE(r.HasErrors()) << cut;
    }
    ExpectSaneDiagnostics(r.diagnostics, cut);
    decoded += r.content.records.size();
  }
  EXPECT_EQ(decoded, 16u);
  std::mt19937 rng(43);
  const std::string alphabet = "{}[]\",:0123456789.-e ntvsbo/\\";
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s = "{\"e\":[";
    size_t len = rng() % 60;
    for (size_t i = 0; i < len; ++i) s += rng() % 10 ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng());
    DecodeResult r = Dec(s, "/", rng() % 2);
    ExpectSaneDiagnostics(r.diagnostics, s.size());
  }
}

}  // namespace
}  // namespace lwm2m
