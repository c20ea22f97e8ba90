// bootstrap_server_test.cc: the reference Bootstrap-Server against a minimal in-test client on
// loopback (UDP, DTLS-PSK, TCP, TLS with PSK or certificates): the client-initiated sequence with exact paths, order and decoded
// payloads, pct, Bootstrap-Pack, Finish 4.06, wrong PSK, unknown endpoint, hooks, re-bootstrap.
#include "reference-server/bootstrap_server.h"

#include <gtest/gtest.h>

#include "coap/test_support.h"
#include "lwm2m/codec/codec.h"

namespace lwm2m::refserver {
namespace {

using namespace std::chrono_literals;

Path P(std::string_view s) { return *Path::Parse(s); }
const Bytes kKey = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x00};

// A Bootstrap client reduced to what the tests need: it sends Bootstrap-(Pack-)Request and
// answers every Bootstrap operation with its success code (or one set in `codes`), recording them.
struct TestClient {
  coap::Context ctx;
  std::shared_ptr<coap::Session> session;
  std::vector<Operation> got;
  std::map<OperationKind, uint8_t> codes;
  std::string discover_payload = "</>;lwm2m=1.2,</0/0>;ssid=101;uri=\"coap://127.0.0.1:5683\",</1/0>;ssid=101,</3/0>";
  Content read_content;
  std::shared_ptr<coap::DeferredResponse> held;  // set when `hold` names the operation
  std::optional<OperationKind> hold;
  std::optional<coap::Reply> bs_reply;

