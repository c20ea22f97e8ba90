// udp_test.cc: request/response over CoAP/UDP (RFC 7252) on IPv4 and IPv6
// loopback, every method on any path, exact CoapMessage conversion, separate
// and suppressed responses, duplicate detection, and requests from server to client.
#include <gtest/gtest.h>

#include "coap/context.h"
#include "coap/test_support.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using testing::Response;
using testing::ToBytes;

TEST(CoapUri, ParsesSchemesHostsAndPorts) {
  auto a = ParseUri("coaps+tcp://[::1]:7000/rd");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first, Transport::kTls);
  EXPECT_EQ(a->second.ip, "::1");
  EXPECT_EQ(a->second.port, 7000);
  auto b = ParseUri("coap://127.0.0.1");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->first, Transport::kUdp);
  EXPECT_EQ(b->second.port, 5683);
  auto c = ParseUri("coaps://127.0.0.1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->first, Transport::kDtls);
  EXPECT_EQ(c->second.port, 5684);
  EXPECT_EQ(ParseUri("coap+tcp://10.0.0.1:5683")->first, Transport::kTcp);
  EXPECT_FALSE(ParseUri("http://127.0.0.1").ok());
  EXPECT_FALSE(ParseUri("coap://example.com").ok());
  EXPECT_FALSE(ParseUri("coap://127.0.0.1:99999").ok());
  EXPECT_FALSE(ParseUri("coap://[::1").ok());
}

TEST(CoapWireTap, InterposersAreLinked) { EXPECT_TRUE(Context::WireTapAvailable()); }

class UdpTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto ep = server_.Listen({.transport = Transport::kUdp, .ip = GetParam()});
    ASSERT_TRUE(ep.ok()) << ep.status().ToString();
    endpoint_ = *ep;
    ASSERT_NE(endpoint_->address().port, 0);
    EXPECT_EQ(endpoint_->address().ip, GetParam());
    auto s = client_.Connect(Transport::kUdp, endpoint_->address());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    session_ = *s;
  }
  bool Run(const std::function<bool()>& pred) { return RunUntil({&server_, &client_}, pred, 5s); }

  Context server_, client_;
  std::shared_ptr<Endpoint> endpoint_;
  std::shared_ptr<Session> session_;
};

TEST_P(UdpTest, EveryMethodOnAnyPathReachesTheHandler) {
  std::vector<std::pair<uint8_t, std::string>> seen;
  server_.SetRequestHandler([&](const Peer& peer, const CoapMessage& req, Responder& r) {
    seen.emplace_back(req.code, req.UriPath());
    EXPECT_EQ(peer.transport, Transport::kUdp);
    EXPECT_EQ(peer.remote, session_->local());
    r.Respond(Response(CoapCode::kChanged, "ok" + req.UriPath()));
  });
  const std::vector<std::pair<uint8_t, std::string>> calls = {
      {CoapCode::kPost, "/rd"},        {CoapCode::kGet, "/3/0/1"},     {CoapCode::kPut, "/1/0/1"},
      {CoapCode::kDelete, "/5/0"},     {CoapCode::kFetch, "/"},        {CoapCode::kIPatch, "/3/0"},
      {CoapCode::kPatch, "/bs"},       {CoapCode::kGet, "/.well-known/core"}, {CoapCode::kPost, "/dp"}};
  int done = 0;
  for (const auto& [code, path] : calls) {
    auto t = session_->Send(CoapMessage::Request(code, path), [&, p = path](const Reply& r) {
      EXPECT_TRUE(r.ok()) << OutcomeName(r.outcome);
      EXPECT_EQ(r.response.code, CoapCode::kChanged);
      EXPECT_EQ(std::string(r.response.payload.begin(), r.response.payload.end()), "ok" + p);
      ++done;
    });
    ASSERT_TRUE(t.ok());
  }
  ASSERT_TRUE(Run([&] { return done == static_cast<int>(calls.size()); }));
  EXPECT_EQ(seen, calls);
}

