// context.cc: Context, Endpoint, Session, Responder, Observation over libcoap
// 4.3.1 (RFC 7252, RFC 7641, RFC 7959, RFC 8323).
#include "coap/context.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <arpa/inet.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "coap/internal.h"

namespace lwm2m::coap {

namespace {

constexpr auto kExchangeLifetime = std::chrono::seconds(247);  // RFC 7252 §4.8.2
constexpr auto kNonLifetime = std::chrono::seconds(145);       // RFC 7252 §4.8.2
constexpr auto kSuppressWindow = std::chrono::seconds(5);
constexpr size_t kRecentPerSession = 64;

std::once_flag g_startup;
std::mutex g_endpoint_str_mutex;  // coap_endpoint_str() writes a static buffer

ContextImpl* ImplOf(coap_session_t* s) {
  coap_context_t* c = coap_session_get_context(s);
  return c == nullptr ? nullptr : static_cast<ContextImpl*>(coap_get_app_data(c));
}

void MethodThunk(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* request,
                 const coap_string_t* query, coap_pdu_t* response) {
  if (ContextImpl* c = ImplOf(session)) c->HandleRequest(resource, session, request, query, response);
}

coap_response_t ResponseThunk(coap_session_t* session, const coap_pdu_t* sent, const coap_pdu_t* received,
                              const coap_mid_t /*mid*/) {
  if (ContextImpl* c = ImplOf(session)) return c->HandleResponse(session, sent, received);
  return COAP_RESPONSE_OK;
}

void NackThunk(coap_session_t* session, const coap_pdu_t* sent, const coap_nack_reason_t reason,
               const coap_mid_t /*mid*/) {
  if (ContextImpl* c = ImplOf(session)) c->HandleNack(session, sent, reason);
}

int EventThunk(coap_session_t* session, const coap_event_t event) {
  if (session == nullptr) return 0;
  if (ContextImpl* c = ImplOf(session)) c->HandleEvent(session, event);
  return 0;
}

const coap_bin_const_t* PskThunk(coap_bin_const_t* identity, coap_session_t* session, void* arg) {
  return static_cast<ContextImpl*>(arg)->PskForIdentity(identity, session);
}

void ReleaseBytes(coap_session_t* /*session*/, void* p) { delete static_cast<Bytes*>(p); }

// libcoap fails the handshake when this returns 0; a chain that failed its own checks fails anyway.
int CnThunk(const char* /*cn*/, const uint8_t* der, size_t len, coap_session_t* session, unsigned depth,
            int /*validated*/, void* arg) {
  return static_cast<ContextImpl*>(arg)->CheckServerName(session, der, len, depth) ? 1 : 0;
}

bool IsIpLiteral(const std::string& name) {
  in6_addr a6;
  in_addr a4;
  return inet_pton(AF_INET, name.c_str(), &a4) == 1 || inet_pton(AF_INET6, name.c_str(), &a6) == 1;
}

// The PKI setup shared by server and client: PEM buffers kept alive by the caller.
coap_dtls_pki_t PkiSetup(const Security& sec, const std::string& cert, const std::string& key, const std::string& ca) {
  coap_dtls_pki_t pki;
  std::memset(&pki, 0, sizeof pki);
  pki.version = COAP_DTLS_PKI_SETUP_VERSION;
  pki.verify_peer_cert = sec.verify_peer ? 1 : 0;
  pki.check_common_ca = ca.empty() ? 0 : 1;
  pki.allow_self_signed = ca.empty() ? 1 : 0;
  pki.cert_chain_validation = 1;
  pki.cert_chain_verify_depth = 3;
  pki.pki_key.key_type = COAP_PKI_KEY_PEM_BUF;
  auto& pem = pki.pki_key.key.pem_buf;
  pem.public_cert = reinterpret_cast<const uint8_t*>(cert.c_str());
  pem.public_cert_len = cert.size() + 1;
  pem.private_key = reinterpret_cast<const uint8_t*>(key.c_str());
  pem.private_key_len = key.size() + 1;
  if (!ca.empty()) {
    pem.ca_cert = reinterpret_cast<const uint8_t*>(ca.c_str());
    pem.ca_cert_len = ca.size() + 1;
  }
  return pki;
}

void RegisterAllMethods(coap_resource_t* r) {
  for (int m = COAP_REQUEST_GET; m <= COAP_REQUEST_IPATCH; ++m) {
    coap_register_request_handler(r, static_cast<coap_request_t>(m), &MethodThunk);
  }
}

coap_fixed_point_t ToFixed(double v) {
  coap_fixed_point_t f;
  f.integer_part = static_cast<uint16_t>(v);
  f.fractional_part = static_cast<uint16_t>((v - f.integer_part) * 1000.0 + 0.5);
  if (f.fractional_part >= 1000) {
    f.integer_part++;
    f.fractional_part -= 1000;
  }
  return f;
}

Bytes TokenOf(const coap_pdu_t* pdu) {
  coap_bin_const_t t = coap_pdu_get_token(pdu);
  return Bytes(t.s, t.s + t.length);
}

size_t OptionBytes(const CoapMessage& m) {
  size_t n = 0;
  for (const auto& o : m.options) n += o.value.size() + 5;
  return n;
}

uint64_t UintOf(const Bytes& b) {
  uint64_t v = 0;
  for (size_t i = 0; i < b.size() && i < 8; ++i) v = v << 8 | b[i];
  return v;
}

// Parses "127.0.0.1:5683 UDP" or "[::1]:5684 DTLS" (coap_print_addr format).
std::optional<Address> ParsePrinted(std::string_view s) {
  s = s.substr(0, s.find(' '));
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  Address a;
  std::string_view host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  a.ip = std::string(host);
  a.port = static_cast<uint16_t>(std::stoul(std::string(s.substr(colon + 1))));
  return a;
}

}  // namespace

// ---------------------------------------------------------------- SessionImpl

SessionImpl::SessionImpl(ContextImpl* ctx, coap_session_t* s, bool client) : ctx_(ctx), s_(s), client_(client) {}

std::shared_ptr<Session> SessionImpl::Handle() {
  if (auto h = handle_.lock()) return h;
  std::shared_ptr<Session> h(new Session(shared_from_this()));
  handle_ = h;
  return h;
}

void SessionImpl::Refresh() {
  if (s_ == nullptr) return;
  transport_ = FromProto(coap_session_get_proto(s_));
  local_ = FromCoapAddress(coap_session_get_addr_local(s_));
  remote_ = FromCoapAddress(coap_session_get_addr_remote(s_));
  if (const coap_bin_const_t* id = coap_session_get_psk_identity(s_); id != nullptr && id->s != nullptr) {
    psk_identity_.assign(reinterpret_cast<const char*>(id->s), id->length);
  }
  if (peer_cn_.empty() && IsSecure(transport_)) {
    coap_tls_library_t lib;
    auto* ssl = static_cast<SSL*>(coap_session_get_tls(s_, &lib));
    if (ssl != nullptr && lib == COAP_TLS_LIBRARY_OPENSSL && SSL_is_init_finished(ssl)) peer_cn_ = PeerCommonName(ssl);
  }
  if (client_) {
    security_ = security_config_.mode;
  } else if (ctx_ != nullptr) {
    security_ = ctx_->ServerSessionSecurity(IsSecure(transport_), !psk_identity_.empty());
  }
}

std::string PeerCommonName(const SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return "";
  X509_NAME* name = X509_get_subject_name(cert);
  int last = -1;
  for (int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) {
    last = i;
  }
  if (last < 0) return "";
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
  if (n < 0) return "";
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

Status CheckTiming(const Timing& t) {
  // libcoap 4.3.1 coap_session.c ignores these silently; we say so instead.
  if (t.ack_timeout && *t.ack_timeout < std::chrono::milliseconds(1000)) {
    return BadRequest("coap: ACK_TIMEOUT below 1 s is not supported by libcoap 4.3.1");
  }
  if (t.ack_random_factor && *t.ack_random_factor < 1.0) return BadRequest("coap: ACK_RANDOM_FACTOR below 1.0");
  if (t.nstart && *t.nstart == 0) return BadRequest("coap: NSTART 0");
  return Status::Ok();
}

void SessionImpl::ApplyTiming() {
  if (s_ == nullptr) return;
  if (timing_.ack_timeout) coap_session_set_ack_timeout(s_, ToFixed(timing_.ack_timeout->count() / 1000.0));
  if (timing_.ack_random_factor) coap_session_set_ack_random_factor(s_, ToFixed(*timing_.ack_random_factor));
  // MAX_RETRANSMIT 0 is emulated above libcoap (whose minimum is 1): see Session::Send and ShouldSuppress.
  if (timing_.max_retransmit) coap_session_set_max_retransmit(s_, std::max<uint16_t>(1, *timing_.max_retransmit));
  if (timing_.nstart) coap_session_set_nstart(s_, *timing_.nstart);
}

SessionState SessionImpl::State() const {
  if (failed_) return SessionState::kFailed;
  if (closed_ || s_ == nullptr) return SessionState::kClosed;
  switch (coap_session_get_state(s_)) {
    case COAP_SESSION_STATE_ESTABLISHED: return SessionState::kEstablished;
    case COAP_SESSION_STATE_NONE: return ever_established_ ? SessionState::kClosed : SessionState::kFailed;
    default: return SessionState::kConnecting;
  }
}

void SessionImpl::FailPending(Outcome outcome, const std::string& detail) {
  queued_.clear();
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [token, p] : pending) {
    Reply r;
    r.outcome = outcome;
    r.detail = detail;
    if (p.handler) p.handler(r);
  }
}

void SessionImpl::Detach(const std::string& why, bool failed, bool notify) {
  if (failed) {
    failed_ = true;
  } else {
    closed_ = true;
  }
  if (failure_.empty()) failure_ = why;
  if (s_ != nullptr) coap_session_set_app_data(s_, nullptr);
  s_ = nullptr;
  if (notify) {
    FailPending(Outcome::kSessionClosed, why);
  } else {
    pending_.clear();
    queued_.clear();
  }
}

// ---------------------------------------------------------------- ObservationImpl

void ObservationImpl::End(const std::string& why, bool notify) {
  if (!active_ && !reset_seen_ && !referenced_) return;
  active_ = false;
  reset_seen_ = false;
  if (referenced_ && session_->s_ != nullptr && ctx_ != nullptr) {
    TapScope scope(ctx_);
    coap_session_release(session_->s_);
  }
  referenced_ = false;
  if (notify && on_cancel_) on_cancel_(why);
}

// ---------------------------------------------------------------- ContextImpl

ContextImpl::ContextImpl(ContextOptions options) : options_(std::move(options)) {
  std::call_once(g_startup, [] {
    coap_startup();
    // libcoap's log level is process-wide; only a developer's environment changes it.
    if (const char* level = std::getenv("LWM2M_COAP_LOG_LEVEL")) {
      coap_set_log_level(static_cast<coap_log_t>(std::atoi(level)));
      coap_dtls_set_log_level(std::atoi(level));
    }
  });
  TapScope scope(this);
  ctx_ = coap_new_context(nullptr);
  coap_set_app_data(ctx_, this);
  coap_context_set_block_mode(ctx_, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
  coap_register_response_handler(ctx_, &ResponseThunk);
  coap_register_nack_handler(ctx_, &NackThunk);
  coap_register_event_handler(ctx_, &EventThunk);
  coap_context_set_csm_timeout(ctx_, options_.csm_timeout_s);
  if (options_.csm_max_message_size != 0) {
    coap_context_set_csm_max_message_size(ctx_, options_.csm_max_message_size);
  }
  if (options_.max_idle_server_sessions != 0) {
    coap_context_set_max_idle_sessions(ctx_, options_.max_idle_server_sessions);
  }
  // Every path and method reaches MethodThunk: the unknown-resource handler takes
  // whatever has no resource of its own (libcoap 4.3.1 net.c handle_request); a
  // resource of ours on .well-known/core keeps libcoap's built-in answer away.
  coap_resource_t* unknown = coap_resource_unknown_init2(&MethodThunk, 0);
  RegisterAllMethods(unknown);
  coap_add_resource(ctx_, unknown);
  ResourceForPath(".well-known/core");
  // libcoap ignores epoll events whose data.ptr is NULL (coap_io_do_epoll), so this only wakes the wait.
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ >= 0) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.ptr = nullptr;
    epoll_ctl(coap_context_get_coap_fd(ctx_), EPOLL_CTL_ADD, wake_fd_, &ev);
  }
}

