// rst_test.cc: a request handler rejecting a request with RST (Responder::Reset,
// RFC 7252 §4.2 for CON, §4.3 for NON): one empty RST with the request's message
// ID and no token, no ACK or response, and the same RST for a duplicate CON.
#include <gtest/gtest.h>

#include "coap/context.h"
#include "coap/test_support.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;

class RstTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_.SetWireHook(slog_.Hook());
    server_.SetRequestHandler([this](const Peer&, const CoapMessage&, Responder& r) {
      ++calls_;
      r.Reset();
    });
    auto ep = server_.Listen({.transport = Transport::kUdp, .ip = GetParam()});
    ASSERT_TRUE(ep.ok()) << ep.status().ToString();
    endpoint_ = *ep;
  }
  std::vector<WireEvent> Sent() const {
    std::vector<WireEvent> out;
    for (const auto& e : slog_.events) {
      if (e.direction == Direction::kSent) out.push_back(e);
    }
    return out;
  }

  Context server_;
  testing::WireLog slog_;
  std::shared_ptr<Endpoint> endpoint_;
  int calls_ = 0;
};

TEST_P(RstTest, ConRequestAnsweredWithRstEndsWithReset) {
  Context client;
  auto s = client.Connect(Transport::kUdp, endpoint_->address());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Reply reply;
  bool done = false;
  ASSERT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kPost, "/rd"), [&](const Reply& r) {
    reply = r;
    done = true;
  }).ok());
  ASSERT_TRUE(RunUntil({&server_, &client}, [&] { return done; }, 5s));
  EXPECT_EQ(reply.outcome, Outcome::kReset) << OutcomeName(reply.outcome);
  EXPECT_EQ(calls_, 1);
  ASSERT_EQ(slog_.Count(Direction::kReceived, CoapCode::kPost), 1u);
  uint16_t request_mid = 0;
  for (const auto& e : slog_.events) {
    if (e.direction == Direction::kReceived) request_mid = e.parsed.message.message_id;
  }
  std::vector<WireEvent> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  const CoapMessage& rst = sent[0].parsed.message;
  EXPECT_EQ(rst.type, CoapType::kReset);
  EXPECT_EQ(rst.code, CoapCode::kEmpty);
  EXPECT_EQ(rst.message_id, request_mid);
  EXPECT_TRUE(rst.token.empty());
  EXPECT_FALSE(sent[0].parsed.HasErrors());
}

TEST_P(RstTest, NonRequestGetsExactlyOneRst) {
  testing::RawUdp raw(GetParam());
  // NON GET mid 0x4321 token 0x55, Uri-Path "a" (RFC 7252 §3).
  ASSERT_TRUE(raw.SendTo(endpoint_->address(), Bytes{0x51, 0x01, 0x43, 0x21, 0x55, 0xB1, 'a'}));
  std::vector<Bytes> got;
  ASSERT_TRUE(server_.RunUntil([&] {
    for (auto& d : raw.Drain()) got.push_back(d);
    return !got.empty();
  }, 5s));
  // RST (type 3, TKL 0), code 0.00, mid 0x4321 (RFC 7252 §3, §4.3).
  EXPECT_EQ(got, (std::vector<Bytes>{{0x70, 0x00, 0x43, 0x21}}));
  EXPECT_EQ(Sent().size(), 1u);
  EXPECT_EQ(calls_, 1);
}

TEST_P(RstTest, DuplicateConIsResetAgainWithoutTheHandler) {
  testing::RawUdp raw(GetParam());
  // CON GET mid 0x1234 token 0x77, Uri-Path "a" (RFC 7252 §3).
  Bytes datagram = {0x41, 0x01, 0x12, 0x34, 0x77, 0xB1, 'a'};
  std::vector<Bytes> got;
  for (size_t n = 1; n <= 2; ++n) {
    ASSERT_TRUE(raw.SendTo(endpoint_->address(), datagram));
    ASSERT_TRUE(server_.RunUntil([&] {
      for (auto& d : raw.Drain()) got.push_back(d);
      return got.size() >= n;
    }, 5s));
  }
  // Both: RST mid 0x1234, no token (RFC 7252 §4.2, §4.5).
  EXPECT_EQ(got, (std::vector<Bytes>{{0x70, 0x00, 0x12, 0x34}, {0x70, 0x00, 0x12, 0x34}}));
  EXPECT_EQ(Sent().size(), 2u);
  EXPECT_EQ(calls_, 1);
}

INSTANTIATE_TEST_SUITE_P(Loopback, RstTest, ::testing::Values("127.0.0.1", "::1"),
                         [](const auto& info) { return info.param == "::1" ? std::string("IPv6") : std::string("IPv4"); });

}  // namespace
}  // namespace lwm2m::coap
