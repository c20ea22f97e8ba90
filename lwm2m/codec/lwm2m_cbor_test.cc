// lwm2m_cbor_test.cc: LwM2M CBOR (11544) known answers from Core TS 1.2.2
// §7.5.4.1-§7.5.4.6 and Gateway TS 1.1 §10 (bytes as printed in the TS),
// negative vectors for every diagnostic, round trips on random trees and
// robustness on truncated and random input.
#include "lwm2m/codec/lwm2m_cbor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using ::testing::IsEmpty;

using namespace codec_test;  // objects 1 (at 1.1), 2, 3 as shipped, 1024 with every type

std::unique_ptr<Codec> Cbor() { return MakeLwm2mCborCodec(); }

DecodeResult Dec(const Bytes& b, std::string_view path, bool models = true) {
  return DecodeAt(*Cbor(), b, path, models ? &TestModels() : nullptr);
}

Bytes Enc(const std::vector<Record>& recs, std::string_view path = "/") {
  return EncodeOk(*Cbor(), Content{.records = recs}, path, nullptr);
}

// ---- Known answers: Core TS 1.2.2 §7.5.4 ----

// §7.5.4.1: Read /3/0/0, {[3, 0, 0]: "Open Mobile Alliance"} (26 bytes).
const char* kRead300 = "a183030000744f70656e204d6f62696c6520416c6c69616e6365";
// §7.5.4.1: the same with nested maps, {3: {0: {0: "Open Mobile Alliance"}}} (27 bytes).
const char* kRead300Nested = "a103a100a100744f70656e204d6f62696c6520416c6c69616e6365";
// §7.5.4.2: Read /3/0/6, {[3, 0, 6]: {0: 1, 1: 5}} (10 bytes).
const char* kRead306 = "a183030006a200010105";
// §7.5.4.3: Read /3/0 (118 bytes).
const char* kRead30 =
    "a1820300ad00744f70656e204d6f62696c6520416c6c69616e636501764c69676874776569676874204d324d20436c69656e7402693334"
    "353030303132330363312e3006a20001010507a200190ed80119138808a200187d011903840918640a0f0ba100000d1a5182428f0e662b"
    "30323a3030106155";
// §7.5.4.4: Read /1, two Server instances (63 bytes).
const char* kRead1 =
    "a101a200a7001865011a000151800219012c03191770051a0001518006f507615501a7001866011a000151800219025803191770051a0001"
    "518006f4076155";
// §7.5.4.5: Read-Composite response {[3, 0]: {0: "Open Mobile Alliance", 9: 100}, [1, 0, 1]: 86400} (39 bytes).
const char* kComposite = "a2820300a200744f70656e204d6f62696c6520416c6c69616e6365091864830100011a00015180";
// §7.5.4.6: Create on /2 with instance 5, {[2, 5]: {0: 5, 1: 0, [2, 102]: 0, 3: 101}} (17 bytes).
const char* kCreate2 = "a1820205a4000501008202186600031865";
// §7.5.4.6: the same without instance id, {[2, 65535]: {...}} (19 bytes).
const char* kCreate2NoIid = "a1820219ffffa4000501008202186600031865";
// Gateway TS 1.1 §10: {["d01", 3, 0]: {0: "Company A", 9: 100}, ["d02", 3, 0]: {0: "Company B", 9: 65}}.
const char* kGateway =
    "a283636430310300a20069436f6d70616e79204109186483636430320300a20069436f6d70616e792042091841";

std::vector<Record> ServerRecords() {
  std::vector<Record> r;
  for (int i : {0, 1}) {
    std::string b = "/1/" + std::to_string(i) + "/";
    r.push_back(Rec(b + "0", Value::Integer(101 + i)));
    r.push_back(Rec(b + "1", Value::Integer(86400)));
    r.push_back(Rec(b + "2", Value::Integer(i ? 600 : 300)));
    r.push_back(Rec(b + "3", Value::Integer(6000)));
    r.push_back(Rec(b + "5", Value::Integer(86400)));
    r.push_back(Rec(b + "6", Value::Boolean(i == 0)));
    r.push_back(Rec(b + "7", Value::String("U")));
  }
  return r;
}

