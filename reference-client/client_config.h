// client_config.h: the configuration of the reference LwM2M 1.2 client, from YAML (errors name
// file:line:column): endpoint, claimed enabler version, provisioning sources (factory, a smart-card
// file standing for the UICC with its own priority; BOOT-PROV-001, Core TS 1.2 §6.1 "Bootstrap
// Sequence": smart card before factory, then client-initiated bootstrap), the server
// accounts they carry (/0 and /1 instances), objects and initial values, timers, transports, faults.
//   auto cfg = LoadClientConfigYaml("endpoint: node1\nfactory: {servers: [{uri: coap://127.0.0.1:5683}]}", "c.yaml");
//   cfg->factory.servers[0].ssid == 101;
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/path.h"
#include "lwm2m/result.h"
#include "lwm2m/value.h"

namespace lwm2m::refclient {

// Security Mode /0/x/2 values used here (Core TS 1.2 Appendix E.1): 0 PSK, 3 NoSec.
struct AccountSecurity {
  int64_t mode = 3;                     // 0 PSK, 2 certificate, 3 NoSec
  std::string psk_identity;             // /0/x/3
  Bytes psk_key;                        // /0/x/5
};

// An LwM2M Server account: /0 instance + /1 instance (Core TS 1.2 §6.1, Appendix E.1/E.2).
struct ServerAccount {
  uint16_t ssid = 101;
  std::string uri = "coap://127.0.0.1:5683";     // /0/x/0
  std::vector<std::string> secondary_uris;       // /0/x/25
  AccountSecurity security;
  uint32_t lifetime = 300;                       // /1/x/1
  std::string binding = "U";                     // /1/x/7
  bool notification_storing = true;              // /1/x/6
  std::optional<int64_t> default_pmin, default_pmax;      // /1/x/2, /1/x/3
  std::optional<int64_t> disable_timeout;                 // /1/x/5
  std::optional<uint64_t> priority;                       // /1/x/13
  std::optional<uint64_t> initial_delay;                  // /1/x/14 seconds
  std::optional<bool> failure_block;                      // /1/x/15
  std::optional<bool> bootstrap_on_failure;               // /1/x/16
  std::optional<uint64_t> retry_count, retry_timer;       // /1/x/17, /1/x/18
  std::optional<uint64_t> sequence_delay, sequence_retry; // /1/x/19, /1/x/20
  std::optional<std::string> preferred_transport;         // /1/x/22
  std::optional<bool> mute_send;                          // /1/x/23
  std::vector<std::string> supported_versions;            // /1/x/25
  std::optional<uint16_t> security_instance, server_instance;  // default: assigned in order
  std::string origin;                                     // "c.yaml:7:5"
};

// The Bootstrap-Server account (a /0 instance with /0/x/1 true).
struct BootstrapAccount {
  std::string uri;
  AccountSecurity security;
  uint32_t hold_off = 0;                       // /0/x/11 Client Hold Off Time, seconds
  std::optional<uint32_t> account_timeout;     // /0/x/12
  std::optional<uint16_t> security_instance;
  std::string origin;
};

// One provisioning source (factory configuration or smart card).
struct ProvisioningData {
  int priority = 0;                            // higher wins when two sources provision the same ssid
  std::optional<BootstrapAccount> bootstrap;
  std::vector<ServerAccount> servers;
  bool present = false;
};

// An initial value: `/3/0/0: "Example"`, `/3/0/6: [1, 5]` (a Multiple Resource).
struct InitialValue {
  Path path;
  std::vector<std::string> texts;  // text/plain forms, typed by the object model when applied
  bool multiple = false;
  std::string origin;
};

struct ClientConfig {
  std::string endpoint = "lwm2m-ref-client";
  std::string lwm2m_version = "1.2";           // claimed in Register (1.0, 1.1, 1.2)
  ProvisioningData factory;
  ProvisioningData smart_card;                 // from `smart-card: FILE` (priority 10 by default)
  std::vector<InitialValue> objects;
  std::vector<uint16_t> enable_objects;        // objects listed without instances (e.g. 5)
  std::optional<std::vector<uint16_t>> register_to;  // ssids to register with; unset: all
  std::string supported_binding = "UT";        // /3/0/16
  std::string binding_preference = "UT";       // client-preferred order (TRAN-BIND-004)
  bool queue_mode = false;
  std::optional<std::string> sms_number, profile_id;   // sms=, pid=
  bool bootstrap_pack = true;                  // try Bootstrap-Pack-Request first (Core TS 1.2 §6.1.7.x)
  std::string preferred_content_format = "senml-cbor";  // pct of Bootstrap-Request
  double time_scale = 1.0;                     // every LwM2M timer in seconds is multiplied by it
  std::chrono::milliseconds bootstrap_timeout{std::chrono::seconds(30)};  // Bootstrap-Request to Finish
  std::chrono::milliseconds queue_awake{std::chrono::seconds(93)};        // MAX_TRANSMIT_WAIT
  std::optional<std::chrono::milliseconds> ack_timeout;                   // CoAP ACK_TIMEOUT
  std::optional<uint16_t> max_retransmit;
  bool refuse_create = false, refuse_delete = false;
  // Which failure the next firmware / software download or update runs into (dm/firmware.h,
  // dm/software.h names: "integrity", "out-of-storage", "invalid-uri", "update-failed", ...).
  std::string firmware_failure, software_failure;
  std::vector<std::string> faults;
  std::string source;                          // file name, for messages

  bool HasFault(std::string_view name) const;
};

// The faults this client knows (README.md documents each); others are passed to the data model.
const std::vector<std::string>& KnownClientFaults();

// Keys: endpoint, lwm2m-version, factory {bootstrap-server, servers}, smart-card (a file with
// priority, bootstrap-server, servers), objects {path: value}, enable-objects [5, 9],
// register-to [101], supported-binding, binding-preference, queue-mode, sms, pid, bootstrap-pack,
// pct, time-scale, bootstrap-timeout-ms, queue-awake-ms, ack-timeout-ms, max-retransmit,
// refuse-create, refuse-delete, firmware-failure, software-failure, faults [..]. A server: {ssid, uri, secondary-uris, security: nosec|psk,
// psk-identity, psk-key (hex), lifetime, binding, priority, initial-delay, failure-block,
// bootstrap-on-failure, retry-count, retry-timer, sequence-delay, sequence-retry, preferred-transport,
// mute-send, supported-versions, notification-storing, default-pmin, default-pmax, disable-timeout,
// security-instance, server-instance}. Errors (4.00): "c.yaml:3:5: unknown key 'lifetme' (did you mean 'lifetime'?)".
Result<ClientConfig> LoadClientConfigYaml(std::string_view yaml, std::string_view source,
                                          const std::string& base_dir = "");
Result<ClientConfig> LoadClientConfigFile(const std::string& path);
// A smart-card file on its own (priority, bootstrap-server, servers).
Result<ProvisioningData> LoadSmartCardYaml(std::string_view yaml, std::string_view source);

// An example configuration for --help.
std::string_view ExampleClientConfig();

}  // namespace lwm2m::refclient