ContextImpl::~ContextImpl() {
  TapScope scope(this);
  no_adopt_ = true;
  wire_hook_ = nullptr;
  event_handler_ = nullptr;
  for (auto& o : observations_) {
    o->End("context closed", false);
    o->ctx_ = nullptr;
  }
  observations_.clear();
  for (auto& d : deferred_) {
    if (d->async != nullptr && d->session->s_ != nullptr) coap_free_async(d->session->s_, d->async);
    d->async = nullptr;
    d->ctx = nullptr;
  }
  deferred_.clear();
  auto sessions = std::move(sessions_);
  sessions_.clear();
  for (auto& [s, impl] : sessions) {
    impl->Detach("context closed", false, false);
    impl->ctx_ = nullptr;
  }
  for (auto& w : endpoints_) {
    if (auto ep = w.lock()) {
      ep->ep_ = nullptr;
      ep->ctx_ = nullptr;
    }
  }
  for (auto& [s, client] : release_later_) {
    if (client) coap_session_release(s);
  }
  release_later_.clear();
  // Frees endpoints, server sessions, resources; releases the one reference we hold on each client session.
  coap_set_app_data(ctx_, nullptr);
  coap_free_context(ctx_);
  ctx_ = nullptr;
  if (wake_fd_ >= 0) close(wake_fd_);
}

SessionImpl* ContextImpl::Find(coap_session_t* s) {
  auto it = sessions_.find(s);
  return it == sessions_.end() ? nullptr : it->second.get();
}

EndpointImpl* ContextImpl::EndpointFor(coap_session_t* s) {
  Transport t = FromProto(coap_session_get_proto(s));
  uint16_t port = coap_address_get_port(coap_session_get_addr_local(s));
  for (auto& w : endpoints_) {
    auto ep = w.lock();
    if (ep && ep->transport_ == t && ep->address_.port == port) return ep.get();
  }
  return nullptr;
}

SessionImpl* ContextImpl::FindOrAdopt(coap_session_t* s) {
  if (SessionImpl* found = Find(s)) return found;
  bool client = coap_session_get_type(s) == COAP_SESSION_TYPE_CLIENT;
  if (client || no_adopt_) return nullptr;  // ours are registered at Connect; freeing ones are not adopted
  auto impl = std::make_shared<SessionImpl>(this, s, false);
  coap_session_set_app_data(s, impl.get());
  impl->Refresh();
  if (EndpointImpl* ep = EndpointFor(s)) impl->timing_ = ep->timing_;
  impl->ApplyTiming();
  sessions_[s] = impl;
  EmitEvent(SessionEventKind::kNew, impl.get(), "");
  return impl.get();
}

void ContextImpl::Forget(coap_session_t* s, const std::string& why, bool failed, bool notify) {
  auto it = sessions_.find(s);
  if (it == sessions_.end()) return;
  std::shared_ptr<SessionImpl> impl = it->second;
  sessions_.erase(it);
  for (auto& o : observations_) {
    if (o->session_ == impl && o->active_) o->End(why, notify);
  }
  for (auto& d : deferred_) {
    if (d->session == impl && d->async != nullptr) {
      if (s != nullptr) coap_free_async(s, d->async);
      d->async = nullptr;
    }
  }
  std::erase_if(deferred_, [&](const auto& d) { return d->session == impl; });
  for (auto it2 = streams_.begin(); it2 != streams_.end();) {
    if (it2->first.find(impl->remote_.ToString()) != std::string::npos) {
      it2 = streams_.erase(it2);
    } else {
      ++it2;
    }
  }
  impl->Detach(why, failed, notify);
  if (notify) EmitEvent(SessionEventKind::kDeleted, impl.get(), why);
}

void ContextImpl::EmitEvent(SessionEventKind kind, SessionImpl* s, const std::string& detail) {
  if (!event_handler_ || s == nullptr) return;
  SessionEvent e;
  e.kind = kind;
  e.session = s->Handle();
  e.detail = detail;
  event_handler_(e);
}

coap_resource_t* ContextImpl::ResourceForPath(const std::string& path) {
  auto it = path_resources_.find(path);
  if (it != path_resources_.end()) return it->second;
  coap_resource_t* r = coap_resource_init(coap_new_str_const(reinterpret_cast<const uint8_t*>(path.data()),
                                                             path.size()),
                                          COAP_RESOURCE_FLAGS_RELEASE_URI);
  RegisterAllMethods(r);
  coap_add_resource(ctx_, r);
  path_resources_[path] = r;
  return r;
}

