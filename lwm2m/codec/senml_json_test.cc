// SenML JSON (110) codec tests: known answers from the Core TS examples and
// RFC 8428, negative vectors for every diagnostic of senml_common.cc, round
// trips and robustness. TS tables are cited with their 1.2.2 numbers
// (OMA-TS-LightweightM2M_Core-V1_2_2-20240613-A), where the examples are
// printed; our encoder writes no whitespace, so TS texts are compared minified.
#include "lwm2m/codec/senml_json.h"

#include <gtest/gtest.h>

#include <random>

#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using namespace codec_test;

const Codec& Json() { return CodecOf<MakeSenmlJsonCodec>(); }

DecodeResult Dec(std::string_view text, std::string_view path = "/", const ModelRegistry* models = &TestModels()) {
  return DecodeAt(Json(), B(text), path, models);
}

std::string Enc(const Content& c, std::string_view path = "/") { return S(EncodeOk(Json(), c, path)); }

// Core TS 1.2.2 §7.5.6 Table 7.5.6.-2: Read /3/0 of the Appendix F Device.
constexpr std::string_view kTsDevice =
    "[{\"bn\":\"/3/0/\",\"n\":\"0\",\"vs\":\"Open Mobile Alliance\"},\n"
    "{\"n\":\"1\",\"vs\":\"Lightweight M2M Client\"},\n{\"n\":\"2\",\"vs\":\"345000123\"},\n"
    "{\"n\":\"3\",\"vs\":\"1.0\"},\n{\"n\":\"6/0\",\"v\":1},\n{\"n\":\"6/1\",\"v\":5},\n"
    "{\"n\":\"7/0\",\"v\":3800},\n{\"n\":\"7/1\",\"v\":5000},\n{\"n\":\"8/0\",\"v\":125},\n"
    "{\"n\":\"8/1\",\"v\":900},\n{\"n\":\"9\",\"v\":100},\n{\"n\":\"10\",\"v\":15},\n"
    "{\"n\":\"11/0\",\"v\":0},\n{\"n\":\"13\",\"v\":1367491215},\n{\"n\":\"14\",\"vs\":\"+02:00\"},\n"
    "{\"n\":\"16\",\"vs\":\"U\"}]";

Content DeviceContent() { return Content{.records = TsDeviceRecords()}; }

// ---- known answers: Core TS examples ----

TEST(SenmlJsonKat, TsDeviceReadDecodes) {
  DecodeResult r = Dec(kTsDevice, "/3/0");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, DeviceContent());
}

TEST(SenmlJsonKat, TsDeviceReadEncodesToTheTsText) { EXPECT_EQ(Enc(DeviceContent(), "/3/0"), Minify(kTsDevice)); }

TEST(SenmlJsonKat, TsDeviceReadWithoutModelsTypesByLabel) {
  DecodeResult r = Dec(kTsDevice, "/3/0", nullptr);
  ASSERT_EQ(r.content.records.size(), 16u);
  EXPECT_EQ(r.content.records[13].value, Value::Integer(1367491215));  // Time needs the model
  EXPECT_EQ(r.content.records[0].value, Value::String("Open Mobile Alliance"));
}

// Core TS 1.2.2 §7.5.6 Table 7.5.6.-3: historical notification, bt + t.
TEST(SenmlJsonKat, TsHistoricalNotificationResolvesTimes) {
  DecodeResult r =
      Dec("[{\"bn\":\"/72/\",\"bt\":25462634,\"n\":\"1/2\",\"v\":22.4,\"t\":-5},\n"
          "{\"n\":\"1/2\",\"v\":22.9,\"t\":-30},\n{\"n\":\"1/2\",\"v\":24.1,\"t\":-50}]",
          "/72/1/2");
  ASSERT_EQ(r.content.records.size(), 3u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records[0], Rec("/72/1/2", Value::Float(22.4), 25462629));
  EXPECT_EQ(r.content.records[1], Rec("/72/1/2", Value::Float(22.9), 25462604));
  EXPECT_EQ(r.content.records[2], Rec("/72/1/2", Value::Float(24.1), 25462584));
  // 25462634 is below 2^28: relative to "now" (RFC 8428 §4.5.3), kept as given.
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kInfo, "relative to the time of sending"), 1u);
  EXPECT_FALSE(r.HasErrors());
}

// Core TS 1.2.2 §7.5.6 Table 7.5.6.-4: Objlnk hierarchy with bn "/".
TEST(SenmlJsonKat, TsObjlnkHierarchyDecodes) {
  DecodeResult r =
      Dec("[{\"bn\":\"/\",\"n\":\"65/0/0/0\",\"vlo\":\"66:0\"},\n{\"n\":\"65/0/0/1\",\"vlo\":\"66:1\"},\n"
          "{\"n\":\"65/0/1\",\"vs\":\"8613800755500\"},\n{\"n\":\"65/0/2\",\"v\":1},\n"
          "{\"n\":\"66/0/0\",\"vs\":\"myService1\"},\n{\"n\":\"66/0/1\",\"vs\":\"Internet.15.234\"},\n"
          "{\"n\":\"66/0/2\",\"vlo\":\"67:0\"},\n{\"n\":\"66/1/0\",\"vs\":\"myService2\"},\n"
          "{\"n\":\"66/1/1\",\"vs\":\"Internet.15.235\"},\n{\"n\":\"66/1/2\",\"vlo\":\"FFFF:FFFF\"},\n"
          "{\"n\":\"67/0/0\",\"vs\":\"85.76.76.84\"},\n{\"n\":\"67/0/1\",\"vs\":\"85.76.255.255\"}]",
          "/65/0");
  ASSERT_EQ(r.content.records.size(), 12u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records[0], Rec("/65/0/0/0", Value::ObjectLink({66, 0})));
  EXPECT_EQ(r.content.records[3], Rec("/65/0/2", Value::Integer(1)));
  EXPECT_EQ(r.content.records[6], Rec("/66/0/2", Value::ObjectLink({67, 0})));
  // The TS writes the null link in hex; we read it and say so.
  EXPECT_EQ(r.content.records[9], Rec("/66/1/2", Value::ObjectLink({65535, 65535})));
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "is hexadecimal"));
  // Names outside the request path /65/0 are legal here but worth a warning.
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning, "is not under the request path /65/0"), 8u);
  EXPECT_FALSE(r.HasErrors());
}

