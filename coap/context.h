// context.h: RAII CoAP endpoints over libcoap 4.3.1 (pimpl: no libcoap type is
// visible here). A Context owns one coap_context_t and its event loop; it opens
// server Endpoints (UDP, DTLS, TCP, TLS; RFC 7252, RFC 8323) and client Sessions,
// hands every incoming request (any path, any method) to one callback, sends
// requests, serves and consumes Observe (RFC 7641) and block-wise (RFC 7959).
//   Context server;
//   server.SetRequestHandler([](const Peer&, const CoapMessage& req, Responder& r) {
//     CoapMessage resp; resp.code = CoapCode::kContent; r.Respond(resp); });
//   auto ep = server.Listen({.transport = Transport::kUdp});      // ep.value()->address().port
//   Context client;
//   auto s = client.Connect("coap://127.0.0.1:" + std::to_string(port));
//   s.value()->Send(CoapMessage::Request(CoapCode::kGet, "/3/0"), [](const Reply& r) {});
//   RunUntil({&server, &client}, [&] { return done; }, std::chrono::seconds(5));
#pragma once

#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coap/types.h"
#include "lwm2m/coap_message.h"
#include "lwm2m/result.h"

namespace lwm2m::coap {

class ContextImpl;
class SessionImpl;
class EndpointImpl;
class ObservationImpl;
class Context;

enum class SessionState : uint8_t { kConnecting, kEstablished, kFailed, kClosed };
const char* SessionStateName(SessionState s);

// How a request ended. kResponse carries the response; the others name the failure.
enum class Outcome : uint8_t {
  kResponse,        // a response (or, for an observation, one notification)
  kTimeout,         // MAX_RETRANSMIT exhausted without ACK (RFC 7252 §4.2)
  kReset,           // the peer answered with RST
  kSecurityFailed,  // (D)TLS handshake or record layer failure
  kSessionClosed,   // the session closed or failed before a response
  kSendFailed,      // could not be sent (socket error, too large)
  kCancelled,       // cancelled locally (observation cancel, context shutdown)
};
const char* OutcomeName(Outcome o);

struct Reply {
  Outcome outcome = Outcome::kResponse;
  CoapMessage response;  // valid for kResponse; a block-wise body arrives assembled
  std::string detail;
  bool ok() const { return outcome == Outcome::kResponse; }
};
using ResponseHandler = std::function<void(const Reply&)>;

// A client or server session (one peer). Handles are shared; after the libcoap
// session is gone every call returns an error and state() is kClosed/kFailed.
class Session {
 public:
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  bool is_client() const;
  Transport transport() const;
  SecurityMode security() const;
  Address local() const;
  Address remote() const;
  std::string psk_identity() const;  // server side: the identity the client authenticated with
  // The subject Common Name of the peer's (verified) X.509 certificate, "" when the peer sent
  // none (PSK, NoSec, handshake not done). With several CNs, the last (most specific) one.
  std::string peer_common_name() const;
  SessionState state() const;
  std::string failure() const;  // why the session failed/closed, "" otherwise
  // The negotiated (D)TLS suite as IANA names it ("TLS_PSK_WITH_AES_128_CCM_8") and the
  // protocol ("DTLSv1.2"), from coap_session_get_tls + SSL_get_current_cipher; "" when none.
  std::string cipher() const;
  std::string tls_protocol() const;

  // Sends a request. Type (CON/NON), code, options and payload are taken as
  // given; an empty token gets a fresh 8-byte one and the message id is
  // assigned; a payload larger than one PDU goes block-wise (Block1), a
  // block-wise response is fetched (Block2) and delivered assembled.
  // The handler runs exactly once (from the Context's event loop).
  Result<Bytes> Send(CoapMessage request, ResponseHandler handler);
  // GET/FETCH with Observe=0 added; the handler runs for the first response and
  // every notification until cancelled or failed. Returns the token.
  Result<Bytes> Observe(CoapMessage request, ResponseHandler on_notification);
  enum class CancelBy : uint8_t { kGet, kReset };
  // kGet: GET with Observe=1 (RFC 7641 §3.6), its response goes to the observation's
  // handler last; kReset: answer the next notification with RST (UDP/DTLS only).
  Status CancelObserve(const Bytes& token, CancelBy how = CancelBy::kGet);
  // CoAP ping: empty CON (UDP/DTLS) or 7.02 Ping (TCP/TLS); Pong/RST is reported by the hook.
  Status Ping();
  // Fails (4.00) for values libcoap 4.3.1 cannot apply: ACK_TIMEOUT below 1 s,
  // ACK_RANDOM_FACTOR below 1.0, NSTART 0. MAX_RETRANSMIT 0 (libcoap's minimum is
  // 1) is emulated: the retransmission is withheld from the wire and the request
  // ends with kTimeout after one ACK timeout.
  Status SetTiming(const Timing& t);
  // Closes the session (client) or drops it (server). Outstanding requests end with
  // kSessionClosed. Dropping the last handle of a client session closes it without callbacks.
  void Close();

