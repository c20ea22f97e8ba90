// bootstrap_plan.h: what the reference Bootstrap-Server does for each endpoint (Core TS 1.2
// §6.1.7): an ordered list of Bootstrap-Discover/-Read/-Delete/-Write/-Finish steps, loaded from
// YAML (errors name file:line:column) or built by helpers for a DM server account and for a
// rotation of the bootstrap credentials (a new /0 Bootstrap-Server account written before Finish).
//   auto plan = LoadBootstrapPlanYaml("endpoints: {node1: {steps: [{delete: /}, finish]}}", "p.yaml");
//   plan->Find("node1")->steps[0].kind == BootstrapStepKind::kDelete;
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/content.h"
#include "lwm2m/content_format.h"
#include "lwm2m/model.h"
#include "lwm2m/path.h"
#include "lwm2m/result.h"

namespace lwm2m::refserver {

enum class BootstrapStepKind : uint8_t { kDiscover, kRead, kDelete, kWrite, kFinish };
std::string_view BootstrapStepName(BootstrapStepKind k);  // "discover", "read", ...

struct BootstrapStep {
  BootstrapStepKind kind = BootstrapStepKind::kFinish;
  Path path;                              // Discover: / or /o; Read: /1, /2 [/i]; Delete: /, /o, /o/i; Write: /o[/i[/r]]
  std::vector<Record> records;            // Write: the values, absolute paths under `path`
  std::optional<ContentFormat> format;    // Write: forces the payload format; Read: Accept
  std::string origin;                     // "plan.yaml:7:7" when loaded from YAML, else ""
  bool operator==(const BootstrapStep&) const = default;

  static BootstrapStep Discover(Path path = {});
  static BootstrapStep Read(Path path, std::optional<ContentFormat> accept = {});
  static BootstrapStep Delete(Path path = {});
  static BootstrapStep Write(Path path, std::vector<Record> records, std::optional<ContentFormat> format = {});
  static BootstrapStep Finish();
};

struct BootstrapEndpointPlan {
  std::string endpoint;
  // Format of the Writes when the Bootstrap-Request has no pct; unset: TLV for an endpoint
  // declared as LwM2M 1.0, SenML CBOR otherwise (Core TS 1.2 §6.1.7.1, OMA issue #515).
  std::optional<ContentFormat> content_format;
  std::string lwm2m_version = "1.2";
  // When set, a (D)TLS session must have authenticated with this PSK identity, and a
  // Bootstrap-Request on another identity (or without security) gets 4.00
  // (Transport TS 1.2 §5, research §2.12: the server compares ep with the security identity).
  std::optional<std::string> psk_identity;
  std::vector<BootstrapStep> steps;
  std::string origin;

  // Every record of every Write, in plan order (what a Bootstrap-Pack carries).
  std::vector<Record> WriteRecords() const;
  bool operator==(const BootstrapEndpointPlan&) const = default;
};

struct BootstrapPlan {
  std::map<std::string, BootstrapEndpointPlan> endpoints;
  const BootstrapEndpointPlan* Find(std::string_view endpoint) const;
  void Add(BootstrapEndpointPlan plan) { endpoints[plan.endpoint] = std::move(plan); }
};

// Loads `endpoints: {<name>: {content-format:, lwm2m-version:, psk-identity:, steps: [...]}}`.
// Steps: `discover: /`, `read: /1` (or {path:, accept:}), `delete: /0/1`, `finish`, and
//   write: {path: /0/1, format: tlv, values: {0: "coap://h", 1: false, 3: {hex: "0102"}, 16: [49320]}}
//   write: {path: /1/1/1, value: 300}
//   write: {path: /0, instances: {1: {0: "coap://h"}, 2: {...}}}
// Values are typed by the Object model (`models`, default the built-in one): Opaque takes a
// string as UTF-8 bytes, or {hex: ..} / {base64: ..}; a list or {id: value} map is a Multiple
// Resource. Without a model: quoted text is a String, true/false a Boolean, digits an Integer.
// Targets the TS forbids (Read other than /1, /2 [/i]; Delete below /o/i; Discover below /o) are
// errors unless the step says so: `read: {path: /3, unchecked: true}` (negative tests).
// Errors (4.00) read "plan.yaml:7:14: ..." (yaml-cpp marks, 1-based).
Result<BootstrapPlan> LoadBootstrapPlanYaml(std::string_view yaml, std::string_view source,
                                            const ModelRegistry* models = nullptr);
Result<BootstrapPlan> LoadBootstrapPlanFile(const std::string& path, const ModelRegistry* models = nullptr);

// Security Mode /0/x/2 (Core TS 1.2 Appendix E.1).
enum class SecurityModeValue : uint8_t { kPsk = 0, kRpk = 1, kCertificate = 2, kNoSec = 3, kCertificateEst = 4 };

// An LwM2M Server account: a /0 Security instance and a /1 Server instance.
struct DmServerAccount {
  std::string server_uri = "coap://127.0.0.1:5683";
  SecurityModeValue security_mode = SecurityModeValue::kNoSec;
  std::string psk_identity;  // /0/x/3 (PSK mode)
  Bytes psk_key;             // /0/x/5 (PSK mode)
  uint16_t short_server_id = 101;
  uint32_t lifetime = 300;
  std::string binding = "U";
  uint16_t security_instance = 1;
  uint16_t server_instance = 1;
  bool notification_storing = true;  // /1/x/6
};

// A Bootstrap-Server account: a /0 instance with Bootstrap-Server = true (no /1 instance).
struct BootstrapServerAccount {
  std::string server_uri = "coap://127.0.0.1:5783";
  SecurityModeValue security_mode = SecurityModeValue::kPsk;
  std::string psk_identity;
  Bytes psk_key;
  uint16_t security_instance = 0;
  std::optional<uint32_t> client_hold_off_time;        // /0/x/11
  std::optional<uint32_t> account_timeout;             // /0/x/12, 0 or absent: never expires
};

// The Write records of the /0 and /1 instances of a DM server account.
std::vector<Record> SecurityInstanceRecords(const DmServerAccount& a);
std::vector<Record> ServerInstanceRecords(const DmServerAccount& a);
std::vector<Record> BootstrapAccountRecords(const BootstrapServerAccount& a);

// Delete / (all but the Bootstrap-Server account, Core TS 1.2 §6.1.7.6), Write /0/<si>,
// Write /1/<si>, Finish.
BootstrapEndpointPlan StandardDmServerPlan(std::string endpoint, const DmServerAccount& account);
// Inserts, before the plan's Finish (or at the end when it has none), a Bootstrap-Write of a new
// Bootstrap-Server account replacing /0/<security_instance>. Core TS 1.2 §6.1.7.2: the client
// applies the new account before answering Finish, or answers 4.06 and keeps the old one.
void AddBootstrapCredentialRotation(BootstrapEndpointPlan& plan, const BootstrapServerAccount& new_account);

}  // namespace lwm2m::refserver
