// link_format_test.cc: CoRE Link Format (40) known-answer vectors from the
// Core TS and RFC 6690 §5, negative vectors for every diagnostic, the LwM2M
// Register/Discover/Bootstrap-Discover rules, and robustness on random input.
// Core TS section numbers are those of OMA-TS-LightweightM2M_Core-V1_2_2.
#include "lwm2m/codec/link_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "lwm2m/codec/codec.h"
#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using codec_test::B;
using codec_test::CountDiag;
using codec_test::DumpDiags;

LinkParam P(std::string n) { return {std::move(n), std::nullopt, false}; }
LinkParam P(std::string n, std::string v, bool q = false) { return {std::move(n), std::move(v), q}; }

// Printable ASCII that is not a ptokenchar (RFC 6690 §2): the serializer must quote these.
bool NeedsQuotesForTest(const std::string& v) {
  return v.empty() || v.find_first_of(" \",;\\") != std::string::npos;
}

// ---- Known answers: Core TS ----

// Core TS 1.2.2 §6.2.1: Register payload of the Appendix F example client.
TEST(LinkFormat, DecodesRegisterExampleOfCoreTs) {
  const std::string text = "</1/0>,</1/1>,</2/0>,</2/1>,</2/2>,</2/3>,</2/4>,</3/0>,</4/0>,</5>";
  LinkParseResult r = ParseLinkFormat(text);
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  ASSERT_EQ(r.links.size(), 10u);
  EXPECT_EQ(r.links[0], (Link{"/1/0", {}}));
  EXPECT_EQ(r.links[9], (Link{"/5", {}}));
  EXPECT_THAT(CheckRegisterPayload(r.links, "1.2"), IsEmpty());
  RegisterPayload reg = ExtractRegisterPayload(r.links);
  EXPECT_EQ(reg.alternate_path, "");
  EXPECT_THAT(reg.content_formats, IsEmpty());
  ASSERT_EQ(reg.objects.size(), 5u);
  EXPECT_EQ(reg.objects[0], (RegisteredObject{1, std::nullopt, {0, 1}}));
  EXPECT_EQ(reg.objects[1], (RegisteredObject{2, std::nullopt, {0, 1, 2, 3, 4}}));
  EXPECT_EQ(reg.objects[4], (RegisteredObject{5, std::nullopt, {}}));
  auto enc = SerializeLinkFormat(r.links);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(*enc, text);
}

// Core TS 1.2.2 §6.2.1: content formats on the root link, as one number and as a quoted list.
TEST(LinkFormat, DecodesRegisterRootLinkContentFormats) {
  LinkParseResult a = ParseLinkFormat("</>;ct=110, </1/0>,</1/1>,</2/0>,</2/1>,</2/2>,</2/3>,</2/4>,</3/0>,</4/0>,</5>");
  ASSERT_EQ(a.links.size(), 11u);
  EXPECT_EQ(a.links[0], (Link{"/", {P("ct", "110")}}));
  // The TS writes ", " which the RFC 6690 ABNF does not allow: one warning, no error.
  EXPECT_FALSE(a.HasErrors());
  EXPECT_EQ(CountDiag(a.diagnostics, Severity::kWarning, "whitespace after ','"), 1u) << DumpDiags(a.diagnostics);
  EXPECT_EQ(a.diagnostics[0].offset, 11u);
  EXPECT_THAT(ExtractRegisterPayload(a.links).content_formats, ElementsAre(110));

  LinkParseResult b = ParseLinkFormat("</>;ct=\"110 112 60\", </1/0>,</1/1>,</2/0>,</2/1>,</2/2>,</2/3>,</2/4>,</3/0>,</4/0>,</5>");
  ASSERT_EQ(b.links.size(), 11u);
  EXPECT_EQ(b.links[0], (Link{"/", {P("ct", "110 112 60", true)}}));
  EXPECT_THAT(ExtractRegisterPayload(b.links).content_formats, ElementsAre(110, 112, 60));
  EXPECT_FALSE(HasErrors(CheckRegisterPayload(b.links, "1.2")));
}

