// runner_test.cc: the runner end to end over loopback against in-process IUTs: a small fake
// LwM2M client (with switchable faults, so the cases can be shown to fail) and the reference
// server as a server IUT. Verdicts, evidence texts, variables, timeouts and a dying IUT.
#include "harness/engine/runner.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "coap/context.h"
#include "harness/engine/loader.h"
#include "lwm2m/codec/codec.h"
#include "reference-server/server.h"

namespace lwm2m::engine {
namespace {

using ::testing::HasSubstr;
using report::Verdict;

bool Has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// A minimal LwM2M client: registers (lwm2m=1.2, falls back to 1.1 on 4.12), answers Read of /3/0
// in the Accept'ed format, de-registers on the "deregister" action. Faults make it wrong on purpose.
class FakeClient : public IutInstance {
 public:
  FakeClient(const Vars& vars, std::vector<std::string> faults) : vars_(vars), faults_(std::move(faults)) {
    ctx_.SetRequestHandler([this](const coap::Peer&, const CoapMessage& m, coap::Responder& r) { OnRequest(m, r); });
    if (Has(faults_, "silent")) return;
    auto s = ctx_.Connect(vars.at("server_uri"));
    if (!s) return;
    session_ = *s;
    Register(Has(faults_, "register-lwm2m-1.1") ? "1.1" : "1.2");
  }
  bool Alive() override { return !(Has(faults_, "crash-after-register") && registered_); }
  std::string ExitText() override { return "was killed by signal 11"; }
  coap::Context* context() override { return &ctx_; }
  ActionOutcome Action(const std::string& name, const Vars&, Duration) override {
    ActionOutcome o;
    if (name == "deregister" && session_ && !location_.empty()) {
      session_->Send(CoapMessage::Request(CoapCode::kDelete, location_), [](const coap::Reply&) {});
      o.ok = true;
    } else {
      o.unsupported = true;
      o.detail = "no such action";
    }
    return o;
  }
  ActionOutcome Control(const nlohmann::json&, Duration) override { return {true, false, "no control channel", {}}; }
  void Stop() override { session_.reset(); }

 private:
  void Register(const std::string& version) {
    CoapMessage m = CoapMessage::Request(CoapCode::kPost, "/rd?ep=" + vars_.at("endpoint") + "&lt=30&lwm2m=" + version + "&b=U");
    std::string links = Has(faults_, "register-lists-security") ? "</0/0>,</1/0>,</3/0>" : "</1/0>,</3/0>";
    m.SetContentFormat(ContentFormat::kLinkFormat);
    m.payload = Bytes(links.begin(), links.end());
    session_->Send(m, [this, version](const coap::Reply& r) {
      if (!r.ok()) return;
      if (r.response.code == CoapCode::kPreconditionFailed && version == "1.2" && !Has(faults_, "no-version-fallback"))
        return Register("1.1");
      if (r.response.code == CoapCode::kCreated) {
        location_ = r.response.LocationPath();
        registered_ = true;
      }
    });
  }
  void OnRequest(const CoapMessage& m, coap::Responder& r) {
    CoapMessage resp;
    if (m.code == CoapCode::kGet && m.UriPath() == "/3/0") {
      ContentFormat f = m.GetAccept().value_or(ContentFormat::kSenmlCbor);
      if (Has(faults_, "ignore-accept")) f = ContentFormat::kTlv;
      Content c;
      c.records.push_back({*Path::Parse("/3/0/0"), Value::String("ACME"), std::nullopt});
      c.records.push_back({*Path::Parse("/3/0/9"), Value::Integer(Has(faults_, "battery-zero") ? 0 : 85), std::nullopt});
      const Codec* codec = FindCodec(f);
      auto bytes = codec ? codec->Encode(c, {.request_path = *Path::Parse("/3/0")}) : Result<Bytes>(NotAcceptable("x"));
      if (!bytes) {
        resp.code = CoapCode::kNotAcceptable;
      } else {
        resp.code = CoapCode::kContent;
        resp.SetContentFormat(f);
        resp.payload = *bytes;
      }
    } else {
      resp.code = CoapCode::kNotFound;
    }
    r.Respond(resp);
  }

