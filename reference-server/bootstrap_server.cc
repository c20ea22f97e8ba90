// bootstrap_server.cc: the reference Bootstrap-Server (Core TS 1.2 §6.1.7, Transport TS 1.2 §6.4.2).
#include "reference-server/bootstrap_server.h"

#include <algorithm>
#include <tuple>

#include "lwm2m/codec/codec.h"
#include "lwm2m/codec/link_format.h"
#include "reference-server/server.h"

namespace lwm2m::refserver {
namespace {

constexpr ContentFormat kWriteFormats[] = {ContentFormat::kTlv, ContentFormat::kSenmlCbor, ContentFormat::kSenmlJson,
                                           ContentFormat::kLwm2mCbor};
// Bootstrap-Pack is a Composite-like document (Core TS 1.2 §6.1.7.7): SenML CBOR, SenML JSON or LwM2M CBOR.
constexpr ContentFormat kPackFormats[] = {ContentFormat::kSenmlCbor, ContentFormat::kSenmlJson,
                                          ContentFormat::kLwm2mCbor};

template <size_t N>
bool OneOf(ContentFormat f, const ContentFormat (&list)[N]) {
  return std::find(std::begin(list), std::end(list), f) != std::end(list);
}

CoapMessage Answer(uint8_t code, std::string_view text = {}) {
  CoapMessage m;
  m.code = code;
  if (!text.empty() && code >= 0x80) m.payload.assign(text.begin(), text.end());  // diagnostic payload (RFC 7252 §5.5.2)
  return m;
}

uint8_t CodeOf(const Status& s) { return static_cast<uint8_t>(s.code()); }

}  // namespace

std::string_view BootstrapEventKindName(BootstrapEventKind k) {
  switch (k) {
    case BootstrapEventKind::kRequestReceived: return "request-received";
    case BootstrapEventKind::kRequestRejected: return "request-rejected";
    case BootstrapEventKind::kStepSent: return "step-sent";
    case BootstrapEventKind::kStepResponse: return "step-response";
    case BootstrapEventKind::kFinished: return "finished";
    case BootstrapEventKind::kFailed: return "failed";
    case BootstrapEventKind::kPackRequestReceived: return "pack-request-received";
  }
  return "?";
}

std::string_view BootstrapOutcomeName(BootstrapOutcome o) {
  switch (o) {
    case BootstrapOutcome::kRunning: return "running";
    case BootstrapOutcome::kFinished: return "finished";
    case BootstrapOutcome::kInconsistent: return "inconsistent";
    case BootstrapOutcome::kStepFailed: return "step-failed";
    case BootstrapOutcome::kFinishFailed: return "finish-failed";
    case BootstrapOutcome::kNoResponse: return "no-response";
    case BootstrapOutcome::kSuperseded: return "superseded";
    case BootstrapOutcome::kPlanEnded: return "plan-ended";
  }
  return "?";
}

std::string BootstrapEvent::ToString() const {
  std::string s = endpoint.empty() ? "(no endpoint)" : endpoint;
  if (run >= 0) s += " run " + std::to_string(run);
  if (step >= 0) s += " step " + std::to_string(step);
  s += " " + std::string(BootstrapEventKindName(kind));
  if (code) s += " " + CoapCodeName(*code);
  if (!detail.empty()) s += ": " + detail;
  return s;
}

BootstrapServer::BootstrapServer(BootstrapServerOptions options) : options_(std::move(options)) {
  coap::ContextOptions co;
  auto psk = [this](std::string_view id) -> std::optional<Bytes> {
    auto it = options_.psk_keys.find(std::string(id));
    if (it == options_.psk_keys.end()) return std::nullopt;
    return it->second;
  };
  if (!options_.certificate_pem.empty()) {
    co.server_security = coap::Security::Certificate(options_.certificate_pem, options_.private_key_pem, options_.ca_pem);
    co.server_security.psk_lookup = psk;
  } else {
    co.server_security = coap::Security::PskServer(psk);
  }
  co.server_security.cipher_list = options_.cipher_list;
  context_ = std::make_unique<coap::Context>(std::move(co));
  context_->SetRequestHandler(
      [this](const coap::Peer& p, const CoapMessage& m, coap::Responder& r) { OnRequest(p, m, r); });
}

BootstrapServer::~BootstrapServer() { Stop(); }

Status BootstrapServer::Start() {
  if (running()) return Status::Ok();
  if (options_.udp) {
    auto ep = context_->Listen({.transport = coap::Transport::kUdp, .ip = options_.ip, .port = options_.udp_port,
                                .timing = options_.timing});
    if (!ep) return InternalError("bootstrap server: cannot listen on UDP: " + ep.status().message());
    udp_ = *ep;
    endpoints_.push_back(udp_);
  }
  if (options_.dtls) {
    auto ep = context_->Listen({.transport = coap::Transport::kDtls, .ip = options_.ip, .port = options_.dtls_port,
                                .timing = options_.timing});
    if (!ep) {
      Stop();
      return InternalError("bootstrap server: cannot listen on DTLS: " + ep.status().message());
    }
    dtls_ = *ep;
    endpoints_.push_back(dtls_);
  }
  for (auto [on, t, port, slot] : {std::tuple{options_.tcp, coap::Transport::kTcp, options_.tcp_port, &tcp_},
                                   std::tuple{options_.tls, coap::Transport::kTls, options_.tls_port, &tls_}}) {
    if (!on) continue;
    auto ep = context_->Listen({.transport = t, .ip = options_.ip, .port = port, .timing = options_.timing});
    if (!ep) {
      Stop();
      return InternalError(std::string("bootstrap server: cannot listen on ") + coap::TransportName(t) + ": " +
                           ep.status().message());
    }
    *slot = *ep;
    endpoints_.push_back(*slot);
  }
  return Status::Ok();
}

void BootstrapServer::Stop() {
  pending_.clear();
  for (size_t i = 0; i < runs_.size(); ++i)
    if (runs_[i].outcome == BootstrapOutcome::kRunning) End(static_cast<int>(i), BootstrapOutcome::kNoResponse, "server stopped");
  for (auto& s : run_sessions_)
    if (s) s->Close();
  run_sessions_.assign(run_sessions_.size(), nullptr);
  endpoints_.clear();
  udp_.reset();
  dtls_.reset();
  tcp_.reset();
  tls_.reset();
}

std::optional<coap::Address> BootstrapServer::udp_address() const {
  if (!udp_) return std::nullopt;
  return udp_->address();
}
std::optional<coap::Address> BootstrapServer::dtls_address() const {
  if (!dtls_) return std::nullopt;
  return dtls_->address();
}
std::optional<coap::Address> BootstrapServer::tcp_address() const {
  if (!tcp_) return std::nullopt;
  return tcp_->address();
}
std::optional<coap::Address> BootstrapServer::tls_address() const {
  if (!tls_) return std::nullopt;
  return tls_->address();
}
std::string BootstrapServer::tcp_uri() const { return tcp_ ? "coap+tcp://" + tcp_->address().ToString() : ""; }
std::string BootstrapServer::tls_uri() const { return tls_ ? "coaps+tcp://" + tls_->address().ToString() : ""; }
std::string BootstrapServer::udp_uri() const { return udp_ ? "coap://" + udp_->address().ToString() : ""; }
std::string BootstrapServer::dtls_uri() const { return dtls_ ? "coaps://" + dtls_->address().ToString() : ""; }

void BootstrapServer::SetPlan(BootstrapEndpointPlan plan) { options_.plan.Add(std::move(plan)); }

bool BootstrapServer::WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                              std::initializer_list<coap::Context*> others) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    StartPending();
    if (pred()) return true;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    // One bounded step of all loops; StartPending must run soon after a Bootstrap-Request is answered.
    auto slice = std::min<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) + std::chrono::milliseconds(1),
        std::chrono::milliseconds(50));
    std::vector<coap::Context*> all{context_.get()};
    all.insert(all.end(), peers_.begin(), peers_.end());
    all.insert(all.end(), others.begin(), others.end());
    auto until_event = [&] { return !pending_.empty() || pred(); };
    switch (all.size()) {
      case 1: (void)coap::RunUntil({all[0]}, until_event, slice); break;
      case 2: (void)coap::RunUntil({all[0], all[1]}, until_event, slice); break;
      case 3: (void)coap::RunUntil({all[0], all[1], all[2]}, until_event, slice); break;
      default:
        for (coap::Context* c : all) c->RunOnce(std::chrono::milliseconds(0));
        context_->RunOnce(std::min(slice, std::chrono::milliseconds(10)));
        break;
    }
  }
}