TEST_P(UdpTest, MessagesConvertExactlyBothWays) {
  CoapMessage req = CoapMessage::Request(CoapCode::kPost, "/rd?ep=node%201&lt=300&b=U");
  req.type = CoapType::kNonConfirmable;
  req.token = {0xDE, 0xAD, 0xBE, 0xEF, 0x01};
  req.SetContentFormat(ContentFormat::kLinkFormat);
  req.AddOption(CoapOption::kIfMatch, Bytes{});
  req.AddOption(CoapOption::kIfMatch, Bytes{0x01, 0x02});
  req.AddOption(65000, Bytes{0xAA});  // elective, unknown to libcoap
  req.payload = ToBytes("</1/0>,</3/0>");
  CoapMessage got;
  server_.SetRequestHandler([&](const Peer&, const CoapMessage& m, Responder& r) {
    got = m;
    CoapMessage resp = Response(CoapCode::kCreated);
    resp.AddOption(CoapOption::kLocationPath, "rd");
    resp.AddOption(CoapOption::kLocationPath, "5a3f");
    resp.AddUintOption(CoapOption::kMaxAge, 0);
    resp.AddOption(CoapOption::kETag, Bytes{0x11, 0x22});
    r.Respond(resp);
  });
  Reply reply;
  bool done = false;
  ASSERT_TRUE(session_->Send(req, [&](const Reply& r) { reply = r, done = true; }).ok());
  ASSERT_TRUE(Run([&] { return done; }));
  EXPECT_EQ(got.type, CoapType::kNonConfirmable);
  EXPECT_EQ(got.code, CoapCode::kPost);
  EXPECT_EQ(got.token, req.token);
  EXPECT_EQ(got.options, req.options);
  EXPECT_EQ(got.payload, req.payload);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply.response.type, CoapType::kNonConfirmable);  // a NON request gets a NON response
  EXPECT_EQ(reply.response.token, req.token);
  EXPECT_EQ(reply.response.LocationPath(), "/rd/5a3f");
  EXPECT_EQ(reply.response.UintOption(CoapOption::kMaxAge), 0u);
  ASSERT_NE(reply.response.FindOption(CoapOption::kETag), nullptr);
  EXPECT_EQ(reply.response.FindOption(CoapOption::kETag)->value, (Bytes{0x11, 0x22}));
}

TEST_P(UdpTest, ConRequestGetsPiggybackedAck) {
  testing::WireLog slog, clog;
  server_.SetWireHook(slog.Hook());
  client_.SetWireHook(clog.Hook());
  server_.SetRequestHandler([](const Peer&, const CoapMessage&, Responder& r) {
    r.Respond(Response(CoapCode::kContent, "x"));
  });
  bool done = false;
  ASSERT_TRUE(session_->Send(CoapMessage::Request(CoapCode::kGet, "/3/0/0"), [&](const Reply&) { done = true; }).ok());
  ASSERT_TRUE(Run([&] { return done; }));
  EXPECT_EQ(clog.Count(Direction::kSent, CoapCode::kGet, CoapType::kConfirmable), 1u);
  EXPECT_EQ(clog.Count(Direction::kReceived, CoapCode::kContent, CoapType::kAcknowledgement), 1u);
  EXPECT_EQ(slog.Count(Direction::kReceived, CoapCode::kGet, CoapType::kConfirmable), 1u);
  EXPECT_EQ(slog.Count(Direction::kSent, CoapCode::kContent, CoapType::kAcknowledgement), 1u);
  EXPECT_EQ(slog.events.size(), 2u);
  EXPECT_EQ(clog.events.size(), 2u);
}