 private:
  friend class ContextImpl;
  friend class SessionImpl;
  explicit Session(std::shared_ptr<SessionImpl> impl);
  void CloseImpl(bool notify);
  std::shared_ptr<SessionImpl> impl_;
};

// Who sent a request: the session (usable to send requests back, e.g. an LwM2M
// server reading from a registered client) and its addresses and credentials.
struct Peer {
  std::shared_ptr<Session> session;
  Transport transport = Transport::kUdp;
  SecurityMode security = SecurityMode::kNoSec;
  Address local, remote;
  std::string psk_identity;
  std::string peer_common_name;  // the client certificate's subject CN (certificate mode)
};

// A server-side observation (RFC 7641 §4). Notify sends a notification with the
// next Observe sequence number (unless the message already has an Observe
// option, which is then sent verbatim). The observation ends when the client
// cancels (GET Observe=1, RST), a CON notification times out, an error
// notification is sent, or the session goes away.
class Observation {
 public:
  ~Observation();
  bool active() const;
  const Bytes& token() const;
  std::string path() const;          // the request's Uri-Path, "/3/0/1"
  uint32_t last_sequence() const;    // the Observe value last sent
  std::shared_ptr<Session> session() const;
  // Code, options and payload from `notification`; type kConfirmable or kNonConfirmable.
  Status Notify(CoapMessage notification, CoapType type = CoapType::kNonConfirmable);
  void SetOnCancel(std::function<void(const std::string& why)> on_cancel);
  void Cancel();  // forget the observer without telling it

 private:
  friend class ContextImpl;
  friend class ObservationImpl;
  explicit Observation(std::shared_ptr<ObservationImpl> impl);
  std::shared_ptr<ObservationImpl> impl_;
};

// A response promised for later (separate response, RFC 7252 §5.2.2): an empty
// ACK goes out now for a CON request over UDP/DTLS; Respond sends the response
// as CON (for a CON request) or NON with the request's token.
class DeferredResponse {
 public:
  ~DeferredResponse();
  Status Respond(CoapMessage response);
  bool responded() const;