void BootstrapServer::Poll(std::chrono::milliseconds timeout) {
  StartPending();
  context_->RunOnce(timeout);
  StartPending();
}

const BootstrapRun* BootstrapServer::LastRun(std::string_view endpoint) const {
  for (auto it = runs_.rbegin(); it != runs_.rend(); ++it)
    if (it->endpoint == endpoint) return &*it;
  return nullptr;
}

size_t BootstrapServer::CountRuns(std::string_view endpoint, BootstrapOutcome outcome) const {
  return static_cast<size_t>(std::count_if(runs_.begin(), runs_.end(), [&](const BootstrapRun& r) {
    return r.endpoint == endpoint && r.outcome == outcome;
  }));
}

void BootstrapServer::Emit(BootstrapEvent e) {
  e.at = std::chrono::steady_clock::now();
  events_.push_back(e);
  if (listener_) listener_(events_.back());
}

void BootstrapServer::OnRequest(const coap::Peer& peer, const CoapMessage& req, coap::Responder& r) {
  std::string path = req.UriPath();
  if (path == "/bs" && req.code == CoapCode::kPost) return OnBootstrapRequest(peer, req, r);
  if (path == "/bspack" && req.code == CoapCode::kGet) return OnPackRequest(peer, req, r);
  // A Bootstrap-Server offers only these two resources (Transport TS 1.2 Table 6.4.2-1).
  r.Respond(Answer(path == "/bs" || path == "/bspack" ? CoapCode::kMethodNotAllowed : CoapCode::kNotFound,
                   CoapCodeName(req.code) + " " + path + " is no Bootstrap-Server resource"));
}

