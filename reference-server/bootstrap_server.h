// bootstrap_server.h: the reference LwM2M 1.2 Bootstrap-Server (Core TS 1.2 §6.1; Transport TS
// 1.2 §6.4.2) over UDP, DTLS, TCP and TLS (PSK or X.509): answers Bootstrap-Request (POST /bs?ep=&pct=) with 2.04 and then drives the client
// over the same session through the endpoint's BootstrapPlan (Discover, Read, Delete, Write,
// Finish), answers Bootstrap-Pack-Request (GET /bspack?ep=), and records every step as events.
//   BootstrapServer bs({.plan = *LoadBootstrapPlanFile("plan.yaml")});
//   auto st = bs.Start();                       // UDP (and DTLS, TCP, TLS when enabled) on port 0
//   bool ok = bs.WaitFor([&] { return bs.CountRuns("node1", BootstrapOutcome::kFinished) > 0; }, 10s, {&client_ctx});
#pragma once

#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coap/context.h"
#include "lwm2m/operation.h"
#include "reference-server/bootstrap_plan.h"

namespace lwm2m::refserver {

struct BootstrapServerOptions {
  BootstrapPlan plan;
  std::string ip = "127.0.0.1";
  bool udp = true;
  uint16_t udp_port = 0;
  bool dtls = false;                      // DTLS with PSK from psk_keys
  uint16_t dtls_port = 0;
  std::map<std::string, Bytes> psk_keys;  // PSK identity -> key; unknown identities fail the handshake
  bool tcp = false;                       // CoAP over TCP (RFC 8323), NoSec
  uint16_t tcp_port = 0;
  bool tls = false;                       // CoAP over TLS 1.2/1.3 with PSK and/or the certificate below
  uint16_t tls_port = 0;
  // X.509 on the dtls/tls endpoints, beside PSK: PEM text of this server's certificate (chain),
  // its private key and the CA that client certificates must chain to. A certificate client's
  // (D)TLS identity is its certificate's subject CN (ep defaults to it; see require_ep_equals_identity).
  std::string certificate_pem, private_key_pem, ca_pem;
  std::string cipher_list;                // e.g. "PSK-AES128-CCM8"; empty: libcoap's
  coap::Timing timing;                    // for the sessions the server accepts
  // Answer 4.00 to a Bootstrap-Request whose ep differs from the DTLS PSK identity when the
  // plan sets no psk_identity (Transport TS 1.2 §5, research §2.12). Off by default because
  // deployed clients commonly use an identity other than the endpoint name.
  bool require_ep_equals_identity = false;
};

enum class BootstrapEventKind : uint8_t {
  kRequestReceived,      // a Bootstrap-Request arrived (code: what it was answered)
  kRequestRejected,      // ... and was answered with an error or not at all (detail says why)
  kStepSent,             // a step's request went out
  kStepResponse,         // its response (code) or failure (outcome)
  kFinished,             // Bootstrap-Finish answered 2.04
  kFailed,               // the run stopped: a step failed, Finish got 4.06, a timeout
  kPackRequestReceived,  // a Bootstrap-Pack-Request (code: what it was answered)
};
std::string_view BootstrapEventKindName(BootstrapEventKind k);

struct BootstrapEvent {
  BootstrapEventKind kind = BootstrapEventKind::kRequestReceived;
  std::string endpoint;
  int run = -1;                    // index into runs(), -1 when no run started
  int step = -1;                   // index into the plan's steps
  std::optional<uint8_t> code;     // CoAP response code sent or received
  std::string detail;              // operation summary, failure reason
  std::chrono::steady_clock::time_point at;
  std::string ToString() const;    // "node1 run 0 step 2 step-response 2.04: Bootstrap-Write /0/1 ..."
};

enum class BootstrapOutcome : uint8_t {
  kRunning,
  kFinished,             // Finish answered 2.04
  kInconsistent,         // Finish answered 4.06: the client found the configuration inconsistent (§6.1.7.2)
  kStepFailed,           // a step other than Finish answered an error code; the run stops there
  kFinishFailed,         // Finish answered another error code
  kNoResponse,           // a request timed out, was reset, or the session failed
  kSuperseded,           // a new Bootstrap-Request from the same endpoint restarted the sequence
  kPlanEnded,            // the plan ran out of steps without a Bootstrap-Finish (negative cases)
};
std::string_view BootstrapOutcomeName(BootstrapOutcome o);

struct BootstrapStepResult {
  BootstrapStep step;
  Operation operation;                 // what was sent
  coap::Outcome outcome = coap::Outcome::kResponse;
  CoapMessage response;                // valid when outcome is kResponse
  ResponseClassification classification;
  std::vector<Link> links;             // Bootstrap-Discover: the decoded link format
  Content content;                     // Bootstrap-Read: the decoded payload
  std::vector<Diagnostic> diagnostics; // decoding and Bootstrap-Discover rule diagnostics
  bool done = false;
};

struct BootstrapRun {
  std::string endpoint;
  coap::Transport transport = coap::Transport::kUdp;
  std::string psk_identity;
  std::string certificate_cn;          // the client certificate's subject CN (certificate mode)
  std::optional<ContentFormat> pct;    // the client's preferred content format
  ContentFormat write_format = ContentFormat::kSenmlCbor;
  std::vector<BootstrapStepResult> steps;  // the steps sent so far
  BootstrapOutcome outcome = BootstrapOutcome::kRunning;
  std::string detail;
};

// What to answer to a Bootstrap-Request instead of following the plan (negative cases).
struct BootstrapRequestAnswer {
  std::optional<uint8_t> code;  // nullopt: no answer at all (not even an ACK)
  bool run_plan = false;        // with a 2.04: still drive the plan
};
using BootstrapRequestHook =
    std::function<std::optional<BootstrapRequestAnswer>(const coap::Peer&, const Operation& request)>;

class BootstrapServer {
 public:
  explicit BootstrapServer(BootstrapServerOptions options = {});
  ~BootstrapServer();
  BootstrapServer(const BootstrapServer&) = delete;
  BootstrapServer& operator=(const BootstrapServer&) = delete;

