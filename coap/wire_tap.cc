// wire_tap.cc: sees every CoAP message libcoap sends or receives. libcoap 4.3.1
// has no message hook, so this file interposes the calls libcoap-3-openssl.so
// makes through the dynamic linker: send/sendmsg/recv/recvmsg (plain UDP and
// TCP bytes) and SSL_read/SSL_write (DTLS and TLS plaintext), forwarding each
// to the real function found with dlsym(RTLD_NEXT). SSL_connect/SSL_accept and
// SSL_set_cipher_list are interposed to apply our cipher list, TLS version and
// key log to the SSL objects libcoap creates, before their handshake.
// Only calls made while a Context is stepping on this thread (TapScope) are
// looked at; every other call goes straight through.
#undef _FORTIFY_SOURCE
#include <dlfcn.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <cstring>

#include "coap/internal.h"

namespace lwm2m::coap {

namespace {

thread_local ContextImpl* g_current = nullptr;  // per thread, so Contexts on other threads do not mix

template <typename F>
F Real(const char* name) {
  void* p = dlsym(RTLD_NEXT, name);
  return reinterpret_cast<F>(p);
}

using SendFn = ssize_t (*)(int, const void*, size_t, int);
using SendmsgFn = ssize_t (*)(int, const msghdr*, int);
using RecvFn = ssize_t (*)(int, void*, size_t, int);
using RecvmsgFn = ssize_t (*)(int, msghdr*, int);
using SslIoFn = int (*)(SSL*, void*, int);
using SslWriteFn = int (*)(SSL*, const void*, int);
using SslStepFn = int (*)(SSL*);
using SslCipherFn = int (*)(SSL*, const char*);

SendFn RealSend() { static SendFn f = Real<SendFn>("send"); return f; }
SendmsgFn RealSendmsg() { static SendmsgFn f = Real<SendmsgFn>("sendmsg"); return f; }
RecvFn RealRecv() { static RecvFn f = Real<RecvFn>("recv"); return f; }
RecvmsgFn RealRecvmsg() { static RecvmsgFn f = Real<RecvmsgFn>("recvmsg"); return f; }
SslIoFn RealSslRead() { static SslIoFn f = Real<SslIoFn>("SSL_read"); return f; }
SslWriteFn RealSslWrite() { static SslWriteFn f = Real<SslWriteFn>("SSL_write"); return f; }
SslStepFn RealSslConnect() { static SslStepFn f = Real<SslStepFn>("SSL_connect"); return f; }
SslStepFn RealSslAccept() { static SslStepFn f = Real<SslStepFn>("SSL_accept"); return f; }
SslCipherFn RealSslSetCipherList() {
  static SslCipherFn f = Real<SslCipherFn>("SSL_set_cipher_list");
  return f;
}

// The bytes of the first `n` bytes spread over an iovec array.
Bytes Gather(const msghdr* msg, size_t n) {
  Bytes out;
  out.reserve(n);
  for (size_t i = 0; i < static_cast<size_t>(msg->msg_iovlen) && out.size() < n; ++i) {
    const auto* base = static_cast<const uint8_t*>(msg->msg_iov[i].iov_base);
    size_t take = std::min(n - out.size(), msg->msg_iov[i].iov_len);
    out.insert(out.end(), base, base + take);
  }
  return out;
}

void KeyLogThunk(const SSL* /*ssl*/, const char* line) {
  ContextImpl* c = g_current;
  if (c != nullptr && c->key_log_) c->key_log_(line);
}

// Removes the (D)TLS 1.2 PSK suites from what `ssl` offers, keeping libcoap's order otherwise.
void DropPskSuites(SSL* ssl) {
  STACK_OF(SSL_CIPHER)* ciphers = SSL_get_ciphers(ssl);
  if (ciphers == nullptr) return;
  std::string list;
  bool dropped = false;
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
    int kx = SSL_CIPHER_get_kx_nid(c);
    if (SSL_CIPHER_get_auth_nid(c) == NID_auth_psk || kx == NID_kx_psk || kx == NID_kx_ecdhe_psk ||
        kx == NID_kx_dhe_psk || kx == NID_kx_rsa_psk) {
      dropped = true;
      continue;
    }
    if (kx == NID_kx_any) continue;  // TLS 1.3 suites: SSL_set_ciphersuites, not the cipher list
    if (!list.empty()) list += ':';
    list += SSL_CIPHER_get_name(c);
  }
  if (!dropped) return;
  // Nothing but PSK suites left (libcoap put its PSK list on the shared SSL_CTX): the LwM2M
  // certificate suites first (Transport TS 1.2 §5, research §2.12: ECDHE-ECDSA, AES-128-CCM-8 / CBC-SHA256).
  if (list.empty()) list = "ECDHE-ECDSA-AES128-CCM8:ECDHE-ECDSA-AES128-SHA256:DEFAULT:!PSK:!aNULL:!eNULL";
  RealSslSetCipherList()(ssl, list.c_str());
}

// Applies cipher list, protocol versions and key log to an SSL object before its handshake.
void Configure(ContextImpl* c, SSL* ssl) {
  const Security* sec = c->SecurityForSsl(ssl);
  if (c->key_log_) SSL_CTX_set_keylog_callback(SSL_get_SSL_CTX(ssl), &KeyLogThunk);
  if (sec == nullptr || SSL_is_init_finished(ssl)) return;
  if (!sec->cipher_list.empty()) {
    RealSslSetCipherList()(ssl, sec->cipher_list.c_str());
  } else if (sec->mode == SecurityMode::kCertificate && sec != &c->options_.server_security) {
    // (A client: SSL_is_server() still says 1 here, before SSL_connect sets the connect state.)
    // libcoap keeps one client SSL_CTX per Context: once a PSK session ran, later certificate
    // sessions also offer PSK suites, a server with both picks PSK and the handshake fails.
    DropPskSuites(ssl);
  }
  if (!SSL_is_dtls(ssl)) {
    if (sec->tls_version == TlsVersion::kTls12) {
      SSL_set_min_proto_version(ssl, TLS1_2_VERSION);
      SSL_set_max_proto_version(ssl, TLS1_2_VERSION);
    } else if (sec->tls_version == TlsVersion::kTls13) {
      SSL_set_min_proto_version(ssl, TLS1_3_VERSION);
      SSL_set_max_proto_version(ssl, TLS1_3_VERSION);
    }
  }
}

}  // namespace

