// client_test.cc: the reference client against the in-process reference server and bootstrap
// server over loopback (port 0), with bounded waits: registration, priority order, version fallback,
// provisioning sources, bootstrap (request, pack, fallback, 4.06, rotation, server-initiated),
// transport selection and the Update Trigger reconnect, DM operations, observe timing, Send, Disable.
#include "reference-client/client.h"

#include <gtest/gtest.h>

#include "coap/test_support.h"
#include "lwm2m/codec/codec.h"
#include "reference-client/dm/firmware.h"
#include "reference-server/bootstrap_plan.h"
#include "reference-server/bootstrap_server.h"
#include "reference-server/server.h"

namespace lwm2m::refclient {
namespace {

using namespace std::chrono_literals;
using coap::Transport;
using refserver::BootstrapOutcome;
using refserver::BootstrapServer;
using refserver::Lwm2mServer;
using refserver::ServerConfig;
using refserver::ServerEvent;
using refserver::ServerEventKind;

std::string UdpUri(const Lwm2mServer& s) { return "coap://" + s.address(Transport::kUdp)->ToString(); }
std::string TcpUri(const Lwm2mServer& s) { return "coap+tcp://" + s.address(Transport::kTcp)->ToString(); }

ServerAccount Account(uint16_t ssid, std::string uri) {
  ServerAccount a;
  a.ssid = ssid;
  a.uri = std::move(uri);
  a.lifetime = 300;
  a.retry_count = 1;
  a.retry_timer = 1;
  a.mute_send = false;
  return a;
}

ClientConfig Config(std::string ep) {
  ClientConfig c;
  c.endpoint = std::move(ep);
  c.time_scale = 0.01;
  c.bootstrap_timeout = 5s;
  c.queue_awake = 2s;
  return c;
}

class ClientTest : public ::testing::Test {
 protected:
  Lwm2mServer& StartServer(ServerConfig cfg = {}) {
    servers_.push_back(std::make_unique<Lwm2mServer>(std::move(cfg)));
    Status st = servers_.back()->Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
    return *servers_.back();
  }
  Lwm2mClient& StartClient(ClientConfig cfg) {
    client_ = std::make_unique<Lwm2mClient>(ClientOptions{.config = std::move(cfg)});
    for (auto& s : servers_) {
      s->AddPeerContext(&client_->context());
      client_->AddPeerContext(&s->context());
    }
    if (bs_) {
      bs_->AddPeerContext(&client_->context());
      client_->AddPeerContext(&bs_->context());
    }
    Status st = client_->Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
    return *client_;
  }
  // Steps the client (with every server and the bootstrap server as peers) until pred holds.
  bool Until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 5s) {
    return client_->RunUntil([&] {
      for (auto& s : servers_) s->Tick(false);
      if (bs_) bs_->Poll(0ms);
      return pred();
    }, timeout);
  }
  std::optional<ServerEvent> Wait(Lwm2mServer& s, ServerEventKind k, std::chrono::milliseconds timeout = 5s) {
    std::optional<ServerEvent> out;
    Until([&] {
      for (auto& e : s.TakeEvents()) pending_[&s].push_back(e);
      for (auto it = pending_[&s].begin(); it != pending_[&s].end(); ++it)
        if (it->kind == k) {
          out = *it;
          pending_[&s].erase(it);
          return true;
        }
      return false;
    }, timeout);
    // The server reports a registration when it answers; wait until the client has the answer too.
    if (out && k == ServerEventKind::kRegistered && out->registration) {
      std::string loc = out->registration->location;
      Until([&] {
        for (const auto& st : client_->Servers())
          if (st.location == loc && st.state == RegistrationState::kRegistered) return true;
        return false;
      }, timeout);
    }
    return out;
  }
  void TearDown() override {
    if (client_) client_->Stop(false, 100ms);
  }

  std::vector<std::unique_ptr<Lwm2mServer>> servers_;
  std::unique_ptr<BootstrapServer> bs_;
  std::unique_ptr<Lwm2mClient> client_;
  std::map<Lwm2mServer*, std::vector<ServerEvent>> pending_;
};

// ---------------------------------------------------------------- registration

TEST_F(ClientTest, RegistersWithEvery12ParameterThenUpdatesAndDeregisters) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node1");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.profile_id = "oma:1";
  Lwm2mClient& client = StartClient(cfg);
  auto reg = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(reg.has_value());
  const refserver::Registration& r = *reg->registration;
  EXPECT_EQ(r.endpoint, "node1");
  EXPECT_EQ(r.version, "1.2");
  EXPECT_EQ(r.lifetime_s, 300u);
  EXPECT_EQ(r.binding, "U");
  EXPECT_FALSE(r.profile_id.has_value()) << "the reference server cannot resolve pid (4.09): registered again without it";
  EXPECT_TRUE(r.FindObject(3) != nullptr);
  EXPECT_TRUE(r.FindObject(0) == nullptr) << "Core TS 1.2 §6.2.1: /0 is never listed";
  ASSERT_TRUE(Until([&] { return client.Server(101)->state == RegistrationState::kRegistered; }));
  EXPECT_EQ(client.Server(101)->location, r.location);

  ASSERT_TRUE(client.Update(101).ok());
  EXPECT_TRUE(Wait(srv, ServerEventKind::kUpdated).has_value());
  ASSERT_TRUE(client.Deregister(101).ok());
  EXPECT_TRUE(Wait(srv, ServerEventKind::kDeregistered).has_value());
  ASSERT_TRUE(Until([&] { return client.Server(101)->state == RegistrationState::kDeregistered; }));
}

TEST_F(ClientTest, UpdatesBeforeLifetimeExpires) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-lt");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.factory.servers[0].lifetime = 20;  // scaled 0.01: Update after ~180 ms
  StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  auto t0 = Clock::now();
  ASSERT_TRUE(Wait(srv, ServerEventKind::kUpdated, 3s).has_value());
  EXPECT_LT(Clock::now() - t0, 1500ms);
}