// Core TS 1.2.2 §7.2.3 examples 2 and 3: ver on the Object link, or on the only instance link.
TEST(LinkFormat, ExtractsObjectVersionsOfRegisterExamples) {
  LinkParseResult a = ParseLinkFormat("</1>;ver=1.0,</1/0>,</1/1>,</3/0>");
  EXPECT_THAT(a.diagnostics, IsEmpty());
  EXPECT_THAT(CheckRegisterPayload(a.links, "1.1"), IsEmpty()) << DumpDiags(CheckRegisterPayload(a.links, "1.1"));
  RegisterPayload ra = ExtractRegisterPayload(a.links);
  ASSERT_EQ(ra.objects.size(), 2u);
  EXPECT_EQ(ra.objects[0], (RegisteredObject{1, "1.0", {0, 1}}));
  EXPECT_EQ(ra.objects[1], (RegisteredObject{3, std::nullopt, {0}}));

  LinkParseResult b = ParseLinkFormat("</1/0>,</1/1>,</3/0>,</44/0>;ver=2.2");
  EXPECT_THAT(CheckRegisterPayload(b.links, "1.1"), IsEmpty());
  RegisterPayload rb = ExtractRegisterPayload(b.links);
  ASSERT_EQ(rb.objects.size(), 3u);
  EXPECT_EQ(rb.objects[2], (RegisteredObject{44, "2.2", {0}}));
}

// Transport TS 1.2.2 §6.4.1: alternate path /lwm2m.
TEST(LinkFormat, ExtractsAlternatePath) {
  LinkParseResult r = ParseLinkFormat(
      "</lwm2m>;rt=\"oma.lwm2m\", </lwm2m/1/0>,</lwm2m/1/1>,</lwm2m/2/0>,</lwm2m/2/1>,</lwm2m/2/2>,</lwm2m/2/3>,"
      "</lwm2m/2/4>,</lwm2m/3/0>,</lwm2m/4/0>,</lwm2m/5>");
  ASSERT_EQ(r.links.size(), 11u);
  EXPECT_EQ(r.links[0], (Link{"/lwm2m", {P("rt", "oma.lwm2m", true)}}));
  EXPECT_FALSE(HasErrors(CheckRegisterPayload(r.links, "1.1"))) << DumpDiags(CheckRegisterPayload(r.links, "1.1"));
  RegisterPayload reg = ExtractRegisterPayload(r.links);
  EXPECT_EQ(reg.alternate_path, "/lwm2m");
  ASSERT_EQ(reg.objects.size(), 5u);
  EXPECT_EQ(reg.objects[0], (RegisteredObject{1, std::nullopt, {0, 1}}));
  auto p = LinkTargetPath("/lwm2m/3/0", "/lwm2m");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (Path{3, 0}));
  EXPECT_FALSE(LinkTargetPath("/other/3/0", "/lwm2m").ok());
}

// Core TS 1.2.2 §6.3.2: Discover on /3/0/7 with inherited attributes.
TEST(LinkFormat, DecodesDiscoverResourceExample) {
  LinkParseResult r = ParseLinkFormat("</3/0/7>;dim=2;pmin=10;pmax=60;gt=50;lt=42.2, </3/0/7/0>, </3/0/7/1>;lt=45");
  EXPECT_FALSE(r.HasErrors());
  ASSERT_EQ(r.links.size(), 3u);
  EXPECT_EQ(r.links[0], (Link{"/3/0/7", {P("dim", "2"), P("pmin", "10"), P("pmax", "60"), P("gt", "50"),
                                          P("lt", "42.2")}}));
  EXPECT_EQ(r.links[2], (Link{"/3/0/7/1", {P("lt", "45")}}));
  Diagnostics d;
  LwM2mAttributes a = ReadLwM2mAttributes(r.links[0], d);
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(a.properties.dim, 2u);
  EXPECT_EQ(a.notification.pmin, 10u);
  EXPECT_EQ(a.notification.pmax, 60u);
  EXPECT_EQ(a.notification.gt, 50.0);
  EXPECT_EQ(a.notification.lt, 42.2);
  EXPECT_THAT(CheckDiscoverPayload(r.links, Path{3, 0, 7}, nullptr, "1.2"), IsEmpty());
}

// Core TS 1.2.2 §6.3.2: Discover on /3 (object, depth 2).
TEST(LinkFormat, DecodesDiscoverObjectExample) {
  const char* text =
      "</3>;pmin=10, </3/0>;pmax=60, </3/0/1>, </3/0/2>, </3/0/3>, </3/0/4>, </3/0/6>;dim=2, "
      "</3/0/7>;dim=2;gt=50;lt=42.2, </3/0/8>;dim=2, </3/0/11>, </3/0/16>";
  LinkParseResult r = ParseLinkFormat(text);
  EXPECT_FALSE(r.HasErrors());
  ASSERT_EQ(r.links.size(), 11u);
  EXPECT_EQ(r.links[7], (Link{"/3/0/7", {P("dim", "2"), P("gt", "50"), P("lt", "42.2")}}));
  EXPECT_THAT(CheckDiscoverPayload(r.links, Path{3}, nullptr, "1.2"), IsEmpty());
  // Canonical re-encoding drops the spaces.
  auto enc = SerializeLinkFormat(r.links);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(*enc,
            "</3>;pmin=10,</3/0>;pmax=60,</3/0/1>,</3/0/2>,</3/0/3>,</3/0/4>,</3/0/6>;dim=2,"
            "</3/0/7>;dim=2;gt=50;lt=42.2,</3/0/8>;dim=2,</3/0/11>,</3/0/16>");
}