TapScope::TapScope(ContextImpl* ctx) : prev_(g_current) { g_current = ctx; }
TapScope::~TapScope() { g_current = prev_; }
ContextImpl* CurrentContext() { return g_current; }

}  // namespace lwm2m::coap

using lwm2m::coap::Channel;
using lwm2m::coap::ContextImpl;
using lwm2m::coap::Direction;

extern "C" {

ssize_t send(int fd, const void* buf, size_t len, int flags) {
  ContextImpl* c = lwm2m::coap::g_current;
  if (c == nullptr) return lwm2m::coap::RealSend()(fd, buf, len, flags);
  Channel ch = c->IdentifySocket(fd, nullptr, 0);
  bool plain = ch.known && !lwm2m::coap::IsSecure(ch.transport);
  if (plain && c->ShouldSuppress(ch, static_cast<const uint8_t*>(buf), len)) return static_cast<ssize_t>(len);
  ssize_t r = lwm2m::coap::RealSend()(fd, buf, len, flags);
  if (plain && r > 0) c->OnWire(Direction::kSent, ch, static_cast<const uint8_t*>(buf), static_cast<size_t>(r));
  return r;
}

ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) {
  ContextImpl* c = lwm2m::coap::g_current;
  if (c == nullptr) return lwm2m::coap::RealSendmsg()(fd, msg, flags);
  Channel ch = c->IdentifySocket(fd, static_cast<const sockaddr*>(msg->msg_name), msg->msg_namelen);
  bool plain = ch.known && !lwm2m::coap::IsSecure(ch.transport);
  size_t total = 0;
  for (size_t i = 0; i < static_cast<size_t>(msg->msg_iovlen); ++i) total += msg->msg_iov[i].iov_len;
  lwm2m::Bytes data;
  if (plain) data = lwm2m::coap::Gather(msg, total);
  if (plain && c->ShouldSuppress(ch, data.data(), data.size())) return static_cast<ssize_t>(total);
  ssize_t r = lwm2m::coap::RealSendmsg()(fd, msg, flags);
  if (plain && r > 0) c->OnWire(Direction::kSent, ch, data.data(), static_cast<size_t>(r));
  return r;
}

