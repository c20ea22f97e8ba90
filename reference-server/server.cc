// server.cc: the reference LwM2M Server (see server.h).
#include "reference-server/server.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <tuple>

#include "lwm2m/codec/codec.h"
#include "lwm2m/codec/link_format.h"

namespace lwm2m::refserver {

namespace {

std::string Text(const Bytes& b) { return std::string(b.begin(), b.end()); }

// pid = profileID / DQUOTE profileID *("," profileID) DQUOTE (Core TS 1.2 §6.2.1); the operation
// classifier has already checked the syntax.
std::vector<std::string> SplitProfileIds(std::string_view pid) {
  if (pid.size() >= 2 && pid.front() == '"' && pid.back() == '"') pid = pid.substr(1, pid.size() - 2);
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= pid.size()) {
    size_t comma = pid.find(',', start);
    if (comma == std::string_view::npos) comma = pid.size();
    if (comma > start) out.emplace_back(pid.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool IsSupportedVersion(const std::vector<std::string>& supported, const std::string& v) {
  for (const auto& s : supported)
    if (CompareVersions(s, v) == 0) return true;
  return false;
}

Status TransportFailure(const coap::Reply& r) {
  return Status(StatusCode::kInternalServerError,
                std::string("no response: ") + coap::OutcomeName(r.outcome) + (r.detail.empty() ? "" : ": " + r.detail));
}

// RFC 7641 §4.4: V2 is fresher than V1 (24-bit sequence numbers). The 128 s clause is not applied.
bool Fresher(uint32_t v1, uint32_t v2) {
  constexpr uint32_t k23 = 1u << 23;
  return (v1 < v2 && v2 - v1 < k23) || (v1 > v2 && v1 - v2 > k23);
}

}  // namespace

std::string ImpliedObjectVersion(std::string_view v, uint16_t oid) {
  if (CompareVersions(v, "1.1") == 0) {
    switch (oid) {
      case 0: case 1: case 3: return "1.1";
      case 4: return "1.2";
      default: return "1.0";
    }
  }
  if (CompareVersions(v, "1.2") >= 0) {
    switch (oid) {
      case 0: case 1: case 3: return "1.2";
      case 2: case 5: return "1.1";
      case 4: return "1.3";
      case 21: return "2.0";
      default: return "1.0";
    }
  }
  return "1.0";
}

std::optional<Clock::time_point> Registration::ExpiresAt() const {
  if (!lifetime_s) return std::nullopt;
  return last_update + std::chrono::seconds(*lifetime_s);
}

const RegisteredObjectInfo* Registration::FindObject(uint16_t id) const {
  for (const auto& o : objects)
    if (o.id == id) return &o;
  return nullptr;
}

std::string_view ServerEventKindName(ServerEventKind k) {
  switch (k) {
    case ServerEventKind::kRegistered: return "registered";
    case ServerEventKind::kUpdated: return "updated";
    case ServerEventKind::kDeregistered: return "deregistered";
    case ServerEventKind::kExpired: return "expired";
    case ServerEventKind::kNotification: return "notification";
    case ServerEventKind::kSend: return "send";
    case ServerEventKind::kRequest: return "request";
  }
  return "?";
}

std::string ServerEvent::Summary() const {
  std::string s(ServerEventKindName(kind));
  if (!endpoint.empty()) s += " ep=" + endpoint;
  if (!location.empty()) s += " location=" + location;
  switch (kind) {
    case ServerEventKind::kRequest:
      s += " from " + remote.ToString() + " " + message.Summary();
      if (classification && classification->operation)
        s += " op=" + std::string(OperationName(classification->operation->kind));
      s += answered ? " answered " + CoapCodeName(answered) : " answered-by-hook";
      break;
    case ServerEventKind::kRegistered:
    case ServerEventKind::kUpdated:
      if (registration) {
        s += " lwm2m=" + registration->version + " b=" + registration->binding;
        s += " lt=" + (registration->lifetime_s ? std::to_string(*registration->lifetime_s) : std::string("inf"));
        if (registration->queue_mode) s += " Q";
        s += " objects=" + std::to_string(registration->objects.size());
      }
      break;
    case ServerEventKind::kNotification:
      s += " path=" + path.ToString() + " token=" + HexEncode(token);
      if (observe) s += " seq=" + std::to_string(*observe);
      s += confirmable ? " CON" : " NON";
      if (out_of_order) s += " out-of-order";
      s += " records=" + std::to_string(content.records.size());
      break;
    case ServerEventKind::kSend: s += " records=" + std::to_string(content.records.size()); break;
    default: break;
  }
  if (!diagnostics.empty()) s += " diagnostics=" + std::to_string(diagnostics.size());
  return s;
}

struct Lwm2mServer::Pending {
  std::string endpoint;
  std::string version;
  Operation op;
  CoapMessage msg;
  RequestOptions opts;
  OperationCallback cb;
  Clock::time_point deadline;  // real steady time
  bool done = false;
  bool observe = false;
  Bytes token;
};

struct Lwm2mServer::ObservationRec {
  std::string endpoint;
  std::string version;
  Operation op;
  std::shared_ptr<coap::Session> session;
  std::optional<uint32_t> last;
  std::shared_ptr<Pending> first;    // the Observe request, completed by the first response
  std::shared_ptr<Pending> cancel;   // a Cancel by GET/FETCH waiting for its response
};

Result<std::string> ReadPemFile(const std::string& path, std::string_view kind) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return BadRequest(path + ": cannot open the file");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > (1u << 20)) return BadRequest(path + ": larger than 1 MiB, not a PEM file");
  bool found = false;
  for (size_t at = text.find("-----BEGIN "); at != std::string::npos && !found; at = text.find("-----BEGIN ", at + 1)) {
    size_t end = text.find("-----", at + 11);
    if (end != std::string::npos && text.substr(at + 11, end - at - 11).find(kind) != std::string::npos) found = true;
  }
  if (!found) return BadRequest(path + ": no PEM \"" + std::string(kind) + "\" block");
  return text;
}

std::string PeerIdentity(const coap::Peer& peer) {
  if (peer.security == coap::SecurityMode::kPsk) return peer.psk_identity;
  if (peer.security == coap::SecurityMode::kCertificate) return peer.peer_common_name;
  return "";
}

Lwm2mServer::Lwm2mServer(ServerConfig config) : config_(std::move(config)) {
  coap::ContextOptions co;
  auto psk = [keys = config_.psk_keys](std::string_view id) -> std::optional<Bytes> {
    auto it = keys.find(std::string(id));
    if (it == keys.end()) return std::nullopt;
    return it->second;
  };
  for (auto [file, pem, kind] : {std::tuple{&config_.certificate_file, &config_.certificate_pem, "CERTIFICATE"},
                                 std::tuple{&config_.private_key_file, &config_.private_key_pem, "PRIVATE KEY"},
                                 std::tuple{&config_.ca_file, &config_.ca_pem, "CERTIFICATE"}}) {
    if (file->empty()) continue;
    auto text = ReadPemFile(*file, kind);
    if (!text.ok()) {
      if (setup_error_.ok()) setup_error_ = text.status();
      continue;
    }
    *pem = std::move(*text);
  }
  if (!config_.certificate_pem.empty()) {
    co.server_security = coap::Security::Certificate(config_.certificate_pem, config_.private_key_pem, config_.ca_pem);
    if (!config_.psk_keys.empty()) co.server_security.psk_lookup = psk;
  } else if (!config_.psk_keys.empty()) {
    co.server_security = coap::Security::PskServer(psk);
  }
  ctx_ = std::make_unique<coap::Context>(co);
  ctx_->SetRequestHandler(
      [this](const coap::Peer& p, const CoapMessage& m, coap::Responder& r) { OnRequest(p, m, r); });
  std::random_device rd;
  location_salt_ = rd() & 0xFFFF;
}

Lwm2mServer::~Lwm2mServer() {
  for (auto& p : in_flight_) p->done = true;  // no callback runs during teardown
  observations_.clear();
  endpoints_.clear();
  ctx_.reset();
}

Status Lwm2mServer::Start() {
  struct Want {
    bool on;
    coap::Transport t;
    uint16_t port;
  };
  for (const Want& w : {Want{config_.udp, coap::Transport::kUdp, config_.udp_port},
                        Want{config_.dtls, coap::Transport::kDtls, config_.dtls_port},
                        Want{config_.tcp, coap::Transport::kTcp, config_.tcp_port},
                        Want{config_.tls, coap::Transport::kTls, config_.tls_port}}) {
    if (!w.on) continue;
    if (!setup_error_.ok()) return setup_error_;
    const bool certs = !config_.certificate_pem.empty();
    if (coap::IsSecure(w.t) && config_.psk_keys.empty() && !certs)
      return BadRequest(std::string(coap::TransportName(w.t)) + " endpoint needs a PSK identity or a certificate");
    if (coap::IsSecure(w.t) && certs && (config_.private_key_pem.empty() || config_.ca_pem.empty()))
      return BadRequest("certificate mode needs the server's private key and the CA that client certificates chain to");
    auto ep = ctx_->Listen({.transport = w.t, .ip = config_.ip, .port = w.port, .timing = config_.timing});
    if (!ep.ok()) return ep.status();
    endpoints_.push_back(*ep);
  }
  return Status::Ok();
}

std::optional<coap::Address> Lwm2mServer::address(coap::Transport t) const {
  for (const auto& e : endpoints_)
    if (e->transport() == t) return e->address();
  return std::nullopt;
}

const ModelRegistry* Lwm2mServer::models() const {
  return config_.models ? config_.models : &ModelRegistry::Builtin();
}

// ---------------------------------------------------------------- loop and events

void Lwm2mServer::Poll(std::chrono::milliseconds timeout) {
  Tick();
  ctx_->RunOnce(timeout);
  Tick();
}

bool Lwm2mServer::RunUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto check = [&] {
    Tick(/*full=*/false);
    return pred();
  };
  while (true) {
    if (check()) return true;
    auto now = Clock::now();
    if (now >= deadline) return false;
    // Short slices so that lifetimes and request deadlines are checked even when nothing arrives.
    auto slice = std::min<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) + std::chrono::milliseconds(1),
        std::chrono::milliseconds(20));
    bool r = false;
    switch (peers_.size()) {
      case 0: r = coap::RunUntil({ctx_.get()}, check, slice); break;
      case 1: r = coap::RunUntil({ctx_.get(), peers_[0]}, check, slice); break;
      case 2: r = coap::RunUntil({ctx_.get(), peers_[0], peers_[1]}, check, slice); break;
      default:
        r = coap::RunUntil({ctx_.get(), peers_[0], peers_[1], peers_[2]}, check, slice);
        break;
    }
    if (r) return true;
  }
}