void BootstrapServer::OnBootstrapRequest(const coap::Peer& peer, const CoapMessage& req, coap::Responder& r) {
  const bool secured = peer.security != coap::SecurityMode::kNoSec;
  Classification c = Classify(req, {.direction = Direction::kClientToServer, .bootstrap_server = true,
                                    .authenticated_identity = secured});
  Operation op = c.operation.value_or(Operation::BootstrapRequest(""));
  const std::string identity = PeerIdentity(peer);  // PSK identity or certificate CN
  std::string ep = op.registration.endpoint.value_or(identity);
  BootstrapEvent ev{.kind = BootstrapEventKind::kRequestReceived, .endpoint = ep, .detail = req.Summary()};

  auto reject = [&](std::optional<uint8_t> code, std::string why) {
    ev.code = code;
    Emit(ev);
    if (code)
      r.Respond(Answer(*code, why));
    else
      r.Drop();
    Emit({.kind = BootstrapEventKind::kRequestRejected, .endpoint = ep, .code = code, .detail = std::move(why)});
  };

  bool run_plan = true;
  if (request_hook_) {
    if (auto a = request_hook_(peer, op)) {
      if (!a->code || *a->code != CoapCode::kChanged || !a->run_plan) {
        return reject(a->code, "answered by the request hook");
      }
      run_plan = a->run_plan;
    }
  }
  // pct names a format this server cannot write: Transport TS 1.2 Table 6.4.2-1 lists 4.15
  // Unsupported Content-Format for Bootstrap-Request; the only content format it carries is pct.
  if (op.preferred_content_format && !OneOf(*op.preferred_content_format, kWriteFormats))
    return reject(CoapCode::kUnsupportedContentFormat,
                  "pct=" + std::to_string(static_cast<unsigned>(*op.preferred_content_format)) +
                      " is not TLV, SenML CBOR, SenML JSON or LwM2M CBOR (Core TS 1.2 §6.1.7.1)");
  if (!c.ok()) return reject(CodeOf(c.status), c.status.message());
  // An unknown Endpoint Client Name is a Bad Request: Transport TS 1.2 Table 6.4.2-1 lists only
  // 4.00 and 4.15 for Bootstrap-Request (4.04 is not among them); research §2.3 "4.00 (unknown ep)".
  const BootstrapEndpointPlan* plan = options_.plan.Find(ep);
  if (plan == nullptr) return reject(CoapCode::kBadRequest, "no bootstrap plan for endpoint '" + ep + "'");
  if (plan->psk_identity && (!secured || peer.psk_identity != *plan->psk_identity))
    return reject(CoapCode::kBadRequest, "endpoint '" + ep + "' must authenticate as PSK identity '" +
                                             *plan->psk_identity + "', not '" + peer.psk_identity + "'");
  if (!plan->psk_identity && secured && options_.require_ep_equals_identity && identity != ep)
    return reject(CoapCode::kBadRequest,
                  "ep '" + ep + "' differs from the " +
                      (peer.security == coap::SecurityMode::kCertificate ? "certificate CN '" : "PSK identity '") +
                      identity + "' (Transport TS 1.2 §5)");

  ev.code = CoapCode::kChanged;
  r.Respond(Answer(CoapCode::kChanged));
  // A new Bootstrap-Request restarts the sequence for the endpoint (re-bootstrap, Core TS 1.2 §6.1.3).
  for (size_t i = 0; i < runs_.size(); ++i)
    if (runs_[i].endpoint == ep && runs_[i].outcome == BootstrapOutcome::kRunning)
      End(static_cast<int>(i), BootstrapOutcome::kSuperseded, "a new Bootstrap-Request arrived");
  if (!run_plan) {
    Emit(ev);
    return;
  }
  BootstrapRun run;
  run.endpoint = ep;
  run.transport = peer.transport;
  run.psk_identity = peer.psk_identity;
  run.certificate_cn = peer.peer_common_name;
  run.pct = op.preferred_content_format;
  if (run.pct)
    run.write_format = *run.pct;
  else if (plan->content_format)
    run.write_format = *plan->content_format;
  else
    run.write_format = plan->lwm2m_version == "1.0" ? ContentFormat::kTlv : ContentFormat::kSenmlCbor;
  runs_.push_back(std::move(run));
  run_sessions_.push_back(peer.session);
  ev.run = static_cast<int>(runs_.size() - 1);
  Emit(ev);
  // The first step goes out after the 2.04 has left (StartPending from the event loop).
  pending_.push_back({ev.run, peer.session});
}