// Core TS 1.2.2 §7.5.6 Table 7.5.6.-5: single resource, full path in bn.
TEST(SenmlJsonKat, TsSingleResourceBothWays) {
  constexpr std::string_view kText = "[{\"bn\":\"/3/0/0\",\"vs\":\"Open Mobile Alliance\"}]";
  DecodeResult r = Dec(kText, "/3/0/0");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  Content c;
  c.records = {Rec("/3/0/0", Value::String("Open Mobile Alliance"))};
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c, "/3/0/0"), kText);
}

// Core TS 1.2.2 §7.5.6 Table 7.5.6.-6: Read-Composite request (a path list).
TEST(SenmlJsonKat, TsReadCompositeRequestBothWays) {
  constexpr std::string_view kText = "[{\"n\":\"/3/0/0\"},\n{\"n\":\"/3/0/9\"},\n{\"n\":\"/1/0/1\"}]";
  DecodeResult r = Dec(kText);
  Content c;
  c.records = {Rec("/3/0/0", Value()), Rec("/3/0/9", Value()), Rec("/1/0/1", Value())};
  EXPECT_EQ(r.content, c);
  EXPECT_FALSE(r.HasErrors());
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kInfo, "path list"));
  EXPECT_EQ(Enc(c), Minify(kText));
}

// Core TS 1.2.2 §7.5.6 Table 7.5.6.-7: Read-Composite response.
TEST(SenmlJsonKat, TsReadCompositeResponseBothWays) {
  constexpr std::string_view kText =
      "[{\"n\":\"/3/0/0\", \"vs\":\"Open Mobile Alliance\"},\n{\"n\" :\"/3/0/9\", \"v\":95},\n"
      "{\"n\":\"/1/0/1\", \"v\":86400}]";
  DecodeResult r = Dec(kText);
  Content c;
  c.records = {Rec("/3/0/0", Value::String("Open Mobile Alliance")), Rec("/3/0/9", Value::Integer(95)),
               Rec("/1/0/1", Value::Integer(86400))};
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c), Minify(kText));
}

// Core TS 1.2.2 §7.5.6 Table 7.5.6.-8: Read-Composite request, bn changing mid-pack.
TEST(SenmlJsonKat, TsReadCompositeRequestWithBaseNames) {
  DecodeResult r =
      Dec("[{\"bn\":\"/4/0/\", \"n\":\"0\"},\n{\"n\":\"1\"},\n{\"n\":\"2\"},\n{\"bn\":\"/6/\", \"n\":\"0\"}]");
  Content c;
  c.records = {Rec("/4/0/0", Value()), Rec("/4/0/1", Value()), Rec("/4/0/2", Value()), Rec("/6/0", Value())};
  EXPECT_EQ(r.content, c);
  EXPECT_FALSE(r.HasErrors()) << DumpDiags(r.diagnostics);
}

// Core TS 1.2.2 §7.5.6 Table 7.5.6.-9: Write-Composite; 5900 is a Float
// resource, so "v":18 becomes Float 18 (IPSO 3308).
TEST(SenmlJsonKat, TsWriteCompositeTypesByModel) {
  constexpr std::string_view kText =
      "[{\"n\":\"/3311/0/5850\", \"vb\":false},\n{\"n\":\"/3311/1/5850\", \"vb\":false},\n"
      "{\"n\":\"/3311/2/5851\", \"v\":20},\n{\"n\":\"/3308/0/5900\", \"v\":18}]";
  DecodeResult r = Dec(kText);
  Content c;
  c.records = {Rec("/3311/0/5850", Value::Boolean(false)), Rec("/3311/1/5850", Value::Boolean(false)),
               Rec("/3311/2/5851", Value::Integer(20)), Rec("/3308/0/5900", Value::Float(18))};
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  // Our encoder keeps a Float a Float: 18.0, where the TS wrote 18.
  EXPECT_EQ(Enc(c),
            "[{\"n\":\"/3311/0/5850\",\"vb\":false},{\"n\":\"/3311/1/5850\",\"vb\":false},"
            "{\"n\":\"/3311/2/5851\",\"v\":20},{\"n\":\"/3308/0/5900\",\"v\":18.0}]");
}

// Core TS 1.2.2 §7.5.6 Tables 7.5.6.-10, -11, -12: Read-Composite of /, /1, /1/0 + /1/2.
TEST(SenmlJsonKat, TsReadCompositeOfRootObjectAndInstances) {
  for (std::string_view text : {"[{\"n\":\"/\"}]", "[{\"n\":\"/1\"}]", "[{\"n\":\"/1/0\"},{\"n\":\"/1/2\"}]"}) {
    DecodeResult r = Dec(text);
    EXPECT_FALSE(r.HasErrors()) << text << "\n" << DumpDiags(r.diagnostics);
    EXPECT_EQ(Enc(r.content), text);
  }
  EXPECT_EQ(Dec("[{\"n\":\"/\"}]").content.records.at(0).path, Path());
  EXPECT_EQ(Dec("[{\"n\":\"/1/0\"},{\"n\":\"/1/2\"}]").content.records.at(1).path, P("/1/2"));
}