// Core TS 1.2.2 §6.1.7.3: 1.2 Bootstrap-Discover.
TEST(LinkFormat, DecodesBootstrapDiscoverExample) {
  const std::string text =
      "</>;lwm2m=1.2,</0/0>;ssid=101;uri=\"coaps://server_1.example.com\",</0/1>,</21/0>;ssid=101,</24/1>,</23/65>";
  LinkParseResult r = ParseLinkFormat(text);
  EXPECT_THAT(r.diagnostics, IsEmpty());
  ASSERT_EQ(r.links.size(), 6u);
  EXPECT_EQ(r.links[0], (Link{"/", {P("lwm2m", "1.2")}}));
  EXPECT_EQ(r.links[1], (Link{"/0/0", {P("ssid", "101"), P("uri", "coaps://server_1.example.com", true)}}));
  EXPECT_THAT(CheckBootstrapDiscoverPayload(r.links, "1.2"), IsEmpty())
      << DumpDiags(CheckBootstrapDiscoverPayload(r.links, "1.2"));
  Diagnostics d;
  LwM2mAttributes a = ReadLwM2mAttributes(r.links[1], d);
  EXPECT_EQ(a.properties.ssid, 101);
  EXPECT_EQ(a.properties.uri, "coaps://server_1.example.com");
  auto enc = SerializeLinkFormat(r.links);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(*enc, text);
}

// Core TS 1.2.2 §6.1.7.3: trailing '/' in </0/1/> and ", " separators.
TEST(LinkFormat, ToleratesTrailingSlashOfBootstrapDiscoverExample) {
  LinkParseResult r = ParseLinkFormat(
      "</>;lwm2m=1.1,</0/0>;ssid=101;uri=\"coaps://server_1.example.com\", </0/1/>, "
      "</0/2>;ssid=102;uri=\"coaps://server_2.example.com\"");
  EXPECT_FALSE(r.HasErrors());
  ASSERT_EQ(r.links.size(), 4u);
  EXPECT_EQ(r.links[2].target, "/0/1/");
  auto p = LinkTargetPath(r.links[2].target);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (Path{0, 1}));
  auto d = CheckBootstrapDiscoverPayload(r.links, "1.1");
  EXPECT_FALSE(HasErrors(d)) << DumpDiags(d);
  EXPECT_EQ(CountDiag(d, Severity::kInfo, "ends with '/'"), 1u);
}

// ---- Known answers: RFC 6690 §5 (line breaks of the RFC rendering removed) ----

TEST(LinkFormat, DecodesRfc6690Section5Examples) {
  // §5.1
  LinkParseResult a = ParseLinkFormat("</sensors/temp>;if=\"sensor\",</sensors/light>;if=\"sensor\"");
  EXPECT_THAT(a.diagnostics, IsEmpty());
  EXPECT_THAT(a.links, ElementsAre(Link{"/sensors/temp", {P("if", "sensor", true)}},
                                   Link{"/sensors/light", {P("if", "sensor", true)}}));
  // §5.2
  LinkParseResult b = ParseLinkFormat("</sensors/light>;rt=\"light-lux\";if=\"sensor\"");
  EXPECT_THAT(b.links, ElementsAre(Link{"/sensors/light", {P("rt", "light-lux", true), P("if", "sensor", true)}}));
  // §5.3
  LinkParseResult c = ParseLinkFormat("</sensors>;ct=40");
  EXPECT_THAT(c.links, ElementsAre(Link{"/sensors", {P("ct", "40")}}));
  // §5.4
  const std::string d_text =
      "</sensors>;ct=40;title=\"Sensor Index\",</sensors/temp>;rt=\"temperature-c\";if=\"sensor\","
      "</sensors/light>;rt=\"light-lux\";if=\"sensor\","
      "<http://www.example.com/sensors/t123>;anchor=\"/sensors/temp\";rel=\"describedby\","
      "</t>;anchor=\"/sensors/temp\";rel=\"alternate\"";
  LinkParseResult d = ParseLinkFormat(d_text);
  EXPECT_THAT(d.diagnostics, IsEmpty()) << DumpDiags(d.diagnostics);
  ASSERT_EQ(d.links.size(), 5u);
  EXPECT_EQ(d.links[0], (Link{"/sensors", {P("ct", "40"), P("title", "Sensor Index", true)}}));
  EXPECT_EQ(d.links[3], (Link{"http://www.example.com/sensors/t123",
                              {P("anchor", "/sensors/temp", true), P("rel", "describedby", true)}}));
  auto enc = SerializeLinkFormat(d.links);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(*enc, d_text);
}