  TestClient() {
    read_content.records = {{P("/1/0/0"), Value::Integer(101)}, {P("/1/0/1"), Value::UnsignedInteger(86400)}};
    ctx.SetRequestHandler([this](const coap::Peer&, const CoapMessage& req, coap::Responder& r) {
      Classification c = Classify(req, {.direction = Direction::kServerToClient, .bootstrap_server = true});
      if (!c.operation) {
        r.Respond(Reply(CoapCode::kBadRequest));
        return;
      }
      const Operation& op = *c.operation;
      got.push_back(op);
      if (hold == op.kind) {
        held = r.Defer();
        return;
      }
      uint8_t code = codes.count(op.kind) ? codes[op.kind] : ExpectedSuccessCode(op.kind);
      CoapMessage resp = Reply(code);
      if (code == CoapCode::kContent && op.kind == OperationKind::kBootstrapDiscover) {
        resp.SetContentFormat(ContentFormat::kLinkFormat);
        resp.payload.assign(discover_payload.begin(), discover_payload.end());
      } else if (code == CoapCode::kContent && op.kind == OperationKind::kBootstrapRead) {
        resp.SetContentFormat(ContentFormat::kSenmlCbor);
        resp.payload = *FindCodec(ContentFormat::kSenmlCbor)->Encode(read_content, {.request_path = op.path});
      }
      r.Respond(resp);
    });
  }
  static CoapMessage Reply(uint8_t code) {
    CoapMessage m;
    m.code = code;
    return m;
  }
  Status Connect(const std::string& uri, const coap::Security& sec = {}, const coap::Timing& timing = {}) {
    auto s = ctx.Connect(uri, sec, timing);
    if (!s) return s.status();
    session = *s;
    return Status::Ok();
  }
  void SendBootstrapRequest(const std::string& ep, std::optional<ContentFormat> pct = {}) {
    bs_reply.reset();
    ASSERT_TRUE(session->Send(Operation::BootstrapRequest(ep, pct).ToCoap(), [this](const coap::Reply& r) {
      bs_reply = r;
    }).ok());
  }
  std::vector<std::string> Summary() const {
    std::vector<std::string> s;
    for (const auto& op : got) s.push_back(std::string(OperationName(op.kind)) + " " + op.path.ToString());
    return s;
  }
  // The records of the i-th received operation, decoded as the client would.
  std::vector<Record> Decoded(size_t i) const {
    const Operation& op = got.at(i);
    const Codec* codec = FindCodec(op.content_format.value_or(ContentFormat::kTextPlain));
    if (codec == nullptr) return {};
    DecodeResult d = codec->Decode(op.payload, {.request_path = op.path, .models = &ModelRegistry::Builtin()});
    EXPECT_FALSE(d.HasErrors()) << (d.diagnostics.empty() ? "" : d.diagnostics[0].ToString());
    return d.content.records;
  }
};

BootstrapEndpointPlan FullPlan(std::string ep) {
  DmServerAccount a;
  a.server_uri = "coap://127.0.0.1:5683";
  BootstrapEndpointPlan p = StandardDmServerPlan(std::move(ep), a);
  p.steps.insert(p.steps.begin(), {BootstrapStep::Discover(Path()), BootstrapStep::Read(P("/1"))});
  return p;
}

class BootstrapServerTest : public ::testing::Test {
 protected:
  void Open(BootstrapServerOptions o) {
    server_ = std::make_unique<BootstrapServer>(std::move(o));
    ASSERT_TRUE(server_->Start().ok());
  }
  bool Run(const std::function<bool()>& pred, std::chrono::milliseconds t = 5s) {
    return server_->WaitFor(pred, t, {&client_.ctx});
  }
  bool RunEnded(const std::string& ep) {
    return Run([&] {
      const BootstrapRun* r = server_->LastRun(ep);
      return r != nullptr && r->outcome != BootstrapOutcome::kRunning;
    });
  }
  std::unique_ptr<BootstrapServer> server_;
  TestClient client_;
};

const std::vector<std::string> kFullSequence = {"Bootstrap-Discover /", "Bootstrap-Read /1", "Bootstrap-Delete /",
                                                "Bootstrap-Write /0/1", "Bootstrap-Write /1/1", "Bootstrap-Finish /"};

void ExpectFullSequence(const BootstrapServer& server, const TestClient& client, const BootstrapEndpointPlan& plan,
                        ContentFormat write_format) {
  EXPECT_EQ(client.Summary(), kFullSequence);
  ASSERT_EQ(client.got.size(), 6u);
  EXPECT_EQ(client.got[0].accept, ContentFormat::kLinkFormat);
  for (size_t i : {3u, 4u}) {
    EXPECT_EQ(client.got[i].content_format, write_format);
    EXPECT_EQ(client.Decoded(i), plan.steps[i].records) << "write " << i;
  }
  const BootstrapRun* run = server.LastRun(plan.endpoint);
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->outcome, BootstrapOutcome::kFinished) << run->detail;
  ASSERT_EQ(run->steps.size(), 6u);
  // The recorded Discover links and Read content, decoded.
  ASSERT_EQ(run->steps[0].links.size(), 4u);
  EXPECT_EQ(run->steps[0].links[1].target, "/0/0");
  EXPECT_FALSE(HasErrors(run->steps[0].diagnostics)) << run->steps[0].diagnostics[0].ToString();
  EXPECT_EQ(run->steps[1].response.code, CoapCode::kContent);
  EXPECT_EQ(run->steps[1].content, client.read_content);
  for (const auto& s : run->steps) EXPECT_EQ(s.response.code, ExpectedSuccessCode(s.operation.kind));
}