TEST(Lwm2mCbor, DecodesArrayKeyExample) {
  DecodeResult r = Dec(H(kRead300), "/3/0/0");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records, (std::vector<Record>{Rec("/3/0/0", Value::String("Open Mobile Alliance"))}));
  EXPECT_EQ(Enc(r.content.records, "/3/0/0"), H(kRead300));
}

TEST(Lwm2mCbor, DecodesNestedMapExample) {
  DecodeResult r = Dec(H(kRead300Nested), "/3/0/0");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records, (std::vector<Record>{Rec("/3/0/0", Value::String("Open Mobile Alliance"))}));
}

TEST(Lwm2mCbor, DecodesMultipleResourceExample) {
  DecodeResult r = Dec(H(kRead306), "/3/0/6");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records,
            (std::vector<Record>{Rec("/3/0/6/0", Value::Integer(1)), Rec("/3/0/6/1", Value::Integer(5))}));
  EXPECT_EQ(Enc(r.content.records, "/3/0/6"), H(kRead306));
}

TEST(Lwm2mCbor, DecodesAndEncodesDeviceInstanceExample) {
  ASSERT_EQ(H(kRead30).size(), 118u);
  DecodeResult r = Dec(H(kRead30), "/3/0");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records, TsDeviceRecords());
  EXPECT_EQ(HexEncode(Enc(TsDeviceRecords(), "/3/0")), kRead30);
}

TEST(Lwm2mCbor, DecodesAndEncodesServerObjectExample) {
  ASSERT_EQ(H(kRead1).size(), 63u);
  DecodeResult r = Dec(H(kRead1), "/1");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records, ServerRecords());
  EXPECT_EQ(HexEncode(Enc(ServerRecords(), "/1")), kRead1);
}

TEST(Lwm2mCbor, DecodesAndEncodesCompositeExample) {
  DecodeResult r = Dec(H(kComposite), "/");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  std::vector<Record> want = {Rec("/3/0/0", Value::String("Open Mobile Alliance")), Rec("/3/0/9", Value::Integer(100)),
                              Rec("/1/0/1", Value::Integer(86400))};
  EXPECT_EQ(r.content.records, want);
  EXPECT_EQ(HexEncode(Enc(want)), kComposite);
}

TEST(Lwm2mCbor, DecodesCreateExampleWithInnerKeyArray) {
  DecodeResult r = Dec(H(kCreate2), "/2");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  std::vector<Record> want = {Rec("/2/5/0", Value::Integer(5)), Rec("/2/5/1", Value::Integer(0)),
                              Rec("/2/5/2/102", Value::Integer(0)), Rec("/2/5/3", Value::Integer(101))};
  EXPECT_EQ(r.content.records, want);
  // Our canonical style keeps a Resource's instances in a map: {2: {102: 0}} instead of {[2, 102]: 0}.
  EXPECT_EQ(HexEncode(Enc(want, "/2")), "a1820205a40005010002a11866000318" "65");
}

TEST(Lwm2mCbor, DecodesCreateWithoutInstanceId) {
  DecodeResult r = Dec(H(kCreate2NoIid), "/2");
  EXPECT_FALSE(r.HasErrors()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kInfo, "no reference to an Object Instance"), 1u);
  Path inst = Path::UnassignedInstance(2);
  ASSERT_EQ(r.content.records.size(), 4u);
  EXPECT_EQ(r.content.records[0], (Record{inst.Child(0), Value::Integer(5), std::nullopt}));
  EXPECT_EQ(r.content.records[2], (Record{inst.Child(2).Child(102), Value::Integer(0), std::nullopt}));
  EXPECT_EQ(r.content.records[2].path.ToString(), "/2/65535/2/102");
  EXPECT_EQ(HexEncode(Enc(r.content.records, "/2")), "a1820219ffffa40005010002a1186600031865");
  // Outside a Create on the Object, 65535 stays reserved.
  DecodeResult bad = Dec(H(kCreate2NoIid), "/2/5");
  EXPECT_EQ(CountDiag(bad.diagnostics, Severity::kError, "id 65535 in /2/65535 is reserved"), 1u)
      << DumpDiags(bad.diagnostics);
  EXPECT_TRUE(bad.content.records.empty());
}

