// x509_test.cc: the reference LwM2M Server with X.509 certificates over DTLS 1.2 and TLS 1.3
// (Transport TS 1.2 §5, research §2.12): the Endpoint Client Name must be the client
// certificate's subject CN (4.00 otherwise, Transport TS 1.2 Table 6.4.3-1), an untrusted client
// certificate fails the handshake, PSK and certificates share an endpoint, and certificate files
// are read (with errors naming the path). Credentials are made at test time by the openssl CLI.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "coap/test_support.h"
#include "reference-server/server.h"

namespace lwm2m::refserver {
namespace {

using namespace std::chrono_literals;
using coap::Transport;

const Bytes kKey = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10};

std::string Str(const Bytes& b) { return std::string(b.begin(), b.end()); }

class X509ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_ = coap::testing::MakeTestCerts("node1", "lwm2m-ref-server");
    ASSERT_TRUE(certs_.error.empty()) << certs_.error;
  }
  ServerConfig CertConfig() const {
    ServerConfig cfg;
    cfg.udp = false;
    cfg.dtls = true;
    cfg.tls = true;
    cfg.certificate_pem = certs_.server_cert;
    cfg.private_key_pem = certs_.server_key;
    cfg.ca_pem = certs_.ca_cert;
    return cfg;
  }
  void StartServer(ServerConfig cfg) {
    server_ = std::make_unique<Lwm2mServer>(std::move(cfg));
    Status st = server_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
    server_->AddPeerContext(&client_);
    client_.SetRequestHandler([](const coap::Peer&, const CoapMessage& req, coap::Responder& r) {
      CoapMessage m;
      m.code = req.UriPath() == "/3/0/0" ? CoapCode::kContent : CoapCode::kNotFound;
      if (m.code == CoapCode::kContent) {
        m.SetContentFormat(ContentFormat::kTextPlain);
        m.payload = {'A', 'c', 'm', 'e'};
      }
      r.Respond(m);
    });
  }
  coap::Security ClientCert(const coap::testing::TestCerts& c) const {
    return coap::Security::Certificate(c.client_cert, c.client_key, c.ca_cert);
  }
  // Connects and sends Register; the reply, or kTimeout/kSecurityFailed outcomes.
  coap::Reply Register(Transport t, const coap::Security& sec, std::string_view query) {
    auto s = client_.Connect(t, *server_->address(t), sec, {.handshake_timeout = 5s});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return {};
    session_ = *s;
    CoapMessage m = CoapMessage::Request(CoapCode::kPost, "/rd?" + std::string(query));
    std::string links = "</1/0>,</3/0>";
    m.payload.assign(links.begin(), links.end());
    m.SetContentFormat(ContentFormat::kLinkFormat);
    std::optional<coap::Reply> out;
    EXPECT_TRUE(session_->Send(m, [&](const coap::Reply& r) { out = r; }).ok());
    server_->RunUntil([&] { return out.has_value(); }, 10s);
    if (!out) {
      coap::Reply r;
      r.outcome = coap::Outcome::kTimeout;
      r.detail = "test: no reply";
      return r;
    }
    return *out;
  }

  coap::testing::TestCerts certs_;
  coap::Context client_;
  std::unique_ptr<Lwm2mServer> server_;
  std::shared_ptr<coap::Session> session_;
};

TEST_F(X509ServerTest, DtlsRegistrationSucceedsWhenTheCertificateCnIsTheEndpointName) {
  StartServer(CertConfig());
  coap::Reply r = Register(Transport::kDtls, ClientCert(certs_), "ep=node1&lt=300&lwm2m=1.2&b=U");
  ASSERT_TRUE(r.ok()) << coap::OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(r.response.code, CoapCode::kCreated) << Str(r.response.payload);
  const Registration* reg = server_->FindByEndpoint("node1");
  ASSERT_NE(reg, nullptr);
  EXPECT_EQ(reg->certificate_cn, "node1");
  EXPECT_EQ(reg->psk_identity, "");
  EXPECT_EQ(reg->transport, Transport::kDtls);
  EXPECT_EQ(reg->session->security(), coap::SecurityMode::kCertificate);
  EXPECT_EQ(reg->session->tls_protocol(), "DTLSv1.2");
  // The server reaches the client back over the same certificate session.
  auto read = server_->Read("node1", *Path::Parse("/3/0/0"), {.timeout = 5s});
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->code, CoapCode::kContent);
  EXPECT_EQ(Str(read->response.payload), "Acme");
}

TEST_F(X509ServerTest, RegistrationWithAnEndpointNameOtherThanTheCnGets400) {
  StartServer(CertConfig());
  coap::Reply r = Register(Transport::kDtls, ClientCert(certs_), "ep=node2&lt=300&lwm2m=1.2&b=U");
  ASSERT_TRUE(r.ok()) << coap::OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(r.response.code, CoapCode::kBadRequest);
  EXPECT_NE(Str(r.response.payload).find("CN 'node1'"), std::string::npos) << Str(r.response.payload);
  EXPECT_EQ(server_->FindByEndpoint("node2"), nullptr);
  EXPECT_EQ(server_->FindByEndpoint("node1"), nullptr);
  EXPECT_TRUE(server_->Registrations().empty());
}

TEST_F(X509ServerTest, RegistrationWithoutEpTakesTheCertificateCn) {
  StartServer(CertConfig());
  coap::Reply r = Register(Transport::kDtls, ClientCert(certs_), "lt=300&lwm2m=1.2&b=U");
  ASSERT_TRUE(r.ok()) << coap::OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(r.response.code, CoapCode::kCreated) << Str(r.response.payload);
  EXPECT_NE(server_->FindByEndpoint("node1"), nullptr);
}

