// SenML CBOR (112) codec tests: the Core TS Device example and the RFC 8428 §6
// example byte for byte, our own vectors for what the TS shows only in JSON
// (hex built with an independent encoder and checked by hand against RFC 8949),
// CBOR-specific negative vectors, round trips and robustness. The SenML
// semantics shared with JSON are tested in senml_json_test.cc.
#include "lwm2m/codec/senml_cbor.h"

#include <gtest/gtest.h>

#include <random>

#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using namespace codec_test;

const Codec& Cbor() { return CodecOf<MakeSenmlCborCodec>(); }

DecodeResult Dec(const Bytes& b, std::string_view path = "/", const ModelRegistry* models = &TestModels()) {
  return DecodeAt(Cbor(), b, path, models);
}

std::string Enc(const Content& c, std::string_view path = "/") { return HexEncode(EncodeOk(Cbor(), c, path)); }

// Core TS 1.2.2 §7.5.7 and Appendix M (196 bytes): Read /3/0 in SenML CBOR.
constexpr std::string_view kTsDeviceHex =
    "90a321652f332f302f00613003744f70656e204d6f62696c6520416c6c69616e6365a200613103764c69676874776569676874204d324d"
    "20436c69656e74a20061320369333435303030313233a20061330363312e30a20063362f300201a20063362f310205a20063372f300219"
    "0ed8a20063372f3102191388a20063382f3002187da20063382f3102190384a2006139021864a200623130020fa2006431312f300200a2"
    "00623133021a5182428fa20062313403662b30323a3030a200623136036155";

// RFC 8428 §6 (195 bytes): the §5.1.2 example in CBOR, bver 5, one half float.
constexpr std::string_view kRfc8428Hex =
    "87a721781b75726e3a6465763a6f773a3130653230373361303130383030363a22fb41d303a15b00106223614120050067766f6c746167"
    "6501615602fb405e066666666666a3006763757272656e740624"
    "02fb3ff3333333333333a3006763757272656e74062302fb3ff4cccc"
    "cccccccda3006763757272656e74062202fb3ff6666666666666a3006763757272656e74062102f93e00a3006763757272656e74062002"
    "fb3ff999999999999aa3006763757272656e74060002fb3ffb333333333333";

Content DeviceContent() { return Content{.records = TsDeviceRecords()}; }

// ---- known answers ----

TEST(SenmlCborKat, TsDeviceReadDecodes) {
  DecodeResult r = Dec(H(kTsDeviceHex), "/3/0");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, DeviceContent());
}

TEST(SenmlCborKat, TsDeviceReadEncodesToTheTsBytes) {
  EXPECT_EQ(Enc(DeviceContent(), "/3/0"), kTsDeviceHex);
  EXPECT_EQ(kTsDeviceHex.size(), 2 * 196u);
}

TEST(SenmlCborKat, Rfc8428ExampleRoundTripsAtTheSenmlLevel) {
  const Bytes in = H(kRfc8428Hex);
  ASSERT_EQ(in.size(), 195u);
  Diagnostics d;
  std::optional<SenmlPack> pack = ParseSenmlCbor(in, kSenmlCborOptions, d);
  ASSERT_TRUE(pack);
  EXPECT_TRUE(d.empty());
  ASSERT_EQ(pack->records.size(), 7u);
  const SenmlRecord& first = pack->records[0];
  ASSERT_EQ(first.fields.size(), 7u);
  EXPECT_EQ(first.fields[0].label, SenmlLabel::kBaseName);
  EXPECT_EQ(first.fields[0].value, SenmlValue(std::string("urn:dev:ow:10e2073a0108006:")));
  EXPECT_EQ(first.fields[1].value, SenmlValue(SenmlNumber::Float(1276020076.001)));
  EXPECT_EQ(first.fields[3].label, SenmlLabel::kBaseVersion);
  EXPECT_EQ(first.fields[3].value, SenmlValue(SenmlNumber::Unsigned(5)));
  EXPECT_EQ(pack->records[5].fields[2].value, SenmlValue(SenmlNumber::Float(1.6)));
  EXPECT_EQ(pack->records[1].offset, 0x45u);  // "a3 00 67 63 75 72..." in the RFC hexdump
  EXPECT_EQ(pack->records[1].fields[1].offset, 0x4fu);
  // Writing the parsed pack back gives the RFC bytes, half float included.
  Result<Bytes> out = WriteSenmlCbor(*pack, kSenmlCborOptions);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(HexEncode(*out), kRfc8428Hex);
}

