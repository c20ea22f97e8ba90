// Relay tests on loopback: echo peers stand in for the tester (target) and a UDP/TCP client for the
// IUT. Every wait is bounded; "nothing arrives" is checked with a bounded poll only after the relay's
// counters prove the datagram was handled.
#include "harness/wire/relay.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/wire/test_support.h"

namespace lwm2m::wire {
namespace {

using namespace lwm2m::wire::testing;
using Kind = Fault::Kind;

struct UdpSetup {
  explicit UdpSetup(Recorder* rec = nullptr, const std::string& ip = "127.0.0.1") : target(ip), iut(ip) {
    auto r = Relay::Start({.transport = Transport::kUdp, .listen = {ip, 0}, .target = target.address()}, rec);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) relay = std::move(*r);
  }
  // Sends and waits for the echo; the echoed bytes or empty on timeout.
  Bytes RoundTrip(const Bytes& data, std::chrono::milliseconds timeout = 2s) {
    iut.SendTo(relay->listen_address(), data);
    auto d = iut.Receive(timeout);
    return d ? d->data : Bytes{};
  }
  bool WaitFromIut(uint64_t n) {
    return relay->WaitForStats([n](const RelayStats& s) { return s.from_iut >= n; }, 2s);
  }
  std::vector<std::string> TargetSaw() const {
    std::vector<std::string> out;
    for (auto& d : target.received()) out.emplace_back(d.data.begin(), d.data.end());
    return out;
  }
  UdpEchoPeer target;
  UdpClient iut;
  std::unique_ptr<Relay> relay;
};

TEST(WireRelay, UdpRoundTripUsesOneUpstreamSocketPerIutSocket) {
  UdpSetup s;
  ASSERT_TRUE(s.relay);
  EXPECT_EQ(s.RoundTrip(B("hello")), B("hello"));
  EXPECT_EQ(s.RoundTrip(B("again")), B("again"));
  UdpClient second;
  second.SendTo(s.relay->listen_address(), B("other"));
  auto echo = second.Receive(2s);
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->data, B("other"));
  EXPECT_EQ(echo->from, s.relay->listen_address());  // replies come from the address the IUT talks to
  auto seen = s.target.received();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].from, seen[1].from);
  EXPECT_NE(seen[0].from, seen[2].from);
  const auto ups = s.relay->upstream_addresses();
  EXPECT_EQ(ups.size(), 2u);
  EXPECT_NE(std::find(ups.begin(), ups.end(), seen[0].from), ups.end());
  EXPECT_EQ(s.relay->stats().from_iut, 3u);
  EXPECT_EQ(s.relay->stats().to_iut, 3u);
}

TEST(WireRelay, UdpOverIpv6) {
  UdpSetup s(nullptr, "::1");
  if (!s.relay) GTEST_SKIP() << "no IPv6 loopback";
  EXPECT_EQ(s.relay->listen_address().ip, "::1");
  EXPECT_EQ(s.RoundTrip(B("six")), B("six"));
}

TEST(WireRelay, StartRejectsATargetThatIsNoIpLiteral) {
  auto r = Relay::Start({.transport = Transport::kUdp, .target = {"localhost", 5683}}, nullptr);
  EXPECT_FALSE(r.ok());
  auto r2 = Relay::Start({.transport = Transport::kUdp, .target = {"127.0.0.1", 0}}, nullptr);
  EXPECT_FALSE(r2.ok());
}

TEST(WireRelay, RecordsBothDirectionsOnTheTargetLegWithTheComment) {
  TempDir dir;
  auto rec = Recorder::Open(dir.File("relay.pcapng"));
  ASSERT_TRUE(rec.ok());
  (*rec)->SetComment("case=reg-101 step=1");
  UdpSetup s(rec->get());
  ASSERT_TRUE(s.relay);
  EXPECT_EQ(s.RoundTrip(B("ping")), B("ping"));
  EXPECT_EQ((*rec)->frames(), 2u);
  ASSERT_TRUE((*rec)->Close().ok());
  if (!TsharkAvailable()) GTEST_SKIP() << "tshark is not installed";
  const SocketAddress up = s.relay->upstream_addresses().at(0);
  TsharkResult r = RunTshark({"-r", dir.File("relay.pcapng"), "-T", "fields", "-E", "separator=|", "-e",
                              "frame.comment", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "data.data"});
  const std::string t = std::to_string(s.target.address().port), u = std::to_string(up.port);
  EXPECT_EQ(r.out, "case=reg-101 step=1|" + u + "|" + t + "|70696e67\n" + "case=reg-101 step=1|" + t + "|" + u +
                       "|70696e67\n");
}

