// tlv_test.cc: TLV (Core TS 1.2 §7.4.3) known answers, negative vectors,
// random round trips and a no-crash sweep.
//
// Known-answer origin: the Core TS §7.4.3 examples (Device object /3/0 single
// instance, Access Control /2 multiple instances, Server object /1, Objlnk
// examples) as reproduced byte for byte in Eclipse Leshan's
// leshan-lwm2m-core LwM2mNodeDecoderTest/LwM2mNodeEncoderTest and collected
// in fiumaralabs/lwm2m spec/vectors/tlv.json; value-level vectors from
// Zephyr tests/net/lib/lwm2m/content_oma_tlv/src/main.c (same collection).
#include "lwm2m/codec/tlv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using namespace codec_test;  // objects 1, 2, 3 as shipped (1 at 1.1), 65/66 of the TS, 9000 with every type

// Object 0 with resources 0xAA and 0xAABB of one type, as in the Zephyr tests:
// ids and types the real Security object does not have, so made by hand.
ModelRegistry ZephyrModels(DataType t) {
  ModelRegistry r;
  r.Add(Obj(0, {Res(170, t), Res(43707, t)}));
  return r;
}

const Codec& Tlv() { return CodecOf<MakeTlvCodec>(); }

DecodeResult Decode(std::string_view hex, std::string_view path, const ModelRegistry* m = &TestModels()) {
  return DecodeAt(Tlv(), H(hex), path, m);
}

// Core TS §7.4.3 "Single Object Instance" Device example: Read /3/0.
constexpr std::string_view kDeviceResources =
    "c800144f70656e204d6f62696c6520416c6c69616e6365"  // 0 Manufacturer
    "c801164c69676874776569676874204d324d20436c69656e74"  // 1 Model Number
    "c80209333435303030313233"  // 2 Serial Number
    "c303312e30"  // 3 Firmware Version
    "8606410001410105"  // 6 Available Power Sources {0: 1, 1: 5}
    "88070842000ed842011388"  // 7 Power Source Voltage {0: 3800, 1: 5000}
    "870841007d42010384"  // 8 Power Source Current {0: 125, 1: 900}
    "c10964"  // 9 Battery Level 100
    "c10a0f"  // 10 Memory Free 15
    "830b410000"  // 11 Error Code {0: 0}
    "c40d5182428f"  // 13 Current Time 1367491215
    "c60e2b30323a3030"  // 14 UTC Offset "+02:00"
    "c11055";  // 16 Supported Binding "U"

void ExpectEncodes(const std::vector<Record>& records, std::string_view path, std::string_view hex,
                   const ModelRegistry* m = &TestModels()) {
  Content c;
  c.records = records;
  Result<Bytes> b = Tlv().Encode(c, {.request_path = P(path), .models = m});
  ASSERT_TRUE(b) << b.status().ToString();
  EXPECT_EQ(HexEncode(*b), hex) << path;
}

// ---- known answers ----

TEST(TlvDecoder, DecodesDeviceSingleInstanceExample) {
  DecodeResult r = Decode(kDeviceResources, "/3/0");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpResult(r);
  EXPECT_EQ(r.content.records, TsDeviceRecords()) << DumpResult(r);
}

TEST(TlvEncoder, EncodesDeviceSingleInstanceExampleByteExact) {
  ExpectEncodes(TsDeviceRecords(), "/3/0", kDeviceResources);
}

TEST(TlvDecoder, DecodesDeviceObjectWithInstanceWrapper) {
  // Core TS §7.4.3 "Multiple Object Instance" example A: Read /3 on a single-instance Object.
  const std::string hex = "080079" + std::string(kDeviceResources);
  DecodeResult r = Decode(hex, "/3");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpResult(r);
  EXPECT_EQ(r.content.records, TsDeviceRecords());
  ExpectEncodes(TsDeviceRecords(), "/3", hex);
}

TEST(TlvDecoder, AcceptsUnwrappedResourcesForSingleInstanceObjectWithInfo) {
  DecodeResult r = Decode(kDeviceResources, "/3");
  EXPECT_EQ(r.content.records, TsDeviceRecords());
  EXPECT_FALSE(r.HasErrors()) << DumpResult(r);
  EXPECT_NE(FindDiag(r.diagnostics, Severity::kInfo, "single-instance"), nullptr) << DumpResult(r);
}