TEST_F(BootstrapServerTest, FullSequenceOverUdp) {
  BootstrapServerOptions o;
  o.plan.Add(FullPlan("node1"));
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(RunEnded("node1"));
  ASSERT_TRUE(client_.bs_reply.has_value());
  EXPECT_EQ(client_.bs_reply->response.code, CoapCode::kChanged);
  ExpectFullSequence(*server_, client_, FullPlan("node1"), ContentFormat::kSenmlCbor);
  // Events: request, then sent/response per step, then finished.
  const auto& ev = server_->events();
  ASSERT_EQ(ev.size(), 1u + 2 * 6 + 1);
  EXPECT_EQ(ev[0].kind, BootstrapEventKind::kRequestReceived);
  EXPECT_EQ(ev[0].code, CoapCode::kChanged);
  EXPECT_EQ(ev[1].kind, BootstrapEventKind::kStepSent);
  EXPECT_EQ(ev[2].kind, BootstrapEventKind::kStepResponse);
  EXPECT_EQ(ev[2].code, CoapCode::kContent);
  EXPECT_EQ(ev.back().kind, BootstrapEventKind::kFinished);
  EXPECT_EQ(server_->runs()[0].transport, coap::Transport::kUdp);
}

TEST_F(BootstrapServerTest, FirstStepFollowsThe204OnTheWire) {
  coap::testing::WireLog log;
  client_.ctx.SetWireHook(log.Hook());
  BootstrapServerOptions o;
  o.plan.Add(FullPlan("node1"));
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(RunEnded("node1"));
  std::vector<std::string> received;
  for (const auto& e : log.events)
    if (e.direction == coap::Direction::kReceived && !e.parsed.message.IsEmpty())
      received.push_back(CoapCodeName(e.parsed.message.code));
  ASSERT_GE(received.size(), 2u);
  EXPECT_EQ(received[0], CoapCodeName(CoapCode::kChanged));  // piggybacked on the ACK
  EXPECT_EQ(received[1], CoapCodeName(CoapCode::kGet));      // then Bootstrap-Discover
}

TEST_F(BootstrapServerTest, PlanFromYamlRunsAsWritten) {
  auto plan = LoadBootstrapPlanYaml(R"(endpoints:
  node1:
    content-format: senml-cbor
    steps:
      - delete: /
      - write: {path: /0/1, values: {0: "coap://127.0.0.1:5683", 1: false, 2: 3, 10: 101}}
      - write: {path: /1/1, values: {0: 101, 1: 300, 7: "U"}}
      - finish
)", "plan.yaml");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  Open({.plan = *plan});
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(RunEnded("node1"));
  EXPECT_EQ(client_.Summary(), (std::vector<std::string>{"Bootstrap-Delete /", "Bootstrap-Write /0/1",
                                                          "Bootstrap-Write /1/1", "Bootstrap-Finish /"}));
  EXPECT_EQ(client_.Decoded(1), plan->Find("node1")->steps[1].records);
  EXPECT_EQ(client_.Decoded(2), plan->Find("node1")->steps[2].records);
  EXPECT_EQ(server_->LastRun("node1")->outcome, BootstrapOutcome::kFinished);
}

TEST_F(BootstrapServerTest, FullSequenceOverDtlsPsk) {
  BootstrapServerOptions o;
  o.udp = false;
  o.dtls = true;
  o.psk_keys["node1-id"] = kKey;
  BootstrapEndpointPlan plan = FullPlan("node1");
  plan.psk_identity = "node1-id";
  o.plan.Add(plan);
  Open(std::move(o));
  EXPECT_TRUE(server_->udp_uri().empty());
  ASSERT_TRUE(client_.Connect(server_->dtls_uri(), coap::Security::Psk("node1-id", kKey)).ok());
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(RunEnded("node1"));
  ExpectFullSequence(*server_, client_, plan, ContentFormat::kSenmlCbor);
  EXPECT_EQ(server_->LastRun("node1")->transport, coap::Transport::kDtls);
  EXPECT_EQ(server_->LastRun("node1")->psk_identity, "node1-id");
}