TEST(WireRelay, DropIndexTwoDropsExactlyTheSecondAndRecordsIt) {
  TempDir dir;
  auto rec = Recorder::Open(dir.File("drop.pcapng"));
  ASSERT_TRUE(rec.ok());
  UdpSetup s(rec->get());
  ASSERT_TRUE(s.relay);
  s.relay->Inject({.kind = Kind::kDrop, .direction = Direction::kFromIut, .index = 2});
  for (const char* m : {"1", "2", "3", "4"}) s.iut.SendTo(s.relay->listen_address(), B(m));
  ASSERT_TRUE(s.target.WaitFor([](auto& r) { return !r.empty() && r.back().data == B("4"); }, 2s));
  EXPECT_EQ(s.TargetSaw(), (std::vector<std::string>{"1", "3", "4"}));
  EXPECT_EQ(s.relay->stats().dropped, 1u);
  ASSERT_TRUE(s.relay->WaitForStats([](const RelayStats& st) { return st.to_iut >= 3; }, 2s));
  ASSERT_TRUE((*rec)->Close().ok());
  if (!TsharkAvailable()) return;
  TsharkResult r = RunTshark({"-r", dir.File("drop.pcapng"), "-Y", "frame.comment contains \"dropped by fault\"",
                              "-T", "fields", "-e", "data.data"});
  EXPECT_EQ(r.out, "32\n");  // "2", still in the capture
}

TEST(WireRelay, IndexWithCountAppliesToThatManyConsecutiveDatagrams) {
  UdpSetup s;
  ASSERT_TRUE(s.relay);
  s.relay->Inject({.kind = Kind::kDrop, .direction = Direction::kFromIut, .index = 2, .count = 2});
  for (const char* m : {"1", "2", "3", "4", "5"}) s.iut.SendTo(s.relay->listen_address(), B(m));
  ASSERT_TRUE(s.target.WaitFor([](auto& r) { return !r.empty() && r.back().data == B("5"); }, 2s));
  EXPECT_EQ(s.TargetSaw(), (std::vector<std::string>{"1", "4", "5"}));
}

std::vector<std::string> RunRateDrop(uint64_t seed) {
  UdpSetup s;
  if (!s.relay) return {};
  s.relay->Inject({.kind = Kind::kDrop, .direction = Direction::kFromIut, .rate = 0.3, .seed = seed});
  for (int i = 0; i < 200; ++i) s.iut.SendTo(s.relay->listen_address(), B(std::to_string(i)));
  if (!s.WaitFromIut(200)) return {};
  s.relay->ClearFaults();
  s.iut.SendTo(s.relay->listen_address(), B("end"));
  s.target.WaitFor([](auto& r) { return !r.empty() && r.back().data == B("end"); }, 2s);
  return s.TargetSaw();
}

TEST(WireRelay, SeededRateDropIsReproducible) {
  const auto a = RunRateDrop(42), b = RunRateDrop(42), c = RunRateDrop(7);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // 200 datagrams at 30 %: far from none and from all (plus the "end" marker).
  EXPECT_GT(a.size(), 100u);
  EXPECT_LT(a.size(), 180u);
  EXPECT_EQ(a.back(), "end");
}

TEST(WireRelay, DuplicateSendsTheDatagramTwice) {
  UdpSetup s;
  ASSERT_TRUE(s.relay);
  s.relay->Inject({.kind = Kind::kDuplicate, .direction = Direction::kFromIut});
  s.iut.SendTo(s.relay->listen_address(), B("a"));
  s.iut.SendTo(s.relay->listen_address(), B("b"));
  ASSERT_TRUE(s.target.WaitFor([](auto& r) { return !r.empty() && r.back().data == B("b"); }, 2s));
  EXPECT_EQ(s.TargetSaw(), (std::vector<std::string>{"a", "a", "b"}));
  EXPECT_EQ(s.relay->stats().duplicated, 1u);
}