TEST(TlvDecoder, DecodesServerObjectExample) {
  // Core TS §7.4.3 example C: Read /1, one Server Object Instance.
  constexpr std::string_view hex = "08000fc10001c40100015180c10601c10755";
  const std::vector<Record> want = {Rec("/1/0/0", Value::Integer(1)), Rec("/1/0/1", Value::Integer(86400)),
                                    Rec("/1/0/6", Value::Boolean(true)), Rec("/1/0/7", Value::String("U"))};
  DecodeResult r = Decode(hex, "/1");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpResult(r);
  EXPECT_EQ(r.content.records, want);
  ExpectEncodes(want, "/1", hex);
}

TEST(TlvDecoder, DecodesAccessControlMultipleInstanceExample) {
  // Core TS §7.4.3 example B: Read /2, instances 0 and 2; ACL instance 310 needs a 16-bit id (0x61).
  constexpr std::string_view hex =
      "08000ec10001c101008302417f07c1037f"
      "080212c10003c101008702417f0761013601c1037f";
  const std::vector<Record> want = {
      Rec("/2/0/0", Value::Integer(1)),     Rec("/2/0/1", Value::Integer(0)),   Rec("/2/0/2/127", Value::Integer(7)),
      Rec("/2/0/3", Value::Integer(127)),   Rec("/2/2/0", Value::Integer(3)),   Rec("/2/2/1", Value::Integer(0)),
      Rec("/2/2/2/127", Value::Integer(7)), Rec("/2/2/2/310", Value::Integer(1)), Rec("/2/2/3", Value::Integer(127))};
  DecodeResult r = Decode(hex, "/2");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpResult(r);
  EXPECT_EQ(r.content.records, want);
  ExpectEncodes(want, "/2", hex);
}

TEST(TlvDecoder, DecodesObjlnkExamples) {
  // Core TS §7.4.3 Objlnk examples 1) and 2) (Leshan test objects 65 and 66).
  constexpr std::string_view hex1 = "88000c440000420000440100420001c8010d38363133383030373535353030c40212345678";
  const std::vector<Record> want1 = {Rec("/65/0/0/0", Value::ObjectLink({66, 0})),
                                     Rec("/65/0/0/1", Value::ObjectLink({66, 1})),
                                     Rec("/65/0/1", Value::String("8613800755500")),
                                     Rec("/65/0/2", Value::Integer(305419896))};
  DecodeResult r1 = Decode(hex1, "/65/0");
  EXPECT_TRUE(r1.diagnostics.empty()) << DumpResult(r1);
  EXPECT_EQ(r1.content.records, want1);
  ExpectEncodes(want1, "/65/0", hex1);

  constexpr std::string_view hex2 =
      "080026c8000b6d79536572766963652031c8010f496e7465726e65742e31352e323334c40200430000"
      "080126c8000b6d79536572766963652032c8010f496e7465726e65742e31352e323335c402ffffffff";
  const std::vector<Record> want2 = {
      Rec("/66/0/0", Value::String("myService 1")), Rec("/66/0/1", Value::String("Internet.15.234")),
      Rec("/66/0/2", Value::ObjectLink({67, 0})),   Rec("/66/1/0", Value::String("myService 2")),
      Rec("/66/1/1", Value::String("Internet.15.235")), Rec("/66/1/2", Value::ObjectLink({65535, 65535}))};
  DecodeResult r2 = Decode(hex2, "/66");
  EXPECT_TRUE(r2.diagnostics.empty()) << DumpResult(r2);
  EXPECT_EQ(r2.content.records, want2);
  ExpectEncodes(want2, "/66", hex2);
}

TEST(TlvDecoder, DecodesMultipleResourceAtResourcePath) {
  DecodeResult r = Decode("8606410001410105", "/3/0/6");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpResult(r);
  const std::vector<Record> want = {Rec("/3/0/6/0", Value::Integer(1)), Rec("/3/0/6/1", Value::Integer(5))};
  EXPECT_EQ(r.content.records, want);
  ExpectEncodes(want, "/3/0/6", "8606410001410105");
}

TEST(TlvDecoder, DecodesResourceInstancePath) {
  DecodeResult r = Decode("410105", "/3/0/6/1");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpResult(r);
  EXPECT_EQ(r.content.records, std::vector<Record>{Rec("/3/0/6/1", Value::Integer(5))});
  ExpectEncodes({Rec("/3/0/6/1", Value::Integer(5))}, "/3/0/6/1", "410105");
}