TEST(Lwm2mCbor, DecodesAndEncodesGatewayPrefixes) {
  DecodeResult r = Dec(H(kGateway), "/");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  std::vector<Record> want = {Rec("/d01/3/0/0", Value::String("Company A")), Rec("/d01/3/0/9", Value::Integer(100)),
                              Rec("/d02/3/0/0", Value::String("Company B")), Rec("/d02/3/0/9", Value::Integer(65))};
  EXPECT_EQ(r.content.records, want);
  EXPECT_EQ(HexEncode(Enc(want)), kGateway);
  // A prefix alone as a text key: {"d01": {3: {0: {9: 7}}}}.
  DecodeResult t = Dec(H("a163643031a103a100a10907"), "/");
  EXPECT_THAT(t.diagnostics, IsEmpty()) << DumpDiags(t.diagnostics);
  EXPECT_EQ(t.content.records, (std::vector<Record>{Rec("/d01/3/0/9", Value::Integer(7))}));
  // Two objects under one prefix: the prefix becomes a text key.
  EXPECT_EQ(HexEncode(Enc({Rec("/d01/3/0/9", Value::Integer(7)), Rec("/d01/4/0/1", Value::Integer(1))})),
            "a163643031a2830300090783040001" "01");
}

// Every data type (Core TS Appendix C Table C-2, LwM2M CBOR column).
TEST(Lwm2mCbor, TypesEveryDataTypeByModel) {
  // {[1024, 0]: {0: "s", 1: 1.5 (half), 2: true, 3: h'0102', 4: 2^64-1, 5: "</3>", 6: 1(1367491215),
  //  7: "3:0", 8: -25, 9: {0: 1}, 10: null}}
  DecodeResult r = Dec(H("a18219040000ab00617301f93e0002f503420102041bffffffffffffffff05643c2f333e06c1"
                         "1a5182428f0763333a3008381809a100010af6"),
                       "/1024/0");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records,
            (std::vector<Record>{Rec("/1024/0/0", Value::String("s")), Rec("/1024/0/1", Value::Float(1.5)),
                                 Rec("/1024/0/2", Value::Boolean(true)), Rec("/1024/0/3", Value::Opaque({1, 2})),
                                 Rec("/1024/0/4", Value::UnsignedInteger(UINT64_MAX)),
                                 Rec("/1024/0/5", Value::Corelnk("</3>")), Rec("/1024/0/6", Value::Time(1367491215)),
                                 Rec("/1024/0/7", Value::ObjectLink({3, 0})), Rec("/1024/0/8", Value::Integer(-25)),
                                 Rec("/1024/0/9/0", Value::Integer(1)), Rec("/1024/0/10", Value())}));
}

TEST(Lwm2mCbor, ReadsTimeAsTag0DateTimeAndFloatsOfEveryWidth) {
  // {[1024, 0, 6]: 0("2013-05-02T10:40:15Z")}
  DecodeResult t = Dec(H("a1831904000006c074323031332d30352d30325431303a34303a31355a"), "/1024/0/6");
  EXPECT_THAT(t.diagnostics, IsEmpty()) << DumpDiags(t.diagnostics);
  EXPECT_EQ(t.content.records, (std::vector<Record>{Rec("/1024/0/6", Value::Time(1367491215))}));
  DecodeResult z = Dec(H("a1831904000006c0781b323031332d30352d30325431323a34303a31352e352b30323a3030"),
                       "/1024/0/6");
  EXPECT_EQ(z.content.records, (std::vector<Record>{Rec("/1024/0/6", Value::Time(1367491215))}))
      << DumpDiags(z.diagnostics);
  for (const char* f : {"f93e00", "fa3fc00000", "fb3ff8000000000000"}) {
    DecodeResult r = Dec(H(std::string("a183190400000") + "1" + f), "/1024/0/1");
    EXPECT_THAT(r.diagnostics, IsEmpty()) << f << DumpDiags(r.diagnostics);
    EXPECT_EQ(r.content.records, (std::vector<Record>{Rec("/1024/0/1", Value::Float(1.5))})) << f;
  }
  // The encoder writes the shortest exact float: 0.1 needs a double, 100000 a single.
  EXPECT_EQ(HexEncode(Enc({Rec("/1024/0/1", Value::Float(0.1))})), "a1831904000001fb3fb999999999999a");
  EXPECT_EQ(HexEncode(Enc({Rec("/1024/0/1", Value::Float(100000))})), "a1831904000001fa47c35000");
}

