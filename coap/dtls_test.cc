// dtls_test.cc: CoAP over DTLS 1.2 (RFC 7252 §9) with PSK and certificates:
// the identity the server sees, failing handshakes that end promptly, the
// LwM2M mandatory suite TLS_PSK_WITH_AES_128_CCM_8 (Transport TS 1.2 §5.2.8),
// and the NSS key log.
#include <gtest/gtest.h>

#include "coap/context.h"
#include "coap/test_support.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using testing::Response;
using testing::ToBytes;

const Bytes kKey = {0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x31, 0x32, 0x33, 0x34, 0x35};

ContextOptions PskServer(std::string cipher_list = {}) {
  ContextOptions o;
  o.server_security = Security::PskServer([](std::string_view id) -> std::optional<Bytes> {
    if (id == "node-1") return kKey;
    if (id == "node-2") return Bytes{1, 2, 3, 4, 5, 6, 7, 8};
    return std::nullopt;
  });
  o.server_security.cipher_list = std::move(cipher_list);
  return o;
}

struct Pair {
  explicit Pair(ContextOptions server_options, std::string ip = "127.0.0.1") : server(std::move(server_options)) {
    auto ep = server.Listen({.transport = Transport::kDtls, .ip = ip});
    if (ep.ok()) endpoint = *ep;
    server.SetRequestHandler([this](const Peer& peer, const CoapMessage& req, Responder& r) {
      last_peer = peer;
      r.Respond(Response(CoapCode::kContent, "hello " + req.UriPath()));
    });
  }
  // Sends GET /x over a new session and waits for the outcome.
  Reply Get(const Security& sec, std::shared_ptr<Session>* out = nullptr, const Timing& timing = {}) {
    auto s = client.Connect(Transport::kDtls, endpoint->address(), sec, timing);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return {};
    Reply reply;
    bool done = false;
    EXPECT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kGet, "/x"), [&](const Reply& r) {
      reply = r;
      done = true;
    }).ok());
    EXPECT_TRUE(RunUntil({&server, &client}, [&] { return done; }, 15s));
    if (out != nullptr) *out = *s;
    return reply;
  }
  Context server;
  Context client;
  std::shared_ptr<Endpoint> endpoint;
  Peer last_peer;
};

TEST(Dtls, PskRequestResponseAndTheServerSeesTheIdentity) {
  for (const char* ip : {"127.0.0.1", "::1"}) {
    Pair p(PskServer(), ip);
    ASSERT_NE(p.endpoint, nullptr);
    std::shared_ptr<Session> s;
    Reply r = p.Get(Security::Psk("node-1", kKey), &s);
    ASSERT_TRUE(r.ok()) << OutcomeName(r.outcome) << " " << r.detail;
    EXPECT_EQ(std::string(r.response.payload.begin(), r.response.payload.end()), "hello /x");
    EXPECT_EQ(p.last_peer.transport, Transport::kDtls);
    EXPECT_EQ(p.last_peer.security, SecurityMode::kPsk);
    EXPECT_EQ(p.last_peer.psk_identity, "node-1");
    EXPECT_EQ(p.last_peer.session->psk_identity(), "node-1");
    EXPECT_EQ(p.last_peer.remote, s->local());
    EXPECT_EQ(s->state(), SessionState::kEstablished);
    EXPECT_EQ(s->tls_protocol(), "DTLSv1.2");
  }
}

// With a wrong key the server cannot decrypt the client's Finished; DTLS drops
// such records silently (RFC 6347 §4.1.2.7), so no alert comes back and the
// handshake ends by timeout: ours (handshake_timeout) or libcoap's flight
// retransmissions (MAX_RETRANSMIT of them, 1 s doubling).
TEST(Dtls, WrongKeyFailsTheHandshakeWithinTheHandshakeTimeout) {
  Pair p(PskServer());
  std::vector<SessionEvent> events;
  p.client.SetSessionEventHandler([&](const SessionEvent& e) { events.push_back(e); });
  auto start = std::chrono::steady_clock::now();
  std::shared_ptr<Session> s;
  Reply r = p.Get(Security::Psk("node-1", Bytes{9, 9, 9, 9}), &s, {.handshake_timeout = 1500ms});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.outcome, Outcome::kSecurityFailed) << OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(s->state(), SessionState::kFailed);
  EXPECT_FALSE(s->failure().empty());
  EXPECT_GE(took, 1400ms);
  EXPECT_LT(took, 3s);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, SessionEventKind::kFailed);
  EXPECT_FALSE(s->Send(CoapMessage::Request(CoapCode::kGet, "/x"), [](const Reply&) {}).ok());
}