TEST(TlvDecoder, DecodesZephyrValueVectors) {
  struct {
    DataType t;
    const char* path;
    const char* hex;
    Value v;
    bool encodes_same;  // Zephyr always writes 8-byte floats; we write 4 when exact
  } cases[] = {
      {DataType::kInteger, "/0/0/170", "c1aa7f", Value::Integer(127), true},
      {DataType::kInteger, "/0/0/43707", "e1aabb80", Value::Integer(-128), true},
      {DataType::kInteger, "/0/0/170", "c2aa7fff", Value::Integer(32767), true},
      {DataType::kInteger, "/0/0/43707", "e2aabb8000", Value::Integer(-32768), true},
      {DataType::kInteger, "/0/0/170", "c4aa7fffffff", Value::Integer(2147483647), true},
      {DataType::kInteger, "/0/0/43707", "e4aabb80000000", Value::Integer(INT32_MIN), true},
      {DataType::kInteger, "/0/0/170", "c8aa087fffffffffffffff", Value::Integer(INT64_MAX), true},
      {DataType::kInteger, "/0/0/43707", "e8aabb088000000000000000", Value::Integer(INT64_MIN), true},
      {DataType::kString, "/0/0/170", "c8aa0b746573745f737472696e67", Value::String("test_string"), true},
      {DataType::kString, "/0/0/170", "c8aa0cf09f91a8f09f91a9f09fa4a1",
       Value::String("\xf0\x9f\x91\xa8\xf0\x9f\x91\xa9\xf0\x9f\xa4\xa1"), true},
      {DataType::kFloat, "/0/0/170", "c8aa083fbf7ced916872b0", Value::Float(0.123), true},
      {DataType::kFloat, "/0/0/170", "c8aa08bfef95810624dd2f", Value::Float(-0.987), true},
      {DataType::kFloat, "/0/0/170", "c8aa084008000000000000", Value::Float(3.0), false},
      {DataType::kFloat, "/0/0/43707", "e8aabb08c05ec80000000000", Value::Float(-123.125), false},
      {DataType::kBoolean, "/0/0/170", "c1aa01", Value::Boolean(true), true},
      {DataType::kBoolean, "/0/0/43707", "e1aabb00", Value::Boolean(false), true},
      {DataType::kOpaque, "/0/0/170", "c8aa0b746573745f6f7061717565", Value::Opaque(H("746573745f6f7061717565")),
       true},
      {DataType::kObjlnk, "/0/0/170", "c4aa00010002", Value::ObjectLink({1, 2}), true},
      {DataType::kObjlnk, "/0/0/43707", "e4aabbffffffff", Value::ObjectLink({65535, 65535}), true},
  };
  for (const auto& c : cases) {
    ModelRegistry m = ZephyrModels(c.t);
    DecodeResult r = Decode(c.hex, c.path, &m);
    EXPECT_TRUE(r.diagnostics.empty()) << c.hex << "\n" << DumpResult(r);
    ASSERT_EQ(r.content.records.size(), 1u) << c.hex;
    EXPECT_EQ(r.content.records[0], Rec(c.path, c.v)) << c.hex;
    if (c.encodes_same) ExpectEncodes({Rec(c.path, c.v)}, c.path, c.hex, &m);
  }
  // Exact floats take 4 bytes (-123.125 = 0xc2f64000).
  ModelRegistry m = ZephyrModels(DataType::kFloat);
  ExpectEncodes({Rec("/0/0/43707", Value::Float(-123.125))}, "/0/0/43707", "e4aabbc2f64000", &m);
}

