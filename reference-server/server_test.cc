// server_test.cc: the reference LwM2M Server against a minimal in-test client (a coap::Context
// sending raw Register/Update/De-register/Send and answering DM/IR requests with canned
// responses), on loopback, with bounded waits and a fake clock for lifetimes.
#include "reference-server/server.h"

#include <gtest/gtest.h>

#include "coap/test_support.h"
#include "lwm2m/codec/codec.h"

namespace lwm2m::refserver {
namespace {

using namespace std::chrono_literals;
using coap::Transport;

std::string Str(const Bytes& b) { return std::string(b.begin(), b.end()); }

CoapMessage Resp(uint8_t code, std::string_view payload = {}, std::optional<ContentFormat> cf = {}) {
  CoapMessage m;
  m.code = code;
  m.payload.assign(payload.begin(), payload.end());
  if (cf) m.SetContentFormat(*cf);
  return m;
}

Bytes Encode(ContentFormat f, const Content& c, const Path& base = Path()) {
  auto r = FindCodec(f)->Encode(c, {.request_path = base});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Bytes{};
}

struct Seen {
  CoapMessage req;
};

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerConfig cfg = {}) {
    cfg.clock = [this] { return now_; };
    server_ = std::make_unique<Lwm2mServer>(std::move(cfg));
    Status st = server_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
    server_->AddPeerContext(&client_);
    client_.SetRequestHandler([this](const coap::Peer&, const CoapMessage& req, coap::Responder& r) {
      seen_.push_back(req);
      if (req.Observe() == 0u) {
        observation_ = r.AcceptObserve();
        r.Respond(Resp(CoapCode::kContent, "21", ContentFormat::kTextPlain));
        return;
      }
      if (answer_) {
        answer_(req, r);
        return;
      }
      r.Respond(Resp(CoapCode::kNotFound));
    });
  }
  void Connect(Transport t = Transport::kUdp, const coap::Security& sec = {}, const coap::Timing& timing = {}) {
    auto addr = server_->address(t);
    ASSERT_TRUE(addr.has_value());
    auto s = client_.Connect(t, *addr, sec, timing);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    session_ = *s;
  }
  coap::Reply Send(CoapMessage m, std::chrono::milliseconds timeout = 5s) {
    std::optional<coap::Reply> out;
    auto sent = session_->Send(std::move(m), [&](const coap::Reply& r) { out = r; });
    EXPECT_TRUE(sent.ok());
    server_->RunUntil([&] { return out.has_value(); }, timeout);
    if (!out) {
      coap::Reply r;
      r.outcome = coap::Outcome::kTimeout;
      r.detail = "test: no reply";
      return r;
    }
    return *out;
  }
  CoapMessage RegisterMsg(std::string_view query, std::string_view links = "</1/0>,</3/0>") {
    CoapMessage m = CoapMessage::Request(CoapCode::kPost, "/rd?" + std::string(query));
    if (!links.empty()) {
      m.payload.assign(links.begin(), links.end());
      m.SetContentFormat(ContentFormat::kLinkFormat);
    }
    return m;
  }
  // Registers and returns the location ("/rd/xxxx").
  std::string Register(std::string_view query = "ep=node1&lt=300&lwm2m=1.2&b=U",
                       std::string_view links = "</1/0>,</3/0>") {
    coap::Reply r = Send(RegisterMsg(query, links));
    EXPECT_TRUE(r.ok()) << r.detail;
    EXPECT_EQ(r.response.code, CoapCode::kCreated) << Str(r.response.payload);
    return r.response.LocationPath();
  }

  Clock::time_point now_ = Clock::now();
  coap::Context client_;
  std::unique_ptr<Lwm2mServer> server_;
  std::shared_ptr<coap::Session> session_;
  std::vector<CoapMessage> seen_;
  std::function<void(const CoapMessage&, coap::Responder&)> answer_;
  std::shared_ptr<coap::Observation> observation_;
};

auto Kind(ServerEventKind k) {
  return [k](const ServerEvent& e) { return e.kind == k; };
}

// ---------------------------------------------------------------- registration

TEST_F(ServerTest, RegisterUpdateDeregisterHappyPath) {
  StartServer();
  Connect();
  coap::Reply r = Send(RegisterMsg("ep=node1&lt=300&lwm2m=1.2&b=U", "</1/0>,</3/0>,</3303>;ver=1.1,</3303/0>"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.response.code, CoapCode::kCreated);
  // Transport TS 1.2 §6.4.3: the location lies under /rd: exactly two Location-Path options.
  auto loc = r.response.FindOptions(CoapOption::kLocationPath);
  ASSERT_EQ(loc.size(), 2u);
  EXPECT_EQ(Str(loc[0]->value), "rd");
  EXPECT_EQ(loc[1]->value.size(), 8u);
  std::string location = r.response.LocationPath();

  auto ev = server_->WaitFor(Kind(ServerEventKind::kRegistered), 1s);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->endpoint, "node1");
  EXPECT_EQ(ev->location, location);
  ASSERT_TRUE(ev->registration.has_value());
  const Registration& reg = *ev->registration;
  EXPECT_EQ(reg.lifetime_s, 300u);
  EXPECT_EQ(reg.version, "1.2");
  EXPECT_EQ(reg.binding, "U");
  EXPECT_FALSE(reg.queue_mode);
  ASSERT_EQ(reg.objects.size(), 3u);
  EXPECT_EQ(reg.objects[0].id, 1);
  EXPECT_EQ(reg.objects[0].version, "1.2");  // implied by lwm2m=1.2
  EXPECT_FALSE(reg.objects[0].version_declared);
  EXPECT_EQ(reg.objects[2].id, 3303);
  EXPECT_EQ(reg.objects[2].version, "1.1");
  EXPECT_TRUE(reg.objects[2].version_declared);
  auto req_ev = server_->WaitFor(Kind(ServerEventKind::kRequest), 1s);
  ASSERT_TRUE(req_ev.has_value());
  ASSERT_TRUE(req_ev->classification && req_ev->classification->operation);
  EXPECT_EQ(req_ev->classification->operation->kind, OperationKind::kRegister);
  EXPECT_EQ(req_ev->answered, CoapCode::kCreated);

  r = Send(CoapMessage::Request(CoapCode::kPost, location + "?lt=600&b=U"));
  EXPECT_EQ(r.response.code, CoapCode::kChanged);
  ev = server_->WaitFor(Kind(ServerEventKind::kUpdated), 1s);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(server_->FindByEndpoint("node1")->lifetime_s, 600u);
  EXPECT_EQ(server_->FindByEndpoint("node1")->objects.size(), 3u);  // Update without payload keeps them

  r = Send(CoapMessage::Request(CoapCode::kDelete, location));
  EXPECT_EQ(r.response.code, CoapCode::kDeleted);
  ev = server_->WaitFor(Kind(ServerEventKind::kDeregistered), 1s);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->endpoint, "node1");
  EXPECT_EQ(server_->FindByEndpoint("node1"), nullptr);
  // The location is gone: Update and De-register now get 4.04.
  EXPECT_EQ(Send(CoapMessage::Request(CoapCode::kPost, location)).response.code, CoapCode::kNotFound);
  EXPECT_EQ(Send(CoapMessage::Request(CoapCode::kDelete, location)).response.code, CoapCode::kNotFound);
}

