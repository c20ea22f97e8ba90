// client.h: the reference LwM2M 1.2 Client, network side: provisioning from factory and smart card,
// client- and server-initiated bootstrap with Bootstrap-Request and Bootstrap-Pack-Request (Core TS
// 1.2 §6.1), registration to every server account in priority order with retries, version fallback
// and queue mode (§6.2, §6.5), transport selection (binding.h), the DM/IR requests of the servers
// handed to the data model (dm/data_model.h, §6.3/§6.4), notifications, Send, firmware pull; an event
// stream and a request hook so that the harness can use it as its tester against an LwM2M server.
//   Lwm2mClient client({.config = *LoadClientConfigFile("c.yaml")});
//   client.Start();
//   client.WaitFor([](const ClientEvent& e) { return e.kind == ClientEventKind::kRegistered; }, 5s);
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
#include "lwm2m/coap_message.h"
#include "lwm2m/path.h"
#include "lwm2m/result.h"
#include "reference-client/binding.h"
#include "reference-client/client_config.h"
#include "reference-client/dm/data_model.h"

namespace lwm2m::refclient {

class FirmwareUpdate;
class SoftwareManagement;

enum class RegistrationState : uint8_t {
  kIdle,          // not in the registration order (not selected, or waiting for its turn)
  kWaiting,       // Initial Registration Delay / retry / sequence delay running
  kRegistering,   // Register sent
  kRegistered,
  kUpdating,      // Update sent
  kDeregistering, // De-register sent
  kDeregistered,
  kDisabled,      // /1/x/4 executed; re-registers after Disable Timeout /1/x/5
  kFailed,        // every retry and sequence failed
};
std::string_view RegistrationStateName(RegistrationState s);

enum class BootstrapState : uint8_t { kNone, kHoldOff, kPackRequested, kRequested, kFinished, kFailed };
std::string_view BootstrapStateName(BootstrapState s);

enum class ClientEventKind : uint8_t {
  kRequest,        // a request from a server or the bootstrap server arrived (message)
  kResponse,       // the answer the client sent to it (message; code)
  kRegistered,     // Register answered 2.01 (ssid, detail: location)
  kUpdated,        // Update answered 2.04
  kDeregistered,   // De-register answered (or the client dropped the registration)
  kRegistrationFailed,  // an attempt failed (code or outcome in detail); final when state is kFailed
  kStateChanged,   // a registration state change (state)
  kBootstrap,      // a bootstrap state change (bootstrap_state)
  kNotification,   // a notification went out (message)
  kSend,           // a Send went out (message) and its answer (code)
  kDownload,       // firmware pull progress (detail)
  kLog,            // anything else worth a log line
};
std::string_view ClientEventKindName(ClientEventKind k);

struct ClientEvent {
  ClientEventKind kind = ClientEventKind::kLog;
  Clock::time_point time;
  uint16_t ssid = 0;          // the server concerned, 0 for the bootstrap server or none
  bool bootstrap = false;     // concerns the bootstrap server
  CoapMessage message;        // request received / response sent / Register, Update, Send sent
  uint8_t code = 0;           // response code (sent or received)
  RegistrationState state = RegistrationState::kIdle;
  BootstrapState bootstrap_state = BootstrapState::kNone;
  std::string detail;
  std::string Summary() const;  // one log line
};

// Answers a request instead of the data model when it returns true (it must then Respond, Defer,
// Drop or Reset). ssid 0 with from_bootstrap true: the bootstrap server.
using ClientRequestHook =
    std::function<bool(uint16_t ssid, bool from_bootstrap, const CoapMessage& request, coap::Responder& r)>;

struct ServerStatus {
  uint16_t ssid = 0;
  RegistrationState state = RegistrationState::kIdle;
  std::string location, version, uri, rule;  // rule: which TRAN-BIND rule chose the transport
  coap::Transport transport = coap::Transport::kUdp;
  uint32_t lifetime = 0;
  std::string binding;
  bool queue_asleep = false;
  int attempts = 0;      // failed attempts in the current sequence
  int sequences = 0;     // failed sequences
  size_t observations = 0;
};

struct ClientOptions {
  ClientConfig config;
  std::function<Clock::time_point()> clock;  // null: steady_clock (tests drive a fake one)
  const ModelRegistry* models = nullptr;
  bool populate_defaults = true;             // the demo objects of DataModel::PopulateDefaults
  std::string ip = "127.0.0.1";              // unused for client sessions; kept for symmetry
};

class Lwm2mClient {
 public:
  explicit Lwm2mClient(ClientOptions options);
  ~Lwm2mClient();
  Lwm2mClient(const Lwm2mClient&) = delete;
  Lwm2mClient& operator=(const Lwm2mClient&) = delete;