TEST(TlvEncoder, UsesMinimalHeaders) {
  const std::string s300(300, 'x');
  Content c;
  c.records = {Rec("/9000/0/300", Value::String("abcdefgh"))};
  auto b = Tlv().Encode(c, {.request_path = P("/9000/0"), .models = &TestModels()});
  ASSERT_TRUE(b);
  EXPECT_EQ(HexEncode(*b), "e8012c086162636465666768");  // 16-bit id, 8-bit length
  c.records = {Rec("/9000/0/0", Value::String(s300))};
  b = Tlv().Encode(c, {.request_path = P("/9000/0"), .models = &TestModels()});
  ASSERT_TRUE(b);
  EXPECT_EQ(HexEncode(Bytes(b->begin(), b->begin() + 4)), "d000012c");  // 16-bit length 300
  EXPECT_EQ(b->size(), 304u);
  c.records = {Rec("/9000/0/2", Value::UnsignedInteger(200)), Rec("/9000/0/1", Value::Integer(200)),
               Rec("/9000/0/3", Value::Float(1.1)), Rec("/9000/0/9", Value())};
  b = Tlv().Encode(c, {.request_path = P("/9000/0"), .models = &TestModels()});
  ASSERT_TRUE(b);
  // Unsigned 200 in 1 byte, Integer 200 in 2, 1.1 needs a double, empty Multiple Resource.
  EXPECT_EQ(HexEncode(*b), "c102c8c20100c8c803083ff199999999999a8009");
}

TEST(TlvEncoder, RejectsRecordsOutsideTheRequestPathAndRoot) {
  Content c;
  c.records = {Rec("/3/0/1", Value::String("x"))};
  auto b = Tlv().Encode(c, {.request_path = P("/3/1"), .models = &TestModels()});
  ASSERT_FALSE(b);
  EXPECT_NE(b.status().message().find("/3/0/1"), std::string::npos);
  b = Tlv().Encode(c, {.request_path = Path(), .models = &TestModels()});
  ASSERT_FALSE(b);
  EXPECT_EQ(b.status().code(), StatusCode::kNotAcceptable);
  c.records = {Rec("/3/0/6", Value::Integer(1)), Rec("/3/0/6/0", Value::Integer(1))};
  b = Tlv().Encode(c, {.request_path = P("/3/0"), .models = &TestModels()});
  EXPECT_FALSE(b);
}

// ---- negative vectors ----

struct Neg {
  const char* name;
  const char* path;
  const char* hex;
  Severity severity;
  const char* words;
  std::optional<size_t> offset;
};