ssize_t recv(int fd, void* buf, size_t len, int flags) {
  ssize_t r = lwm2m::coap::RealRecv()(fd, buf, len, flags);
  ContextImpl* c = lwm2m::coap::g_current;
  if (c == nullptr || r <= 0 || (flags & MSG_PEEK) != 0) return r;
  Channel ch = c->IdentifySocket(fd, nullptr, 0);
  if (ch.known && !lwm2m::coap::IsSecure(ch.transport)) {
    c->OnWire(Direction::kReceived, ch, static_cast<const uint8_t*>(buf), static_cast<size_t>(r));
  }
  return r;
}

ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
  ssize_t r = lwm2m::coap::RealRecvmsg()(fd, msg, flags);
  ContextImpl* c = lwm2m::coap::g_current;
  if (c == nullptr || r <= 0 || (flags & MSG_PEEK) != 0) return r;
  Channel ch = c->IdentifySocket(fd, static_cast<const sockaddr*>(msg->msg_name), msg->msg_namelen);
  if (ch.known && !lwm2m::coap::IsSecure(ch.transport)) {
    lwm2m::Bytes data = lwm2m::coap::Gather(msg, static_cast<size_t>(r));
    c->OnWire(Direction::kReceived, ch, data.data(), data.size());
  }
  return r;
}

int SSL_read(SSL* ssl, void* buf, int num) {
  int r = lwm2m::coap::RealSslRead()(ssl, buf, num);
  ContextImpl* c = lwm2m::coap::g_current;
  if (c == nullptr || r <= 0) return r;
  Channel ch = c->IdentifySsl(ssl);
  if (ch.known) c->OnWire(Direction::kReceived, ch, static_cast<const uint8_t*>(buf), static_cast<size_t>(r));
  return r;
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  ContextImpl* c = lwm2m::coap::g_current;
  if (c == nullptr) return lwm2m::coap::RealSslWrite()(ssl, buf, num);
  Channel ch = c->IdentifySsl(ssl);
  const auto* data = static_cast<const uint8_t*>(buf);
  if (ch.known && num > 0 && c->ShouldSuppress(ch, data, static_cast<size_t>(num))) return num;
  int r = lwm2m::coap::RealSslWrite()(ssl, buf, num);
  if (ch.known && r > 0) c->OnWire(Direction::kSent, ch, data, static_cast<size_t>(r));
  return r;
}

int SSL_connect(SSL* ssl) {
  ContextImpl* c = lwm2m::coap::g_current;
  if (c != nullptr) lwm2m::coap::Configure(c, ssl);
  return lwm2m::coap::RealSslConnect()(ssl);
}

int SSL_accept(SSL* ssl) {
  ContextImpl* c = lwm2m::coap::g_current;
  if (c != nullptr) lwm2m::coap::Configure(c, ssl);
  return lwm2m::coap::RealSslAccept()(ssl);
}

int SSL_set_cipher_list(SSL* ssl, const char* str) {
  ContextImpl* c = lwm2m::coap::g_current;
  if (c != nullptr) {
    const lwm2m::coap::Security* sec = c->SecurityForSsl(ssl);
    if (sec != nullptr && !sec->cipher_list.empty()) {
      return lwm2m::coap::RealSslSetCipherList()(ssl, sec->cipher_list.c_str());
    }
  }
  return lwm2m::coap::RealSslSetCipherList()(ssl, str);
}

}  // extern "C"

