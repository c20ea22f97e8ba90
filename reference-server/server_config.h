// server_config.h: the configuration of the `lwm2m-ref-server` process, loaded from YAML (errors
// name file:line:column and suggest the nearest known key) and overridden by command-line flags:
// the LwM2M Server endpoints and PSKs (Transport TS 1.2 §5) and an optional Bootstrap-Server.
//   auto cfg = LoadRefServerConfigYaml("listen: {udp: 5683}\npsk: {node1: 0102}", "srv.yaml");
//   cfg->server.udp_port == 5683; cfg->server.psk_keys.at("node1") == Bytes{1, 2};
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/result.h"
#include "reference-server/bootstrap_server.h"
#include "reference-server/server.h"

namespace lwm2m::refserver {

struct RefServerConfig {
  ServerConfig server;  // endpoints enabled by `listen:`; with no transport at all, UDP on 5683
  std::optional<BootstrapServerOptions> bootstrap;  // present when the file has `bootstrap:`
  std::optional<uint16_t> control_port;             // 127.0.0.1 TCP control channel
  bool default_transports = true;  // no `listen:` given: flags naming other transports drop the default UDP
};

// The configuration without a file: UDP on 127.0.0.1:5683 only.
RefServerConfig DefaultRefServerConfig();

// Top-level keys: listen {ip, udp, dtls, tcp, tls}, psk {identity: hex-key}, x509 {cert, key, ca}
// (PEM files relative to the file), versions [..], default-lifetime, allow-nosec, control-port,
// bootstrap {ip, udp, dtls, tcp, tls, psk, x509, plans-file, plans, require-ep-equals-identity}. A `listen:` section enables exactly the transports it names (port 0:
// the kernel chooses). `plans-file` is relative to the configuration file; `plans` holds the
// same `endpoints:` mapping inline. Errors (4.00) read "srv.yaml:3:5: unknown key 'dtsl' (did you
// mean 'dtls'?)". `base_dir` resolves relative plans-file paths ("" = current directory).
Result<RefServerConfig> LoadRefServerConfigYaml(std::string_view yaml, std::string_view source,
                                                const std::string& base_dir = "");
Result<RefServerConfig> LoadRefServerConfigFile(const std::string& path);

// Command-line flags; each set field replaces what the file says.
struct RefServerOverrides {
  std::optional<std::string> ip;
  std::optional<int> udp_port, dtls_port, tcp_port, tls_port;  // -1 disables the transport
  std::vector<std::string> psk_identities, psk_keys;           // paired, added to the file's
  std::optional<std::string> cert_file, key_file, ca_file;     // X.509 PEM files (all three together)
  std::vector<std::string> versions;
  std::optional<uint32_t> default_lifetime_s;
  bool no_nosec = false;
  std::optional<int> control_port;
  std::optional<int> bootstrap_port;  // the Bootstrap-Server's UDP port (adds one with no plans)
  std::optional<std::string> bootstrap_plans_file;
};
// Applies the flags; 4.00 when PSK identities and keys are unpaired or a key is not hex, or when
// no transport remains enabled.
Status ApplyOverrides(RefServerConfig& cfg, const RefServerOverrides& o);

// The candidate closest to `word` by edit distance, when it is close enough to be a typo.
std::optional<std::string> SuggestKey(std::string_view word, const std::vector<std::string>& candidates);

// An example file for --help.
std::string_view ExampleRefServerConfig();

}  // namespace lwm2m::refserver