TEST_F(ServerTest, RegisterErrorsAreAnsweredWithTheTableCodes) {
  ServerConfig cfg;
  cfg.allow_endpoint = [](const std::string& ep) { return ep != "banned"; };
  StartServer(cfg);
  Connect();
  struct Case {
    std::string query, links;
    uint8_t code;
  };
  const std::vector<Case> cases = {
      {"lt=300&lwm2m=1.2", "</1/0>", CoapCode::kBadRequest},                 // missing ep
      {"ep=a&lt=abc&lwm2m=1.2", "</1/0>", CoapCode::kBadRequest},            // lt not a number
      {"ep=a&lt&lwm2m=1.2", "</1/0>", CoapCode::kBadRequest},                // lt without value
      {"ep=a&lt=60&lwm2m=1.2&Q=1", "</1/0>", CoapCode::kBadRequest},         // Q takes no value
      {"ep=a&lt=60&lwm2m=1.2", "</0/0>,</1/0>", CoapCode::kBadRequest},      // Security Object listed
      {"ep=a&lt=60&lwm2m=1.2", "</1/0", CoapCode::kBadRequest},              // broken link format
      {"ep=a&lt=60&lwm2m=9.9", "</1/0>", CoapCode::kPreconditionFailed},     // unsupported version
      {"ep=banned&lt=60&lwm2m=1.2", "</1/0>", CoapCode::kForbidden},         // not allowed
  };
  for (const Case& c : cases) {
    coap::Reply r = Send(RegisterMsg(c.query, c.links));
    ASSERT_TRUE(r.ok()) << c.query;
    EXPECT_EQ(r.response.code, c.code) << c.query << " " << c.links << ": " << Str(r.response.payload);
  }
  EXPECT_TRUE(server_->Registrations().empty());
  EXPECT_FALSE(server_->WaitFor(Kind(ServerEventKind::kRegistered), 50ms).has_value());
  // Requests that are no client operation of a registration server.
  EXPECT_EQ(Send(CoapMessage::Request(CoapCode::kGet, "/rd")).response.code, CoapCode::kMethodNotAllowed);
  EXPECT_EQ(Send(CoapMessage::Request(CoapCode::kPost, "/bs?ep=a")).response.code, CoapCode::kNotFound);
  EXPECT_EQ(Send(CoapMessage::Request(CoapCode::kGet, "/3/0")).response.code, CoapCode::kNotFound);
}

TEST_F(ServerTest, SupportedVersionSetIsConfigurable) {
  ServerConfig cfg;
  cfg.supported_versions = {"1.1"};
  StartServer(cfg);
  Connect();
  EXPECT_EQ(Send(RegisterMsg("ep=a&lwm2m=1.2")).response.code, CoapCode::kPreconditionFailed);
  EXPECT_EQ(Send(RegisterMsg("ep=a")).response.code, CoapCode::kPreconditionFailed);  // no lwm2m: 1.0
  EXPECT_EQ(Send(RegisterMsg("ep=a&lwm2m=1.1")).response.code, CoapCode::kCreated);
}

// Core TS 1.2 §6.2.1 Profile ID; ETS 1.2-int-110 (pid, no object list) and 111 (pid + list, merged).
TEST_F(ServerTest, ProfileIdIsResolvedAndMergedWithTheExplicitList) {
  ServerConfig cfg;
  cfg.profiles["6:27354b9a"] = "</1/0>,</3/0>,</5>;ver=1.1";
  cfg.profiles["oma:2"] = "</3303/0>";
  StartServer(cfg);
  Connect();
  ASSERT_FALSE(Register("ep=p1&lt=300&lwm2m=1.2&pid=6:27354b9a", "").empty());
  const Registration* r = server_->FindByEndpoint("p1");
  ASSERT_NE(r, nullptr);
  ASSERT_NE(r->FindObject(5), nullptr);
  EXPECT_EQ(r->FindObject(5)->version, "1.1");
  EXPECT_NE(r->FindObject(3), nullptr);

  ASSERT_FALSE(Register("ep=p2&lt=300&lwm2m=1.2&pid=\"6:27354b9a,oma:2\"", "</4/0>,</5>;ver=1.2").empty());
  r = server_->FindByEndpoint("p2");
  ASSERT_NE(r, nullptr);
  EXPECT_NE(r->FindObject(4), nullptr);
  EXPECT_NE(r->FindObject(3303), nullptr);
  ASSERT_NE(r->FindObject(5), nullptr);
  EXPECT_EQ(r->FindObject(5)->version, "1.2");  // the explicit list wins over the profile
}