  Status Start();  // opens the endpoints; fails (5.00) when one cannot be bound
  void Stop();     // closes endpoints and sessions; runs in progress end as kNoResponse
  bool running() const { return !endpoints_.empty(); }
  std::optional<coap::Address> udp_address() const;
  std::optional<coap::Address> dtls_address() const;
  std::optional<coap::Address> tcp_address() const;
  std::optional<coap::Address> tls_address() const;
  std::string udp_uri() const;   // "coap://127.0.0.1:40123", "" when not listening
  std::string dtls_uri() const;  // "coaps://..."
  std::string tcp_uri() const;   // "coap+tcp://..."
  std::string tls_uri() const;   // "coaps+tcp://..."

  void SetPlan(BootstrapEndpointPlan plan);  // adds or replaces the endpoint's plan
  const BootstrapPlan& plan() const { return options_.plan; }
  // Consulted first for every Bootstrap-Request; nullopt: normal handling.
  void SetRequestHook(BootstrapRequestHook hook) { request_hook_ = std::move(hook); }
  void SetEventListener(std::function<void(const BootstrapEvent&)> listener) { listener_ = std::move(listener); }

  // Other Contexts stepped together with ours whenever this server waits (an in-process client).
  void AddPeerContext(coap::Context* other) { peers_.push_back(other); }
  // Steps this server's event loop (with the peer Contexts and `others`) until pred() holds or
  // `timeout` passes; returns pred(). Drive the server only through WaitFor/RunUntil/Poll (not
  // coap::RunUntil on context()): a plan's first step is sent from here, once the 2.04 to the
  // Bootstrap-Request has gone out.
  [[nodiscard]] bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                             std::initializer_list<coap::Context*> others = {});
  bool RunUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    return WaitFor(pred, timeout);
  }
  // One step of this server's loop only (waits up to `timeout` for I/O).
  void Poll(std::chrono::milliseconds timeout);

  const std::vector<BootstrapEvent>& events() const { return events_; }
  const std::vector<BootstrapRun>& runs() const { return runs_; }
  // The last run of an endpoint, nullptr when none.
  const BootstrapRun* LastRun(std::string_view endpoint) const;
  size_t CountRuns(std::string_view endpoint, BootstrapOutcome outcome) const;

  coap::Context& context() { return *context_; }

 private:
  void OnRequest(const coap::Peer& peer, const CoapMessage& req, coap::Responder& r);
  void OnBootstrapRequest(const coap::Peer& peer, const CoapMessage& req, coap::Responder& r);
  void OnPackRequest(const coap::Peer& peer, const CoapMessage& req, coap::Responder& r);
  void StartPending();
  void SendStep(int run);
  void OnStepReply(int run, const coap::Reply& reply);
  void End(int run, BootstrapOutcome outcome, std::string detail);
  void Emit(BootstrapEvent e);

  struct Pending {
    int run;
    std::shared_ptr<coap::Session> session;
  };
  BootstrapServerOptions options_;
  std::unique_ptr<coap::Context> context_;
  std::vector<std::shared_ptr<coap::Endpoint>> endpoints_;
  std::shared_ptr<coap::Endpoint> udp_, dtls_, tcp_, tls_;
  BootstrapRequestHook request_hook_;
  std::function<void(const BootstrapEvent&)> listener_;
  std::vector<BootstrapEvent> events_;
  std::vector<BootstrapRun> runs_;
  std::vector<std::shared_ptr<coap::Session>> run_sessions_;  // parallel to runs_
  std::vector<Pending> pending_;
  std::vector<coap::Context*> peers_;
};

}  // namespace lwm2m::refserver