// Core TS 1.2.2 §6.1.7.4 Table 6.1.7.4.-2: Bootstrap-Read /2 (ACL instances).
TEST(SenmlJsonKat, TsBootstrapReadAclBothWays) {
  constexpr std::string_view kText =
      "[{\"bn\":\"/2/\",\"n\":\"0/0\",\"v\":1},\n{\"n\":\"0/1\",\"v\":0},\n{\"n\":\"0/2/127\",\"v\":7},\n"
      "{\"n\":\"0/3\",\"v\":127},\n{\"n\":\"2/0\",\"v\":3},\n{\"n\":\"2/1\",\"v\":0},\n"
      "{\"n\":\"2/2/127\",\"v\":7},\n{\"n\":\"2/2/310\",\"v\":7},\n{\"n\":\"2/3\",\"v\":127}]";
  DecodeResult r = Dec(kText, "/2");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  ASSERT_EQ(r.content.records.size(), 9u);
  EXPECT_EQ(r.content.records[2], Rec("/2/0/2/127", Value::Integer(7)));
  EXPECT_EQ(r.content.records[7], Rec("/2/2/2/310", Value::Integer(7)));
  EXPECT_EQ(Enc(r.content, "/2"), Minify(kText));
}

// Core TS 1.2.2 §6.1.7.7 Table 6.1.7.7.-2: Bootstrap-Pack with base64url vd.
TEST(SenmlJsonKat, TsBootstrapPackDecodesOpaque) {
  DecodeResult r = Dec(
      "[{\"bn\":\"/0/1/\", \"n\":\"0\",\"vs\":\"coaps://server1.example.com\"},\n{\"n\":\"1\",\"vb\":false},\n"
      "{\"n\":\"2\",\"v\":0},\n{\"n\":\"3\",\"vd\":\"YjMxM2NjMjItZjk2OS00MmVjLWFkNDI\"},\n{\"n\":\"4\",\"vd\":\"\"},\n"
      "{\"n\":\"5\",\"vd\":\"HKICjXGXx3jprvXvaQgr6g\"},\n{\"n\":\"10\",\"v\":101},\n"
      "{\"bn\":\"/1/0/\", \"n\":\"0\",\"v\":101},\n{\"n\":\"1\",\"v\":86400},\n{\"n\":\"6\",\"vb\":true},\n"
      "{\"n\":\"7\",\"vs\":\"U\"}]");
  ASSERT_EQ(r.content.records.size(), 11u) << DumpDiags(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records[3], Rec("/0/1/3", Value::Opaque(B("b313cc22-f969-42ec-ad42"))));
  EXPECT_EQ(r.content.records[4], Rec("/0/1/4", Value::Opaque({})));
  EXPECT_EQ(r.content.records[5], Rec("/0/1/5", Value::Opaque(H("1ca2028d7197c778e9aef5ef69082bea"))));
  EXPECT_EQ(r.content.records[7], Rec("/1/0/0", Value::Integer(101)));
  EXPECT_EQ(r.content.records[9], Rec("/1/0/6", Value::Boolean(true)));
}

// Core TS 1.2.2 §6.4.6 / Transport TS §6.4.5: Send of location and RSSI.
TEST(SenmlJsonKat, TsSendBothWays) {
  constexpr std::string_view kText =
      "[\n{\"n\":\"/6/0/0\", \"v\":43.61092},\n{\"n\":\"/6/0/1\", \"v\":3.87723},\n{\"n\":\"/4/0/2\", \"v\":-49}\n]";
  DecodeResult r = Dec(kText);
  Content c;
  c.records = {Rec("/6/0/0", Value::Float(43.61092)), Rec("/6/0/1", Value::Float(3.87723)),
               Rec("/4/0/2", Value::Integer(-49))};
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c), Minify(kText));
}

// Core TS 1.2.2 §6.3.3.1: Write of a multiple-instance resource.
TEST(SenmlJsonKat, TsWriteMultipleInstanceResource) {
  DecodeResult r =
      Dec("[ { \"n\": \"/34/0/1/1\", \"vs\":\"Yellow\" },\n  { \"n\": \"/34/0/1/3\", \"vs\":\"Blue\" }]", "/34/0/1");
  Content c;
  c.records = {Rec("/34/0/1/1", Value::String("Yellow")), Rec("/34/0/1/3", Value::String("Blue"))};
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c, "/34/0/1"), "[{\"bn\":\"/34/0/1/\",\"n\":\"1\",\"vs\":\"Yellow\"},{\"n\":\"3\",\"vs\":\"Blue\"}]");
}

// Gateway TS 1.1.1 §10: Read through a gateway, the prefix is part of the names.
TEST(SenmlJsonKat, GatewayPrefixedReadBothWays) {
  constexpr std::string_view kText =
      "[\n{\"bn\":\"/d01/3303/0/\", \"n\":\"5700\", \"v\":22.1},\n{\"n\":\"5601\", \"v\":17.5},\n"
      "{\"n\":\"5602\", \"v\":23.9},\n{\"n\":\"5701\", \"vs\":\"Cel\"}\n]";
  DecodeResult r = Dec(kText, "/d01/3303/0");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  ASSERT_EQ(r.content.records.size(), 4u);
  EXPECT_EQ(r.content.records[0], Rec("/d01/3303/0/5700", Value::Float(22.1)));
  EXPECT_EQ(r.content.records[3], Rec("/d01/3303/0/5701", Value::String("Cel")));
  EXPECT_EQ(Enc(r.content, "/d01/3303/0"), Minify(kText));
}

