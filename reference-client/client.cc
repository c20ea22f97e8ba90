// client.cc: the reference LwM2M 1.2 Client's network side (see client.h).
#include "reference-client/client.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "lwm2m/codec/codec.h"
#include "lwm2m/operation.h"
#include "reference-client/dm/firmware.h"
#include "reference-client/dm/software.h"

namespace lwm2m::refclient {

using namespace std::chrono_literals;
using coap::Transport;

// One LwM2M Server account the client registers with.
struct Lwm2mClient::Conn {
  uint16_t ssid = 0;
  uint16_t server_iid = 0;
  RegistrationState state = RegistrationState::kIdle;
  std::shared_ptr<coap::Session> session;
  TransportChoice choice;
  std::string location, version;
  uint32_t lifetime = 0;
  std::string binding;
  std::vector<std::string> versions;  // still to try (VER-COMP-002: 1.2, then 1.1, then 1.0 on 4.12)
  std::optional<std::string> trigger_binding;
  Clock::time_point next{};           // the next registration attempt / Update / re-enable
  bool scheduled = false;
  Clock::time_point update_at{};      // Update before the lifetime expires
  bool update_scheduled = false;
  bool update_pending = false, update_links = false, update_lifetime = false, update_binding = false;
  bool reconnect = false;             // the next Update goes over a new session (TRAN-BIND-003)
  bool drop_pending = false;          // fault binding-change-drops-registration
  bool without_pid = false;           // the server could not resolve pid (4.09): full Register without it
  bool in_flight = false;
  int attempts = 0, sequences = 0;
  bool asleep = false;                // queue mode (Core TS 1.2 §6.5)
  Clock::time_point awake_until{};
  std::map<std::string, std::shared_ptr<coap::Observation>> observations;  // by token hex
  std::vector<DueNotification> held;  // taken from the data model while asleep, sent after Update
};

namespace {

std::string Hex(const Bytes& b) { return HexEncode(b); }

std::optional<uint64_t> UintValue(const std::optional<Value>& v) {
  if (!v) return std::nullopt;
  switch (v->type()) {
    case DataType::kUnsignedInteger: return v->AsUnsigned();
    case DataType::kInteger:
    case DataType::kTime: return v->AsInteger() < 0 ? 0 : static_cast<uint64_t>(v->AsInteger());
    default: return std::nullopt;
  }
}
std::optional<bool> BoolValue(const std::optional<Value>& v) {
  if (!v || v->type() != DataType::kBoolean) return std::nullopt;
  return v->AsBoolean();
}
std::optional<std::string> StringValue(const std::optional<Value>& v) {
  if (!v || (v->type() != DataType::kString && v->type() != DataType::kCorelnk)) return std::nullopt;
  return v->AsString();
}

}  // namespace

std::string_view RegistrationStateName(RegistrationState s) {
  switch (s) {
    case RegistrationState::kIdle: return "idle";
    case RegistrationState::kWaiting: return "waiting";
    case RegistrationState::kRegistering: return "registering";
    case RegistrationState::kRegistered: return "registered";
    case RegistrationState::kUpdating: return "updating";
    case RegistrationState::kDeregistering: return "deregistering";
    case RegistrationState::kDeregistered: return "deregistered";
    case RegistrationState::kDisabled: return "disabled";
    case RegistrationState::kFailed: return "failed";
  }
  return "?";
}

std::string_view BootstrapStateName(BootstrapState s) {
  switch (s) {
    case BootstrapState::kNone: return "none";
    case BootstrapState::kHoldOff: return "hold-off";
    case BootstrapState::kPackRequested: return "pack-requested";
    case BootstrapState::kRequested: return "requested";
    case BootstrapState::kFinished: return "finished";
    case BootstrapState::kFailed: return "failed";
  }
  return "?";
}

std::string_view ClientEventKindName(ClientEventKind k) {
  switch (k) {
    case ClientEventKind::kRequest: return "request";
    case ClientEventKind::kResponse: return "response";
    case ClientEventKind::kRegistered: return "registered";
    case ClientEventKind::kUpdated: return "updated";
    case ClientEventKind::kDeregistered: return "deregistered";
    case ClientEventKind::kRegistrationFailed: return "registration-failed";
    case ClientEventKind::kStateChanged: return "state";
    case ClientEventKind::kBootstrap: return "bootstrap";
    case ClientEventKind::kNotification: return "notification";
    case ClientEventKind::kSend: return "send";
    case ClientEventKind::kDownload: return "download";
    case ClientEventKind::kLog: return "log";
  }
  return "?";
}

std::string ClientEvent::Summary() const {
  std::string s(ClientEventKindName(kind));
  if (bootstrap) s += " bs";
  else if (ssid) s += " ssid=" + std::to_string(ssid);
  if (kind == ClientEventKind::kStateChanged) s += " " + std::string(RegistrationStateName(state));
  if (kind == ClientEventKind::kBootstrap) s += " " + std::string(BootstrapStateName(bootstrap_state));
  if (code) s += " " + CoapCodeName(code);
  if (message.code != 0) s += " " + message.Summary();
  if (!detail.empty()) s += ": " + detail;
  return s;
}

// ---------------------------------------------------------------- construction

Lwm2mClient::Lwm2mClient(ClientOptions options) : options_(std::move(options)) {
  register_to_ = options_.config.register_to;
  ctx_ = std::make_unique<coap::Context>();
  ctx_->SetRequestHandler(
      [this](const coap::Peer& peer, const CoapMessage& req, coap::Responder& r) { OnRequest(peer, req, r); });
}

Lwm2mClient::~Lwm2mClient() {
  *alive_ = false;
  conns_.clear();
  bs_.session.reset();
  download_session_.reset();
  ctx_.reset();
}

void Lwm2mClient::Emit(ClientEvent e) {
  e.time = Now();
  if (on_event_) on_event_(e);
  events_.push_back(std::move(e));
  if (events_.size() > 10000) events_.pop_front();
}

void Lwm2mClient::Log(std::string text, uint16_t ssid) {
  ClientEvent e;
  e.kind = ClientEventKind::kLog;
  e.ssid = ssid;
  e.detail = std::move(text);
  Emit(std::move(e));
}

std::chrono::milliseconds Lwm2mClient::Scaled(double seconds) const {
  double ms = seconds * 1000.0 * options_.config.time_scale;
  if (ms > 1e12) ms = 1e12;
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(ms)));
}

coap::Timing Lwm2mClient::TimingFromConfig() const {
  coap::Timing t;
  t.ack_timeout = options_.config.ack_timeout;
  t.max_retransmit = options_.config.max_retransmit;
  return t;
}

// ---------------------------------------------------------------- provisioning

Status Lwm2mClient::Start() {
  fw_.reset();
  sw_.reset();
  *alive_ = false;
  alive_ = std::make_shared<bool>(true);
  conns_.clear();
  bs_ = BootstrapRun{};
  order_.clear();
  round_active_ = false;
  DataModelOptions dmo;
  dmo.models = options_.models;
  dmo.faults = options_.config.faults;
  dmo.refuse_create = options_.config.refuse_create;
  dmo.refuse_delete = options_.config.refuse_delete;
  dmo.enabler_version = options_.config.lwm2m_version;
  dm_ = std::make_unique<DataModel>(dmo);
  if (Status s = Provision(); !s.ok()) return s;
  InstallActions();
  if (Status s = AttachStateMachines(); !s.ok()) return s;
  started_ = true;
  // Core TS 1.2 §6.1 "Bootstrap Sequence": Bootstrap Information from the smart card, then the factory
  // configuration; with server accounts, register; with none (or when registration fails and
  // /1/x/16 asks for it), client-initiated bootstrap.
  if (!dm_->Instances(1).empty()) {
    StartRound();
  } else if (BootstrapAccountInstance()) {
    StartBootstrap(Scaled(0));
  } else {
    Log("no LwM2M Server and no Bootstrap-Server account: nothing to do until one is configured");
  }
  return Status::Ok();
}