TEST_F(ServerTest, UnknownProfileIdIsConflict409) {
  ServerConfig cfg;
  cfg.profiles["oma:1"] = "</3/0>";
  StartServer(cfg);
  Connect();
  coap::Reply rep = Send(RegisterMsg("ep=p3&lt=300&lwm2m=1.2&pid=6:deadbeef", ""));
  ASSERT_TRUE(rep.ok()) << rep.detail;
  EXPECT_EQ(rep.response.code, CoapCode::kConflict);
  EXPECT_EQ(server_->FindByEndpoint("p3"), nullptr);
  rep = Send(RegisterMsg("ep=p3&lt=300&lwm2m=1.2&pid=\"oma:1,v:9\"", "</4/0>"));
  EXPECT_EQ(rep.response.code, CoapCode::kConflict);
}

TEST_F(ServerTest, LifetimeDefaultsTo86400AndZeroIsInfinite) {
  StartServer();
  Connect();
  Register("ep=a&lwm2m=1.2");
  EXPECT_EQ(server_->FindByEndpoint("a")->lifetime_s, 86400u);
  Register("ep=b&lwm2m=1.2&lt=0");
  EXPECT_FALSE(server_->FindByEndpoint("b")->lifetime_s.has_value());
  now_ += std::chrono::hours(24 * 400);
  server_->Tick();
  EXPECT_NE(server_->FindByEndpoint("b"), nullptr);
  EXPECT_EQ(server_->FindByEndpoint("a"), nullptr);
}

TEST_F(ServerTest, RegistrationExpiresWhenLifetimePassesWithoutUpdate) {
  StartServer();
  Connect();
  std::string loc = Register("ep=node1&lt=60&lwm2m=1.1");
  now_ += 59s;
  EXPECT_EQ(Send(CoapMessage::Request(CoapCode::kPost, loc)).response.code, CoapCode::kChanged);
  now_ += 59s;  // 59 s after the Update: still registered
  server_->Tick();
  ASSERT_NE(server_->FindByEndpoint("node1"), nullptr);
  now_ += 2s;
  auto ev = server_->WaitFor(Kind(ServerEventKind::kExpired), 1s);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->endpoint, "node1");
  EXPECT_EQ(ev->location, loc);
  EXPECT_EQ(server_->FindByEndpoint("node1"), nullptr);
  EXPECT_EQ(Send(CoapMessage::Request(CoapCode::kPost, loc)).response.code, CoapCode::kNotFound);
}

TEST_F(ServerTest, ReRegisterReplacesTheOldRegistration) {
  StartServer();
  Connect();
  std::string first = Register();
  std::string second = Register("ep=node1&lt=100&lwm2m=1.1", "</3/0>");
  EXPECT_NE(first, second);
  ASSERT_EQ(server_->Registrations().size(), 1u);
  EXPECT_EQ(server_->FindByEndpoint("node1")->location, second);
  EXPECT_EQ(server_->FindByEndpoint("node1")->version, "1.1");
  auto ev1 = server_->WaitFor(Kind(ServerEventKind::kRegistered), 1s);
  auto ev2 = server_->WaitFor(Kind(ServerEventKind::kRegistered), 1s);
  ASSERT_TRUE(ev1 && ev2);
  EXPECT_FALSE(ev1->replaced);
  EXPECT_TRUE(ev2->replaced);
  EXPECT_EQ(Send(CoapMessage::Request(CoapCode::kPost, first)).response.code, CoapCode::kNotFound);
}

TEST_F(ServerTest, ImpliedObjectVersionsFollowTheEnablerVersion) {
  EXPECT_EQ(ImpliedObjectVersion("1.0", 3), "1.0");
  EXPECT_EQ(ImpliedObjectVersion("1.1", 1), "1.1");
  EXPECT_EQ(ImpliedObjectVersion("1.1", 4), "1.2");
  EXPECT_EQ(ImpliedObjectVersion("1.1", 5), "1.0");
  EXPECT_EQ(ImpliedObjectVersion("1.2", 3), "1.2");
  EXPECT_EQ(ImpliedObjectVersion("1.2", 4), "1.3");
  EXPECT_EQ(ImpliedObjectVersion("1.2", 3303), "1.0");
}

// ---------------------------------------------------------------- queue mode

TEST_F(ServerTest, QueueModeHoldsRequestsUntilTheNextUpdate) {
  ServerConfig cfg;
  cfg.queue_awake_window = 0ms;
  StartServer(cfg);
  Connect();
  std::string loc = Register("ep=q1&lt=300&lwm2m=1.1&b=U&Q");
  ASSERT_TRUE(server_->FindByEndpoint("q1")->queue_mode);
  answer_ = [](const CoapMessage&, coap::Responder& r) { r.Respond(Resp(CoapCode::kContent, "ACME", ContentFormat::kTextPlain)); };
  std::optional<Result<OperationResult>> got;
  server_->CallAsync("q1", Operation::Read(*Path::Parse("/3/0/0")), {.timeout = 5s},
                     [&](const Result<OperationResult>& r) { got = r; });
  server_->RunUntil([] { return false; }, 100ms);
  EXPECT_TRUE(seen_.empty());  // held: the client is asleep
  EXPECT_FALSE(got.has_value());
  EXPECT_EQ(Send(CoapMessage::Request(CoapCode::kPost, loc)).response.code, CoapCode::kChanged);
  ASSERT_TRUE(server_->RunUntil([&] { return got.has_value(); }, 3s));
  ASSERT_TRUE(got->ok()) << got->status().ToString();
  EXPECT_EQ((*got)->code, CoapCode::kContent);
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].UriPath(), "/3/0/0");
}