// Gateway TS 1.1.1 §10 Read-Composite request: bn "/d01/3/0/" + n "/9" concatenates
// to "/d01/3/0//9" (RFC 8428 §4.5.1), which is no path; the example is an erratum.
TEST(SenmlJsonKat, GatewayCompositeRequestErratumIsRejected) {
  DecodeResult r =
      Dec("[\n{\"bn\":\"/d01/3/0/\",\"n\":\"0\"},\n{\"n\":\"/9\"},\n{\"bn\":\"/d02/3/0/\",\"n\":\"0\"},\n"
          "{\"n\":\"/9\"}\n]");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "has an empty segment"), 2u) << DumpDiags(r.diagnostics);
  ASSERT_EQ(r.content.records.size(), 2u);
  EXPECT_EQ(r.content.records[0].path, P("/d01/3/0/0"));
  EXPECT_EQ(r.content.records[1].path, P("/d02/3/0/0"));
}

// Leshan LwM2mNodeDecoderTest (decode_multiple_resource): bn at resource level.
TEST(SenmlJsonKat, LeshanMultipleResourceBothWays) {
  constexpr std::string_view kText = "[{\"bn\":\"/3/0/7/\",\"n\":\"0\",\"v\":3800},{\"n\":\"1\",\"v\":5000}]";
  DecodeResult r = Dec(kText, "/3/0/7");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(Enc(r.content, "/3/0/7"), kText);
}

// Leshan LwM2mNodeDecoderTest: u64 max and an int64 a double would round.
TEST(SenmlJsonKat, LeshanLargeIntegersAreExact) {
  DecodeResult u = Dec("[{\"n\":\"/0/0/16/0\",\"v\":18446744073709551615}]");
  ASSERT_EQ(u.content.records.size(), 1u) << DumpDiags(u.diagnostics);
  EXPECT_EQ(u.content.records[0].value, Value::UnsignedInteger(18446744073709551615u));
  DecodeResult i = Dec("[{\"n\":\"/1/0/2\",\"v\":9223372036854775800}]");
  ASSERT_EQ(i.content.records.size(), 1u);
  EXPECT_EQ(i.content.records[0].value, Value::Integer(9223372036854775800));
}

// Leshan LwM2mNodeDecoderTest (decode time with exponent): 1.638435E9 for a
// Time resource. Upper-case 'E' breaks RFC 8428 §5; we read it and warn.
TEST(SenmlJsonKat, LeshanTimeWithUpperCaseExponent) {
  DecodeResult r = Dec("[{\"bn\":\"/3/0/13\",\"v\":1.638435E9}]", "/3/0/13");
  ASSERT_EQ(r.content.records.size(), 1u);
  EXPECT_EQ(r.content.records[0].value, Value::Time(1638435000));
  const Diagnostic* d = FindDiag(r.diagnostics, Severity::kWarning, "upper-case 'E'");
  ASSERT_NE(d, nullptr) << DumpDiags(r.diagnostics);
  EXPECT_EQ(d->offset, 21u);
}

// Leshan LwM2mNodeDecoderTest (decodeTimestampedNodes): bt carries over to a
// record with a new bn; 0.101 s after it.
TEST(SenmlJsonKat, LeshanTimestampedNodesAcrossBaseNames) {
  DecodeResult r =
      Dec("[{\"bn\": \"/3303/0/5700\",\"bt\": 1699877805.766,\"v\": -128.8},{\"bn\": \"/6/0/0\",\"t\": 0.101,\"v\": "
          "-39.0}]");
  ASSERT_EQ(r.content.records.size(), 2u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records[0], Rec("/3303/0/5700", Value::Float(-128.8), 1699877805.766));
  EXPECT_EQ(r.content.records[1], Rec("/6/0/0", Value::Float(-39.0), 1699877805.766 + 0.101));
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
}

// ---- known answers: RFC 8428 ----

// RFC 8428 §5.1.5 (multiple data types), read at the SenML level.
TEST(SenmlJsonKat, Rfc8428MultipleDataTypesParse) {
  Diagnostics d;
  auto pack =
      ParseSenmlJson(B("[\n {\"bn\":\"urn:dev:ow:10e2073a01080063:\",\"n\":\"temp\",\"u\":\"Cel\",\"v\":23.1},\n"
                       " {\"n\":\"label\",\"vs\":\"Machine Room\"},\n {\"n\":\"open\",\"vb\":false},\n"
                       " {\"n\":\"nfv-reader\",\"vd\":\"aGkgCg\"}\n]"),
                     kSenmlJsonOptions, d);
  ASSERT_TRUE(pack);
  EXPECT_TRUE(d.empty());
  ASSERT_EQ(pack->records.size(), 4u);
  EXPECT_EQ(pack->records[0].fields.size(), 4u);
  EXPECT_EQ(pack->records[0].fields[3].label, SenmlLabel::kValue);
  EXPECT_EQ(std::get<SenmlNumber>(pack->records[0].fields[3].value), SenmlNumber::Float(23.1));
  EXPECT_EQ(pack->records[2].fields[1].value, SenmlValue(false));
  EXPECT_EQ(pack->records[3].fields[1].value, SenmlValue(std::string("aGkgCg")));
  EXPECT_EQ(pack->records[1].offset, 73u);  // the second '{'
}

