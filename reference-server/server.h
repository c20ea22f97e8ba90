// server.h: the reference LwM2M 1.2 Server: the Registration interface (Core TS 1.2 §6.2;
// Transport TS 1.2 §6.4.3), Device Management and Information Reporting verbs towards a
// registered client (Core TS 1.2 §6.3, §6.4), Send at /dp (§6.4.6), an event stream and a
// hook that answers any incoming request in its place (for negative tests).
//   Lwm2mServer srv({.udp = true});
//   auto r = srv.Read("node1", *Path::Parse("/3/0"), {.timeout = 5s});   // r->code == 0x45
//   auto ev = srv.WaitFor([](const ServerEvent& e) { return e.kind == ServerEventKind::kRegistered; }, 5s);
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "coap/context.h"
#include "lwm2m/attributes.h"
#include "lwm2m/coap_message.h"
#include "lwm2m/content.h"
#include "lwm2m/diagnostic.h"
#include "lwm2m/model.h"
#include "lwm2m/operation.h"
#include "lwm2m/result.h"

namespace lwm2m::refserver {

using Clock = std::chrono::steady_clock;

struct ServerConfig {
  std::string ip = "127.0.0.1";
  bool udp = true;    // NoSec CoAP/UDP endpoint
  bool dtls = false;  // DTLS endpoint (needs psk_keys or a certificate)
  bool tcp = false;
  bool tls = false;   // TLS over TCP (needs psk_keys or a certificate)
  uint16_t udp_port = 0, dtls_port = 0, tcp_port = 0, tls_port = 0;  // 0: the kernel chooses
  std::map<std::string, Bytes> psk_keys;  // PSK identity -> key
  // X.509 certificate mode on the dtls/tls endpoints (Transport TS 1.2 §5, research §2.12), beside PSK: the
  // server's certificate (chain), its private key, and the CA that client certificates must chain
  // to (required), as PEM text or as PEM files (a *_file wins; Start reports an unreadable one).
  // A certificate client's endpoint name is its certificate's subject CN (4.00 otherwise).
  std::string certificate_pem, private_key_pem, ca_pem;
  std::string certificate_file, private_key_file, ca_file;
  // A Register over an unsecured transport is refused (4.03) when false.
  bool allow_nosec = true;
  // LwM2M enabler versions accepted in `lwm2m=` (Core TS 1.2 §6.2.1: refuse others, 4.12).
  std::vector<std::string> supported_versions = {"1.0", "1.1", "1.2"};
  // Endpoint names allowed to register; null allows all (else 4.03, Transport TS 1.2 Table 6.4.3-1).
  std::function<bool(const std::string& endpoint)> allow_endpoint;
  // Core TS 1.2 Table 6.2.1-1: Lifetime is optional, default 86400 s.
  uint32_t default_lifetime_s = 86400;
  // Queue Mode (Core TS 1.2 §6.5): a Q client is reachable for MAX_TRANSMIT_WAIT (93 s with the
  // RFC 7252 defaults) after its last message; requests outside that window wait for the next one.
  std::chrono::milliseconds queue_awake_window = std::chrono::seconds(93);
  // Time source for lifetimes and queue mode; tests install a fake one.
  std::function<Clock::time_point()> clock;
  const ModelRegistry* models = nullptr;  // null: ModelRegistry::Builtin()
  coap::Timing timing;                    // for the server's sessions
  // Profile IDs the server can resolve (Core TS 1.2 §6.2.1 `pid`; research §2.1): profile ID as the
  // client sends it ("6:27354b9a", "oma:1") -> the CoRE link-format object list it stands for. A Register
  // whose pid names a profile not listed here is refused with 4.09 Conflict (the server cannot determine
  // the client's objects); the client is expected to register again with its full object list.
  std::map<std::string, std::string> profiles;
};

// Reads a PEM file; 4.00 naming the path when it cannot be read or holds no "-----BEGIN <kind>"
// block (kind: "CERTIFICATE", "PRIVATE KEY" matches "EC PRIVATE KEY" too).
Result<std::string> ReadPemFile(const std::string& path, std::string_view kind);

// The (D)TLS identity a request came with: the PSK identity, or the certificate's subject CN.
std::string PeerIdentity(const coap::Peer& peer);

// Object versions a client implies when its link lacks `ver` (research §2.1): lwm2m=1.0: 1.0;
// lwm2m=1.1: /0 1.1, /1 1.1, /3 1.1, /4 1.2, others 1.0; lwm2m=1.2 (Core TS 1.2.2 Table E-1,
// unverified): /0 1.2, /1 1.2, /2 1.1, /3 1.2, /4 1.3, /5 1.1, /21 2.0, others 1.0.
std::string ImpliedObjectVersion(std::string_view lwm2m_version, uint16_t object_id);

struct RegisteredObjectInfo {
  uint16_t id = 0;
  std::string version;   // as declared, or implied by the enabler version
  bool version_declared = false;
  std::vector<uint16_t> instances;
};

struct Registration {
  std::string endpoint;
  std::string location;  // "/rd/5a3f0001"
  std::optional<uint32_t> lifetime_s;  // nullopt: infinite (lt=0, /1/x/1 v1.2 "0 means infinite")
  std::string binding = "U";
  bool queue_mode = false;
  std::optional<std::string> sms, profile_id;
  std::string version = "1.0";
  std::string alternate_path;  // "" or "/lwm2m"
  std::vector<uint16_t> content_formats;  // `ct` of the root link
  std::vector<RegisteredObjectInfo> objects;
  std::vector<Link> links;
  std::shared_ptr<coap::Session> session;
  coap::Transport transport = coap::Transport::kUdp;
  coap::Address remote;
  std::string psk_identity;
  std::string certificate_cn;  // the client certificate's subject CN (certificate mode)
  Clock::time_point registered_at, last_update, last_seen;
  std::vector<Diagnostic> diagnostics;  // of the last Register/Update