TEST(WireRelay, ReorderSwapsTwoDatagrams) {
  UdpSetup s;
  ASSERT_TRUE(s.relay);
  s.relay->Inject({.kind = Kind::kReorder, .direction = Direction::kFromIut, .delay = 5000ms});
  for (const char* m : {"a", "b", "c"}) s.iut.SendTo(s.relay->listen_address(), B(m));
  ASSERT_TRUE(s.target.WaitForCount(3, 2s));
  EXPECT_EQ(s.TargetSaw(), (std::vector<std::string>{"b", "a", "c"}));
}

TEST(WireRelay, ReorderedDatagramIsReleasedByClearFaults) {
  UdpSetup s;
  ASSERT_TRUE(s.relay);
  s.relay->Inject({.kind = Kind::kReorder, .direction = Direction::kFromIut, .delay = 10000ms});
  s.iut.SendTo(s.relay->listen_address(), B("held"));
  ASSERT_TRUE(s.WaitFromIut(1));
  s.relay->ClearFaults();
  ASSERT_TRUE(s.target.WaitForCount(1, 2s));
  EXPECT_EQ(s.TargetSaw(), (std::vector<std::string>{"held"}));
}

TEST(WireRelay, CorruptFlipsOneByteAtTheOffset) {
  UdpSetup s;
  ASSERT_TRUE(s.relay);
  s.relay->Inject({.kind = Kind::kCorrupt, .direction = Direction::kToIut, .offset = 1});
  EXPECT_EQ(s.RoundTrip(B("abc")), (Bytes{'a', static_cast<uint8_t>('b' ^ 0xFF), 'c'}));
  EXPECT_EQ(s.TargetSaw(), (std::vector<std::string>{"abc"}));  // the other direction is untouched
  EXPECT_EQ(s.RoundTrip(B("abc")), B("abc"));                   // count 1: only once
  EXPECT_EQ(s.relay->stats().corrupted, 1u);
}

TEST(WireRelay, SeededCorruptFlipsExactlyOneByte) {
  UdpSetup s;
  ASSERT_TRUE(s.relay);
  s.relay->Inject({.kind = Kind::kCorrupt, .direction = Direction::kFromIut, .seed = 3});
  const Bytes sent = B("0123456789");
  const Bytes got = s.RoundTrip(sent);
  ASSERT_EQ(got.size(), sent.size());
  int differing = 0;
  for (size_t i = 0; i < sent.size(); ++i)
    if (got[i] != sent[i]) {
      ++differing;
      EXPECT_EQ(got[i], sent[i] ^ 0xFF);
    }
  EXPECT_EQ(differing, 1);
}

TEST(WireRelay, DelayHoldsTheDatagramAtLeastThatLong) {
  UdpSetup s;
  ASSERT_TRUE(s.relay);
  s.relay->Inject({.kind = Kind::kDelay, .direction = Direction::kFromIut, .delay = 150ms});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(s.RoundTrip(B("slow")), B("slow"));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  EXPECT_EQ(s.relay->stats().delayed, 1u);
  // The next one is not delayed (count 1). Checked on the counter, not the clock: a loaded machine
  // may take long either way.
  EXPECT_EQ(s.RoundTrip(B("fast")), B("fast"));
  EXPECT_EQ(s.relay->stats().delayed, 1u);
}

TEST(WireRelay, BlackholeDropsEverythingUntilCleared) {
  UdpSetup s;
  ASSERT_TRUE(s.relay);
  s.relay->Inject({.kind = Kind::kBlackhole, .direction = Direction::kToIut});
  for (const char* m : {"1", "2", "3"}) s.iut.SendTo(s.relay->listen_address(), B(m));
  ASSERT_TRUE(s.relay->WaitForStats([](const RelayStats& st) { return st.dropped >= 3; }, 2s));
  EXPECT_FALSE(s.iut.Receive(50ms));
  EXPECT_EQ(s.TargetSaw().size(), 3u);  // the other direction passes
  s.relay->ClearFaults();
  EXPECT_EQ(s.RoundTrip(B("4")), B("4"));  // and not "1": those were dropped, not held
}

