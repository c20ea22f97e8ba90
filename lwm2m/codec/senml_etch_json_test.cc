// SenML-ETCH JSON (320) codec tests: the RFC 8790 examples (as printed, and
// with an LwM2M path in place of the IPv6 base name), Core TS Read-Composite
// path lists, Fetch/Patch Pack rules, round trips.
#include <gtest/gtest.h>

#include <random>

#include "lwm2m/codec/senml_json.h"
#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using namespace codec_test;

const Codec& Etch() { return CodecOf<MakeSenmlEtchJsonCodec>(); }

DecodeResult Dec(std::string_view text, std::string_view path = "/") {
  return DecodeAt(Etch(), B(text), path);
}

std::string Enc(const Content& c, std::string_view path = "/") { return S(EncodeOk(Etch(), c, path)); }

TEST(SenmlEtchJsonKat, FactoryAndFormat) {
  EXPECT_EQ(Etch().format(), ContentFormat::kSenmlEtchJson);
  EXPECT_EQ(Etch().name(), "senml-etch-json");
}

// RFC 8790 §3.1, first Fetch Pack as printed: the names are "2001:db8::2/3311/0/5850",
// valid SenML but not LwM2M paths.
TEST(SenmlEtchJsonKat, Rfc8790FetchPackAsPrintedIsNotLwm2m) {
  DecodeResult r = Dec("[\n {\"bn\":\"2001:db8::2/3311/0/\", \"n\":\"5850\"},\n {\"n\":\"5851\"}\n]");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "does not start with '/'"), 2u) << DumpDiags(r.diagnostics);
  EXPECT_TRUE(r.content.records.empty());
}

// RFC 8790 §3.1 Fetch Pack with the LwM2M path /3311/0/ as base name.
TEST(SenmlEtchJsonKat, Rfc8790FetchPackBothWays) {
  constexpr std::string_view kText = "[\n {\"bn\":\"/3311/0/\", \"n\":\"5850\"},\n {\"n\":\"5851\"}\n]";
  DecodeResult r = Dec(kText, "/3311/0");
  Content c;
  c.records = {Rec("/3311/0/5850", Value()), Rec("/3311/0/5851", Value())};
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c, "/3311/0"), Minify(kText));
}

// RFC 8790 §3.1: a time narrows the selection.
TEST(SenmlEtchJsonKat, Rfc8790FetchRecordWithTime) {
  DecodeResult r = Dec("[\n {\"bn\":\"/3311/0/\", \"n\":\"5850\", \"t\":1.276020091e+09}\n]");
  ASSERT_EQ(r.content.records.size(), 1u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records[0], Rec("/3311/0/5850", Value(), 1276020091));
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
}

// RFC 8790 §3.2 Patch Pack (changes two values), LwM2M base name.
TEST(SenmlEtchJsonKat, Rfc8790PatchPackBothWays) {
  constexpr std::string_view kText =
      "[\n {\"bn\":\"/3311/0/\", \"n\":\"5850\", \"vb\":false},\n {\"n\":\"5851\", \"v\":10}\n]";
  DecodeResult r = Dec(kText, "/3311/0");
  Content c;
  c.records = {Rec("/3311/0/5850", Value::Boolean(false)), Rec("/3311/0/5851", Value::Integer(10))};
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c, "/3311/0"), Minify(kText));
}

// RFC 8790 §3.2 Patch Pack removing two records with "v": null.
TEST(SenmlEtchJsonKat, Rfc8790RemovalPack) {
  DecodeResult r = Dec("[\n {\"bn\":\"/3311/0/\", \"n\":\"5850\", \"v\":null},\n {\"n\":\"5851\", \"v\":null}\n]");
  Content c;
  c.records = {Rec("/3311/0/5850", Value()), Rec("/3311/0/5851", Value())};
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kInfo, "removes /3311/0/585"), 2u) << DumpDiags(r.diagnostics);
  EXPECT_FALSE(r.HasErrors());
}

// Core TS 1.2.2 Table 7.5.6.-6 as a SenML-ETCH Fetch Pack (Read-Composite, 1.2).
TEST(SenmlEtchJsonKat, TsReadCompositeRequestBothWays) {
  constexpr std::string_view kText = "[{\"n\":\"/3/0/0\"},\n{\"n\":\"/3/0/9\"},\n{\"n\":\"/1/0/1\"}]";
  DecodeResult r = Dec(kText);
  Content c;
  c.records = {Rec("/3/0/0", Value()), Rec("/3/0/9", Value()), Rec("/1/0/1", Value())};
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content, c);
  EXPECT_EQ(Enc(c), Minify(kText));
}

