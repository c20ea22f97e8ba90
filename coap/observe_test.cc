// observe_test.cc: Observe (RFC 7641) both ways: the server keeps observers and
// notifies (CON and NON) with increasing sequence numbers; the client receives
// them and cancels with GET Observe=1 or with RST; also over TCP.
#include <gtest/gtest.h>

#include "coap/context.h"
#include "coap/test_support.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using testing::Response;

struct ObservePair {
  explicit ObservePair(Transport t = Transport::kUdp) {
    auto ep = server.Listen({.transport = t});
    EXPECT_TRUE(ep.ok());
    endpoint = *ep;
    server.SetRequestHandler([this](const Peer&, const CoapMessage& req, Responder& r) {
      ++requests;
      if (req.Observe() == 0u) {
        observation = r.AcceptObserve();
        observation->SetOnCancel([this](const std::string& why) { cancelled = why; });
      }
      r.Respond(Response(CoapCode::kContent, "v0"));
    });
    server.SetWireHook(slog.Hook());
    client.SetWireHook(clog.Hook());
    auto s = client.Connect(t, endpoint->address());
    EXPECT_TRUE(s.ok());
    session = *s;
  }
  bool Run(const std::function<bool()>& pred) { return RunUntil({&server, &client}, pred, 10s); }
  void Observe() {
    auto t = session->Observe(CoapMessage::Request(CoapCode::kGet, "/3/0/13"), [this](const Reply& r) {
      replies.push_back(r);
    });
    ASSERT_TRUE(t.ok());
    token = *t;
    ASSERT_TRUE(Run([&] { return replies.size() == 1 && observation != nullptr; }));
  }

  Context server, client;
  std::shared_ptr<Endpoint> endpoint;
  std::shared_ptr<Session> session;
  std::shared_ptr<Observation> observation;
  std::vector<Reply> replies;
  std::string cancelled;
  Bytes token;
  int requests = 0;
  testing::WireLog slog, clog;
};

std::vector<uint32_t> Sequences(const std::vector<Reply>& replies) {
  std::vector<uint32_t> out;
  for (const auto& r : replies) {
    if (r.ok() && r.response.Observe()) out.push_back(*r.response.Observe());
  }
  return out;
}

TEST(Observe, NotificationsArriveWithIncreasingSequenceNumbers) {
  ObservePair p;
  p.Observe();
  EXPECT_TRUE(p.observation->active());
  EXPECT_EQ(p.observation->path(), "/3/0/13");
  EXPECT_EQ(p.observation->token(), p.token);
  ASSERT_TRUE(p.observation->Notify(Response(CoapCode::kContent, "v1"), CoapType::kNonConfirmable).ok());
  ASSERT_TRUE(p.observation->Notify(Response(CoapCode::kContent, "v2"), CoapType::kConfirmable).ok());
  ASSERT_TRUE(p.observation->Notify(Response(CoapCode::kContent, "v3"), CoapType::kNonConfirmable).ok());
  ASSERT_TRUE(p.Run([&] { return p.replies.size() == 4; }));
  std::vector<uint32_t> seq = Sequences(p.replies);
  ASSERT_EQ(seq.size(), 4u);
  for (size_t i = 1; i < seq.size(); ++i) EXPECT_GT(seq[i], seq[i - 1]);
  EXPECT_EQ(std::string(p.replies[3].response.payload.begin(), p.replies[3].response.payload.end()), "v3");
  EXPECT_EQ(p.replies[2].response.type, CoapType::kConfirmable);
  EXPECT_EQ(p.replies[1].response.type, CoapType::kNonConfirmable);
  EXPECT_EQ(p.observation->last_sequence(), seq.back());
  // The client acknowledged the CON notification.
  EXPECT_TRUE(p.Run([&] { return p.slog.Count(Direction::kReceived, CoapCode::kEmpty, CoapType::kAcknowledgement) == 1; }));
}

TEST(Observe, CancelWithGetStopsNotifications) {
  ObservePair p;
  p.Observe();
  ASSERT_TRUE(p.observation->Notify(Response(CoapCode::kContent, "v1")).ok());
  ASSERT_TRUE(p.Run([&] { return p.replies.size() == 2; }));
  ASSERT_TRUE(p.session->CancelObserve(p.token, Session::CancelBy::kGet).ok());
  // The server sees GET with Observe=1 and the same token; the observation ends.
  ASSERT_TRUE(p.Run([&] { return p.replies.size() == 3 && !p.observation->active(); }));
  EXPECT_EQ(p.cancelled, "deregistered");
  EXPECT_EQ(p.requests, 2);
  EXPECT_FALSE(p.replies.back().response.HasOption(CoapOption::kObserve));
  EXPECT_FALSE(p.observation->Notify(Response(CoapCode::kContent, "v2")).ok());
  bool deregistration_seen = false;
  for (const auto& e : p.slog.events) {
    if (e.direction == Direction::kReceived && e.parsed.message.code == CoapCode::kGet &&
        e.parsed.message.Observe() == 1u && e.parsed.message.token == p.token) {
      deregistration_seen = true;
    }
  }
  EXPECT_TRUE(deregistration_seen);
}

