// The reference client's data model: object instances and resource values typed by the OMA
// object models (lwm2m/model.h), access control per server, and the client side of every Device
// Management, Bootstrap and Information Reporting operation (Core TS 1.2 §6.1, §6.3, §6.4), as
// pure logic: a request CoapMessage in, a response CoapMessage out. No sockets here; the network
// side (reference-client/client.h) feeds requests in and sends what comes out.
//   DataModel dm(ModelRegistry::Builtin());
//   dm.SetValue(*Path::Parse("/3/0/0"), Value::String("Example"));
//   CoapMessage resp = dm.Handle(read_request, Requester::Server(101));
// CONTRACT between the two helpers building the client: additive changes only, reported to the lead.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "lwm2m/attributes.h"
#include "lwm2m/coap_message.h"
#include "lwm2m/content.h"
#include "lwm2m/content_format.h"
#include "lwm2m/model.h"
#include "lwm2m/path.h"
#include "lwm2m/result.h"
#include "lwm2m/value.h"

namespace lwm2m::refclient {

using Clock = std::chrono::steady_clock;

// Who asks. Bootstrap-Server operations bypass access control and may touch /0 and /21
// (Core TS 1.2 §6.1); DM servers get 4.01 on /0, /21, /23 (§7.3 ... see research notes).
struct Requester {
  enum class Kind : uint8_t { kServer, kBootstrapServer, kLocal };
  Kind kind = Kind::kLocal;
  uint16_t ssid = 0;  // Short Server ID for kServer
  static Requester Server(uint16_t ssid) { return {Kind::kServer, ssid}; }
  static Requester Bootstrap() { return {Kind::kBootstrapServer, 0}; }
  static Requester Local() { return {Kind::kLocal, 0}; }
};

// Where a /0 or /1 instance came from (BOOT-PROV-001/002): a later source may not silently
// override what a source of higher priority wrote.
enum class ProvisioningSource : uint8_t { kFactory, kSmartCard, kBootstrapServer, kServer, kLocal };

// A switchable deviation from the TS, for proving the catalog's cases can fail (issue 4 "Deliberate faults").
// The data model reads the ones that concern it (e.g. "allow-dm-on-security", "create-ignores-partial",
// "no-edge", "ignore-pmin", "accept-unsupported-accept").
using FaultSet = std::vector<std::string>;

struct DataModelOptions {
  const ModelRegistry* models = nullptr;   // null: ModelRegistry::Builtin()
  FaultSet faults;
  bool refuse_create = false;              // DMSE-001: Create answered 4.05 (configurable refusal)
  bool refuse_delete = false;              // DMSE-001: Delete answered 4.05
  std::string enabler_version = "1.2";     // "1.0" | "1.1" | "1.2": what the client claims (formats allowed)
};

// Options of the Register/Update link payload (Core TS 1.2 §6.2.1 / Transport TS 1.2 §6.x).
struct RegisterLinkOptions {
  std::string root_path;                   // alternate path, "" for none (emits </>;rt="oma.lwm2m")
  bool include_content_formats = true;     // ct= on the root link (1.1+)
  bool declare_versions = true;            // ver= for objects whose version differs from the default
};

// Called by Execute on a resource that has a registered action (e.g. /1/x/8 Registration Update
// Trigger, /1/x/4 Disable, /1/x/9 Bootstrap-Request Trigger, /3/0/4 Reboot, /5/0/2 Update).
// Returns the response code to send (e.g. kChanged, or a 4.xx).
using ExecuteAction = std::function<Status(const Path& path, const std::string& arguments, const Requester& who)>;

class ObservationManager;

class DataModel {
 public:
  explicit DataModel(DataModelOptions options = {});
  ~DataModel();
  DataModel(const DataModel&) = delete;
  DataModel& operator=(const DataModel&) = delete;

  const ModelRegistry& models() const;

  // Local access (configuration, upper tester, state machines). Types are checked against the model.
  Status CreateInstance(uint16_t object_id, uint16_t instance_id, ProvisioningSource source = ProvisioningSource::kLocal);
  Status DeleteInstance(const Path& instance);
  Status SetValue(const Path& resource_or_instance, const Value& value, ProvisioningSource source = ProvisioningSource::kLocal);
  Status SetMulti(const Path& resource, const std::map<uint16_t, Value>& instances);
  std::optional<Value> GetValue(const Path& resource_or_instance) const;
  std::vector<uint16_t> Instances(uint16_t object_id) const;
  std::vector<uint16_t> Objects() const;   // ids of objects the client supports (has a model for and enabled)
  bool Exists(const Path& path) const;
  Content Read(const Path& path) const;    // flat records under path, no access control
  std::optional<ProvisioningSource> SourceOf(const Path& instance) const;

  // Objects the client supports even with no instance (listed as </5> in Register).
  void EnableObject(uint16_t object_id, std::optional<std::string> version = {});

  // The protocol: one request from `who`, the complete response (code, Content-Format, payload,
  // Location-Path for Create). Honours Accept (4.06), Content-Format (4.15), access control (4.01/4.04),
  // read-only/execute-only (4.05), and the bootstrap operations when who is the bootstrap server.
  // Observe requests: returns the first response; the caller registers the observation with
  // observations() when the code is 2.05.
  CoapMessage Handle(const CoapMessage& request, const Requester& who);