// RFC 8428 §5.1.2: these names are URNs, not LwM2M paths, and bver is 5.
TEST(SenmlJsonKat, Rfc8428MultipleDataPointsAreNotLwm2m) {
  DecodeResult r =
      Dec("[{\"bn\":\"urn:dev:ow:10e2073a0108006:\",\"bt\":1.276020076001e+09,\"bu\":\"A\",\"bver\":5,"
          "\"n\":\"voltage\",\"u\":\"V\",\"v\":120.1},{\"n\":\"current\",\"t\":-5,\"v\":1.2},{\"n\":\"current\",\"v\":"
          "1.7}]");
  EXPECT_TRUE(r.content.records.empty());
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "is not an LwM2M path"), 3u) << DumpDiags(r.diagnostics);
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "SenML version 5 predates version 10"));
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kInfo, "unit 'bu'"));
}

// ---- encoding rules ----

TEST(SenmlJsonEncode, ValueLabelPerDataType) {
  Content c;
  c.records = {Rec("/30000/0/0", Value::String("s")),
               Rec("/30000/0/1", Value::Integer(-7)),
               Rec("/30000/0/2", Value::UnsignedInteger(18446744073709551615u)),
               Rec("/30000/0/3", Value::Float(0.1)),
               Rec("/30000/0/4", Value::Boolean(true)),
               Rec("/30000/0/5", Value::Opaque({0xfb, 0xff, 0x01})),
               Rec("/30000/0/6", Value::Time(1700000000)),
               Rec("/30000/0/7", Value::ObjectLink({3, 0})),
               Rec("/30000/0/8", Value::Corelnk("</3/0>"))};
  EXPECT_EQ(Enc(c, "/30000/0"),
            "[{\"bn\":\"/30000/0/\",\"n\":\"0\",\"vs\":\"s\"},{\"n\":\"1\",\"v\":-7},"
            "{\"n\":\"2\",\"v\":18446744073709551615},{\"n\":\"3\",\"v\":0.1},{\"n\":\"4\",\"vb\":true},"
            "{\"n\":\"5\",\"vd\":\"-_8B\"},{\"n\":\"6\",\"v\":1700000000},{\"n\":\"7\",\"vlo\":\"3:0\"},"
            "{\"n\":\"8\",\"vs\":\"</3/0>\"}]");
}

TEST(SenmlJsonEncode, TimesAreAbsoluteAndFloatsShortest) {
  Content c;
  c.records = {Rec("/3303/0/5700", Value::Float(22.5), 1700000000), Rec("/3303/0/5700", Value::Float(1e21), 1.5),
               Rec("/3303/0/5700", Value::Float(-0.0), -5)};
  EXPECT_EQ(Enc(c, "/3303/0/5700"),
            "[{\"bn\":\"/3303/0/5700\",\"v\":22.5,\"t\":1700000000},{\"v\":1e+21,\"t\":1.5},{\"v\":-0.0,\"t\":-5}]");
}

TEST(SenmlJsonEncode, EscapesStrings) {
  Content c;
  c.records = {Rec("/3/0/0", Value::String("a\"b\\c\n\x01\xc3\xa9"))};
  EXPECT_EQ(Enc(c), "[{\"n\":\"/3/0/0\",\"vs\":\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"}]");
}

TEST(SenmlJsonEncode, MixedPathsUseFullNames) {
  Content c;
  c.records = {Rec("/3/0", Value()), Rec("/3/0/1", Value())};  // P itself and below it
  EXPECT_EQ(Enc(c, "/3/0"), "[{\"n\":\"/3/0\"},{\"n\":\"/3/0/1\"}]");
}

TEST(SenmlJsonEncode, RejectsWhatSenmlCannotCarry) {
  const CodecContext ctx{.request_path = P("/")};
  Content above;
  above.records = {Rec("/3/0", Value::Integer(1))};
  EXPECT_EQ(Json().Encode(above, ctx).status().code(), StatusCode::kBadRequest);
  Content nan;
  nan.records = {Rec("/6/0/0", Value::Float(std::nan("")))};
  EXPECT_EQ(Json().Encode(nan, ctx).status().code(), StatusCode::kNotAcceptable);
  Content mixed;
  mixed.records = {Rec("/3/0/0", Value::String("x")), Rec("/3/0/1", Value())};
  Result<Bytes> m = Json().Encode(mixed, ctx);
  EXPECT_EQ(m.status().code(), StatusCode::kBadRequest);
  EXPECT_NE(m.status().message().find("record 2 (/3/0/1) has no value"), std::string::npos);
  Content utf8;
  utf8.records = {Rec("/3/0/0", Value::String("\xff"))};
  EXPECT_EQ(Json().Encode(utf8, ctx).status().code(), StatusCode::kBadRequest);
  Content links;
  links.links = {Link{"/3/0", {}}};
  EXPECT_EQ(Json().Encode(links, ctx).status().code(), StatusCode::kNotAcceptable);
}

// ---- negative vectors: one per diagnostic ----

TEST(SenmlJsonDiag, NotAnArray) {
  DecodeResult r = Dec("{\"n\":\"/3/0/0\",\"v\":1}");
  const Diagnostic* d = FindDiag(r.diagnostics, Severity::kError, "not an array of records");
  ASSERT_NE(d, nullptr) << DumpDiags(r.diagnostics);
  EXPECT_EQ(d->rule, "RFC 8428 §5");
  EXPECT_TRUE(r.content.empty());
  EXPECT_TRUE(HasDiag(Dec("42").diagnostics, Severity::kError, "a single number 42, not an array"));
}