  Vars vars_;
  std::vector<std::string> faults_;
  coap::Context ctx_;
  std::shared_ptr<coap::Session> session_;
  std::string location_;
  bool registered_ = false;
};

// The reference server as a server IUT, in process.
class InProcessServer : public IutInstance {
 public:
  explicit InProcessServer(const Vars& vars) {
    refserver::ServerConfig cfg;
    cfg.udp_port = static_cast<uint16_t>(std::stoi(vars.at("port")));
    cfg.supported_versions = {"1.1", "1.2"};
    server_ = std::make_unique<refserver::Lwm2mServer>(cfg);
    status_ = server_->Start();
  }
  Status WaitReady(Duration) override { return status_; }
  bool Alive() override { return true; }
  std::string ExitText() override { return "is running"; }
  coap::Context* context() override { return &server_->context(); }
  ActionOutcome Action(const std::string&, const Vars&, Duration) override { return {true, false, "", {}}; }
  ActionOutcome Control(const nlohmann::json&, Duration) override { return {true, false, "", {}}; }
  void Stop() override {}

 private:
  std::unique_ptr<refserver::Lwm2mServer> server_;
  Status status_;
};

class FakeDriver : public IutDriver {
 public:
  explicit FakeDriver(IutRole role) {
    info_.name = role == IutRole::kClient ? "fake-client" : "in-process-server";
    info_.role = role;
    info_.features = {"udp", "lwm2m-1.2", "lwm2m-1.1", "format:senml-cbor", "format:tlv"};
    info_.endpoint = "fake-node";
  }
  const IutInfo& info() const override { return info_; }
  Result<std::unique_ptr<IutInstance>> Launch(const Vars& vars, const std::string&,
                                              const std::vector<std::string>& faults) override {
    launched_vars = vars;
    if (info_.role == IutRole::kServer) return std::unique_ptr<IutInstance>(new InProcessServer(vars));
    return std::unique_ptr<IutInstance>(new FakeClient(vars, faults));
  }
  IutInfo info_;
  Vars launched_vars;
};

Case Parse(const std::string& text, const std::string& file = "testcases/registration/t.yaml") {
  std::vector<LoadError> e;
  auto c = LoadCaseText(text, file, e);
  std::string s;
  for (const auto& x : e) s += x.ToString() + "\n";
  EXPECT_TRUE(c) << s;
  return c ? *c : Case{};
}

const char* kRegister = R"(id: t
summary: register then read
iut: client
requires: [udp]
steps:
  - expect: {op: register, within: 5s}
    check: {query.lwm2m: "1.2", query.ep: "{iut.endpoint}", links: {excludes: ["</0/0>"], includes: ["</3/0>"]}}
    reply: 2.01
  - send: {op: read, path: /3/0, accept: senml-cbor}
    expect: {code: 2.05, content-format: senml-cbor, decodes: true, values: {/3/0/9: "85"}}
)";

RunOptions Opts(const std::string& out = "") {
  RunOptions o;
  o.out_dir = out;
  o.time_scale = 1.0;
  return o;
}

TEST(Runner, RegisterAndReadPassAgainstAConformingClient) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  auto res = r.RunCase(Parse(kRegister));
  EXPECT_EQ(res.verdict, Verdict::kPass) << res.reason;
  ASSERT_EQ(res.steps.size(), 2u);
  EXPECT_EQ(res.steps[0].line, 6);
  EXPECT_FALSE(res.messages.empty());
  EXPECT_GE(res.steps[1].frames.size(), 2u) << "the read request and its response";
  EXPECT_EQ(d.launched_vars.at("endpoint"), "fake-node");
  EXPECT_THAT(d.launched_vars.at("server_uri"), HasSubstr("coap://127.0.0.1:"));
}

TEST(Runner, WrongVersionFailsWithExpectedAndActual) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  auto res = r.RunCase(Parse(kRegister), {"register-lwm2m-1.1"});
  EXPECT_EQ(res.verdict, Verdict::kFail);
  ASSERT_EQ(res.steps.size(), 1u) << "later steps do not run after a failure";
  EXPECT_EQ(res.steps[0].expected, "query.lwm2m = \"1.2\"");
  EXPECT_EQ(res.steps[0].actual, "query.lwm2m = \"1.1\"");
  EXPECT_THAT(res.reason, HasSubstr("testcases/registration/t.yaml:6: step 1 (expect register)"));
  EXPECT_FALSE(res.steps[0].frames.empty());
}