TEST(TlvDecoder, ReportsEachMalformationWithOffset) {
  const Neg cases[] = {
      {"truncated identifier", "/3/0", "c8", Severity::kError, "truncated identifier", 0},
      {"truncated 16-bit identifier", "/3/0", "e800", Severity::kError, "truncated identifier", 0},
      {"truncated length", "/3/0", "c800", Severity::kError, "truncated length", 0},
      {"truncated 24-bit length", "/3/0", "d8000001", Severity::kError, "truncated length", 0},
      {"value past end", "/3/0", "c800c8", Severity::kError, "runs 200 byte(s) past the end of the payload", 0},
      {"value past enclosing TLV", "/3", "080003c20001", Severity::kError,
       "runs 1 byte(s) past the end of the Object Instance TLV at offset 0", 3},
      {"truncated short value", "/3/0/9", "c30964", Severity::kError, "runs 2 byte(s) past the end", 0},
      {"resource instance at instance level", "/3/0", "410001", Severity::kError,
       "Resource Instance TLV (id 0) at offset 0 cannot appear", 0},
      {"object instance inside object instance", "/3", "0800020000", Severity::kError, "do not nest", 3},
      {"resource inside multiple resource", "/3/0", "8306c10001", Severity::kError,
       "inside a Multiple Resource TLV", 2},
      {"multiple resource nested in multiple resource", "/3/0", "82068000", Severity::kError,
       "Multiple Resource TLV (id 0) at offset 2 nested inside", 2},
      {"multiple resource at resource instance path", "/3/0/6/0", "8306410001", Severity::kError,
       "cannot stand for the Resource Instance", 0},
      {"resource id mismatch", "/3/0/9", "c10a05", Severity::kError, "does not match the request path /3/0/9", 0},
      {"resource instance id mismatch", "/3/0/6/1", "410001", Severity::kError, "does not match", 0},
      {"instance wrapper id mismatch", "/3/0/1", "080108c601636c69656e74", Severity::kError, "does not match", 0},
      {"reserved id 65535", "/3/0", "e1ffff01", Severity::kError, "65535", 0},
      {"reserved instance id 65535", "/2", "20ffff", Severity::kError, "65535", 0},
      {"duplicate object instance", "/2", "00010001", Severity::kError, "duplicate Object Instance id 1", 2},
      {"duplicate resource", "/3/0", "c001c001", Severity::kError, "duplicate Resource id 1", 2},
      {"duplicate resource instance", "/3/0/7", "8607410001410002", Severity::kError,
       "duplicate Resource Instance id 0", 5},
      {"integer length 3", "/3/0/9", "c309000001", Severity::kError, "invalid Integer length 3", 2},
      {"integer length 5", "/3/0/9", "c5090000000001", Severity::kError, "invalid Integer length 5", 2},
      {"integer length 6", "/3/0/9", "c609000000000001", Severity::kError, "invalid Integer length 6", 2},
      {"integer length 7", "/3/0/9", "c70900000000000001", Severity::kError, "invalid Integer length 7", 2},
      {"integer length 0", "/3/0/9", "c009", Severity::kError, "invalid Integer length 0", 2},
      {"time length 3", "/3/0/13", "c30d000001", Severity::kError, "invalid Time length 3", 2},
      {"float length 2", "/9000/0/3", "c2033f80", Severity::kError, "invalid Float length 2", 2},
      {"boolean 2", "/1/0/6", "c10602", Severity::kError, "Boolean value 2", 2},
      {"boolean length 2", "/1/0/6", "c2060001", Severity::kError, "invalid Boolean length 2", 2},
      {"objlnk length 3", "/9000/0/7", "c307000100", Severity::kError, "invalid Objlnk length 3", 2},
      {"unsigned length 3", "/9000/0/2", "c302000001", Severity::kError, "invalid Unsigned Integer length 3", 2},
      {"non-minimal integer", "/3/0/9", "c2090064", Severity::kWarning,
       "Integer 100 of /3/0/9 at offset 2 uses 2 bytes; the minimal encoding is 1 byte(s)", 2},
      {"non-minimal negative integer", "/3/0/9", "c409ffffff80", Severity::kWarning,
       "Integer -128 of /3/0/9 at offset 2 uses 4 bytes; the minimal encoding is 1 byte(s)", 2},
      {"non-minimal unsigned", "/9000/0/2", "c80208000000000000ffff", Severity::kWarning,
       "Unsigned Integer 65535 of /9000/0/2 at offset 3 uses 8 bytes; the minimal encoding is 2 byte(s)", 3},
      {"invalid UTF-8 string", "/3/0/0", "c200c328", Severity::kWarning, "invalid UTF-8 at offset 2", 2},
      {"trailing bytes at resource path", "/3/0/9", "c1096400", Severity::kError, "1 trailing byte(s)", 3},
      {"trailing bytes at resource instance path", "/3/0/6/0", "4100010203", Severity::kError,
       "2 trailing byte(s)", 3},
      {"unwrapped resources for multi-instance object", "/1", "c10001", Severity::kError,
       "only a single-instance Object may omit it", 0},
      {"empty single resource", "/3/0/9", "", Severity::kError, "empty payload", 0},
      {"empty resource instance", "/3/0/6/0", "", Severity::kError, "empty payload", 0},
      {"root path", "/", "c10001", Severity::kError, "root path", std::nullopt},
      {"unknown resource", "/3/0/99", "c16305", Severity::kInfo, "no model for /3/0/99", 0},
      {"executable with value", "/3/0/4", "c10401", Severity::kWarning, "carries no value in the model", 2},
      {"single resource as multiple", "/3/0", "880903410064", Severity::kWarning,
       "single-instance Resource in the model", 0},
      {"multiple resource as single", "/3/0", "c10601", Severity::kWarning, "Multiple Resource in the model", 0},
  };
  for (const auto& c : cases) {
    DecodeResult r = Decode(c.hex, c.path);
    const Diagnostic* d = FindDiag(r.diagnostics, c.severity, c.words);
    ASSERT_NE(d, nullptr) << c.name << "\n" << DumpResult(r);
    EXPECT_EQ(d->offset, c.offset) << c.name << ": " << d->ToString();
    EXPECT_FALSE(d->rule.empty()) << c.name;
    if (c.severity != Severity::kError) {
      EXPECT_FALSE(r.HasErrors()) << c.name << "\n" << DumpResult(r);
    }
  }
}