TEST_F(ClientTest, LifetimeWrittenByServerIsReportedWithUpdate) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-ltw");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  Content c;
  c.records.push_back({Path{1, 0, 1}, Value::UnsignedInteger(120)});
  auto w = srv.Write("node-ltw", Path{1, 0, 1}, c, WriteMode::kReplace, {.timeout = 3s});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->code, CoapCode::kChanged);
  auto up = Wait(srv, ServerEventKind::kUpdated);
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->registration->lifetime_s, 120u);
}

TEST_F(ClientTest, FaultNoUpdateOnLifetimeChange) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-ltf");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.faults = {"no-update-on-lifetime-change"};
  StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  Content c;
  c.records.push_back({Path{1, 0, 1}, Value::UnsignedInteger(120)});
  ASSERT_TRUE(srv.Write("node-ltf", Path{1, 0, 1}, c, WriteMode::kReplace, {.timeout = 3s}).ok());
  EXPECT_FALSE(Wait(srv, ServerEventKind::kUpdated, 400ms).has_value());
}

TEST_F(ClientTest, FallsBackTo11On412) {  // VER-COMP-002/004
  Lwm2mServer& srv = StartServer({.supported_versions = {"1.1"}});
  ClientConfig cfg = Config("node-ver");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  Lwm2mClient& client = StartClient(cfg);
  auto reg = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->registration->version, "1.1");
  EXPECT_EQ(client.Server(101)->version, "1.1");
}

TEST_F(ClientTest, FaultNoVersionFallbackFails) {
  Lwm2mServer& srv = StartServer({.supported_versions = {"1.1"}});
  ClientConfig cfg = Config("node-nover");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.faults = {"no-version-fallback"};
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Until([&] { return client.Server(101)->state == RegistrationState::kFailed; }));
  EXPECT_FALSE(Wait(srv, ServerEventKind::kRegistered, 200ms).has_value());
}

TEST_F(ClientTest, SupportedServerVersionsChoosesTheFirstVersion) {  // /1/x/25
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-ssv");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.factory.servers[0].supported_versions = {"1.0", "1.1"};
  StartClient(cfg);
  auto reg = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->registration->version, "1.1");
}

TEST_F(ClientTest, ClaimedVersion10UsesTlvEraParameters) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-10");
  cfg.lwm2m_version = "1.0";
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  StartClient(cfg);
  auto reg = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->registration->version, "1.0");
}

TEST_F(ClientTest, FaultWrongLwm2mVersionClaims11) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-wrong");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.faults = {"wrong-lwm2m-version"};
  StartClient(cfg);
  auto reg = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->registration->version, "1.1");
}

// Registration Priority Order /1/x/13: ssid 102 (priority 1) before ssid 101 (priority 2).
TEST_F(ClientTest, RegistersInPriorityOrder) {
  Lwm2mServer& a = StartServer();
  Lwm2mServer& b = StartServer();
  ClientConfig cfg = Config("node-prio");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(a)));
  cfg.factory.servers.push_back(Account(102, UdpUri(b)));
  cfg.factory.servers[0].priority = 2;
  cfg.factory.servers[1].priority = 1;
  cfg.factory.servers[0].initial_delay = 5;  // 50 ms scaled: both would be quick
  Lwm2mClient& client = StartClient(cfg);
  std::vector<uint16_t> order;
  client.SetEventCallback([&](const ClientEvent& e) {
    if (e.kind == ClientEventKind::kRegistered) order.push_back(e.ssid);
  });
  ASSERT_TRUE(Until([&] { return order.size() == 2; }));
  EXPECT_EQ(order, (std::vector<uint16_t>{102, 101}));
}

TEST_F(ClientTest, FaultIgnorePriorityOrder) {
  Lwm2mServer& a = StartServer();
  Lwm2mServer& b = StartServer();
  ClientConfig cfg = Config("node-prio-f");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(a)));
  cfg.factory.servers.push_back(Account(102, UdpUri(b)));
  cfg.factory.servers[0].priority = 2;
  cfg.factory.servers[1].priority = 1;
  cfg.faults = {"ignore-priority-order"};
  Lwm2mClient& client = StartClient(cfg);
  std::vector<uint16_t> order;
  client.SetEventCallback([&](const ClientEvent& e) {
    if (e.kind == ClientEventKind::kRegistered) order.push_back(e.ssid);
  });
  ASSERT_TRUE(Until([&] { return order.size() == 2; }));
  EXPECT_EQ(order.front(), 101);
}

TEST_F(ClientTest, RegisterToSelectsServersAndChangesAtRunTime) {
  Lwm2mServer& a = StartServer();
  Lwm2mServer& b = StartServer();
  ClientConfig cfg = Config("node-sel");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(a)));
  cfg.factory.servers.push_back(Account(102, UdpUri(b)));
  cfg.register_to = std::vector<uint16_t>{101};
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(a, ServerEventKind::kRegistered).has_value());
  EXPECT_FALSE(Wait(b, ServerEventKind::kRegistered, 300ms).has_value());
  client.SetRegisterTo(std::vector<uint16_t>{102});
  EXPECT_TRUE(Wait(b, ServerEventKind::kRegistered).has_value());
  EXPECT_TRUE(Wait(a, ServerEventKind::kDeregistered).has_value());
}

TEST_F(ClientTest, FaultRegisterAllServersIgnoresSelection) {
  Lwm2mServer& a = StartServer();
  Lwm2mServer& b = StartServer();
  ClientConfig cfg = Config("node-all");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(a)));
  cfg.factory.servers.push_back(Account(102, UdpUri(b)));
  cfg.register_to = std::vector<uint16_t>{101};
  cfg.faults = {"register-all-servers"};
  StartClient(cfg);
  EXPECT_TRUE(Wait(a, ServerEventKind::kRegistered).has_value());
  EXPECT_TRUE(Wait(b, ServerEventKind::kRegistered).has_value());
}

