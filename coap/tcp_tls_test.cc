// tcp_tls_test.cc: CoAP over TCP and TLS (RFC 8323): CSM exchange, Ping/Pong
// signalling, PSK over TLS 1.2 and 1.3, certificates, TLS 1.3 key log labels.
#include <gtest/gtest.h>

#include <set>

#include "coap/context.h"
#include "coap/test_support.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using testing::Response;

const Bytes kKey = {0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xA0, 0xB0, 0xC0, 0xD0, 0xE0, 0xF0, 0x00};

struct TcpPair {
  TcpPair(Transport t, ContextOptions server_options, std::string ip = "127.0.0.1") : server(std::move(server_options)) {
    auto ep = server.Listen({.transport = t, .ip = ip});
    EXPECT_TRUE(ep.ok()) << ep.status().ToString();
    if (ep.ok()) endpoint = *ep;
    server.SetRequestHandler([this](const Peer& peer, const CoapMessage& req, Responder& r) {
      last_peer = peer;
      r.Respond(Response(CoapCode::kContent, "tcp " + req.UriPath()));
    });
    server.SetWireHook(slog.Hook());
    client.SetWireHook(clog.Hook());
  }
  Reply Get(Transport t, const Security& sec = {}) {
    auto s = client.Connect(t, endpoint->address(), sec);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return {};
    session = *s;
    Reply reply;
    bool done = false;
    EXPECT_TRUE(session->Send(CoapMessage::Request(CoapCode::kGet, "/3/0/2"), [&](const Reply& r) {
      reply = r;
      done = true;
    }).ok());
    EXPECT_TRUE(RunUntil({&server, &client}, [&] { return done; }, 10s));
    return reply;
  }
  Context server, client;
  std::shared_ptr<Endpoint> endpoint;
  std::shared_ptr<Session> session;
  Peer last_peer;
  testing::WireLog slog, clog;
};

ContextOptions PskOptions(TlsVersion v = TlsVersion::kAny) {
  ContextOptions o;
  o.server_security = Security::PskServer([](std::string_view id) -> std::optional<Bytes> {
    return id == "tcp-node" ? std::optional<Bytes>(kKey) : std::nullopt;
  });
  o.server_security.tls_version = v;
  return o;
}

TEST(Tcp, RequestResponseWithCsmBothWays) {
  for (const char* ip : {"127.0.0.1", "::1"}) {
    TcpPair p(Transport::kTcp, {}, ip);
    Reply r = p.Get(Transport::kTcp);
    ASSERT_TRUE(r.ok()) << OutcomeName(r.outcome) << " " << r.detail;
    EXPECT_EQ(std::string(r.response.payload.begin(), r.response.payload.end()), "tcp /3/0/2");
    EXPECT_EQ(p.session->state(), SessionState::kEstablished);
    EXPECT_EQ(p.last_peer.transport, Transport::kTcp);
    EXPECT_EQ(p.last_peer.remote, p.session->local());
    // RFC 8323 §5.3: each side sends one CSM first.
    EXPECT_EQ(p.clog.Count(Direction::kSent, CoapCode::kCsm), 1u);
    EXPECT_EQ(p.clog.Count(Direction::kReceived, CoapCode::kCsm), 1u);
    EXPECT_EQ(p.slog.Count(Direction::kSent, CoapCode::kCsm), 1u);
    EXPECT_EQ(p.slog.Count(Direction::kReceived, CoapCode::kCsm), 1u);
    EXPECT_EQ(p.clog.events.front().parsed.message.code, CoapCode::kCsm);
    EXPECT_EQ(p.clog.Count(Direction::kSent, CoapCode::kGet), 1u);
    EXPECT_EQ(p.slog.Count(Direction::kReceived, CoapCode::kGet), 1u);
    EXPECT_EQ(p.slog.Count(Direction::kSent, CoapCode::kContent), 1u);
    for (const auto& e : p.clog.events) {
      EXPECT_EQ(e.transport, Transport::kTcp);
      EXPECT_EQ(e.remote, p.endpoint->address());
      EXPECT_FALSE(e.parsed.HasErrors()) << e.parsed.message.Summary();
    }
  }
}