TEST(WireRelay, RebindChangesTheSourcePortTheTargetSees) {
  TempDir dir;
  auto rec = Recorder::Open(dir.File("rebind.pcapng"));
  ASSERT_TRUE(rec.ok());
  UdpSetup s(rec->get());
  ASSERT_TRUE(s.relay);
  EXPECT_EQ(s.RoundTrip(B("before")), B("before"));
  s.relay->Inject({.kind = Kind::kRebind});
  EXPECT_EQ(s.RoundTrip(B("after")), B("after"));  // replies reach the IUT through the new binding
  auto seen = s.target.received();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].from.ip, seen[1].from.ip);
  EXPECT_NE(seen[0].from.port, seen[1].from.port);
  EXPECT_EQ(s.relay->upstream_addresses(), std::vector<SocketAddress>{seen[1].from});
  EXPECT_EQ(s.relay->stats().rebinds, 1u);
  // The tester still answering the old port: recorded, not forwarded.
  s.target.SendTo(seen[0].from, B("stale"));
  EXPECT_EQ(s.RoundTrip(B("third")), B("third"));
  EXPECT_EQ(seen[1].from, s.target.received().back().from);  // once only
  ASSERT_TRUE((*rec)->Close().ok());
  if (!TsharkAvailable()) return;
  TsharkResult r = RunTshark({"-r", dir.File("rebind.pcapng"), "-T", "fields", "-E", "separator=|", "-e",
                              "udp.srcport", "-e", "frame.comment"});
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 7u) << r.out;
  EXPECT_EQ(lines[2], std::to_string(seen[1].from.port) + "|rebound by fault: new source port " +
                          std::to_string(seen[1].from.port));
  // The stale datagram reached the relay before "third" was sent; its frame is 5 or 6.
  EXPECT_TRUE(lines[4].find("retired by a rebind: not forwarded") != std::string::npos ||
              lines[5].find("retired by a rebind: not forwarded") != std::string::npos)
      << r.out;
}

TEST(WireRelay, DirectionsFollowTheIutSide) {
  // IUT behind the relay as the target (an IUT server); the tester talks to the listen address.
  UdpEchoPeer iut_server;
  UdpClient tester;
  auto r = Relay::Start(
      {.transport = Transport::kUdp, .target = iut_server.address(), .iut_side = IutSide::kTarget}, nullptr);
  ASSERT_TRUE(r.ok());
  (*r)->Inject({.kind = Kind::kDrop, .direction = Direction::kToIut, .index = 1});
  tester.SendTo((*r)->listen_address(), B("x"));
  tester.SendTo((*r)->listen_address(), B("y"));
  auto echo = tester.Receive(2s);
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->data, B("y"));
  EXPECT_EQ((*r)->stats().to_iut, 2u);
  EXPECT_EQ((*r)->stats().from_iut, 1u);
}

TEST(WireRelay, StopIsPromptWithDelayedDatagramsPending) {
  UdpSetup s;
  ASSERT_TRUE(s.relay);
  s.relay->Inject({.kind = Kind::kDelay, .delay = 60000ms});
  s.iut.SendTo(s.relay->listen_address(), B("late"));
  ASSERT_TRUE(s.WaitFromIut(1));
  const auto start = std::chrono::steady_clock::now();
  s.relay->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2000ms);  // not the 60 s of the delay
  s.relay->Stop();  // idempotent
}

TEST(WireRelay, FloodOfTenThousandDatagramsLosesNothingAndRecordsAll) {
  TempDir dir;
  auto rec = Recorder::Open(dir.File("flood.pcapng"));
  ASSERT_TRUE(rec.ok());
  UdpSetup s(rec->get());
  ASSERT_TRUE(s.relay);
  constexpr int kTotal = 10000, kWindow = 32;
  int sent = 0, received = 0;
  std::set<std::string> got;
  while (received < kTotal) {
    while (sent < kTotal && sent - received < kWindow) s.iut.SendTo(s.relay->listen_address(), B(std::to_string(sent++)));
    auto d = s.iut.Receive(2s);
    ASSERT_TRUE(d) << "lost after " << received << " echoes";
    got.emplace(d->data.begin(), d->data.end());
    ++received;
  }
  EXPECT_EQ(got.size(), static_cast<size_t>(kTotal));
  EXPECT_EQ(s.relay->stats().from_iut, static_cast<uint64_t>(kTotal));
  EXPECT_EQ(s.relay->stats().to_iut, static_cast<uint64_t>(kTotal));
  s.relay->Stop();
  EXPECT_EQ((*rec)->frames(), 2u * kTotal);
  ASSERT_TRUE((*rec)->Close().ok());
  if (!TsharkAvailable()) return;
  TsharkResult r = RunTshark({"-r", dir.File("flood.pcapng"), "-T", "fields", "-e", "frame.number"});
  EXPECT_EQ(Lines(r.out).size(), 2u * kTotal);
}