Status Lwm2mClient::Provision() {
  provisioning_ = true;
  const ClientConfig& c = options_.config;
  if (options_.populate_defaults) {
    if (Status s = dm_->PopulateDefaults(); !s.ok()) {
      provisioning_ = false;
      return s;
    }
  }
  // BOOT-PROV-001: several sources; the one of higher priority provisions an ssid (and the
  // Bootstrap-Server account) first, and a lower one cannot override it (BOOT-PROV-002).
  std::vector<std::pair<const ProvisioningData*, ProvisioningSource>> sources;
  if (c.smart_card.present) sources.push_back({&c.smart_card, ProvisioningSource::kSmartCard});
  if (c.factory.present) sources.push_back({&c.factory, ProvisioningSource::kFactory});
  std::stable_sort(sources.begin(), sources.end(),
                   [](const auto& a, const auto& b) { return a.first->priority > b.first->priority; });
  std::set<uint16_t> taken;
  bool bs_taken = false;
  for (const auto& [d, src] : sources) ApplySource(*d, src, taken, bs_taken);

  dm_->SetValue(Path{3, 0, 16}, Value::String(c.supported_binding));
  for (uint16_t oid : c.enable_objects) dm_->EnableObject(oid);
  for (const InitialValue& iv : c.objects) {
    Path inst = iv.path.Truncated(2);
    if (!dm_->Exists(inst)) {
      if (Status s = dm_->CreateInstance(*inst.object_id(), *inst.object_instance_id()); !s.ok()) {
        provisioning_ = false;
        return Status(s.code(), iv.origin + ": " + s.message());
      }
    }
    if (iv.path.level() == Path::Level::kObjectInstance) continue;
    const ResourceModel* rm = dm_->models().FindResource(iv.path);
    if (!rm) {
      provisioning_ = false;
      return BadRequest(iv.origin + ": no model for " + iv.path.ToString());
    }
    auto typed = [&](const std::string& t) { return Value::FromText(t, rm->type); };
    Status s;
    if (iv.multiple) {
      std::map<uint16_t, Value> m;
      for (size_t i = 0; i < iv.texts.size() && s.ok(); ++i) {
        auto v = typed(iv.texts[i]);
        if (!v.ok()) s = v.status();
        else m[static_cast<uint16_t>(i)] = *v;
      }
      if (s.ok()) s = dm_->SetMulti(iv.path, m);
    } else if (!iv.texts.empty()) {
      auto v = typed(iv.texts[0]);
      s = v.ok() ? dm_->SetValue(iv.path, *v) : v.status();
    }
    if (!s.ok()) {
      provisioning_ = false;
      return Status(s.code(), iv.origin + ": " + iv.path.ToString() + ": " + s.message());
    }
  }
  provisioning_ = false;
  return Status::Ok();
}

void Lwm2mClient::ApplySource(const ProvisioningData& d, ProvisioningSource source, std::set<uint16_t>& taken,
                              bool& bs_taken) {
  const char* name = source == ProvisioningSource::kSmartCard ? "smart card" : "factory";
  auto free_instance = [&](uint16_t oid, std::optional<uint16_t> want) -> uint16_t {
    if (want && !dm_->Exists(Path{oid, *want})) return *want;
    auto used = dm_->Instances(oid);
    uint16_t i = 0;
    while (std::find(used.begin(), used.end(), i) != used.end()) ++i;
    return i;
  };
  auto security = [&](uint16_t iid, const AccountSecurity& s) {
    dm_->SetValue(Path{0, iid, 2}, Value::Integer(s.mode), source);
    dm_->SetValue(Path{0, iid, 3}, Value::Opaque(Bytes(s.psk_identity.begin(), s.psk_identity.end())), source);
    dm_->SetValue(Path{0, iid, 4}, Value::Opaque({}), source);
    dm_->SetValue(Path{0, iid, 5}, Value::Opaque(s.psk_key), source);
  };
  if (d.bootstrap) {
    if (bs_taken) {
      Log(std::string(name) + ": Bootstrap-Server account ignored, a source of higher priority provisioned one");
    } else {
      bs_taken = true;
      uint16_t iid = free_instance(0, d.bootstrap->security_instance ? d.bootstrap->security_instance : 0);
      dm_->CreateInstance(0, iid, source);
      dm_->SetValue(Path{0, iid, 0}, Value::String(d.bootstrap->uri), source);
      dm_->SetValue(Path{0, iid, 1}, Value::Boolean(true), source);
      security(iid, d.bootstrap->security);
      dm_->SetValue(Path{0, iid, 11}, Value::Integer(d.bootstrap->hold_off), source);
      if (d.bootstrap->account_timeout) dm_->SetValue(Path{0, iid, 12}, Value::Integer(*d.bootstrap->account_timeout), source);
    }
  }
  for (const ServerAccount& a : d.servers) {
    if (taken.count(a.ssid)) {
      Log(std::string(name) + ": server account ssid " + std::to_string(a.ssid) +
          " ignored, a source of higher priority provisioned it (" + a.origin + ")");
      continue;
    }
    taken.insert(a.ssid);
    uint16_t si = free_instance(0, a.security_instance);
    dm_->CreateInstance(0, si, source);
    dm_->SetValue(Path{0, si, 0}, Value::String(a.uri), source);
    dm_->SetValue(Path{0, si, 1}, Value::Boolean(false), source);
    security(si, a.security);
    dm_->SetValue(Path{0, si, 10}, Value::Integer(a.ssid), source);
    if (!a.secondary_uris.empty()) {
      std::map<uint16_t, Value> m;
      for (size_t i = 0; i < a.secondary_uris.size(); ++i) m[static_cast<uint16_t>(i)] = Value::String(a.secondary_uris[i]);
      dm_->SetMulti(Path{0, si, 25}, m);
    }
    uint16_t vi = free_instance(1, a.server_instance);
    dm_->CreateInstance(1, vi, source);
    auto set = [&](uint16_t rid, Value v) { dm_->SetValue(Path{1, vi, rid}, std::move(v), source); };
    set(0, Value::Integer(a.ssid));
    set(1, Value::UnsignedInteger(a.lifetime));
    set(6, Value::Boolean(a.notification_storing));
    set(7, Value::String(a.binding));
    if (a.default_pmin) set(2, Value::Integer(*a.default_pmin));
    if (a.default_pmax) set(3, Value::Integer(*a.default_pmax));
    if (a.disable_timeout) set(5, Value::Integer(*a.disable_timeout));
    if (a.priority) set(13, Value::UnsignedInteger(*a.priority));
    if (a.initial_delay) set(14, Value::UnsignedInteger(*a.initial_delay));
    if (a.failure_block) set(15, Value::Boolean(*a.failure_block));
    if (a.bootstrap_on_failure) set(16, Value::Boolean(*a.bootstrap_on_failure));
    if (a.retry_count) set(17, Value::UnsignedInteger(*a.retry_count));
    if (a.retry_timer) set(18, Value::UnsignedInteger(*a.retry_timer));
    if (a.sequence_delay) set(19, Value::UnsignedInteger(*a.sequence_delay));
    if (a.sequence_retry) set(20, Value::UnsignedInteger(*a.sequence_retry));
    if (a.preferred_transport) set(22, Value::String(*a.preferred_transport));
    if (a.mute_send) set(23, Value::Boolean(*a.mute_send));
    if (!a.supported_versions.empty()) {
      std::map<uint16_t, Value> m;
      for (size_t i = 0; i < a.supported_versions.size(); ++i)
        m[static_cast<uint16_t>(i)] = Value::String(a.supported_versions[i]);
      dm_->SetMulti(Path{1, vi, 25}, m);
    }
  }
}

void Lwm2mClient::InstallActions() {
  std::weak_ptr<bool> alive = alive_;
  dm_->SetOnChange([this, alive](const Path& p, const Requester& who) {
    if (alive.lock() && *alive.lock()) OnChange(p, who);
  });
  // Execute actions of /1 instances are installed in SyncConns (instances come and go).
  SyncConns();
  dm_->SetExecuteAction(Path{3, 0, 4}, [this](const Path&, const std::string&, const Requester&) {
    for (auto& [ssid, c] : conns_) c->scheduled = false;
    // The reboot happens after the 2.04 went out (Core TS 1.2 Appendix E.4: Reboot).
    Log("Reboot executed");
    reboot_pending_ = true;
    return Status::Ok();
  });
}

