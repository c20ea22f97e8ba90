// block_test.cc: block-wise transfer (RFC 7959) both directions. The upper
// layers see one assembled 5 KB body; the wire hook sees every block.
#include <gtest/gtest.h>

#include "coap/context.h"
#include "coap/test_support.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using testing::Response;

Bytes Body(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 7 + i / 251);
  return b;
}

size_t CountOption(const testing::WireLog& log, Direction d, uint16_t option) {
  size_t n = 0;
  for (const auto& e : log.events) {
    if (e.direction == d && e.parsed.message.HasOption(option)) ++n;
  }
  return n;
}

class Blockwise : public ::testing::TestWithParam<Transport> {
 protected:
  void SetUp() override {
    ContextOptions o;
    o.server_security = Security::PskServer([](std::string_view) { return std::optional<Bytes>(Bytes{1, 2, 3, 4}); });
    server_ = std::make_unique<Context>(o);
    auto ep = server_->Listen({.transport = GetParam()});
    ASSERT_TRUE(ep.ok()) << ep.status().ToString();
    endpoint_ = *ep;
    Security sec = IsSecure(GetParam()) ? Security::Psk("blk", {1, 2, 3, 4}) : Security{};
    auto s = client_.Connect(GetParam(), endpoint_->address(), sec);
    ASSERT_TRUE(s.ok());
    session_ = *s;
    server_->SetWireHook(slog_.Hook());
    client_.SetWireHook(clog_.Hook());
  }
  bool Run(const std::function<bool()>& pred) { return RunUntil({server_.get(), &client_}, pred, 20s); }

  std::unique_ptr<Context> server_;
  Context client_;
  std::shared_ptr<Endpoint> endpoint_;
  std::shared_ptr<Session> session_;
  testing::WireLog slog_, clog_;
};

TEST_P(Blockwise, Upload5KBArrivesAssembled) {
  const Bytes body = Body(5000);
  CoapMessage got;
  int calls = 0;
  server_->SetRequestHandler([&](const Peer&, const CoapMessage& req, Responder& r) {
    got = req;
    ++calls;
    r.Respond(Response(CoapCode::kChanged));
  });
  CoapMessage put = CoapMessage::Request(CoapCode::kPut, "/5/0/0");
  put.SetContentFormat(ContentFormat::kOpaque);
  put.payload = body;
  Reply reply;
  bool done = false;
  ASSERT_TRUE(session_->Send(put, [&](const Reply& r) {
    reply = r;
    done = true;
  }).ok());
  ASSERT_TRUE(Run([&] { return done; }));
  ASSERT_TRUE(reply.ok()) << OutcomeName(reply.outcome);
  EXPECT_EQ(reply.response.code, CoapCode::kChanged);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(got.payload, body);
  EXPECT_EQ(got.UriPath(), "/5/0/0");
  EXPECT_FALSE(got.HasOption(CoapOption::kBlock1));
  if (!IsReliable(GetParam())) {
    // 1024-byte blocks: 5 of them, each acknowledged (2.31 Continue for the first four).
    EXPECT_EQ(CountOption(slog_, Direction::kReceived, CoapOption::kBlock1), 5u);
    EXPECT_EQ(clog_.Count(Direction::kReceived, CoapCode::kContinue), 4u);
  } else {
    // CSM announced Max-Message-Size 8388864 (RFC 8323 §5.3.1): one message, no blocks.
    EXPECT_EQ(CountOption(slog_, Direction::kReceived, CoapOption::kBlock1), 0u);
    EXPECT_EQ(slog_.Count(Direction::kReceived, CoapCode::kPut), 1u);
  }
}