TEST_F(ServerTest, QueueModeFromTheBindingLetterOf10) {
  StartServer();
  Connect();
  Register("ep=q0&lt=300&b=UQ");
  EXPECT_TRUE(server_->FindByEndpoint("q0")->queue_mode);
  EXPECT_EQ(server_->FindByEndpoint("q0")->version, "1.0");
}

// ---------------------------------------------------------------- DM round trips

TEST_F(ServerTest, ReadDecodesTheResponse) {
  StartServer();
  Connect();
  Register();
  answer_ = [](const CoapMessage& req, coap::Responder& r) {
    if (req.UriPath() == "/3/0/0") r.Respond(Resp(CoapCode::kContent, "ACME", ContentFormat::kTextPlain));
    else r.Respond(Resp(CoapCode::kNotFound));
  };
  auto r = server_->Read("node1", *Path::Parse("/3/0/0"), {.accept = ContentFormat::kTextPlain, .timeout = 5s});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, CoapCode::kContent);
  EXPECT_TRUE(r->success());
  ASSERT_EQ(r->content.records.size(), 1u);
  EXPECT_EQ(r->content.records[0].path.ToString(), "/3/0/0");
  EXPECT_EQ(r->content.records[0].value, Value::String("ACME"));
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].code, CoapCode::kGet);
  EXPECT_EQ(seen_[0].GetAccept(), ContentFormat::kTextPlain);
  EXPECT_EQ(Str(r->response.payload), "ACME");

  auto missing = server_->Read("node1", *Path::Parse("/3/0/99"));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->code, CoapCode::kNotFound);
  EXPECT_EQ(missing->kind, ResponseKind::kError);

  auto nobody = server_->Read("ghost", *Path::Parse("/3/0/0"));
  EXPECT_EQ(nobody.status().code(), StatusCode::kNotFound);
}

TEST_F(ServerTest, RequestsCarryTheAlternatePath) {
  StartServer();
  Connect();
  Register("ep=node1&lt=300&lwm2m=1.2", "</lwm2m>;rt=\"oma.lwm2m\",</lwm2m/1/0>,</lwm2m/3/0>");
  EXPECT_EQ(server_->FindByEndpoint("node1")->alternate_path, "/lwm2m");
  answer_ = [](const CoapMessage&, coap::Responder& r) { r.Respond(Resp(CoapCode::kContent, "x", ContentFormat::kTextPlain)); };
  auto r = server_->Read("node1", *Path::Parse("/3/0/1"));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].UriPath(), "/lwm2m/3/0/1");
}

TEST_F(ServerTest, ReadTimesOutWithinTheBound) {
  StartServer();
  Connect();
  Register();
  answer_ = [](const CoapMessage&, coap::Responder& r) { r.Drop(); };
  auto start = Clock::now();
  auto r = server_->Read("node1", *Path::Parse("/3/0/0"), {.timeout = 300ms});
  EXPECT_FALSE(r.ok());
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(ServerTest, WriteUsesSenmlCborFor11AndTlvFor10) {
  StartServer();
  Connect();
  Register("ep=new&lt=300&lwm2m=1.1");
  answer_ = [](const CoapMessage&, coap::Responder& r) { r.Respond(Resp(CoapCode::kChanged)); };
  Content c;
  c.records.push_back({*Path::Parse("/1/0/1"), Value::UnsignedInteger(120), std::nullopt});
  auto r = server_->Write("new", *Path::Parse("/1/0/1"), c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, CoapCode::kChanged);
  EXPECT_TRUE(r->success());
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].code, CoapCode::kPut);
  EXPECT_EQ(seen_[0].GetContentFormat(), ContentFormat::kSenmlCbor);
  auto back = FindCodec(ContentFormat::kSenmlCbor)->Decode(seen_[0].payload, {.request_path = *Path::Parse("/1/0/1")});
  ASSERT_EQ(back.content.records.size(), 1u);
  EXPECT_EQ(back.content.records[0].path.ToString(), "/1/0/1");

  Register("ep=old&lt=300", "</1/0>,</3/0>");
  seen_.clear();
  r = server_->Write("old", *Path::Parse("/1/0"), c, WriteMode::kPartialUpdate);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].code, CoapCode::kPost);
  EXPECT_EQ(seen_[0].UriPath(), "/1/0");
  EXPECT_EQ(seen_[0].GetContentFormat(), ContentFormat::kTlv);
  // TLV resource 1, one byte length-less header: type 0b11 (resource) 00 (id 8 bits) 001 (len 1)
  // = 0xC1, id 0x01, value 0x78 (Core TS 1.2 §7.4.3).
  EXPECT_EQ(seen_[0].payload, (Bytes{0xC1, 0x01, 0x78}));
}