TEST(SenmlCborKat, Rfc8428ExampleIsNotAnLwm2mPack) {
  DecodeResult r = Dec(H(kRfc8428Hex));
  EXPECT_TRUE(r.content.records.empty());
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "is not an LwM2M path"), 7u) << DumpDiags(r.diagnostics);
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "SenML version 5 predates"));
}

// Core TS 1.2.2 Table 7.5.6.-7 (Read-Composite response) in SenML CBOR: own vector.
TEST(SenmlCborKat, ReadCompositeResponseBothWays) {
  constexpr std::string_view kHex =
      "83a200662f332f302f3003744f70656e204d6f62696c6520416c6c69616e6365a200662f332f302f3902185fa200662f312f302f31021a"
      "00015180";
  Content c;
  c.records = {Rec("/3/0/0", Value::String("Open Mobile Alliance")), Rec("/3/0/9", Value::Integer(95)),
               Rec("/1/0/1", Value::Integer(86400))};
  DecodeResult r = Dec(H(kHex));
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c), kHex);
}

// Core TS 1.2.2 §7.5.7: Objlnk under the text key "vlo" (RFC 8428 §6 keeps
// integer keys closed; Zephyr's encoder does the same). Own vector.
TEST(SenmlCborKat, ObjlnkUnderTextKeyBothWays) {
  constexpr std::string_view kHex = "82a321682f36352f302f302f00613063766c6f6436363a30a200613163766c6f6436363a31";
  Content c;
  c.records = {Rec("/65/0/0/0", Value::ObjectLink({66, 0})), Rec("/65/0/0/1", Value::ObjectLink({66, 1}))};
  DecodeResult r = Dec(H(kHex), "/65/0/0");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c, "/65/0/0"), kHex);
}

// RFC 8428 §6: "vd" is a byte string in CBOR. Own vector.
TEST(SenmlCborKat, OpaqueIsAByteStringBothWays) {
  constexpr std::string_view kHex = "81a200662f302f302f3308430102ff";
  Content c;
  c.records = {Rec("/0/0/3", Value::Opaque({1, 2, 0xff}))};
  DecodeResult r = Dec(H(kHex));
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c), kHex);
}

// RFC 8428 §6 allows decimal fractions (tag 4) for numbers; Leshan writes bt
// that way. Own vector: bt = 4([-3, 1699877805766]).
TEST(SenmlCborKat, DecimalFractionBaseTime) {
  DecodeResult r = Dec(H("81a3216c2f333330332f302f3537303022c482221b0000018bc89cdec602fbc06019999999999a"));
  ASSERT_EQ(r.content.records.size(), 1u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records[0], Rec("/3303/0/5700", Value::Float(-128.8), 1699877805.766));
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
}

// Floats in the shortest width that is exact (RFC 8949 §4.2.2), times as
// integers when integral. Own vector.
TEST(SenmlCborKat, FloatsAreShortestExact) {
  Content c;
  c.records = {Rec("/30000/0/3", Value::Float(1.5), 1700000000), Rec("/30000/0/3", Value::Float(0.1), 1700000001),
               Rec("/30000/0/3", Value::Float(100000.0), 1700000002), Rec("/30000/0/3", Value::Float(-0.0), 1.5)};
  constexpr std::string_view kHex =
      "84a3216a2f33303030302f302f3302f93e00061a6553f100a202fb3fb999999999999a061a6553f101a202fa47c35000061a6553f102"
      "a202f9800006f93e00";
  EXPECT_EQ(Enc(c, "/30000/0/3"), kHex);
  DecodeResult r = Dec(H(kHex), "/30000/0/3");
  EXPECT_EQ(r.content, c) << DumpDiags(r.diagnostics);
  // Without a model an integral float stays a Float; with an Integer model it is an Integer.
  DecodeResult plain = Dec(H("81a200662f332f302f3902f94d40"), "/", nullptr);
  ASSERT_EQ(plain.content.records.size(), 1u);
  EXPECT_EQ(plain.content.records[0].value, Value::Float(21.0));
  DecodeResult typed = Dec(H("81a200662f332f302f3902f94d40"));
  ASSERT_EQ(typed.content.records.size(), 1u);
  EXPECT_EQ(typed.content.records[0].value, Value::Integer(21));
}