TEST(Lwm2mCbor, KeepsNaturalTypesWithoutModel) {
  DecodeResult r = Dec(H("a183090001a30020016161026134"), "/", false);
  // {[9, 0, 1]: {0: -1, 1: "a", 2: "4"}}
  EXPECT_FALSE(r.HasErrors()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kInfo, "no object model"), 1u);
  EXPECT_EQ(r.content.records, (std::vector<Record>{Rec("/9/0/1/0", Value::Integer(-1)),
                                                    Rec("/9/0/1/1", Value::String("a")),
                                                    Rec("/9/0/1/2", Value::String("4"))}));
}

// ---- Negative vectors ----

TEST(Lwm2mCbor, RejectsMalformedCborWithOffset) {
  Bytes trunc = H(kRead30);
  trunc.resize(60);
  DecodeResult r = Dec(trunc, "/3/0");
  EXPECT_TRUE(r.HasErrors());
  ASSERT_GE(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::kError);
  EXPECT_EQ(r.diagnostics[0].offset, 52u);  // the text string of /3/0/2 runs past the end
  // The values before the cut are still returned: /3/0/0 and /3/0/1.
  ASSERT_EQ(r.content.records.size(), 2u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records[1], Rec("/3/0/1", Value::String("Lightweight M2M Client")));
  DecodeResult reserved = Dec(H("a1830300001c"), "/3/0");
  EXPECT_EQ(CountDiag(reserved.diagnostics, Severity::kError, "reserved additional information 28"), 1u);
  EXPECT_EQ(reserved.diagnostics[0].offset, 5u);
  DecodeResult trailing = Dec(H("a18303000901ff"), "/3/0");
  EXPECT_EQ(CountDiag(trailing.diagnostics, Severity::kError, "trailing byte"), 1u);
  DecodeResult empty = Dec({}, "/3/0");
  EXPECT_EQ(CountDiag(empty.diagnostics, Severity::kError, "empty payload"), 1u);
}

TEST(Lwm2mCbor, RejectsTopLevelThatIsNotAMap) {
  DecodeResult r = Dec(H("83030009"), "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "the payload is a array, not a map"), 1u)
      << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].offset, 0u);
}