// ---------------- TCP ----------------

struct TcpSetup {
  explicit TcpSetup(Recorder* rec = nullptr) {
    auto r = Relay::Start({.transport = Transport::kTcp, .target = server.address()}, rec);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) relay = std::move(*r);
  }
  TcpEchoServer server;
  std::unique_ptr<Relay> relay;
};

TEST(WireRelay, TcpRoundTripAndCloseArePiped) {
  TempDir dir;
  auto rec = Recorder::Open(dir.File("tcp.pcapng"));
  ASSERT_TRUE(rec.ok());
  (*rec)->SetComment("case=tcp step=1");
  TcpSetup s(rec->get());
  ASSERT_TRUE(s.relay);
  {
    TcpClient c(s.relay->listen_address());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.Send(B("hello tcp")));
    EXPECT_EQ(c.ReadExactly(9, 2s), B("hello tcp"));
    Bytes big(200000);
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7);
    ASSERT_TRUE(c.Send(big));
    EXPECT_EQ(c.ReadExactly(big.size(), 5s), big);
    c.ShutdownWrite();
    EXPECT_TRUE(c.WaitForEof(2s));  // the echo server closed after our FIN crossed the relay
  }
  EXPECT_EQ(s.server.connections(), 1u);
  s.relay->Stop();
  ASSERT_TRUE((*rec)->Close().ok());
  if (!TsharkAvailable()) return;
  TsharkResult r = RunTshark({"-r", dir.File("tcp.pcapng"), "-T", "fields", "-e", "tcp.len"});
  uint64_t total = 0;
  for (auto& l : Lines(r.out)) total += std::stoull(l.empty() ? "0" : l);
  EXPECT_EQ(total, 2u * (9 + 200000));
  TsharkResult flags = RunTshark({"-r", dir.File("tcp.pcapng"), "-Y", "tcp.analysis.flags && !tcp.analysis.window_update"});
  EXPECT_EQ(flags.out, "");
}

TEST(WireRelay, TcpCorruptAndDropApplyToReads) {
  TcpSetup s;
  ASSERT_TRUE(s.relay);
  TcpClient c(s.relay->listen_address());
  ASSERT_TRUE(c.connected());
  s.relay->Inject({.kind = Kind::kCorrupt, .direction = Direction::kFromIut, .offset = 0});
  ASSERT_TRUE(c.Send(B("xyz")));
  EXPECT_EQ(c.ReadExactly(3, 2s), (Bytes{static_cast<uint8_t>('x' ^ 0xFF), 'y', 'z'}));
  s.relay->Inject({.kind = Kind::kDrop, .direction = Direction::kToIut});
  ASSERT_TRUE(c.Send(B("gone")));
  ASSERT_TRUE(s.relay->WaitForStats([](const RelayStats& st) { return st.dropped >= 1; }, 2s));
  ASSERT_TRUE(c.Send(B("kept")));
  EXPECT_EQ(c.ReadExactly(4, 2s), B("kept"));
}

TEST(WireRelay, TcpRebindAbortsTheConnection) {
  TcpSetup s;
  ASSERT_TRUE(s.relay);
  TcpClient c(s.relay->listen_address());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(B("one")));
  EXPECT_EQ(c.ReadExactly(3, 2s), B("one"));
  s.relay->Inject({.kind = Kind::kRebind});
  ASSERT_TRUE(c.Send(B("two")));
  EXPECT_EQ(c.ReadExactly(3, 2s), Bytes{});  // reset, nothing echoed
  EXPECT_EQ(s.relay->stats().rebinds, 1u);
}

}  // namespace
}  // namespace lwm2m::wire