TEST_P(UdpTest, DeferredResponseIsSeparateWithEmptyAckFirst) {
  testing::WireLog clog;
  client_.SetWireHook(clog.Hook());
  std::shared_ptr<DeferredResponse> later;
  server_.SetRequestHandler([&](const Peer&, const CoapMessage&, Responder& r) { later = r.Defer(); });
  Reply reply;
  bool done = false;
  ASSERT_TRUE(session_->Send(CoapMessage::Request(CoapCode::kPost, "/3/0/4"), [&](const Reply& r) {
    reply = r;
    done = true;
  }).ok());
  ASSERT_TRUE(Run([&] { return clog.Count(Direction::kReceived, CoapCode::kEmpty, CoapType::kAcknowledgement) == 1; }));
  ASSERT_NE(later, nullptr);
  EXPECT_FALSE(done);
  ASSERT_TRUE(later->Respond(Response(CoapCode::kChanged, "late")).ok());
  ASSERT_TRUE(Run([&] { return done; }));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply.response.code, CoapCode::kChanged);
  EXPECT_EQ(reply.response.type, CoapType::kConfirmable);  // RFC 7252 §5.2.2
  EXPECT_TRUE(later->responded());
  // The client acknowledges the separate CON response.
  EXPECT_TRUE(Run([&] { return clog.Count(Direction::kSent, CoapCode::kEmpty, CoapType::kAcknowledgement) == 1; }));
}

TEST_P(UdpTest, DeferredNonRequestGetsOnlyTheLateNonResponse) {
  testing::WireLog clog;
  client_.SetWireHook(clog.Hook());
  std::shared_ptr<DeferredResponse> later;
  server_.SetRequestHandler([&](const Peer&, const CoapMessage&, Responder& r) { later = r.Defer(); });
  CoapMessage req = CoapMessage::Request(CoapCode::kGet, "/3/0/9");
  req.type = CoapType::kNonConfirmable;
  Reply reply;
  bool done = false;
  ASSERT_TRUE(session_->Send(req, [&](const Reply& r) {
    reply = r;
    done = true;
  }).ok());
  ASSERT_TRUE(Run([&] { return later != nullptr; }));
  ASSERT_TRUE(later->Respond(Response(CoapCode::kContent, "95")).ok());
  ASSERT_TRUE(Run([&] { return done; }));
  EXPECT_EQ(reply.response.type, CoapType::kNonConfirmable);
  EXPECT_EQ(clog.Count(Direction::kReceived, CoapCode::kEmpty), 0u);  // no empty NON before it
  EXPECT_EQ(clog.Count(Direction::kReceived, CoapCode::kContent), 1u);
}

TEST_P(UdpTest, DroppedRequestGetsNothingAndTimesOut) {
  testing::WireLog slog;
  server_.SetWireHook(slog.Hook());
  int calls = 0;
  server_.SetRequestHandler([&](const Peer&, const CoapMessage&, Responder& r) {
    ++calls;
    r.Drop();
  });
  ASSERT_TRUE(session_->SetTiming({.ack_timeout = 1000ms, .ack_random_factor = 1.0, .max_retransmit = 1}).ok());
  Reply reply;
  bool done = false;
  ASSERT_TRUE(session_->Send(CoapMessage::Request(CoapCode::kGet, "/3/0"), [&](const Reply& r) {
    reply = r;
    done = true;
  }).ok());
  // 1 s + 2 s (RFC 7252 §4.2 with ACK_RANDOM_FACTOR 1.0, MAX_RETRANSMIT 1).
  ASSERT_TRUE(RunUntil({&server_, &client_}, [&] { return done; }, 10s));
  EXPECT_EQ(reply.outcome, Outcome::kTimeout);
  EXPECT_EQ(slog.Count(Direction::kReceived, CoapCode::kGet), 2u);  // original + 1 retransmission
  EXPECT_EQ(calls, 1);  // the retransmission is a duplicate: dropped again without the handler
  for (const auto& e : slog.events) EXPECT_EQ(e.direction, Direction::kReceived) << e.parsed.message.Summary();
}