namespace lwm2m::coap {

Channel ContextImpl::IdentifySocket(int fd, const sockaddr* peer, socklen_t peer_len) {
  Channel ch;
  sockaddr_storage ss{};
  socklen_t sl = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &sl) != 0) return ch;
  ch.local = FromSockaddr(reinterpret_cast<sockaddr*>(&ss), sl);
  int type = 0;
  socklen_t tl = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0) return ch;
  bool stream = type == SOCK_STREAM;
  if (peer != nullptr && peer_len > 0) {
    ch.remote = FromSockaddr(peer, peer_len);
  } else {
    sockaddr_storage ps{};
    socklen_t pl = sizeof ps;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&ps), &pl) != 0) return ch;
    ch.remote = FromSockaddr(reinterpret_cast<sockaddr*>(&ps), pl);
  }
  for (auto& w : endpoints_) {
    auto ep = w.lock();
    if (!ep || ep->address_ != ch.local || IsReliable(ep->transport_) != stream) continue;
    ch.known = true;
    ch.transport = ep->transport_;
    ch.security = IsSecure(ep->transport_) ? options_.server_security.mode : SecurityMode::kNoSec;
    break;
  }
  for (auto& [s, impl] : sessions_) {
    // A TCP client learns its local address only once connected.
    if (impl->client_ && impl->local_.port == 0) impl->Refresh();
    if (impl->remote_ != ch.remote || IsReliable(impl->transport_) != stream) continue;
    if (!ch.known) {
      if (impl->local_ != ch.local) continue;
      ch.known = true;
      ch.transport = impl->transport_;
      ch.security = impl->security_;
    } else if (impl->transport_ != ch.transport) {
      continue;
    }
    ch.session = impl.get();
    ch.psk_identity = impl->psk_identity_;
    break;
  }
  return ch;
}

Channel ContextImpl::IdentifySsl(const SSL* ssl) {
  Channel ch;
  auto* s = static_cast<coap_session_t*>(SSL_get_app_data(ssl));
  if (s == nullptr) return ch;
  ch.known = true;
  ch.transport = FromProto(coap_session_get_proto(s));
  ch.local = FromCoapAddress(coap_session_get_addr_local(s));
  ch.remote = FromCoapAddress(coap_session_get_addr_remote(s));
  if (const coap_bin_const_t* id = coap_session_get_psk_identity(s); id != nullptr && id->s != nullptr) {
    ch.psk_identity.assign(reinterpret_cast<const char*>(id->s), id->length);
  }
  SessionImpl* impl = Find(s);
  ch.session = impl;
  if (impl != nullptr) {
    ch.security = impl->security_;
  } else {
    ch.security = coap_session_get_type(s) == COAP_SESSION_TYPE_CLIENT && connecting_ != nullptr
                      ? connecting_->mode
                      : ServerSessionSecurity(true, !ch.psk_identity.empty());
  }
  if (impl != nullptr && !impl->peer_cn_.empty()) {
    ch.peer_common_name = impl->peer_cn_;
  } else if (SSL_is_init_finished(ssl)) {
    ch.peer_common_name = PeerCommonName(ssl);
  }
  return ch;
}

const Security* ContextImpl::SecurityForSsl(const SSL* ssl) const {
  auto* s = static_cast<coap_session_t*>(SSL_get_app_data(ssl));
  if (s != nullptr && coap_session_get_type(s) == COAP_SESSION_TYPE_CLIENT) {
    auto it = sessions_.find(s);
    if (it != sessions_.end()) return &it->second->security_config_;
    return connecting_;
  }
  if (s == nullptr && connecting_ != nullptr) return connecting_;
  return &options_.server_security;
}

bool ContextImpl::ShouldSuppress(const Channel& c, const uint8_t* data, size_t len) {
  if (c.session != nullptr && !IsReliable(c.transport) && len >= 4 && ((data[0] >> 4) & 3) == 0) {
    auto it = c.session->no_retransmit_.find(static_cast<uint16_t>(data[2] << 8 | data[3]));
    if (it != c.session->no_retransmit_.end()) {
      if (it->second) return true;  // a retransmission under emulated MAX_RETRANSMIT 0
      it->second = true;
    }
  }
  if (suppress_.empty()) return false;
  auto now = SteadyClock::now();
  std::erase_if(suppress_, [&](const Suppress& s) { return s.expires < now; });
  for (auto it = suppress_.begin(); it != suppress_.end(); ++it) {
    if (it->transport != c.transport || it->remote != c.remote) continue;
    if (IsReliable(c.transport)) {
      std::string key = std::string("s|") + TransportName(c.transport) + c.local.ToString() + c.remote.ToString();
      auto st = streams_.find(key);
      bool at_boundary = st == streams_.end() || st->second.empty();
      if (it->tcp_empty && at_boundary && len == 2 && data[0] == 0 && data[1] == 0) {
        suppress_.erase(it);
        return true;
      }
    } else if (!it->tcp_empty && len >= 4 && data[1] == 0 &&
               static_cast<uint16_t>(data[2] << 8 | data[3]) == it->mid) {
      suppress_.erase(it);
      return true;
    }
  }
  return false;
}