TEST_F(ServerTest, ExecuteCreateDeleteDiscoverAndWriteAttributes) {
  StartServer();
  Connect();
  Register("ep=node1&lt=300&lwm2m=1.2", "</1/0>,</3/0>,</3303>");
  answer_ = [](const CoapMessage& req, coap::Responder& r) {
    if (req.code == CoapCode::kPost && req.UriPath() == "/3/0/4") return r.Respond(Resp(CoapCode::kChanged));
    if (req.code == CoapCode::kPost && req.UriPath() == "/3303") {
      CoapMessage m = Resp(CoapCode::kCreated);
      m.AddOption(CoapOption::kLocationPath, std::string_view("3303"));
      m.AddOption(CoapOption::kLocationPath, std::string_view("7"));
      return r.Respond(m);
    }
    if (req.code == CoapCode::kDelete) return r.Respond(Resp(CoapCode::kDeleted));
    if (req.code == CoapCode::kGet && req.GetAccept() == ContentFormat::kLinkFormat)
      return r.Respond(Resp(CoapCode::kContent, "</3/0>,</3/0/0>,</3/0/7>;dim=2", ContentFormat::kLinkFormat));
    if (req.code == CoapCode::kPut && req.payload.empty()) return r.Respond(Resp(CoapCode::kChanged));
    r.Respond(Resp(CoapCode::kBadRequest));
  };
  auto ex = server_->Execute("node1", *Path::Parse("/3/0/4"), {{0, "abc"}, {1, std::nullopt}});
  ASSERT_TRUE(ex.ok());
  EXPECT_EQ(ex->code, CoapCode::kChanged);
  EXPECT_EQ(Str(seen_.back().payload), "0='abc',1");

  Content inst;
  inst.records.push_back({*Path::Parse("/3303/7/5700"), Value::Float(21.5), std::nullopt});
  auto cr = server_->Create("node1", *Path::Parse("/3303"), inst);
  ASSERT_TRUE(cr.ok()) << cr.status().ToString();
  EXPECT_EQ(cr->code, CoapCode::kCreated);
  ASSERT_TRUE(cr->created.has_value());
  EXPECT_EQ(cr->created->ToString(), "/3303/7");
  EXPECT_EQ(seen_.back().GetContentFormat(), ContentFormat::kSenmlCbor);

  auto del = server_->Delete("node1", *Path::Parse("/3303/7"));
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del->code, CoapCode::kDeleted);
  EXPECT_EQ(seen_.back().code, CoapCode::kDelete);
  EXPECT_EQ(seen_.back().UriPath(), "/3303/7");

  auto disc = server_->Discover("node1", *Path::Parse("/3/0"), 2);
  ASSERT_TRUE(disc.ok());
  EXPECT_EQ(disc->code, CoapCode::kContent);
  ASSERT_EQ(disc->content.links.size(), 3u);
  EXPECT_EQ(disc->content.links[2].target, "/3/0/7");
  EXPECT_EQ(seen_.back().Query("depth"), "2");

  NotificationAttributes a;
  a.pmin = 5;
  a.pmax = 60;
  auto wa = server_->WriteAttributes("node1", *Path::Parse("/3/0/7"), a);
  ASSERT_TRUE(wa.ok());
  EXPECT_EQ(wa->code, CoapCode::kChanged);
  EXPECT_EQ(seen_.back().code, CoapCode::kPut);
  EXPECT_EQ(seen_.back().UriQueries(), (std::vector<std::string>{"pmin=5", "pmax=60"}));
}

TEST_F(ServerTest, ReadCompositeAndWriteComposite) {
  StartServer();
  Connect();
  Register();
  Content values;
  values.records.push_back({*Path::Parse("/3/0/0"), Value::String("ACME"), std::nullopt});
  values.records.push_back({*Path::Parse("/1/0/1"), Value::UnsignedInteger(300), std::nullopt});
  Bytes body = Encode(ContentFormat::kSenmlCbor, values);
  answer_ = [&](const CoapMessage& req, coap::Responder& r) {
    if (req.code == CoapCode::kFetch)
      return r.Respond(Resp(CoapCode::kContent, std::string(body.begin(), body.end()), ContentFormat::kSenmlCbor));
    if (req.code == CoapCode::kIPatch) return r.Respond(Resp(CoapCode::kChanged));
    r.Respond(Resp(CoapCode::kBadRequest));
  };
  auto rc = server_->ReadComposite("node1", {*Path::Parse("/3/0/0"), *Path::Parse("/1/0/1")});
  ASSERT_TRUE(rc.ok()) << rc.status().ToString();
  EXPECT_EQ(rc->code, CoapCode::kContent);
  ASSERT_EQ(rc->content.records.size(), 2u);
  EXPECT_EQ(rc->content.records[0].value, Value::String("ACME"));
  EXPECT_EQ(seen_.back().code, CoapCode::kFetch);
  EXPECT_EQ(seen_.back().UriPath(), "/");
  EXPECT_EQ(seen_.back().GetContentFormat(), ContentFormat::kSenmlCbor);
  EXPECT_EQ(seen_.back().GetAccept(), ContentFormat::kSenmlCbor);
  auto paths = FindCodec(ContentFormat::kSenmlCbor)->Decode(seen_.back().payload, {});
  ASSERT_EQ(paths.content.records.size(), 2u);
  EXPECT_EQ(paths.content.records[1].path.ToString(), "/1/0/1");

  auto wc = server_->WriteComposite("node1", values);
  ASSERT_TRUE(wc.ok());
  EXPECT_EQ(wc->code, CoapCode::kChanged);
  EXPECT_EQ(seen_.back().code, CoapCode::kIPatch);
}

TEST_F(ServerTest, AsyncCallsRunSideBySide) {
  StartServer();
  Connect();
  Register();
  answer_ = [](const CoapMessage& req, coap::Responder& r) {
    r.Respond(Resp(CoapCode::kContent, req.UriPath(), ContentFormat::kTextPlain));
  };
  std::vector<std::string> got;
  for (const char* p : {"/3/0/0", "/3/0/1", "/3/0/2"})
    server_->CallAsync("node1", Operation::Read(*Path::Parse(p)), {}, [&](const Result<OperationResult>& r) {
      ASSERT_TRUE(r.ok());
      got.push_back(Str(r->response.payload));
    });
  ASSERT_TRUE(server_->RunUntil([&] { return got.size() == 3; }, 5s));
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"/3/0/0", "/3/0/1", "/3/0/2"}));
}

// ---------------------------------------------------------------- observe

