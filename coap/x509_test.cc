// x509_test.cc: X.509 certificate mode over DTLS 1.2 and TLS 1.2/1.3 (Transport TS 1.2 §5, research §2.12:
// the (D)TLS identity of a certificate client is its subject CN): the CN each side sees, the
// client's check of the server's name (RFC 6125) and SNI, a server offering PSK and
// certificates at once, an untrusted client certificate over TLS, and what the backend lacks (RPK).
#include <gtest/gtest.h>

#include "coap/context.h"
#include "coap/test_support.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using testing::Response;

const Bytes kKey = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x00};

struct CertPair {
  CertPair(Transport t, ContextOptions o) : transport(t), server(std::move(o)) {
    auto ep = server.Listen({.transport = t});
    EXPECT_TRUE(ep.ok()) << ep.status().ToString();
    if (ep.ok()) endpoint = *ep;
    server.SetRequestHandler([this](const Peer& peer, const CoapMessage&, Responder& r) {
      last_peer = peer;
      r.Respond(Response(CoapCode::kContent, "ok"));
    });
    server.SetWireHook(slog.Hook());
  }
  Reply Get(const Security& sec) {
    auto s = client.Connect(transport, endpoint->address(), sec, {.handshake_timeout = 5s});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return {};
    session = *s;
    Reply reply;
    bool done = false;
    EXPECT_TRUE(session->Send(CoapMessage::Request(CoapCode::kGet, "/3/0/0"), [&](const Reply& r) {
      reply = r;
      done = true;
    }).ok());
    EXPECT_TRUE(RunUntil({&server, &client}, [&] { return done; }, 15s));
    return reply;
  }
  Transport transport;
  Context server, client;
  std::shared_ptr<Endpoint> endpoint;
  std::shared_ptr<Session> session;
  Peer last_peer;
  testing::WireLog slog;
};

ContextOptions CertServer(const testing::TestCerts& c, TlsVersion v = TlsVersion::kAny) {
  ContextOptions o;
  o.server_security = Security::Certificate(c.server_cert, c.server_key, c.ca_cert);
  o.server_security.tls_version = v;
  return o;
}

class CertTransports : public ::testing::TestWithParam<Transport> {};

TEST_P(CertTransports, EachSideSeesThePeerCertificateCommonName) {
  testing::TestCerts certs = testing::MakeTestCerts("urn:imei:490154203237518", "lwm2m.example");
  ASSERT_TRUE(certs.error.empty()) << certs.error;
  CertPair p(GetParam(), CertServer(certs));
  Reply r = p.Get(Security::Certificate(certs.client_cert, certs.client_key, certs.ca_cert));
  ASSERT_TRUE(r.ok()) << OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(p.last_peer.security, SecurityMode::kCertificate);
  EXPECT_EQ(p.last_peer.peer_common_name, "urn:imei:490154203237518");
  EXPECT_EQ(p.last_peer.session->peer_common_name(), "urn:imei:490154203237518");
  EXPECT_EQ(p.last_peer.psk_identity, "");
  EXPECT_EQ(p.session->peer_common_name(), "lwm2m.example");
  size_t received = 0;
  for (const auto& e : p.slog.events) {
    if (e.direction != Direction::kReceived || e.parsed.message.code != CoapCode::kGet) continue;
    ++received;
    EXPECT_EQ(e.peer_common_name, "urn:imei:490154203237518");
    EXPECT_EQ(e.security, SecurityMode::kCertificate);
  }
  EXPECT_EQ(received, 1u);
}

TEST_P(CertTransports, ServerNameIsCheckedAgainstTheServerCertificate) {
  // No DNS subjectAltName: a DNS name is compared with the CN (RFC 6125 §6.4.4); IPs with IP SANs.
  testing::TestCerts certs = testing::MakeTestCerts("node1", "lwm2m.example", "IP:127.0.0.1");
  ASSERT_TRUE(certs.error.empty()) << certs.error;
  for (const char* name : {"lwm2m.example", "LWM2M.example", "127.0.0.1"}) {
    CertPair p(GetParam(), CertServer(certs));
    Security sec = Security::Certificate(certs.client_cert, certs.client_key, certs.ca_cert);
    sec.server_name = name;
    Reply r = p.Get(sec);
    EXPECT_TRUE(r.ok()) << name << ": " << OutcomeName(r.outcome) << " " << r.detail;
  }
  for (const char* name : {"other.example", "127.0.0.2", "lwm2m.example.evil"}) {
    CertPair p(GetParam(), CertServer(certs));
    Security sec = Security::Certificate(certs.client_cert, certs.client_key, certs.ca_cert);
    sec.server_name = name;
    Reply r = p.Get(sec);
    EXPECT_FALSE(r.ok()) << name;
    EXPECT_NE(p.session->state(), SessionState::kEstablished) << name;
    EXPECT_NE(p.session->failure().find("does not name '" + std::string(name) + "'"), std::string::npos)
        << name << ": " << p.session->failure();
    EXPECT_EQ(p.last_peer.session, nullptr) << name << ": the server saw a request";
  }
}