Status ContextImpl::SetupServerSecurity() {
  const Security& sec = options_.server_security;
  if (sec.mode == SecurityMode::kPsk) {
    coap_dtls_spsk_t spsk;
    std::memset(&spsk, 0, sizeof spsk);
    spsk.version = COAP_DTLS_SPSK_SETUP_VERSION;
    spsk.validate_id_call_back = &PskThunk;
    spsk.id_call_back_arg = this;
    if (!sec.psk_hint.empty()) {
      spsk.psk_info.hint.s = reinterpret_cast<const uint8_t*>(sec.psk_hint.data());
      spsk.psk_info.hint.length = sec.psk_hint.size();
    }
    if (!sec.psk_key.empty()) {
      spsk.psk_info.key.s = sec.psk_key.data();
      spsk.psk_info.key.length = sec.psk_key.size();
    }
    if (!coap_context_set_psk2(ctx_, &spsk)) return InternalError("coap: coap_context_set_psk2 failed");
  }
  // A server may offer certificates next to PSK (either mode with both credentials).
  if (sec.mode == SecurityMode::kCertificate || (sec.mode == SecurityMode::kPsk && !sec.certificate_pem.empty())) {
    if (sec.certificate_pem.empty() || sec.private_key_pem.empty()) {
      return BadRequest("coap: certificate mode needs a certificate and its private key");
    }
    server_cert_ = sec.certificate_pem;
    server_key_ = sec.private_key_pem;
    server_ca_ = sec.ca_pem;
    coap_dtls_pki_t pki = PkiSetup(sec, server_cert_, server_key_, server_ca_);
    if (!coap_context_set_pki(ctx_, &pki)) {
      return BadRequest("coap: coap_context_set_pki refused the server certificate, key or CA (not PEM, or key and "
                        "certificate do not match)");
    }
  }
  if (sec.mode == SecurityMode::kCertificate && (sec.psk_lookup || !sec.psk_key.empty())) {
    coap_dtls_spsk_t spsk;
    std::memset(&spsk, 0, sizeof spsk);
    spsk.version = COAP_DTLS_SPSK_SETUP_VERSION;
    spsk.validate_id_call_back = &PskThunk;
    spsk.id_call_back_arg = this;
    // libcoap 4.3.1 (coap_openssl.c) switches a PKI server to PSK suites only when the client offers
    // them and a default server key is set; the id callback still picks the key (or rejects the
    // identity), so this random key is never used to authenticate anyone.
    psk_placeholder_.resize(32);
    if (RAND_bytes(psk_placeholder_.data(), static_cast<int>(psk_placeholder_.size())) != 1) {
      return InternalError("coap: no randomness for the PSK placeholder");
    }
    spsk.psk_info.key.s = psk_placeholder_.data();
    spsk.psk_info.key.length = psk_placeholder_.size();
    if (!coap_context_set_psk2(ctx_, &spsk)) return InternalError("coap: coap_context_set_psk2 failed");
  }
  if (sec.mode == SecurityMode::kNoSec) {
    return BadRequest("coap: a DTLS/TLS endpoint needs ContextOptions.server_security (PSK or certificate)");
  }
  server_security_set_ = true;
  return Status::Ok();
}

SecurityMode ContextImpl::ServerSessionSecurity(bool secure, bool has_psk_identity) const {
  if (!secure) return SecurityMode::kNoSec;
  if (has_psk_identity) return SecurityMode::kPsk;
  const Security& sec = options_.server_security;
  if (sec.mode == SecurityMode::kCertificate || !sec.certificate_pem.empty()) return SecurityMode::kCertificate;
  return sec.mode;
}

bool ContextImpl::CheckServerName(coap_session_t* s, const uint8_t* der, size_t len, unsigned depth) {
  if (depth != 0) return true;  // only the server's own certificate carries its name
  const Security* sec = nullptr;
  SessionImpl* impl = Find(s);
  if (impl != nullptr) {
    sec = &impl->security_config_;
  } else {
    sec = connecting_;
  }
  if (sec == nullptr || sec->server_name.empty()) return true;
  const unsigned char* p = der;
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(len));
  if (cert == nullptr) return false;
  const std::string& name = sec->server_name;
  // RFC 6125 §6.4.4: the CN counts only without DNS subjectAltNames (X509_check_host's default).
  int ok = IsIpLiteral(name) ? X509_check_ip_asc(cert, name.c_str(), 0)
                             : X509_check_host(cert, name.data(), name.size(), 0, nullptr);
  X509_free(cert);
  if (ok != 1 && impl != nullptr && impl->failure_.empty()) {
    impl->failure_ = "the server certificate does not name '" + name + "' (RFC 6125)";
  }
  return ok == 1;
}

const coap_bin_const_t* ContextImpl::PskForIdentity(const coap_bin_const_t* identity, coap_session_t* /*s*/) {
  std::string id(reinterpret_cast<const char*>(identity->s), identity->length);
  const Security& sec = options_.server_security;
  std::optional<Bytes> key;
  if (sec.psk_lookup) {
    key = sec.psk_lookup(id);
  } else if (!sec.psk_key.empty() && (sec.psk_identity.empty() || sec.psk_identity == id)) {
    key = sec.psk_key;
  }
  if (!key || key->empty()) return nullptr;  // unknown identity: the handshake fails
  psk_key_scratch_ = std::move(*key);      // libcoap copies it before we are called again
  psk_key_bin_.s = psk_key_scratch_.data();
  psk_key_bin_.length = psk_key_scratch_.size();
  return &psk_key_bin_;
}

Result<std::shared_ptr<Endpoint>> ContextImpl::Listen(const EndpointConfig& config) {
  TapScope scope(this);
  if (Status st = CheckTiming(config.timing); !st.ok()) return st;
  if (IsSecure(config.transport) && !server_security_set_) {
    Status st = SetupServerSecurity();
    if (!st.ok()) return st;
  }
  if (IsSecure(config.transport) && config.transport == Transport::kDtls && !coap_dtls_is_supported()) {
    return InternalError("coap: libcoap has no DTLS support");
  }
  coap_address_t addr;
  if (!ToCoapAddress({config.ip, config.port}, &addr)) {
    return BadRequest("coap: listen address '" + config.ip + "' is not a numeric IPv4/IPv6 address");
  }
  coap_endpoint_t* ep = coap_new_endpoint(ctx_, &addr, ToProto(config.transport));
  if (ep == nullptr) {
    return InternalError(std::string("coap: cannot listen on ") + TransportName(config.transport) + " " +
                         Address{config.ip, config.port}.ToString());
  }
  auto impl = std::make_shared<EndpointImpl>();
  impl->ctx_ = this;
  impl->ep_ = ep;
  impl->transport_ = config.transport;
  impl->timing_ = config.timing;
  {
    std::lock_guard<std::mutex> lock(g_endpoint_str_mutex);
    std::optional<Address> a = ParsePrinted(coap_endpoint_str(ep));
    if (!a) return InternalError("coap: cannot read the bound address of the endpoint");
    impl->address_ = *a;
  }
  if (config.timing.idle_timeout) {
    // libcoap frees idle server sessions after this many seconds (context-wide).
    auto secs = std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(*config.timing.idle_timeout).count());
    unsigned current = coap_context_get_session_timeout(ctx_);
    if (current == 0 || secs < current) coap_context_set_session_timeout(ctx_, static_cast<unsigned>(secs));
  }
  endpoints_.push_back(impl);
  return std::shared_ptr<Endpoint>(new Endpoint(impl));
}

Result<std::shared_ptr<Session>> ContextImpl::Connect(Transport transport, const Address& remote,
                                                      const Security& security, const Timing& timing) {
  TapScope scope(this);
  coap_address_t dst;
  if (!ToCoapAddress(remote, &dst)) {
    return BadRequest("coap: '" + remote.ip + "' is not a numeric IPv4/IPv6 address");
  }
  if (IsSecure(transport) && security.mode == SecurityMode::kNoSec) {
    return BadRequest(std::string("coap: ") + TransportName(transport) + " needs PSK or certificate credentials");
  }
  if (!IsSecure(transport) && security.mode != SecurityMode::kNoSec) {
    return BadRequest(std::string("coap: ") + TransportName(transport) + " carries no security; use dtls/tls");
  }
  if (Status st = CheckTiming(timing); !st.ok()) return st;
  auto impl = std::make_shared<SessionImpl>(this, nullptr, true);
  impl->security_config_ = security;
  impl->timing_ = timing;
  const Security& sec = impl->security_config_;
  if (!sec.server_name.empty() && !IsIpLiteral(sec.server_name)) impl->sni_ = sec.server_name;  // RFC 6066 §3
  connecting_ = &sec;
  coap_session_t* s = nullptr;
  if (sec.mode == SecurityMode::kNoSec) {
    s = coap_new_client_session(ctx_, nullptr, &dst, ToProto(transport));
  } else if (sec.mode == SecurityMode::kPsk) {
    coap_dtls_cpsk_t cpsk;
    std::memset(&cpsk, 0, sizeof cpsk);
    cpsk.version = COAP_DTLS_CPSK_SETUP_VERSION;
    cpsk.psk_info.identity.s = reinterpret_cast<const uint8_t*>(sec.psk_identity.data());
    cpsk.psk_info.identity.length = sec.psk_identity.size();
    cpsk.psk_info.key.s = sec.psk_key.data();
    cpsk.psk_info.key.length = sec.psk_key.size();
    if (!impl->sni_.empty()) cpsk.client_sni = impl->sni_.data();
    s = coap_new_client_session_psk2(ctx_, nullptr, &dst, ToProto(transport), &cpsk);
  } else {
    client_cert_ = sec.certificate_pem;
    client_key_ = sec.private_key_pem;
    client_ca_ = sec.ca_pem;
    coap_dtls_pki_t pki = PkiSetup(sec, client_cert_, client_key_, client_ca_);
    if (!sec.server_name.empty()) {
      pki.validate_cn_call_back = &CnThunk;
      pki.cn_call_back_arg = this;
    }
    if (!impl->sni_.empty()) pki.client_sni = impl->sni_.data();
    s = coap_new_client_session_pki(ctx_, nullptr, &dst, ToProto(transport), &pki);
  }
  connecting_ = nullptr;
  if (s == nullptr) {
    return InternalError(std::string("coap: cannot open a ") + TransportName(transport) + " session to " +
                         remote.ToString());
  }
  impl->s_ = s;
  coap_session_set_app_data(s, impl.get());
  impl->Refresh();
  impl->security_ = sec.mode;
  impl->ApplyTiming();
  sessions_[s] = impl;
  return impl->Handle();
}