  FirmwareUpdate* firmware() { return fw_.get(); }      // null when /5/0 does not exist
  SoftwareManagement* software() { return sw_.get(); }  // null without object 9

  // Provisions the data model (factory, smart card, objects) and starts registering, or
  // bootstrapping when no server account exists (Core TS 1.2 §6.1 "Bootstrap Sequence").
  Status Start();
  // De-registers from every registered server (waiting up to `timeout`), then closes the sessions.
  void Stop(bool deregister = true, std::chrono::milliseconds timeout = std::chrono::seconds(3));

  DataModel& dm() { return *dm_; }
  coap::Context& context() { return *ctx_; }
  const ClientConfig& config() const { return options_.config; }

  void AddPeerContext(coap::Context* other) { peers_.push_back(other); }
  void SetEventCallback(std::function<void(const ClientEvent&)> cb) { on_event_ = std::move(cb); }
  void SetRequestHook(ClientRequestHook hook) { hook_ = std::move(hook); }

  // Runs due timers (registration, retries, updates, disable timeout, queue mode, observations).
  // Call it from any loop that steps context() (the loop calls it itself).
  void Tick();
  void Poll(std::chrono::milliseconds timeout);
  bool RunUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout);
  std::optional<ClientEvent> WaitFor(const std::function<bool(const ClientEvent&)>& pred,
                                     std::chrono::milliseconds timeout);
  std::vector<ClientEvent> TakeEvents();
  // The earliest time Tick has something to do; nullopt: nothing scheduled.
  std::optional<Clock::time_point> NextDeadline() const;

  // ---- upper tester ----
  Status Register(std::optional<uint16_t> ssid = {});    // (re-)Register now
  Status Update(std::optional<uint16_t> ssid = {});      // Update now (with the object links)
  Status Deregister(std::optional<uint16_t> ssid = {});
  Status Bootstrap();                                    // client-initiated bootstrap now
  // Send (Core TS 1.2 §6.4.6): POST /dp with the values of `paths` in SenML CBOR; 4.03 when muted.
  Status Send(const std::vector<Path>& paths, std::optional<uint16_t> ssid = {});
  Status Reboot();         // closes everything and starts again with the stored configuration
  Status FactoryReset();   // forgets everything written since Start and starts again
  // Which servers to register to (nullopt: all); the change takes effect at once.
  void SetRegisterTo(std::optional<std::vector<uint16_t>> ssids);

  std::vector<ServerStatus> Servers() const;
  std::optional<ServerStatus> Server(uint16_t ssid) const;
  BootstrapState bootstrap_state() const { return bs_.state; }
  Clock::time_point Now() const { return options_.clock ? options_.clock() : Clock::now(); }

 private:
  struct Conn;
  struct BootstrapRun {
    BootstrapState state = BootstrapState::kNone;
    std::shared_ptr<coap::Session> session;
    Clock::time_point next{}, deadline{};
    bool scheduled = false;
    bool fallback_tried = false;
    std::vector<std::pair<uint16_t, Content>> saved_bs_accounts;  // for credential rotation rollback
  };