TEST_F(ClientTest, RetriesThenFailureBlockStopsTheOrder) {
  Lwm2mServer& a = StartServer({.allow_endpoint = [](const std::string&) { return false; }});  // 4.03
  Lwm2mServer& b = StartServer();
  ClientConfig cfg = Config("node-block");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(a)));
  cfg.factory.servers.push_back(Account(102, UdpUri(b)));
  cfg.factory.servers[0].priority = 1;
  cfg.factory.servers[0].retry_count = 2;
  cfg.factory.servers[0].failure_block = true;
  cfg.factory.servers[0].bootstrap_on_failure = false;
  cfg.factory.servers[1].priority = 2;
  Lwm2mClient& client = StartClient(cfg);
  int failures = 0;
  client.SetEventCallback([&](const ClientEvent& e) { failures += e.kind == ClientEventKind::kRegistrationFailed; });
  ASSERT_TRUE(Until([&] { return client.Server(101)->state == RegistrationState::kFailed; }));
  EXPECT_EQ(failures, 2);  // Communication Retry Count 2
  EXPECT_FALSE(Wait(b, ServerEventKind::kRegistered, 300ms).has_value());
}

TEST_F(ClientTest, WithoutFailureBlockTheNextServerRegisters) {
  Lwm2mServer& a = StartServer({.allow_endpoint = [](const std::string&) { return false; }});
  Lwm2mServer& b = StartServer();
  ClientConfig cfg = Config("node-noblock");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(a)));
  cfg.factory.servers.push_back(Account(102, UdpUri(b)));
  cfg.factory.servers[0].priority = 1;
  cfg.factory.servers[0].bootstrap_on_failure = false;
  cfg.factory.servers[1].priority = 2;
  StartClient(cfg);
  EXPECT_TRUE(Wait(b, ServerEventKind::kRegistered).has_value());
}

TEST_F(ClientTest, DisableDeregistersAndReturnsAfterDisableTimeout) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-dis");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.factory.servers[0].disable_timeout = 30;  // 300 ms scaled
  StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  auto ex = srv.Execute("node-dis", Path{1, 0, 4}, {}, {.timeout = 3s});
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  EXPECT_EQ(ex->code, CoapCode::kChanged);
  EXPECT_TRUE(Wait(srv, ServerEventKind::kDeregistered).has_value());
  EXPECT_TRUE(Wait(srv, ServerEventKind::kRegistered, 3s).has_value());
}

TEST_F(ClientTest, FaultNoDeregisterOnDisable) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-disf");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.faults = {"no-deregister-on-disable"};
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  ASSERT_TRUE(srv.Execute("node-disf", Path{1, 0, 4}, {}, {.timeout = 3s}).ok());
  ASSERT_TRUE(Until([&] { return client.Server(101)->state == RegistrationState::kDisabled; }));
  EXPECT_FALSE(Wait(srv, ServerEventKind::kDeregistered, 200ms).has_value());
}

// ---------------------------------------------------------------- provisioning sources

TEST_F(ClientTest, SmartCardOutranksFactoryForTheSameServer) {  // BOOT-PROV-001
  Lwm2mServer& factory_srv = StartServer();
  Lwm2mServer& card_srv = StartServer();
  ClientConfig cfg = Config("node-card");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(factory_srv)));
  cfg.smart_card.present = true;
  cfg.smart_card.priority = 10;
  cfg.smart_card.servers.push_back(Account(101, UdpUri(card_srv)));
  Lwm2mClient& client = StartClient(cfg);
  EXPECT_TRUE(Wait(card_srv, ServerEventKind::kRegistered).has_value());
  EXPECT_FALSE(Wait(factory_srv, ServerEventKind::kRegistered, 200ms).has_value());
  auto iid = client.dm().Instances(1);
  ASSERT_EQ(iid.size(), 1u);
  EXPECT_EQ(client.dm().SourceOf(Path{1, iid[0]}), ProvisioningSource::kSmartCard);
}

TEST_F(ClientTest, FactoryAndSmartCardAccountsBothRegister) {
  Lwm2mServer& a = StartServer();
  Lwm2mServer& b = StartServer();
  ClientConfig cfg = Config("node-two-src");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(a)));
  cfg.smart_card.present = true;
  cfg.smart_card.servers.push_back(Account(201, UdpUri(b)));
  StartClient(cfg);
  EXPECT_TRUE(Wait(a, ServerEventKind::kRegistered).has_value());
  EXPECT_TRUE(Wait(b, ServerEventKind::kRegistered).has_value());
}

// ---------------------------------------------------------------- bootstrap

class BootstrapTest : public ClientTest {
 protected:
  void StartBs(refserver::BootstrapEndpointPlan plan) {
    refserver::BootstrapServerOptions o;
    o.plan.Add(std::move(plan));
    bs_ = std::make_unique<BootstrapServer>(std::move(o));
    ASSERT_TRUE(bs_->Start().ok());
    for (auto& s : servers_) s->AddPeerContext(&bs_->context());
  }
  refserver::DmServerAccount DmAccount(const Lwm2mServer& srv) {
    refserver::DmServerAccount a;
    a.server_uri = UdpUri(srv);
    a.short_server_id = 101;
    a.lifetime = 300;
    return a;
  }
  ClientConfig BsConfig(std::string ep, bool pack) {
    ClientConfig cfg = Config(std::move(ep));
    cfg.factory.present = true;
    cfg.factory.bootstrap = BootstrapAccount{.uri = bs_->udp_uri()};
    cfg.bootstrap_pack = pack;
    return cfg;
  }
};

TEST_F(BootstrapTest, BootstrapRequestWithPctThenRegisters) {
  Lwm2mServer& srv = StartServer();
  StartBs(refserver::StandardDmServerPlan("node-bs", DmAccount(srv)));
  Lwm2mClient& client = StartClient(BsConfig("node-bs", false));
  ASSERT_TRUE(Until([&] { return bs_->CountRuns("node-bs", BootstrapOutcome::kFinished) == 1; }));
  EXPECT_EQ(bs_->LastRun("node-bs")->pct, ContentFormat::kSenmlCbor);
  EXPECT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  EXPECT_EQ(client.bootstrap_state(), BootstrapState::kFinished);
  EXPECT_TRUE(client.dm().Exists(Path{1, 1}));
}