void BootstrapServer::OnPackRequest(const coap::Peer& peer, const CoapMessage& req, coap::Responder& r) {
  const bool secured = peer.security != coap::SecurityMode::kNoSec;
  Classification c = Classify(req, {.direction = Direction::kClientToServer, .bootstrap_server = true,
                                    .authenticated_identity = secured});
  Operation op = c.operation.value_or(Operation::BootstrapPackRequest(""));
  std::string ep = op.registration.endpoint.value_or(PeerIdentity(peer));
  BootstrapEvent ev{.kind = BootstrapEventKind::kPackRequestReceived, .endpoint = ep, .detail = req.Summary()};
  auto answer = [&](CoapMessage m, std::string why) {
    ev.code = m.code;
    if (!why.empty()) ev.detail += ": " + why;
    Emit(ev);
    r.Respond(std::move(m));
  };
  ContentFormat accept = op.accept.value_or(ContentFormat::kSenmlCbor);
  // Transport TS 1.2 Table 6.4.2-1 lists 4.00, 4.01, 4.04, 4.05, 4.06 for Bootstrap-Pack-Request.
  if (!OneOf(accept, kPackFormats))
    return answer(Answer(CoapCode::kNotAcceptable, "Bootstrap-Pack is SenML CBOR, SenML JSON or LwM2M CBOR"),
                  "Accept " + ContentFormatLabel(static_cast<uint16_t>(accept)) + " not servable");
  if (!c.ok()) return answer(Answer(CodeOf(c.status), c.status.message()), c.status.message());
  const BootstrapEndpointPlan* plan = options_.plan.Find(ep);
  if (plan == nullptr) return answer(Answer(CoapCode::kNotFound, "no bootstrap configuration"), "unknown endpoint");
  if (plan->psk_identity && (!secured || peer.psk_identity != *plan->psk_identity))
    return answer(Answer(CoapCode::kUnauthorized, "wrong security identity"), "identity mismatch");
  const Codec* codec = FindCodec(accept);
  Content content;
  content.records = plan->WriteRecords();
  auto bytes = codec ? codec->Encode(content, {.request_path = Path(), .models = &ModelRegistry::Builtin(),
                                               .lwm2m_version = plan->lwm2m_version})
                     : Result<Bytes>(InternalError("no codec"));
  if (!bytes) return answer(Answer(CoapCode::kInternalServerError, bytes.status().message()), bytes.status().message());
  CoapMessage m = Answer(CoapCode::kContent);
  m.SetContentFormat(accept);
  m.payload = std::move(*bytes);
  answer(std::move(m), std::to_string(content.records.size()) + " records");
}

