// matcher_test.cc: facts observed on CoAP messages and the expected/actual texts of checks.
#include "harness/engine/matcher.h"

#include <gtest/gtest.h>

#include "harness/engine/loader.h"

namespace lwm2m::engine {
namespace {

Check Make(std::string key, Check::Kind kind, std::vector<std::string> expected) {
  Check c;
  c.key = std::move(key);
  c.kind = kind;
  c.expected = std::move(expected);
  return c;
}

CoapMessage Register(const std::string& version) {
  CoapMessage m = CoapMessage::Request(CoapCode::kPost, "/rd?ep=node1&lt=30&lwm2m=" + version);
  m.SetContentFormat(ContentFormat::kLinkFormat);
  std::string links = "</>;rt=\"oma.lwm2m\",</1/0>,</3/0>";
  m.payload = Bytes(links.begin(), links.end());
  return m;
}

TEST(Matcher, RequestFactsIncludeQueryPathAndLinks) {
  Observed o = ObserveRequest(Register("1.2"), Classify(Register("1.2"), {.direction = Direction::kClientToServer}));
  EXPECT_EQ(o.facts["query.ep"], "node1");
  EXPECT_EQ(o.facts["query.lwm2m"], "1.2");
  EXPECT_EQ(o.facts["path"], "/rd");
  EXPECT_EQ(o.facts["method"], "POST");
  EXPECT_EQ(o.facts["op"], "register");
  EXPECT_EQ(o.facts["content-format"], "link");
  EXPECT_NE(std::find(o.links.begin(), o.links.end(), "</3/0>"), o.links.end());
}

TEST(Matcher, EqualsGivesExpectedAndActualTexts) {
  Observed o = ObserveRequest(Register("1.1"));
  auto r = Evaluate(Make("query.lwm2m", Check::Kind::kEquals, {"1.2"}), o, {});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.expected, "query.lwm2m = \"1.2\"");
  EXPECT_EQ(r.actual, "query.lwm2m = \"1.1\"");
}

TEST(Matcher, VariablesExpandInExpectedValues) {
  Observed o = ObserveRequest(Register("1.2"));
  EXPECT_TRUE(Evaluate(Make("query.ep", Check::Kind::kEquals, {"{iut.endpoint}"}), o, {{"iut.endpoint", "node1"}}).ok);
  auto r = Evaluate(Make("query.ep", Check::Kind::kEquals, {"{iut.endpoint}"}), o, {{"iut.endpoint", "node2"}});
  EXPECT_EQ(r.expected, "query.ep = \"node2\"");
}

TEST(Matcher, PresenceOneOfMatchesAndContentFormatAliases) {
  Observed o = ObserveRequest(Register("1.2"));
  EXPECT_TRUE(Evaluate(Make("query.lt", Check::Kind::kPresent, {}), o, {}).ok);
  auto absent = Evaluate(Make("query.b", Check::Kind::kPresent, {}), o, {});
  EXPECT_FALSE(absent.ok);
  EXPECT_EQ(absent.actual, "query.b absent");
  EXPECT_TRUE(Evaluate(Make("query.lwm2m", Check::Kind::kOneOf, {"1.1", "1.2"}), o, {}).ok);
  EXPECT_TRUE(Evaluate(Make("query.ep", Check::Kind::kMatches, {"^node[0-9]$"}), o, {}).ok);
  EXPECT_FALSE(Evaluate(Make("query.ep", Check::Kind::kMatches, {"(["}), o, {}).ok) << "a bad regex fails, never throws";
  EXPECT_TRUE(Evaluate(Make("content-format", Check::Kind::kEquals, {"link-format"}), o, {}).ok);
  EXPECT_TRUE(Evaluate(Make("content-format", Check::Kind::kEquals, {"40"}), o, {}).ok);
}

TEST(Matcher, LinkIncludesAndExcludes) {
  Observed o = ObserveRequest(Register("1.2"));
  EXPECT_TRUE(Evaluate(Make("links", Check::Kind::kIncludes, {"</1/0>", "</3/0>"}), o, {}).ok);
  auto r = Evaluate(Make("links", Check::Kind::kExcludes, {"</1/0>"}), o, {});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.expected, "links exclude </1/0>");
}

TEST(Matcher, ResponseValuesDecodeThroughTheCodecs) {
  CoapMessage resp;
  resp.code = CoapCode::kContent;
  resp.SetContentFormat(ContentFormat::kTextPlain);
  resp.payload = {'8', '5'};
  Observed o = ObserveResponse(resp, *Path::Parse("/3/0/9"));
  EXPECT_EQ(o.facts["code"], "2.05");
  EXPECT_EQ(o.facts["decodes"], "true");
  EXPECT_EQ(o.facts["value./3/0/9"], "85");
}

TEST(Matcher, UndecodablePayloadIsAFactNotACrash) {
  CoapMessage resp;
  resp.code = CoapCode::kContent;
  resp.SetContentFormat(ContentFormat::kTlv);
  resp.payload = {0xc8, 0x00, 0x14, 0x41};  // TLV length 20 with 1 byte left
  Observed o = ObserveResponse(resp, *Path::Parse("/3/0"));
  EXPECT_EQ(o.facts["decodes"], "false");
  EXPECT_FALSE(o.decode_errors.empty());
}

}  // namespace
}  // namespace lwm2m::engine