Status Lwm2mClient::AttachStateMachines() {
  fw_.reset();
  sw_.reset();
  auto fetcher = [this](const std::string& uri, std::function<void(Result<Bytes>)> done) { Fetch(uri, std::move(done)); };
  if (dm_->Exists(Path{5, 0})) {
    fw_ = std::make_unique<FirmwareUpdate>(*dm_);
    fw_->SetDownloader(fetcher);
    auto f = FirmwareUpdate::ParseFailure(options_.config.firmware_failure);
    if (!f) return BadRequest("unknown firmware-failure '" + options_.config.firmware_failure + "'");
    fw_->SetFailure(*f);
  }
  bool software = dm_->Exists(Path{9, 0}) || std::find(options_.config.enable_objects.begin(),
                                                      options_.config.enable_objects.end(), 9) != options_.config.enable_objects.end();
  if (software) {
    sw_ = std::make_unique<SoftwareManagement>(*dm_);
    sw_->SetDownloader(fetcher);
    auto f = SoftwareManagement::ParseFailure(options_.config.software_failure);
    if (!f) return BadRequest("unknown software-failure '" + options_.config.software_failure + "'");
    sw_->SetFailure(*f);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- accounts and order

std::optional<uint16_t> Lwm2mClient::SsidOfServerInstance(uint16_t iid) const {
  auto v = UintValue(dm_->GetValue(Path{1, iid, 0}));
  if (!v || *v == 0 || *v > 65534) return std::nullopt;
  return static_cast<uint16_t>(*v);
}

std::optional<uint16_t> Lwm2mClient::SecurityInstanceOf(uint16_t ssid) const {
  for (uint16_t i : dm_->Instances(0)) {
    if (BoolValue(dm_->GetValue(Path{0, i, 1})).value_or(false)) continue;
    if (UintValue(dm_->GetValue(Path{0, i, 10})) == ssid) return i;
  }
  return std::nullopt;
}

std::optional<uint16_t> Lwm2mClient::BootstrapAccountInstance() const {
  for (uint16_t i : dm_->Instances(0))
    if (BoolValue(dm_->GetValue(Path{0, i, 1})).value_or(false)) return i;
  return std::nullopt;
}

coap::Security Lwm2mClient::SecurityOf(uint16_t si) const {
  auto mode = UintValue(dm_->GetValue(Path{0, si, 2})).value_or(3);
  if (mode != 0) return coap::Security::NoSec();
  auto id = dm_->GetValue(Path{0, si, 3});
  auto key = dm_->GetValue(Path{0, si, 5});
  std::string identity;
  if (id && id->type() == DataType::kOpaque) identity.assign(id->AsOpaque().begin(), id->AsOpaque().end());
  else if (id && id->type() == DataType::kString) identity = id->AsString();
  return coap::Security::Psk(identity, key && key->type() == DataType::kOpaque ? key->AsOpaque() : Bytes{});
}

Lwm2mClient::Conn* Lwm2mClient::FindConn(uint16_t ssid) {
  auto it = conns_.find(ssid);
  return it == conns_.end() ? nullptr : it->second.get();
}

Lwm2mClient::Conn* Lwm2mClient::FindConnByPeer(const coap::Peer& peer) {
  for (auto& [ssid, c] : conns_)
    if (c->session && c->session->transport() == peer.transport && c->session->remote() == peer.remote) return c.get();
  return nullptr;
}

// Conns follow the /1 instances: new accounts get one, removed accounts lose theirs (BS-23: a
// deleted account means the client considers itself de-registered from that server).
void Lwm2mClient::SyncConns() {
  std::set<uint16_t> present;
  for (uint16_t iid : dm_->Instances(1)) {
    auto ssid = SsidOfServerInstance(iid);
    if (!ssid) continue;
    present.insert(*ssid);
    Conn* c = FindConn(*ssid);
    if (!c) {
      auto n = std::make_unique<Conn>();
      n->ssid = *ssid;
      c = n.get();
      conns_[*ssid] = std::move(n);
      GoOffline(*c, true);
    }
    c->server_iid = iid;
    uint16_t s = *ssid;
    dm_->SetExecuteAction(Path{1, iid, 4}, [this, s](const Path&, const std::string&, const Requester&) {
      // Disable (Core TS 1.2 Appendix E.2 res 4): de-register, then stay away for Disable Timeout.
      if (Conn* c = FindConn(s)) {
        c->scheduled = true;
        c->next = Now();
        disable_pending_.insert(s);
      }
      return Status::Ok();
    });
    dm_->SetExecuteAction(Path{1, iid, 8}, [this, s](const Path&, const std::string& args, const Requester&) {
      Conn* c = FindConn(s);
      if (!c) return Status(StatusCode::kNotFound, "no registration");
      // Registration Update Trigger with an optional binding argument (TRAN-BIND-002/003):
      // `0='T'` as text/plain payload (or a bare letter).
      std::string letter;
      auto parsed = ParseExecuteArguments(args);
      if (parsed.ok()) {
        for (const auto& a : *parsed)
          if (a.digit == 0 && a.value) letter = *a.value;
      } else if (!args.empty()) {
        letter = args;
      }
      if (!letter.empty()) {
        c->trigger_binding = letter;
        c->reconnect = true;
      }
      c->update_pending = true;
      c->update_links = true;
      return Status::Ok();
    });
    dm_->SetExecuteAction(Path{1, iid, 9}, [this](const Path&, const std::string&, const Requester&) {
      // Bootstrap-Request Trigger: client-initiated bootstrap after this Execute is answered.
      bootstrap_pending_ = true;
      return Status::Ok();
    });
  }
  for (auto it = conns_.begin(); it != conns_.end();) {
    if (present.count(it->first)) {
      ++it;
      continue;
    }
    dm_->observations().CancelAll(it->first);
    Log("server account removed: registration dropped", it->first);
    it = conns_.erase(it);
  }
}

std::vector<uint16_t> Lwm2mClient::RegistrationOrder() const {
  const ClientConfig& c = options_.config;
  std::vector<std::pair<uint16_t, std::optional<uint64_t>>> list;
  for (const auto& [ssid, conn] : conns_) {
    if (register_to_ && !c.HasFault("register-all-servers") &&
        std::find(register_to_->begin(), register_to_->end(), ssid) == register_to_->end())
      continue;
    list.push_back({ssid, UintValue(dm_->GetValue(Path{1, conn->server_iid, 13}))});
  }
  // Core TS 1.2 §6.2.1 / Appendix E.2 res 13: lower Registration Priority Order first; accounts
  // without one after those with one.
  std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
    if (a.second.has_value() != b.second.has_value()) return a.second.has_value();
    return a.second && b.second ? *a.second < *b.second : false;
  });
  std::vector<uint16_t> out;
  for (const auto& [ssid, p] : list) out.push_back(ssid);
  if (c.HasFault("ignore-priority-order")) std::reverse(out.begin(), out.end());
  return out;
}

void Lwm2mClient::StartRound() {
  SyncConns();
  order_ = RegistrationOrder();
  round_pos_ = 0;
  round_active_ = !order_.empty();
  for (auto& [ssid, c] : conns_) {
    c->attempts = 0;
    c->sequences = 0;
  }
  ScheduleRoundPosition();
}

// Starts the server at round_pos_ after its Initial Registration Delay (/1/x/14); servers already
// registered (or removed meanwhile) are passed over.
void Lwm2mClient::ScheduleRoundPosition() {
  while (round_active_ && round_pos_ < order_.size()) {
    Conn* c = FindConn(order_[round_pos_]);
    if (!c || (!c->location.empty() && (c->state == RegistrationState::kRegistered ||
                                        c->state == RegistrationState::kUpdating))) {
      ++round_pos_;
      continue;
    }
    if (c->in_flight || c->state == RegistrationState::kRegistering) return;
    auto delay = UintValue(dm_->GetValue(Path{1, c->server_iid, 14})).value_or(0);
    c->next = Now() + Scaled(static_cast<double>(delay));
    c->scheduled = true;
    c->versions.clear();
    SetState(*c, RegistrationState::kWaiting, "Initial Registration Delay " + std::to_string(delay) + " s");
    return;
  }
  round_active_ = false;
}

// The next server of the order starts once the previous one is registered or failed for good
// (Core TS 1.2 §6.2.1.1; Registration Failure Block /1/x/15 stops the order on a failure).
void Lwm2mClient::AdvanceRound(uint16_t finished, bool success) {
  if (!round_active_ || round_pos_ >= order_.size() || order_[round_pos_] != finished) return;
  if (!success) {
    Conn* c = FindConn(finished);
    bool block = c && BoolValue(dm_->GetValue(Path{1, c->server_iid, 15})).value_or(false);
    bool bootstrap = c && BoolValue(dm_->GetValue(Path{1, c->server_iid, 16})).value_or(true);
    if (bootstrap && BootstrapAccountInstance()) {
      round_active_ = false;
      Log("Bootstrap on Registration Failure (/1/x/16): client-initiated bootstrap", finished);
      StartBootstrap(Scaled(0));
      return;
    }
    if (block) {
      round_active_ = false;
      Log("Registration Failure Block (/1/x/15): no registration to the remaining servers", finished);
      return;
    }
  }
  ++round_pos_;
  ScheduleRoundPosition();
}

void Lwm2mClient::SetState(Conn& c, RegistrationState s, std::string detail) {
  if (c.state == s && detail.empty()) return;
  c.state = s;
  ClientEvent e;
  e.kind = ClientEventKind::kStateChanged;
  e.ssid = c.ssid;
  e.state = s;
  e.detail = std::move(detail);
  Emit(std::move(e));
}

// ---------------------------------------------------------------- registration

std::vector<std::string> Lwm2mClient::VersionsFor(uint16_t ssid) const {
  const ClientConfig& cfg = options_.config;
  std::vector<std::string> all;
  for (const char* v : {"1.2", "1.1", "1.0"})
    if (std::string(v) <= cfg.lwm2m_version) all.push_back(v);
  if (cfg.HasFault("wrong-lwm2m-version")) all = {"1.1", "1.0"};
  // /1/x/25 Supported Server Versions (1.2): start with the highest version the server lists.
  const Conn* c = conns_.count(ssid) ? conns_.at(ssid).get() : nullptr;
  if (c && !cfg.HasFault("ignore-supported-server-versions")) {
    Content listed = dm_->Read(Path{1, c->server_iid, 25});
    std::vector<std::string> common;
    for (const auto& v : all)
      for (const auto& r : listed.records)
        if (r.value.type() == DataType::kString && (r.value.AsString() == v || r.value.AsString().rfind(v + ".", 0) == 0)) {
          common.push_back(v);
          break;
        }
    if (!common.empty()) all = common;
  }
  if (cfg.HasFault("no-version-fallback") && !all.empty()) all.resize(1);
  return all;
}

std::string Lwm2mClient::RegisterBinding(const Conn& c) const {
  // `b`: the binding of this account (/1/x/7) without Q; LwM2M 1.0 carried queue mode in it ("UQ").
  std::string b = StringValue(dm_->GetValue(Path{1, c.server_iid, 7})).value_or("U");
  std::string letters = BindingLetters(b);
  if (letters.empty()) letters = "U";
  if (c.version == "1.0" && options_.config.queue_mode) letters += "Q";
  return letters;
}