TEST(Tcp, PingIsAnsweredWithPong) {
  TcpPair p(Transport::kTcp, {});
  ASSERT_TRUE(p.Get(Transport::kTcp).ok());
  ASSERT_TRUE(p.session->Ping().ok());
  ASSERT_TRUE(RunUntil({&p.server, &p.client}, [&] { return p.clog.Count(Direction::kReceived, CoapCode::kPong) == 1; },
                       5s));
  EXPECT_EQ(p.clog.Count(Direction::kSent, CoapCode::kPing), 1u);
  EXPECT_EQ(p.slog.Count(Direction::kReceived, CoapCode::kPing), 1u);
  EXPECT_EQ(p.slog.Count(Direction::kSent, CoapCode::kPong), 1u);
}

TEST(Tcp, ServerSendsARequestOverTheAcceptedConnection) {
  TcpPair p(Transport::kTcp, {});
  p.client.SetRequestHandler([](const Peer&, const CoapMessage& req, Responder& r) {
    r.Respond(Response(CoapCode::kChanged, req.UriPath()));
  });
  ASSERT_TRUE(p.Get(Transport::kTcp).ok());
  Reply reply;
  bool done = false;
  ASSERT_TRUE(p.last_peer.session->Send(CoapMessage::Request(CoapCode::kPut, "/1/0/1"), [&](const Reply& r) {
    reply = r;
    done = true;
  }).ok());
  ASSERT_TRUE(RunUntil({&p.server, &p.client}, [&] { return done; }, 5s));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(std::string(reply.response.payload.begin(), reply.response.payload.end()), "/1/0/1");
}

TEST(Tcp, DropSendsNothingAndDeferAnswersLater) {
  TcpPair p(Transport::kTcp, {});
  std::shared_ptr<DeferredResponse> later;
  p.server.SetRequestHandler([&](const Peer&, const CoapMessage& req, Responder& r) {
    if (req.UriPath() == "/drop") {
      r.Drop();
    } else {
      later = r.Defer();
    }
  });
  auto s = p.client.Connect(Transport::kTcp, p.endpoint->address());
  ASSERT_TRUE(s.ok());
  p.session = *s;
  int done = 0;
  ASSERT_TRUE(p.session->Send(CoapMessage::Request(CoapCode::kGet, "/drop"), [&](const Reply&) { ++done; }).ok());
  ASSERT_TRUE(p.session->Send(CoapMessage::Request(CoapCode::kGet, "/defer"), [&](const Reply&) { ++done; }).ok());
  ASSERT_TRUE(RunUntil({&p.server, &p.client}, [&] { return later != nullptr; }, 5s));
  ASSERT_TRUE(later->Respond(Response(CoapCode::kContent, "d")).ok());
  ASSERT_TRUE(RunUntil({&p.server, &p.client}, [&] { return done == 1; }, 5s));
  // No Empty (0.00) message and no response to /drop went out (RFC 8323 has no ACKs).
  EXPECT_EQ(p.slog.Count(Direction::kSent, CoapCode::kEmpty), 0u);
  EXPECT_EQ(p.clog.Count(Direction::kReceived, CoapCode::kContent), 1u);  // /defer only
}