void ContextImpl::SuppressNext(SessionImpl& s, const coap_pdu_t* request) {
  Suppress x;
  x.transport = s.transport_;
  x.remote = s.remote_;
  x.tcp_empty = IsReliable(s.transport_);
  x.mid = static_cast<uint16_t>(coap_pdu_get_mid(request));
  x.expires = SteadyClock::now() + kSuppressWindow;
  suppress_.push_back(x);
}

void ContextImpl::SendReset(SessionImpl& s, coap_session_t* session, const coap_pdu_t* request) {
  // libcoap 4.3.1 lets a request handler only fill a response, so the RST (empty, the
  // request's message ID, no token: RFC 7252 §4.2/§4.3) goes out now and what libcoap
  // sends after the handler (an empty ACK for CON) is withheld. Order matters: the
  // withholding matches an empty message with this ID, which the RST also is.
  coap_send_rst(session, request);
  SuppressNext(s, request);
}

bool ContextImpl::FillResponse(coap_session_t* session, const coap_pdu_t* request, const coap_string_t* query,
                               coap_pdu_t* response, const CoapMessage& m) {
  coap_pdu_set_code(response, static_cast<coap_pdu_code_t>(m.code));
  CoapMessage opts = m;
  bool large = false;
  if (!m.payload.empty() && !m.HasOption(CoapOption::kBlock2)) {
    coap_opt_iterator_t it;
    bool block_asked = coap_check_option(request, COAP_OPTION_BLOCK2, &it) != nullptr;
    large = block_asked || m.payload.size() + OptionBytes(m) + 24 > coap_session_max_pdu_size(session);
  }
  uint64_t etag = 0;
  if (large) {
    // libcoap writes ETag, Size2 and Block2 itself for a body it sends block by block.
    if (const CoapOptionValue* e = m.FindOption(CoapOption::kETag)) etag = UintOf(e->value);
    opts.RemoveOption(CoapOption::kETag);
    opts.RemoveOption(CoapOption::kSize2);
  }
  if (!AddOptions(response, opts)) return false;
  if (m.payload.empty()) return true;
  if (!large) return coap_add_data(response, m.payload.size(), m.payload.data()) != 0;
  coap_string_t* uri = coap_get_uri_path(request);
  std::string path = uri == nullptr ? "" : std::string(reinterpret_cast<const char*>(uri->s), uri->length);
  if (uri != nullptr) coap_delete_string(uri);
  auto* body = new Bytes(m.payload);
  return coap_add_data_large_response(ResourceForPath(path), session, request, response, query, 0, -1, etag,
                                      body->size(), body->data(), &ReleaseBytes, body) != 0;
}

void ContextImpl::HandleRequest(coap_resource_t* /*resource*/, coap_session_t* session, const coap_pdu_t* request,
                                const coap_string_t* query, coap_pdu_t* response) {
  SessionImpl* impl = FindOrAdopt(session);
  if (impl == nullptr) {
    coap_pdu_set_code(response, COAP_RESPONSE_CODE_INTERNAL_ERROR);
    return;
  }
  Bytes token = TokenOf(request);
  coap_bin_const_t tok{token.size(), token.data()};
  // A separate response being released: libcoap hands the stored request back to us.
  if (coap_async_t* async = coap_find_async(session, tok)) {
    auto* st = static_cast<DeferredResponse::State*>(coap_async_get_app_data(async));
    if (st != nullptr && st->ready) {
      FillResponse(session, request, query, response, st->response);
      st->responded = true;
      st->async = nullptr;  // libcoap frees it when we return (net.c coap_check_async)
      std::erase_if(deferred_, [&](const auto& d) { return d.get() == st; });
    }
    return;
  }
  CoapMessage req = PduToMessage(request, true);
  bool con_udp = req.type == CoapType::kConfirmable && !IsReliable(impl->transport_);
  auto now = SteadyClock::now();
  std::erase_if(impl->recent_, [&](const SessionImpl::Recent& r) { return now - r.at > kExchangeLifetime; });
  if (con_udp && options_.deduplicate_requests) {
    for (const auto& r : impl->recent_) {
      if (r.mid != req.message_id) continue;
      // Duplicate (RFC 7252 §4.5): the same reaction again, without the upper layer.
      if (r.decision == Responder::Decision::kRespond) {
        FillResponse(session, request, query, response, r.response);
      } else if (r.decision == Responder::Decision::kDrop) {
        SuppressNext(*impl, request);
      } else if (r.decision == Responder::Decision::kReset) {
        SendReset(*impl, session, request);
      }  // kDefer, already answered separately: libcoap repeats the empty ACK
      return;
    }
  }
  std::string path = req.UriPath();
  std::optional<uint32_t> observe = req.Observe();
  bool observable_method = req.code == CoapCode::kGet || req.code == CoapCode::kFetch;
  if (observable_method && observe) {
    // Deregistration, or re-registration with the same token, ends the old entry (RFC 7641 §3.6, §4.1).
    for (auto& o : observations_) {
      if (o->active_ && o->session_.get() == impl && o->token_ == token) {
        o->End(*observe == 1 ? "deregistered" : "replaced", true);
      }
    }
  }
  // Later blocks of a notification too large for one message (RFC 7959 §2.6 / RFC 7641 §4).
  if (req.code == CoapCode::kGet && !observe) {
    if (std::optional<BlockOption> b2 = req.Block2(); b2 && b2->num > 0) {
      for (auto& o : observations_) {
        if (o->session_.get() != impl || o->path_ != path || o->last_notification_.payload.empty()) continue;
        const CoapMessage& n = o->last_notification_;
        size_t size = b2->size(), off = static_cast<size_t>(b2->num) * size;
        if (off >= n.payload.size()) break;
        CoapMessage part;
        part.code = n.code;
        for (const auto& opt : n.options) {
          if (opt.number != CoapOption::kObserve && opt.number != CoapOption::kBlock2) part.options.push_back(opt);
        }
        size_t take = std::min(size, n.payload.size() - off);
        part.SetBlock2({b2->num, off + take < n.payload.size(), b2->szx});
        part.payload.assign(n.payload.begin() + static_cast<std::ptrdiff_t>(off),
                            n.payload.begin() + static_cast<std::ptrdiff_t>(off + take));
        FillResponse(session, request, query, response, part);
        return;
      }
    }
  }

  Responder r;
  std::shared_ptr<SessionImpl> simpl = impl->shared_from_this();
  r.make_deferred_ = [this, simpl, token]() {
    auto st = std::make_shared<DeferredResponse::State>();
    st->ctx = this;
    st->session = simpl;
    st->token = token;
    return std::shared_ptr<DeferredResponse>(new DeferredResponse(st));
  };
  r.make_observation_ = [this, simpl, token, path, observable_method, observe]() -> std::shared_ptr<Observation> {
    if (!observable_method || !observe || *observe != 0) return nullptr;
    auto o = std::make_shared<ObservationImpl>();
    o->ctx_ = this;
    o->session_ = simpl;
    o->token_ = token;
    o->path_ = path;
    return std::shared_ptr<Observation>(new Observation(o));
  };
  if (request_handler_) {
    Peer peer;
    peer.session = impl->Handle();
    peer.transport = impl->transport_;
    peer.security = impl->security_;
    peer.local = impl->local_;
    peer.remote = impl->remote_;
    peer.psk_identity = impl->psk_identity_;
    if (impl->peer_cn_.empty() && IsSecure(impl->transport_)) impl->Refresh();
    peer.peer_common_name = impl->peer_cn_;
    request_handler_(peer, req, r);
  } else {
    r.Respond([] {
      CoapMessage m;
      m.code = CoapCode::kNotFound;
      return m;
    }());
  }
  if (r.decision_ == Responder::Decision::kNone) {
    r.response_ = CoapMessage{};
    r.response_.code = CoapCode::kInternalServerError;
    r.decision_ = Responder::Decision::kRespond;
  }
  if (r.observation_ && r.decision_ != Responder::Decision::kRespond) {
    r.observation_->impl_->active_ = false;  // only an immediate 2.xx response registers an observer
  }
  if (impl->s_ == nullptr) return;  // the handler closed the session
  switch (r.decision_) {
    case Responder::Decision::kRespond: {
      if (r.observation_) {
        ObservationImpl& o = *r.observation_->impl_;
        if ((r.response_.code >> 5) == 2) {
          if (!r.response_.HasOption(CoapOption::kObserve)) {
            o.seq_ = (observe_seq_++) & 0xFFFFFF;
            r.response_.AddUintOption(CoapOption::kObserve, o.seq_);
          }
          coap_session_reference(session);
          o.referenced_ = true;
          observations_.push_back(r.observation_->impl_);
        } else {
          o.active_ = false;  // an error response registers nobody (RFC 7641 §4.1)
        }
      }
      if (!FillResponse(session, request, query, response, r.response_)) {
        coap_pdu_set_code(response, COAP_RESPONSE_CODE_INTERNAL_ERROR);
      }
      break;
    }
    case Responder::Decision::kDefer: {
      coap_async_t* async = coap_register_async(session, request, 0);
      auto st = r.deferred_->state_;
      if (async == nullptr) {
        coap_pdu_set_code(response, COAP_RESPONSE_CODE_INTERNAL_ERROR);
        break;
      }
      st->async = async;
      coap_async_set_app_data(async, st.get());
      deferred_.push_back(st);
      // libcoap now sends an empty ACK for a CON over UDP/DTLS; anything else it would send is not a message.
      if (req.type != CoapType::kConfirmable || IsReliable(impl->transport_)) SuppressNext(*impl, request);
      break;
    }
    case Responder::Decision::kDrop:
      SuppressNext(*impl, request);
      break;
    case Responder::Decision::kReset:
      if (IsReliable(impl->transport_)) {
        SuppressNext(*impl, request);  // no RST in RFC 8323 (§3.2): as Drop
      } else {
        SendReset(*impl, session, request);
      }
      break;
    case Responder::Decision::kNone:
      break;
  }
  if (con_udp) {
    SessionImpl::Recent rec;
    rec.mid = req.message_id;
    rec.at = now;
    rec.decision = r.decision_;
    if (r.decision_ == Responder::Decision::kRespond) rec.response = r.response_;
    impl->recent_.push_back(std::move(rec));
    if (impl->recent_.size() > kRecentPerSession) impl->recent_.pop_front();
  }
}