// Zephyr tests/net/lib/lwm2m/content_senml_cbor (send of a time series): bn
// "/65535/0/", bt, then relative t. 65535 is reserved (Core TS 1.2 §7.1), so
// a conforming decoder must refuse these names.
TEST(SenmlCborKat, ZephyrTimeSeriesUsesReservedObjectId) {
  DecodeResult r = Dec(H("83a421692f36353533352f302f221a68fa2f04006132020aa300613206183c020ba3006132061878020c"));
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "65535 is reserved"), 3u) << DumpDiags(r.diagnostics);
  EXPECT_TRUE(r.content.records.empty());
}

// ---- CBOR-specific negative vectors ----

TEST(SenmlCborDiag, NotAnArray) {
  DecodeResult r = Dec(H("a100662f332f302f39"));
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "the payload is a map (1 pairs), not an array of records"))
      << DumpDiags(r.diagnostics);
}

TEST(SenmlCborDiag, RecordNotAMap) {
  DecodeResult r =
      Dec(H("82a200662f332f302f390201"
            "05"));
  const Diagnostic* d = FindDiag(r.diagnostics, Severity::kError, "record 2 is unsigned integer 5, not a CBOR map");
  ASSERT_NE(d, nullptr) << DumpDiags(r.diagnostics);
  EXPECT_EQ(d->offset, 12u);
  EXPECT_EQ(r.content.records.size(), 1u);
}

TEST(SenmlCborDiag, TextKeyForARegisteredLabel) {
  // {"n": "/3/0/9", 2: 1}: SenML CBOR writes n as key 0; a text "n" is an unknown field.
  DecodeResult r = Dec(H("81a2616e662f332f302f390201"));
  const Diagnostic* d = FindDiag(r.diagnostics, Severity::kWarning, "unknown label 'n' is ignored");
  ASSERT_NE(d, nullptr) << DumpDiags(r.diagnostics);
  EXPECT_NE(d->message.find("integer key 0"), std::string::npos);
  EXPECT_EQ(d->offset, 2u);
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "record 1 has no name"));
}

TEST(SenmlCborDiag, UnknownIntegerAndMustUnderstandTextKeys) {
  DecodeResult r = Dec(H("81a300662f332f302f39020109f5"));  // key 9 is not in RFC 8428 Table 4
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "unknown label '9' is ignored")) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records.size(), 1u);
  DecodeResult mu = Dec(H("81a300662f332f302f3902016363745f01"));  // "ct_": 1
  EXPECT_TRUE(HasDiag(mu.diagnostics, Severity::kError, "'ct_' ends with '_'")) << DumpDiags(mu.diagnostics);
  DecodeResult odd = Dec(H("81a300662f332f302f39020141aa01"));  // h'aa': 1
  EXPECT_TRUE(HasDiag(odd.diagnostics, Severity::kWarning, "map keys are integers or text strings"));
}

TEST(SenmlCborDiag, DuplicateKeyInOneRecord) {
  DecodeResult r = Dec(H("81a300662f332f302f3902010202"));  // {0: "/3/0/9", 2: 1, 2: 2}
  const Diagnostic* d = FindDiag(r.diagnostics, Severity::kError, "record 1 has label 'v' more than once");
  ASSERT_NE(d, nullptr) << DumpDiags(r.diagnostics);
  EXPECT_EQ(d->offset, 12u);
  EXPECT_EQ(d->rule, "RFC 8949 §5.6");
  ASSERT_EQ(r.content.records.size(), 1u);
  EXPECT_EQ(r.content.records[0].value, Value::Integer(1));
}

TEST(SenmlCborDiag, DataValueMustBeAByteString) {
  DecodeResult r = Dec(H("81a200662f302f302f33086461476b3d"));  // 8: "aGk="
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "'vd' must be a byte string in CBOR, found string"))
      << DumpDiags(r.diagnostics);
  EXPECT_TRUE(r.content.records.empty());
}

TEST(SenmlCborDiag, BaseVersionMustBeUnsigned) {
  DecodeResult r =
      Dec(H("81a320f94900"
            "00662f332f302f390201"));  // -1: 10.0
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "'bver' must be a positive unsigned integer"))
      << DumpDiags(r.diagnostics);
  EXPECT_TRUE(Dec(H("81a3200a00662f332f302f390201")).diagnostics.empty());  // -1: 10
}