void ContextImpl::OnWire(Direction d, const Channel& c, const uint8_t* data, size_t len) {
  if (c.session != nullptr) c.session->last_activity_ = SteadyClock::now();
  auto emit = [&](const uint8_t* p, size_t n, bool tcp) {
    WireParseResult parsed = Parse(std::span<const uint8_t>(p, n), tcp ? CoapTransport::kTcp : CoapTransport::kUdp);
    if (!tcp && d == Direction::kReceived && n >= 4 && ((p[0] >> 4) & 3) == 3) {
      // A RST may end an observation whose NON notification it answers (RFC 7641 §3.6).
      uint16_t mid = static_cast<uint16_t>(p[2] << 8 | p[3]);
      for (auto& o : observations_) {
        if (!o->active_ || o->session_->remote_ != c.remote || o->session_->transport_ != c.transport) continue;
        if (std::find(o->sent_mids_.begin(), o->sent_mids_.end(), mid) != o->sent_mids_.end()) {
          o->reset_seen_ = true;  // ended (with callbacks) after the I/O step
        }
      }
    }
    if (!wire_hook_) return;
    WireEvent e;
    e.direction = d;
    e.transport = c.transport;
    e.security = c.security;
    e.psk_identity = c.psk_identity;
    e.peer_common_name = c.peer_common_name;
    e.local = c.local;
    e.remote = c.remote;
    e.wall_time = std::chrono::system_clock::now();
    e.steady_time = SteadyClock::now();
    e.bytes.assign(p, p + n);
    e.parsed = std::move(parsed);
    wire_hook_(e);
  };
  if (!IsReliable(c.transport)) {
    emit(data, len, false);
    return;
  }
  std::string key = std::string(d == Direction::kSent ? "s|" : "r|") + TransportName(c.transport) +
                    c.local.ToString() + c.remote.ToString();
  Bytes& buf = streams_[key];
  buf.insert(buf.end(), data, data + len);
  size_t pos = 0;
  while (pos < buf.size()) {
    std::optional<size_t> size = TcpFrameSize(std::span<const uint8_t>(buf.data() + pos, buf.size() - pos));
    if (!size || *size > buf.size() - pos) break;
    emit(buf.data() + pos, *size, true);
    pos += *size;
  }
  buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(pos));
  if (buf.size() > (16u << 20)) buf.clear();  // a peer announcing an absurd length cannot grow us forever
}

}  // namespace lwm2m::coap

// Non-interposable aliases of our own definitions: in an executable the process-wide lookup of
// "sendmsg" finds ours; in a dlopen'ed module (the Python extension) it finds libc's, and only some
// calls (those through libssl's own lookups) would reach us, so the tap is reported unavailable.
extern "C" ssize_t lwm2m_tap_own_sendmsg(int, const struct msghdr*, int) __attribute__((alias("sendmsg"), visibility("hidden")));
extern "C" int lwm2m_tap_own_ssl_write(SSL*, const void*, int) __attribute__((alias("SSL_write"), visibility("hidden")));

namespace lwm2m::coap {
bool WireTapLinked() {
  return dlsym(RTLD_DEFAULT, "sendmsg") == reinterpret_cast<void*>(&lwm2m_tap_own_sendmsg) &&
         dlsym(RTLD_DEFAULT, "SSL_write") == reinterpret_cast<void*>(&lwm2m_tap_own_ssl_write);
}
}  // namespace lwm2m::coap