TEST(Runner, LinkExclusionIsChecked) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  auto res = r.RunCase(Parse(kRegister), {"register-lists-security"});
  EXPECT_EQ(res.verdict, Verdict::kFail);
  EXPECT_EQ(res.steps[0].expected, "links exclude </0/0>");
}

TEST(Runner, ReadInTheWrongFormatFails) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  auto res = r.RunCase(Parse(kRegister), {"ignore-accept"});
  EXPECT_EQ(res.verdict, Verdict::kFail);
  ASSERT_EQ(res.steps.size(), 2u);
  EXPECT_EQ(res.steps[1].expected, "content-format senml-cbor");
  EXPECT_EQ(res.steps[1].actual, "content-format tlv");
}

TEST(Runner, ValueCheckNamesThePath) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  auto res = r.RunCase(Parse(kRegister), {"battery-zero"});
  EXPECT_EQ(res.verdict, Verdict::kFail);
  EXPECT_EQ(res.steps[1].expected, "value./3/0/9 = \"85\"");
  EXPECT_EQ(res.steps[1].actual, "value./3/0/9 = \"0\"");
}

TEST(Runner, SilentIutTimesOutSayingWhatWasAwaited) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  Case c = Parse(kRegister);
  c.steps[0].within = Duration(300);
  auto res = r.RunCase(c, {"silent"});
  EXPECT_EQ(res.verdict, Verdict::kTimeout);
  EXPECT_THAT(res.reason, HasSubstr("no Register request from the IUT within 0.3s"));
}

TEST(Runner, TimeScaleStretchesBounds) {
  FakeDriver d(IutRole::kClient);
  RunOptions o = Opts();
  o.time_scale = 2;
  Runner r(d, o);
  Case c = Parse(kRegister);
  c.steps[0].within = Duration(200);
  auto res = r.RunCase(c, {"silent"});
  EXPECT_THAT(res.reason, HasSubstr("within 0.4s"));
}

TEST(Runner, VersionFallbackOn412) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  Case c = Parse(R"(id: t
summary: fallback
iut: client
steps:
  - expect: {op: register}
    check: {query.lwm2m: "1.2"}
    reply: 4.12
  - expect: {op: register, within: 3s}
    check: {query.lwm2m: "1.1"}
    reply: 2.01
  - send: {op: read, path: /3/0, accept: tlv}
    expect: {code: 2.05, content-format: tlv}
)");
  auto res = r.RunCase(c);
  EXPECT_EQ(res.verdict, Verdict::kPass) << res.reason;
  auto bad = r.RunCase(c, {"no-version-fallback"});
  EXPECT_EQ(bad.verdict, Verdict::kTimeout);
  EXPECT_THAT(bad.reason, HasSubstr("step 2 (expect register)"));
}

TEST(Runner, CapturedVariablesFeedLaterSteps) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  Case c = Parse(R"(id: t
summary: deregister at the location
iut: client
steps:
  - expect: {op: register}
    reply: 2.01
  - action: deregister
  - expect: {op: deregister}
    check: {path: "{register.location}", method: DELETE}
)");
  auto res = r.RunCase(c);
  EXPECT_EQ(res.verdict, Verdict::kPass) << res.reason;
}

TEST(Runner, UnsupportedActionMakesTheCaseUnsupported) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  Case c = Parse("id: t\nsummary: s\niut: client\nsteps:\n  - expect: {op: register}\n  - action: reboot\n");
  auto res = r.RunCase(c);
  EXPECT_EQ(res.verdict, Verdict::kUnsupported);
  EXPECT_THAT(res.reason, HasSubstr("does not support the action 'reboot'"));
}

TEST(Runner, MissingIcsFeatureIsUnsupportedWithTheFeature) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  Case c = Parse(kRegister);
  c.requires_features = {"udp", "tcp|sms"};
  auto res = r.RunCase(c);
  EXPECT_EQ(res.verdict, Verdict::kUnsupported);
  EXPECT_EQ(res.reason, "the IUT does not support 'tcp|sms' (ICS)");
  EXPECT_TRUE(res.steps.empty());
}