TEST(Lwm2mCbor, RejectsKeysOfOtherTypes) {
  // {[3, 0]: {-1: 1, true: 1, h'00': 1, 9: 1}}
  DecodeResult r = Dec(H("a1820300a42001f5014100010901"), "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "is a negative integer -1;"), 1u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "is a simple value or float;"), 1u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "is a byte string;"), 1u);
  EXPECT_EQ(r.diagnostics[0].offset, 5u);
  EXPECT_EQ(r.content.records, (std::vector<Record>{Rec("/3/0/9", Value::Integer(1))}));
}

TEST(Lwm2mCbor, RejectsTextKeysOutsideTheGatewayPosition) {
  // {3: {"x": 1}} and {[3, "x"]: 1}
  DecodeResult a = Dec(H("a103a1617801"), "/");
  EXPECT_EQ(CountDiag(a.diagnostics, Severity::kError, "only the first key of the top-level map"), 1u)
      << DumpDiags(a.diagnostics);
  EXPECT_EQ(a.diagnostics[0].rule, "Gateway TS 1.1 §9");
  DecodeResult b = Dec(H("a182036178" "01"), "/");
  EXPECT_EQ(CountDiag(b.diagnostics, Severity::kError, "element 1 is a text string"), 1u) << DumpDiags(b.diagnostics);
  DecodeResult c = Dec(H("a163643031" "05"), "/");
  EXPECT_EQ(CountDiag(c.diagnostics, Severity::kError, "maps to a value"), 1u) << DumpDiags(c.diagnostics);
}

TEST(Lwm2mCbor, RejectsEmptyAndTooLongKeyArrays) {
  DecodeResult a = Dec(H("a18001"), "/");
  EXPECT_EQ(CountDiag(a.diagnostics, Severity::kError, "is an empty array"), 1u) << DumpDiags(a.diagnostics);
  DecodeResult b = Dec(H("a1850300000000" "01"), "/");
  EXPECT_EQ(CountDiag(b.diagnostics, Severity::kError, "deeper than four ids"), 1u) << DumpDiags(b.diagnostics);
  // {[3, 0, 0]: {[1, 2]: 5}}: five ids across two levels.
  DecodeResult c = Dec(H("a1830300" "00a182010205"), "/");
  EXPECT_EQ(CountDiag(c.diagnostics, Severity::kError, "makes the path /3/0/0/1/2 deeper than four ids"), 1u)
      << DumpDiags(c.diagnostics);
  EXPECT_TRUE(c.content.records.empty());
}

TEST(Lwm2mCbor, RejectsReservedAndOversizedIds) {
  DecodeResult a = Dec(H("a183030019ffff01"), "/3/0");
  EXPECT_EQ(CountDiag(a.diagnostics, Severity::kError, "id 65535 in /3/0/65535 is reserved"), 1u)
      << DumpDiags(a.diagnostics);
  DecodeResult b = Dec(H("a18303001a0001117001"), "/3/0");
  EXPECT_EQ(CountDiag(b.diagnostics, Severity::kError, "id 70000 in /3/0/70000 is above 65535"), 1u)
      << DumpDiags(b.diagnostics);
  // A Create on /3 may leave the instance open, but not the Resource id.
  DecodeResult c = Dec(H("a1820319ffffa119ffff01"), "/3");
  EXPECT_EQ(CountDiag(c.diagnostics, Severity::kError, "is reserved"), 1u) << DumpDiags(c.diagnostics);
}

TEST(Lwm2mCbor, RejectsDuplicateKeysInOneMap) {
  // {[3, 0]: {9: 1, 9: 2}}
  DecodeResult r = Dec(H("a1820300a209010902"), "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "duplicate key at offset 7 in the map of /3/0"), 1u)
      << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].rule, "RFC 8949 §5.6");
  EXPECT_EQ(r.content.records, (std::vector<Record>{Rec("/3/0/9", Value::Integer(1))}));
}