TEST_P(Blockwise, Download5KBArrivesAssembled) {
  const Bytes body = Body(5000);
  int calls = 0;
  server_->SetRequestHandler([&](const Peer&, const CoapMessage&, Responder& r) {
    ++calls;
    CoapMessage m = Response(CoapCode::kContent);
    m.SetContentFormat(ContentFormat::kOpaque);
    m.payload = body;
    r.Respond(m);
  });
  Reply reply;
  bool done = false;
  ASSERT_TRUE(session_->Send(CoapMessage::Request(CoapCode::kGet, "/5/0/0"), [&](const Reply& r) {
    reply = r;
    done = true;
  }).ok());
  ASSERT_TRUE(Run([&] { return done; }));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply.response.payload, body);
  EXPECT_EQ(reply.response.GetContentFormat(), ContentFormat::kOpaque);
  EXPECT_FALSE(reply.response.HasOption(CoapOption::kBlock2));
  EXPECT_EQ(calls, 1);  // libcoap serves the later blocks itself
  if (!IsReliable(GetParam())) {
    EXPECT_EQ(CountOption(clog_, Direction::kReceived, CoapOption::kBlock2), 5u);
    EXPECT_EQ(clog_.Count(Direction::kSent, CoapCode::kGet), 5u);
  } else {
    EXPECT_EQ(CountOption(clog_, Direction::kReceived, CoapOption::kBlock2), 0u);
    EXPECT_EQ(clog_.Count(Direction::kSent, CoapCode::kGet), 1u);
  }
}

TEST_P(Blockwise, TwoPathsWithLargeBodiesDoNotMix) {
  server_->SetRequestHandler([&](const Peer&, const CoapMessage& req, Responder& r) {
    CoapMessage m = Response(CoapCode::kContent);
    m.payload = Body(3000);
    m.payload[0] = static_cast<uint8_t>(req.UriPath().back());
    r.Respond(m);
  });
  std::vector<Reply> replies(2);
  int done = 0;
  ASSERT_TRUE(session_->Send(CoapMessage::Request(CoapCode::kGet, "/a"), [&](const Reply& r) {
    replies[0] = r;
    ++done;
  }).ok());
  ASSERT_TRUE(session_->Send(CoapMessage::Request(CoapCode::kGet, "/b"), [&](const Reply& r) {
    replies[1] = r;
    ++done;
  }).ok());
  ASSERT_TRUE(Run([&] { return done == 2; }));
  ASSERT_EQ(replies[0].response.payload.size(), 3000u);
  ASSERT_EQ(replies[1].response.payload.size(), 3000u);
  EXPECT_EQ(replies[0].response.payload[0], 'a');
  EXPECT_EQ(replies[1].response.payload[0], 'b');
}

INSTANTIATE_TEST_SUITE_P(Transports, Blockwise,
                         ::testing::Values(Transport::kUdp, Transport::kDtls, Transport::kTcp, Transport::kTls),
                         [](const auto& info) { return std::string(TransportName(info.param)); });

TEST(BlockwiseObserve, LargeNotificationIsFetchedBlockByBlock) {
  Context server, client;
  auto ep = server.Listen({.transport = Transport::kUdp});
  ASSERT_TRUE(ep.ok());
  std::shared_ptr<Observation> obs;
  server.SetRequestHandler([&](const Peer&, const CoapMessage&, Responder& r) {
    obs = r.AcceptObserve();
    r.Respond(Response(CoapCode::kContent, "small"));
  });
  auto s = client.Connect(Transport::kUdp, (*ep)->address());
  ASSERT_TRUE(s.ok());
  std::vector<Reply> got;
  ASSERT_TRUE((*s)->Observe(CoapMessage::Request(CoapCode::kGet, "/3/0"), [&](const Reply& r) {
    got.push_back(r);
  }).ok());
  ASSERT_TRUE(RunUntil({&server, &client}, [&] { return got.size() == 1 && obs; }, 5s));
  const Bytes big = Body(3000);
  CoapMessage n = Response(CoapCode::kContent);
  n.payload = big;
  ASSERT_TRUE(obs->Notify(n).ok());
  ASSERT_TRUE(RunUntil({&server, &client}, [&] { return got.size() == 2; }, 5s));
  EXPECT_EQ(got[1].response.payload, big);
}

}  // namespace
}  // namespace lwm2m::coap