TEST_P(UdpTest, DuplicateConIsAnsweredFromCacheWithoutTheHandler) {
  testing::RawUdp raw(GetParam());
  int calls = 0;
  server_.SetRequestHandler([&](const Peer&, const CoapMessage&, Responder& r) {
    ++calls;
    r.Respond(Response(CoapCode::kContent, "v" + std::to_string(calls)));
  });
  // CON GET mid 0x1234 token 0x77, Uri-Path "a" (RFC 7252 §3).
  Bytes datagram = {0x41, 0x01, 0x12, 0x34, 0x77, 0xB1, 'a'};
  ASSERT_TRUE(raw.SendTo(endpoint_->address(), datagram));
  std::vector<Bytes> got;
  ASSERT_TRUE(Run([&] {
    for (auto& d : raw.Drain()) got.push_back(d);
    return got.size() == 1;
  }));
  ASSERT_TRUE(raw.SendTo(endpoint_->address(), datagram));
  ASSERT_TRUE(Run([&] {
    for (auto& d : raw.Drain()) got.push_back(d);
    return got.size() == 2;
  }));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(got[0], got[1]);
  // ACK 2.05 mid 0x1234 token 0x77 payload "v1".
  EXPECT_EQ(got[0], (Bytes{0x61, 0x45, 0x12, 0x34, 0x77, 0xFF, 'v', '1'}));
}

TEST_P(UdpTest, ServerSendsRequestsBackOverTheSameSession) {
  std::shared_ptr<Session> server_side;
  server_.SetRequestHandler([&](const Peer& peer, const CoapMessage&, Responder& r) {
    server_side = peer.session;
    r.Respond(Response(CoapCode::kCreated));
  });
  client_.SetRequestHandler([&](const Peer& peer, const CoapMessage& req, Responder& r) {
    EXPECT_EQ(peer.remote, endpoint_->address());
    EXPECT_EQ(req.UriPath(), "/3/0/0");
    r.Respond(Response(CoapCode::kContent, "Open Mobile Alliance"));
  });
  bool registered = false;
  ASSERT_TRUE(session_->Send(CoapMessage::Request(CoapCode::kPost, "/rd?ep=n"), [&](const Reply&) {
    registered = true;
  }).ok());
  ASSERT_TRUE(Run([&] { return registered && server_side != nullptr; }));
  EXPECT_FALSE(server_side->is_client());
  EXPECT_EQ(server_side->remote(), session_->local());
  Reply read;
  bool done = false;
  ASSERT_TRUE(server_side->Send(CoapMessage::Request(CoapCode::kGet, "/3/0/0"), [&](const Reply& r) {
    read = r;
    done = true;
  }).ok());
  ASSERT_TRUE(Run([&] { return done; }));
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(std::string(read.response.payload.begin(), read.response.payload.end()), "Open Mobile Alliance");
}

TEST_P(UdpTest, UnknownTokenNonResponseIsRejectedWithReset) {
  testing::RawUdp raw(GetParam());
  testing::WireLog clog;
  Context solo;
  solo.SetWireHook(clog.Hook());
  auto s = solo.Connect(Transport::kUdp, raw.address());
  ASSERT_TRUE(s.ok());
  bool done = false;
  ASSERT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kGet, "/x"), [&](const Reply&) { done = true; }).ok());
  std::vector<Bytes> got;
  ASSERT_TRUE(solo.RunUntil([&] {
    for (auto& d : raw.Drain()) got.push_back(d);
    return !got.empty();
  }, 5s));
  // NON 2.05 with a token the client never used: RST (RFC 7252 §4.3).
  ASSERT_TRUE(raw.SendTo((*s)->local(), Bytes{0x51, 0x45, 0x00, 0x09, 0x99}));
  ASSERT_TRUE(solo.RunUntil([&] { return clog.Count(Direction::kSent, CoapCode::kEmpty, CoapType::kReset) == 1; }, 5s));
  EXPECT_FALSE(done);
}

INSTANTIATE_TEST_SUITE_P(Loopback, UdpTest, ::testing::Values("127.0.0.1", "::1"),
                         [](const auto& info) { return info.param == "::1" ? std::string("IPv6") : std::string("IPv4"); });

}  // namespace
}  // namespace lwm2m::coap