  std::optional<Clock::time_point> ExpiresAt() const;
  const RegisteredObjectInfo* FindObject(uint16_t id) const;
};

// What one DM/IR request ended with.
struct OperationResult {
  Operation operation;        // what was asked
  CoapMessage request;        // as sent (before the token and message id)
  CoapMessage response;       // raw response
  uint8_t code = 0;           // the response code, e.g. 0x45 for 2.05
  ResponseKind kind = ResponseKind::kUnexpected;
  std::optional<ContentFormat> content_format;
  Content content;            // decoded (records, or links for link format)
  std::vector<Diagnostic> diagnostics;  // decoder + response checks (ClassifyResponse)
  std::optional<Path> created;          // Create: the instance named by Location-Path
  Bytes token;                          // Observe: the observation's token
  std::optional<uint32_t> observe;      // Observe: the sequence number of the first response
  bool success() const { return kind == ResponseKind::kSuccess || kind == ResponseKind::kNotify; }
};
using ReadResult = OperationResult;

struct RequestOptions {
  std::optional<ContentFormat> accept;
  std::optional<ContentFormat> format;  // request payload format (Write, Create, composites)
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  std::optional<Bytes> raw_payload;     // send these bytes instead of encoding the content
  CoapType type = CoapType::kConfirmable;
};

using OperationCallback = std::function<void(const Result<OperationResult>&)>;

enum class ServerEventKind : uint8_t {
  kRegistered, kUpdated, kDeregistered, kExpired, kNotification, kSend, kRequest
};
std::string_view ServerEventKindName(ServerEventKind k);

struct ServerEvent {
  ServerEventKind kind = ServerEventKind::kRequest;
  Clock::time_point time;
  std::string endpoint;   // "" when the request names no registration
  std::string location;
  std::optional<Registration> registration;  // kRegistered, kUpdated (the state after)
  bool replaced = false;                     // kRegistered: an older registration of the endpoint went
  // kRequest: the message from a client, its classification, the code the server answered
  // (0 when the hook answered or nothing was sent).
  CoapMessage message;
  std::optional<Classification> classification;
  uint8_t answered = 0;
  coap::Address remote;
  coap::Transport transport = coap::Transport::kUdp;
  std::string psk_identity;
  // kNotification, kSend
  Bytes token;
  Path path;                        // the observed path (root for composites)
  std::optional<uint32_t> observe;  // the Observe sequence number
  bool confirmable = false;
  bool out_of_order = false;        // not fresher than the previous one (RFC 7641 §4.4)
  std::optional<ContentFormat> content_format;
  Content content;
  std::vector<Diagnostic> diagnostics;
  std::string Summary() const;  // one log line
};

// Answers an incoming request instead of the default logic when it returns true (it must then
// call Respond, Defer, Drop or Reset on the responder; Reset answers with an RST carrying the
// request's message ID, RFC 7252 §4.2/§4.3, and acts as Drop over TCP/TLS).
using RequestHook = std::function<bool(const coap::Peer&, const CoapMessage&, const Classification&,
                                       coap::Responder&)>;

class Lwm2mServer {
 public:
  explicit Lwm2mServer(ServerConfig config = {});
  ~Lwm2mServer();
  Lwm2mServer(const Lwm2mServer&) = delete;
  Lwm2mServer& operator=(const Lwm2mServer&) = delete;

