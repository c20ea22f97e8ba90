// iut_description.h: the IUT description, one YAML file per implementation under test: the ICS
// (role, versions, bindings, security modes, content formats, optional features) and the IXIT
// (endpoint, credentials, how to launch or reach it, upper-tester actions). ISO/IEC 9646 terms.
//   std::vector<Diagnostic> d;
//   auto iut = LoadIut("testcases/iut/reference-client.yaml", d);   // d: "file:3:1: unknown key ..."
//   if (iut && iut->Missing({"lwm2m-1.2", "format:senml-cbor"})) ... // -> UNSUPPORTED
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/suggest.h"
#include "lwm2m/diagnostic.h"
#include "lwm2m/result.h"

namespace lwm2m::iut {

enum class Role : uint8_t { kClient, kServer, kBootstrapServer };
std::string_view RoleName(Role r);  // "client", "server", "bootstrap-server"

// "Timed out" as a Status: 5.04 Gateway Timeout, the CoAP code for "no answer in time"
// (RFC 7252 §5.9.3.5). lwm2m/result.h has no named constant for it (yet).
inline constexpr StatusCode kTimeoutCode = static_cast<StatusCode>((5 << 5) | 4);
inline Status TimeoutError(std::string m) { return {kTimeoutCode, std::move(m)}; }
inline bool IsTimeout(const Status& s) { return s.code() == kTimeoutCode; }

struct ActionSpec {
  enum class Kind : uint8_t { kShell, kHttp, kControl } kind = Kind::kShell;
  // kShell: a /bin/sh command template; kHttp: "[METHOD ]http://127.0.0.1:port/path" template;
  // kControl: the control-channel verb.
  std::string command;
  int line = 0;                                 // where it is written in the IUT file (1-based)
  nlohmann::json args = nlohmann::json::object();  // fixed arguments, merged under the caller's
  std::optional<std::chrono::milliseconds> timeout;  // overrides the caller's timeout when set
};

struct LaunchSpec {
  std::string command;  // template, run with /bin/sh -c (values shell-quoted)
  std::map<std::string, std::string> env;  // templates (values not quoted)
  std::string cwd;                         // template; "" = the harness's working directory
  bool per_case = true;                    // false: launched once for the whole run
  std::string ready_pattern;               // ECMAScript regex on a stdout/stderr line meaning "ready"
  // Optional: the IUT's URI built from ready_pattern's groups, e.g. "coap://{match.1}" (an IUT server
  // started on port 0 tells its address in the ready line). See IutProcess::ready_uri().
  std::string ready_uri;
  std::chrono::milliseconds ready_timeout{10000}, stop_timeout{3000};
  bool control_channel = false;  // speaks the JSON-lines upper tester (UPPER-TESTER.md) on stdin/stdout
};

struct IutDescription {
  std::string file, name, role_name;
  Role role = Role::kClient;
  std::vector<std::string> versions, bindings, security, content_formats, features;
  std::string endpoint, psk_identity, psk_key_hex;  // IXIT
  std::optional<LaunchSpec> launch;
  std::optional<std::string> uri;  // an already running IUT server ("coap://127.0.0.1:5683")
  std::map<std::string, ActionSpec> actions;
  std::string notes;  // free text from the file ("notes:"), shown in reports

  // The ICS as one set: "lwm2m-1.2", "udp", "psk", "format:senml-cbor", features as written.
  std::set<std::string> Features() const;
  // nullopt when every required feature is present, else the first missing one. A required entry
  // "a|b" is met by either; a bare content-format name ("senml-cbor") means "format:senml-cbor".
  std::optional<std::string> Missing(const std::vector<std::string>& required) const;
  bool HasControlChannel() const { return launch && launch->control_channel; }
};

// The closed vocabularies the loader accepts (features: warning on unknown, others: error).
const std::vector<std::string>& KnownVersions();
const std::vector<std::string>& KnownBindings();
const std::vector<std::string>& KnownSecurityModes();
const std::vector<std::string>& KnownContentFormats();
const std::vector<std::string>& KnownFeatures();

// Strict loader: unknown keys (with did-you-mean), wrong types, unknown role/binding/format
// values give error Diagnostics whose message starts "file:line:col: ". Returns the first error as
// the Status when there is any; warnings alone do not fail the load.
Result<IutDescription> LoadIut(const std::string& path, std::vector<Diagnostic>& diagnostics);
// The same from text; `source` names the document in messages (relative paths in it are not used).
Result<IutDescription> LoadIutYaml(std::string_view text, const std::string& source,
                                   std::vector<Diagnostic>& diagnostics);

// The edit distance of lwm2m/suggest.h, and the closest candidate within distance 2 (or ""), for "did you mean".
using lwm2m::EditDistance;  // lwm2m/suggest.h
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace lwm2m::iut
