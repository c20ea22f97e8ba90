// internal.h: private to coap/ (the only place that includes libcoap). The
// implementation objects behind the pimpl handles of context.h, the
// CoapMessage <-> coap_pdu_t conversion, and the wire tap's entry points.
#pragma once

#include <coap3/coap.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "coap/context.h"

namespace lwm2m::coap {

using SteadyClock = std::chrono::steady_clock;

// --- conversion (convert.cc) ---
Transport FromProto(coap_proto_t p);
coap_proto_t ToProto(Transport t);
Address FromCoapAddress(const coap_address_t* a);
Address FromSockaddr(const sockaddr* sa, socklen_t len);
bool ToCoapAddress(const Address& a, coap_address_t* out);
// The PDU as a CoapMessage. With `whole_body`, a body libcoap assembled from
// blocks replaces the payload and the Block1/Block2 option of the last block is dropped.
CoapMessage PduToMessage(const coap_pdu_t* pdu, bool whole_body);
// Adds m.options (in order) to a PDU that already has its token.
bool AddOptions(coap_pdu_t* pdu, const CoapMessage& m);
std::string HexOf(const Bytes& b);
Status CheckTiming(const Timing& t);
// The subject CN of the peer certificate of `ssl` (the last CN when there are several), "" when none.
std::string PeerCommonName(const SSL* ssl);

class ContextImpl;

class SessionImpl : public std::enable_shared_from_this<SessionImpl> {
 public:
  SessionImpl(ContextImpl* ctx, coap_session_t* s, bool client);

  ContextImpl* ctx_ = nullptr;  // null once the Context is gone
  coap_session_t* s_ = nullptr;  // null once libcoap freed (or we released) the session
  bool client_ = false;
  Transport transport_ = Transport::kUdp;
  SecurityMode security_ = SecurityMode::kNoSec;
  Address local_, remote_;
  std::string psk_identity_;
  std::string peer_cn_;
  bool failed_ = false;
  bool closed_ = false;
  std::string failure_;
  Timing timing_;
  SteadyClock::time_point created_ = SteadyClock::now();
  SteadyClock::time_point last_activity_ = SteadyClock::now();
  bool ever_established_ = false;
  std::weak_ptr<Session> handle_;
  // Client credentials, kept alive while libcoap may read them.
  Security security_config_;
  std::string sni_;

  struct Pending {
    ResponseHandler handler;
    bool observe = false;
    bool cancel_by_reset = false;
    bool cancel_sent = false;
    std::optional<SteadyClock::time_point> deadline;  // our own timeout (NON, emulated MAX_RETRANSMIT=0)
    Outcome on_deadline = Outcome::kTimeout;
  };
  std::map<Bytes, Pending> pending_;
  // Requests held back until a TCP/TLS client session has its CSM: libcoap 4.3.1
  // blocks inside coap_session_max_pdu_size() for up to 5 s before that.
  std::vector<CoapMessage> queued_;

  // Duplicate CON requests (RFC 7252 §4.5): the reaction to each recent message id.
  struct Recent {
    uint16_t mid = 0;
    SteadyClock::time_point at;
    Responder::Decision decision = Responder::Decision::kNone;
    CoapMessage response;
  };
  std::deque<Recent> recent_;
  // CON message ids sent under an emulated MAX_RETRANSMIT=0: id -> already on the wire.
  std::map<uint16_t, bool> no_retransmit_;

  std::shared_ptr<Session> Handle();
  void Refresh();  // addresses, identity from libcoap
  void ApplyTiming();
  SessionState State() const;
  // Ends every pending request with `outcome`.
  void FailPending(Outcome outcome, const std::string& detail);
  // Builds and hands one request to libcoap; false when libcoap refused it.
  Status SendNow(const CoapMessage& request);
  void Detach(const std::string& why, bool failed, bool notify = true);
};

class EndpointImpl {
 public:
  ContextImpl* ctx_ = nullptr;
  coap_endpoint_t* ep_ = nullptr;
  Transport transport_ = Transport::kUdp;
  Address address_;
  Timing timing_;
};

class ObservationImpl {
 public:
  ContextImpl* ctx_ = nullptr;
  std::shared_ptr<SessionImpl> session_;
  Bytes token_;
  std::string path_;
  uint32_t seq_ = 0;
  bool active_ = true;
  bool reset_seen_ = false;  // a RST matched one of our NON notifications
  bool referenced_ = false;  // holds a coap_session_reference while active
  std::function<void(const std::string&)> on_cancel_;
  std::deque<uint16_t> sent_mids_;  // to match a RST to a NON notification
  CoapMessage last_notification_;   // served again block by block (RFC 7959 §2.6 / RFC 7641 §4)

  void End(const std::string& why, bool notify);
};

struct DeferredResponse::State {
  ContextImpl* ctx = nullptr;
  std::shared_ptr<SessionImpl> session;
  Bytes token;
  coap_async_t* async = nullptr;
  bool ready = false;
  bool responded = false;
  CoapMessage response;
};

// Facts about the socket or SSL object a wire event passed through.
struct Channel {
  bool known = false;
  Transport transport = Transport::kUdp;
  SecurityMode security = SecurityMode::kNoSec;
  std::string psk_identity;
  std::string peer_common_name;
  Address local, remote;
  SessionImpl* session = nullptr;
};

class ContextImpl {
 public:
  explicit ContextImpl(ContextOptions options);
  ~ContextImpl();