coap_response_t ContextImpl::HandleResponse(coap_session_t* session, const coap_pdu_t* /*sent*/,
                                            const coap_pdu_t* received) {
  SessionImpl* impl = Find(session);
  bool is_ack = coap_pdu_get_type(received) == COAP_MESSAGE_ACK;
  if (impl == nullptr) return is_ack ? COAP_RESPONSE_OK : COAP_RESPONSE_FAIL;
  Bytes token = TokenOf(received);
  auto it = impl->pending_.find(token);
  if (it == impl->pending_.end()) {
    // Unknown token: reject (RFC 7252 §5.3.2, RFC 7641 §3.6); an ACK cannot be rejected.
    return is_ack ? COAP_RESPONSE_OK : COAP_RESPONSE_FAIL;
  }
  Reply reply;
  reply.response = PduToMessage(received, true);
  if (it->second.observe) {
    if (it->second.cancel_by_reset) {
      ResponseHandler h = std::move(it->second.handler);
      impl->pending_.erase(it);
      Reply c;
      c.outcome = Outcome::kCancelled;
      c.detail = "cancelled with RST";
      if (h) h(c);
      return COAP_RESPONSE_FAIL;  // libcoap answers with RST
    }
    bool ends = !reply.response.HasOption(CoapOption::kObserve) || (reply.response.code >> 5) != 2 ||
                it->second.cancel_sent;
    ResponseHandler h = ends ? std::move(it->second.handler) : it->second.handler;
    if (ends) impl->pending_.erase(it);
    if (h) h(reply);
    return COAP_RESPONSE_OK;
  }
  ResponseHandler h = std::move(it->second.handler);
  impl->pending_.erase(it);
  if (h) h(reply);
  return COAP_RESPONSE_OK;
}

void ContextImpl::HandleNack(coap_session_t* session, const coap_pdu_t* sent, coap_nack_reason_t reason) {
  if (sent == nullptr || reason == COAP_NACK_ICMP_ISSUE) return;  // ICMP: libcoap keeps retrying
  SessionImpl* impl = Find(session);
  if (impl == nullptr) return;
  Bytes token = TokenOf(sent);
  Outcome outcome = Outcome::kSendFailed;
  std::string detail;
  switch (reason) {
    case COAP_NACK_TOO_MANY_RETRIES:
      outcome = Outcome::kTimeout;
      detail = "no ACK after MAX_RETRANSMIT retransmissions";
      break;
    case COAP_NACK_RST:
      outcome = Outcome::kReset;
      detail = "peer answered with RST";
      break;
    case COAP_NACK_TLS_FAILED:
      outcome = Outcome::kSecurityFailed;
      detail = "(D)TLS failure";
      break;
    case COAP_NACK_NOT_DELIVERABLE:
      outcome = Outcome::kSessionClosed;
      detail = "not deliverable: session closed";
      break;
    default:
      detail = "nack reason " + std::to_string(static_cast<int>(reason));
      break;
  }
  if (coap_pdu_get_code(sent) >= 64) {
    // A CON notification that was rejected or never acknowledged ends its observation (RFC 7641 §4.5).
    for (auto& o : observations_) {
      if (o->active_ && o->session_.get() == impl && o->token_ == token) o->End(detail, true);
    }
    return;
  }
  auto it = impl->pending_.find(token);
  if (it == impl->pending_.end()) return;
  ResponseHandler h = std::move(it->second.handler);
  impl->pending_.erase(it);
  Reply r;
  r.outcome = outcome;
  r.detail = detail;
  if (h) h(r);
}

void ContextImpl::HandleEvent(coap_session_t* session, coap_event_t event) {
  switch (event) {
    case COAP_EVENT_SERVER_SESSION_NEW:
      FindOrAdopt(session);
      return;
    case COAP_EVENT_SERVER_SESSION_DEL:
      Forget(session, "session freed by libcoap (idle or evicted)", false);
      return;
    default:
      break;
  }
  SessionImpl* impl = FindOrAdopt(session);
  if (impl == nullptr) return;
  switch (event) {
    case COAP_EVENT_DTLS_CONNECTED:
    case COAP_EVENT_SESSION_CONNECTED:
      impl->Refresh();
      if (event == COAP_EVENT_SESSION_CONNECTED || impl->transport_ == Transport::kDtls) {
        impl->ever_established_ = true;
        EmitEvent(SessionEventKind::kConnected, impl, "");
      }
      break;
    case COAP_EVENT_DTLS_ERROR:
      impl->failed_ = !impl->ever_established_;
      impl->closed_ = impl->ever_established_;
      if (impl->failure_.empty()) impl->failure_ = "(D)TLS alert or handshake failure";
      impl->FailPending(Outcome::kSecurityFailed, impl->failure_);
      EmitEvent(SessionEventKind::kFailed, impl, impl->failure_);
      break;
    case COAP_EVENT_TCP_FAILED:
    case COAP_EVENT_SESSION_FAILED:
      impl->failed_ = true;
      if (impl->failure_.empty()) {
        impl->failure_ = event == COAP_EVENT_TCP_FAILED ? "TCP connect failed" : "session failed (no CSM?)";
      }
      impl->FailPending(Outcome::kSessionClosed, impl->failure_);
      EmitEvent(SessionEventKind::kFailed, impl, impl->failure_);
      break;
    case COAP_EVENT_DTLS_CLOSED:
    case COAP_EVENT_TCP_CLOSED:
    case COAP_EVENT_SESSION_CLOSED:
      if (impl->failed_) {
        impl->FailPending(Outcome::kSessionClosed, impl->failure_);  // already reported
      } else if (!impl->ever_established_) {
        impl->failed_ = true;
        bool handshake = IsSecure(impl->transport_);
        if (impl->failure_.empty()) {
          impl->failure_ = handshake ? "(D)TLS handshake did not complete" : "closed before it was established";
        }
        impl->FailPending(handshake ? Outcome::kSecurityFailed : Outcome::kSessionClosed, impl->failure_);
        EmitEvent(SessionEventKind::kFailed, impl, impl->failure_);
      } else {
        impl->closed_ = true;
        if (impl->failure_.empty()) impl->failure_ = "closed by the peer";
        impl->FailPending(Outcome::kSessionClosed, impl->failure_);
        EmitEvent(SessionEventKind::kClosed, impl, impl->failure_);
      }
      break;
    default:
      break;
  }
}