TEST(LinkFormat, DecodesQuotedStringEscapesAndValuelessParams) {
  LinkParseResult r = ParseLinkFormat("</a>;title=\"say \\\"hi\\\" \\\\ ok\";obs;sz=0");
  EXPECT_THAT(r.diagnostics, IsEmpty()) << DumpDiags(r.diagnostics);
  ASSERT_EQ(r.links.size(), 1u);
  EXPECT_EQ(r.links[0], (Link{"/a", {P("title", "say \"hi\" \\ ok", true), P("obs"), P("sz", "0")}}));
  auto enc = SerializeLinkFormat(r.links);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(*enc, "</a>;title=\"say \\\"hi\\\" \\\\ ok\";obs;sz=0");
}

TEST(LinkFormat, EmptyPayloadHasNoLinks) {
  LinkParseResult r = ParseLinkFormat("");
  EXPECT_THAT(r.links, IsEmpty());
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

// ---- Negative vectors: syntax ----

// Transport TS 1.2.2 Figure 6.4.3-1 erratum: "</2/0></2/1>" lacks a ','.
TEST(LinkFormat, RejectsMissingCommaOfTransportTsFigure) {
  LinkParseResult r = ParseLinkFormat("</1/1>,</1/2>,</2/0></2/1>,</3/0>,</4/0>");
  ASSERT_EQ(CountDiag(r.diagnostics, Severity::kError, "expected ';' or ','"), 1u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].offset, 20u);
  // The parser resumes at the next ',' and still returns the later links.
  ASSERT_EQ(r.links.size(), 5u);
  EXPECT_EQ(r.links[3].target, "/3/0");
}

TEST(LinkFormat, RejectsLinkWithoutOpeningAngle) {
  // Core TS 1.2.2 §6.1.7.3 Note: the pre-1.2 form "lwm2m=1.0,</0/0>..." is not RFC 6690.
  LinkParseResult r = ParseLinkFormat("lwm2m=1.0,</0/0>;ssid=101");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "does not start with '<'"), 1u);
  EXPECT_EQ(r.diagnostics[0].offset, 0u);
  ASSERT_EQ(r.links.size(), 1u);
  EXPECT_EQ(r.links[0].target, "/0/0");
}

TEST(LinkFormat, RejectsUnterminatedTarget) {
  LinkParseResult r = ParseLinkFormat("</1/0>,</3/0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "no closing '>'"), 1u);
  EXPECT_EQ(r.diagnostics[0].offset, 7u);
  EXPECT_EQ(r.links.size(), 1u);
}

TEST(LinkFormat, WarnsOnEmptyTarget) {
  LinkParseResult r = ParseLinkFormat("<>");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning, "empty URI-Reference"), 1u);
  EXPECT_FALSE(r.HasErrors());
}

TEST(LinkFormat, RejectsBadCharactersInTarget) {
  LinkParseResult r = ParseLinkFormat("</3 0>,</a\"b>,</%zz>");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "is not allowed in URI-Reference"), 2u)
      << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "two hex digits"), 1u);
  EXPECT_EQ(r.diagnostics[0].offset, 3u);
}

TEST(LinkFormat, RejectsBadCharacterInToken) {
  // '"' in the middle of a ptoken and a space after a value.
  LinkParseResult r = ParseLinkFormat("</1>;ver=1\"0,</2>;pmin=1 0");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "unexpected '\"'"), 1u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].offset, 10u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "expected ',' between link-values"), 1u);
}

TEST(LinkFormat, RejectsUnterminatedQuote) {
  LinkParseResult r = ParseLinkFormat("</0/0>;uri=\"coap://x,</1/0>");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "is not terminated"), 1u);
  EXPECT_EQ(r.diagnostics[0].offset, 11u);
}