TEST_F(BootstrapTest, FaultNoPctOmitsIt) {
  Lwm2mServer& srv = StartServer();
  StartBs(refserver::StandardDmServerPlan("node-nopct", DmAccount(srv)));
  ClientConfig cfg = BsConfig("node-nopct", false);
  cfg.faults = {"no-pct"};
  StartClient(cfg);
  ASSERT_TRUE(Until([&] { return bs_->CountRuns("node-nopct", BootstrapOutcome::kFinished) == 1; }));
  EXPECT_FALSE(bs_->LastRun("node-nopct")->pct.has_value());
}

TEST_F(BootstrapTest, BootstrapPackAppliedWithoutBootstrapRequest) {
  Lwm2mServer& srv = StartServer();
  StartBs(refserver::StandardDmServerPlan("node-pack", DmAccount(srv)));
  Lwm2mClient& client = StartClient(BsConfig("node-pack", true));
  EXPECT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  EXPECT_EQ(client.bootstrap_state(), BootstrapState::kFinished);
  EXPECT_TRUE(bs_->runs().empty()) << "no Bootstrap-Request was needed";
}

// The pack holds a /1 instance without its /0 (deleted by a later plan step), so it is inconsistent;
// the step-by-step Bootstrap-Request sequence deletes it and finishes.
refserver::BootstrapEndpointPlan PackFailsPlan(std::string ep, const std::string& uri) {
  refserver::DmServerAccount acc;
  acc.server_uri = uri;
  refserver::BootstrapEndpointPlan p;
  p.endpoint = std::move(ep);
  refserver::DmServerAccount orphan = acc;
  orphan.short_server_id = 999;
  orphan.server_instance = 5;
  p.steps.push_back(refserver::BootstrapStep::Write(Path{1, 5}, refserver::ServerInstanceRecords(orphan)));
  p.steps.push_back(refserver::BootstrapStep::Delete(Path{1, 5}));
  p.steps.push_back(refserver::BootstrapStep::Write(Path{0, 1}, refserver::SecurityInstanceRecords(acc)));
  p.steps.push_back(refserver::BootstrapStep::Write(Path{1, 1}, refserver::ServerInstanceRecords(acc)));
  p.steps.push_back(refserver::BootstrapStep::Finish());
  return p;
}

TEST_F(BootstrapTest, FailedPackFallsBackToBootstrapRequest) {
  Lwm2mServer& srv = StartServer();
  StartBs(PackFailsPlan("node-packfb", UdpUri(srv)));
  Lwm2mClient& client = StartClient(BsConfig("node-packfb", true));
  ASSERT_TRUE(Until([&] { return bs_->CountRuns("node-packfb", BootstrapOutcome::kFinished) == 1; }));
  EXPECT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  EXPECT_EQ(client.bootstrap_state(), BootstrapState::kFinished);
}

TEST_F(BootstrapTest, FaultNoPackFallback) {
  Lwm2mServer& srv = StartServer();
  StartBs(PackFailsPlan("node-nofb", UdpUri(srv)));
  Lwm2mClient& client = StartClient([&] {
    ClientConfig c = BsConfig("node-nofb", true);
    c.faults = {"no-pack-fallback"};
    return c;
  }());
  ASSERT_TRUE(Until([&] { return client.bootstrap_state() == BootstrapState::kFailed; }));
  EXPECT_TRUE(bs_->runs().empty());
  EXPECT_FALSE(client.dm().Exists(Path{1, 5})) << "instances of a failed pack are removed again";
}

TEST_F(BootstrapTest, InconsistentFinishIsAnswered406AndRotationIsRolledBack) {
  Lwm2mServer& srv = StartServer();
  refserver::BootstrapEndpointPlan p;
  p.endpoint = "node-406";
  refserver::DmServerAccount acc = DmAccount(srv);
  p.steps.push_back(refserver::BootstrapStep::Write(Path{1, 1}, refserver::ServerInstanceRecords(acc)));  // no /0 for it
  p.steps.push_back(refserver::BootstrapStep::Finish());
  refserver::BootstrapServerAccount rotated;
  rotated.server_uri = "coap://127.0.0.1:1";
  rotated.security_mode = refserver::SecurityModeValue::kNoSec;
  rotated.security_instance = 0;
  refserver::AddBootstrapCredentialRotation(p, rotated);
  StartBs(p);
  Lwm2mClient& client = StartClient(BsConfig("node-406", false));
  ASSERT_TRUE(Until([&] { return bs_->CountRuns("node-406", BootstrapOutcome::kInconsistent) == 1; }));
  ASSERT_TRUE(Until([&] { return client.bootstrap_state() == BootstrapState::kFailed; }));
  // BS-001: the new bootstrap account replaces the old one only when Finish succeeds.
  auto bi = client.dm().Instances(0);
  bool old_uri = false;
  for (uint16_t i : bi)
    if (auto v = client.dm().GetValue(Path{0, i, 0}); v && v->AsString() == bs_->udp_uri()) old_uri = true;
  EXPECT_TRUE(old_uri);
}

TEST_F(BootstrapTest, CredentialRotationAppliedWhenFinishSucceeds) {
  Lwm2mServer& srv = StartServer();
  refserver::BootstrapEndpointPlan p = refserver::StandardDmServerPlan("node-rot", DmAccount(srv));
  refserver::BootstrapServerAccount rotated;
  rotated.server_uri = "coap://127.0.0.1:2";
  rotated.security_mode = refserver::SecurityModeValue::kNoSec;
  rotated.security_instance = 0;
  refserver::AddBootstrapCredentialRotation(p, rotated);
  StartBs(p);
  Lwm2mClient& client = StartClient(BsConfig("node-rot", false));
  ASSERT_TRUE(Until([&] { return client.bootstrap_state() == BootstrapState::kFinished; }));
  bool new_uri = false;
  for (uint16_t i : client.dm().Instances(0))
    if (auto v = client.dm().GetValue(Path{0, i, 0}); v && v->AsString() == "coap://127.0.0.1:2") new_uri = true;
  EXPECT_TRUE(new_uri);
}