Status ContextImpl::SendNotification(ObservationImpl& o, CoapMessage n, CoapType type) {
  coap_session_t* s = o.session_->s_;
  if (!o.active_ || s == nullptr) return BadRequest("coap: observation is no longer active");
  TapScope scope(this);
  if (!n.HasOption(CoapOption::kObserve)) {
    o.seq_ = (observe_seq_++) & 0xFFFFFF;
    n.AddUintOption(CoapOption::kObserve, o.seq_);
  }
  size_t max = coap_session_max_pdu_size(s);
  CoapMessage wire = n;
  if (n.payload.size() + OptionBytes(n) + 24 > max && !n.HasOption(CoapOption::kBlock2)) {
    // First block now; the client fetches the rest with GET + Block2 (RFC 7959 §2.6).
    uint8_t szx = 6;
    while (szx > 0 && (16u << szx) + OptionBytes(n) + 40 > max) --szx;
    wire.payload.assign(n.payload.begin(), n.payload.begin() + (16u << szx));
    wire.SetBlock2({0, true, szx});
    wire.AddUintOption(CoapOption::kSize2, static_cast<uint32_t>(n.payload.size()));
    o.last_notification_ = n;
  } else {
    o.last_notification_ = CoapMessage{};
  }
  coap_pdu_t* pdu = coap_pdu_init(type == CoapType::kConfirmable ? COAP_MESSAGE_CON : COAP_MESSAGE_NON,
                                  static_cast<coap_pdu_code_t>(wire.code), coap_new_message_id(s), max);
  if (pdu == nullptr) return InternalError("coap: cannot allocate a notification");
  coap_add_token(pdu, o.token_.size(), o.token_.data());
  if (!AddOptions(pdu, wire) ||
      (!wire.payload.empty() && !coap_add_data(pdu, wire.payload.size(), wire.payload.data()))) {
    coap_delete_pdu(pdu);
    return InternalError("coap: notification does not fit one PDU");
  }
  coap_mid_t mid = coap_send(s, pdu);
  if (mid == COAP_INVALID_MID) return InternalError("coap: notification could not be sent");
  o.sent_mids_.push_back(static_cast<uint16_t>(mid));
  if (o.sent_mids_.size() > 16) o.sent_mids_.pop_front();
  if ((n.code >> 5) != 2) o.End("error notification sent", true);  // RFC 7641 §4.2
  return Status::Ok();
}

SteadyClock::time_point ContextImpl::NextHousekeeping() const {
  auto next = SteadyClock::time_point::max();
  for (const auto& [s, impl] : sessions_) {
    if (impl->timing_.idle_timeout) next = std::min(next, impl->last_activity_ + *impl->timing_.idle_timeout);
    if (impl->timing_.handshake_timeout && !impl->ever_established_ && !impl->failed_ && impl->State() ==
        SessionState::kConnecting) {
      next = std::min(next, impl->created_ + *impl->timing_.handshake_timeout);
    }
  }
  for (const auto& o : observations_) {
    if (o->reset_seen_) next = SteadyClock::now();
  }
  for (const auto& [s, impl] : sessions_) {
    for (const auto& [t, p] : impl->pending_) {
      if (p.deadline) next = std::min(next, *p.deadline);
    }
    if (!impl->queued_.empty() && impl->State() == SessionState::kEstablished) next = SteadyClock::now();
  }
  return next;
}

void ContextImpl::Housekeeping() {
  auto now = SteadyClock::now();
  for (auto& o : observations_) {
    if (o->reset_seen_) o->End("reset by the client", true);
  }
  std::erase_if(observations_, [](const auto& o) { return !o->active_; });
  std::vector<std::pair<std::shared_ptr<SessionImpl>, Bytes>> expired;
  for (auto& [s, impl] : sessions_) {
    for (auto& [t, p] : impl->pending_) {
      if (p.deadline && *p.deadline <= now) expired.emplace_back(impl, t);
    }
  }
  for (auto& [impl, token] : expired) {
    auto it = impl->pending_.find(token);
    if (it == impl->pending_.end()) continue;
    ResponseHandler h = std::move(it->second.handler);
    impl->pending_.erase(it);
    Reply r;
    r.outcome = Outcome::kTimeout;
    r.detail = "no response in time";
    if (h) h(r);
  }
  std::vector<std::shared_ptr<SessionImpl>> ready;
  for (auto& [s, impl] : sessions_) {
    if (!impl->queued_.empty() && impl->State() == SessionState::kEstablished) ready.push_back(impl);
  }
  for (auto& impl : ready) {
    auto queued = std::move(impl->queued_);
    impl->queued_.clear();
    for (const CoapMessage& m : queued) {
      if (impl->s_ == nullptr) break;
      if (Status st = impl->SendNow(m); !st.ok()) {
        auto it = impl->pending_.find(m.token);
        if (it == impl->pending_.end()) continue;
        ResponseHandler h = std::move(it->second.handler);
        impl->pending_.erase(it);
        Reply r;
        r.outcome = Outcome::kSendFailed;
        r.detail = st.message();
        if (h) h(r);
      }
    }
  }
  std::vector<coap_session_t*> to_close;
  for (auto& [s, impl] : sessions_) {
    if (impl->no_retransmit_.size() > 256) impl->no_retransmit_.erase(impl->no_retransmit_.begin());
    SessionState st = impl->State();
    if (impl->timing_.handshake_timeout && st == SessionState::kConnecting &&
        now - impl->created_ >= *impl->timing_.handshake_timeout) {
      impl->failed_ = true;
      impl->failure_ = "handshake not completed within the handshake timeout";
      impl->FailPending(Outcome::kSecurityFailed, impl->failure_);
      EmitEvent(SessionEventKind::kFailed, impl.get(), impl->failure_);
      coap_session_disconnected(s, COAP_NACK_TLS_FAILED);
    } else if (impl->timing_.idle_timeout && now - impl->last_activity_ >= *impl->timing_.idle_timeout &&
               st != SessionState::kFailed && st != SessionState::kClosed) {
      to_close.push_back(s);
    }
  }
  for (coap_session_t* s : to_close) {
    SessionImpl* impl = Find(s);
    if (impl == nullptr) continue;
    std::shared_ptr<SessionImpl> keep = impl->shared_from_this();
    EmitEvent(SessionEventKind::kClosed, impl, "idle timeout");
    if (impl->client_) {
      Forget(s, "idle timeout", false);
      coap_session_release(s);
    } else {
      bool udp = impl->transport_ == Transport::kUdp;
      Forget(s, "idle timeout", false);
      if (!udp) coap_session_disconnected(s, COAP_NACK_NOT_DELIVERABLE);
    }
  }
  std::erase_if(suppress_, [&](const Suppress& x) { return x.expires < now; });
}

bool ContextImpl::RunOnce(uint32_t timeout_ms) {
  TapScope scope(this);
  auto next = NextHousekeeping();
  auto now = SteadyClock::now();
  if (next != SteadyClock::time_point::max()) {
    auto until = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
    if (until < 0) until = 0;
    if (timeout_ms != COAP_IO_NO_WAIT && static_cast<uint64_t>(until) < timeout_ms) {
      timeout_ms = until == 0 ? COAP_IO_NO_WAIT : static_cast<uint32_t>(until);
    }
  }
  ++in_io_;
  int r = coap_io_process(ctx_, timeout_ms);
  --in_io_;
  uint64_t drained;
  if (wake_fd_ >= 0) (void)!read(wake_fd_, &drained, sizeof drained);
  Housekeeping();
  auto later = std::move(release_later_);
  release_later_.clear();
  for (auto& [s, client] : later) {
    if (client) {
      coap_session_release(s);
    } else {
      coap_session_disconnected(s, COAP_NACK_NOT_DELIVERABLE);
    }
  }
  return r >= 0;
}

// ---------------------------------------------------------------- Context

Context::Context(ContextOptions options) : impl_(std::make_unique<ContextImpl>(std::move(options))) {}
Context::~Context() = default;

void Context::SetRequestHandler(RequestHandler handler) { impl_->request_handler_ = std::move(handler); }
void Context::SetWireHook(WireHook hook) { impl_->wire_hook_ = std::move(hook); }
void Context::SetKeyLog(KeyLogSink sink) { impl_->key_log_ = std::move(sink); }
void Context::SetSessionEventHandler(std::function<void(const SessionEvent&)> handler) {
  impl_->event_handler_ = std::move(handler);
}

Result<std::shared_ptr<Endpoint>> Context::Listen(const EndpointConfig& config) { return impl_->Listen(config); }

