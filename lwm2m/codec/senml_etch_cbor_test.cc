// SenML-ETCH CBOR (322) codec tests: the RFC 8790 examples and the Core TS
// Read-Composite path list in CBOR (own vectors: the RFCs print only JSON;
// hex built with an independent encoder and checked against RFC 8949), the
// null removal (label 2 = 0xf6), round trips and robustness.
#include <gtest/gtest.h>

#include <random>

#include "lwm2m/codec/senml_cbor.h"
#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using namespace codec_test;

const Codec& Etch() { return CodecOf<MakeSenmlEtchCborCodec>(); }

DecodeResult Dec(const Bytes& b, std::string_view path = "/") {
  return DecodeAt(Etch(), b, path);
}

std::string Enc(const Content& c, std::string_view path = "/") { return HexEncode(EncodeOk(Etch(), c, path)); }

TEST(SenmlEtchCborKat, FactoryAndFormat) {
  EXPECT_EQ(Etch().format(), ContentFormat::kSenmlEtchCbor);
  EXPECT_EQ(Etch().name(), "senml-etch-cbor");
}

// Core TS 1.2.2 Table 7.5.6.-6 in CBOR: [{0:"/3/0/0"}, {0:"/3/0/9"}, {0:"/1/0/1"}].
TEST(SenmlEtchCborKat, ReadCompositeRequestBothWays) {
  constexpr std::string_view kHex = "83a100662f332f302f30a100662f332f302f39a100662f312f302f31";
  Content c;
  c.records = {Rec("/3/0/0", Value()), Rec("/3/0/9", Value()), Rec("/1/0/1", Value())};
  DecodeResult r = Dec(H(kHex));
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c), kHex);
}

// RFC 8790 §3.1 Fetch Pack, LwM2M base name: [{-2:"/3311/0/", 0:"5850"}, {0:"5851"}].
TEST(SenmlEtchCborKat, Rfc8790FetchPackBothWays) {
  constexpr std::string_view kHex = "82a221682f333331312f302f006435383530a1006435383531";
  Content c;
  c.records = {Rec("/3311/0/5850", Value()), Rec("/3311/0/5851", Value())};
  DecodeResult r = Dec(H(kHex), "/3311/0");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c, "/3311/0"), kHex);
}

// RFC 8790 §3.2 Patch Pack: [{-2:"/3311/0/", 0:"5850", 4:false}, {0:"5851", 2:10}].
TEST(SenmlEtchCborKat, Rfc8790PatchPackBothWays) {
  constexpr std::string_view kHex = "82a321682f333331312f302f00643538353004f4a2006435383531020a";
  Content c;
  c.records = {Rec("/3311/0/5850", Value::Boolean(false)), Rec("/3311/0/5851", Value::Integer(10))};
  DecodeResult r = Dec(H(kHex), "/3311/0");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c, "/3311/0"), kHex);
}

// RFC 8790 §3.2 removal: [{-2:"/3311/0/", 0:"5850", 2:null}, {0:"5851", 2:null}].
TEST(SenmlEtchCborKat, Rfc8790RemovalPack) {
  DecodeResult r = Dec(H("82a321682f333331312f302f00643538353002f6a200643538353102f6"));
  Content c;
  c.records = {Rec("/3311/0/5850", Value()), Rec("/3311/0/5851", Value())};
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kInfo, "(\"v\": null)"), 2u) << DumpDiags(r.diagnostics);
  EXPECT_FALSE(r.HasErrors());
}

// Write-Composite setting /30000/0/1 and deleting /30000/0/11/3. Own vector.
TEST(SenmlEtchCborKat, PatchPackWithRemovalBothWays) {
  constexpr std::string_view kHex = "82a2006a2f33303030302f302f310205a2006d2f33303030302f302f31312f3302f6";
  Content c;
  c.records = {Rec("/30000/0/1", Value::Integer(5)), Rec("/30000/0/11/3", Value())};
  EXPECT_EQ(Enc(c), kHex);
  DecodeResult r = Dec(H(kHex));
  EXPECT_EQ(r.content, c);
  EXPECT_FALSE(r.HasErrors()) << DumpDiags(r.diagnostics);
}

TEST(SenmlEtchCborDiag, PatchRecordWithoutValueAndEmptyPack) {
  // [{0:"/3/0/9", 2:1}, {0:"/3/0/10"}]
  DecodeResult r = Dec(H("82a200662f332f302f390201a100672f332f302f3130"));
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "record 2 (/3/0/10) has no value; every Patch Record needs one"))
      << DumpDiags(r.diagnostics);
  EXPECT_TRUE(HasDiag(Dec(H("80")).diagnostics, Severity::kError, "a Fetch Pack needs at least one"));
}

TEST(SenmlEtchCborRoundTrip, RandomPatchAndFetchPacks) {
  std::mt19937_64 rng(322);
  for (int i = 0; i < 300; ++i) {
    Content c = RandomContent(rng, /*allow_none=*/true);
    if (i % 3 == 0)
      for (auto& r : c.records) r.value = Value();
    ASSERT_NO_FATAL_FAILURE(ExpectRoundTrip(Etch(), c, "/", HexEncode));
  }
}

TEST(SenmlEtchCborRobustness, TruncationsAreErrors) {
  const Bytes full = H("82a321682f333331312f302f00643538353004f4a2006435383531020a");
  for (size_t n = 0; n < full.size(); ++n) {
    DecodeResult r = Etch().Decode(std::span(full).first(n), {.models = &TestModels()});
    EXPECT_TRUE(r.HasErrors()) << n;
  }
}

}  // namespace
}  // namespace lwm2m