TEST(Dtls, WrongKeyFailsByLibcoapRetransmissionLimitToo) {
  Pair p(PskServer());
  auto start = std::chrono::steady_clock::now();
  Reply r = p.Get(Security::Psk("node-1", Bytes{9, 9, 9, 9}), nullptr, {.max_retransmit = 1});
  EXPECT_EQ(r.outcome, Outcome::kSecurityFailed) << OutcomeName(r.outcome) << " " << r.detail;
  // 1 s + 2 s of flight timers; a server flight retransmitted in between restarts the client's
  // OpenSSL timer, so under load it can take one more doubling (+4 s).
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(Dtls, UnknownIdentityIsRejectedWithAnAlert) {
  Pair p(PskServer());
  auto start = std::chrono::steady_clock::now();
  Reply r = p.Get(Security::Psk("intruder", kKey));
  EXPECT_EQ(r.outcome, Outcome::kSecurityFailed) << OutcomeName(r.outcome);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(Dtls, Ccm8SuiteWhenTheClientAsksForIt) {
  Pair p(PskServer());
  Security sec = Security::Psk("node-1", kKey);
  sec.cipher_list = "PSK-AES128-CCM8";
  std::shared_ptr<Session> s;
  ASSERT_TRUE(p.Get(sec, &s).ok());
  EXPECT_EQ(s->cipher(), "TLS_PSK_WITH_AES_128_CCM_8");
  EXPECT_EQ(p.last_peer.session->cipher(), "TLS_PSK_WITH_AES_128_CCM_8");
}

TEST(Dtls, Ccm8SuiteWhenTheServerInsists) {
  Pair p(PskServer("PSK-AES128-CCM8"));
  std::shared_ptr<Session> s;
  ASSERT_TRUE(p.Get(Security::Psk("node-1", kKey), &s).ok());
  EXPECT_EQ(s->cipher(), "TLS_PSK_WITH_AES_128_CCM_8");
}

TEST(Dtls, WithoutConfigurationLibcoapNegotiatesAnotherPskSuite) {
  Pair p(PskServer());
  std::shared_ptr<Session> s;
  ASSERT_TRUE(p.Get(Security::Psk("node-1", kKey), &s).ok());
  EXPECT_NE(s->cipher(), "");
  EXPECT_NE(s->cipher().find("PSK"), std::string::npos) << s->cipher();
}

TEST(Dtls, KeyLogHasClientRandomLinesOnBothSides) {
  Pair p(PskServer());
  std::vector<std::string> client_lines, server_lines;
  p.client.SetKeyLog([&](std::string_view l) { client_lines.emplace_back(l); });
  p.server.SetKeyLog([&](std::string_view l) { server_lines.emplace_back(l); });
  ASSERT_TRUE(p.Get(Security::Psk("node-1", kKey)).ok());
  ASSERT_EQ(client_lines.size(), 1u);
  ASSERT_EQ(server_lines.size(), 1u);
  // NSS format: "CLIENT_RANDOM <64 hex> <96 hex>" (48-byte master secret of (D)TLS 1.2).
  EXPECT_EQ(client_lines[0].rfind("CLIENT_RANDOM ", 0), 0u) << client_lines[0];
  EXPECT_EQ(client_lines[0].size(), std::string("CLIENT_RANDOM ").size() + 64 + 1 + 96);
  EXPECT_EQ(client_lines[0], server_lines[0]);
}

TEST(Dtls, WireHookSeesPlaintextWithIdentityAndAddresses) {
  Pair p(PskServer());
  testing::WireLog slog, clog;
  p.server.SetWireHook(slog.Hook());
  p.client.SetWireHook(clog.Hook());
  std::shared_ptr<Session> s;
  ASSERT_TRUE(p.Get(Security::Psk("node-1", kKey), &s).ok());
  ASSERT_EQ(slog.events.size(), 2u);
  ASSERT_EQ(clog.events.size(), 2u);
  const WireEvent& rx = slog.events[0];
  EXPECT_EQ(rx.direction, Direction::kReceived);
  EXPECT_EQ(rx.transport, Transport::kDtls);
  EXPECT_EQ(rx.security, SecurityMode::kPsk);
  EXPECT_EQ(rx.psk_identity, "node-1");
  EXPECT_EQ(rx.parsed.message.code, CoapCode::kGet);
  EXPECT_EQ(rx.parsed.message.UriPath(), "/x");
  EXPECT_EQ(rx.local, p.endpoint->address());
  EXPECT_EQ(rx.remote, s->local());
  EXPECT_EQ(clog.events[0].direction, Direction::kSent);
  EXPECT_EQ(clog.events[0].bytes, rx.bytes);
  EXPECT_EQ(clog.events[0].psk_identity, "node-1");
  EXPECT_EQ(slog.events[1].bytes, clog.events[1].bytes);
}

TEST(Dtls, CertificatesBothWays) {
  testing::TestCerts certs = testing::MakeTestCerts();
  ASSERT_TRUE(certs.error.empty()) << certs.error;
  ContextOptions o;
  o.server_security = Security::Certificate(certs.server_cert, certs.server_key, certs.ca_cert);
  Pair p(o);
  ASSERT_NE(p.endpoint, nullptr);
  std::shared_ptr<Session> s;
  Reply r = p.Get(Security::Certificate(certs.client_cert, certs.client_key, certs.ca_cert), &s);
  ASSERT_TRUE(r.ok()) << OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(p.last_peer.security, SecurityMode::kCertificate);
  EXPECT_EQ(s->tls_protocol(), "DTLSv1.2");
  EXPECT_EQ(s->cipher().find("PSK"), std::string::npos) << s->cipher();
}

TEST(Dtls, CertificateFromAnotherCaIsRejected) {
  testing::TestCerts a = testing::MakeTestCerts();
  testing::TestCerts b = testing::MakeTestCerts();
  ASSERT_TRUE(a.error.empty() && b.error.empty());
  ContextOptions o;
  o.server_security = Security::Certificate(a.server_cert, a.server_key, a.ca_cert);
  Pair p(o);
  Reply r = p.Get(Security::Certificate(b.client_cert, b.client_key, b.ca_cert));
  EXPECT_EQ(r.outcome, Outcome::kSecurityFailed) << OutcomeName(r.outcome);
}

TEST(Dtls, SecureTransportWithoutCredentialsIsRefused) {
  Context c;
  EXPECT_FALSE(c.Connect("coaps://127.0.0.1:5684").ok());
  EXPECT_FALSE(c.Listen({.transport = Transport::kDtls}).ok());  // no server_security
  EXPECT_FALSE(c.Connect("coap://127.0.0.1:5683", Security::Psk("a", {1})).ok());
}

}  // namespace
}  // namespace lwm2m::coap