TEST_F(BootstrapServerTest, FullSequenceOverTcp) {
  BootstrapServerOptions o;
  o.udp = false;
  o.tcp = true;
  BootstrapEndpointPlan plan = FullPlan("node1");
  o.plan.Add(plan);
  Open(std::move(o));
  EXPECT_TRUE(server_->udp_uri().empty());
  ASSERT_EQ(server_->tcp_uri().rfind("coap+tcp://127.0.0.1:", 0), 0u) << server_->tcp_uri();
  ASSERT_TRUE(client_.Connect(server_->tcp_uri()).ok());
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(RunEnded("node1"));
  ASSERT_TRUE(client_.bs_reply.has_value());
  EXPECT_EQ(client_.bs_reply->response.code, CoapCode::kChanged);
  ExpectFullSequence(*server_, client_, plan, ContentFormat::kSenmlCbor);
  EXPECT_EQ(server_->LastRun("node1")->transport, coap::Transport::kTcp);
}

TEST_F(BootstrapServerTest, FullSequenceOverTlsWithPsk) {
  BootstrapServerOptions o;
  o.udp = false;
  o.tls = true;
  o.psk_keys["node1"] = kKey;
  BootstrapEndpointPlan plan = FullPlan("node1");
  o.plan.Add(plan);
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->tls_uri(), coap::Security::Psk("node1", kKey)).ok());
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(RunEnded("node1"));
  ExpectFullSequence(*server_, client_, plan, ContentFormat::kSenmlCbor);
  EXPECT_EQ(server_->LastRun("node1")->transport, coap::Transport::kTls);
  EXPECT_EQ(server_->LastRun("node1")->psk_identity, "node1");
}

TEST_F(BootstrapServerTest, TlsWithCertificatesNamesTheEndpointByItsCn) {
  coap::testing::TestCerts certs = coap::testing::MakeTestCerts("node1", "bootstrap.example");
  ASSERT_TRUE(certs.error.empty()) << certs.error;
  BootstrapServerOptions o;
  o.udp = false;
  o.tls = true;
  o.certificate_pem = certs.server_cert;
  o.private_key_pem = certs.server_key;
  o.ca_pem = certs.ca_cert;
  o.require_ep_equals_identity = true;
  BootstrapEndpointPlan plan = FullPlan("node1");
  o.plan.Add(plan);
  o.plan.Add(FullPlan("node2"));
  Open(std::move(o));
  coap::Security sec = coap::Security::Certificate(certs.client_cert, certs.client_key, certs.ca_cert);
  sec.tls_version = coap::TlsVersion::kTls13;
  ASSERT_TRUE(client_.Connect(server_->tls_uri(), sec).ok());
  // ep differs from the certificate's CN: 4.00 (Transport TS 1.2 §5) and no run.
  client_.SendBootstrapRequest("node2");
  ASSERT_TRUE(Run([&] { return client_.bs_reply.has_value(); }));
  ASSERT_TRUE(client_.bs_reply->ok()) << client_.bs_reply->detail;
  EXPECT_EQ(client_.bs_reply->response.code, CoapCode::kBadRequest);
  EXPECT_TRUE(server_->runs().empty());
  // No ep at all: the CN names the endpoint.
  client_.bs_reply.reset();
  CoapMessage req = Operation::BootstrapRequest("").ToCoap();
  req.RemoveOption(CoapOption::kUriQuery);
  ASSERT_TRUE(client_.session->Send(req, [&](const coap::Reply& r) { client_.bs_reply = r; }).ok());
  ASSERT_TRUE(RunEnded("node1"));
  EXPECT_EQ(client_.bs_reply->response.code, CoapCode::kChanged);
  ExpectFullSequence(*server_, client_, plan, ContentFormat::kSenmlCbor);
  EXPECT_EQ(server_->LastRun("node1")->certificate_cn, "node1");
  EXPECT_EQ(client_.session->tls_protocol(), "TLSv1.3");
}