TEST(SenmlJsonDiag, RecordNotAMap) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/9\",\"v\":1}, 5, [1]]");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "record 2 is number 5, not a JSON object"));
  const Diagnostic* d = FindDiag(r.diagnostics, Severity::kError, "record 3 is an array");
  ASSERT_NE(d, nullptr) << DumpDiags(r.diagnostics);
  EXPECT_EQ(d->offset, 26u);
  EXPECT_EQ(r.content.records.size(), 1u);
}

TEST(SenmlJsonDiag, UnknownLabelIsIgnoredWithWarning) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/9\",\"v\":1,\"foo\":2}]");
  const Diagnostic* d = FindDiag(r.diagnostics, Severity::kWarning, "record 1: unknown label 'foo' is ignored");
  ASSERT_NE(d, nullptr) << DumpDiags(r.diagnostics);
  EXPECT_EQ(d->offset, 21u);
  EXPECT_EQ(r.content.records.size(), 1u);
  EXPECT_FALSE(r.HasErrors());
}

TEST(SenmlJsonDiag, MustUnderstandLabel) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/9\",\"v\":1,\"ct_\":\"60\"}]");
  const Diagnostic* d = FindDiag(r.diagnostics, Severity::kError, "'ct_' ends with '_'");
  ASSERT_NE(d, nullptr) << DumpDiags(r.diagnostics);
  EXPECT_EQ(d->rule, "RFC 8428 §4.4");
}

TEST(SenmlJsonDiag, TwoValueLabels) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/9\",\"v\":1,\"vs\":\"1\"}]");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "record 1 has 2 value labels ('v', 'vs')"))
      << DumpDiags(r.diagnostics);
  EXPECT_TRUE(r.content.records.empty());
}

TEST(SenmlJsonDiag, DuplicateLabelInOneRecord) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/9\",\"v\":1,\"v\":2}]");
  const Diagnostic* d = FindDiag(r.diagnostics, Severity::kError, "record 1 has label 'v' more than once");
  ASSERT_NE(d, nullptr) << DumpDiags(r.diagnostics);
  EXPECT_EQ(d->offset, 21u);
  ASSERT_EQ(r.content.records.size(), 1u);
  EXPECT_EQ(r.content.records[0].value, Value::Integer(1));  // the first one, not merged
}

TEST(SenmlJsonDiag, NameMissing) {
  DecodeResult r = Dec("[{\"v\":1}]");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "record 1 has no name: neither 'n' nor a base name"));
}

TEST(SenmlJsonDiag, NameNotAnLwm2mPathSaysWhichPart) {
  DecodeResult r = Dec("[{\"bn\":\"/3/0/\",\"n\":\"x\",\"v\":1}]");
  EXPECT_TRUE(
      HasDiag(r.diagnostics, Severity::kError, "record 1: bn \"/3/0/\" + n \"x\" = \"/3/0/x\" is not an LwM2M path: "))
      << DumpDiags(r.diagnostics);
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "'x' is not a decimal number"));
  EXPECT_TRUE(HasDiag(Dec("[{\"n\":\"3/0/9\",\"v\":1}]").diagnostics, Severity::kError, "does not start with '/'"));
  EXPECT_TRUE(HasDiag(Dec("[{\"n\":\"/3/65535/9\",\"v\":1}]").diagnostics, Severity::kError, "65535 is reserved"));
  EXPECT_TRUE(HasDiag(Dec("[{\"n\":\"/3/0/9/1/2\",\"v\":1}]").diagnostics, Severity::kError, "more than four ids"));
  EXPECT_TRUE(HasDiag(Dec("[{\"bn\":\"/3/0/\",\"v\":1}]").diagnostics, Severity::kError, "ends with '/'"));
}

TEST(SenmlJsonDiag, NameCharactersOutsideRfc8428Set) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/9 \",\"v\":1}]");
  const Diagnostic* d = FindDiag(r.diagnostics, Severity::kError, "has byte 0x20 at position 6");
  ASSERT_NE(d, nullptr) << DumpDiags(r.diagnostics);
  EXPECT_EQ(d->rule, "RFC 8428 §4.5.1");
}

TEST(SenmlJsonDiag, ValueAboveResourceLevel) {
  DecodeResult r = Dec("[{\"n\":\"/3/0\",\"v\":1}]");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "/3/0 is an Object Instance but the record carries a value"));
  EXPECT_TRUE(r.content.records.empty());
}

TEST(SenmlJsonDiag, RepeatedBaseNameIsInfo) {
  DecodeResult r =
      Dec("[{\"bn\":\"/3/0/\",\"n\":\"0\",\"vs\":\"a\"},{\"n\":\"1\",\"vs\":\"b\"},{\"bn\":\"/3/0/"
          "\",\"n\":\"2\",\"vs\":\"c\"}]",
          "/3/0");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kInfo, "record 3 repeats the base name \"/3/0/\""))
      << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records.size(), 3u);
  EXPECT_FALSE(r.HasErrors());
}

TEST(SenmlJsonDiag, DuplicateResolvedNames) {
  DecodeResult r = Dec("[{\"bn\":\"/3/0/\",\"n\":\"9\",\"v\":1},{\"n\":\"/3/0/9\",\"bn\":\"\",\"v\":2}]");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "record 2 resolves to /3/0/9, already given by record 1"))
      << DumpDiags(r.diagnostics);
  ASSERT_EQ(r.content.records.size(), 1u);
  // The same resource at different times is a time series, not a duplicate.
  DecodeResult ts = Dec("[{\"n\":\"/3/0/9\",\"v\":1,\"t\":1700000000},{\"n\":\"/3/0/9\",\"v\":2,\"t\":1700000060}]");
  EXPECT_FALSE(ts.HasErrors()) << DumpDiags(ts.diagnostics);
  EXPECT_EQ(ts.content.records.size(), 2u);
}