TEST(TlvDecoder, KeepsWhatItCouldDecodeAroundErrors) {
  // Instance 0 is fine, instance 1's second resource runs past its Object Instance TLV.
  DecodeResult r = Decode("080003c10001" "080106c10102c20203", "/1");
  EXPECT_TRUE(r.HasErrors());
  const std::vector<Record> want = {Rec("/1/0/0", Value::Integer(1)), Rec("/1/1/1", Value::Integer(2))};
  EXPECT_EQ(r.content.records, want) << DumpResult(r);
  // A bad Integer length keeps the raw bytes as Opaque.
  r = Decode("c309000001", "/3/0/9");
  ASSERT_EQ(r.content.records.size(), 1u);
  EXPECT_EQ(r.content.records[0].value, Value::Opaque(H("000001")));
}

TEST(TlvDecoder, WithoutModelsKeepsOpaqueWithInfo) {
  DecodeResult r = Decode("c60176616c756531c60276616c756531", "/10234", nullptr);
  const std::vector<Record> want = {Rec("/10234/0/1", Value::Opaque(H("76616c756531"))),
                                    Rec("/10234/0/2", Value::Opaque(H("76616c756531")))};
  EXPECT_EQ(r.content.records, want);
  EXPECT_NE(FindDiag(r.diagnostics, Severity::kInfo, "no object models given"), nullptr) << DumpResult(r);
  // Unwrapped resources at object level cannot be justified without a model.
  EXPECT_NE(FindDiag(r.diagnostics, Severity::kError, "has no model"), nullptr) << DumpResult(r);
}

TEST(TlvDecoder, ToleratesWrappersAndBareInstancesWithWarnings) {
  DecodeResult r = Decode("080008c601636c69656e74", "/3/0/1");
  EXPECT_EQ(r.content.records, std::vector<Record>{Rec("/3/0/1", Value::String("client"))});
  EXPECT_FALSE(r.HasErrors()) << DumpResult(r);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning), 1u);

  r = Decode("410001410105", "/3/0/6");
  const std::vector<Record> want = {Rec("/3/0/6/0", Value::Integer(1)), Rec("/3/0/6/1", Value::Integer(5))};
  EXPECT_EQ(r.content.records, want);
  EXPECT_FALSE(r.HasErrors()) << DumpResult(r);
  EXPECT_NE(FindDiag(r.diagnostics, Severity::kWarning, "without a Multiple Resource TLV"), nullptr);

  r = Decode(std::string("080079") + std::string(kDeviceResources), "/3/0");
  EXPECT_EQ(r.content.records, TsDeviceRecords());
  EXPECT_NE(FindDiag(r.diagnostics, Severity::kWarning, "wrapped in an Object Instance TLV"), nullptr);
}

TEST(TlvDecoder, DecodesEmptyContainers) {
  EXPECT_TRUE(Decode("", "/2").content.records.empty());
  EXPECT_EQ(Decode("", "/2/0").content.records, std::vector<Record>{Rec("/2/0", Value())});
  EXPECT_EQ(Decode("", "/3/0/7").content.records, std::vector<Record>{Rec("/3/0/7", Value())});
  EXPECT_EQ(Decode("0001", "/2").content.records, std::vector<Record>{Rec("/2/1", Value())});
  EXPECT_EQ(Decode("8007", "/3/0").content.records, std::vector<Record>{Rec("/3/0/7", Value())});
  ExpectEncodes({Rec("/2/1", Value())}, "/2", "0001");
  ExpectEncodes({Rec("/3/0/7", Value())}, "/3/0", "8007");
}

TEST(TlvDecoder, ReportsNonMinimalHeadersAsInfo) {
  DecodeResult r = Decode("e800090101", "/3/0/9");  // 16-bit id 9, 8-bit length 1
  EXPECT_FALSE(r.HasErrors()) << DumpResult(r);
  EXPECT_EQ(r.content.records, std::vector<Record>{Rec("/3/0/9", Value::Integer(1))});
  EXPECT_NE(FindDiag(r.diagnostics, Severity::kInfo, "identifier 9 at offset 0 uses 16 bits"), nullptr) << DumpResult(r);
  EXPECT_NE(FindDiag(r.diagnostics, Severity::kInfo, "uses an 8-bit length field"), nullptr) << DumpResult(r);
}

// ---- round trips and robustness ----