TEST_F(ServerTest, ObserveNotificationsAndCancelByGet) {
  StartServer();
  Connect();
  Register();
  NotificationAttributes a;
  a.pmin = 1;
  auto ob = server_->Observe("node1", *Path::Parse("/3/0/9"), a);
  ASSERT_TRUE(ob.ok()) << ob.status().ToString();
  EXPECT_EQ(ob->code, CoapCode::kContent);
  EXPECT_EQ(ob->kind, ResponseKind::kNotify);
  EXPECT_FALSE(ob->token.empty());
  ASSERT_TRUE(ob->observe.has_value());
  ASSERT_TRUE(observation_);
  EXPECT_EQ(seen_.back().Query("pmin"), "1");
  ASSERT_EQ(ob->content.records.size(), 1u);
  EXPECT_EQ(ob->content.records[0].value, Value::Integer(21));

  ASSERT_TRUE(observation_->Notify(Resp(CoapCode::kContent, "22", ContentFormat::kTextPlain),
                                   CoapType::kNonConfirmable).ok());
  auto n1 = server_->WaitFor(Kind(ServerEventKind::kNotification), 3s);
  ASSERT_TRUE(n1.has_value());
  EXPECT_EQ(n1->token, ob->token);
  EXPECT_FALSE(n1->confirmable);
  EXPECT_FALSE(n1->out_of_order);
  EXPECT_EQ(n1->path.ToString(), "/3/0/9");
  ASSERT_EQ(n1->content.records.size(), 1u);
  EXPECT_EQ(n1->content.records[0].value, Value::Integer(22));
  ASSERT_TRUE(observation_->Notify(Resp(CoapCode::kContent, "23", ContentFormat::kTextPlain),
                                   CoapType::kConfirmable).ok());
  auto n2 = server_->WaitFor(Kind(ServerEventKind::kNotification), 3s);
  ASSERT_TRUE(n2.has_value());
  EXPECT_TRUE(n2->confirmable);
  ASSERT_TRUE(n1->observe && n2->observe);
  EXPECT_GT(*n2->observe, *n1->observe);

  answer_ = [](const CoapMessage&, coap::Responder& r) {
    r.Respond(Resp(CoapCode::kContent, "24", ContentFormat::kTextPlain));
  };
  auto cancel = server_->CancelObservation("node1", ob->token);
  ASSERT_TRUE(cancel.ok()) << cancel.status().ToString();
  EXPECT_EQ(cancel->code, CoapCode::kContent);
  EXPECT_EQ(seen_.back().Observe(), 1u);
  EXPECT_EQ(seen_.back().UriPath(), "/3/0/9");
  EXPECT_FALSE(server_->CancelObservation("node1", ob->token).ok());  // gone
}

TEST_F(ServerTest, CancelByResetAnswersTheNextNotificationWithRst) {
  StartServer();
  Connect();
  Register();
  auto ob = server_->Observe("node1", *Path::Parse("/3/0/9"));
  ASSERT_TRUE(ob.ok());
  ASSERT_TRUE(observation_);
  bool cancelled = false;
  observation_->SetOnCancel([&](const std::string&) { cancelled = true; });
  ASSERT_TRUE(observation_->Notify(Resp(CoapCode::kContent, "22", ContentFormat::kTextPlain)).ok());
  ASSERT_TRUE(server_->WaitFor(Kind(ServerEventKind::kNotification), 3s).has_value());
  auto c = server_->CancelObservation("node1", ob->token, coap::Session::CancelBy::kReset);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(observation_->Notify(Resp(CoapCode::kContent, "23", ContentFormat::kTextPlain),
                                   CoapType::kConfirmable).ok());
  EXPECT_TRUE(server_->RunUntil([&] { return cancelled || !observation_->active(); }, 3s));
}

TEST_F(ServerTest, ObserveCompositeSendsFetchWithObserve) {
  StartServer();
  Connect();
  Register();
  auto ob = server_->ObserveComposite("node1", {*Path::Parse("/3/0/9"), *Path::Parse("/3/0/7")});
  ASSERT_TRUE(ob.ok()) << ob.status().ToString();
  EXPECT_EQ(seen_.back().code, CoapCode::kFetch);
  EXPECT_EQ(seen_.back().Observe(), 0u);
  EXPECT_EQ(seen_.back().GetContentFormat(), ContentFormat::kSenmlCbor);
  EXPECT_FALSE(ob->token.empty());
}

TEST_F(ServerTest, StaleNotificationIsFlaggedOutOfOrder) {
  StartServer();
  Connect();
  Register();
  auto ob = server_->Observe("node1", *Path::Parse("/3/0/9"));
  ASSERT_TRUE(ob.ok());
  ASSERT_TRUE(observation_);
  // RFC 7641 §4.4: 50 after 100 is not fresher; 101 after 100 is.
  for (uint32_t seq : {100u, 50u, 101u}) {
    CoapMessage n = Resp(CoapCode::kContent, std::to_string(seq), ContentFormat::kTextPlain);
    n.AddUintOption(CoapOption::kObserve, seq);
    ASSERT_TRUE(observation_->Notify(n).ok());
  }
  std::vector<std::pair<uint32_t, bool>> got;
  for (int i = 0; i < 3; ++i) {
    auto n = server_->WaitFor(Kind(ServerEventKind::kNotification), 3s);
    ASSERT_TRUE(n.has_value());
    got.emplace_back(n->observe.value_or(0), n->out_of_order);
  }
  EXPECT_EQ(got, (std::vector<std::pair<uint32_t, bool>>{{100, false}, {50, true}, {101, false}}));
}