TEST_F(X509ServerTest, UntrustedClientCertificateFailsTheDtlsHandshake) {
  StartServer(CertConfig());
  coap::testing::TestCerts stranger = coap::testing::MakeTestCerts("node1", "lwm2m-ref-server");
  ASSERT_TRUE(stranger.error.empty());
  // The client trusts our server's CA, but its own certificate is signed by another CA.
  coap::Security sec = coap::Security::Certificate(stranger.client_cert, stranger.client_key, certs_.ca_cert);
  coap::Reply r = Register(Transport::kDtls, sec, "ep=node1&lt=300&lwm2m=1.2&b=U");
  EXPECT_FALSE(r.ok()) << r.response.code;
  EXPECT_NE(session_->state(), coap::SessionState::kEstablished);
  EXPECT_TRUE(server_->Registrations().empty());
  for (const auto& e : server_->TakeEvents()) EXPECT_NE(e.kind, ServerEventKind::kRequest) << e.Summary();
}

TEST_F(X509ServerTest, Tls13OverTcpWithCertificates) {
  StartServer(CertConfig());
  coap::Security sec = ClientCert(certs_);
  sec.tls_version = coap::TlsVersion::kTls13;
  coap::Reply r = Register(Transport::kTls, sec, "ep=node1&lt=300&lwm2m=1.2&b=T");
  ASSERT_TRUE(r.ok()) << coap::OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(r.response.code, CoapCode::kCreated) << Str(r.response.payload);
  EXPECT_EQ(session_->tls_protocol(), "TLSv1.3");
  const Registration* reg = server_->FindByEndpoint("node1");
  ASSERT_NE(reg, nullptr);
  EXPECT_EQ(reg->transport, Transport::kTls);
  EXPECT_EQ(reg->certificate_cn, "node1");
  EXPECT_EQ(reg->session->tls_protocol(), "TLSv1.3");
  auto read = server_->Read("node1", *Path::Parse("/3/0/0"), {.timeout = 5s});
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(Str(read->response.payload), "Acme");
}

TEST_F(X509ServerTest, TlsCnMismatchGets400Too) {
  StartServer(CertConfig());
  coap::Reply r = Register(Transport::kTls, ClientCert(certs_), "ep=urn:dev:other&lt=300&lwm2m=1.2&b=T");
  ASSERT_TRUE(r.ok()) << coap::OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(r.response.code, CoapCode::kBadRequest);
}

TEST_F(X509ServerTest, PskAndCertificateClientsShareTheDtlsEndpoint) {
  ServerConfig cfg = CertConfig();
  cfg.psk_keys["psk-node"] = kKey;
  StartServer(cfg);
  coap::Reply r = Register(Transport::kDtls, coap::Security::Psk("psk-node", kKey), "ep=psk-node&lt=300&lwm2m=1.2");
  ASSERT_TRUE(r.ok()) << coap::OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(r.response.code, CoapCode::kCreated) << Str(r.response.payload);
  // The PSK identity rule still holds on a server that also has certificates.
  r = Register(Transport::kDtls, coap::Security::Psk("psk-node", kKey), "ep=node1&lt=300&lwm2m=1.2");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.response.code, CoapCode::kBadRequest);
  r = Register(Transport::kDtls, ClientCert(certs_), "ep=node1&lt=300&lwm2m=1.2");
  ASSERT_TRUE(r.ok()) << coap::OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(r.response.code, CoapCode::kCreated) << Str(r.response.payload);
  ASSERT_NE(server_->FindByEndpoint("psk-node"), nullptr);
  EXPECT_EQ(server_->FindByEndpoint("psk-node")->psk_identity, "psk-node");
  ASSERT_NE(server_->FindByEndpoint("node1"), nullptr);
  EXPECT_EQ(server_->FindByEndpoint("node1")->certificate_cn, "node1");
}

TEST_F(X509ServerTest, CertificateFilesAreReadAndBadOnesNamed) {
  char tmpl[] = "/tmp/refsrv-x509-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::filesystem::path dir(tmpl);
  std::ofstream(dir / "server.crt") << certs_.server_cert;
  std::ofstream(dir / "server.key") << certs_.server_key;
  std::ofstream(dir / "ca.crt") << certs_.ca_cert;
  ServerConfig cfg;
  cfg.udp = false;
  cfg.dtls = true;
  cfg.certificate_file = (dir / "server.crt").string();
  cfg.private_key_file = (dir / "server.key").string();
  cfg.ca_file = (dir / "ca.crt").string();
  StartServer(cfg);
  coap::Reply r = Register(Transport::kDtls, ClientCert(certs_), "ep=node1&lt=300&lwm2m=1.2");
  ASSERT_TRUE(r.ok()) << coap::OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(r.response.code, CoapCode::kCreated);

  cfg.private_key_file = (dir / "missing.key").string();
  Lwm2mServer missing(cfg);
  Status st = missing.Start();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("missing.key: cannot open"), std::string::npos) << st.ToString();

  cfg.private_key_file = (dir / "server.crt").string();  // a certificate where the key belongs
  Lwm2mServer wrong(cfg);
  st = wrong.Start();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("no PEM \"PRIVATE KEY\" block"), std::string::npos) << st.ToString();

  ServerConfig no_ca = CertConfig();
  no_ca.ca_pem.clear();
  Lwm2mServer without_ca(no_ca);
  EXPECT_EQ(without_ca.Start().code(), StatusCode::kBadRequest);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lwm2m::refserver