Result<std::shared_ptr<Session>> Context::Connect(std::string_view uri, const Security& security,
                                                  const Timing& timing) {
  auto parsed = ParseUri(uri);
  if (!parsed) return parsed.status();
  return impl_->Connect(parsed->first, parsed->second, security, timing);
}

Result<std::shared_ptr<Session>> Context::Connect(Transport transport, const Address& remote,
                                                  const Security& security, const Timing& timing) {
  return impl_->Connect(transport, remote, security, timing);
}

bool Context::RunOnce(std::chrono::milliseconds timeout) {
  uint32_t ms = timeout.count() <= 0 ? COAP_IO_NO_WAIT : static_cast<uint32_t>(timeout.count());
  return impl_->RunOnce(ms);
}

bool Context::RunUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  return coap::RunUntil({this}, pred, timeout);
}

bool Context::WireTapAvailable() { return WireTapLinked(); }

std::string Context::TlsSupport() {
  std::call_once(g_startup, [] { coap_startup(); });
  char support[256];
  char version[256];
  return std::string(coap_string_tls_support(support, sizeof support)) + " " +
         coap_string_tls_version(version, sizeof version);
}

bool Context::RpkSupported() {
  // libcoap 4.3.1 has no coap_dtls_rpk_is_supported(); its support string says "and RPK support"
  // or "and no RPK support" (coap_openssl.c logs "RPK Support not available in OpenSSL").
  return TlsSupport().find("no RPK support") == std::string::npos;
}

void Context::Wake() {
  uint64_t one = 1;
  if (impl_->wake_fd_ >= 0) (void)!write(impl_->wake_fd_, &one, sizeof one);
}

bool RunUntil(std::initializer_list<Context*> contexts, const std::function<bool()>& pred,
              std::chrono::milliseconds timeout) {
  auto deadline = SteadyClock::now() + timeout;
  while (true) {
    for (Context* c : contexts) c->impl().RunOnce(COAP_IO_NO_WAIT);
    if (pred()) return true;
    auto now = SteadyClock::now();
    if (now >= deadline) return false;
    // Wait on every Context's epoll descriptor at once, until the earliest timer of any.
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    std::vector<pollfd> fds;
    for (Context* c : contexts) {
      ContextImpl& impl = c->impl();
      TapScope scope(&impl);
      coap_tick_t ticks;
      coap_ticks(&ticks);
      ++impl.in_io_;
      unsigned int t = coap_io_prepare_epoll(impl.ctx_, ticks);
      --impl.in_io_;
      if (t != 0) wait = std::min<int64_t>(wait, t);
      auto hk = impl.NextHousekeeping();
      if (hk != SteadyClock::time_point::max()) {
        wait = std::min<int64_t>(wait, std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                hk - SteadyClock::now()).count() + 1));
      }
      fds.push_back({coap_context_get_coap_fd(impl.ctx_), POLLIN, 0});
    }
    poll(fds.data(), fds.size(), static_cast<int>(std::max<int64_t>(0, wait)));
  }
}

Result<std::pair<Transport, Address>> ParseUri(std::string_view uri) {
  struct Scheme {
    std::string_view prefix;
    Transport t;
    uint16_t port;
  };
  static constexpr Scheme kSchemes[] = {{"coaps+tcp://", Transport::kTls, 5684},
                                        {"coap+tcp://", Transport::kTcp, 5683},
                                        {"coaps://", Transport::kDtls, 5684},
                                        {"coap://", Transport::kUdp, 5683}};
  for (const Scheme& s : kSchemes) {
    if (uri.substr(0, s.prefix.size()) != s.prefix) continue;
    std::string_view rest = uri.substr(s.prefix.size());
    rest = rest.substr(0, rest.find('/'));
    Address a;
    a.port = s.port;
    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {
      size_t close = rest.find(']');
      if (close == std::string_view::npos) return BadRequest("coap: unterminated '[' in URI " + std::string(uri));
      a.ip = std::string(rest.substr(1, close - 1));
      if (close + 1 < rest.size() && rest[close + 1] == ':') port_text = rest.substr(close + 2);
    } else {
      size_t colon = rest.find(':');
      a.ip = std::string(rest.substr(0, colon));
      if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
    }
    if (!port_text.empty()) {
      uint32_t p = 0;
      for (char ch : port_text) {
        if (ch < '0' || ch > '9' || (p = p * 10 + static_cast<uint32_t>(ch - '0')) > 65535) {
          return BadRequest("coap: bad port in URI " + std::string(uri));
        }
      }
      a.port = static_cast<uint16_t>(p);
    }
    coap_address_t check;
    if (!ToCoapAddress(a, &check)) return BadRequest("coap: host of " + std::string(uri) + " is not a numeric IP");
    return std::make_pair(s.t, a);
  }
  return BadRequest("coap: unknown URI scheme in " + std::string(uri));
}

// ---------------------------------------------------------------- Endpoint

Endpoint::Endpoint(std::shared_ptr<EndpointImpl> impl) : impl_(std::move(impl)) {}

Endpoint::~Endpoint() {
  ContextImpl* c = impl_->ctx_;
  if (c == nullptr || impl_->ep_ == nullptr) return;
  TapScope scope(c);
  c->no_adopt_ = true;
  std::vector<coap_session_t*> mine;
  for (auto& [s, impl] : c->sessions_) {
    if (!impl->client_ && c->EndpointFor(s) == impl_.get()) mine.push_back(s);
  }
  for (coap_session_t* s : mine) {
    c->Forget(s, "endpoint closed", false, false);  // a destructor calls no user code
    // Drops its queued CON messages, whose references would trip coap_free_endpoint's assert.
    coap_session_disconnected(s, COAP_NACK_NOT_DELIVERABLE);
  }
  std::erase_if(c->endpoints_, [&](const auto& w) { return w.expired() || w.lock() == impl_; });
  coap_free_endpoint(impl_->ep_);
  impl_->ep_ = nullptr;
  c->no_adopt_ = false;
}

Transport Endpoint::transport() const { return impl_->transport_; }
Address Endpoint::address() const { return impl_->address_; }

// ---------------------------------------------------------------- Session

Session::Session(std::shared_ptr<SessionImpl> impl) : impl_(std::move(impl)) {}

Session::~Session() {
  // The last handle of a client session closes it, quietly: nobody is left to hear about it.
  if (impl_->client_) CloseImpl(false);
}

bool Session::is_client() const { return impl_->client_; }
Transport Session::transport() const { return impl_->transport_; }
SecurityMode Session::security() const { return impl_->security_; }
Address Session::local() const { return impl_->local_; }
Address Session::remote() const { return impl_->remote_; }
std::string Session::psk_identity() const {
  if (impl_->s_ != nullptr) impl_->Refresh();
  return impl_->psk_identity_;
}
std::string Session::peer_common_name() const {
  if (impl_->s_ != nullptr) impl_->Refresh();
  return impl_->peer_cn_;
}
SessionState Session::state() const { return impl_->State(); }
std::string Session::failure() const { return impl_->failure_; }

std::string Session::cipher() const {
  if (impl_->s_ == nullptr) return "";
  coap_tls_library_t lib;
  auto* ssl = static_cast<SSL*>(coap_session_get_tls(impl_->s_, &lib));
  if (ssl == nullptr || lib != COAP_TLS_LIBRARY_OPENSSL) return "";
  const SSL_CIPHER* c = SSL_get_current_cipher(ssl);
  if (c == nullptr) return "";
  const char* name = SSL_CIPHER_standard_name(c);
  return name == nullptr ? SSL_CIPHER_get_name(c) : name;
}

std::string Session::tls_protocol() const {
  if (impl_->s_ == nullptr) return "";
  coap_tls_library_t lib;
  auto* ssl = static_cast<SSL*>(coap_session_get_tls(impl_->s_, &lib));
  if (ssl == nullptr || lib != COAP_TLS_LIBRARY_OPENSSL) return "";
  return SSL_get_version(ssl);
}