TEST_F(ServerTest, UpdateFromANewAddressMovesTheSession) {
  StartServer();
  Connect();
  std::string loc = Register();
  auto old_local = session_->local();
  Connect();  // a new source port, as after a NAT rebinding
  ASSERT_NE(session_->local(), old_local);
  EXPECT_EQ(Send(CoapMessage::Request(CoapCode::kPost, loc)).response.code, CoapCode::kChanged);
  EXPECT_EQ(server_->FindByEndpoint("node1")->remote, session_->local());
  answer_ = [](const CoapMessage&, coap::Responder& r) { r.Respond(Resp(CoapCode::kContent, "x", ContentFormat::kTextPlain)); };
  auto r = server_->Read("node1", *Path::Parse("/3/0/0"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, CoapCode::kContent);
}

TEST_F(ServerTest, RegisterAndReadOverTcp) {
  ServerConfig cfg;
  cfg.udp = false;
  cfg.tcp = true;
  StartServer(cfg);
  Connect(Transport::kTcp);
  Register("ep=tcp1&lt=300&lwm2m=1.2&b=T");
  EXPECT_EQ(server_->FindByEndpoint("tcp1")->transport, Transport::kTcp);
  EXPECT_EQ(server_->FindByEndpoint("tcp1")->binding, "T");
  answer_ = [](const CoapMessage&, coap::Responder& r) { r.Respond(Resp(CoapCode::kContent, "ACME", ContentFormat::kTextPlain)); };
  auto r = server_->Read("tcp1", *Path::Parse("/3/0/0"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->content.records.at(0).value, Value::String("ACME"));
}

TEST_F(ServerTest, ExpiryEndsPendingQueuedRequests) {
  ServerConfig cfg;
  cfg.queue_awake_window = 0ms;
  StartServer(cfg);
  Connect();
  Register("ep=q1&lt=60&lwm2m=1.2&Q");
  std::optional<Result<OperationResult>> got;
  server_->CallAsync("q1", Operation::Read(*Path::Parse("/3/0/0")), {.timeout = 5s},
                     [&](const Result<OperationResult>& r) { got = r; });
  now_ += 61s;
  ASSERT_TRUE(server_->RunUntil([&] { return got.has_value(); }, 2s));
  EXPECT_EQ(got->status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(seen_.empty());
}

// ---------------------------------------------------------------- send

TEST_F(ServerTest, SendIsDecodedAndReported) {
  StartServer();
  Connect();
  Content c;
  c.records.push_back({*Path::Parse("/3303/0/5700"), Value::Float(21.5), std::nullopt});
  CoapMessage send = CoapMessage::Request(CoapCode::kPost, "/dp");
  send.SetContentFormat(ContentFormat::kSenmlCbor);
  send.payload = Encode(ContentFormat::kSenmlCbor, c);
  // Not registered yet: 4.04.
  EXPECT_EQ(Send(send).response.code, CoapCode::kNotFound);
  Register();
  EXPECT_EQ(Send(send).response.code, CoapCode::kChanged);
  auto ev = server_->WaitFor(Kind(ServerEventKind::kSend), 1s);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->endpoint, "node1");
  ASSERT_EQ(ev->content.records.size(), 1u);
  EXPECT_EQ(ev->content.records[0].path.ToString(), "/3303/0/5700");
  EXPECT_EQ(ev->content.records[0].value, Value::Float(21.5));
}

// ---------------------------------------------------------------- misbehaviour hook

TEST_F(ServerTest, HookAnswersWithAnyCodeDefersOrDrops) {
  StartServer();
  Connect(Transport::kUdp, {}, {.ack_timeout = 1000ms, .max_retransmit = 0});
  std::string mode = "code";
  std::shared_ptr<coap::DeferredResponse> deferred;
  server_->SetRequestHook([&](const coap::Peer&, const CoapMessage&, const Classification& c, coap::Responder& r) {
    EXPECT_TRUE(c.operation.has_value());
    if (mode == "code") {
      CoapMessage m = Resp(CoapCode::kServiceUnavailable, "busy");
      m.AddUintOption(CoapOption::kMaxAge, 7);
      r.Respond(m);
    } else if (mode == "defer") {
      deferred = r.Defer();
    } else if (mode == "drop") {
      r.Drop();
    } else {
      return false;
    }
    return true;
  });
  coap::Reply r = Send(RegisterMsg("ep=node1&lt=300&lwm2m=1.2"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.response.code, CoapCode::kServiceUnavailable);
  EXPECT_EQ(r.response.UintOption(CoapOption::kMaxAge), 7u);
  EXPECT_EQ(Str(r.response.payload), "busy");
  auto ev = server_->WaitFor(Kind(ServerEventKind::kRequest), 1s);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->answered, 0);  // answered by the hook
  EXPECT_TRUE(server_->Registrations().empty());

  mode = "defer";
  std::optional<coap::Reply> late;
  ASSERT_TRUE(session_->Send(RegisterMsg("ep=node1&lt=300&lwm2m=1.2"), [&](const coap::Reply& x) { late = x; }).ok());
  ASSERT_TRUE(server_->RunUntil([&] { return deferred != nullptr; }, 3s));
  EXPECT_FALSE(late.has_value());
  ASSERT_TRUE(deferred->Respond(Resp(CoapCode::kForbidden)).ok());
  ASSERT_TRUE(server_->RunUntil([&] { return late.has_value(); }, 3s));
  EXPECT_EQ(late->response.code, CoapCode::kForbidden);

  mode = "drop";
  r = Send(RegisterMsg("ep=node1&lt=300&lwm2m=1.2"), 5s);
  EXPECT_EQ(r.outcome, coap::Outcome::kTimeout);

  // A fresh session: the dropped exchange still occupies NSTART on the old one (coap/ emulates
  // MAX_RETRANSMIT 0 by withholding the retransmission).
  mode = "pass";
  Connect();
  r = Send(RegisterMsg("ep=node1&lt=300&lwm2m=1.2"));
  EXPECT_EQ(r.response.code, CoapCode::kCreated) << coap::OutcomeName(r.outcome) << " " << r.detail;
}

TEST_F(ServerTest, HookAnswersWithRst) {
  StartServer();
  Connect();
  bool reset = true;
  int hooked = 0;
  server_->SetRequestHook([&](const coap::Peer&, const CoapMessage&, const Classification&, coap::Responder& r) {
    if (!reset) return false;
    ++hooked;
    r.Reset();  // RFC 7252 §4.2: RST with the Register's message ID, no response
    return true;
  });
  coap::Reply r = Send(RegisterMsg("ep=node1&lt=300&lwm2m=1.2"));
  EXPECT_EQ(r.outcome, coap::Outcome::kReset) << coap::OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(hooked, 1);
  auto ev = server_->WaitFor(Kind(ServerEventKind::kRequest), 1s);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->answered, 0);  // answered by the hook
  EXPECT_TRUE(server_->Registrations().empty());

  // The RST ended the exchange: the same session registers at once.
  reset = false;
  r = Send(RegisterMsg("ep=node1&lt=300&lwm2m=1.2"));
  EXPECT_EQ(r.response.code, CoapCode::kCreated) << coap::OutcomeName(r.outcome) << " " << r.detail;
  EXPECT_EQ(server_->Registrations().size(), 1u);
}

// ---------------------------------------------------------------- DTLS

class DtlsServerTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerConfig cfg;
    cfg.udp = false;
    cfg.dtls = true;
    cfg.allow_nosec = false;
    cfg.psk_keys = {{"node1", key_}, {"node2", key_}};
    StartServer(cfg);
  }
  Bytes key_ = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
};