TEST(LinkFormat, RejectsEmptyParamNameAndEmptyValue) {
  LinkParseResult r = ParseLinkFormat("</1>;;ver=1.0,</2>;pmin=,</3>;=5");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "empty parameter name"), 2u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "has '=' but no value"), 1u);
  EXPECT_EQ(r.diagnostics[0].offset, 5u);
}

TEST(LinkFormat, WarnsOnDuplicateParams) {
  LinkParseResult r = ParseLinkFormat("</3/0/7>;pmin=1;PMIN=2");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning, "appears more than once"), 1u);
  EXPECT_EQ(r.diagnostics[0].offset, 16u);
  Diagnostics d;
  EXPECT_EQ(ReadLwM2mAttributes(r.links[0], d).notification.pmin, 1u);
}

TEST(LinkFormat, RejectsTrailingComma) {
  LinkParseResult r = ParseLinkFormat("</1/0>,</3/0>,");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "trailing ','"), 1u);
  EXPECT_EQ(r.diagnostics[0].offset, 13u);
  EXPECT_EQ(r.links.size(), 2u);
}

TEST(LinkFormat, RejectsNewlineInsteadOfComma) {
  // Core TS 1.2.2 §6.4.4 shows "</3>;pmin=60" and "</4>;pmax=300" on two lines.
  LinkParseResult r = ParseLinkFormat("</3>;pmin=60\n</4>;pmax=300");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "a missing ','"), 1u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].offset, 13u);
}

TEST(LinkFormat, RejectsUnquotedTitleAndBadSz) {
  LinkParseResult r = ParseLinkFormat("</a>;title=x;anchor=/b,</c>;sz=01,</d>;sz=\"5\"");
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "must be a quoted-string"), 2u) << DumpDiags(r.diagnostics);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "is not a cardinal"), 1u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "sz must not be quoted"), 1u);
}

TEST(LinkFormat, WarnsOnLeadingAndTrailingWhitespace) {
  LinkParseResult r = ParseLinkFormat(" </1/0> ,</3/0>\n");
  EXPECT_FALSE(r.HasErrors());
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning, "at the start"), 1u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning, "before ','"), 1u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kWarning, "after the last"), 1u);
  EXPECT_EQ(r.links.size(), 2u);
}

// ---- Negative vectors: LwM2M attributes ----

TEST(LwM2mAttributes, ReportsMalformedValues) {
  LinkParseResult r = ParseLinkFormat(
      "</3/0/7>;pmin=abc;pmax=-1;gt=x;edge=2;con=yes;dim=70000;ssid=0;ver=1;ct=\"0 x\";lwm2m=1.2.3;epmin;rt");
  ASSERT_EQ(r.links.size(), 1u);
  Diagnostics d;
  LwM2mAttributes a = ReadLwM2mAttributes(r.links[0], d, 0);
  const auto& ds = d.list();
  EXPECT_EQ(CountDiag(ds, Severity::kError, "pmin has value 'abc'"), 1u) << DumpDiags(ds);
  EXPECT_EQ(CountDiag(ds, Severity::kError, "pmax has value '-1'"), 1u);
  EXPECT_EQ(CountDiag(ds, Severity::kError, "gt has value 'x'"), 1u);
  EXPECT_EQ(CountDiag(ds, Severity::kError, "edge has value '2'"), 1u);
  EXPECT_EQ(CountDiag(ds, Severity::kError, "con has value 'yes'"), 1u);
  EXPECT_EQ(CountDiag(ds, Severity::kError, "dim=70000"), 1u);
  EXPECT_EQ(CountDiag(ds, Severity::kError, "ssid=0"), 1u);
  EXPECT_EQ(CountDiag(ds, Severity::kError, "ver=1 "), 1u);
  EXPECT_EQ(CountDiag(ds, Severity::kError, "ct=\"0 x\" is not a Content-Format number"), 1u);
  EXPECT_EQ(CountDiag(ds, Severity::kError, "lwm2m=1.2.3"), 1u);
  EXPECT_EQ(CountDiag(ds, Severity::kError, "rt has no value"), 1u);
  EXPECT_EQ(CountDiag(ds, Severity::kWarning, "epmin has no value"), 1u);
  EXPECT_EQ(ds.size(), 12u);
  for (const auto& diag : ds) EXPECT_EQ(diag.offset, 0u);
  EXPECT_FALSE(a.notification.pmin || a.notification.pmax || a.notification.gt || a.notification.edge ||
               a.notification.con || a.properties.dim || a.properties.ssid || a.properties.ver ||
               a.properties.lwm2m || a.notification.epmin || a.rt);
  EXPECT_TRUE(a.ct.empty());
}