 private:
  friend class ContextImpl;
  struct State;
  explicit DeferredResponse(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

// Given to the request handler; exactly one of Respond, Defer, Drop, Reset should be
// called. If none is, the request gets 5.00 Internal Server Error.
class Responder {
 public:
  // Answers now (piggybacked on the ACK for CON over UDP/DTLS). Code, options and
  // payload come from `response`; token, type and message id are set here. A
  // payload larger than one PDU goes block-wise (Block2) by libcoap.
  void Respond(CoapMessage response);
  // Answers later; see DeferredResponse.
  std::shared_ptr<DeferredResponse> Defer();
  // Sends nothing at all, not even an empty ACK.
  void Drop();
  // Rejects the request with an RST (RFC 7252 §4.2 for CON, §4.3 for NON): an
  // empty message with the request's message ID and no token, and no response.
  // A duplicate CON is rejected again. TCP/TLS has no RST (RFC 8323 §3.2): there
  // it acts as Drop.
  void Reset();
  // For a GET/FETCH carrying Observe=0: registers the observer; the response
  // given to Respond then carries Observe with the first sequence number. Only
  // Respond with a 2.xx code registers it (not Defer, Drop or an error); nullptr
  // when the request is not an Observe registration.
  std::shared_ptr<Observation> AcceptObserve();
  bool decided() const;

 private:
  friend class ContextImpl;
  friend class SessionImpl;
  Responder() = default;
  enum class Decision : uint8_t { kNone, kRespond, kDefer, kDrop, kReset };
  Decision decision_ = Decision::kNone;
  CoapMessage response_;
  std::shared_ptr<DeferredResponse> deferred_;
  std::shared_ptr<Observation> observation_;
  std::function<std::shared_ptr<DeferredResponse>()> make_deferred_;
  std::function<std::shared_ptr<Observation>()> make_observation_;
};

using RequestHandler = std::function<void(const Peer&, const CoapMessage& request, Responder&)>;

struct EndpointConfig {
  Transport transport = Transport::kUdp;
  std::string ip = "127.0.0.1";  // or "::1"
  uint16_t port = 0;             // 0: the kernel chooses
  Timing timing;                 // applied to every session accepted here
};

// A listening endpoint; closed on destruction (its sessions go with it).
class Endpoint {
 public:
  ~Endpoint();
  Transport transport() const;
  Address address() const;  // with the port actually bound

 private:
  friend class ContextImpl;
  explicit Endpoint(std::shared_ptr<EndpointImpl> impl);
  std::shared_ptr<EndpointImpl> impl_;
};

enum class SessionEventKind : uint8_t { kConnected, kFailed, kClosed, kNew, kDeleted };
struct SessionEvent {
  SessionEventKind kind = SessionEventKind::kConnected;
  std::shared_ptr<Session> session;
  std::string detail;
};

struct ContextOptions {
  // Server-side (D)TLS credentials, shared by every DTLS/TLS endpoint of this
  // Context (libcoap keeps them per coap_context_t).
  Security server_security;
  uint32_t csm_timeout_s = 30;                 // wait for the peer's CSM (RFC 8323 §5.3)
  uint32_t csm_max_message_size = 0;           // 0: libcoap's default
  uint32_t max_idle_server_sessions = 0;       // 0: unlimited
  bool deduplicate_requests = true;            // answer a duplicate CON with the cached response
};

class Context {
 public:
  explicit Context(ContextOptions options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  void SetRequestHandler(RequestHandler handler);
  void SetWireHook(WireHook hook);
  void SetKeyLog(KeyLogSink sink);
  void SetSessionEventHandler(std::function<void(const SessionEvent&)> handler);

  Result<std::shared_ptr<Endpoint>> Listen(const EndpointConfig& config);
  // uri: coap://, coaps://, coap+tcp://, coaps+tcp:// with a numeric host, e.g. "coaps://[::1]:5684".
  Result<std::shared_ptr<Session>> Connect(std::string_view uri, const Security& security = {},
                                           const Timing& timing = {});
  Result<std::shared_ptr<Session>> Connect(Transport transport, const Address& remote,
                                           const Security& security = {}, const Timing& timing = {});

  // One step of the event loop: waits up to `timeout` for I/O or a timer and
  // handles what is ready. Returns false if the loop reported an error.
  bool RunOnce(std::chrono::milliseconds timeout);
  // Steps until pred() is true (returns true) or `timeout` passes (returns pred()).
  bool RunUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

  // Makes a RunOnce/RunUntil blocked in another thread return early (the one
  // method that may be called from any thread), e.g. after setting a stop flag.
  void Wake();

  // False when the wire hook cannot see traffic in this process (lwm2m_coap
  // linked into a shared object loaded with dlopen, so libcoap's socket and
  // SSL calls do not reach our interposers).
  static bool WireTapAvailable();
  // What the linked libcoap's (D)TLS backend offers, in libcoap's words, e.g. "(DTLS and TLS
  // support; PSK, PKI, PKCS11, and no RPK support) TLS Library: OpenSSL ...".
  static std::string TlsSupport();
  // Raw Public Keys (RFC 7250): false for libcoap 4.3.1's OpenSSL variant (the GnuTLS one has them).
  static bool RpkSupported();

  ContextImpl& impl() { return *impl_; }

 private:
  std::unique_ptr<ContextImpl> impl_;
};

// Steps several Contexts on this thread until pred() holds or `timeout` passes,
// waiting on all their sockets and timers at once. pred() is checked after
// every event; a predicate that depends on another thread needs Context::Wake.
bool RunUntil(std::initializer_list<Context*> contexts, const std::function<bool()>& pred,
              std::chrono::milliseconds timeout);

// Splits "coaps+tcp://[::1]:5684" into transport and address; default ports 5683/5684.
Result<std::pair<Transport, Address>> ParseUri(std::string_view uri);

}  // namespace lwm2m::coap