TEST(Lwm2mCbor, RejectsPathGivenTwiceAcrossTheStructure) {
  // {[3, 0]: {9: 1}, [3, 0, 9]: 2}
  DecodeResult r = Dec(H("a2820300a1090183030009" "02"), "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "/3/0/9 is given twice"), 1u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].offset, 7u);
  // {[3, 0, 6]: 1, [3, 0, 6, 0]: 2}: a value and values below it.
  DecodeResult v = Dec(H("a28303000601840300060002"), "/3/0");
  EXPECT_EQ(CountDiag(v.diagnostics, Severity::kError, "has a value and also values below or above it"), 1u)
      << DumpDiags(v.diagnostics);
  // {[3, 0, 6]: 1, [3, 0]: {6: {0: 2}}}: a value and a map at the same path.
  DecodeResult m = Dec(H("a283030006018203" "00a106a10002"), "/3/0");
  EXPECT_EQ(CountDiag(m.diagnostics, Severity::kError, "given both as a value and as a map"), 1u)
      << DumpDiags(m.diagnostics);
}

TEST(Lwm2mCbor, ReportsEmptyMaps) {
  DecodeResult a = Dec(H("a1820300a0"), "/3/0");
  EXPECT_EQ(CountDiag(a.diagnostics, Severity::kError, "empty map at offset 4 for /3/0"), 1u)
      << DumpDiags(a.diagnostics);
  DecodeResult b = Dec(H("a0"), "/3/0");
  EXPECT_EQ(CountDiag(b.diagnostics, Severity::kWarning, "the payload is an empty map"), 1u);
  EXPECT_FALSE(b.HasErrors());
  DecodeResult c = Dec(H("bfff"), "/3/0");  // Anjay Lite's empty Read
  EXPECT_EQ(CountDiag(c.diagnostics, Severity::kWarning, "empty map"), 1u) << DumpDiags(c.diagnostics);
  EXPECT_EQ(CountDiag(c.diagnostics, Severity::kInfo, "indefinite-length"), 1u);
}

TEST(Lwm2mCbor, RejectsValuesThatDoNotMatchTheModel) {
  // {[3, 0]: {9: "x", 0: 5, 13: true, 4: 1, 6: {0: 1.5}}}
  DecodeResult r = Dec(H("a1820300a50961780005" "0df50401" "06a100f93e00"), "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError,
                      "Battery Level: CBOR: /3/0/9 is Integer but the item is text string"), 1u)
      << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "is String but the item is unsigned integer 5"), 1u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "is Time but the item is true"), 1u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "executable resource Reboot carries a value"), 1u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "is Integer but the item is float 1.5"), 1u);
  // A float for a Boolean resource (libcbor 0.8 aborts in cbor_is_bool() on floats).
  DecodeResult f = Dec(H("a1831904000002f93e00"), "/1024/0/2");
  EXPECT_EQ(CountDiag(f.diagnostics, Severity::kError, "is Boolean but the item is float 1.5"), 1u)
      << DumpDiags(f.diagnostics);
  EXPECT_EQ(f.content.records, (std::vector<Record>{Rec("/1024/0/2", Value::Float(1.5))}));
  // The values are still returned with their CBOR types.
  EXPECT_EQ(r.content.records.size(), 5u);
  EXPECT_EQ(r.content.records[0], Rec("/3/0/9", Value::String("x")));
  DecodeResult t = Dec(H("a18303000dc0706e6f742d612d646174652d74696d6521"), "/3/0");
  EXPECT_EQ(CountDiag(t.diagnostics, Severity::kError, "is not an RFC 3339 date/time"), 1u) << DumpDiags(t.diagnostics);
}

TEST(Lwm2mCbor, WarnsOnNullAndInstanceShapes) {
  // {[3, 0]: {9: null, 4: null, 6: 1, [9, 0]: 2}} -> 9 twice is a conflict, so use 10/0.
  DecodeResult r = Dec(H("a1820300a409f604f6060182" "0a0002"), "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning, "null for Integer resource Battery Level"), 1u)
      << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning, "null for"), 1u);  // none for Reboot
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning, "Multiple-Instance Resource but gets a single value"), 1u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning, "Single-Instance Resource but /3/0/10/0"), 1u);
  EXPECT_FALSE(r.HasErrors());
  // {[3, 0]: null}: an empty container.
  DecodeResult n = Dec(H("a1820300f6"), "/3/0");
  EXPECT_EQ(CountDiag(n.diagnostics, Severity::kWarning, "not a Resource (read as an empty container)"), 1u);
  EXPECT_EQ(n.content.records, (std::vector<Record>{Rec("/3/0", Value())}));
}

TEST(Lwm2mCbor, RejectsValuesAboveResourcesAndOutsideTheRequest) {
  DecodeResult a = Dec(H("a182030005"), "/3/0");
  EXPECT_EQ(CountDiag(a.diagnostics, Severity::kError, "which is not a Resource or Resource Instance"), 1u)
      << DumpDiags(a.diagnostics);
  DecodeResult b = Dec(H("a183040000" "05"), "/3/0");
  EXPECT_EQ(CountDiag(b.diagnostics, Severity::kError, "/4/0/0 is not under the request path /3/0"), 1u)
      << DumpDiags(b.diagnostics);
}