TEST(Tcp, ConnectionRefusedFailsTheSession) {
  Context c;
  // A port nobody listens on: bind a UDP socket's port number and assume TCP is free there.
  testing::SilentUdpPeer peer;
  auto s = c.Connect(Transport::kTcp, peer.address());
  ASSERT_TRUE(s.ok());
  Reply reply;
  bool done = false;
  auto sent = (*s)->Send(CoapMessage::Request(CoapCode::kGet, "/"), [&](const Reply& r) {
    reply = r;
    done = true;
  });
  // Loopback may refuse at once (Send fails) or a moment later (the request fails).
  if (sent.ok()) {
    ASSERT_TRUE(c.RunUntil([&] { return done; }, 5s));
    EXPECT_EQ(reply.outcome, Outcome::kSessionClosed);
  }
  EXPECT_EQ((*s)->state(), SessionState::kFailed);
}

class TlsVersions : public ::testing::TestWithParam<TlsVersion> {};

TEST_P(TlsVersions, PskOverTls) {
  TcpPair p(Transport::kTls, PskOptions(GetParam()));
  Reply r = p.Get(Transport::kTls, Security::Psk("tcp-node", kKey));
  ASSERT_TRUE(r.ok()) << OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(p.last_peer.psk_identity, "tcp-node");
  EXPECT_EQ(p.last_peer.security, SecurityMode::kPsk);
  EXPECT_EQ(p.session->tls_protocol(), GetParam() == TlsVersion::kTls12 ? "TLSv1.2" : "TLSv1.3");
  EXPECT_EQ(p.clog.Count(Direction::kSent, CoapCode::kCsm), 1u);
  EXPECT_EQ(p.slog.Count(Direction::kReceived, CoapCode::kGet), 1u);
  for (const auto& e : p.slog.events) {
    EXPECT_EQ(e.transport, Transport::kTls);
    EXPECT_EQ(e.psk_identity, "tcp-node");
  }
}

TEST_P(TlsVersions, CertificatesOverTls) {
  testing::TestCerts certs = testing::MakeTestCerts();
  ASSERT_TRUE(certs.error.empty()) << certs.error;
  ContextOptions o;
  o.server_security = Security::Certificate(certs.server_cert, certs.server_key, certs.ca_cert);
  o.server_security.tls_version = GetParam();
  TcpPair p(Transport::kTls, o);
  Security client = Security::Certificate(certs.client_cert, certs.client_key, certs.ca_cert);
  Reply r = p.Get(Transport::kTls, client);
  ASSERT_TRUE(r.ok()) << OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(p.last_peer.security, SecurityMode::kCertificate);
  EXPECT_EQ(p.session->tls_protocol(), GetParam() == TlsVersion::kTls12 ? "TLSv1.2" : "TLSv1.3");
}

INSTANTIATE_TEST_SUITE_P(Tls, TlsVersions, ::testing::Values(TlsVersion::kTls12, TlsVersion::kTls13),
                         [](const auto& info) { return info.param == TlsVersion::kTls12 ? "v12" : "v13"; });

TEST(Tls, KeyLogCarriesTls13SecretLabels) {
  TcpPair p(Transport::kTls, PskOptions(TlsVersion::kTls13));
  std::vector<std::string> lines;
  p.client.SetKeyLog([&](std::string_view l) { lines.emplace_back(l); });
  ASSERT_TRUE(p.Get(Transport::kTls, Security::Psk("tcp-node", kKey)).ok());
  std::set<std::string> labels;
  for (const auto& l : lines) labels.insert(l.substr(0, l.find(' ')));
  EXPECT_TRUE(labels.count("CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
  EXPECT_TRUE(labels.count("SERVER_HANDSHAKE_TRAFFIC_SECRET"));
  EXPECT_TRUE(labels.count("CLIENT_TRAFFIC_SECRET_0"));
  EXPECT_TRUE(labels.count("SERVER_TRAFFIC_SECRET_0"));
}

TEST(Tls, WrongPskKeyFails) {
  TcpPair p(Transport::kTls, PskOptions());
  Reply r = p.Get(Transport::kTls, Security::Psk("tcp-node", Bytes{1, 2, 3}));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(p.session->state(), SessionState::kFailed);
}

}  // namespace
}  // namespace lwm2m::coap