TEST_F(BootstrapTest, ServerInitiatedBootstrapViaExecute19) {
  Lwm2mServer& srv = StartServer();
  StartBs(refserver::StandardDmServerPlan("node-sib", DmAccount(srv)));
  ClientConfig cfg = BsConfig("node-sib", false);
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  EXPECT_TRUE(bs_->runs().empty());
  auto ex = srv.Execute("node-sib", Path{1, 0, 9}, {}, {.timeout = 3s});
  ASSERT_TRUE(ex.ok());
  EXPECT_EQ(ex->code, CoapCode::kChanged);
  ASSERT_TRUE(Until([&] { return bs_->CountRuns("node-sib", BootstrapOutcome::kFinished) == 1; }));
}


TEST_F(BootstrapTest, BootstrapOnRegistrationFailure) {  // /1/x/16 (default true)
  Lwm2mServer& refusing = StartServer({.allow_endpoint = [](const std::string&) { return false; }});
  Lwm2mServer& good = StartServer();
  StartBs(refserver::StandardDmServerPlan("node-bof", DmAccount(good)));
  ClientConfig cfg = BsConfig("node-bof", false);
  cfg.factory.servers.push_back(Account(101, UdpUri(refusing)));
  StartClient(cfg);
  ASSERT_TRUE(Until([&] { return bs_->CountRuns("node-bof", BootstrapOutcome::kFinished) == 1; }));
  EXPECT_TRUE(Wait(good, ServerEventKind::kRegistered).has_value());
}

// ---------------------------------------------------------------- transport selection

TEST_F(ClientTest, PreferredTransportTcpIsUsed) {  // TRAN-BIND-001
  Lwm2mServer& srv = StartServer({.udp = true, .tcp = true});
  ClientConfig cfg = Config("node-pt");
  cfg.factory.present = true;
  ServerAccount a = Account(101, UdpUri(srv));
  a.secondary_uris = {TcpUri(srv)};
  a.binding = "UT";
  a.preferred_transport = "T";
  cfg.factory.servers.push_back(a);
  StartClient(cfg);
  auto reg = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->registration->transport, Transport::kTcp);
}

TEST_F(ClientTest, FaultIgnorePreferredTransport) {
  Lwm2mServer& srv = StartServer({.udp = true, .tcp = true});
  ClientConfig cfg = Config("node-ptf");
  cfg.factory.present = true;
  ServerAccount a = Account(101, UdpUri(srv));
  a.secondary_uris = {TcpUri(srv)};
  a.binding = "UT";
  a.preferred_transport = "T";
  cfg.factory.servers.push_back(a);
  cfg.faults = {"ignore-preferred-transport"};
  StartClient(cfg);
  auto reg = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->registration->transport, Transport::kUdp);
}

TEST_F(ClientTest, UpdateTriggerWithBindingReconnectsOverTcpAndBack) {  // TRAN-BIND-002/003
  Lwm2mServer& srv = StartServer({.udp = true, .tcp = true});
  ClientConfig cfg = Config("node-trig");
  cfg.factory.present = true;
  ServerAccount a = Account(101, UdpUri(srv));
  a.secondary_uris = {TcpUri(srv)};
  a.binding = "UT";
  cfg.factory.servers.push_back(a);
  Lwm2mClient& client = StartClient(cfg);
  auto reg = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->registration->transport, Transport::kUdp);
  auto ex = srv.Execute("node-trig", Path{1, 0, 8}, {ExecuteArgument{0, "T"}}, {.timeout = 3s});
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  EXPECT_EQ(ex->code, CoapCode::kChanged);
  auto up = Wait(srv, ServerEventKind::kUpdated);
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->registration->transport, Transport::kTcp);
  EXPECT_EQ(client.Server(101)->transport, Transport::kTcp);
  // DM requests now reach the client over TCP.
  auto rd = srv.Read("node-trig", Path{3, 0, 0}, {.timeout = 3s});
  ASSERT_TRUE(rd.ok()) << rd.status().ToString();
  EXPECT_EQ(rd->code, CoapCode::kContent);
  ex = srv.Execute("node-trig", Path{1, 0, 8}, {ExecuteArgument{0, "U"}}, {.timeout = 3s});
  ASSERT_TRUE(ex.ok());
  up = Wait(srv, ServerEventKind::kUpdated);
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->registration->transport, Transport::kUdp);
}

TEST_F(ClientTest, FaultIgnoreUpdateTriggerBinding) {
  Lwm2mServer& srv = StartServer({.udp = true, .tcp = true});
  ClientConfig cfg = Config("node-trigf");
  cfg.factory.present = true;
  ServerAccount a = Account(101, UdpUri(srv));
  a.secondary_uris = {TcpUri(srv)};
  a.binding = "UT";
  cfg.factory.servers.push_back(a);
  cfg.faults = {"ignore-update-trigger-binding"};
  StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  ASSERT_TRUE(srv.Execute("node-trigf", Path{1, 0, 8}, {ExecuteArgument{0, "T"}}, {.timeout = 3s}).ok());
  auto up = Wait(srv, ServerEventKind::kUpdated);
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->registration->transport, Transport::kUdp);
}

TEST_F(ClientTest, BindingWriteKeepsRegistrationAndSession) {  // TRAN-BIND-007/008/009
  Lwm2mServer& srv = StartServer({.udp = true, .tcp = true});
  ClientConfig cfg = Config("node-bw");
  cfg.factory.present = true;
  ServerAccount a = Account(101, UdpUri(srv));
  a.secondary_uris = {TcpUri(srv)};
  cfg.factory.servers.push_back(a);
  Lwm2mClient& client = StartClient(cfg);
  auto reg = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(reg.has_value());
  Content c;
  c.records.push_back({Path{1, 0, 7}, Value::String("T")});
  ASSERT_TRUE(srv.Write("node-bw", Path{1, 0, 7}, c, WriteMode::kReplace, {.timeout = 3s}).ok());
  auto up = Wait(srv, ServerEventKind::kUpdated);
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->registration->location, reg->registration->location);
  EXPECT_EQ(up->registration->binding, "T");
  EXPECT_EQ(up->registration->transport, Transport::kUdp) << "the ongoing session is kept";
  EXPECT_FALSE(Wait(srv, ServerEventKind::kRegistered, 200ms).has_value());
  EXPECT_EQ(client.Server(101)->state, RegistrationState::kRegistered);
}