  // Opens the configured endpoints; fails when a port cannot be bound.
  Status Start();
  std::optional<coap::Address> address(coap::Transport t) const;
  coap::Context& context() { return *ctx_; }

  // Other Contexts stepped together with ours whenever this server waits (an in-process client).
  void AddPeerContext(coap::Context* other) { peers_.push_back(other); }
  void SetEventCallback(std::function<void(const ServerEvent&)> cb) { on_event_ = std::move(cb); }
  void SetRequestHook(RequestHook hook) { hook_ = std::move(hook); }

  // One step of the loop (I/O, timers, lifetimes, queued requests).
  void Poll(std::chrono::milliseconds timeout);
  // Steps until pred() or the timeout; returns pred().
  bool RunUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout);
  // The first queued event matching pred (removed from the queue), stepping until one arrives.
  std::optional<ServerEvent> WaitFor(const std::function<bool(const ServerEvent&)>& pred,
                                     std::chrono::milliseconds timeout);
  std::vector<ServerEvent> TakeEvents();
  // Checks lifetimes now, then request deadlines and queued requests. Loop steps call it
  // with full=false, which scans lifetimes at most once per 100 ms of server time.
  void Tick(bool full = true);

  const Registration* FindByEndpoint(const std::string& endpoint) const;
  std::vector<Registration> Registrations() const;

  // ---- DM / IR verbs. Each waits up to options.timeout, stepping the loop (and the peer
  // Contexts); do not call them from an event or operation callback (those run inside the loop).
  // A Status (not a result) means no response: unknown endpoint (4.04), encoding failure, or
  // transport failure/timeout (5.00 with the reason). Requests to a queue-mode client outside its
  // awake window are held until its next Register/Update/Send and count against the timeout. ----
  Result<OperationResult> Call(const std::string& endpoint, Operation op, const RequestOptions& o = {});
  void CallAsync(const std::string& endpoint, Operation op, const RequestOptions& o, OperationCallback cb);