TEST(Lwm2mCbor, NotesNonPreferredAndIndefiniteEncodings) {
  // {[3, 0, 24(9)]: 1b(100)} and an indefinite map with an indefinite key array.
  DecodeResult a = Dec(H("a1830300180918" "64"), "/3/0");
  EXPECT_EQ(CountDiag(a.diagnostics, Severity::kInfo, "1 CBOR head(s) use a longer argument"), 1u)
      << DumpDiags(a.diagnostics);
  EXPECT_FALSE(a.HasErrors());
  EXPECT_EQ(a.content.records, (std::vector<Record>{Rec("/3/0/9", Value::Integer(100))}));
  DecodeResult b = Dec(H("bf9f030009ff1864ff"), "/3/0");
  EXPECT_EQ(CountDiag(b.diagnostics, Severity::kInfo, "2 indefinite-length item(s), first at offset 0"), 1u)
      << DumpDiags(b.diagnostics);
  EXPECT_EQ(b.content.records, (std::vector<Record>{Rec("/3/0/9", Value::Integer(100))}));
  // Chunked text values (Anjay Lite): {[3, 0, 0]: (_ "Op", "", "en")}.
  DecodeResult c = Dec(H("a1830300007f624f706062656eff"), "/3/0");
  EXPECT_EQ(c.content.records, (std::vector<Record>{Rec("/3/0/0", Value::String("Open"))})) << DumpDiags(c.diagnostics);
}

TEST(Lwm2mCbor, RejectsExcessiveNesting) {
  Bytes deep = H("a183030009");
  for (int i = 0; i < 40; ++i) deep.push_back(0x81);
  deep.push_back(0x01);
  DecodeResult r = Dec(deep, "/3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "nesting deeper than 32"), 1u) << DumpDiags(r.diagnostics);
}

// ---- Encoding ----

TEST(Lwm2mCbor, EncodeRejectsWhatTheFormatCannotCarry) {
  CodecContext ctx;
  auto bad = [&](std::vector<Record> recs) {
    Content c;
    c.records = std::move(recs);
    return Cbor()->Encode(c, ctx).status().code();
  };
  EXPECT_EQ(bad({}), StatusCode::kBadRequest);
  EXPECT_EQ(bad({Rec("/3/0", Value::Integer(1))}), StatusCode::kBadRequest);
  EXPECT_EQ(bad({Rec("/3/0/9", Value::Integer(1)), Rec("/3/0/9", Value::Integer(2))}), StatusCode::kBadRequest);
  EXPECT_EQ(bad({Rec("/3/0/6", Value::Integer(1)), Rec("/3/0/6/0", Value::Integer(2))}), StatusCode::kBadRequest);
  EXPECT_EQ(bad({Rec("/3/0/6/0", Value::Integer(1)), Rec("/3/0/6", Value::Integer(2))}), StatusCode::kBadRequest);
  EXPECT_EQ(bad({Record{Path{3, 0, 9}, Value::Integer(1), 5.0}}), StatusCode::kNotAcceptable);
  Content links;
  links.links.push_back({"/3", {}});
  EXPECT_EQ(Cbor()->Encode(links, ctx).status().code(), StatusCode::kNotAcceptable);
  // A value-less record is null: {[3, 0, 4]: null} (execute has no value; Table C-2 "none").
  EXPECT_EQ(HexEncode(Enc({Rec("/3/0/4", Value())})), "a183030004f6");
}

// ---- Round trips and robustness ----

Value RandomValue(std::mt19937_64& rng, DataType t) {
  switch (t) {
    case DataType::kString: return Value::String(std::string(rng() % 30, 'a' + static_cast<char>(rng() % 26)));
    case DataType::kFloat: {
      static const double kF[] = {0.0, -0.0, 1.5, 0.1, 1e300, -65504.0, 100000.0, 3.0};
      return Value::Float(rng() % 2 ? kF[rng() % 8] : static_cast<double>(static_cast<int64_t>(rng())) / 7.0);
    }
    case DataType::kBoolean: return Value::Boolean(rng() % 2);
    case DataType::kOpaque: return Value::Opaque(Bytes(rng() % 40, static_cast<uint8_t>(rng())));
    case DataType::kUnsignedInteger: return Value::UnsignedInteger(rng() >> (rng() % 64));
    case DataType::kCorelnk: return Value::Corelnk("</3/0>;ver=1.1");
    case DataType::kTime: return Value::Time(static_cast<int64_t>(rng() % 4000000000u) - 100);
    case DataType::kObjlnk: return Value::ObjectLink({static_cast<uint16_t>(rng()), static_cast<uint16_t>(rng())});
    case DataType::kNone: return Value();
    default: return Value::Integer(static_cast<int64_t>(rng()) >> (rng() % 64));
  }
}

TEST(Lwm2mCbor, RoundTripsRandomTrees) {
  std::mt19937_64 rng(11544);
  const ObjectModel* test_object = TestModels().Find(1024);
  for (int iter = 0; iter < 500; ++iter) {
    std::vector<Record> recs;
    std::set<Path> used;
    int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      uint16_t oid = rng() % 4 ? 1024 : 3;
      uint16_t iid = static_cast<uint16_t>(rng() % 3);
      uint16_t rid = static_cast<uint16_t>(rng() % 11);
      const ResourceModel* rm = oid == 1024 ? test_object->FindResource(rid) : TestModels().FindResource(Path{3, 0, 9});
      if (oid == 3) rid = 9;
      Path p = rm->multiple ? Path{oid, iid, rid, static_cast<uint16_t>(rng() % 300)} : Path{oid, iid, rid};
      if (rng() % 5 == 0) p = p.WithPrefix(rng() % 2 ? "d01" : "dev-2");
      if (!used.insert(p).second) continue;
      recs.push_back({p, RandomValue(rng, rm->type), std::nullopt});
    }
    Content c;
    c.records = recs;
    CodecContext ctx;
    ctx.models = &TestModels();
    auto enc = Cbor()->Encode(c, ctx);
    ASSERT_TRUE(enc.ok()) << enc.status().ToString();
    DecodeResult back = Cbor()->Decode(*enc, ctx);
    EXPECT_THAT(back.diagnostics, IsEmpty()) << DumpDiags(back.diagnostics) << HexEncode(*enc);
    // Decoding walks the tree, so records come back grouped by their first-named ancestors.
    std::vector<Record> a = back.content.records, b = recs;
    auto by_path = [](const Record& x, const Record& y) { return x.path < y.path; };
    std::sort(a.begin(), a.end(), by_path);
    std::sort(b.begin(), b.end(), by_path);
    EXPECT_EQ(a, b) << HexEncode(*enc);
    // Re-encoding what was decoded gives the same bytes (canonical form is a fixed point).
    Content again;
    again.records = back.content.records;
    auto enc2 = Cbor()->Encode(again, ctx);
    ASSERT_TRUE(enc2.ok());
    EXPECT_EQ(*enc2, *enc);
  }
}