TEST_F(BootstrapServerTest, WrongPskFailsAndNothingRuns) {
  BootstrapServerOptions o;
  o.udp = false;
  o.dtls = true;
  o.psk_keys["node1"] = kKey;
  o.plan.Add(FullPlan("node1"));
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->dtls_uri(), coap::Security::Psk("node1", Bytes{9, 9, 9, 9}),
                              {.handshake_timeout = 1500ms}).ok());
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(Run([&] { return client_.bs_reply.has_value(); }, 8s));
  EXPECT_EQ(client_.bs_reply->outcome, coap::Outcome::kSecurityFailed) << coap::OutcomeName(client_.bs_reply->outcome);
  EXPECT_TRUE(server_->runs().empty());
  EXPECT_TRUE(client_.got.empty());
}

TEST_F(BootstrapServerTest, IdentityOtherThanThePlansIsBadRequest) {
  BootstrapServerOptions o;
  o.udp = true;
  o.dtls = true;
  o.psk_keys["other"] = kKey;
  BootstrapEndpointPlan plan = FullPlan("node1");
  plan.psk_identity = "node1-id";
  o.plan.Add(plan);
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->dtls_uri(), coap::Security::Psk("other", kKey)).ok());
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(Run([&] { return client_.bs_reply.has_value(); }));
  EXPECT_EQ(client_.bs_reply->response.code, CoapCode::kBadRequest);
  EXPECT_TRUE(server_->runs().empty());
}

TEST_F(BootstrapServerTest, DtlsRequestWithoutEpIsNamedByItsIdentityAndEpMustMatchWhenRequired) {
  BootstrapServerOptions o;
  o.udp = false;
  o.dtls = true;
  o.psk_keys["node1"] = kKey;
  o.require_ep_equals_identity = true;
  o.plan.Add(FullPlan("node1"));
  o.plan.Add(FullPlan("node2"));
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->dtls_uri(), coap::Security::Psk("node1", kKey)).ok());
  // Core TS 1.2 §6.1.7.1: ep may be omitted when the security identity names the client.
  ASSERT_TRUE(client_.session->Send(CoapMessage::Request(CoapCode::kPost, "/bs"), [&](const coap::Reply& r) {
    client_.bs_reply = r;
  }).ok());
  ASSERT_TRUE(RunEnded("node1"));
  EXPECT_EQ(client_.bs_reply->response.code, CoapCode::kChanged);
  EXPECT_EQ(server_->LastRun("node1")->outcome, BootstrapOutcome::kFinished);
  // ep=node2 on the identity node1: 4.00 (Transport TS 1.2 §5, research §2.12).
  client_.SendBootstrapRequest("node2");
  ASSERT_TRUE(Run([&] { return client_.bs_reply.has_value(); }));
  EXPECT_EQ(client_.bs_reply->response.code, CoapCode::kBadRequest);
  EXPECT_EQ(server_->LastRun("node2"), nullptr);
}

class BootstrapPctTest : public BootstrapServerTest, public ::testing::WithParamInterface<ContentFormat> {};