void BootstrapServer::StartPending() {
  auto pending = std::move(pending_);
  pending_.clear();
  for (const Pending& p : pending)
    if (runs_[p.run].outcome == BootstrapOutcome::kRunning) SendStep(p.run);
}

void BootstrapServer::SendStep(int run_index) {
  BootstrapRun& run = runs_[run_index];
  const BootstrapEndpointPlan* plan = options_.plan.Find(run.endpoint);
  const size_t index = run.steps.size();
  if (plan == nullptr || index >= plan->steps.size()) {
    // A plan without Finish ends after its last step; the client keeps waiting (its own timeout).
    End(run_index, BootstrapOutcome::kPlanEnded, "plan ended without Bootstrap-Finish");
    return;
  }
  const BootstrapStep& step = plan->steps[index];
  Operation op;
  switch (step.kind) {
    case BootstrapStepKind::kDiscover: op = Operation::BootstrapDiscover(step.path); break;
    case BootstrapStepKind::kRead: op = Operation::BootstrapRead(step.path, step.format); break;
    case BootstrapStepKind::kDelete: op = Operation::BootstrapDelete(step.path); break;
    case BootstrapStepKind::kFinish: op = Operation::BootstrapFinish(); break;
    case BootstrapStepKind::kWrite: {
      ContentFormat f = step.format.value_or(run.write_format);
      const Codec* codec = FindCodec(f);
      Content content;
      content.records = step.records;
      auto bytes = codec ? codec->Encode(content, {.request_path = step.path, .models = &ModelRegistry::Builtin(),
                                                   .lwm2m_version = plan->lwm2m_version})
                         : Result<Bytes>(UnsupportedContentFormat("no codec for " + ContentFormatLabel(static_cast<uint16_t>(f))));
      if (!bytes) {
        End(run_index, BootstrapOutcome::kStepFailed,
            "step " + std::to_string(index) + " " + step.origin + ": cannot encode the Write of " +
                step.path.ToString() + " as " + ContentFormatLabel(static_cast<uint16_t>(f)) + ": " +
                bytes.status().message());
        return;
      }
      op = Operation::BootstrapWrite(step.path, f, std::move(*bytes));
      break;
    }
  }
  BootstrapStepResult res;
  res.step = step;
  res.operation = op;
  run.steps.push_back(std::move(res));
  Emit({.kind = BootstrapEventKind::kStepSent, .endpoint = run.endpoint, .run = run_index,
        .step = static_cast<int>(index), .detail = op.Summary()});
  auto& session = run_sessions_[run_index];
  Result<Bytes> sent = session ? session->Send(op.ToCoap(), [this, run_index](const coap::Reply& reply) {
    OnStepReply(run_index, reply);
  })
                               : Result<Bytes>(InternalError("the session is gone"));
  if (!sent) End(run_index, BootstrapOutcome::kNoResponse, "cannot send " + op.Summary() + ": " + sent.status().message());
}

