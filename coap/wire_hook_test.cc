// wire_hook_test.cc: the wire hook sees every message exactly once per
// direction, as the peer sees it: what one side reports as sent the other
// reports as received, byte for byte, with local and remote swapped, on every
// transport and both IP versions (including CSM, empty ACKs and retransmissions).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "coap/context.h"
#include "coap/test_support.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;

using Key = std::tuple<std::string, std::string, Bytes>;  // from, to, bytes

std::map<Key, int> Flows(const testing::WireLog& log, Direction d) {
  std::map<Key, int> out;
  for (const auto& e : log.events) {
    if (e.direction != d) continue;
    Key k = d == Direction::kSent ? Key{e.local.ToString(), e.remote.ToString(), e.bytes}
                                  : Key{e.remote.ToString(), e.local.ToString(), e.bytes};
    ++out[k];
  }
  return out;
}

class WireHook : public ::testing::TestWithParam<std::tuple<Transport, std::string>> {};

TEST_P(WireHook, EachMessageOncePerDirectionWithMatchingAddresses) {
  auto [transport, ip] = GetParam();
  ContextOptions o;
  o.server_security = Security::PskServer([](std::string_view) { return std::optional<Bytes>(Bytes{5, 5, 5, 5}); });
  Context server(o), client;
  testing::WireLog slog, clog;
  server.SetWireHook(slog.Hook());
  client.SetWireHook(clog.Hook());
  auto ep = server.Listen({.transport = transport, .ip = ip});
  ASSERT_TRUE(ep.ok());
  std::shared_ptr<DeferredResponse> later;
  server.SetRequestHandler([&](const Peer&, const CoapMessage& req, Responder& r) {
    if (req.UriPath() == "/later") {
      later = r.Defer();
    } else {
      r.Respond(testing::Response(CoapCode::kContent, "now"));
    }
  });
  Security sec = IsSecure(transport) ? Security::Psk("hook", {5, 5, 5, 5}) : Security{};
  auto s = client.Connect(transport, (*ep)->address(), sec);
  ASSERT_TRUE(s.ok());
  int done = 0;
  ASSERT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kGet, "/now"), [&](const Reply&) { ++done; }).ok());
  ASSERT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kPost, "/later"), [&](const Reply&) { ++done; }).ok());
  ASSERT_TRUE(RunUntil({&server, &client}, [&] { return done == 1 && later; }, 10s));
  ASSERT_TRUE(later->Respond(testing::Response(CoapCode::kChanged)).ok());
  ASSERT_TRUE(RunUntil({&server, &client}, [&] { return done == 2; }, 10s));
  // Let the last ACK (UDP) arrive.
  RunUntil({&server, &client}, [&] { return slog.events.size() == clog.events.size(); }, 2s);
  EXPECT_EQ(Flows(clog, Direction::kSent), Flows(slog, Direction::kReceived));
  EXPECT_EQ(Flows(slog, Direction::kSent), Flows(clog, Direction::kReceived));
  for (const auto& e : clog.events) {
    EXPECT_EQ(e.transport, transport);
    EXPECT_EQ(e.remote, (*ep)->address());
    EXPECT_EQ(e.local, (*s)->local());
    EXPECT_EQ(e.security, IsSecure(transport) ? SecurityMode::kPsk : SecurityMode::kNoSec);
    EXPECT_FALSE(e.parsed.HasErrors()) << e.parsed.message.Summary();
    EXPECT_GT(e.steady_time.time_since_epoch().count(), 0);
  }
  for (const auto& e : slog.events) EXPECT_EQ(e.psk_identity, IsSecure(transport) ? "hook" : "");
  if (IsReliable(transport)) {
    EXPECT_EQ(clog.Count(Direction::kSent, CoapCode::kCsm), 1u);
    EXPECT_EQ(clog.Count(Direction::kReceived, CoapCode::kCsm), 1u);
    EXPECT_EQ(clog.events.size(), 6u);  // CSM x2, GET, 2.05, POST, 2.04
  } else {
    // GET, ACK 2.05, POST, empty ACK, CON 2.04, empty ACK.
    EXPECT_EQ(clog.events.size(), 6u);
    EXPECT_EQ(clog.Count(Direction::kReceived, CoapCode::kEmpty, CoapType::kAcknowledgement), 1u);
    EXPECT_EQ(clog.Count(Direction::kSent, CoapCode::kEmpty, CoapType::kAcknowledgement), 1u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, WireHook,
    ::testing::Combine(::testing::Values(Transport::kUdp, Transport::kDtls, Transport::kTcp, Transport::kTls),
                       ::testing::Values("127.0.0.1", "::1")),
    [](const auto& info) {
      return std::string(TransportName(std::get<0>(info.param))) + (std::get<1>(info.param) == "::1" ? "_v6" : "_v4");
    });

TEST(WireHookRetransmission, EveryRetransmissionIsReportedOnBothSides) {
  Context server, client;
  testing::WireLog slog, clog;
  server.SetWireHook(slog.Hook());
  client.SetWireHook(clog.Hook());
  auto ep = server.Listen({.transport = Transport::kUdp});
  ASSERT_TRUE(ep.ok());
  int calls = 0;
  server.SetRequestHandler([&](const Peer&, const CoapMessage&, Responder& r) {
    // Dropped; the retransmissions are duplicates and are dropped again without calling us.
    ++calls;
    r.Drop();
  });
  auto s = client.Connect(Transport::kUdp, (*ep)->address(), {},
                          {.ack_timeout = 1000ms, .ack_random_factor = 1.0, .max_retransmit = 2});
  ASSERT_TRUE(s.ok());
  bool done = false;
  ASSERT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kGet, "/r"), [&](const Reply&) { done = true; }).ok());
  ASSERT_TRUE(RunUntil({&server, &client}, [&] { return slog.Count(Direction::kReceived, CoapCode::kGet) == 3; }, 10s));
  EXPECT_EQ(clog.Count(Direction::kSent, CoapCode::kGet), 3u);
  EXPECT_EQ(calls, 1);
  std::set<uint16_t> mids;
  for (const auto& e : clog.events) mids.insert(e.parsed.message.message_id);
  EXPECT_EQ(mids.size(), 1u);  // retransmissions keep the message id (RFC 7252 §4.2)
  EXPECT_EQ(slog.Count(Direction::kSent, CoapCode::kEmpty), 0u);
}

}  // namespace
}  // namespace lwm2m::coap