TEST_F(DtlsServerTest, RegistersWhenEpMatchesThePskIdentity) {
  ASSERT_FALSE(server_->address(Transport::kUdp).has_value());
  ASSERT_NE(server_->address(Transport::kDtls)->port, 0);
  Connect(Transport::kDtls, coap::Security::Psk("node1", key_));
  std::string loc = Register("ep=node1&lt=300&lwm2m=1.2");
  EXPECT_EQ(loc.substr(0, 4), "/rd/");
  const Registration* reg = server_->FindByEndpoint("node1");
  ASSERT_NE(reg, nullptr);
  EXPECT_EQ(reg->psk_identity, "node1");
  EXPECT_EQ(reg->transport, Transport::kDtls);
  answer_ = [](const CoapMessage&, coap::Responder& r) { r.Respond(Resp(CoapCode::kContent, "ACME", ContentFormat::kTextPlain)); };
  auto read = server_->Read("node1", *Path::Parse("/3/0/0"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->content.records.at(0).value, Value::String("ACME"));
}

TEST_F(DtlsServerTest, EpDifferentFromThePskIdentityIs400) {
  Connect(Transport::kDtls, coap::Security::Psk("node1", key_));
  coap::Reply r = Send(RegisterMsg("ep=node2&lt=300&lwm2m=1.2"));
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.response.code, CoapCode::kBadRequest);
  // Without ep the identity names the client (Core TS 1.2 §6.2.1).
  EXPECT_EQ(Send(RegisterMsg("lt=300&lwm2m=1.2")).response.code, CoapCode::kCreated);
  EXPECT_NE(server_->FindByEndpoint("node1"), nullptr);
}

TEST_F(DtlsServerTest, WrongPskFailsTheHandshake) {
  Connect(Transport::kDtls, coap::Security::Psk("node1", {0x09, 0x09, 0x09, 0x09}),
          {.ack_timeout = 1000ms, .max_retransmit = 1, .handshake_timeout = 3000ms});
  coap::Reply r = Send(RegisterMsg("ep=node1&lt=300&lwm2m=1.2"), 8s);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(server_->Registrations().empty());
}

TEST_F(ServerTest, RegistersOverTlsPsk) {
  ServerConfig cfg;
  cfg.udp = false;
  cfg.tls = true;
  cfg.psk_keys = {{"tls1", Bytes{0x0a, 0x0b, 0x0c, 0x0d}}};
  StartServer(cfg);
  Connect(Transport::kTls, coap::Security::Psk("tls1", {0x0a, 0x0b, 0x0c, 0x0d}));
  Register("lt=300&lwm2m=1.2&b=T", "</3/0>");
  const Registration* reg = server_->FindByEndpoint("tls1");
  ASSERT_NE(reg, nullptr);
  EXPECT_EQ(reg->transport, Transport::kTls);
  EXPECT_EQ(reg->psk_identity, "tls1");
}

TEST_F(ServerTest, NoSecRefusedWhenNotAllowed) {
  ServerConfig cfg;
  cfg.allow_nosec = false;
  StartServer(cfg);
  Connect();
  EXPECT_EQ(Send(RegisterMsg("ep=a&lt=60&lwm2m=1.2")).response.code, CoapCode::kForbidden);
}

TEST_F(ServerTest, WriteInTheRequestedFormatAndCreateWithoutInstanceId) {
  StartServer();
  Connect();
  Register("ep=node1&lt=300&lwm2m=1.2", "</1/0>,</3303>");
  answer_ = [](const CoapMessage& req, coap::Responder& r) {
    if (req.UriPath() == "/3303") {
      CoapMessage m = Resp(CoapCode::kCreated);
      m.AddOption(CoapOption::kLocationPath, std::string_view("3303"));
      m.AddOption(CoapOption::kLocationPath, std::string_view("0"));
      return r.Respond(m);
    }
    r.Respond(Resp(CoapCode::kChanged));
  };
  Content c;
  c.records.push_back({*Path::Parse("/1/0/1"), Value::UnsignedInteger(120), std::nullopt});
  auto w = server_->Write("node1", *Path::Parse("/1/0/1"), c, WriteMode::kReplace,
                          {.format = ContentFormat::kTextPlain});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(seen_.back().GetContentFormat(), ContentFormat::kTextPlain);
  EXPECT_EQ(Str(seen_.back().payload), "120");
  // TLV without an Object Instance header (Core TS 1.2 §7.4.3): resource 5700 = 0x1644, type
  // byte 0b11'1'01'000 = 0xE8 (resource, 16-bit id, 8-bit length field), length 8, Float 21.5.
  Bytes tlv = {0xE8, 0x16, 0x44, 0x08, 0x40, 0x35, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00};
  auto cr = server_->Create("node1", *Path::Parse("/3303"), {},
                            {.format = ContentFormat::kTlv, .raw_payload = tlv});
  ASSERT_TRUE(cr.ok()) << cr.status().ToString();
  EXPECT_EQ(cr->created, Path::Parse("/3303/0").value());
  EXPECT_EQ(seen_.back().payload, tlv);
  EXPECT_EQ(seen_.back().GetContentFormat(), ContentFormat::kTlv);
}

}  // namespace
}  // namespace lwm2m::refserver