// A Write-Composite Patch Pack that sets one resource and deletes a Resource
// Instance: value-less records are written "v": null. Own vector.
TEST(SenmlEtchJsonKat, PatchPackWithRemovalEncodes) {
  Content c;
  c.records = {Rec("/30000/0/1", Value::Integer(5)), Rec("/30000/0/11/3", Value())};
  constexpr std::string_view kText = "[{\"n\":\"/30000/0/1\",\"v\":5},{\"n\":\"/30000/0/11/3\",\"v\":null}]";
  EXPECT_EQ(Enc(c), kText);
  DecodeResult r = Dec(kText);
  EXPECT_EQ(r.content, c);
  EXPECT_FALSE(r.HasErrors()) << DumpDiags(r.diagnostics);
}

TEST(SenmlEtchJsonEncode, RefusesEmptyPacksAndInstanceRemovals) {
  EXPECT_EQ(Etch().Encode(Content{}, {}).status().code(), StatusCode::kBadRequest);
  Content c;
  c.records = {Rec("/3/0/9", Value::Integer(1)), Rec("/3/1", Value())};
  Result<Bytes> r = Etch().Encode(c, {});
  EXPECT_EQ(r.status().code(), StatusCode::kBadRequest);
  EXPECT_NE(r.status().message().find("record 2 (/3/1) would be removed"), std::string::npos);
}

// ---- Fetch/Patch Pack rules ----

TEST(SenmlEtchJsonDiag, EmptyPackAndEmptyPayloadAreErrors) {
  EXPECT_TRUE(HasDiag(Dec("[]").diagnostics, Severity::kError, "a Fetch Pack needs at least one"));
  EXPECT_TRUE(HasDiag(Dec("").diagnostics, Severity::kError, "empty payload"));
}

TEST(SenmlEtchJsonDiag, PatchRecordWithoutValue) {
  DecodeResult r = Dec("[{\"n\":\"/3311/0/5851\",\"v\":10},{\"n\":\"/3311/0/5850\"}]");
  const Diagnostic* d = FindDiag(r.diagnostics, Severity::kError, "record 2 (/3311/0/5850) has no value");
  ASSERT_NE(d, nullptr) << DumpDiags(r.diagnostics);
  EXPECT_EQ(d->rule, "RFC 8790 §3.2");
  EXPECT_EQ(r.content.records.size(), 1u);
}

TEST(SenmlEtchJsonDiag, FetchRecordWithNonSelectingField) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/9\",\"ut\":60}]");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "'ut' is not a Fetch Record field"))
      << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.content.records.size(), 1u);
}

TEST(SenmlEtchJsonDiag, FetchRecordWithoutName) {
  EXPECT_TRUE(HasDiag(Dec("[{\"t\":5}]").diagnostics, Severity::kError, "record 1 has no name"));
}

TEST(SenmlEtchJsonDiag, NullOnlyRemovesThroughV) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/0\",\"vs\":null}]");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "'vs' must be a string, found null"))
      << DumpDiags(r.diagnostics);
}

TEST(SenmlEtchJsonDiag, RemovalAboveResourceLevel) {
  DecodeResult r = Dec("[{\"n\":\"/3/0\",\"v\":null}]");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kError, "/3/0 is an Object Instance but the record removes it"))
      << DumpDiags(r.diagnostics);
}

TEST(SenmlEtchJsonDiag, DuplicatePathsInAFetchPackAreWarnings) {
  DecodeResult r = Dec("[{\"n\":\"/3/0/9\"},{\"n\":\"/3/0/9\"}]");
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "record 2 resolves to /3/0/9, already given by record 1"));
  EXPECT_FALSE(r.HasErrors());
  EXPECT_EQ(r.content.records.size(), 1u);
}

TEST(SenmlEtchJsonDiag, Lwm2m11PeerGetsAWarning) {
  DecodeResult r = Etch().Decode(B("[{\"n\":\"/3/0/9\"}]"), {.lwm2m_version = "1.1"});
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "SenML-ETCH is a LwM2M 1.2 format"));
}

// ---- round trips ----

TEST(SenmlEtchJsonRoundTrip, RandomPatchAndFetchPacks) {
  std::mt19937_64 rng(320);
  for (int i = 0; i < 300; ++i) {
    Content c = RandomContent(rng, /*allow_none=*/true);
    if (i % 3 == 0)
      for (auto& r : c.records) r.value = Value();  // a Fetch Pack
    ASSERT_NO_FATAL_FAILURE(ExpectRoundTrip(Etch(), c, "/", S));
  }
}

}  // namespace
}  // namespace lwm2m