Status Lwm2mClient::Connect(Conn& c) {
  auto si = SecurityInstanceOf(c.ssid);
  if (!si) return NotFound("no Security instance with ssid " + std::to_string(c.ssid));
  BindingInputs in;
  if (auto u = StringValue(dm_->GetValue(Path{0, *si, 0}))) in.server_uris.push_back(*u);
  for (const auto& r : dm_->Read(Path{0, *si, 25}).records)
    if (r.value.type() == DataType::kString) in.server_uris.push_back(r.value.AsString());
  in.server_binding = StringValue(dm_->GetValue(Path{1, c.server_iid, 7})).value_or("U");
  in.preferred_transport = StringValue(dm_->GetValue(Path{1, c.server_iid, 22}));
  in.client_supported = StringValue(dm_->GetValue(Path{3, 0, 16})).value_or(options_.config.supported_binding);
  in.client_preference = options_.config.binding_preference;
  in.trigger_binding = c.trigger_binding;
  if (auto apn = dm_->GetValue(Path{1, c.server_iid, 10}); apn && apn->type() == DataType::kObjlnk)
    if (auto pdn = dm_->GetValue(Path{11, apn->AsObjlnk().instance_id, 24}); pdn && pdn->type() == DataType::kInteger)
      in.pdn_type = pdn->AsInteger();
  in.ignore_preferred_transport = options_.config.HasFault("ignore-preferred-transport");
  in.ignore_trigger_binding = options_.config.HasFault("ignore-update-trigger-binding");
  auto choice = SelectTransport(in);
  if (!choice.ok()) return choice.status();
  auto mode = UintValue(dm_->GetValue(Path{0, *si, 2})).value_or(3);
  if (mode != 0 && mode != 3)
    return Status(StatusCode::kNotImplemented, "Security Mode " + std::to_string(mode) +
                                                   " (RPK/certificate/EST) is not implemented by this client");
  if ((mode == 0) != coap::IsSecure(choice->transport))
    return BadRequest("Security Mode " + std::to_string(mode) + " does not match the URI " + choice->uri);
  if (c.session) c.session->Close();
  c.session.reset();
  auto s = ctx_->Connect(choice->uri, SecurityOf(*si), TimingFromConfig());
  if (!s.ok()) return s.status();
  c.session = *s;
  c.choice = *choice;
  Log("transport " + std::string(coap::TransportName(choice->transport)) + " to " + choice->uri + " (" + choice->rule + ")",
      c.ssid);
  return Status::Ok();
}

void Lwm2mClient::SendRegister(Conn& c) {
  if (c.versions.empty()) c.versions = VersionsFor(c.ssid);
  c.version = c.versions.front();
  if (!c.session || c.session->state() == coap::SessionState::kFailed || c.session->state() == coap::SessionState::kClosed) {
    if (Status s = Connect(c); !s.ok()) return AttemptFailed(c, "connect: " + s.ToString());
  }
  const ClientConfig& cfg = options_.config;
  c.lifetime = static_cast<uint32_t>(UintValue(dm_->GetValue(Path{1, c.server_iid, 1})).value_or(86400));
  c.binding = RegisterBinding(c);
  RegisterLinkOptions lo;
  lo.declare_versions = !cfg.HasFault("missing-object-versions");
  std::string links = dm_->RegisterLinks(lo);
  std::string claimed = cfg.HasFault("wrong-lwm2m-version") && c.version == "1.2" ? "1.1" : c.version;
  Operation op = Operation::Register(cfg.endpoint, c.lifetime, claimed, c.binding, links);
  op.registration.queue_mode = cfg.queue_mode && c.version != "1.0";
  op.registration.sms = cfg.sms_number;
  if (c.version == "1.2" && !c.without_pid) op.registration.profile_id = cfg.profile_id;
  CoapMessage m = op.ToCoap();
  c.in_flight = true;
  SetState(c, RegistrationState::kRegistering, "lwm2m=" + claimed);
  ClientEvent sent;
  sent.kind = ClientEventKind::kLog;
  sent.ssid = c.ssid;
  sent.message = m;
  sent.detail = "Register sent";
  Emit(sent);
  uint16_t ssid = c.ssid;
  std::weak_ptr<bool> alive = alive_;
  auto r = c.session->Send(m, [this, alive, ssid](const coap::Reply& reply) {
    auto a = alive.lock();
    if (!a || !*a) return;
    Conn* c = FindConn(ssid);
    if (!c) return;
    c->in_flight = false;
    if (!reply.ok()) return AttemptFailed(*c, std::string("Register: ") + coap::OutcomeName(reply.outcome) + " " + reply.detail);
    uint8_t code = reply.response.code;
    if (code == CoapCode::kCreated) {
      c->location = reply.response.LocationPath();
      return Registered(*c);
    }
    if (code == CoapCode::kPreconditionFailed && c->versions.size() > 1) {
      // VER-COMP-002/004: 4.12 means the server does not support this enabler version; try the next lower.
      std::string was = c->versions.front();
      c->versions.erase(c->versions.begin());
      ClientEvent e;
      e.kind = ClientEventKind::kRegistrationFailed;
      e.ssid = ssid;
      e.code = code;
      e.detail = "lwm2m=" + was + " refused with 4.12: falling back to " + c->versions.front();
      Emit(e);
      c->next = Now();
      c->scheduled = true;
      SetState(*c, RegistrationState::kWaiting);
      return;
    }
    if (code == CoapCode::kConflict && options_.config.profile_id && !c->without_pid) {
      // Profile ID the server cannot resolve (4.09): register again with the full object list and no pid.
      c->without_pid = true;
      Log("Register with pid answered 4.09: registering without pid", ssid);
      c->next = Now();
      c->scheduled = true;
      SetState(*c, RegistrationState::kWaiting);
      return;
    }
    AttemptFailed(*c, "Register answered " + CoapCodeName(code));
  });
  if (!r.ok()) {
    c.in_flight = false;
    AttemptFailed(c, "Register not sent: " + r.status().ToString());
  }
}

// Communication Retry Count/Timer (/1/x/17, /1/x/18: back-off timer * 2^(attempt-1)), then
// Sequence Delay Timer / Sequence Retry Count (/1/x/19, /1/x/20). Defaults: Core TS 1.2 Table
// 6.2.1.1-1 (5 attempts, 60 s, 86400 s, 1 sequence).
void Lwm2mClient::AttemptFailed(Conn& c, std::string why) {
  c.in_flight = false;
  c.attempts++;
  uint64_t retry_count = UintValue(dm_->GetValue(Path{1, c.server_iid, 17})).value_or(5);
  uint64_t retry_timer = UintValue(dm_->GetValue(Path{1, c.server_iid, 18})).value_or(60);
  uint64_t seq_delay = UintValue(dm_->GetValue(Path{1, c.server_iid, 19})).value_or(86400);
  uint64_t seq_count = UintValue(dm_->GetValue(Path{1, c.server_iid, 20})).value_or(1);
  c.versions.clear();
  bool final = false;
  std::string plan;
  if (c.attempts < static_cast<int>(std::max<uint64_t>(retry_count, 1))) {
    double wait = static_cast<double>(retry_timer) * std::pow(2.0, c.attempts - 1);
    c.next = Now() + Scaled(wait);
    plan = "retry " + std::to_string(c.attempts + 1) + " in " + std::to_string(static_cast<uint64_t>(wait)) + " s";
  } else {
    c.sequences++;
    c.attempts = 0;
    if (c.sequences < static_cast<int>(std::max<uint64_t>(seq_count, 1))) {
      c.next = Now() + Scaled(static_cast<double>(seq_delay));
      plan = "sequence " + std::to_string(c.sequences + 1) + " in " + std::to_string(seq_delay) + " s";
    } else {
      final = true;
      plan = "registration failed";
    }
  }
  c.scheduled = !final;
  if (c.session) c.session->Close();
  c.session.reset();
  ClientEvent e;
  e.kind = ClientEventKind::kRegistrationFailed;
  e.ssid = c.ssid;
  e.detail = why + "; " + plan;
  Emit(e);
  SetState(c, final ? RegistrationState::kFailed : RegistrationState::kWaiting);
  if (final) AdvanceRound(c.ssid, false);
}

void Lwm2mClient::Registered(Conn& c) {
  c.attempts = 0;
  c.sequences = 0;
  c.trigger_binding.reset();
  ClientEvent e;
  e.kind = ClientEventKind::kRegistered;
  e.ssid = c.ssid;
  e.code = CoapCode::kCreated;
  e.detail = c.location + " lwm2m=" + c.version + " over " + coap::TransportName(c.choice.transport);
  Emit(e);
  SetState(c, RegistrationState::kRegistered);
  c.update_scheduled = c.lifetime > 0;
  // Update well before the lifetime ends (Core TS 1.2 §6.2.2): at 90 % of it, scaled.
  if (c.update_scheduled) c.update_at = Now() + Scaled(c.lifetime * 0.9);
  c.awake_until = Now() + options_.config.queue_awake;
  GoOffline(c, false);
  FlushStored(c);
  AdvanceRound(c.ssid, true);
}