TEST(SenmlJsonDiag, WrongJsonTypeForEachLabel) {
  struct Case {
    std::string_view text, needle;
  } cases[] = {
      {"[{\"n\":\"/3/0/9\",\"v\":\"1\"}]", "'v' must be a number, found string \"1\""},
      {"[{\"n\":\"/3/0/0\",\"vs\":1}]", "'vs' must be a string, found number 1"},
      {"[{\"n\":\"/1/0/6\",\"vb\":1}]", "'vb' must be true or false, found number 1"},
      {"[{\"n\":\"/0/0/3\",\"vd\":1}]", "'vd' must be a base64url string, found number 1"},
      {"[{\"n\":\"/66/0/2\",\"vlo\":1}]", "'vlo' must be a string \"ObjectID:InstanceID\", found number 1"},
      {"[{\"n\":\"/66/0/2\",\"vlo\":\"66\"}]", "'vlo' \"66\" is not \"ObjectID:InstanceID\""},
      {"[{\"n\":1,\"v\":1}]", "'n' must be a string, found number 1"},
      {"[{\"bn\":true,\"n\":\"/3/0/9\",\"v\":1}]", "'bn' must be a string, found true"},
      {"[{\"n\":\"/3/0/9\",\"t\":\"now\",\"v\":1}]", "'t' must be a number"},
      {"[{\"n\":\"/3/0/9\",\"v\":[1]}]", "'v' must be a number, found an array"},
      {"[{\"n\":\"/3/0/9\",\"v\":null}]", "only in SenML-ETCH"},
  };
  for (const auto& c : cases) {
    DecodeResult r = Dec(c.text);
    EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, c.needle)) << c.text << "\n" << DumpDiags(r.diagnostics);
  }
}

TEST(SenmlJsonDiag, DataValuePaddingAndAlphabet) {
  DecodeResult pad = Dec("[{\"n\":\"/0/0/3\",\"vd\":\"aGk=\"}]");
  EXPECT_TRUE(HasDiag(pad.diagnostics, Severity::kError, "ends with '=' padding")) << DumpDiags(pad.diagnostics);
  ASSERT_EQ(pad.content.records.size(), 1u);
  EXPECT_EQ(pad.content.records[0].value, Value::Opaque(B("hi")));  // still read, for the record
  DecodeResult std_alpha = Dec("[{\"n\":\"/0/0/3\",\"vd\":\"+/8\"}]");
  EXPECT_TRUE(HasDiag(std_alpha.diagnostics, Severity::kError, "standard base64 alphabet"));
  DecodeResult bad = Dec("[{\"n\":\"/0/0/3\",\"vd\":\"a*b\"}]");
  EXPECT_TRUE(HasDiag(bad.diagnostics, Severity::kError, "is not base64url"));
  EXPECT_TRUE(bad.content.records.empty());
}

TEST(SenmlJsonDiag, IntegerResourceGetsNonIntegralValue) {
  DecodeResult ok = Dec("[{\"n\":\"/3/0/9\",\"v\":21.0}]");
  ASSERT_EQ(ok.content.records.size(), 1u);
  EXPECT_EQ(ok.content.records[0].value, Value::Integer(21));
  EXPECT_TRUE(ok.diagnostics.empty());
  DecodeResult bad = Dec("[{\"n\":\"/3/0/9\",\"v\":21.5}]");
  const Diagnostic* d = FindDiag(bad.diagnostics, Severity::kError, "is Integer in the object model but 'v' is 21.5");
  ASSERT_NE(d, nullptr) << DumpDiags(bad.diagnostics);
  EXPECT_EQ(d->path, "/3/0/9");
  EXPECT_TRUE(HasDiag(Dec("[{\"n\":\"/0/0/16/0\",\"v\":-1}]").diagnostics, Severity::kError, "negative"));
}

TEST(SenmlJsonDiag, LabelDoesNotMatchModelType) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/9\",\"vs\":\"100\"}]");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "is Integer in the object model, which SenML carries in 'v'"))
      << DumpDiags(r.diagnostics);
  DecodeResult corelnk = Dec("[{\"n\":\"/25/0/3\",\"vs\":\"</3303/0>\"}]");
  ASSERT_EQ(corelnk.content.records.size(), 1u);
  EXPECT_EQ(corelnk.content.records[0].value, Value::Corelnk("</3303/0>"));
}

TEST(SenmlJsonDiag, BaseVersion) {
  EXPECT_TRUE(Dec("[{\"bver\":10,\"n\":\"/3/0/9\",\"v\":1}]").diagnostics.empty());
  EXPECT_TRUE(HasDiag(Dec("[{\"bver\":11,\"n\":\"/3/0/9\",\"v\":1}]").diagnostics, Severity::kError,
                      "SenML version 11 is newer than version 10"));
  EXPECT_TRUE(HasDiag(Dec("[{\"bver\":0,\"n\":\"/3/0/9\",\"v\":1}]").diagnostics, Severity::kError,
                      "'bver' must be a positive integer"));
  DecodeResult later = Dec("[{\"n\":\"/3/0/9\",\"v\":1},{\"bver\":10,\"n\":\"/3/0/10\",\"v\":1}]");
  EXPECT_TRUE(HasDiag(later.diagnostics, Severity::kWarning, "record 2 repeats 'bver' 10"));
  DecodeResult change = Dec("[{\"bver\":10,\"n\":\"/3/0/9\",\"v\":1},{\"bver\":12,\"n\":\"/3/0/10\",\"v\":1}]");
  EXPECT_TRUE(HasDiag(change.diagnostics, Severity::kError, "record 2 changes the SenML version from 10 to 12"));
}