TEST(LwM2mAttributes, ReportsInconsistentThresholds) {
  Diagnostics d;
  ReadLwM2mAttributes(Link{"/3/0/7", {P("gt", "10"), P("lt", "20")}}, d);
  EXPECT_EQ(CountDiag(d.list(), Severity::kError, "is not below gt"), 1u) << DumpDiags(d.list());
  Diagnostics e;
  ReadLwM2mAttributes(Link{"/3/0/7", {P("lt", "20"), P("gt", "85"), P("st", "40")}}, e);
  EXPECT_EQ(CountDiag(e.list(), Severity::kError, "lt + 2*st"), 1u) << DumpDiags(e.list());
  // Transport TS 1.2.2 §6.4.4 example 5: lt=20&gt=85&st=10 is valid.
  Diagnostics f;
  LwM2mAttributes a = ReadLwM2mAttributes(Link{"/3/0/9", {P("lt", "20"), P("gt", "85"), P("st", "10")}}, f);
  EXPECT_TRUE(f.empty()) << DumpDiags(f.list());
  EXPECT_EQ(a.notification.st, 10.0);
  Diagnostics g;
  ReadLwM2mAttributes(Link{"/3/0/9", {P("pmin", "10"), P("pmax", "5"), P("epmin", "9"), P("epmax", "3")}}, g);
  EXPECT_EQ(CountDiag(g.list(), Severity::kWarning, "pmax 5 is below pmin 10"), 1u) << DumpDiags(g.list());
  EXPECT_EQ(CountDiag(g.list(), Severity::kWarning, "epmax 3 is below epmin 9"), 1u);
}

TEST(LwM2mAttributes, ReadsContentFormatsAndRejectsUnquotedLists) {
  Diagnostics d;
  ReadLwM2mAttributes(Link{"/", {P("ct", "110 112", false)}}, d);
  EXPECT_EQ(CountDiag(d.list(), Severity::kError, "a list must be quoted"), 1u);
  Diagnostics e;
  LwM2mAttributes a = ReadLwM2mAttributes(Link{"/", {P("rt", "oma.lwm2m", true), P("ct", "60 11544", true)}}, e);
  EXPECT_TRUE(e.empty());
  EXPECT_EQ(a.rt, "oma.lwm2m");
  EXPECT_EQ(a.ct, (std::vector<uint16_t>{60, 11544}));
}

// ---- Negative vectors: Register ----

TEST(RegisterPayload, RejectsSecurityOscoreAndCoseLinks) {
  LinkParseResult r = ParseLinkFormat("</0/0>,</1/0>,</21/0>,</23>,</3/0>");
  auto d = CheckRegisterPayload(r.links, "1.2");
  EXPECT_EQ(CountDiag(d, Severity::kError, "Security Object"), 1u) << DumpDiags(d);
  EXPECT_EQ(CountDiag(d, Severity::kError, "OSCORE Object"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kWarning, "COSE Object"), 1u);
  EXPECT_EQ(d[0].path, "/0/0");
  EXPECT_EQ(d[0].rule, "Core TS 1.1 §6.2.1 (1.2 §6.2.1)");
}

TEST(RegisterPayload, RejectsResourceLinksAndBadIds) {
  LinkParseResult r = ParseLinkFormat("</3/0/1>,</3/65535>,</x/y/z>");
  auto d = CheckRegisterPayload(r.links, "1.2");
  EXPECT_EQ(CountDiag(d, Severity::kError, "names a Resource"), 1u) << DumpDiags(d);
  EXPECT_EQ(CountDiag(d, Severity::kError, "reserved"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "</x/y/z>"), 1u);
}

TEST(RegisterPayload, RejectsNumericAlternatePathAndLinksOutsideIt) {
  LinkParseResult r = ParseLinkFormat("</lwm2m/1>;rt=\"oma.lwm2m\",</lwm2m/1/3/0>,</3/0>");
  auto d = CheckRegisterPayload(r.links, "1.2");
  EXPECT_EQ(CountDiag(d, Severity::kError, "numeric segment '1'"), 1u) << DumpDiags(d);
  EXPECT_EQ(CountDiag(d, Severity::kError, "does not start with the alternate path"), 1u);
}