  void Emit(ClientEvent e);
  void Log(std::string text, uint16_t ssid = 0);
  std::chrono::milliseconds Scaled(double seconds) const;
  Status Provision();
  void ApplySource(const ProvisioningData& d, ProvisioningSource source, std::set<uint16_t>& taken_ssids,
                   bool& bs_taken);
  void InstallActions();
  void OnRequest(const coap::Peer& peer, const CoapMessage& req, coap::Responder& r);
  void OnChange(const Path& path, const Requester& who);
  Conn* FindConnByPeer(const coap::Peer& peer);
  Conn* FindConn(uint16_t ssid);
  std::optional<uint16_t> SsidOfServerInstance(uint16_t iid) const;
  std::optional<uint16_t> SecurityInstanceOf(uint16_t ssid) const;
  std::vector<uint16_t> RegistrationOrder() const;
  void SyncConns();
  void StartRound();
  void ScheduleRoundPosition();
  void AdvanceRound(uint16_t finished_ssid, bool success);
  void SetState(Conn& c, RegistrationState s, std::string detail = {});
  Status Connect(Conn& c);
  void SendRegister(Conn& c);
  void SendUpdate(Conn& c, bool with_links, bool lifetime, bool binding);
  void SendDeregister(Conn& c, bool then_disable);
  void AttemptFailed(Conn& c, std::string why);
  void Registered(Conn& c);
  void TickConn(Conn& c, Clock::time_point now);
  void TickObservations(Clock::time_point now);
  void FlushStored(Conn& c);
  void GoOffline(Conn& c, bool offline);
  bool Muted(uint16_t ssid) const;
  std::string RegisterBinding(const Conn& c) const;
  std::vector<std::string> VersionsFor(uint16_t ssid) const;
  // Bootstrap
  void StartBootstrap(std::chrono::milliseconds hold_off);
  void TickBootstrap(Clock::time_point now);
  void SendBootstrapPack();
  void SendBootstrapRequest();
  Status ApplyPack(const CoapMessage& response);
  void BootstrapDone(bool ok, std::string detail);
  void SaveBootstrapAccounts();
  void RestoreBootstrapAccounts();
  std::optional<uint16_t> BootstrapAccountInstance() const;
  coap::Security SecurityOf(uint16_t security_iid) const;
  coap::Timing TimingFromConfig() const;
  // Firmware / software pull: GET `uri` over CoAP(S) (block-wise), `done` with the body or the error.
  void Fetch(const std::string& uri, std::function<void(Result<Bytes>)> done);
  Status AttachStateMachines();

  ClientOptions options_;
  std::unique_ptr<DataModel> dm_;
  std::unique_ptr<coap::Context> ctx_;
  std::vector<coap::Context*> peers_;
  std::map<uint16_t, std::unique_ptr<Conn>> conns_;  // by ssid
  std::vector<uint16_t> order_;                      // this round's registration order
  size_t round_pos_ = 0;
  bool round_active_ = false;
  BootstrapRun bs_;
  std::deque<ClientEvent> events_;
  std::function<void(const ClientEvent&)> on_event_;
  ClientRequestHook hook_;
  bool provisioning_ = false;   // OnChange ignores our own writes
  bool reboot_pending_ = false, bootstrap_pending_ = false;  // after the Execute's 2.04 went out
  std::set<uint16_t> disable_pending_;
  int bs_finish_result_ = 0;    // 1: Bootstrap-Finish answered 2.04, 2: answered an error
  std::string bs_finish_detail_;
  std::optional<std::vector<uint16_t>> register_to_;
  bool started_ = false;
  std::shared_ptr<coap::Session> download_session_;
  std::unique_ptr<FirmwareUpdate> fw_;
  std::unique_ptr<SoftwareManagement> sw_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // callbacks outliving a restart
};

}  // namespace lwm2m::refclient