TEST(Lwm2mCbor, SurvivesTruncatedAndRandomInput) {
  for (const char* hex : {kRead30, kRead1, kComposite, kCreate2NoIid, kGateway}) {
    Bytes full = H(hex);
    for (size_t cut = 0; cut < full.size(); ++cut) {
      Bytes part(full.begin(), full.begin() + static_cast<long>(cut));
      DecodeResult r = Dec(part, "/");
      EXPECT_TRUE(r.HasErrors()) << hex << " cut " << cut;
      ExpectSaneDiagnostics(r.diagnostics, cut);
    }
  }
  std::mt19937 rng(7);
  Bytes seed = H(kRead30);
  for (int iter = 0; iter < 5000; ++iter) {
    Bytes b = seed;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) b[rng() % b.size()] = static_cast<uint8_t>(rng());
    if (rng() % 3 == 0) b.resize(rng() % b.size());
    DecodeResult r = Dec(b, rng() % 2 ? "/3/0" : "/", rng() % 2);
    ExpectSaneDiagnostics(r.diagnostics, b.size());
  }
  for (int iter = 0; iter < 3000; ++iter) {
    Bytes b(rng() % 24);
    for (auto& x : b) x = static_cast<uint8_t>(rng() % 3 ? 0xa0 + rng() % 0x60 : rng());
    (void)Dec(b, "/", rng() % 2);
  }
}

}  // namespace
}  // namespace lwm2m