TEST(SenmlJsonDiag, SumUnitUpdateTimeAndBaseValue) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/9\",\"v\":1,\"s\":4,\"u\":\"%\",\"ut\":60}]");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "sum 's' is not supported by LwM2M"));
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kInfo, "unit 'u' = \"%\" is ignored"));
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kInfo, "update time 'ut' is ignored"));
  EXPECT_FALSE(r.HasErrors());
  DecodeResult bv = Dec("[{\"bv\":100,\"n\":\"/3/0/9\",\"v\":-5}]");
  EXPECT_TRUE(HasDiag(bv.diagnostics, Severity::kWarning, "base value 'bv' = 100"));
  ASSERT_EQ(bv.content.records.size(), 1u);
  EXPECT_EQ(bv.content.records[0].value, Value::Integer(95));  // RFC 8428 §4.5.4: bv + v
}

TEST(SenmlJsonDiag, ValueMissingInAValuePack) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/9\",\"v\":1},{\"n\":\"/3/0/10\"}]");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "record 2 (/3/0/10) has no value")) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records.size(), 1u);
}

TEST(SenmlJsonDiag, NameOutsideRequestPathIsWarning) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/9\",\"v\":1}]", "/1/0");
  const Diagnostic* d = FindDiag(r.diagnostics, Severity::kWarning, "/3/0/9 is not under the request path /1/0");
  ASSERT_NE(d, nullptr) << DumpDiags(r.diagnostics);
  EXPECT_EQ(d->path, "/3/0/9");
  EXPECT_EQ(r.content.records.size(), 1u);
}

TEST(SenmlJsonDiag, SyntaxErrorsCarryOffsets) {
  DecodeResult trailing = Dec("[{\"bn\":\"/1024/0/1\",\"v\":22.9,\"bt\":268500000},{\"v\":22.4,\"t\":-5}],");
  const Diagnostic* d = FindDiag(trailing.diagnostics, Severity::kError, "JSON syntax error at offset 62");
  ASSERT_NE(d, nullptr) << DumpDiags(trailing.diagnostics);  // Leshan's literal with a stray ',' after ']'
  EXPECT_EQ(d->offset, 62u);
  EXPECT_EQ(trailing.content.records.size(), 2u);  // what came before is still decoded
  DecodeResult truncated = Dec("[{\"n\":\"/3/0/9\",\"v\":1},{\"n\":\"/3/0");
  EXPECT_TRUE(HasDiag(truncated.diagnostics, Severity::kError, "JSON syntax error"));
  EXPECT_EQ(truncated.content.records.size(), 1u);
  EXPECT_TRUE(HasDiag(Dec("[{\"n\":\"/3/0/9\",\"vs\":\"\xff\"}]").diagnostics, Severity::kError, "JSON syntax error"));
}

TEST(SenmlJsonDiag, EmptyPayloadIsAWarning) {
  DecodeResult r = Dec("");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "empty payload"));
  EXPECT_FALSE(r.HasErrors());
  EXPECT_TRUE(Dec("[]").diagnostics.empty());
}

TEST(SenmlJsonDiag, Lwm2m10PeerGetsAWarning) {
  DecodeResult r = Json().Decode(B("[{\"n\":\"/3/0/9\",\"v\":1}]"), {.request_path = P("/"), .lwm2m_version = "1.0"});
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "LwM2M 1.0 has no SenML formats"));
}

// ---- round trips and robustness ----

TEST(SenmlJsonRoundTrip, RandomRecordLists) {
  std::mt19937_64 rng(110);
  for (int i = 0; i < 300; ++i) {
    Content c = RandomContent(rng);
    for (std::string_view base : {"/", "/30000", "/30000/1"}) {
      Content in;
      for (const auto& r : c.records)
        if (P(base).IsPrefixOf(r.path)) in.records.push_back(r);
      ASSERT_NO_FATAL_FAILURE(ExpectRoundTrip(Json(), in, base, S));
    }
  }
}

TEST(SenmlJsonRobustness, TruncationsAreErrors) {
  const Bytes full = B(Minify(kTsDevice));
  for (size_t n = 1; n < full.size(); ++n) {
    DecodeResult r = Json().Decode(std::span(full).first(n), {.models = &TestModels()});
    EXPECT_TRUE(r.HasErrors()) << n;
    ExpectSaneDiagnostics(r.diagnostics, n);
  }
}

TEST(SenmlJsonRobustness, RandomAndMutatedInputsKeepInvariants) {
  std::mt19937_64 rng(8428);
  const Bytes seed = B(Minify(kTsDevice));
  for (int i = 0; i < 3000; ++i) {
    Bytes b;
    if (i % 2) {
      b = seed;
      for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) b[rng() % b.size()] = static_cast<uint8_t>(rng());
    } else {
      b.resize(rng() % 64);
      static constexpr char kAlphabet[] = "[]{}\",:0123456789.-eEtrufalsn/vbd \x80";
      for (auto& x : b) x = static_cast<uint8_t>(kAlphabet[rng() % (sizeof kAlphabet - 1)]);
    }
    DecodeResult r = Json().Decode(b, {.request_path = P("/3/0"), .models = &TestModels()});
    ExpectDecodeInvariants(r, b.size());
  }
}

TEST(SenmlJsonRobustness, DeepNestingDoesNotRecurse) {
  std::string deep = "[{\"n\":\"/3/0/9\",\"v\":" + std::string(100000, '[') + std::string(100000, ']') + "}]";
  DecodeResult r = Dec(deep);
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "'v' must be a number, found an array"));
}

}  // namespace
}  // namespace lwm2m