void BootstrapServer::OnStepReply(int run_index, const coap::Reply& reply) {
  if (run_index < 0 || static_cast<size_t>(run_index) >= runs_.size()) return;
  BootstrapRun& run = runs_[run_index];
  if (run.outcome != BootstrapOutcome::kRunning || run.steps.empty() || run.steps.back().done) return;
  BootstrapStepResult& res = run.steps.back();
  const int index = static_cast<int>(run.steps.size() - 1);
  res.done = true;
  res.outcome = reply.outcome;
  if (!reply.ok()) {
    std::string why = std::string(coap::OutcomeName(reply.outcome)) + (reply.detail.empty() ? "" : ": " + reply.detail);
    Emit({.kind = BootstrapEventKind::kStepResponse, .endpoint = run.endpoint, .run = run_index, .step = index,
          .detail = res.operation.Summary() + " -> " + why});
    End(run_index, BootstrapOutcome::kNoResponse, "step " + std::to_string(index) + " " + res.operation.Summary() + ": " + why);
    return;
  }
  res.response = reply.response;
  res.classification = ClassifyResponse(res.operation, reply.response);
  const uint8_t code = reply.response.code;
  const bool success = code == ExpectedSuccessCode(res.operation.kind);
  if (success && res.step.kind == BootstrapStepKind::kDiscover) {
    std::string text(reply.response.payload.begin(), reply.response.payload.end());
    LinkParseResult lp = ParseLinkFormat(text);
    res.links = std::move(lp.links);
    res.diagnostics = std::move(lp.diagnostics);
    const BootstrapEndpointPlan* plan = options_.plan.Find(run.endpoint);
    auto more = CheckBootstrapDiscoverPayload(res.links, plan ? plan->lwm2m_version : "1.2");
    res.diagnostics.insert(res.diagnostics.end(), more.begin(), more.end());
  } else if (success && res.step.kind == BootstrapStepKind::kRead) {
    auto cf = reply.response.GetContentFormat();
    const Codec* codec = cf ? FindCodec(*cf) : nullptr;
    if (codec == nullptr) {
      res.diagnostics.push_back({Severity::kError, std::nullopt, res.step.path.ToString(),
                                 "Bootstrap-Read response with " +
                                     (cf ? "unknown Content-Format " + ContentFormatLabel(static_cast<uint16_t>(*cf))
                                         : std::string("no Content-Format")),
                                 "Core TS 1.2 §6.1.7.4"});
    } else {
      DecodeResult d = codec->Decode(reply.response.payload,
                                     {.request_path = res.step.path, .models = &ModelRegistry::Builtin()});
      res.content = std::move(d.content);
      res.diagnostics = std::move(d.diagnostics);
    }
  }
  Emit({.kind = BootstrapEventKind::kStepResponse, .endpoint = run.endpoint, .run = run_index, .step = index,
        .code = code, .detail = res.operation.Summary()});
  if (res.step.kind == BootstrapStepKind::kFinish) {
    if (success)
      End(run_index, BootstrapOutcome::kFinished, "");
    else if (code == CoapCode::kNotAcceptable)
      // Core TS 1.2 §6.1.7.2: 4.06 to Bootstrap-Finish means the client found the configuration inconsistent.
      End(run_index, BootstrapOutcome::kInconsistent, "Bootstrap-Finish answered 4.06: inconsistent configuration");
    else
      End(run_index, BootstrapOutcome::kFinishFailed, "Bootstrap-Finish answered " + CoapCodeName(code));
    return;
  }
  if (!success) {
    End(run_index, BootstrapOutcome::kStepFailed,
        "step " + std::to_string(index) + " " + res.operation.Summary() + " answered " + CoapCodeName(code));
    return;
  }
  SendStep(run_index);
}

void BootstrapServer::End(int run_index, BootstrapOutcome outcome, std::string detail) {
  BootstrapRun& run = runs_[run_index];
  if (run.outcome != BootstrapOutcome::kRunning) return;
  run.outcome = outcome;
  run.detail = detail;
  Emit({.kind = outcome == BootstrapOutcome::kFinished ? BootstrapEventKind::kFinished : BootstrapEventKind::kFailed,
        .endpoint = run.endpoint, .run = run_index,
        .detail = std::string(BootstrapOutcomeName(outcome)) + (detail.empty() ? "" : ": " + detail)});
}

}  // namespace lwm2m::refserver