void Lwm2mClient::SendUpdate(Conn& c, bool with_links, bool lifetime, bool binding) {
  if (c.location.empty()) return;
  if (c.reconnect) {
    // TRAN-BIND-003: release the connection and establish one over the overriding binding.
    c.reconnect = false;
    if (Status s = Connect(c); !s.ok()) {
      Log("reconnect failed: " + s.ToString(), c.ssid);
      c.trigger_binding.reset();
      if (Status s2 = Connect(c); !s2.ok()) return AttemptFailed(c, "connect: " + s2.ToString());
    }
  }
  if (!c.session) {
    if (Status s = Connect(c); !s.ok()) return AttemptFailed(c, "connect: " + s.ToString());
  }
  RegistrationParams p;
  if (lifetime) {
    c.lifetime = static_cast<uint32_t>(UintValue(dm_->GetValue(Path{1, c.server_iid, 1})).value_or(86400));
    p.lifetime = c.lifetime;
  }
  if (binding) {
    c.binding = RegisterBinding(c);
    p.binding = c.binding;
  }
  p.queue_mode = options_.config.queue_mode && c.version != "1.0";
  std::string links;
  if (with_links) {
    RegisterLinkOptions lo;
    lo.declare_versions = !options_.config.HasFault("missing-object-versions");
    links = dm_->RegisterLinks(lo);
  }
  CoapMessage m = Operation::Update(c.location, p, links).ToCoap();
  c.in_flight = true;
  c.asleep = false;
  SetState(c, RegistrationState::kUpdating);
  uint16_t ssid = c.ssid;
  std::weak_ptr<bool> alive = alive_;
  auto r = c.session->Send(m, [this, alive, ssid](const coap::Reply& reply) {
    auto a = alive.lock();
    if (!a || !*a) return;
    Conn* c = FindConn(ssid);
    if (!c) return;
    c->in_flight = false;
    if (reply.ok() && reply.response.code == CoapCode::kChanged) {
      ClientEvent e;
      e.kind = ClientEventKind::kUpdated;
      e.ssid = ssid;
      e.code = reply.response.code;
      e.detail = c->location + " over " + coap::TransportName(c->choice.transport);
      Emit(e);
      SetState(*c, RegistrationState::kRegistered);
      c->trigger_binding.reset();
      c->update_scheduled = c->lifetime > 0;
      if (c->update_scheduled) c->update_at = Now() + Scaled(c->lifetime * 0.9);
      c->awake_until = Now() + options_.config.queue_awake;
      GoOffline(*c, false);
      FlushStored(*c);
      return;
    }
    // Core TS 1.2 §6.2.2: an Update that fails (4.04: unknown registration, or no answer) ends in a new Register.
    std::string why = reply.ok() ? "Update answered " + CoapCodeName(reply.response.code)
                                 : std::string("Update: ") + coap::OutcomeName(reply.outcome);
    Log(why + ": registering again", ssid);
    c->location.clear();
    c->versions.clear();
    c->next = Now();
    c->scheduled = true;
    SetState(*c, RegistrationState::kWaiting, why);
    GoOffline(*c, true);
  });
  if (!r.ok()) {
    c.in_flight = false;
    AttemptFailed(c, "Update not sent: " + r.status().ToString());
  }
  ClientEvent sent;
  sent.kind = ClientEventKind::kLog;
  sent.ssid = c.ssid;
  sent.message = m;
  sent.detail = "Update sent";
  Emit(sent);
}

void Lwm2mClient::SendDeregister(Conn& c, bool then_disable) {
  uint16_t ssid = c.ssid;
  auto finish = [this, ssid, then_disable](std::string detail, uint8_t code) {
    Conn* c = FindConn(ssid);
    if (!c) return;
    c->location.clear();
    c->in_flight = false;
    ClientEvent e;
    e.kind = ClientEventKind::kDeregistered;
    e.ssid = ssid;
    e.code = code;
    e.detail = std::move(detail);
    Emit(e);
    dm_->observations().CancelAll(ssid);
    c->observations.clear();
    GoOffline(*c, true);
    if (then_disable) {
      // Disable Timeout /1/x/5 (default 86400 s): then register again.
      auto t = UintValue(dm_->GetValue(Path{1, c->server_iid, 5})).value_or(86400);
      c->next = Now() + Scaled(static_cast<double>(t));
      c->scheduled = true;
      c->versions.clear();
      SetState(*c, RegistrationState::kDisabled, "Disable Timeout " + std::to_string(t) + " s");
    } else {
      c->scheduled = false;
      SetState(*c, RegistrationState::kDeregistered);
    }
    if (c->session) c->session->Close();
    c->session.reset();
  };
  if (c.location.empty() || !c.session) return finish("not registered", 0);
  if (then_disable && options_.config.HasFault("no-deregister-on-disable")) return finish("fault: disabled without De-register", 0);
  CoapMessage m = Operation::Deregister(c.location).ToCoap();
  c.in_flight = true;
  c.update_scheduled = false;
  SetState(c, RegistrationState::kDeregistering);
  std::weak_ptr<bool> alive = alive_;
  auto r = c.session->Send(m, [alive, finish](const coap::Reply& reply) {
    auto a = alive.lock();
    if (!a || !*a) return;
    finish(reply.ok() ? "De-register answered " + CoapCodeName(reply.response.code)
                      : std::string("De-register: ") + coap::OutcomeName(reply.outcome),
           reply.ok() ? reply.response.code : 0);
  });
  if (!r.ok()) finish("De-register not sent: " + r.status().ToString(), 0);
}

bool Lwm2mClient::Muted(uint16_t ssid) const {
  if (options_.config.HasFault("no-send-mute")) return false;
  auto it = conns_.find(ssid);
  if (it == conns_.end()) return true;
  // /1/x/23 Mute Send: true or absent means Send is disabled (OMA-SUP-XML_1-V1_2).
  return BoolValue(dm_->GetValue(Path{1, it->second->server_iid, 23})).value_or(true);
}

void Lwm2mClient::GoOffline(Conn& c, bool offline) {
  dm_->observations().SetOffline(c.ssid, offline);
}

void Lwm2mClient::FlushStored(Conn& c) {
  std::vector<DueNotification> stored = dm_->observations().TakeStored(c.ssid);
  stored.insert(stored.begin(), c.held.begin(), c.held.end());
  c.held.clear();
  // Notification Storing When Disabled or Offline /1/x/6 (default true): false drops them.
  if (!BoolValue(dm_->GetValue(Path{1, c.server_iid, 6})).value_or(true)) return;
  for (auto& n : stored) {
    auto it = c.observations.find(n.key.token_hex);
    if (it == c.observations.end() || !it->second->active()) continue;
    it->second->Notify(n.payload_message, n.confirmable ? CoapType::kConfirmable : CoapType::kNonConfirmable);
    ClientEvent e;
    e.kind = ClientEventKind::kNotification;
    e.ssid = c.ssid;
    e.message = n.payload_message;
    e.detail = "stored notification";
    Emit(e);
  }
}

// ---------------------------------------------------------------- incoming requests

void Lwm2mClient::OnRequest(const coap::Peer& peer, const CoapMessage& req, coap::Responder& r) {
  bool from_bs = bs_.session && bs_.session->transport() == peer.transport && bs_.session->remote() == peer.remote;
  Conn* conn = from_bs ? nullptr : FindConnByPeer(peer);
  uint16_t ssid = conn ? conn->ssid : 0;
  ClientEvent in;
  in.kind = ClientEventKind::kRequest;
  in.ssid = ssid;
  in.bootstrap = from_bs;
  in.message = req;
  Emit(in);
  auto answered = [&](const CoapMessage& resp) {
    ClientEvent out;
    out.kind = ClientEventKind::kResponse;
    out.ssid = ssid;
    out.bootstrap = from_bs;
    out.message = resp;
    out.code = resp.code;
    Emit(out);
  };
  if (hook_ && hook_(ssid, from_bs, req, r)) {
    ClientEvent out;
    out.kind = ClientEventKind::kResponse;
    out.ssid = ssid;
    out.bootstrap = from_bs;
    out.detail = "answered by the request hook";
    Emit(out);
    return;
  }
  if (!from_bs && !conn) {
    CoapMessage resp;
    resp.code = CoapCode::kUnauthorized;
    r.Respond(resp);
    answered(resp);
    return;
  }
  if (conn) {
    conn->awake_until = Now() + options_.config.queue_awake;
    if (conn->asleep && conn->state == RegistrationState::kRegistered) {
      // A request reached a sleeping queue-mode client: it is awake again (Core TS 1.2 §6.5).
      conn->asleep = false;
      GoOffline(*conn, false);
      FlushStored(*conn);
    }
  }
  if (from_bs) {
    CoapMessage resp = dm_->Handle(req, Requester::Bootstrap());
    bs_.deadline = Now() + options_.config.bootstrap_timeout;
    r.Respond(resp);
    answered(resp);
    if (req.code == CoapCode::kPost && req.UriPath() == "/bs") {
      bool ok = resp.code == CoapCode::kChanged;
      bs_finish_result_ = ok ? 1 : 2;
      bs_finish_detail_ = "Bootstrap-Finish answered " + CoapCodeName(resp.code);
    }
    return;
  }
  auto observe = req.Observe();
  bool get_or_fetch = req.code == CoapCode::kGet || req.code == CoapCode::kFetch;
  ObservationKey key{ssid, Hex(req.token)};
  if (get_or_fetch && observe == 1u) {
    dm_->observations().Cancel(key);
    conn->observations.erase(key.token_hex);
  }
  CoapMessage resp = dm_->Handle(req, Requester::Server(ssid));
  if (get_or_fetch && observe == 0u && resp.code == CoapCode::kContent) {
    std::vector<Path> paths;
    if (req.code == CoapCode::kFetch) {
      auto p = dm_->CompositePaths(req);
      if (p.ok()) paths = *p;
    } else {
      Classification c = Classify(req, {.direction = Direction::kServerToClient, .models = &dm_->models()});
      if (c.operation) paths.push_back(c.operation->path);
    }
    auto attrs = ParseNotificationAttributes(req.UriQueries()).attributes;
    ContentFormat fmt = resp.GetContentFormat().value_or(ContentFormat::kSenmlCbor);
    std::shared_ptr<coap::Observation> obs = paths.empty() ? nullptr : r.AcceptObserve();
    if (obs) {
      Status st = dm_->observations().Start(key, paths, attrs, fmt, Now());
      if (st.ok()) {
        conn->observations[key.token_hex] = obs;
        std::weak_ptr<bool> alive = alive_;
        obs->SetOnCancel([this, alive, key](const std::string& why) {
          auto a = alive.lock();
          if (!a || !*a) return;
          dm_->observations().Cancel(key);
          if (Conn* c = FindConn(key.ssid)) c->observations.erase(key.token_hex);
          Log("observation " + key.token_hex + " cancelled: " + why, key.ssid);
        });
      } else {
        obs->Cancel();
        resp = CoapMessage();
        resp.code = static_cast<uint8_t>(st.code());
        resp.payload.assign(st.message().begin(), st.message().end());
      }
    }
  }
  r.Respond(resp);
  answered(resp);
}