  // (clientdm addition) An action registered on /o/65534/r serves every instance of /o/x/r that has
  // no action of its own.
  void SetExecuteAction(const Path& resource, ExecuteAction action);
  // Called after any value or instance change, with the changed path and who changed it.
  void SetOnChange(std::function<void(const Path&, const Requester&)> on_change);

  std::string RegisterLinks(const RegisterLinkOptions& options) const;

  ObservationManager& observations();

  // ---- Additions by clientdm (additive; see reference-client/dm/README.md) ----

  // Creates the demo instances: /3/0 Device, /4/0 Connectivity Monitoring, /5/0 Firmware Update (Idle),
  // /3303/0 Temperature (5700 with min/max/units) and /3200/0 Digital Input (5500). Existing
  // instances are left as they are.
  Status PopulateDefaults();

  // Bootstrap-Finish check (Core TS 1.2 §6.1.7.7: 4.06 when the configuration is inconsistent):
  // every /1 instance has a /0 instance (not a Bootstrap-Server one) with the same Short Server ID,
  // and at least one such LwM2M Server account exists. Fault "finish-always-ok" makes it always Ok.
  Status CheckBootstrapConsistency() const;

  // Called before a server or the bootstrap server writes `resource` (Write, Write-Composite,
  // Create, Bootstrap-Write). A hook owns the value: the data model does not store it, so the
  // hook calls SetValue itself when it wants it kept. A non-Ok Status becomes the response code.
  // Used by firmware.h (/5/0/0, /5/0/1) and software.h (/9/x/2, /9/x/3).
  using WriteHook = std::function<Status(const Path& resource, const Value& value, const Requester& who)>;
  void SetWriteHook(const Path& resource, WriteHook hook);

  // Attributes attached by Write-Attributes of server `ssid` at exactly `path` (no inheritance).
  NotificationAttributes AttachedAttributes(uint16_t ssid, const Path& path) const;
  // Attached attributes inherited down to `path` (Object < Instance < Resource < Resource
  // Instance, the deeper level wins; Core TS 1.2 §7.3.2), then pmin/pmax defaults from /1/x/2, /1/x/3.
  NotificationAttributes InheritedAttributes(uint16_t ssid, const Path& path) const;

  // Number of LwM2M Server accounts (/1 instances). With one, access control is off (full access).
  size_t ServerCount() const;
  // Where a refused Bootstrap-Write/Delete hit an instance of a higher-priority source (BOOT-PROV-002).
  const std::vector<std::string>& ProvisioningRefusals() const;
  bool HasFault(std::string_view name) const;
  // The paths of a Read-/Observe-Composite or Cancel request (its SenML/SenML-ETCH path list), for
  // ObservationManager::Start. 4.15 for a format that carries no path list, 4.00 when it does not decode.
  Result<std::vector<Path>> CompositePaths(const CoapMessage& request) const;
  const DataModelOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Observations and notification timing (Core TS 1.2 §6.4, §5.1.2 attributes; RFC 7641):
// attached attributes (Write-Attributes) and attributes in the Observe query (INFO-1: the query's
// override the attached ones for that observation), pmin/pmax/gt/lt/st/epmin/epmax/edge/con/hqmax.
struct ObservationKey {
  uint16_t ssid = 0;
  std::string token_hex;
  bool operator<(const ObservationKey& o) const { return std::tie(ssid, token_hex) < std::tie(o.ssid, o.token_hex); }
};

struct DueNotification {
  ObservationKey key;
  CoapMessage payload_message;   // 2.05 with Content-Format and payload (no token/Observe option set)
  bool confirmable = false;      // con=1 attribute
};

class ObservationManager {
 public:
  virtual ~ObservationManager() = default;
  // Start an observation of one path (or several: Observe-Composite) with the request's query attributes.
  virtual Status Start(const ObservationKey& key, const std::vector<Path>& paths,
                       const NotificationAttributes& query_attributes, ContentFormat format,
                       Clock::time_point now) = 0;
  virtual void Cancel(const ObservationKey& key) = 0;
  virtual void CancelAll(uint16_t ssid) = 0;
  virtual size_t Count() const = 0;
  // Notifications due at `now` (value changes recorded through SetOnChange, pmax expiry, pmin gating).
  virtual std::vector<DueNotification> Poll(Clock::time_point now) = 0;
  // The earliest time Poll may return something without a further change; nullopt: none pending.
  virtual std::optional<Clock::time_point> NextDeadline() const = 0;

  // ---- Additions by clientdm ----
  // Offline (queue mode, disabled, no connection): notifications that become due for `ssid` are
  // stored instead of returned, at most hqmax per observation (default kDefaultStored), oldest
  // dropped first (Core TS 1.2 §7.3.2 hqmax; /1/x/6). TakeStored returns and clears them in order.
  static constexpr size_t kDefaultStored = 16;
  virtual void SetOffline(uint16_t ssid, bool offline) = 0;
  virtual std::vector<DueNotification> TakeStored(uint16_t ssid) = 0;
  // The effective attributes of an observation for one of its paths (query over attached over
  // /1 defaults), for tests and diagnostics.
  virtual std::optional<NotificationAttributes> Effective(const ObservationKey& key, const Path& path) const = 0;
};

}  // namespace lwm2m::refclient