TEST_P(BootstrapPctTest, WritesComeInTheRequestedFormat) {
  BootstrapServerOptions o;
  o.plan.Add(FullPlan("node1"));
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  client_.SendBootstrapRequest("node1", GetParam());
  ASSERT_TRUE(RunEnded("node1"));
  EXPECT_EQ(server_->LastRun("node1")->pct, GetParam());
  ExpectFullSequence(*server_, client_, FullPlan("node1"), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Formats, BootstrapPctTest,
                         ::testing::Values(ContentFormat::kTlv, ContentFormat::kSenmlJson, ContentFormat::kSenmlCbor,
                                           ContentFormat::kLwm2mCbor),
                         [](const ::testing::TestParamInfo<ContentFormat>& i) {
                           return "cf" + std::to_string(static_cast<unsigned>(i.param));
                         });

TEST_F(BootstrapServerTest, Lwm2m10EndpointWithoutPctGetsTlvAndPlanFormatOverrides) {
  BootstrapServerOptions o;
  BootstrapEndpointPlan a = FullPlan("old");
  a.lwm2m_version = "1.0";
  BootstrapEndpointPlan b = FullPlan("forced");
  b.content_format = ContentFormat::kSenmlJson;
  o.plan.Add(a);
  o.plan.Add(b);
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  client_.SendBootstrapRequest("old");
  ASSERT_TRUE(RunEnded("old"));
  EXPECT_EQ(client_.got[3].content_format, ContentFormat::kTlv);
  client_.got.clear();
  client_.SendBootstrapRequest("forced");
  ASSERT_TRUE(RunEnded("forced"));
  EXPECT_EQ(client_.got[3].content_format, ContentFormat::kSenmlJson);
}

TEST_F(BootstrapServerTest, UnknownEndpointGetsBadRequest) {
  BootstrapServerOptions o;
  o.plan.Add(FullPlan("node1"));
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  client_.SendBootstrapRequest("stranger");
  ASSERT_TRUE(Run([&] { return client_.bs_reply.has_value(); }));
  // Transport TS 1.2 Table 6.4.2-1: Bootstrap-Request fails with 4.00 or 4.15 only.
  EXPECT_EQ(client_.bs_reply->response.code, CoapCode::kBadRequest);
  EXPECT_TRUE(server_->runs().empty());
  ASSERT_EQ(server_->events().size(), 2u);
  EXPECT_EQ(server_->events()[1].kind, BootstrapEventKind::kRequestRejected);
  EXPECT_NE(server_->events()[1].detail.find("stranger"), std::string::npos);
}

TEST_F(BootstrapServerTest, UnsupportedPctIs415AndMissingEpIs400) {
  BootstrapServerOptions o;
  o.plan.Add(FullPlan("node1"));
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  client_.SendBootstrapRequest("node1", ContentFormat::kTextPlain);
  ASSERT_TRUE(Run([&] { return client_.bs_reply.has_value(); }));
  EXPECT_EQ(client_.bs_reply->response.code, CoapCode::kUnsupportedContentFormat);
  client_.bs_reply.reset();
  ASSERT_TRUE(client_.session->Send(CoapMessage::Request(CoapCode::kPost, "/bs"), [&](const coap::Reply& r) {
    client_.bs_reply = r;
  }).ok());
  ASSERT_TRUE(Run([&] { return client_.bs_reply.has_value(); }));
  EXPECT_EQ(client_.bs_reply->response.code, CoapCode::kBadRequest);
  EXPECT_TRUE(server_->runs().empty());
}

TEST_F(BootstrapServerTest, FinishAnswered406IsReportedAsInconsistent) {
  BootstrapServerOptions o;
  o.plan.Add(FullPlan("node1"));
  Open(std::move(o));
  client_.codes[OperationKind::kBootstrapFinish] = CoapCode::kNotAcceptable;
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(RunEnded("node1"));
  const BootstrapRun* run = server_->LastRun("node1");
  EXPECT_EQ(run->outcome, BootstrapOutcome::kInconsistent);
  EXPECT_EQ(run->steps.back().response.code, CoapCode::kNotAcceptable);
  EXPECT_EQ(server_->events().back().kind, BootstrapEventKind::kFailed);
  EXPECT_NE(server_->events().back().detail.find("inconsistent"), std::string::npos);
}

TEST_F(BootstrapServerTest, StepErrorStopsTheRunBeforeFinish) {
  BootstrapServerOptions o;
  o.plan.Add(FullPlan("node1"));
  Open(std::move(o));
  client_.codes[OperationKind::kBootstrapWrite] = CoapCode::kBadRequest;
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(RunEnded("node1"));
  const BootstrapRun* run = server_->LastRun("node1");
  EXPECT_EQ(run->outcome, BootstrapOutcome::kStepFailed);
  EXPECT_NE(run->detail.find("Bootstrap-Write /0/1"), std::string::npos) << run->detail;
  EXPECT_EQ(client_.got.size(), 4u);  // Discover, Read, Delete, the failed Write; no Finish
}

TEST_F(BootstrapServerTest, PackRequestReturnsThePlanAsOnePack) {
  BootstrapServerOptions o;
  BootstrapEndpointPlan plan = FullPlan("node1");
  o.plan.Add(plan);
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  for (ContentFormat f : {ContentFormat::kSenmlCbor, ContentFormat::kSenmlJson, ContentFormat::kLwm2mCbor}) {
    std::optional<coap::Reply> reply;
    ASSERT_TRUE(client_.session->Send(Operation::BootstrapPackRequest("node1", f).ToCoap(), [&](const coap::Reply& r) {
      reply = r;
    }).ok());
    ASSERT_TRUE(Run([&] { return reply.has_value(); }));
    ASSERT_EQ(reply->response.code, CoapCode::kContent);
    EXPECT_EQ(reply->response.GetContentFormat(), f);
    DecodeResult d = FindCodec(f)->Decode(reply->response.payload, {.models = &ModelRegistry::Builtin()});
    EXPECT_FALSE(d.HasErrors());
    EXPECT_EQ(d.content.records, plan.WriteRecords()) << ContentFormatLabel(static_cast<uint16_t>(f));
  }
  EXPECT_TRUE(server_->runs().empty());  // a Pack is no sequence: no Finish follows (Core TS 1.2 §6.1.7.7)
  std::optional<coap::Reply> reply;
  ASSERT_TRUE(client_.session->Send(Operation::BootstrapPackRequest("node1", ContentFormat::kTlv).ToCoap(),
                                    [&](const coap::Reply& r) { reply = r; }).ok());
  ASSERT_TRUE(Run([&] { return reply.has_value(); }));
  EXPECT_EQ(reply->response.code, CoapCode::kNotAcceptable);
  reply.reset();
  ASSERT_TRUE(client_.session->Send(Operation::BootstrapPackRequest("stranger").ToCoap(),
                                    [&](const coap::Reply& r) { reply = r; }).ok());
  ASSERT_TRUE(Run([&] { return reply.has_value(); }));
  EXPECT_EQ(reply->response.code, CoapCode::kNotFound);
  EXPECT_EQ(server_->events().back().kind, BootstrapEventKind::kPackRequestReceived);
}

TEST_F(BootstrapServerTest, RotationPlanWritesTheNewBootstrapAccountBeforeFinish) {
  BootstrapServerOptions o;
  DmServerAccount dm;
  dm.security_mode = SecurityModeValue::kPsk;
  dm.psk_identity = "node1";
  dm.psk_key = kKey;
  dm.server_uri = "coaps://127.0.0.1:5684";
  BootstrapEndpointPlan plan = StandardDmServerPlan("node1", dm);
  BootstrapServerAccount bs;
  bs.server_uri = "coaps://127.0.0.1:5784";
  bs.psk_identity = "node1-bs2";
  bs.psk_key = {0xCA, 0xFE};
  AddBootstrapCredentialRotation(plan, bs);
  o.plan.Add(plan);
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  client_.SendBootstrapRequest("node1", ContentFormat::kTlv);
  ASSERT_TRUE(RunEnded("node1"));
  EXPECT_EQ(client_.Summary(), (std::vector<std::string>{"Bootstrap-Delete /", "Bootstrap-Write /0/1",
                                                          "Bootstrap-Write /1/1", "Bootstrap-Write /0/0",
                                                          "Bootstrap-Finish /"}));
  EXPECT_EQ(client_.Decoded(3), (std::vector<Record>{{P("/0/0/0"), Value::String("coaps://127.0.0.1:5784")},
                                                     {P("/0/0/1"), Value::Boolean(true)},
                                                     {P("/0/0/2"), Value::Integer(0)},
                                                     {P("/0/0/3"), Value::Opaque({'n', 'o', 'd', 'e', '1', '-', 'b', 's', '2'})},
                                                     {P("/0/0/5"), Value::Opaque({0xCA, 0xFE})}}));
  EXPECT_EQ(server_->LastRun("node1")->outcome, BootstrapOutcome::kFinished);
}

TEST_F(BootstrapServerTest, HookAnswersWithAnyCodeOrNotAtAll) {
  BootstrapServerOptions o;
  o.plan.Add(FullPlan("node1"));
  Open(std::move(o));
  std::optional<BootstrapRequestAnswer> answer = BootstrapRequestAnswer{.code = CoapCode::kServiceUnavailable};
  server_->SetRequestHook([&](const coap::Peer&, const Operation& op) {
    EXPECT_EQ(op.registration.endpoint, "node1");
    return answer;
  });
  ASSERT_TRUE(client_.Connect(server_->udp_uri(), {}, {.ack_timeout = 1000ms, .ack_random_factor = 1.0,
                                                       .max_retransmit = 1}).ok());
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(Run([&] { return client_.bs_reply.has_value(); }));
  EXPECT_EQ(client_.bs_reply->response.code, CoapCode::kServiceUnavailable);
  EXPECT_TRUE(server_->runs().empty());
  // No answer at all: the client's request times out (1 s + 2 s, RFC 7252 §4.2).
  answer = BootstrapRequestAnswer{.code = std::nullopt};
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(Run([&] { return client_.bs_reply.has_value(); }, 10s));
  EXPECT_EQ(client_.bs_reply->outcome, coap::Outcome::kTimeout);
  EXPECT_EQ(server_->events().back().kind, BootstrapEventKind::kRequestRejected);
  EXPECT_FALSE(server_->events().back().code.has_value());
  // 2.04 and the plan anyway.
  answer = BootstrapRequestAnswer{.code = CoapCode::kChanged, .run_plan = true};
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(RunEnded("node1"));
  EXPECT_EQ(server_->LastRun("node1")->outcome, BootstrapOutcome::kFinished);
}

TEST_F(BootstrapServerTest, SecondRequestRebootstrapsAndSupersedesARunningSequence) {
  BootstrapServerOptions o;
  o.plan.Add(FullPlan("node1"));
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  client_.hold = OperationKind::kBootstrapDelete;  // the first run stalls at Delete
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(Run([&] { return client_.held != nullptr; }));
  client_.hold.reset();
  client_.got.clear();
  client_.SendBootstrapRequest("node1");
  ASSERT_TRUE(Run([&] { return server_->runs().size() == 2 && server_->runs()[1].outcome != BootstrapOutcome::kRunning; }));
  EXPECT_EQ(server_->runs()[0].outcome, BootstrapOutcome::kSuperseded);
  EXPECT_EQ(server_->runs()[1].outcome, BootstrapOutcome::kFinished);
  EXPECT_EQ(client_.Summary(), kFullSequence);
  // The late answer to the first run's Delete changes nothing.
  ASSERT_TRUE(client_.held->Respond(TestClient::Reply(CoapCode::kDeleted)).ok());
  ASSERT_TRUE(Run([&] { return server_->runs()[0].steps.back().done; }, 300ms) == false);
  EXPECT_EQ(server_->runs()[0].outcome, BootstrapOutcome::kSuperseded);
  EXPECT_EQ(server_->CountRuns("node1", BootstrapOutcome::kFinished), 1u);
}

TEST_F(BootstrapServerTest, OtherResourcesAreNotFound) {
  BootstrapServerOptions o;
  Open(std::move(o));
  ASSERT_TRUE(client_.Connect(server_->udp_uri()).ok());
  std::optional<coap::Reply> reply;
  ASSERT_TRUE(client_.session->Send(CoapMessage::Request(CoapCode::kPost, "/rd?ep=x"), [&](const coap::Reply& r) {
    reply = r;
  }).ok());
  ASSERT_TRUE(Run([&] { return reply.has_value(); }));
  EXPECT_EQ(reply->response.code, CoapCode::kNotFound);
}

}  // namespace
}  // namespace lwm2m::refserver
