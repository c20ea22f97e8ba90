// timing_test.cc: RFC 7252 §4.8 transmission parameters and our session timers
// take effect: MAX_RETRANSMIT (0 emulated, libcoap's minimum is 1), ACK_TIMEOUT,
// NSTART, idle and handshake timeouts; two Contexts on two threads.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "coap/context.h"
#include "coap/test_support.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(Timing, MaxRetransmitZeroGivesUpAfterOneAckTimeout) {
  testing::SilentUdpPeer peer;
  Context c;
  testing::WireLog log;
  c.SetWireHook(log.Hook());
  auto s = c.Connect(Transport::kUdp, peer.address(), {},
                     {.ack_timeout = 1000ms, .ack_random_factor = 1.5, .max_retransmit = 0});
  ASSERT_TRUE(s.ok());
  Reply reply;
  bool done = false;
  auto start = Clock::now();
  ASSERT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kGet, "/3/0"), [&](const Reply& r) {
    reply = r;
    done = true;
  }).ok());
  ASSERT_TRUE(c.RunUntil([&] { return done; }, 5s));
  auto took = Clock::now() - start;
  EXPECT_EQ(reply.outcome, Outcome::kTimeout);
  EXPECT_GE(took, 1000ms);  // [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR]
  EXPECT_LT(took, 2000ms);  // 1500 ms plus scheduling slack on a loaded machine
  EXPECT_EQ(peer.Drain().size(), 1u);  // no retransmission reached the wire
  EXPECT_EQ(log.Count(Direction::kSent, CoapCode::kGet), 1u);
}

TEST(Timing, MaxRetransmitOneSendsTwiceWithDoubledTimeout) {
  testing::SilentUdpPeer peer;
  Context c;
  auto s = c.Connect(Transport::kUdp, peer.address(), {},
                     {.ack_timeout = 1000ms, .ack_random_factor = 1.0, .max_retransmit = 1});
  ASSERT_TRUE(s.ok());
  bool done = false;
  Reply reply;
  auto start = Clock::now();
  ASSERT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kGet, "/"), [&](const Reply& r) {
    reply = r;
    done = true;
  }).ok());
  size_t seen = 0;
  std::optional<Clock::duration> second;
  ASSERT_TRUE(c.RunUntil([&] {
    seen += peer.Drain().size();
    if (seen == 2 && !second) second = Clock::now() - start;
    return done;
  }, 6s));
  auto took = Clock::now() - start;
  EXPECT_EQ(reply.outcome, Outcome::kTimeout);
  EXPECT_EQ(seen, 2u);
  ASSERT_TRUE(second.has_value());
  EXPECT_GE(*second, 950ms);  // retransmission after ACK_TIMEOUT
  EXPECT_LT(*second, 1600ms);
  EXPECT_GE(took, 2950ms);  // gives up after a further 2 * ACK_TIMEOUT
  EXPECT_LT(took, 4000ms);
}

TEST(Timing, ValuesLibcoapCannotApplyAreRefused) {
  Context c;
  testing::SilentUdpPeer peer;
  EXPECT_FALSE(c.Connect(Transport::kUdp, peer.address(), {}, {.ack_timeout = 500ms}).ok());
  EXPECT_FALSE(c.Listen({.timing = {.ack_random_factor = 0.5}}).ok());
  auto s = c.Connect(Transport::kUdp, peer.address());
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE((*s)->SetTiming({.nstart = 0}).ok());
  EXPECT_TRUE((*s)->SetTiming({.ack_timeout = 1500ms}).ok());
}

TEST(Timing, NstartLimitsOutstandingConfirmables) {
  for (uint16_t nstart : {1, 2}) {
    SCOPED_TRACE(nstart);
    testing::SilentUdpPeer peer;
    Context c;
    auto s = c.Connect(Transport::kUdp, peer.address(), {}, {.ack_timeout = 2000ms, .nstart = nstart});
    ASSERT_TRUE(s.ok());
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kGet, "/"), [](const Reply&) {}).ok());
    }
    size_t seen = 0;
    // Waits for events, not blindly: stops as soon as both arrived.
    bool both = c.RunUntil([&] { return (seen += peer.Drain().size()) >= 2; }, 500ms);
    EXPECT_EQ(both, nstart == 2);
    EXPECT_EQ(seen, nstart);
  }
}

TEST(Timing, IdleTimeoutClosesTheSession) {
  Context server, client;
  auto ep = server.Listen({.transport = Transport::kUdp});
  ASSERT_TRUE(ep.ok());
  server.SetRequestHandler([](const Peer&, const CoapMessage&, Responder& r) { r.Respond(testing::Response(CoapCode::kContent)); });
  auto s = client.Connect(Transport::kUdp, (*ep)->address(), {}, {.idle_timeout = 300ms});
  ASSERT_TRUE(s.ok());
  bool done = false;
  ASSERT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kGet, "/"), [&](const Reply&) { done = true; }).ok());
  ASSERT_TRUE(RunUntil({&server, &client}, [&] { return done; }, 5s));
  auto start = Clock::now();
  ASSERT_TRUE(RunUntil({&server, &client}, [&] { return (*s)->state() == SessionState::kClosed; }, 5s));
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ((*s)->failure(), "idle timeout");
}

TEST(Timing, HandshakeTimeoutFailsASilentDtlsPeer) {
  testing::SilentUdpPeer peer;
  Context c;
  auto start = Clock::now();
  auto s = c.Connect(Transport::kDtls, peer.address(), Security::Psk("id", {1, 2, 3}), {.handshake_timeout = 700ms});
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(c.RunUntil([&] { return (*s)->state() == SessionState::kFailed; }, 5s));
  auto took = Clock::now() - start;
  EXPECT_GE(took, 650ms);
  EXPECT_LT(took, 2000ms);
  EXPECT_GE(peer.Drain().size(), 1u);  // the ClientHello
}

TEST(Timing, ServerAndClientContextsOnTheirOwnThreads) {
  Context server;
  auto ep = server.Listen({.transport = Transport::kUdp});
  ASSERT_TRUE(ep.ok());
  Address addr = (*ep)->address();
  std::atomic<int> served{0};
  server.SetRequestHandler([&](const Peer&, const CoapMessage&, Responder& r) {
    ++served;
    r.Respond(testing::Response(CoapCode::kContent, "t"));
  });
  std::atomic<bool> stop{false};
  auto start = Clock::now();
  std::thread t([&] { server.RunUntil([&] { return stop.load(); }, 20s); });
  Context client;
  auto s = client.Connect(Transport::kUdp, addr);
  ASSERT_TRUE(s.ok());
  int replies = 0;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kGet, "/" + std::to_string(i)), [&](const Reply& r) {
      if (r.ok()) ++replies;
    }).ok());
  }
  EXPECT_TRUE(client.RunUntil([&] { return replies == 20; }, 10s));
  stop = true;
  server.Wake();
  t.join();
  EXPECT_EQ(served.load(), 20);
  EXPECT_LT(Clock::now() - start, 5s);  // Wake ended the server's wait
}

}  // namespace
}  // namespace lwm2m::coap