void Lwm2mClient::OnChange(const Path& path, const Requester& who) {
  if (provisioning_ || who.kind == Requester::Kind::kBootstrapServer) return;
  auto oid = path.object_id();
  if (!oid) return;
  if (*oid == 1 && path.level() >= Path::Level::kResource) {
    auto ssid = SsidOfServerInstance(*path.object_instance_id());
    Conn* c = ssid ? FindConn(*ssid) : nullptr;
    if (!c || c->location.empty()) return;
    uint16_t rid = *path.resource_id();
    if (rid == 1 && !options_.config.HasFault("no-update-on-lifetime-change")) {
      // Core TS 1.2 §6.2.2: a changed Lifetime is reported with Update.
      c->update_pending = true;
      c->update_lifetime = true;
    } else if (rid == 7) {
      if (options_.config.HasFault("binding-change-drops-registration")) {
        c->drop_pending = true;  // after the Write is answered
        return;
      }
      // TRAN-BIND-007/008/009: the new binding applies to future connections; the registration and
      // the current session stay; the server learns it with Update.
      c->update_pending = true;
      c->update_binding = true;
    }
    return;
  }
  if (path.level() == Path::Level::kObjectInstance && *oid != 0 && *oid != 21 && *oid != 23) {
    // An instance created or deleted: the object list changed (Core TS 1.2 §6.2.2 Update with links).
    for (auto& [ssid, c] : conns_) {
      if (c->location.empty()) continue;
      c->update_pending = true;
      c->update_links = true;
    }
  }
}

// ---------------------------------------------------------------- loop

void Lwm2mClient::Tick() {
  if (!started_) return;
  Clock::time_point now = Now();
  if (reboot_pending_) {
    reboot_pending_ = false;
    Reboot();
    return;
  }
  if (bootstrap_pending_) {
    bootstrap_pending_ = false;
    StartBootstrap(Scaled(0));
  }
  if (!disable_pending_.empty()) {
    auto ids = disable_pending_;
    disable_pending_.clear();
    for (uint16_t s : ids)
      if (Conn* c = FindConn(s)) SendDeregister(*c, true);
  }
  TickBootstrap(now);
  std::vector<uint16_t> ids;
  for (auto& [ssid, c] : conns_) ids.push_back(ssid);
  for (uint16_t s : ids)
    if (Conn* c = FindConn(s)) TickConn(*c, now);
  TickObservations(now);
}

void Lwm2mClient::TickConn(Conn& c, Clock::time_point now) {
  if (c.in_flight) return;
  if (c.drop_pending) {
    c.drop_pending = false;
    if (c.session) c.session->Close();
    c.session.reset();
    c.location.clear();
    c.versions.clear();
    c.next = now;
    c.scheduled = true;
    SetState(c, RegistrationState::kWaiting, "fault: binding change drops the registration");
    return;
  }
  if (c.scheduled && now >= c.next) {
    c.scheduled = false;
    if (c.state == RegistrationState::kDisabled) c.versions.clear();
    SendRegister(c);
    return;
  }
  if (c.location.empty() || c.state != RegistrationState::kRegistered) return;
  if (c.update_pending || (c.update_scheduled && now >= c.update_at)) {
    bool links = c.update_links, lt = c.update_lifetime, b = c.update_binding;
    c.update_pending = c.update_links = c.update_lifetime = c.update_binding = false;
    SendUpdate(c, links, lt, b);
    return;
  }
  if (options_.config.queue_mode) {
    if (!c.asleep && now >= c.awake_until) {
      c.asleep = true;
      GoOffline(c, true);
      Log("queue mode: sleeping", c.ssid);
    } else if (c.asleep) {
      auto stored = dm_->observations().TakeStored(c.ssid);
      if (!stored.empty()) {
        // Core TS 1.2 §6.5: a sleeping client wakes up with an Update, then sends what it stored.
        c.held.insert(c.held.end(), stored.begin(), stored.end());
        SendUpdate(c, false, false, false);
      }
    }
  }
}

void Lwm2mClient::TickObservations(Clock::time_point now) {
  for (auto& n : dm_->observations().Poll(now)) {
    Conn* c = FindConn(n.key.ssid);
    if (!c) continue;
    auto it = c->observations.find(n.key.token_hex);
    if (it == c->observations.end() || !it->second->active()) {
      dm_->observations().Cancel(n.key);
      if (it != c->observations.end()) c->observations.erase(it);
      continue;
    }
    Status s = it->second->Notify(n.payload_message, n.confirmable ? CoapType::kConfirmable : CoapType::kNonConfirmable);
    ClientEvent e;
    e.kind = ClientEventKind::kNotification;
    e.ssid = c->ssid;
    e.message = n.payload_message;
    e.detail = s.ok() ? (n.confirmable ? "CON" : "NON") : s.ToString();
    Emit(e);
    c->awake_until = now + options_.config.queue_awake;
  }
}

std::optional<Clock::time_point> Lwm2mClient::NextDeadline() const {
  std::optional<Clock::time_point> best;
  auto take = [&](Clock::time_point t) {
    if (!best || t < *best) best = t;
  };
  for (const auto& [ssid, c] : conns_) {
    if (c->scheduled) take(c->next);
    if (c->update_scheduled) take(c->update_at);
    if (options_.config.queue_mode && !c->asleep && c->state == RegistrationState::kRegistered) take(c->awake_until);
  }
  if (bs_.scheduled) take(bs_.next);
  if (bs_.state == BootstrapState::kRequested) take(bs_.deadline);
  if (dm_)
    if (auto t = const_cast<DataModel&>(*dm_).observations().NextDeadline()) take(*t);
  return best;
}

void Lwm2mClient::Poll(std::chrono::milliseconds timeout) {
  Tick();
  auto slice = std::min<std::chrono::milliseconds>(timeout, 20ms);
  ctx_->RunOnce(slice);
  Tick();
}

bool Lwm2mClient::RunUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto check = [&] {
    Tick();
    return pred();
  };
  while (true) {
    if (check()) return true;
    auto now = Clock::now();
    if (now >= deadline) return false;
    auto slice = std::min<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) + 1ms, 10ms);
    bool r = false;
    switch (peers_.size()) {
      case 0: r = coap::RunUntil({ctx_.get()}, check, slice); break;
      case 1: r = coap::RunUntil({ctx_.get(), peers_[0]}, check, slice); break;
      case 2: r = coap::RunUntil({ctx_.get(), peers_[0], peers_[1]}, check, slice); break;
      default: r = coap::RunUntil({ctx_.get(), peers_[0], peers_[1], peers_[2]}, check, slice); break;
    }
    if (r) return true;
  }
}

std::optional<ClientEvent> Lwm2mClient::WaitFor(const std::function<bool(const ClientEvent&)>& pred,
                                                std::chrono::milliseconds timeout) {
  std::optional<ClientEvent> found;
  auto scan = [&] {
    for (auto it = events_.begin(); it != events_.end(); ++it) {
      if (pred(*it)) {
        found = std::move(*it);
        events_.erase(it);
        return true;
      }
    }
    return false;
  };
  RunUntil(scan, timeout);
  return found;
}