TEST(RegisterPayload, WarnsOnVerQuotingForTheEnablerVersion) {
  LinkParseResult r = ParseLinkFormat("</1>;ver=\"1.1\",</1/0>,</3>;ver=1.1,</3/0>");
  auto d11 = CheckRegisterPayload(r.links, "1.1");
  EXPECT_EQ(CountDiag(d11, Severity::kWarning, "ver=\"1.1\" is quoted"), 1u) << DumpDiags(d11);
  EXPECT_EQ(CountDiag(d11, Severity::kWarning, "unquoted"), 0u);
  auto d10 = CheckRegisterPayload(r.links, "1.0");
  EXPECT_EQ(CountDiag(d10, Severity::kWarning, "ver=1.1 is unquoted"), 1u) << DumpDiags(d10);
  EXPECT_EQ(CountDiag(d10, Severity::kWarning, "is quoted"), 0u);
}

TEST(RegisterPayload, WarnsOnVerOnInstanceOfMultiInstanceObjectAndDuplicates) {
  LinkParseResult r = ParseLinkFormat("</1/0>;ver=1.1,</1/1>,</3/0>,</3/0>");
  auto d = CheckRegisterPayload(r.links, "1.2");
  EXPECT_EQ(CountDiag(d, Severity::kWarning, "several instances"), 1u) << DumpDiags(d);
  EXPECT_EQ(CountDiag(d, Severity::kWarning, "more than once"), 1u);
  EXPECT_FALSE(HasErrors(d));
}

// ---- Negative vectors: Discover and Bootstrap-Discover ----

TEST(DiscoverPayload, RejectsDimOffResourceAndOnSingleResource) {
  LinkParseResult r = ParseLinkFormat(
      "</3/0>;dim=2,</3/0/9>;dim=1,</3/0/9/0>,</3/0/7>;dim=2,</3/0/0>;gt=5,</3>;lt=1,</4/0>,</3/0/0>;edge=1");
  // The shipped Device object: /3/0/7 Multiple Integer, /3/0/9 Integer, /3/0/0 String.
  auto d = CheckDiscoverPayload(r.links, Path{3}, &ModelRegistry::Builtin(), "1.2");
  EXPECT_EQ(CountDiag(d, Severity::kError, "dim is only reported on Resource links"), 1u) << DumpDiags(d);
  EXPECT_EQ(CountDiag(d, Severity::kError, "dim on Single-Instance Resource /3/0/9 (Battery Level)"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "Resource Instance link under Single-Instance Resource"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "gt, lt and st apply only to numeric resources"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError,
                      "gt, lt and st apply only to a Resource or Resource Instance, not to /3"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "not under the request path /3"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "edge applies only to Boolean resources, not to String"), 1u);
}

TEST(BootstrapDiscoverPayload, RejectsMissingRootLinkAndMisplacedSsid) {
  LinkParseResult r = ParseLinkFormat("</0/0>;ssid=101;uri=\"coap://a\",</3/0>;ssid=5,</1>;uri=\"x\",</3/0/1>");
  auto d = CheckBootstrapDiscoverPayload(r.links, "1.2");
  EXPECT_EQ(CountDiag(d, Severity::kError, "no root link"), 1u) << DumpDiags(d);
  EXPECT_EQ(CountDiag(d, Severity::kError, "ssid is only reported"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "uri is only reported"), 1u);
  EXPECT_EQ(CountDiag(d, Severity::kError, "Objects and Object Instances only"), 1u);
  LinkParseResult v = ParseLinkFormat("</>;lwm2m=1.1,</0/0>;ssid=101;uri=coap");
  auto dv = CheckBootstrapDiscoverPayload(v.links, "1.2");
  EXPECT_EQ(CountDiag(dv, Severity::kWarning, "differs from the enabler version 1.2"), 1u) << DumpDiags(dv);
  EXPECT_EQ(CountDiag(dv, Severity::kWarning, "uri is not a quoted string"), 1u);
}

// ---- Serialization ----

TEST(LinkFormat, SerializesCanonically) {
  std::vector<Link> links = {
      {"/", {P("rt", "oma.lwm2m", true), P("ct", "110 112")}},
      {"/1", {P("ver", "1.1")}},
      {"/1/0", {}},
      {"/0/0", {P("ssid", "101"), P("uri", "coaps://x", true), P("obs"), P("title", "a,b")}},
  };
  auto s = SerializeLinkFormat(links);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "</>;rt=\"oma.lwm2m\";ct=\"110 112\",</1>;ver=1.1,</1/0>,</0/0>;ssid=101;uri=\"coaps://x\";obs;title=\"a,b\"");
  LinkParseResult back = ParseLinkFormat(*s);
  EXPECT_THAT(back.diagnostics, IsEmpty());
  links[0].params[1].quoted = true;  // values that needed quotes come back quoted
  links[3].params[3].quoted = true;
  EXPECT_EQ(back.links, links);
}