TEST(Observe, CancelWithResetEndsTheObservationAtTheServer) {
  ObservePair p;
  p.Observe();
  ASSERT_TRUE(p.session->CancelObserve(p.token, Session::CancelBy::kReset).ok());
  for (CoapType type : {CoapType::kNonConfirmable, CoapType::kConfirmable}) {
    SCOPED_TRACE(type == CoapType::kConfirmable ? "CON" : "NON");
    if (type == CoapType::kConfirmable) {
      // Observe again, then cancel the CON way.
      p.replies.clear();
      p.observation.reset();
      p.cancelled.clear();
      p.Observe();
      ASSERT_TRUE(p.session->CancelObserve(p.token, Session::CancelBy::kReset).ok());
    }
    ASSERT_TRUE(p.observation->Notify(Response(CoapCode::kContent, "late"), type).ok());
    ASSERT_TRUE(p.Run([&] { return !p.cancelled.empty(); }));
    EXPECT_FALSE(p.observation->active());
    EXPECT_EQ(p.replies.back().outcome, Outcome::kCancelled);
  }
  EXPECT_EQ(p.clog.Count(Direction::kSent, CoapCode::kEmpty, CoapType::kReset), 2u);
}

TEST(Observe, ErrorNotificationEndsTheObservation) {
  ObservePair p;
  p.Observe();
  ASSERT_TRUE(p.observation->Notify(Response(CoapCode::kNotFound)).ok());
  EXPECT_FALSE(p.observation->active());
  ASSERT_TRUE(p.Run([&] { return p.replies.size() == 2; }));
  EXPECT_EQ(p.replies.back().response.code, CoapCode::kNotFound);
  // The client forgot the token: a later notification would be answered with RST.
}

TEST(Observe, UnansweredConNotificationEndsTheObservation) {
  ObservePair p;
  testing::RawUdp raw;
  // CON GET mid 0x0101 token 0x42, Observe 0, Uri-Path "t" (RFC 7641 §2, RFC 7252 §3).
  ASSERT_TRUE(raw.SendTo(p.endpoint->address(), Bytes{0x41, 0x01, 0x01, 0x01, 0x42, 0x60, 0x51, 't'}));
  std::vector<Bytes> got;
  ASSERT_TRUE(p.Run([&] {
    for (auto& d : raw.Drain()) got.push_back(d);
    return !got.empty() && p.observation != nullptr;
  }));
  ASSERT_TRUE(p.observation->session()->SetTiming({.ack_timeout = 1000ms, .ack_random_factor = 1.0,
                                                   .max_retransmit = 1}).ok());
  ASSERT_TRUE(p.observation->Notify(Response(CoapCode::kContent, "v1"), CoapType::kConfirmable).ok());
  EXPECT_TRUE(p.observation->active());
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(RunUntil({&p.server}, [&] { return !p.observation->active(); }, 10s));
  // 1 s + 2 s with ACK_RANDOM_FACTOR 1.0 and MAX_RETRANSMIT 1 (RFC 7641 §4.5: the observer is removed).
  EXPECT_GE(std::chrono::steady_clock::now() - start, 2900ms);
  EXPECT_EQ(p.cancelled, "no ACK after MAX_RETRANSMIT retransmissions");
  EXPECT_EQ(p.slog.Count(Direction::kSent, CoapCode::kContent, CoapType::kConfirmable), 2u);
  for (auto& d : raw.Drain()) got.push_back(d);
  EXPECT_EQ(got.size(), 3u);  // the response, the notification and its retransmission
}

TEST(Observe, OverTcp) {
  ObservePair p(Transport::kTcp);
  p.Observe();
  ASSERT_TRUE(p.observation->Notify(Response(CoapCode::kContent, "t1")).ok());
  ASSERT_TRUE(p.observation->Notify(Response(CoapCode::kContent, "t2")).ok());
  ASSERT_TRUE(p.Run([&] { return p.replies.size() == 3; }));
  std::vector<uint32_t> seq = Sequences(p.replies);
  ASSERT_EQ(seq.size(), 3u);
  EXPECT_LT(seq[0], seq[1]);
  EXPECT_LT(seq[1], seq[2]);
  ASSERT_TRUE(p.session->CancelObserve(p.token).ok());
  ASSERT_TRUE(p.Run([&] { return !p.observation->active(); }));
}

TEST(Observe, ClientSideObservationServedByTheClientContext) {
  // An LwM2M client is the CoAP server for Observe: the server side observes over the registration session.
  ObservePair p;
  std::shared_ptr<Observation> client_obs;
  p.client.SetRequestHandler([&](const Peer&, const CoapMessage&, Responder& r) {
    client_obs = r.AcceptObserve();
    r.Respond(Response(CoapCode::kContent, "22.5"));
  });
  std::shared_ptr<Session> back;
  p.server.SetRequestHandler([&](const Peer& peer, const CoapMessage&, Responder& r) {
    back = peer.session;
    r.Respond(Response(CoapCode::kCreated));
  });
  bool registered = false;
  ASSERT_TRUE(p.session->Send(CoapMessage::Request(CoapCode::kPost, "/rd?ep=c"), [&](const Reply&) {
    registered = true;
  }).ok());
  ASSERT_TRUE(p.Run([&] { return registered; }));
  std::vector<Reply> got;
  ASSERT_TRUE(back->Observe(CoapMessage::Request(CoapCode::kGet, "/3303/0/5700"), [&](const Reply& r) {
    got.push_back(r);
  }).ok());
  ASSERT_TRUE(p.Run([&] { return got.size() == 1 && client_obs != nullptr; }));
  ASSERT_TRUE(client_obs->Notify(Response(CoapCode::kContent, "23.0")).ok());
  ASSERT_TRUE(p.Run([&] { return got.size() == 2; }));
  EXPECT_EQ(std::string(got[1].response.payload.begin(), got[1].response.payload.end()), "23.0");
}

}  // namespace
}  // namespace lwm2m::coap