TEST_F(ClientTest, FaultBindingChangeDropsRegistration) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-bwf");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.faults = {"binding-change-drops-registration"};
  StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  Content c;
  c.records.push_back({Path{1, 0, 7}, Value::String("T")});
  ASSERT_TRUE(srv.Write("node-bwf", Path{1, 0, 7}, c, WriteMode::kReplace, {.timeout = 3s}).ok());
  EXPECT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
}

// ---------------------------------------------------------------- DM and reporting

TEST_F(ClientTest, DmOperationsRoundTrip) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-dm");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.objects.push_back({.path = Path{3, 0, 0}, .texts = {"ACME"}});
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  auto rd = srv.Read("node-dm", Path{3, 0, 0}, {.timeout = 3s});
  ASSERT_TRUE(rd.ok());
  ASSERT_EQ(rd->code, CoapCode::kContent);
  ASSERT_FALSE(rd->content.records.empty());
  EXPECT_EQ(rd->content.records[0].value.AsString(), "ACME");
  auto sec = srv.Read("node-dm", Path{0}, {.timeout = 3s});
  ASSERT_TRUE(sec.ok());
  EXPECT_EQ(sec->code, CoapCode::kUnauthorized) << "a DM server gets 4.01 on /0";
  Content c;
  c.records.push_back({Path{1, 0, 3}, Value::Integer(77)});
  auto w = srv.Write("node-dm", Path{1, 0, 3}, c, WriteMode::kReplace, {.timeout = 3s});
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->code, CoapCode::kChanged);
  EXPECT_EQ(client.dm().GetValue(Path{1, 0, 3})->AsInteger(), 77);
  auto disc = srv.Discover("node-dm", Path{3}, std::nullopt, {.timeout = 3s});
  ASSERT_TRUE(disc.ok());
  EXPECT_EQ(disc->code, CoapCode::kContent);
  auto bad = srv.Read("node-dm", Path{3, 0, 0}, {.accept = ContentFormat::kLwm2mJson, .timeout = 3s});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->code, CoapCode::kNotAcceptable);
  // Creating an instance changes the object list: Update with links.
  Content inst;
  inst.records.push_back({Path{3303, 1, 5700}, Value::Float(1.5)});
  auto cr = srv.Create("node-dm", Path{3303}, inst, {.timeout = 3s});
  ASSERT_TRUE(cr.ok()) << cr.status().ToString();
  EXPECT_EQ(cr->code, CoapCode::kCreated);
  auto up = Wait(srv, ServerEventKind::kUpdated);
  ASSERT_TRUE(up.has_value());
  const auto* o = up->registration->FindObject(3303);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->instances.size(), 2u);
}

TEST_F(ClientTest, ObservePmaxWithinTolerance) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-obs");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  NotificationAttributes attrs;
  attrs.pmin = 0;
  attrs.pmax = 1;
  auto ob = srv.Observe("node-obs", Path{3303, 0, 5700}, attrs, {.timeout = 3s});
  ASSERT_TRUE(ob.ok()) << ob.status().ToString();
  ASSERT_EQ(ob->code, CoapCode::kContent);
  auto t0 = Clock::now();
  // pmax 1 s: a notification without any change, within 1 s +/- 300 ms (timer slices of 10-20 ms).
  auto n = Wait(srv, ServerEventKind::kNotification, 3s);
  ASSERT_TRUE(n.has_value());
  auto dt = Clock::now() - t0;
  EXPECT_GT(dt, 700ms);
  EXPECT_LT(dt, 1300ms);
  EXPECT_EQ(client.Server(101)->observations, 1u);
  // A value change with pmin 0 is notified at once.
  client.dm().SetValue(Path{3303, 0, 5700}, Value::Float(42.0));
  auto t1 = Clock::now();
  n = Wait(srv, ServerEventKind::kNotification, 2s);
  ASSERT_TRUE(n.has_value());
  EXPECT_LT(Clock::now() - t1, 500ms);
  // Cancel with GET Observe=1.
  auto cancel = srv.CancelObservation("node-obs", ob->token, coap::Session::CancelBy::kGet, 3s);
  ASSERT_TRUE(cancel.ok());
  ASSERT_TRUE(Until([&] { return client.Server(101)->observations == 0; }));
  EXPECT_EQ(client.dm().observations().Count(), 0u);
}

TEST_F(ClientTest, ObserveCancelledByReset) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-rst");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  NotificationAttributes attrs;
  attrs.pmax = 1;
  auto ob = srv.Observe("node-rst", Path{3303, 0, 5700}, attrs, {.timeout = 3s});
  ASSERT_TRUE(ob.ok());
  ASSERT_TRUE(srv.CancelObservation("node-rst", ob->token, coap::Session::CancelBy::kReset).ok());
  ASSERT_TRUE(Until([&] { return client.dm().observations().Count() == 0; }, 4s));
}

TEST_F(ClientTest, SendIsMutedUnlessMuteSendIsFalse) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-send");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.factory.servers[0].mute_send.reset();  // absent: muted (OMA-SUP-XML_1-V1_2 res 23)
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  Status s = client.Send({Path{3, 0, 0}});
  EXPECT_EQ(s.code(), StatusCode::kForbidden);
  client.dm().SetValue(Path{1, 0, 23}, Value::Boolean(false));
  ASSERT_TRUE(client.Send({Path{3, 0, 0}}).ok());
  auto ev = Wait(srv, ServerEventKind::kSend);
  ASSERT_TRUE(ev.has_value());
  ASSERT_FALSE(ev->content.records.empty());
  EXPECT_EQ(ev->content.records[0].path, (Path{3, 0, 0}));
}