  Result<ReadResult> Read(const std::string& ep, const Path& path, const RequestOptions& o = {});
  Result<OperationResult> ReadComposite(const std::string& ep, const std::vector<Path>& paths,
                                        const RequestOptions& o = {});
  Result<OperationResult> Discover(const std::string& ep, const Path& path, std::optional<uint8_t> depth = {},
                                   const RequestOptions& o = {});
  Result<OperationResult> Write(const std::string& ep, const Path& path, const Content& values,
                                WriteMode mode = WriteMode::kReplace, const RequestOptions& o = {});
  Result<OperationResult> WriteComposite(const std::string& ep, const Content& values, const RequestOptions& o = {});
  Result<OperationResult> WriteAttributes(const std::string& ep, const Path& path, const NotificationAttributes& a,
                                          const RequestOptions& o = {});
  Result<OperationResult> Execute(const std::string& ep, const Path& path, std::vector<ExecuteArgument> args = {},
                                  const RequestOptions& o = {});
  // `values` under /o/i creates instance i; under Path::UnassignedInstance(o) or with a raw
  // payload without an instance, the client assigns the id (Location-Path in `created`).
  Result<OperationResult> Create(const std::string& ep, const Path& object, const Content& values,
                                 const RequestOptions& o = {});
  Result<OperationResult> Delete(const std::string& ep, const Path& path, const RequestOptions& o = {});
  // Notifications arrive as kNotification events carrying the returned token.
  Result<OperationResult> Observe(const std::string& ep, const Path& path, const NotificationAttributes& a = {},
                                  const RequestOptions& o = {});
  Result<OperationResult> ObserveComposite(const std::string& ep, const std::vector<Path>& paths,
                                           const NotificationAttributes& a = {}, const RequestOptions& o = {});
  // kGet: GET (or FETCH for a composite) with Observe=1, returns its response; kReset: the next
  // notification is answered with RST, returns at once with code 0.
  Result<OperationResult> CancelObservation(const std::string& ep, const Bytes& token,
                                            coap::Session::CancelBy how = coap::Session::CancelBy::kGet,
                                            std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The format a Write/Create/composite uses when the caller names none: one from the root
  // link's `ct` if given, else SenML CBOR for 1.1+ and TLV for 1.0.
  ContentFormat DefaultFormat(const Registration& r) const;

 private:
  struct Pending;
  struct ObservationRec;
  struct Impl;

  void OnRequest(const coap::Peer& peer, const CoapMessage& req, coap::Responder& r);
  uint8_t HandleRegister(const coap::Peer& peer, const CoapMessage& req, const Classification& c,
                         CoapMessage& resp, std::string& endpoint);
  uint8_t HandleUpdate(const coap::Peer& peer, const CoapMessage& req, const Classification& c, std::string& endpoint);
  uint8_t HandleDeregister(const CoapMessage& req, std::string& endpoint);
  uint8_t HandleSend(const coap::Peer& peer, const CoapMessage& req, const Classification& c, std::string& endpoint);
  void Emit(ServerEvent e);
  void Dispatch(const std::shared_ptr<Pending>& p, Registration& reg);
  void FlushQueue(Registration& reg);
  void Complete(const std::shared_ptr<Pending>& p, const Result<OperationResult>& r);
  OperationResult BuildResult(const Pending& p, const CoapMessage& resp) const;
  void OnObservationReply(const std::shared_ptr<ObservationRec>& rec, const coap::Reply& reply);
  Registration* FindByLocation(const std::string& location);
  Registration* FindRegistration(const std::string& endpoint);
  Registration* FindByPeer(const coap::Peer& peer);
  void RemoveRegistration(const std::string& endpoint, ServerEventKind why);
  Result<std::pair<ContentFormat, Bytes>> RequestBody(const std::string& ep, const Content& content, const Path& base,
                                                      std::optional<ContentFormat> fallback,
                                                      const RequestOptions& o) const;
  Clock::time_point Now() const { return config_.clock ? config_.clock() : Clock::now(); }
  const ModelRegistry* models() const;
  bool Awake(const Registration& r) const;
  Result<OperationResult> Wait(const std::string& ep, Operation op, const RequestOptions& o);

  ServerConfig config_;
  Status setup_error_;  // certificate files that could not be read, reported by Start
  std::unique_ptr<coap::Context> ctx_;
  std::vector<std::shared_ptr<coap::Endpoint>> endpoints_;
  std::vector<coap::Context*> peers_;
  std::map<std::string, Registration> registrations_;  // by endpoint
  Clock::time_point last_expiry_scan_{};  // server time of the last lifetime scan
  std::map<std::string, std::vector<std::shared_ptr<Pending>>> queued_;  // by endpoint (queue mode)
  std::vector<std::shared_ptr<Pending>> in_flight_;
  std::map<Bytes, std::shared_ptr<ObservationRec>> observations_;  // by token
  std::deque<ServerEvent> events_;
  std::function<void(const ServerEvent&)> on_event_;
  RequestHook hook_;
  std::set<std::string> flush_pending_;  // endpoints whose queue goes out on the next step
  std::vector<ServerEvent>* buffer_ = nullptr;  // events raised while a request is handled
  uint32_t next_location_ = 1;
  uint32_t location_salt_ = 0;
};

}  // namespace lwm2m::refserver