Status SessionImpl::SendNow(const CoapMessage& request) {
  coap_session_t* s = s_;
  coap_pdu_type_t type = request.type == CoapType::kNonConfirmable ? COAP_MESSAGE_NON : COAP_MESSAGE_CON;
  uint16_t mid = coap_new_message_id(s);
  coap_pdu_t* pdu = coap_pdu_init(type, static_cast<coap_pdu_code_t>(request.code), mid,
                                  coap_session_max_pdu_size(s));
  if (pdu == nullptr) return InternalError("coap: cannot allocate a PDU");
  coap_add_token(pdu, request.token.size(), request.token.data());
  if (!AddOptions(pdu, request)) {
    coap_delete_pdu(pdu);
    return BadRequest("coap: options do not fit one PDU");
  }
  if (!request.payload.empty()) {
    int ok;
    if (request.HasOption(CoapOption::kBlock1)) {
      ok = coap_add_data(pdu, request.payload.size(), request.payload.data());  // the caller runs the blocks
    } else {
      auto* body = new Bytes(request.payload);
      ok = coap_add_data_large_request(s, pdu, body->size(), body->data(), &ReleaseBytes, body);
    }
    if (!ok) {
      coap_delete_pdu(pdu);
      return BadRequest("coap: payload could not be added");
    }
  }
  auto it = pending_.find(request.token);
  bool unreliable = !IsReliable(transport_);
  if (it != pending_.end()) {
    if (unreliable && type == COAP_MESSAGE_CON && timing_.max_retransmit == 0) {
      // RFC 7252 §4.2 with MAX_RETRANSMIT 0: one transmission, give up after ACK_TIMEOUT * random factor.
      double t = timing_.ack_timeout ? static_cast<double>(timing_.ack_timeout->count()) : 2000.0;
      double rf = timing_.ack_random_factor.value_or(1.5);
      uint8_t r = 0;
      coap_prng(&r, 1);
      t *= 1.0 + (rf - 1.0) * r / 256.0;
      it->second.deadline = SteadyClock::now() + std::chrono::milliseconds(static_cast<int64_t>(t));
      no_retransmit_[mid] = false;
    } else if (unreliable && type == COAP_MESSAGE_NON && !it->second.observe) {
      it->second.deadline = SteadyClock::now() + kNonLifetime;  // nobody retransmits a NON: stop waiting eventually
    }
  }
  if (coap_send(s, pdu) == COAP_INVALID_MID) return InternalError("coap: could not send the request");
  return Status::Ok();
}

Result<Bytes> Session::Send(CoapMessage request, ResponseHandler handler) {
  SessionImpl& si = *impl_;
  if (si.ctx_ == nullptr || si.s_ == nullptr) return BadRequest("coap: session is closed: " + si.failure_);
  if (si.failed_) return BadRequest("coap: session failed: " + si.failure_);
  TapScope scope(si.ctx_);
  if (request.token.empty()) {
    uint8_t buf[8];
    size_t len = sizeof buf;
    coap_session_new_token(si.s_, &len, buf);
    request.token.assign(buf, buf + len);
  }
  if (request.token.size() > 8) return BadRequest("coap: token longer than 8 bytes");
  bool observe = request.Observe().has_value() && *request.Observe() == 0 &&
                 (request.code == CoapCode::kGet || request.code == CoapCode::kFetch);
  SessionImpl::Pending p;
  p.handler = std::move(handler);
  p.observe = observe;
  si.pending_[request.token] = std::move(p);
  if (si.client_ && IsReliable(si.transport_) && si.State() != SessionState::kEstablished) {
    si.queued_.push_back(request);  // sent once the CSM exchange is done (Housekeeping)
    return request.token;
  }
  if (Status st = si.SendNow(request); !st.ok()) {
    si.pending_.erase(request.token);
    return st;
  }
  return request.token;
}

Result<Bytes> Session::Observe(CoapMessage request, ResponseHandler on_notification) {
  request.RemoveOption(CoapOption::kObserve);
  request.AddUintOption(CoapOption::kObserve, 0);
  return Send(std::move(request), std::move(on_notification));
}

Status Session::CancelObserve(const Bytes& token, CancelBy how) {
  SessionImpl& si = *impl_;
  if (si.ctx_ == nullptr || si.s_ == nullptr) return BadRequest("coap: session is closed");
  auto it = si.pending_.find(token);
  if (it == si.pending_.end() || !it->second.observe) return NotFound("coap: no observation with token " + HexOf(token));
  if (how == CancelBy::kReset && !IsReliable(si.transport_)) {
    it->second.cancel_by_reset = true;
    return Status::Ok();
  }
  TapScope scope(si.ctx_);
  coap_binary_t bin{token.size(), const_cast<uint8_t*>(token.data())};
  if (!coap_cancel_observe(si.s_, &bin, COAP_MESSAGE_CON)) {
    return InternalError("coap: libcoap did not send the deregistration (no notification seen yet?)");
  }
  it->second.cancel_sent = true;
  return Status::Ok();
}

Status Session::Ping() {
  SessionImpl& si = *impl_;
  if (si.ctx_ == nullptr || si.s_ == nullptr) return BadRequest("coap: session is closed");
  TapScope scope(si.ctx_);
  if (coap_session_send_ping(si.s_) == COAP_INVALID_MID) return InternalError("coap: ping not sent");
  return Status::Ok();
}

Status Session::SetTiming(const Timing& t) {
  if (Status st = CheckTiming(t); !st.ok()) return st;
  impl_->timing_ = t;
  if (impl_->ctx_ != nullptr) {
    TapScope scope(impl_->ctx_);
    impl_->ApplyTiming();
  }
  return Status::Ok();
}

void Session::Close() { CloseImpl(true); }

void Session::CloseImpl(bool notify) {
  SessionImpl& si = *impl_;
  ContextImpl* c = si.ctx_;
  coap_session_t* s = si.s_;
  if (c == nullptr || s == nullptr) return;
  std::shared_ptr<SessionImpl> keep = impl_;
  TapScope scope(c);
  bool client = si.client_;
  bool udp = si.transport_ == Transport::kUdp;
  c->Forget(s, "closed locally", false, notify);
  if (!client && udp) return;  // nothing to tear down; libcoap frees it when idle
  if (c->in_io_ > 0) {
    c->release_later_.emplace_back(s, client);  // a libcoap callback may still be using it
  } else if (client) {
    coap_session_release(s);
  } else {
    coap_session_disconnected(s, COAP_NACK_NOT_DELIVERABLE);
  }
}

// ---------------------------------------------------------------- Observation

Observation::Observation(std::shared_ptr<ObservationImpl> impl) : impl_(std::move(impl)) {}
Observation::~Observation() = default;
bool Observation::active() const { return impl_->active_ && impl_->session_->s_ != nullptr; }
const Bytes& Observation::token() const { return impl_->token_; }
std::string Observation::path() const { return impl_->path_; }
uint32_t Observation::last_sequence() const { return impl_->seq_; }
std::shared_ptr<Session> Observation::session() const { return impl_->session_->Handle(); }
Status Observation::Notify(CoapMessage notification, CoapType type) {
  if (!impl_->active_ || impl_->ctx_ == nullptr) return BadRequest("coap: observation is no longer active");
  return impl_->ctx_->SendNotification(*impl_, std::move(notification), type);
}
void Observation::SetOnCancel(std::function<void(const std::string&)> on_cancel) {
  impl_->on_cancel_ = std::move(on_cancel);
}
void Observation::Cancel() { impl_->End("cancelled locally", false); }

// ---------------------------------------------------------------- Responder, DeferredResponse

void Responder::Respond(CoapMessage response) {
  if (decision_ != Decision::kNone) return;
  decision_ = Decision::kRespond;
  response_ = std::move(response);
}

std::shared_ptr<DeferredResponse> Responder::Defer() {
  if (decision_ != Decision::kNone) return deferred_;
  decision_ = Decision::kDefer;
  deferred_ = make_deferred_();
  return deferred_;
}

void Responder::Drop() {
  if (decision_ == Decision::kNone) decision_ = Decision::kDrop;
}

void Responder::Reset() {
  if (decision_ == Decision::kNone) decision_ = Decision::kReset;
}

std::shared_ptr<Observation> Responder::AcceptObserve() {
  if (!observation_ && make_observation_) observation_ = make_observation_();
  return observation_;
}

bool Responder::decided() const { return decision_ != Decision::kNone; }

DeferredResponse::DeferredResponse(std::shared_ptr<State> state) : state_(std::move(state)) {}

DeferredResponse::~DeferredResponse() {
  State& st = *state_;
  if (st.responded || st.ready || st.ctx == nullptr || st.async == nullptr || st.session->s_ == nullptr) return;
  // Never answered: forget the request (libcoap stops acknowledging its retransmissions).
  TapScope scope(st.ctx);
  coap_free_async(st.session->s_, st.async);
  st.async = nullptr;
  std::erase_if(st.ctx->deferred_, [&](const auto& d) { return d.get() == &st; });
}

Status DeferredResponse::Respond(CoapMessage response) {
  State& st = *state_;
  if (st.responded || st.ready) return BadRequest("coap: deferred response already sent");
  if (st.ctx == nullptr || st.session->s_ == nullptr || st.async == nullptr) {
    return BadRequest("coap: the session of the deferred request is gone");
  }
  st.response = std::move(response);
  st.ready = true;
  TapScope scope(st.ctx);
  coap_async_trigger(st.async);  // libcoap re-runs the request through HandleRequest on the next step
  return Status::Ok();
}

bool DeferredResponse::responded() const { return state_->responded; }

}  // namespace lwm2m::coap