  ContextOptions options_;
  coap_context_t* ctx_ = nullptr;
  RequestHandler request_handler_;
  WireHook wire_hook_;
  KeyLogSink key_log_;
  std::function<void(const SessionEvent&)> event_handler_;
  std::vector<std::weak_ptr<EndpointImpl>> endpoints_;
  std::map<coap_session_t*, std::shared_ptr<SessionImpl>> sessions_;
  std::vector<std::shared_ptr<ObservationImpl>> observations_;
  std::vector<std::shared_ptr<DeferredResponse::State>> deferred_;
  std::map<std::string, coap_resource_t*> path_resources_;
  bool server_security_set_ = false;
  Bytes psk_key_scratch_;  // the key handed to libcoap's id callback (it copies it)
  Bytes psk_placeholder_;  // PSK beside certificates: libcoap offers PSK suites only with a default key set
  coap_bin_const_t psk_key_bin_{};
  // Client PKI buffers: libcoap keeps one client PKI setup per coap_context_t.
  std::string client_cert_, client_key_, client_ca_;
  std::string server_cert_, server_key_, server_ca_;
  const Security* connecting_ = nullptr;  // client security while Connect runs
  uint32_t observe_seq_ = 1;              // one counter for all observations: always increasing (RFC 7641 §4.4)
  int wake_fd_ = -1;                      // eventfd in libcoap's epoll set, for Context::Wake
  int in_io_ = 0;                         // inside coap_io_process (libcoap callbacks may be on the stack)
  bool no_adopt_ = false;                 // sessions are being freed: do not wrap them again
  std::vector<std::pair<coap_session_t*, bool>> release_later_;  // (session, client) to let go after the step

  // Outgoing messages to swallow (Responder::Drop / Defer): one-shot.
  struct Suppress {
    Transport transport;
    Address remote;
    bool tcp_empty = false;
    uint16_t mid = 0;
    SteadyClock::time_point expires;
  };
  std::vector<Suppress> suppress_;
  // TCP/TLS byte streams being cut into frames, per direction and connection.
  std::map<std::string, Bytes> streams_;

  Result<std::shared_ptr<Endpoint>> Listen(const EndpointConfig& config);
  Result<std::shared_ptr<Session>> Connect(Transport transport, const Address& remote,
                                           const Security& security, const Timing& timing);
  Status SetupServerSecurity();
  // What a server session authenticated with: PSK when it has a PSK identity, else the
  // certificate when one is configured (a server may offer both), NoSec on UDP/TCP.
  SecurityMode ServerSessionSecurity(bool secure, bool has_psk_identity) const;
  // Client certificate mode: the name check of Security::server_name (libcoap's CN callback).
  bool CheckServerName(coap_session_t* s, const uint8_t* der, size_t len, unsigned depth);
  bool RunOnce(uint32_t timeout_ms);
  SteadyClock::time_point NextHousekeeping() const;
  void Housekeeping();

  SessionImpl* Find(coap_session_t* s);
  SessionImpl* FindOrAdopt(coap_session_t* s);
  void Forget(coap_session_t* s, const std::string& why, bool failed, bool notify = true);
  EndpointImpl* EndpointFor(coap_session_t* s);
  coap_resource_t* ResourceForPath(const std::string& path);

  // libcoap callbacks
  void HandleRequest(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* request,
                     const coap_string_t* query, coap_pdu_t* response);
  coap_response_t HandleResponse(coap_session_t* session, const coap_pdu_t* sent,
                                 const coap_pdu_t* received);
  void HandleNack(coap_session_t* session, const coap_pdu_t* sent, coap_nack_reason_t reason);
  void HandleEvent(coap_session_t* session, coap_event_t event);
  const coap_bin_const_t* PskForIdentity(const coap_bin_const_t* identity, coap_session_t* session);

  bool FillResponse(coap_session_t* session, const coap_pdu_t* request, const coap_string_t* query,
                    coap_pdu_t* response, const CoapMessage& m);
  Status SendNotification(ObservationImpl& o, CoapMessage n, CoapType type);
  void SuppressNext(SessionImpl& s, const coap_pdu_t* request);
  // Rejects a request with an RST now and withholds what libcoap sends for it afterwards.
  void SendReset(SessionImpl& s, coap_session_t* session, const coap_pdu_t* request);
  void EmitEvent(SessionEventKind kind, SessionImpl* s, const std::string& detail);

  // wire tap (wire_tap.cc)
  Channel IdentifySocket(int fd, const sockaddr* peer, socklen_t peer_len);
  Channel IdentifySsl(const SSL* ssl);
  void OnWire(Direction d, const Channel& c, const uint8_t* data, size_t len);
  bool ShouldSuppress(const Channel& c, const uint8_t* data, size_t len);
  void OnSslNew(SSL* ssl);
  const Security* SecurityForSsl(const SSL* ssl) const;
};

// The Context whose libcoap calls this thread is making (set around every call into libcoap).
class TapScope {
 public:
  explicit TapScope(ContextImpl* ctx);
  ~TapScope();
  TapScope(const TapScope&) = delete;
  TapScope& operator=(const TapScope&) = delete;

 private:
  ContextImpl* prev_;
};
ContextImpl* CurrentContext();
bool WireTapLinked();

}  // namespace lwm2m::coap