TEST(Runner, DyingIutIsAnErrorNotAHang) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  Case c = Parse(R"(id: t
summary: s
iut: client
steps:
  - expect: {op: register}
  - wait: {event: deregistered, within: 5s}
)");
  auto t0 = std::chrono::steady_clock::now();
  auto res = r.RunCase(c, {"crash-after-register"});
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  EXPECT_EQ(res.verdict, Verdict::kError);
  EXPECT_THAT(res.reason, HasSubstr("the IUT was killed by signal 11 while awaiting"));
}

TEST(Runner, WritesStepsJsonPerCase) {
  auto dir = std::filesystem::temp_directory_path() / ("engine-runner-" + std::to_string(getpid()));
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts(dir.string()));
  auto res = r.RunCase(Parse(kRegister));
  EXPECT_EQ(res.steps_json, "t/steps.json");
  std::ifstream in(dir / "t" / "steps.json");
  ASSERT_TRUE(in);
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["verdict"], "PASS");
  EXPECT_EQ(j["steps"].size(), 2u);
#ifdef LWM2M_ENGINE_HAVE_WIRE
  EXPECT_EQ(res.capture, "t/capture.pcapng");
  EXPECT_TRUE(std::filesystem::exists(dir / "t" / "capture.pcapng"));
#endif
  std::filesystem::remove_all(dir);
}

TEST(Runner, ServerIutAcceptsRegisterAndRefusesBadOnes) {
  FakeDriver d(IutRole::kServer);
  Runner r(d, Opts());
  Case c = Parse(R"(id: t
summary: server IUT
iut: server
steps:
  - send: {op: register, query: ["ep={tester.endpoint}", "lt=30", "lwm2m=1.2"]}
    expect: {code: 2.01, check: {location: {matches: "^/rd/"}}}
  - send: {op: update, query: ["lt=60"]}
    expect: 2.04
  - send: {op: register, query: ["ep=x", "lwm2m=9.9"]}
    as: badversion
    expect: 4.12
  - send: {op: register, query: ["lt=30", "lwm2m=1.2"]}
    as: noep
    expect: 4.00
  - send: {op: deregister, path: "{register.location}"}
    expect: 2.02
)",
                 "testcases/registration/t.yaml");
  auto res = r.RunCase(c);
  EXPECT_EQ(res.verdict, Verdict::kPass) << res.reason;
  EXPECT_EQ(res.steps.size(), 5u);
}

TEST(Runner, RawStepSendsCoapAsWritten) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  Case c = Parse(R"(id: t
summary: raw
iut: client
steps:
  - expect: {op: register}
  - raw: {type: CON, code: 0.01, uri: /3/0, options: {accept: senml-json}}
    expect: {code: 2.05, content-format: senml-json, values: {/3/0/0: ACME}}
  - raw: {type: CON, code: 0.01, uri: /3/0, options: {accept: 41}}
    expect: 4.06
  - raw: {type: CON, code: 0.01, uri: /9/9}
    expect: {code: 4.04}
)");
  auto res = r.RunCase(c);
  EXPECT_EQ(res.verdict, Verdict::kPass) << res.reason;
}

#ifdef LWM2M_ENGINE_HAVE_WIRE
TEST(Runner, WireBlackholeMakesTheNextExchangeTimeOut) {
  FakeDriver d(IutRole::kClient);
  Runner r(d, Opts());
  Case c = Parse(R"(id: t
summary: wire
iut: client
steps:
  - expect: {op: register}
  - wire: {blackhole: 1, direction: to-iut}
  - send: {op: read, path: /3/0, accept: tlv}
    within: 1500ms
    expect: 2.05
)");
  auto res = r.RunCase(c);
  EXPECT_EQ(res.verdict, Verdict::kTimeout);
  EXPECT_THAT(res.reason, HasSubstr("no response to Read /3/0 within 1.5s"));
}
#endif

TEST(Runner, FoldIsTheWorstStep) {
  std::vector<report::StepResult> s(3);
  EXPECT_EQ(Runner::Fold(s), Verdict::kPass);
  s[1].verdict = Verdict::kInconclusive;
  EXPECT_EQ(Runner::Fold(s), Verdict::kInconclusive);
  s[2].verdict = Verdict::kFail;
  EXPECT_EQ(Runner::Fold(s), Verdict::kFail);
  s[0].verdict = Verdict::kError;
  EXPECT_EQ(Runner::Fold(s), Verdict::kError);
}

}  // namespace
}  // namespace lwm2m::engine