std::optional<ServerEvent> Lwm2mServer::WaitFor(const std::function<bool(const ServerEvent&)>& pred,
                                                std::chrono::milliseconds timeout) {
  std::optional<ServerEvent> found;
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

std::vector<ServerEvent> Lwm2mServer::TakeEvents() {
  std::vector<ServerEvent> out(std::make_move_iterator(events_.begin()), std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

void Lwm2mServer::Emit(ServerEvent e) {
  if (e.time == Clock::time_point{}) e.time = Now();
  if (buffer_) {
    buffer_->push_back(std::move(e));
    return;
  }
  if (on_event_) on_event_(e);
  events_.push_back(std::move(e));
}

void Lwm2mServer::Tick(bool full) {
  auto now = Now();
  // Lifetimes are whole seconds: between explicit ticks, scanning every registration once per
  // 100 ms of server time is exact enough and keeps a loop step O(1) in the number of clients
  // (bench/registration_bench showed the scan dominating at 10000 clients).
  if (full || now - last_expiry_scan_ >= std::chrono::milliseconds(100)) {
    last_expiry_scan_ = now;
    std::vector<std::string> expired;
    for (const auto& [ep, reg] : registrations_) {
      // Core TS 1.2 §6.2.1: the registration ends when its lifetime passes without an Update.
      auto at = reg.ExpiresAt();
      if (at && *at <= now) expired.push_back(ep);
    }
    for (const auto& ep : expired) RemoveRegistration(ep, ServerEventKind::kExpired);
  }

  auto real = Clock::now();
  std::vector<std::shared_ptr<Pending>> late;
  for (const auto& p : in_flight_)
    if (!p->done && real >= p->deadline) late.push_back(p);
  for (const auto& p : late)
    Complete(p, Status(StatusCode::kInternalServerError,
                       "no response to " + p->op.Summary() + " from " + p->endpoint + " within " +
                           std::to_string(p->opts.timeout.count()) + " ms"));
  std::erase_if(in_flight_, [](const auto& p) { return p->done; });
  for (auto& [ep, q] : queued_) std::erase_if(q, [](const auto& p) { return p->done; });

  // Queued requests go out after the Register/Update response (Core TS 1.2 §6.5).
  auto flush = std::move(flush_pending_);
  flush_pending_.clear();
  for (const auto& ep : flush)
    if (Registration* reg = FindRegistration(ep)) FlushQueue(*reg);
}

bool Lwm2mServer::Awake(const Registration& r) const {
  if (!r.queue_mode) return true;
  return Now() < r.last_seen + config_.queue_awake_window;
}

// ---------------------------------------------------------------- registry

const Registration* Lwm2mServer::FindByEndpoint(const std::string& endpoint) const {
  auto it = registrations_.find(endpoint);
  return it == registrations_.end() ? nullptr : &it->second;
}

Registration* Lwm2mServer::FindRegistration(const std::string& endpoint) {
  auto it = registrations_.find(endpoint);
  return it == registrations_.end() ? nullptr : &it->second;
}

std::vector<Registration> Lwm2mServer::Registrations() const {
  std::vector<Registration> out;
  for (const auto& [ep, r] : registrations_) out.push_back(r);
  return out;
}

Registration* Lwm2mServer::FindByLocation(const std::string& location) {
  for (auto& [ep, r] : registrations_)
    if (r.location == location) return &r;
  return nullptr;
}

Registration* Lwm2mServer::FindByPeer(const coap::Peer& peer) {
  for (auto& [ep, r] : registrations_)
    if (r.remote == peer.remote && r.transport == peer.transport) return &r;
  return nullptr;
}

void Lwm2mServer::RemoveRegistration(const std::string& endpoint, ServerEventKind why) {
  auto it = registrations_.find(endpoint);
  if (it == registrations_.end()) return;
  ServerEvent e;
  e.kind = why;
  e.endpoint = endpoint;
  e.location = it->second.location;
  e.remote = it->second.remote;
  e.transport = it->second.transport;
  auto q = std::move(queued_[endpoint]);
  queued_.erase(endpoint);
  for (auto& p : q) Complete(p, NotFound("the registration of " + endpoint + " ended before the request was sent"));
  std::erase_if(observations_, [&](const auto& kv) { return kv.second->endpoint == endpoint; });
  registrations_.erase(it);
  Emit(std::move(e));
}

// ---------------------------------------------------------------- incoming requests

void Lwm2mServer::OnRequest(const coap::Peer& peer, const CoapMessage& req, coap::Responder& r) {
  ClassifyOptions co;
  co.direction = Direction::kClientToServer;
  co.authenticated_identity = peer.security != coap::SecurityMode::kNoSec;
  co.models = models();
  Classification c = Classify(req, co);

  ServerEvent ev;
  ev.kind = ServerEventKind::kRequest;
  ev.message = req;
  ev.remote = peer.remote;
  ev.transport = peer.transport;
  ev.psk_identity = peer.psk_identity;
  if (Registration* reg = FindByPeer(peer)) {
    // Any message from a queue-mode client shows it is awake (Core TS 1.2 §6.5).
    ev.endpoint = reg->endpoint;
    reg->last_seen = Now();
    if (!queued_[reg->endpoint].empty()) flush_pending_.insert(reg->endpoint);
  }

  if (hook_ && hook_(peer, req, c, r)) {
    ev.classification = std::move(c);
    Emit(std::move(ev));
    return;
  }

  std::vector<ServerEvent> later;
  buffer_ = &later;
  CoapMessage resp;
  std::string endpoint;
  uint8_t code = CoapCode::kNotFound;
  if (!c.operation || !c.ok()) {
    // No operation at all (a path no client request uses) is 4.04; a broken one gets the code
    // of the first rule it breaks (Classify follows Transport TS 1.2 Tables 6.4.3-1, 6.4.5-1).
    code = c.ok() ? CoapCode::kNotFound : static_cast<uint8_t>(c.status.code());
    resp.payload = Bytes(c.status.message().begin(), c.status.message().end());  // RFC 7252 §5.5.2
  } else {
    switch (c.operation->kind) {
      case OperationKind::kRegister: code = HandleRegister(peer, req, c, resp, endpoint); break;
      case OperationKind::kUpdate: code = HandleUpdate(peer, req, c, endpoint); break;
      case OperationKind::kDeregister: code = HandleDeregister(req, endpoint); break;
      case OperationKind::kSend: code = HandleSend(peer, req, c, endpoint); break;
      default: code = CoapCode::kNotFound; break;  // Bootstrap-Request and the like: no such resource here
    }
  }
  buffer_ = nullptr;
  resp.code = code;
  if (code >= 0x80 && resp.payload.empty() && !c.ok())
    resp.payload = Bytes(c.status.message().begin(), c.status.message().end());
  r.Respond(resp);
  ev.answered = code;
  if (!endpoint.empty()) ev.endpoint = endpoint;
  ev.classification = std::move(c);
  Emit(std::move(ev));
  for (auto& e : later) Emit(std::move(e));
}

uint8_t Lwm2mServer::HandleRegister(const coap::Peer& peer, const CoapMessage& /*req*/, const Classification& c,
                                    CoapMessage& resp, std::string& endpoint) {
  const Operation& op = *c.operation;
  const RegistrationParams& rp = op.registration;
  auto fail = [&](uint8_t code, std::string why) {
    resp.payload = Bytes(why.begin(), why.end());
    return code;
  };
  const bool secured = peer.security != coap::SecurityMode::kNoSec;
  if (!secured && !config_.allow_nosec) return fail(CoapCode::kForbidden, "NoSec registration not allowed");
  if (rp.endpoint) {
    // The Endpoint Client Name must be the identity the security layer authenticated
    // (Transport TS 1.2 Table 6.4.3-1: 4.00 "Endpoint Client Name does not match ... credentials").
    if (peer.security == coap::SecurityMode::kPsk && *rp.endpoint != peer.psk_identity)
      return fail(CoapCode::kBadRequest,
                  "ep=" + *rp.endpoint + " differs from the PSK identity " + peer.psk_identity);
    // Certificate mode: the identity is the certificate's subject CN (same table; research §2.12).
    if (peer.security == coap::SecurityMode::kCertificate && *rp.endpoint != peer.peer_common_name)
      return fail(CoapCode::kBadRequest, "ep=" + *rp.endpoint + " differs from the client certificate's CN '" +
                                             peer.peer_common_name + "'");
    endpoint = *rp.endpoint;
  } else {
    // Core TS 1.2 §6.2.1: ep may be omitted when the (D)TLS identity names the client.
    endpoint = PeerIdentity(peer);
  }
  if (endpoint.empty()) return fail(CoapCode::kBadRequest, "no endpoint client name");
  if (config_.allow_endpoint && !config_.allow_endpoint(endpoint))
    return fail(CoapCode::kForbidden, "endpoint " + endpoint + " is not allowed");
  // Core TS 1.2 §6.2.1: no lwm2m parameter means LwM2M 1.0; an unsupported version is refused,
  // with 4.12 per Transport TS 1.2 Table 6.4.3-1.
  std::string version = rp.lwm2m_version.value_or("1.0");
  if (!IsSupportedVersion(config_.supported_versions, version))
    return fail(CoapCode::kPreconditionFailed, "LwM2M version " + version + " is not supported");

  Registration reg;
  reg.diagnostics = c.diagnostics;
  std::vector<Link> links;
  if (!op.payload.empty()) {
    LinkParseResult lp = ParseLinkFormat(Text(op.payload));
    if (lp.HasErrors()) {
      std::string first;
      for (const auto& d : lp.diagnostics)
        if (d.severity == Severity::kError) {
          first = d.ToString();
          break;
        }
      return fail(CoapCode::kBadRequest, "object list: " + first);
    }
    auto checks = CheckRegisterPayload(lp.links, version);
    for (const auto& d : checks)
      if (d.severity == Severity::kError) return fail(CoapCode::kBadRequest, "object list: " + d.ToString());
    reg.diagnostics.insert(reg.diagnostics.end(), lp.diagnostics.begin(), lp.diagnostics.end());
    reg.diagnostics.insert(reg.diagnostics.end(), checks.begin(), checks.end());
    links = std::move(lp.links);
  }

  // Profile ID (Core TS 1.2 §6.2.1; ETS 1.2-int-110/111): each profile stands for an object list the
  // server knows; the explicit list (if any) is merged over it. An unknown profile: 4.09 Conflict.
  if (rp.profile_id) {
    std::vector<Link> merged;
    for (const std::string& id : SplitProfileIds(*rp.profile_id)) {
      auto it = config_.profiles.find(id);
      if (it == config_.profiles.end())
        return fail(CoapCode::kConflict, "Profile ID " + id + " is not known to this server");
      LinkParseResult lp = ParseLinkFormat(it->second);
      for (auto& l : lp.links) merged.push_back(std::move(l));
    }
    for (auto& l : links) {
      auto same = std::find_if(merged.begin(), merged.end(), [&](const Link& m) { return m.target == l.target; });
      if (same != merged.end()) *same = l;
      else merged.push_back(l);
    }
    links = std::move(merged);
  }

  reg.endpoint = endpoint;
  reg.version = version;
  if (!rp.lifetime) {
    reg.lifetime_s = config_.default_lifetime_s;  // Core TS 1.2 Table 6.2.1-1: default 86400
  } else if (*rp.lifetime == 0) {
    // /1/x/1 Lifetime v1.2 (OMA-SUP-XML_1-V1_2, lwm2m/model/ddf/1-1.2.xml): "0 means infinite".
    reg.lifetime_s.reset();
    if (CompareVersions(version, "1.2") < 0)
      reg.diagnostics.push_back({Severity::kWarning, std::nullopt, "", "lt=0 from a " + version +
                                 " client: only LwM2M 1.2 defines 0 as an infinite lifetime; taken as infinite",
                                 "OMA-SUP-XML_1-V1_2 resource 1"});
  } else {
    reg.lifetime_s = *rp.lifetime;
  }
  reg.binding = rp.binding.value_or("U");
  // 1.0 spells queue mode as a binding letter ("UQ"); 1.1+ as the Q parameter (Core TS 1.1 §6.2.1).
  reg.queue_mode = rp.queue_mode || (CompareVersions(version, "1.1") < 0 && reg.binding.find('Q') != std::string::npos);
  reg.sms = rp.sms;
  reg.profile_id = rp.profile_id;
  reg.links = links;
  RegisterPayload payload = ExtractRegisterPayload(links);
  reg.alternate_path = payload.alternate_path;
  reg.content_formats = payload.content_formats;
  for (const auto& o : payload.objects) {
    RegisteredObjectInfo info{o.id, o.version.value_or(ImpliedObjectVersion(version, o.id)), o.version.has_value(),
                              o.instances};
    reg.objects.push_back(std::move(info));
  }
  reg.session = peer.session;
  reg.transport = peer.transport;
  reg.remote = peer.remote;
  reg.psk_identity = peer.psk_identity;
  reg.certificate_cn = peer.peer_common_name;
  reg.registered_at = reg.last_update = reg.last_seen = Now();

  bool replaced = false;
  if (registrations_.count(endpoint)) {
    // A Register from a registered endpoint replaces the old registration (Core TS 1.2 §6.2.1).
    replaced = true;
    auto q = std::move(queued_[endpoint]);
    queued_.erase(endpoint);
    for (auto& p : q) Complete(p, NotFound("the registration of " + endpoint + " was replaced"));
    std::erase_if(observations_, [&](const auto& kv) { return kv.second->endpoint == endpoint; });
    registrations_.erase(endpoint);
  }
  char id[16];
  std::snprintf(id, sizeof id, "%04x%04x", location_salt_ & 0xFFFF, next_location_++ & 0xFFFF);
  reg.location = std::string("/rd/") + id;
  resp.AddOption(CoapOption::kLocationPath, std::string_view("rd"));
  resp.AddOption(CoapOption::kLocationPath, std::string_view(id));

  ServerEvent e;
  e.kind = ServerEventKind::kRegistered;
  e.endpoint = endpoint;
  e.location = reg.location;
  e.replaced = replaced;
  e.remote = reg.remote;
  e.transport = reg.transport;
  e.psk_identity = reg.psk_identity;
  e.diagnostics = reg.diagnostics;
  e.registration = reg;
  registrations_[endpoint] = std::move(reg);
  Emit(std::move(e));
  return CoapCode::kCreated;
}

uint8_t Lwm2mServer::HandleUpdate(const coap::Peer& peer, const CoapMessage& /*req*/, const Classification& c,
                                  std::string& endpoint) {
  const Operation& op = *c.operation;
  Registration* reg = FindByLocation(op.location);
  if (!reg) return CoapCode::kNotFound;  // Transport TS 1.2 Table 6.4.3-1
  endpoint = reg->endpoint;
  std::vector<Diagnostic> diags = c.diagnostics;
  if (!op.payload.empty()) {
    LinkParseResult lp = ParseLinkFormat(Text(op.payload));
    auto checks = CheckRegisterPayload(lp.links, reg->version);
    if (lp.HasErrors() || HasErrors(checks)) return CoapCode::kBadRequest;
    RegisterPayload payload = ExtractRegisterPayload(lp.links);
    reg->links = lp.links;
    reg->alternate_path = payload.alternate_path;
    reg->content_formats = payload.content_formats;
    reg->objects.clear();
    for (const auto& o : payload.objects)
      reg->objects.push_back({o.id, o.version.value_or(ImpliedObjectVersion(reg->version, o.id)),
                              o.version.has_value(), o.instances});
    diags.insert(diags.end(), checks.begin(), checks.end());
  }
  const RegistrationParams& rp = op.registration;
  // Update carries only what changed (Core TS 1.2 §6.2.2); an absent Q keeps the mode.
  if (rp.lifetime) {
    if (*rp.lifetime == 0)
      reg->lifetime_s.reset();
    else
      reg->lifetime_s = *rp.lifetime;
  }
  if (rp.binding) reg->binding = *rp.binding;
  if (rp.queue_mode) reg->queue_mode = true;
  if (rp.sms) reg->sms = rp.sms;
  if (rp.profile_id) reg->profile_id = rp.profile_id;
  reg->session = peer.session;
  reg->remote = peer.remote;
  reg->transport = peer.transport;
  reg->last_update = reg->last_seen = Now();
  reg->diagnostics = diags;
  flush_pending_.insert(reg->endpoint);
  ServerEvent e;
  e.kind = ServerEventKind::kUpdated;
  e.endpoint = reg->endpoint;
  e.location = reg->location;
  e.remote = reg->remote;
  e.transport = reg->transport;
  e.diagnostics = diags;
  e.registration = *reg;
  Emit(std::move(e));
  return CoapCode::kChanged;
}

uint8_t Lwm2mServer::HandleDeregister(const CoapMessage& req, std::string& endpoint) {
  Registration* reg = FindByLocation(req.UriPath());
  if (!reg) return CoapCode::kNotFound;
  endpoint = reg->endpoint;
  RemoveRegistration(endpoint, ServerEventKind::kDeregistered);
  return CoapCode::kDeleted;
}

uint8_t Lwm2mServer::HandleSend(const coap::Peer& peer, const CoapMessage& req, const Classification& c,
                                std::string& endpoint) {
  Registration* reg = FindByPeer(peer);
  if (!reg) return CoapCode::kNotFound;  // Send from a client that is not registered (Transport TS 1.2 Table 6.4.5-1)
  endpoint = reg->endpoint;
  ServerEvent e;
  e.kind = ServerEventKind::kSend;
  e.endpoint = reg->endpoint;
  e.location = reg->location;
  e.remote = peer.remote;
  e.transport = peer.transport;
  e.confirmable = req.type == CoapType::kConfirmable;
  e.content_format = c.operation->content_format;
  e.diagnostics = c.diagnostics;
  if (e.content_format) {
    if (const Codec* codec = FindCodec(*e.content_format)) {
      DecodeResult d = codec->Decode(req.payload, {.request_path = Path(), .models = models(),
                                                   .lwm2m_version = reg->version});
      e.content = std::move(d.content);
      e.diagnostics.insert(e.diagnostics.end(), d.diagnostics.begin(), d.diagnostics.end());
    }
  }
  Emit(std::move(e));
  return CoapCode::kChanged;
}

// ---------------------------------------------------------------- outgoing requests

ContentFormat Lwm2mServer::DefaultFormat(const Registration& r) const {
  for (ContentFormat f : {ContentFormat::kSenmlCbor, ContentFormat::kLwm2mCbor, ContentFormat::kTlv,
                          ContentFormat::kSenmlJson})
    if (std::find(r.content_formats.begin(), r.content_formats.end(), static_cast<uint16_t>(f)) !=
        r.content_formats.end())
      return f;
  // Core TS 1.2 §7.4: 1.1+ clients support SenML CBOR; 1.0 clients TLV.
  return CompareVersions(r.version, "1.1") >= 0 ? ContentFormat::kSenmlCbor : ContentFormat::kTlv;
}

void Lwm2mServer::CallAsync(const std::string& endpoint, Operation op, const RequestOptions& o, OperationCallback cb) {
  Registration* reg = FindRegistration(endpoint);
  if (!reg) {
    cb(NotFound("no registration for endpoint " + endpoint));
    return;
  }
  auto p = std::make_shared<Pending>();
  p->endpoint = endpoint;
  p->version = reg->version;
  if (o.accept) op.accept = o.accept;
  p->op = std::move(op);
  // Transport TS 1.2 §6.4.1: DM and IR paths carry the alternate path.
  p->msg = p->op.ToCoap(reg->alternate_path);
  p->msg.type = o.type;
  p->opts = o;
  p->cb = std::move(cb);
  p->deadline = Clock::now() + o.timeout;
  p->observe = p->op.kind == OperationKind::kObserve || p->op.kind == OperationKind::kObserveComposite;
  in_flight_.push_back(p);
  if (!Awake(*reg)) {
    queued_[endpoint].push_back(p);  // Core TS 1.2 §6.5: held until the client's next message
    return;
  }
  Dispatch(p, *reg);
}

void Lwm2mServer::FlushQueue(Registration& reg) {
  auto q = std::move(queued_[reg.endpoint]);
  queued_[reg.endpoint].clear();
  for (auto& p : q)
    if (!p->done) Dispatch(p, reg);
}

void Lwm2mServer::Dispatch(const std::shared_ptr<Pending>& p, Registration& reg) {
  if (!reg.session) {
    Complete(p, InternalError("the registration of " + reg.endpoint + " has no session"));
    return;
  }
  if (p->observe) {
    auto rec = std::make_shared<ObservationRec>();
    rec->endpoint = reg.endpoint;
    rec->version = reg.version;
    rec->op = p->op;
    rec->session = reg.session;
    rec->first = p;
    auto token = reg.session->Observe(p->msg, [this, rec](const coap::Reply& r) { OnObservationReply(rec, r); });
    if (!token.ok()) {
      Complete(p, token.status());
      return;
    }
    p->token = *token;
    observations_[*token] = rec;
    return;
  }
  auto sent = reg.session->Send(p->msg, [this, p](const coap::Reply& r) {
    if (p->done) return;
    if (!r.ok()) {
      Complete(p, TransportFailure(r));
      return;
    }
    Complete(p, BuildResult(*p, r.response));
  });
  if (!sent.ok()) Complete(p, sent.status());
}

void Lwm2mServer::OnObservationReply(const std::shared_ptr<ObservationRec>& rec, const coap::Reply& r) {
  Bytes token = rec->first ? rec->first->token : Bytes{};
  if (rec->first && !rec->first->done) {
    if (!r.ok()) {
      Complete(rec->first, TransportFailure(r));
      observations_.erase(token);
      return;
    }
    OperationResult res = BuildResult(*rec->first, r.response);
    res.token = token;
    rec->last = r.response.Observe();
    if (!r.response.Observe()) observations_.erase(token);  // not accepted as an observation
    Complete(rec->first, res);
    return;
  }
  if (r.ok() && r.response.Observe() && r.response.code == CoapCode::kContent) {
    ServerEvent e;
    e.kind = ServerEventKind::kNotification;
    e.endpoint = rec->endpoint;
    if (const Registration* reg = FindByEndpoint(rec->endpoint)) e.location = reg->location;
    e.token = token;
    e.path = rec->op.path;
    e.observe = r.response.Observe();
    e.confirmable = r.response.type == CoapType::kConfirmable;
    if (rec->last && e.observe) e.out_of_order = !Fresher(*rec->last, *e.observe);
    if (e.observe && !e.out_of_order) rec->last = e.observe;
    OperationResult decoded = BuildResult(*rec->first, r.response);
    e.content_format = decoded.content_format;
    e.content = std::move(decoded.content);
    e.diagnostics = std::move(decoded.diagnostics);
    e.message = r.response;
    Emit(std::move(e));
    return;
  }
  // The observation ended: the response to a cancel, an error notification, or a failure.
  if (rec->cancel && !rec->cancel->done) {
    if (r.ok())
      Complete(rec->cancel, BuildResult(*rec->cancel, r.response));
    else
      Complete(rec->cancel, TransportFailure(r));
  }
  observations_.erase(token);
}

Result<OperationResult> Lwm2mServer::CancelObservation(const std::string& ep, const Bytes& token,
                                                       coap::Session::CancelBy how,
                                                       std::chrono::milliseconds timeout) {
  auto it = observations_.find(token);
  if (it == observations_.end() || it->second->endpoint != ep)
    return NotFound("no observation " + HexEncode(token) + " of " + ep);
  auto rec = it->second;
  auto p = std::make_shared<Pending>();
  p->endpoint = ep;
  p->version = rec->version;
  p->op = rec->op.kind == OperationKind::kObserveComposite
              ? Operation::CancelObserveComposite(rec->op.content_format.value_or(ContentFormat::kSenmlCbor),
                                                  rec->op.payload)
              : Operation::CancelObservation(rec->op.path);
  p->opts.timeout = timeout;
  p->deadline = Clock::now() + timeout;
  Status st = rec->session->CancelObserve(token, how);
  if (!st.ok()) return st;
  if (how == coap::Session::CancelBy::kReset) {
    OperationResult res;
    res.operation = p->op;
    res.token = token;
    return res;
  }
  std::optional<Result<OperationResult>> out;
  p->cb = [&out](const Result<OperationResult>& r) { out = r; };
  rec->cancel = p;
  in_flight_.push_back(p);
  RunUntil([&] { return out.has_value(); }, timeout + std::chrono::milliseconds(100));
  if (!out) {
    p->done = true;
    return Status(StatusCode::kInternalServerError, "no response to the cancellation");
  }
  return *out;
}

void Lwm2mServer::Complete(const std::shared_ptr<Pending>& p, const Result<OperationResult>& r) {
  if (p->done) return;
  p->done = true;
  if (p->cb) p->cb(r);
}

OperationResult Lwm2mServer::BuildResult(const Pending& p, const CoapMessage& resp) const {
  OperationResult res;
  res.operation = p.op;
  res.request = p.msg;
  res.response = resp;
  res.code = resp.code;
  ResponseClassification rc = ClassifyResponse(p.op, resp);
  res.kind = rc.kind;
  res.diagnostics = rc.diagnostics;
  res.created = rc.created;
  res.observe = rc.observe;
  res.content_format = resp.GetContentFormat();
  if (!resp.payload.empty() && resp.code >= 0x40 && resp.code < 0x60) {
    if (!res.content_format) {
      res.diagnostics.push_back({Severity::kError, std::nullopt, p.op.path.ToString(),
                                 "response payload without a Content-Format", "RFC 7252 §5.5.1"});
    } else if (const Codec* codec = FindCodec(*res.content_format)) {
      DecodeResult d = codec->Decode(resp.payload, {.request_path = p.op.path, .models = models(),
                                                    .lwm2m_version = p.version});
      res.content = std::move(d.content);
      res.diagnostics.insert(res.diagnostics.end(), d.diagnostics.begin(), d.diagnostics.end());
    } else {
      res.diagnostics.push_back({Severity::kError, std::nullopt, p.op.path.ToString(),
                                 "no codec for Content-Format " + ContentFormatLabel(
                                     static_cast<uint16_t>(*res.content_format)),
                                 "Core TS 1.2 §7.4"});
    }
  }
  return res;
}

Result<OperationResult> Lwm2mServer::Wait(const std::string& ep, Operation op, const RequestOptions& o) {
  auto out = std::make_shared<std::optional<Result<OperationResult>>>();
  CallAsync(ep, std::move(op), o, [out](const Result<OperationResult>& r) { *out = r; });
  RunUntil([&] { return out->has_value(); }, o.timeout + std::chrono::milliseconds(100));
  if (!out->has_value()) return Status(StatusCode::kInternalServerError, "no response within the timeout");
  return **out;
}

Result<OperationResult> Lwm2mServer::Call(const std::string& endpoint, Operation op, const RequestOptions& o) {
  return Wait(endpoint, std::move(op), o);
}

namespace {
Result<Bytes> EncodeBody(const Content& c, ContentFormat f, const Path& path, const ModelRegistry* models,
                         const std::string& version) {
  const Codec* codec = FindCodec(f);
  if (!codec) return UnsupportedContentFormat("no codec for " + ContentFormatLabel(static_cast<uint16_t>(f)));
  return codec->Encode(c, {.request_path = path, .models = models, .lwm2m_version = version});
}
Content PathList(const std::vector<Path>& paths) {
  Content c;
  for (const auto& p : paths) c.records.push_back({p, Value(), std::nullopt});
  return c;
}
}  // namespace

// The payload of a request that carries content: the raw bytes the caller gave, or `content`
// encoded for the client's version in o.format, else `fallback`, else the client's default format.
Result<std::pair<ContentFormat, Bytes>> Lwm2mServer::RequestBody(const std::string& ep, const Content& content,
                                                                 const Path& base,
                                                                 std::optional<ContentFormat> fallback,
                                                                 const RequestOptions& o) const {
  const Registration* reg = FindByEndpoint(ep);
  if (!reg) return NotFound("no registration for endpoint " + ep);
  ContentFormat f = o.format.value_or(fallback.value_or(DefaultFormat(*reg)));
  if (o.raw_payload) return std::pair{f, *o.raw_payload};
  auto enc = EncodeBody(content, f, base, models(), reg->version);
  if (!enc.ok()) return enc.status();
  return std::pair{f, std::move(*enc)};
}

Result<ReadResult> Lwm2mServer::Read(const std::string& ep, const Path& path, const RequestOptions& o) {
  return Wait(ep, Operation::Read(path, o.accept), o);
}

Result<OperationResult> Lwm2mServer::ReadComposite(const std::string& ep, const std::vector<Path>& paths,
                                                   const RequestOptions& o) {
  auto body = RequestBody(ep, PathList(paths), Path(), ContentFormat::kSenmlCbor, o);
  if (!body.ok()) return body.status();
  auto [f, bytes] = std::move(*body);
  return Wait(ep, Operation::ReadComposite(f, bytes, o.accept.value_or(f)), o);
}

Result<OperationResult> Lwm2mServer::Discover(const std::string& ep, const Path& path, std::optional<uint8_t> depth,
                                              const RequestOptions& o) {
  return Wait(ep, Operation::Discover(path, depth), o);
}

Result<OperationResult> Lwm2mServer::Write(const std::string& ep, const Path& path, const Content& values,
                                           WriteMode mode, const RequestOptions& o) {
  auto body = RequestBody(ep, values, path, std::nullopt, o);
  if (!body.ok()) return body.status();
  auto [f, bytes] = std::move(*body);
  return Wait(ep, Operation::Write(path, mode, f, bytes), o);
}

Result<OperationResult> Lwm2mServer::WriteComposite(const std::string& ep, const Content& values,
                                                    const RequestOptions& o) {
  auto body = RequestBody(ep, values, Path(), ContentFormat::kSenmlCbor, o);
  if (!body.ok()) return body.status();
  auto [f, bytes] = std::move(*body);
  return Wait(ep, Operation::WriteComposite(f, bytes), o);
}

Result<OperationResult> Lwm2mServer::WriteAttributes(const std::string& ep, const Path& path,
                                                     const NotificationAttributes& a, const RequestOptions& o) {
  return Wait(ep, Operation::WriteAttributes(path, a), o);
}

Result<OperationResult> Lwm2mServer::Execute(const std::string& ep, const Path& path,
                                             std::vector<ExecuteArgument> args, const RequestOptions& o) {
  return Wait(ep, Operation::Execute(path, std::move(args)), o);
}

Result<OperationResult> Lwm2mServer::Create(const std::string& ep, const Path& object, const Content& values,
                                            const RequestOptions& o) {
  auto body = RequestBody(ep, values, object, std::nullopt, o);
  if (!body.ok()) return body.status();
  auto [f, bytes] = std::move(*body);
  return Wait(ep, Operation::Create(object, f, bytes), o);
}

Result<OperationResult> Lwm2mServer::Delete(const std::string& ep, const Path& path, const RequestOptions& o) {
  return Wait(ep, Operation::Delete(path), o);
}

Result<OperationResult> Lwm2mServer::Observe(const std::string& ep, const Path& path,
                                             const NotificationAttributes& a, const RequestOptions& o) {
  return Wait(ep, Operation::Observe(path, a, o.accept), o);
}

Result<OperationResult> Lwm2mServer::ObserveComposite(const std::string& ep, const std::vector<Path>& paths,
                                                      const NotificationAttributes& a, const RequestOptions& o) {
  auto body = RequestBody(ep, PathList(paths), Path(), ContentFormat::kSenmlCbor, o);
  if (!body.ok()) return body.status();
  auto [f, bytes] = std::move(*body);
  return Wait(ep, Operation::ObserveComposite(f, bytes, a, o.accept.value_or(f)), o);
}

}  // namespace lwm2m::refserver