Value RandomValue(DataType t, std::mt19937& rng) {
  std::uniform_int_distribution<int64_t> i64;
  std::uniform_int_distribution<uint64_t> u64;
  const int shift = static_cast<int>(rng() % 64);
  switch (t) {
    case DataType::kString:
    case DataType::kCorelnk: {
      std::string s;
      for (size_t k = rng() % 300; k > 0; --k) s += static_cast<char>(0x20 + rng() % 95);
      return t == DataType::kString ? Value::String(s) : Value::Corelnk(s);
    }
    case DataType::kInteger: return Value::Integer(i64(rng) >> shift);
    case DataType::kTime: return Value::Time(i64(rng) >> shift);
    case DataType::kUnsignedInteger: return Value::UnsignedInteger(u64(rng) >> shift);
    case DataType::kFloat: {
      if (rng() % 2) return Value::Float(static_cast<float>(i64(rng) >> shift) / 8.0f);
      uint64_t bits = u64(rng);
      double d;
      std::memcpy(&d, &bits, 8);
      return Value::Float(std::isnan(d) ? 0.5 : d);
    }
    case DataType::kBoolean: return Value::Boolean(rng() % 2);
    case DataType::kOpaque: {
      Bytes b(rng() % 40);
      for (auto& x : b) x = static_cast<uint8_t>(rng());
      return Value::Opaque(b);
    }
    case DataType::kObjlnk:
      return Value::ObjectLink({static_cast<uint16_t>(rng()), static_cast<uint16_t>(rng())});
    case DataType::kNone: return Value();
  }
  return Value();
}

TEST(TlvCodec, RoundTripsRandomValuesOfEveryType) {
  std::mt19937 rng(20240611);
  const ObjectModel* om = TestModels().Find(9000);
  ASSERT_NE(om, nullptr);
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<Record> records;
    const uint16_t iids[] = {static_cast<uint16_t>(rng() % 3), static_cast<uint16_t>(3 + rng() % 400)};
    for (uint16_t iid : iids) {
      for (const auto& [rid, rm] : om->resources) {
        const Path rp{9000, iid, rid};
        if (rm.multiple) {
          for (uint16_t ri = 0; ri < rng() % 4; ++ri)
            records.push_back({rp.Child(static_cast<uint16_t>(ri * 97)), RandomValue(rm.type, rng), std::nullopt});
        } else {
          records.push_back({rp, RandomValue(rm.type, rng), std::nullopt});
        }
      }
    }
    Content c;
    c.records = records;
    auto b = Tlv().Encode(c, {.request_path = P("/9000"), .models = &TestModels()});
    ASSERT_TRUE(b) << b.status().ToString();
    DecodeResult r = Tlv().Decode(*b, {.request_path = P("/9000"), .models = &TestModels()});
    EXPECT_TRUE(r.diagnostics.empty()) << DumpResult(r);
    EXPECT_EQ(r.content.records, records);
    // Encoding is deterministic and decode/encode is the identity on our bytes.
    Content again;
    again.records = r.content.records;
    EXPECT_EQ(*Tlv().Encode(again, {.request_path = P("/9000"), .models = &TestModels()}), *b);
  }
}

TEST(TlvDecoder, NeverCrashesOnShortOrRandomInput) {
  const char* paths[] = {"/3", "/3/0", "/3/0/7", "/3/0/7/1", "/9000/1/3", "/"};
  size_t clean = 0;
  for (const char* path : paths) {
    const CodecContext ctx{.request_path = P(path), .models = &TestModels()};
    for (int a = 0; a < 256; ++a) {
      for (int b = -1; b < 256; ++b) {
        Bytes in{static_cast<uint8_t>(a)};
        if (b >= 0) in.push_back(static_cast<uint8_t>(b));
        DecodeResult r = Tlv().Decode(in, ctx);
        ExpectSaneDiagnostics(r.diagnostics, in.size(), HexEncode(in));
        clean += !r.HasErrors();
      }
    }
  }
  EXPECT_GT(clean, 0u);  // e.g. "8007" at /3/0 is a clean empty Multiple Resource
  std::mt19937 rng(7);
  for (int i = 0; i < 30000; ++i) {
    Bytes in(rng() % 16);
    for (auto& x : in) x = static_cast<uint8_t>(rng());
    const CodecContext ctx{.request_path = P(paths[i % 5]), .models = (i % 7) ? &TestModels() : nullptr};
    DecodeResult r = Tlv().Decode(in, ctx);
    ExpectSaneDiagnostics(r.diagnostics, in.size(), HexEncode(in));
  }
}

}  // namespace
}  // namespace lwm2m
