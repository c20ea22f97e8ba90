// coap_message_test.cc: the abstract CoAP message (coap_message.h): URI
// decomposition (RFC 7252 §6.4), option order (§3.1), uint options (§3.2),
// Block values (RFC 7959 §2.2), names and the one-line summary.
#include "lwm2m/coap_message.h"

#include <gtest/gtest.h>

namespace lwm2m {
namespace {

Bytes S(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(CoapMessage, RequestSplitsPathAndQueryIntoOptions) {
  CoapMessage m = CoapMessage::Request(CoapCode::kPost, "/rd?ep=node1&lt=300&Q");
  EXPECT_EQ(m.code, CoapCode::kPost);
  ASSERT_EQ(m.options.size(), 4u);
  EXPECT_EQ(m.options[0], (CoapOptionValue{CoapOption::kUriPath, S("rd")}));
  EXPECT_EQ(m.options[1], (CoapOptionValue{CoapOption::kUriQuery, S("ep=node1")}));
  EXPECT_EQ(m.options[3], (CoapOptionValue{CoapOption::kUriQuery, S("Q")}));
  EXPECT_EQ(m.UriPath(), "/rd");
  EXPECT_EQ(m.UriQueries(), (std::vector<std::string>{"ep=node1", "lt=300", "Q"}));
  EXPECT_EQ(m.Query("ep"), "node1");
  EXPECT_EQ(m.Query("Q"), "");
  EXPECT_EQ(m.Query("sms"), std::nullopt);
  EXPECT_EQ(m.Query("e"), std::nullopt);  // names match whole
  EXPECT_TRUE(m.IsRequest());
  EXPECT_FALSE(m.IsResponse());
}

// RFC 7252 §6.4 step 8: "/" and "" give no Uri-Path; "/a//b" keeps the empty segment.
TEST(CoapMessage, RootPathHasNoUriPathOption) {
  EXPECT_TRUE(CoapMessage::Request(CoapCode::kFetch, "/").options.empty());
  EXPECT_TRUE(CoapMessage::Request(CoapCode::kFetch, "").options.empty());
  EXPECT_EQ(CoapMessage::Request(CoapCode::kGet, "/").UriPath(), "/");
  CoapMessage m = CoapMessage::Request(CoapCode::kGet, "/a//b");
  ASSERT_EQ(m.options.size(), 3u);
  EXPECT_TRUE(m.options[1].value.empty());
  EXPECT_EQ(m.UriPath(), "/a//b");
  m.SetUriPath("/3/0/1");
  EXPECT_EQ(m.UriPath(), "/3/0/1");
  EXPECT_EQ(m.FindOptions(CoapOption::kUriPath).size(), 3u);
}

TEST(CoapMessage, AddOptionKeepsNumberOrderAndRepeatsInInsertionOrder) {
  CoapMessage m;
  m.AddOption(CoapOption::kUriQuery, "b=2");
  m.AddOption(CoapOption::kUriPath, "x");
  m.AddOption(CoapOption::kUriQuery, "a=1");
  m.AddUintOption(CoapOption::kObserve, 0);
  m.AddOption(CoapOption::kUriPath, "y");
  std::vector<uint16_t> numbers;
  for (const auto& o : m.options) numbers.push_back(o.number);
  EXPECT_EQ(numbers, (std::vector<uint16_t>{6, 11, 11, 15, 15}));
  EXPECT_EQ(m.UriPath(), "/x/y");
  EXPECT_EQ(m.UriQueries(), (std::vector<std::string>{"b=2", "a=1"}));
  m.RemoveOption(CoapOption::kUriQuery);
  EXPECT_FALSE(m.HasOption(CoapOption::kUriQuery));
  EXPECT_EQ(m.options.size(), 3u);
}

// RFC 7252 §3.2: "the number 0 is represented with an empty option value ... and the
// number 1 by a single byte with the numerical value of 1".
TEST(CoapMessage, UintOptionsUseMinimalLength) {
  CoapMessage m;
  m.AddUintOption(CoapOption::kObserve, 0);
  m.AddUintOption(CoapOption::kMaxAge, 1);
  m.AddUintOption(CoapOption::kSize1, 0x01020304);
  m.AddUintOption(CoapOption::kAccept, 11542);
  EXPECT_TRUE(m.FindOption(CoapOption::kObserve)->value.empty());
  EXPECT_EQ(m.FindOption(CoapOption::kMaxAge)->value, (Bytes{1}));
  EXPECT_EQ(m.FindOption(CoapOption::kSize1)->value, (Bytes{1, 2, 3, 4}));
  EXPECT_EQ(m.FindOption(CoapOption::kAccept)->value, (Bytes{0x2d, 0x16}));
  EXPECT_EQ(m.Observe(), 0u);
  EXPECT_EQ(m.UintOption(CoapOption::kSize1), 0x01020304u);
  EXPECT_EQ(m.GetAccept(), ContentFormat::kTlv);
  CoapMessage wide;
  wide.AddOption(CoapOption::kSize2, Bytes{0, 1, 2, 3, 4});
  EXPECT_EQ(wide.UintOption(CoapOption::kSize2), std::nullopt);  // longer than 4 bytes
  EXPECT_EQ(wide.UintOption(CoapOption::kSize1), std::nullopt);  // absent
}

TEST(CoapMessage, ContentFormatAndAcceptReplaceEarlierValues) {
  CoapMessage m;
  m.SetContentFormat(ContentFormat::kSenmlCbor);
  m.SetContentFormat(ContentFormat::kTextPlain);
  EXPECT_EQ(m.FindOptions(CoapOption::kContentFormat).size(), 1u);
  EXPECT_TRUE(m.FindOption(CoapOption::kContentFormat)->value.empty());  // 0 is the empty uint
  EXPECT_EQ(m.GetContentFormat(), ContentFormat::kTextPlain);
  m.SetAccept(ContentFormat::kLinkFormat);
  EXPECT_EQ(m.GetAccept(), ContentFormat::kLinkFormat);
  CoapMessage big;
  big.AddOption(CoapOption::kContentFormat, Bytes{1, 0, 0});  // 65536 is no content format
  EXPECT_EQ(big.GetContentFormat(), std::nullopt);
}

TEST(CoapMessage, LocationPathJoinsSegments) {
  CoapMessage m;
  m.code = CoapCode::kCreated;
  EXPECT_EQ(m.LocationPath(), "");
  m.AddOption(CoapOption::kLocationPath, "rd");
  m.AddOption(CoapOption::kLocationPath, "5a3f");
  EXPECT_EQ(m.LocationPath(), "/rd/5a3f");
  EXPECT_TRUE(m.IsResponse());
}

TEST(CoapMessage, BlockOptionsRoundTrip) {
  CoapMessage m;
  m.SetBlock1({5, true, 6});
  m.SetBlock2({0, false, 2});
  auto b1 = m.Block1();
  ASSERT_TRUE(b1.has_value());
  EXPECT_EQ(b1->num, 5u);
  EXPECT_TRUE(b1->more);
  EXPECT_EQ(b1->size(), 1024u);
  EXPECT_EQ(m.FindOption(CoapOption::kBlock1)->value, (Bytes{0x5e}));
  EXPECT_EQ(m.Block2()->size(), 64u);
  m.SetBlock1({6, false, 6});
  EXPECT_EQ(m.FindOptions(CoapOption::kBlock1).size(), 1u);
  EXPECT_EQ(m.Block1()->num, 6u);
}

TEST(CoapMessage, NamesCodesAndOptions) {
  EXPECT_EQ(CoapCodeName(CoapCode::kGet), "GET");
  EXPECT_EQ(CoapCodeName(CoapCode::kIPatch), "iPATCH");
  EXPECT_EQ(CoapCodeName(CoapCode::kContent), "2.05 Content");
  EXPECT_EQ(CoapCodeName(CoapCode::kContinue), "2.31 Continue");
  EXPECT_EQ(CoapCodeName(CoapCode::kPreconditionFailed), "4.12 Precondition Failed");
  EXPECT_EQ(CoapCodeName(CoapCode::kEmpty), "0.00 Empty");
  EXPECT_EQ(CoapCodeName(CoapCode::kAbort), "7.05 Abort");
  EXPECT_EQ(CoapCodeName(CoapCode::Make(3, 1)), "3.01");
  EXPECT_EQ(CoapOptionName(CoapOption::kUriPath), "Uri-Path");
  EXPECT_EQ(CoapOptionName(CoapOption::kObserve), "Observe");
  EXPECT_EQ(CoapOptionName(65000), "Option 65000");
}

TEST(CoapMessage, SummaryIsOneLine) {
  CoapMessage m = CoapMessage::Request(CoapCode::kPost, "/rd?ep=a&lt=5");
  m.message_id = 0x1234;
  m.token = {0xab, 0x12};
  m.SetContentFormat(ContentFormat::kLinkFormat);
  m.payload = Bytes(42, 'x');
  EXPECT_EQ(m.Summary(), "CON POST mid=0x1234 token=ab12 /rd?ep=a&lt=5 cf=40 payload=42B");
  CoapMessage r;
  r.type = CoapType::kAcknowledgement;
  r.code = CoapCode::kContent;
  r.message_id = 7;
  r.AddUintOption(CoapOption::kObserve, 12);
  r.SetBlock2({1, true, 3});
  EXPECT_EQ(r.Summary(), "ACK 2.05 Content mid=0x0007 observe=12 block2=1/1/128");
}

TEST(CoapMessage, EqualityComparesEveryField) {
  CoapMessage a = CoapMessage::Request(CoapCode::kGet, "/3/0");
  CoapMessage b = a;
  EXPECT_EQ(a, b);
  b.message_id = 1;
  EXPECT_NE(a, b);
  b = a;
  b.type = CoapType::kNonConfirmable;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace lwm2m