TEST_F(ClientTest, FaultNoSendMute) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-sendf");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.factory.servers[0].mute_send = true;
  cfg.faults = {"no-send-mute"};
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  ASSERT_TRUE(client.Send({Path{3, 0, 0}}).ok());
  EXPECT_TRUE(Wait(srv, ServerEventKind::kSend).has_value());
}

TEST_F(ClientTest, RequestHookOverridesTheAnswer) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-hook");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  client.SetRequestHook([](uint16_t ssid, bool bs, const CoapMessage&, coap::Responder& r) {
    EXPECT_EQ(ssid, 101);
    EXPECT_FALSE(bs);
    CoapMessage m;
    m.code = CoapCode::kServiceUnavailable;
    r.Respond(m);
    return true;
  });
  auto rd = srv.Read("node-hook", Path{3, 0, 0}, {.timeout = 3s});
  ASSERT_TRUE(rd.ok());
  EXPECT_EQ(rd->code, CoapCode::kServiceUnavailable);
}

TEST_F(ClientTest, QueueModeStoresNotificationsAndWakesWithUpdate) {
  Lwm2mServer& srv = StartServer({.queue_awake_window = 100ms});
  ClientConfig cfg = Config("node-q");
  cfg.queue_mode = true;
  cfg.queue_awake = 150ms;
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  Lwm2mClient& client = StartClient(cfg);
  auto reg = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(reg.has_value());
  EXPECT_TRUE(reg->registration->queue_mode);
  auto ob = srv.Observe("node-q", Path{3303, 0, 5700}, {}, {.timeout = 3s});
  ASSERT_TRUE(ob.ok());
  ASSERT_TRUE(Until([&] { return client.Server(101)->queue_asleep; }, 3s));
  client.dm().SetValue(Path{3303, 0, 5700}, Value::Float(7.0));
  EXPECT_TRUE(Wait(srv, ServerEventKind::kUpdated, 3s).has_value());
  EXPECT_TRUE(Wait(srv, ServerEventKind::kNotification, 3s).has_value());
}


TEST_F(ClientTest, ObserveCompositeNotifiesOnChange) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-oc");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  auto ob = srv.ObserveComposite("node-oc", {Path{3303, 0, 5700}, Path{3, 0, 0}}, {}, {.timeout = 3s});
  ASSERT_TRUE(ob.ok()) << ob.status().ToString();
  ASSERT_EQ(ob->code, CoapCode::kContent);
  client.dm().SetValue(Path{3303, 0, 5700}, Value::Float(-3.5));
  auto n = Wait(srv, ServerEventKind::kNotification, 3s);
  ASSERT_TRUE(n.has_value());
  bool found = false;
  for (const Record& r : n->content.records)
    if (r.path == Path({3303, 0, 5700})) found = r.value.AsFloat() == -3.5;
  EXPECT_TRUE(found);
}

TEST_F(ClientTest, SoftwarePackagePulledThroughPackageUri) {
  Lwm2mServer& srv = StartServer();
  srv.SetRequestHook([&](const coap::Peer&, const CoapMessage& req, const Classification&, coap::Responder& r) {
    if (req.UriPath() != "/sw") return false;
    CoapMessage m;
    m.code = CoapCode::kContent;
    m.payload = Bytes(1500, 0x42);
    r.Respond(m);
    return true;
  });
  ClientConfig cfg = Config("node-sw");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.enable_objects = {9};
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  ASSERT_NE(client.software(), nullptr);
  Content c;
  c.records.push_back({Path{9, 0, 3}, Value::String(UdpUri(srv) + "/sw")});
  auto w = srv.Write("node-sw", Path{9, 0, 3}, c, WriteMode::kReplace, {.timeout = 3s});
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->code, CoapCode::kChanged);
  auto done = client.WaitFor([](const ClientEvent& e) {
    return e.kind == ClientEventKind::kDownload && e.detail == "downloaded 1500 bytes";
  }, 5s);
  ASSERT_TRUE(done.has_value());
  EXPECT_GE(client.dm().GetValue(Path{9, 0, 7})->AsInteger(), 2) << "Update State DOWNLOADED or DELIVERED";
}

// ---------------------------------------------------------------- security

TEST_F(ClientTest, DtlsPskRegistration) {
  ServerConfig sc;
  sc.udp = false;
  sc.dtls = true;
  sc.psk_keys["node-psk"] = Bytes{1, 2, 3, 4, 5, 6, 7, 8};
  Lwm2mServer& srv = StartServer(sc);
  ClientConfig cfg = Config("node-psk");
  cfg.factory.present = true;
  ServerAccount a = Account(101, "coaps://" + srv.address(Transport::kDtls)->ToString());
  a.security.mode = 0;
  a.security.psk_identity = "node-psk";
  a.security.psk_key = Bytes{1, 2, 3, 4, 5, 6, 7, 8};
  cfg.factory.servers.push_back(a);
  StartClient(cfg);
  auto reg = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->registration->transport, Transport::kDtls);
  EXPECT_EQ(reg->registration->psk_identity, "node-psk");
}


TEST_F(ClientTest, InitialRegistrationDelayIsHonoured) {  // /1/x/14
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-delay");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.factory.servers[0].initial_delay = 30;  // 300 ms scaled
  auto t0 = Clock::now();
  StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  EXPECT_GE(Clock::now() - t0, 280ms);
}

TEST_F(ClientTest, SequenceRetryCountAndDelay) {  // /1/x/17-20
  Lwm2mServer& srv = StartServer({.allow_endpoint = [](const std::string&) { return false; }});
  ClientConfig cfg = Config("node-seq");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.factory.servers[0].retry_count = 2;
  cfg.factory.servers[0].retry_timer = 5;      // 50 ms, then 100 ms (x 2^(n-1))
  cfg.factory.servers[0].sequence_retry = 2;
  cfg.factory.servers[0].sequence_delay = 40;  // 400 ms
  cfg.factory.servers[0].bootstrap_on_failure = false;
  Lwm2mClient& client = StartClient(cfg);
  std::vector<Clock::time_point> failures;
  client.SetEventCallback([&](const ClientEvent& e) {
    if (e.kind == ClientEventKind::kRegistrationFailed) failures.push_back(Clock::now());
  });
  ASSERT_TRUE(Until([&] { return client.Server(101)->state == RegistrationState::kFailed; }, 5s));
  ASSERT_EQ(failures.size(), 4u);  // 2 attempts x 2 sequences
  EXPECT_GE(failures[1] - failures[0], 40ms);
  EXPECT_GE(failures[2] - failures[1], 380ms) << "Communication Sequence Delay Timer";
}