std::vector<ClientEvent> Lwm2mClient::TakeEvents() {
  std::vector<ClientEvent> out(std::make_move_iterator(events_.begin()), std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

// ---------------------------------------------------------------- upper tester

Status Lwm2mClient::Register(std::optional<uint16_t> ssid) {
  if (!started_) return InternalError("not started");
  SyncConns();
  bool any = false;
  for (auto& [s, c] : conns_) {
    if (ssid && s != *ssid) continue;
    any = true;
    c->versions.clear();
    c->attempts = 0;
    c->next = Now();
    c->scheduled = true;
  }
  return any ? Status::Ok() : NotFound("no server account" + (ssid ? " with ssid " + std::to_string(*ssid) : ""));
}

Status Lwm2mClient::Update(std::optional<uint16_t> ssid) {
  bool any = false;
  for (auto& [s, c] : conns_) {
    if ((ssid && s != *ssid) || c->location.empty()) continue;
    any = true;
    c->update_pending = true;
    c->update_links = true;
  }
  return any ? Status::Ok() : NotFound("not registered");
}

Status Lwm2mClient::Deregister(std::optional<uint16_t> ssid) {
  bool any = false;
  for (auto& [s, c] : conns_) {
    if ((ssid && s != *ssid) || c->location.empty()) continue;
    any = true;
    SendDeregister(*c, false);
  }
  return any ? Status::Ok() : NotFound("not registered");
}

Status Lwm2mClient::Bootstrap() {
  if (!started_) return InternalError("not started");
  if (!BootstrapAccountInstance()) return NotFound("no Bootstrap-Server account");
  StartBootstrap(Scaled(0));
  return Status::Ok();
}

Status Lwm2mClient::Send(const std::vector<Path>& paths, std::optional<uint16_t> ssid) {
  Conn* c = nullptr;
  for (auto& [s, conn] : conns_)
    if ((!ssid || s == *ssid) && !conn->location.empty() && conn->session) {
      c = conn.get();
      break;
    }
  if (!c) return NotFound("not registered");
  if (Muted(c->ssid)) return Status(StatusCode::kForbidden, "Send is muted by /1/" + std::to_string(c->server_iid) + "/23");
  Content content;
  for (const Path& p : paths) {
    if (!dm_->Exists(p)) return NotFound(p.ToString() + " does not exist");
    Content part = dm_->Read(p);
    content.records.insert(content.records.end(), part.records.begin(), part.records.end());
  }
  auto bytes = FindCodec(ContentFormat::kSenmlCbor)->Encode(content, {.request_path = Path(), .models = &dm_->models()});
  if (!bytes.ok()) return bytes.status();
  CoapMessage m = Operation::Send(ContentFormat::kSenmlCbor, *bytes).ToCoap();
  uint16_t s = c->ssid;
  std::weak_ptr<bool> alive = alive_;
  auto r = c->session->Send(m, [this, alive, s, m](const coap::Reply& reply) {
    auto a = alive.lock();
    if (!a || !*a) return;
    ClientEvent e;
    e.kind = ClientEventKind::kSend;
    e.ssid = s;
    e.message = m;
    e.code = reply.ok() ? reply.response.code : 0;
    e.detail = reply.ok() ? "answered" : std::string(coap::OutcomeName(reply.outcome));
    Emit(e);
  });
  return r.ok() ? Status::Ok() : r.status();
}

Status Lwm2mClient::Reboot() {
  for (auto& [s, c] : conns_)
    if (c->session) c->session->Close();
  if (bs_.session) bs_.session->Close();
  // The stored configuration survives a reboot: keep the data model, drop the sessions.
  conns_.clear();
  bs_ = BootstrapRun{};
  *alive_ = false;
  alive_ = std::make_shared<bool>(true);
  InstallActions();
  Log("rebooted");
  if (!dm_->Instances(1).empty()) StartRound();
  else if (BootstrapAccountInstance()) StartBootstrap(Scaled(0));
  return Status::Ok();
}

Status Lwm2mClient::FactoryReset() {
  for (auto& [s, c] : conns_)
    if (c->session) c->session->Close();
  if (bs_.session) bs_.session->Close();
  Log("factory reset");
  return Start();
}

void Lwm2mClient::SetRegisterTo(std::optional<std::vector<uint16_t>> ssids) {
  register_to_ = std::move(ssids);
  // Deselected servers are de-registered; newly selected ones register.
  for (auto& [s, c] : conns_) {
    bool selected = !register_to_ || std::find(register_to_->begin(), register_to_->end(), s) != register_to_->end();
    if (!selected && !c->location.empty()) SendDeregister(*c, false);
    if (!selected) c->scheduled = false;
  }
  StartRound();
}

std::vector<ServerStatus> Lwm2mClient::Servers() const {
  std::vector<ServerStatus> out;
  for (const auto& [ssid, c] : conns_) {
    ServerStatus s;
    s.ssid = ssid;
    s.state = c->state;
    s.location = c->location;
    s.version = c->version;
    s.uri = c->choice.uri;
    s.rule = c->choice.rule;
    s.transport = c->choice.transport;
    s.lifetime = c->lifetime;
    s.binding = c->binding;
    s.queue_asleep = c->asleep;
    s.attempts = c->attempts;
    s.sequences = c->sequences;
    s.observations = c->observations.size();
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<ServerStatus> Lwm2mClient::Server(uint16_t ssid) const {
  for (auto& s : Servers())
    if (s.ssid == ssid) return s;
  return std::nullopt;
}

void Lwm2mClient::Stop(bool deregister, std::chrono::milliseconds timeout) {
  if (!started_) return;
  if (deregister) {
    for (auto& [s, c] : conns_)
      if (!c->location.empty() && c->session && !c->in_flight) SendDeregister(*c, false);
    RunUntil(
        [&] {
          for (auto& [s, c] : conns_)
            if (c->state == RegistrationState::kDeregistering) return false;
          return true;
        },
        timeout);
  }
  for (auto& [s, c] : conns_)
    if (c->session) c->session->Close();
  if (bs_.session) bs_.session->Close();
  started_ = false;
}

// ---------------------------------------------------------------- bootstrap

void Lwm2mClient::StartBootstrap(std::chrono::milliseconds extra) {
  auto bi = BootstrapAccountInstance();
  if (!bi) {
    Log("bootstrap requested but there is no Bootstrap-Server account");
    return;
  }
  // Client Hold Off Time /0/x/11 (Core TS 1.2 §6.1.4.x): wait before the Bootstrap-Request.
  auto hold = UintValue(dm_->GetValue(Path{0, *bi, 11})).value_or(0);
  if (bs_.session) bs_.session->Close();
  bs_.session.reset();
  bs_.state = BootstrapState::kHoldOff;
  bs_.next = Now() + Scaled(static_cast<double>(hold)) + extra;
  bs_.scheduled = true;
  bs_.fallback_tried = false;
  bs_finish_result_ = 0;
  ClientEvent e;
  e.kind = ClientEventKind::kBootstrap;
  e.bootstrap = true;
  e.bootstrap_state = bs_.state;
  e.detail = "Client Hold Off Time " + std::to_string(hold) + " s";
  Emit(e);
}

void Lwm2mClient::SaveBootstrapAccounts() {
  bs_.saved_bs_accounts.clear();
  for (uint16_t i : dm_->Instances(0))
    if (BoolValue(dm_->GetValue(Path{0, i, 1})).value_or(false)) bs_.saved_bs_accounts.push_back({i, dm_->Read(Path{0, i})});
}

// Bootstrap credential rotation (BS-001, research §2.13, [FL] BS-18): a Bootstrap-Server account
// written during a bootstrap that did not finish is undone; the old account stays.
void Lwm2mClient::RestoreBootstrapAccounts() {
  if (options_.config.HasFault("no-bootstrap-rollback")) return;
  provisioning_ = true;
  for (uint16_t i : dm_->Instances(0))
    if (BoolValue(dm_->GetValue(Path{0, i, 1})).value_or(false)) dm_->DeleteInstance(Path{0, i});
  for (const auto& [iid, content] : bs_.saved_bs_accounts) {
    dm_->CreateInstance(0, iid, ProvisioningSource::kBootstrapServer);
    for (const Record& r : content.records) {
      if (r.value.is_none()) continue;
      if (r.path.level() == Path::Level::kResourceInstance) {
        auto base = r.path.Truncated(3);
        std::map<uint16_t, Value> m;
        for (const Record& q : content.records)
          if (base.IsPrefixOf(q.path) && q.path.level() == Path::Level::kResourceInstance) m[*q.path.resource_instance_id()] = q.value;
        dm_->SetMulti(base, m);
      } else {
        dm_->SetValue(r.path, r.value, ProvisioningSource::kBootstrapServer);
      }
    }
  }
  provisioning_ = false;
}

void Lwm2mClient::TickBootstrap(Clock::time_point now) {
  if (bs_finish_result_) {
    int result = bs_finish_result_;
    bs_finish_result_ = 0;
    BootstrapDone(result == 1, bs_finish_detail_);
    return;
  }
  if (bs_.scheduled && now >= bs_.next) {
    bs_.scheduled = false;
    SaveBootstrapAccounts();
    auto bi = BootstrapAccountInstance();
    auto uri = bi ? StringValue(dm_->GetValue(Path{0, *bi, 0})) : std::nullopt;
    if (!uri) return BootstrapDone(false, "the Bootstrap-Server account has no URI");
    auto s = ctx_->Connect(*uri, SecurityOf(*bi), TimingFromConfig());
    if (!s.ok()) return BootstrapDone(false, "connect " + *uri + ": " + s.status().ToString());
    bs_.session = *s;
    if (options_.config.bootstrap_pack && options_.config.lwm2m_version == "1.2") SendBootstrapPack();
    else SendBootstrapRequest();
    return;
  }
  if (bs_.state == BootstrapState::kRequested && now >= bs_.deadline)
    BootstrapDone(false, "no Bootstrap-Finish within the bootstrap timeout");
}

void Lwm2mClient::SendBootstrapPack() {
  // Bootstrap-Pack-Request (Core TS 1.2 §6.1.7.x; Transport TS 1.2 Table 6.4.2-1): GET /bspack?ep=.
  CoapMessage m = Operation::BootstrapPackRequest(options_.config.endpoint, ContentFormat::kSenmlCbor).ToCoap();
  bs_.state = BootstrapState::kPackRequested;
  ClientEvent e;
  e.kind = ClientEventKind::kBootstrap;
  e.bootstrap = true;
  e.bootstrap_state = bs_.state;
  e.message = m;
  Emit(e);
  std::weak_ptr<bool> alive = alive_;
  auto r = bs_.session->Send(m, [this, alive](const coap::Reply& reply) {
    auto a = alive.lock();
    if (!a || !*a || bs_.state != BootstrapState::kPackRequested) return;
    Status s = !reply.ok() ? Status(StatusCode::kInternalServerError, coap::OutcomeName(reply.outcome))
               : reply.response.code != CoapCode::kContent ? Status(StatusCode::kBadRequest, "Bootstrap-Pack-Request answered " + CoapCodeName(reply.response.code))
                                                           : ApplyPack(reply.response);
    if (s.ok()) return BootstrapDone(true, "Bootstrap-Pack applied");
    if (options_.config.HasFault("no-pack-fallback")) return BootstrapDone(false, "Bootstrap-Pack failed: " + s.message());
    // After a failed Pack-Request the client falls back to Bootstrap-Request ([FL] research §2.3).
    Log("Bootstrap-Pack failed (" + s.message() + "): falling back to Bootstrap-Request");
    RestoreBootstrapAccounts();
    SendBootstrapRequest();
  });
  if (!r.ok()) SendBootstrapRequest();
}

Status Lwm2mClient::ApplyPack(const CoapMessage& response) {
  auto fmt = response.GetContentFormat().value_or(ContentFormat::kSenmlCbor);
  const Codec* codec = FindCodec(fmt);
  if (!codec) return UnsupportedContentFormat("no codec for the pack's format");
  DecodeResult d = codec->Decode(response.payload, {.request_path = Path(), .models = &dm_->models()});
  if (d.HasErrors()) return BadRequest("the pack does not decode: " + (d.diagnostics.empty() ? "" : d.diagnostics[0].ToString()));
  // Each Object Instance of the pack becomes one Bootstrap-Write of that instance.
  std::map<Path, Content> by_instance;
  for (const Record& r : d.content.records) {
    if (r.path.level() < Path::Level::kObjectInstance) return BadRequest("pack record " + r.path.ToString() + " names no instance");
    by_instance[r.path.Truncated(2)].records.push_back(r);
  }
  if (by_instance.empty()) return BadRequest("the pack is empty");
  const Codec* senml = FindCodec(ContentFormat::kSenmlCbor);
  std::vector<Path> created;  // instances the pack added: removed again when it fails
  auto undo = [&](Status s) {
    for (const Path& p : created) dm_->DeleteInstance(p);
    return s;
  };
  for (const auto& [inst, content] : by_instance) {
    auto bytes = senml->Encode(content, {.request_path = inst, .models = &dm_->models()});
    if (!bytes.ok()) return undo(bytes.status());
    bool existed = dm_->Exists(inst);
    CoapMessage w = Operation::BootstrapWrite(inst, ContentFormat::kSenmlCbor, *bytes).ToCoap();
    CoapMessage resp = dm_->Handle(w, Requester::Bootstrap());
    if (!existed && dm_->Exists(inst)) created.push_back(inst);
    if (resp.code != CoapCode::kChanged)
      return undo(BadRequest("applying " + inst.ToString() + " answered " + CoapCodeName(resp.code)));
  }
  // Bootstrap-Pack has no Bootstrap-Finish: the same consistency check decides (Core TS 1.2 §6.1.7.7).
  Status s = dm_->CheckBootstrapConsistency();
  return s.ok() ? s : undo(s);
}

void Lwm2mClient::SendBootstrapRequest() {
  const ClientConfig& cfg = options_.config;
  std::optional<ContentFormat> pct;
  // pct (1.1+): the preferred content format for the Bootstrap-Writes (research §2.3).
  if (cfg.lwm2m_version != "1.0" && !cfg.HasFault("no-pct")) pct = ParseContentFormat(cfg.preferred_content_format);
  CoapMessage m = Operation::BootstrapRequest(cfg.endpoint, pct).ToCoap();
  bs_.state = BootstrapState::kRequested;
  bs_.deadline = Now() + cfg.bootstrap_timeout;
  ClientEvent e;
  e.kind = ClientEventKind::kBootstrap;
  e.bootstrap = true;
  e.bootstrap_state = bs_.state;
  e.message = m;
  Emit(e);
  std::weak_ptr<bool> alive = alive_;
  auto r = bs_.session->Send(m, [this, alive](const coap::Reply& reply) {
    auto a = alive.lock();
    if (!a || !*a || bs_.state != BootstrapState::kRequested) return;
    if (!reply.ok()) return BootstrapDone(false, std::string("Bootstrap-Request: ") + coap::OutcomeName(reply.outcome));
    if (reply.response.code != CoapCode::kChanged)
      return BootstrapDone(false, "Bootstrap-Request answered " + CoapCodeName(reply.response.code));
  });
  if (!r.ok()) BootstrapDone(false, "Bootstrap-Request not sent: " + r.status().ToString());
}

void Lwm2mClient::BootstrapDone(bool ok, std::string detail) {
  bs_.state = ok ? BootstrapState::kFinished : BootstrapState::kFailed;
  bs_.scheduled = false;
  if (!ok) RestoreBootstrapAccounts();
  if (ok) dm_->SetValue(Path{1, 0, 12}, Value::Time(std::chrono::duration_cast<std::chrono::seconds>(
                                               std::chrono::system_clock::now().time_since_epoch()).count()));
  ClientEvent e;
  e.kind = ClientEventKind::kBootstrap;
  e.bootstrap = true;
  e.bootstrap_state = bs_.state;
  e.detail = std::move(detail);
  Emit(e);
  if (!ok) return;
  // After Bootstrap-Finish: register with the (new) accounts; registrations that remain get an Update.
  SyncConns();
  for (auto& [s, c] : conns_) {
    if (!c->location.empty()) {
      c->update_pending = true;
      c->update_links = true;
      c->update_lifetime = true;
      c->update_binding = true;
    }
  }
  StartRound();
}

// ---------------------------------------------------------------- firmware pull

void Lwm2mClient::Fetch(const std::string& uri, std::function<void(Result<Bytes>)> done) {
  // Firmware/software pull (Core TS 1.2 Appendix E.6 Package URI): GET the URI over CoAP(S),
  // block-wise (RFC 7959) by the coap layer, and hand the bytes to the data model's state machine.
  ClientEvent e;
  e.kind = ClientEventKind::kDownload;
  e.detail = "downloading " + uri;
  Emit(e);
  std::weak_ptr<bool> alive = alive_;
  auto finish = [this, alive, done](Result<Bytes> r) {
    auto a = alive.lock();
    if (!a || !*a) return;
    ClientEvent d;
    d.kind = ClientEventKind::kDownload;
    d.detail = r.ok() ? "downloaded " + std::to_string(r->size()) + " bytes" : "download failed: " + r.status().ToString();
    Emit(d);
    done(std::move(r));
  };
  auto row = RowForUri(uri);
  if (!row || !row->first->available) return finish(Status(StatusCode::kBadRequest, "unsupported URI scheme: " + uri));
  std::string after = uri.substr(uri.find("://") + 3);
  size_t slash = after.find('/');
  std::string resource = slash == std::string::npos ? "/" : after.substr(slash);
  std::string base = uri.substr(0, uri.find("://") + 3) + after.substr(0, slash);
  coap::Security sec;
  if (row->second)
    for (uint16_t i : dm_->Instances(0))
      if (UintValue(dm_->GetValue(Path{0, i, 2})) == 0u) {
        sec = SecurityOf(i);
        break;
      }
  auto s = ctx_->Connect(base, sec, TimingFromConfig());
  if (!s.ok()) return finish(Status(StatusCode::kBadRequest, "connect " + base + ": " + s.status().message()));
  download_session_ = *s;
  CoapMessage get = CoapMessage::Request(CoapCode::kGet, resource);
  auto r = download_session_->Send(get, [finish](const coap::Reply& reply) {
    if (!reply.ok()) return finish(Status(StatusCode::kInternalServerError, coap::OutcomeName(reply.outcome)));
    if (reply.response.code != CoapCode::kContent)
      return finish(Status(StatusCode::kNotFound, "GET answered " + CoapCodeName(reply.response.code)));
    finish(reply.response.payload);
  });
  if (!r.ok()) finish(r.status());
}

}  // namespace lwm2m::refclient