TEST(LinkFormat, SerializeRejectsUnwritableLinks) {
  EXPECT_EQ(SerializeLinkFormat({Link{"/a>b", {}}}).status().code(), StatusCode::kBadRequest);
  EXPECT_EQ(SerializeLinkFormat({Link{"/a", {P("")}}}).status().code(), StatusCode::kBadRequest);
  EXPECT_EQ(SerializeLinkFormat({Link{"/a", {P("p;q", "1")}}}).status().code(), StatusCode::kBadRequest);
}

TEST(LinkFormatCodec, DecodesAndEncodesThroughTheRegistry) {
  const Codec* c = FindCodec(ContentFormat::kLinkFormat);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name(), "link");
  DecodeResult r = c->Decode(B("</3/0/7>;dim=2;pmin=x"), {});
  ASSERT_EQ(r.content.links.size(), 1u);
  EXPECT_EQ(CountDiag(r.diagnostics, Severity::kError, "pmin has value 'x'"), 1u);
  EXPECT_TRUE(r.content.records.empty());
  auto enc = c->Encode(r.content, {});
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(*enc, B("</3/0/7>;dim=2;pmin=x"));
  Content with_records;
  with_records.records.push_back({Path{3, 0, 0}, Value::String("x")});
  EXPECT_EQ(c->Encode(with_records, {}).status().code(), StatusCode::kNotAcceptable);
}

// ---- Robustness ----

TEST(LinkFormat, RoundTripsRandomLinkLists) {
  std::mt19937 rng(6690);
  const std::string names[] = {"ver", "pmin", "rt", "ct", "obs", "title", "x-y"};
  const std::string values[] = {"1.1", "10", "oma.lwm2m", "110 112", "", "a\"b\\c", "a,b;c", "x"};
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<Link> links;
    int n = static_cast<int>(rng() % 5);
    for (int i = 0; i < n; ++i) {
      Link l;
      l.target = "/" + std::to_string(rng() % 100) + (rng() % 2 ? "/" + std::to_string(rng() % 5) : "");
      int np = static_cast<int>(rng() % 4);
      for (int k = 0; k < np; ++k) {
        LinkParam p;
        p.name = names[rng() % 7];
        if (rng() % 4) {
          p.value = values[rng() % 8];
          p.quoted = NeedsQuotesForTest(*p.value) || p.name == "title" || rng() % 2;
        }
        l.params.push_back(p);
      }
      links.push_back(l);
    }
    auto s = SerializeLinkFormat(links);
    ASSERT_TRUE(s.ok());
    LinkParseResult back = ParseLinkFormat(*s);
    EXPECT_FALSE(back.HasErrors()) << *s << "\n" << DumpDiags(back.diagnostics);
    EXPECT_EQ(back.links, links) << *s;
  }
}

TEST(LinkFormat, SurvivesRandomAndTruncatedInput) {
  std::mt19937 rng(40);
  const std::string seed =
      "</>;lwm2m=1.2,</0/0>;ssid=101;uri=\"coaps://server_1.example.com\",</0/1>,</3/0/7>;dim=2;gt=50;lt=42.2";
  const std::string alphabet = "<>/;=,\"\\ 0123abc\n";
  size_t total_links = 0;
  for (size_t cut = 0; cut <= seed.size(); ++cut) {
    LinkParseResult r = ParseLinkFormat(std::string_view(seed).substr(0, cut));
    for (const auto& d : r.diagnostics) EXPECT_LE(*d.offset, cut);
    total_links += r.links.size();
  }
  EXPECT_GT(total_links, 100u);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string s;
    size_t len = rng() % 40;
    for (size_t i = 0; i < len; ++i) s += rng() % 8 ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng());
    LinkParseResult r = ParseLinkFormat(s);
    for (const auto& d : r.diagnostics) {
      if (d.offset) { EXPECT_LE(*d.offset, s.size()); }
    }
    (void)CheckRegisterPayload(r.links, "1.2");
    (void)CheckBootstrapDiscoverPayload(r.links, "1.1");
    (void)CheckDiscoverPayload(r.links, Path{}, nullptr, "1.2");
    (void)ExtractRegisterPayload(r.links);
  }
}

}  // namespace
}  // namespace lwm2m