TEST_F(ClientTest, RebootRegistersAgain) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-reboot");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  auto ex = srv.Execute("node-reboot", Path{3, 0, 4}, {}, {.timeout = 3s});
  ASSERT_TRUE(ex.ok());
  EXPECT_EQ(ex->code, CoapCode::kChanged);
  auto again = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->replaced);
  ASSERT_TRUE(client.FactoryReset().ok());
  EXPECT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
}

TEST_F(ClientTest, TlsPskRegistration) {
  ServerConfig sc;
  sc.udp = false;
  sc.tls = true;
  sc.psk_keys["node-tls"] = Bytes{9, 8, 7, 6, 5, 4, 3, 2};
  Lwm2mServer& srv = StartServer(sc);
  ClientConfig cfg = Config("node-tls");
  cfg.factory.present = true;
  ServerAccount a = Account(101, "coaps+tcp://" + srv.address(Transport::kTls)->ToString());
  a.binding = "T";
  a.security.mode = 0;
  a.security.psk_identity = "node-tls";
  a.security.psk_key = Bytes{9, 8, 7, 6, 5, 4, 3, 2};
  cfg.factory.servers.push_back(a);
  StartClient(cfg);
  auto reg = Wait(srv, ServerEventKind::kRegistered);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->registration->transport, Transport::kTls);
  auto rd = srv.Read("node-tls", Path{3, 0}, {.timeout = 3s});
  ASSERT_TRUE(rd.ok());
  EXPECT_EQ(rd->code, CoapCode::kContent);
}

// ---------------------------------------------------------------- firmware

TEST_F(ClientTest, FirmwarePullFetchesPackageUriBlockwise) {
  Lwm2mServer& srv = StartServer();
  Bytes image(3000);
  for (size_t i = 0; i < image.size(); ++i) image[i] = static_cast<uint8_t>(i * 7);
  // The server also serves the image at /fw (block-wise: 3000 bytes > one PDU).
  int gets = 0;
  srv.SetRequestHook([&](const coap::Peer&, const CoapMessage& req, const Classification&, coap::Responder& r) {
    if (req.code != CoapCode::kGet || req.UriPath() != "/fw") return false;
    ++gets;
    CoapMessage m;
    m.code = CoapCode::kContent;
    m.SetContentFormat(ContentFormat::kOpaque);
    m.payload = image;
    r.Respond(m);
    return true;
  });
  ClientConfig cfg = Config("node-fw");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  Content c;
  c.records.push_back({Path{5, 0, 1}, Value::String(UdpUri(srv) + "/fw")});
  auto w = srv.Write("node-fw", Path{5, 0, 1}, c, WriteMode::kReplace, {.timeout = 3s});
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->code, CoapCode::kChanged);
  auto done = client.WaitFor([](const ClientEvent& e) {
    return e.kind == ClientEventKind::kDownload && e.detail.rfind("downloaded", 0) == 0;
  }, 5s);
  ASSERT_TRUE(done.has_value());
  EXPECT_GE(gets, 1);
  EXPECT_NE(done->detail.find("3000 bytes"), std::string::npos) << done->detail;
  ASSERT_NE(client.firmware(), nullptr);
  EXPECT_EQ(client.firmware()->package(), image);
  EXPECT_EQ(client.dm().GetValue(Path{5, 0, 3})->AsInteger(), 2) << "State 2: Downloaded";
  auto up = srv.Execute("node-fw", Path{5, 0, 2}, {}, {.timeout = 3s});
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->code, CoapCode::kChanged);
  ASSERT_TRUE(Until([&] { return client.dm().GetValue(Path{5, 0, 5})->AsInteger() == 1; }))
      << "Update Result 1: success";
}

TEST_F(ClientTest, FirmwarePullIntegrityFailureSetsResult5) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-fwf");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  cfg.firmware_failure = "integrity";
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  srv.SetRequestHook([&](const coap::Peer&, const CoapMessage& req, const Classification&, coap::Responder& r) {
    if (req.UriPath() != "/fw") return false;
    CoapMessage m;
    m.code = CoapCode::kContent;
    m.payload = Bytes(100, 1);
    r.Respond(m);
    return true;
  });
  Content c;
  c.records.push_back({Path{5, 0, 1}, Value::String(UdpUri(srv) + "/fw")});
  ASSERT_TRUE(srv.Write("node-fwf", Path{5, 0, 1}, c, WriteMode::kReplace, {.timeout = 3s}).ok());
  ASSERT_TRUE(Until([&] { return client.dm().GetValue(Path{5, 0, 5})->AsInteger() == 5; }))
      << "Update Result 5: integrity check failure";
}

TEST_F(ClientTest, FirmwarePushBlockwiseWrite) {
  Lwm2mServer& srv = StartServer();
  ClientConfig cfg = Config("node-push");
  cfg.factory.present = true;
  cfg.factory.servers.push_back(Account(101, UdpUri(srv)));
  Lwm2mClient& client = StartClient(cfg);
  ASSERT_TRUE(Wait(srv, ServerEventKind::kRegistered).has_value());
  Content c;
  c.records.push_back({Path{5, 0, 0}, Value::Opaque(Bytes(4000, 0x5a))});
  auto w = srv.Write("node-push", Path{5, 0, 0}, c, WriteMode::kReplace,
                     {.format = ContentFormat::kOpaque, .timeout = 5s});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->code, CoapCode::kChanged);
  auto state = client.dm().GetValue(Path{5, 0, 3});
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->AsInteger(), 2) << "State 2: Downloaded (Appendix E.6)";
}

}  // namespace
}  // namespace lwm2m::refclient