TEST(SenmlCborDiag, WrongTypesForValueLabels) {
  EXPECT_TRUE(HasDiag(Dec(H("81a200662f332f302f390261"
                            "31"))
                          .diagnostics,
                      Severity::kError, "'v' must be a number, found string \"1\""));
  EXPECT_TRUE(HasDiag(Dec(H("81a200662f332f302f3902c11a5182428f")).diagnostics, Severity::kError,
                      "'v' must be a number, found tag 1"));
  EXPECT_TRUE(HasDiag(Dec(H("81a200662f312f302f3604f6")).diagnostics, Severity::kError,
                      "'vb' must be true or false, found null"));
  EXPECT_TRUE(HasDiag(Dec(H("81a200662f332f302f3902f6")).diagnostics, Severity::kError, "only in SenML-ETCH"));
}

TEST(SenmlCborDiag, IndefiniteLengthsAreWarnings) {
  // [_ {0: "/3/0/9", 2: 1}] and a chunked text string value
  DecodeResult r = Dec(H("9fa200662f332f302f390201ff"));
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "indefinite-length array")) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records.size(), 1u);
  DecodeResult s = Dec(H("81a200662f332f302f30037f614f6170ff"));
  EXPECT_TRUE(HasDiag(s.diagnostics, Severity::kWarning, "indefinite-length text string")) << DumpDiags(s.diagnostics);
  ASSERT_EQ(s.content.records.size(), 1u);
  EXPECT_EQ(s.content.records[0].value, Value::String("Op"));
}

TEST(SenmlCborDiag, MalformedCborHasOffsets) {
  DecodeResult truncated = Dec(H("81a200662f332f302f"));
  ASSERT_TRUE(truncated.HasErrors());
  EXPECT_TRUE(truncated.content.empty());
  bool has_offset = false;
  for (const auto& d : truncated.diagnostics) has_offset |= d.offset.has_value();
  EXPECT_TRUE(has_offset) << DumpDiags(truncated.diagnostics);
  DecodeResult trailing = Dec(H("81a200662f332f302f39020100"));
  EXPECT_TRUE(HasDiag(trailing.diagnostics, Severity::kError, "trailing byte")) << DumpDiags(trailing.diagnostics);
  EXPECT_EQ(trailing.content.records.size(), 1u);
  EXPECT_TRUE(Dec(H("81a200622fff0201")).HasErrors());  // invalid UTF-8 in the name
}

TEST(SenmlCborDiag, EmptyPayloadIsAWarning) {
  DecodeResult r = Dec({});
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "empty payload"));
  EXPECT_FALSE(r.HasErrors());
  EXPECT_TRUE(Dec(H("80")).diagnostics.empty());
}

// ---- round trips and robustness ----

TEST(SenmlCborRoundTrip, RandomRecordLists) {
  std::mt19937_64 rng(112);
  for (int i = 0; i < 300; ++i) {
    Content c = RandomContent(rng);
    // CBOR carries NaN and infinities.
    if (i % 7 == 0) c.records.push_back(Rec("/30000/2/3", Value::Float(i % 2 ? std::nan("") : -INFINITY)));
    for (std::string_view base : {"/", "/30000", "/30000/1"}) {
      Content in;
      for (const auto& r : c.records)
        if (P(base).IsPrefixOf(r.path)) in.records.push_back(r);
      ASSERT_NO_FATAL_FAILURE(ExpectRoundTrip(Cbor(), in, base, HexEncode));
    }
  }
}

TEST(SenmlCborRobustness, TruncationsAreErrors) {
  const Bytes full = H(kTsDeviceHex);
  for (size_t n = 1; n < full.size(); ++n) {
    DecodeResult r = Cbor().Decode(std::span(full).first(n), {.models = &TestModels()});
    EXPECT_TRUE(r.HasErrors()) << n;
  }
}

TEST(SenmlCborRobustness, RandomAndMutatedInputsKeepInvariants) {
  std::mt19937_64 rng(8949);
  const Bytes seed = H(kTsDeviceHex);
  for (int i = 0; i < 5000; ++i) {
    Bytes b;
    if (i % 2) {
      b = seed;
      for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) b[rng() % b.size()] = static_cast<uint8_t>(rng());
    } else {
      b.resize(rng() % 48);
      for (auto& x : b) x = static_cast<uint8_t>(rng());
      if (!b.empty()) b[0] = static_cast<uint8_t>(0x80 | (rng() % 4));  // mostly small arrays
    }
    DecodeResult r = Cbor().Decode(b, {.request_path = P("/3/0"), .models = &TestModels()});
    ExpectDecodeInvariants(r, b.size());
  }
}

}  // namespace
}  // namespace lwm2m