TEST_P(CertTransports, ServerWithPskAndCertificatesServesBoth) {
  testing::TestCerts certs = testing::MakeTestCerts("cert-node", "lwm2m.example");
  ASSERT_TRUE(certs.error.empty()) << certs.error;
  ContextOptions o = CertServer(certs);
  o.server_security.psk_lookup = [](std::string_view id) -> std::optional<Bytes> {
    return id == "psk-node" ? std::optional<Bytes>(kKey) : std::nullopt;
  };
  CertPair p(GetParam(), o);
  Reply r = p.Get(Security::Psk("psk-node", kKey));
  ASSERT_TRUE(r.ok()) << OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(p.last_peer.security, SecurityMode::kPsk);
  EXPECT_EQ(p.last_peer.psk_identity, "psk-node");
  EXPECT_EQ(p.last_peer.peer_common_name, "");
  p.last_peer = {};
  r = p.Get(Security::Certificate(certs.client_cert, certs.client_key, certs.ca_cert));
  ASSERT_TRUE(r.ok()) << OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(p.last_peer.security, SecurityMode::kCertificate);
  EXPECT_EQ(p.last_peer.peer_common_name, "cert-node");
  // A wrong PSK identity still fails although certificates are on offer.
  p.last_peer = {};
  r = p.Get(Security::Psk("stranger", kKey));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(p.last_peer.session, nullptr);
}

INSTANTIATE_TEST_SUITE_P(X509, CertTransports, ::testing::Values(Transport::kDtls, Transport::kTls),
                         [](const auto& info) { return std::string(TransportName(info.param)); });

TEST(X509, Tls13WithCertificatesNegotiatesTls13) {
  testing::TestCerts certs = testing::MakeTestCerts("node13", "lwm2m.example");
  ASSERT_TRUE(certs.error.empty()) << certs.error;
  CertPair p(Transport::kTls, CertServer(certs, TlsVersion::kTls13));
  Security sec = Security::Certificate(certs.client_cert, certs.client_key, certs.ca_cert);
  sec.tls_version = TlsVersion::kTls13;
  Reply r = p.Get(sec);
  ASSERT_TRUE(r.ok()) << OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(p.session->tls_protocol(), "TLSv1.3");
  EXPECT_EQ(p.last_peer.session->tls_protocol(), "TLSv1.3");
  EXPECT_EQ(p.last_peer.peer_common_name, "node13");
}

TEST(X509, UntrustedClientCertificateFailsTheTlsHandshake) {
  testing::TestCerts trusted = testing::MakeTestCerts("node1", "lwm2m.example");
  testing::TestCerts other = testing::MakeTestCerts("node1", "lwm2m.example");
  ASSERT_TRUE(trusted.error.empty() && other.error.empty());
  CertPair p(Transport::kTls, CertServer(trusted));
  // The client trusts the server's CA, but its own certificate comes from another CA.
  Reply r = p.Get(Security::Certificate(other.client_cert, other.client_key, trusted.ca_cert));
  EXPECT_FALSE(r.ok());
  EXPECT_NE(p.session->state(), SessionState::kEstablished);
  EXPECT_EQ(p.last_peer.session, nullptr);
}

TEST(X509, ServerCertificateWithoutKeyIsRefusedAtListen) {
  testing::TestCerts certs = testing::MakeTestCerts();
  ASSERT_TRUE(certs.error.empty());
  ContextOptions o;
  o.server_security = Security::Certificate(certs.server_cert, "", certs.ca_cert);
  Context c(o);
  auto ep = c.Listen({.transport = Transport::kDtls});
  EXPECT_FALSE(ep.ok());
}

TEST(X509, OpenSslBackendHasNoRawPublicKeys) {
  // libcoap 4.3.1 built with OpenSSL: "PSK, PKI, PKCS11, and no RPK support".
  std::string s = Context::TlsSupport();
  EXPECT_NE(s.find("OpenSSL"), std::string::npos) << s;
  EXPECT_NE(s.find("PKI"), std::string::npos) << s;
  EXPECT_FALSE(Context::RpkSupported()) << s;
}

}  // namespace
}  // namespace lwm2m::coap
