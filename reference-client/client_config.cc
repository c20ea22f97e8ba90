// client_config.cc: YAML loading of the reference client's configuration.
#include "reference-client/client_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "lwm2m/suggest.h"

namespace lwm2m::refclient {
namespace {

struct ConfigError {
  std::string message;
};

class Loader {
 public:
  Loader(std::string_view source, std::string base_dir) : source_(source), base_dir_(std::move(base_dir)) {}

  ClientConfig Load(const YAML::Node& root) {
    ClientConfig cfg;
    cfg.source = source_;
    if (!root || root.IsNull()) return cfg;
    if (!root.IsMap()) Fail(root, "the configuration must be a mapping of keys");
    CheckKeys(root, {"endpoint", "lwm2m-version", "factory", "smart-card", "objects", "enable-objects", "register-to",
                     "supported-binding", "binding-preference", "queue-mode", "sms", "pid", "bootstrap-pack", "pct",
                     "time-scale", "bootstrap-timeout-ms", "queue-awake-ms", "ack-timeout-ms", "max-retransmit",
                     "refuse-create", "refuse-delete", "firmware-failure", "software-failure", "faults"});
    if (auto n = root["endpoint"]) {
      cfg.endpoint = Scalar(n, "an endpoint name");
      if (cfg.endpoint.empty()) Fail(n, "endpoint must not be empty");
    }
    if (auto n = root["lwm2m-version"]) {
      cfg.lwm2m_version = Scalar(n, "a version");
      if (cfg.lwm2m_version != "1.0" && cfg.lwm2m_version != "1.1" && cfg.lwm2m_version != "1.2")
        Fail(n, "lwm2m-version must be 1.0, 1.1 or 1.2, not '" + cfg.lwm2m_version + "'");
    }
    if (auto n = root["factory"]) cfg.factory = Source(n, 0, false);
    if (auto n = root["smart-card"]) {
      std::string file = Scalar(n, "a smart-card file name");
      if (!file.empty() && file[0] != '/' && !base_dir_.empty()) file = base_dir_ + "/" + file;
      std::ifstream in(file);
      if (!in) Fail(n, "cannot read smart-card file '" + file + "'");
      std::stringstream ss;
      ss << in.rdbuf();
      auto card = LoadSmartCardYaml(ss.str(), file);
      if (!card.ok()) throw ConfigError{card.status().message()};
      cfg.smart_card = std::move(*card);
    }
    if (auto n = root["objects"]) Objects(n, cfg.objects);
    if (auto n = root["enable-objects"]) {
      if (!n.IsSequence()) Fail(n, "enable-objects must be a list of object ids, e.g. [5, 9]");
      for (const auto& v : n) cfg.enable_objects.push_back(static_cast<uint16_t>(Uint(v, 0, 65534, "an object id")));
    }
    if (auto n = root["register-to"]) {
      if (!n.IsSequence()) Fail(n, "register-to must be a list of Short Server IDs, e.g. [101]");
      cfg.register_to.emplace();
      for (const auto& v : n) cfg.register_to->push_back(static_cast<uint16_t>(Uint(v, 1, 65534, "a Short Server ID")));
    }
    if (auto n = root["supported-binding"]) cfg.supported_binding = Binding(n, "supported-binding");
    if (auto n = root["binding-preference"]) cfg.binding_preference = Binding(n, "binding-preference");
    if (auto n = root["queue-mode"]) cfg.queue_mode = Bool(n, "queue-mode");
    if (auto n = root["sms"]) cfg.sms_number = Scalar(n, "an MSISDN");
    if (auto n = root["pid"]) cfg.profile_id = Scalar(n, "a Profile ID");
    if (auto n = root["bootstrap-pack"]) cfg.bootstrap_pack = Bool(n, "bootstrap-pack");
    if (auto n = root["pct"]) cfg.preferred_content_format = Scalar(n, "a content format name");
    if (auto n = root["time-scale"]) {
      std::string s = Scalar(n, "a number");
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0' || !(d > 0) || d > 1000) Fail(n, "time-scale must be a number in (0, 1000], not '" + s + "'");
      cfg.time_scale = d;
    }
    if (auto n = root["bootstrap-timeout-ms"]) cfg.bootstrap_timeout = std::chrono::milliseconds(Uint(n, 1, 86400000, "bootstrap-timeout-ms"));
    if (auto n = root["queue-awake-ms"]) cfg.queue_awake = std::chrono::milliseconds(Uint(n, 1, 86400000, "queue-awake-ms"));
    if (auto n = root["ack-timeout-ms"]) cfg.ack_timeout = std::chrono::milliseconds(Uint(n, 1000, 600000, "ack-timeout-ms"));
    if (auto n = root["max-retransmit"]) cfg.max_retransmit = static_cast<uint16_t>(Uint(n, 0, 20, "max-retransmit"));
    if (auto n = root["refuse-create"]) cfg.refuse_create = Bool(n, "refuse-create");
    if (auto n = root["refuse-delete"]) cfg.refuse_delete = Bool(n, "refuse-delete");
    if (auto n = root["firmware-failure"]) cfg.firmware_failure = Scalar(n, "a firmware failure name");
    if (auto n = root["software-failure"]) cfg.software_failure = Scalar(n, "a software failure name");
    if (auto n = root["faults"]) {
      if (!n.IsSequence()) Fail(n, "faults must be a list of fault names, e.g. [no-pct]");
      for (const auto& v : n) cfg.faults.push_back(Scalar(v, "a fault name"));
    }
    return cfg;
  }

  ProvisioningData Source(const YAML::Node& n, int default_priority, bool card) {
    if (!n.IsMap()) Fail(n, "a provisioning source must be a mapping with bootstrap-server and/or servers");
    if (card) CheckKeys(n, {"priority", "bootstrap-server", "servers"});
    else CheckKeys(n, {"bootstrap-server", "servers"});
    ProvisioningData d;
    d.present = true;
    d.priority = default_priority;
    if (auto v = n["priority"]) d.priority = static_cast<int>(Uint(v, 0, 1000, "priority"));
    if (auto v = n["bootstrap-server"]) {
      if (!v.IsMap()) Fail(v, "bootstrap-server must be a mapping, e.g. {uri: coap://127.0.0.1:5783}");
      CheckKeys(v, {"uri", "security", "psk-identity", "psk-key", "hold-off", "account-timeout", "security-instance"});
      BootstrapAccount b;
      b.origin = Origin(v);
      if (!v["uri"]) Fail(v, "bootstrap-server needs a uri");
      b.uri = Uri(v["uri"]);
      b.security = Security(v);
      if (auto x = v["hold-off"]) b.hold_off = static_cast<uint32_t>(Uint(x, 0, 0xFFFFFFFF, "hold-off"));
      if (auto x = v["account-timeout"]) b.account_timeout = static_cast<uint32_t>(Uint(x, 0, 0xFFFFFFFF, "account-timeout"));
      if (auto x = v["security-instance"]) b.security_instance = static_cast<uint16_t>(Uint(x, 0, 65534, "security-instance"));
      d.bootstrap = b;
    }
    if (auto v = n["servers"]) {
      if (!v.IsSequence()) Fail(v, "servers must be a list of server accounts");
      for (const auto& s : v) d.servers.push_back(Server(s));
      for (size_t i = 0; i < d.servers.size(); ++i)
        for (size_t j = i + 1; j < d.servers.size(); ++j)
          if (d.servers[i].ssid == d.servers[j].ssid) Fail(v[j], "two servers have ssid " + std::to_string(d.servers[j].ssid));
    }
    return d;
  }

 private:
  [[noreturn]] void Fail(const YAML::Node& n, const std::string& what) const {
    throw ConfigError{Origin(n) + ": " + what};
  }
  std::string Origin(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    return std::string(source_) + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
  }
  void CheckKeys(const YAML::Node& map, const std::vector<std::string>& known) const {
    for (const auto& kv : map) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string best;
      size_t best_d = 3;
      for (const auto& k : known) {
        size_t d = EditDistance(key, k);
        if (d < best_d) best_d = d, best = k;
      }
      std::string msg = "unknown key '" + key + "'";
      if (!best.empty()) msg += " (did you mean '" + best + "'?)";
      else {
        msg += " (known: ";
        for (size_t i = 0; i < known.size(); ++i) msg += (i ? ", " : "") + known[i];
        msg += ")";
      }
      Fail(kv.first, msg);
    }
  }
  std::string Scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) Fail(n, "expected " + what);
    return n.Scalar();
  }
  uint64_t Uint(const YAML::Node& n, uint64_t lo, uint64_t hi, const std::string& what) const {
    std::string s = Scalar(n, what + " as a number");
    if (s.empty() || s.size() > 19 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      Fail(n, what + " must be a number, not '" + s + "'");
    uint64_t v = std::stoull(s);
    if (v < lo || v > hi) Fail(n, what + " " + s + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
    return v;
  }
  bool Bool(const YAML::Node& n, const std::string& what) const {
    std::string s = Scalar(n, what + " as true or false");
    if (s == "true") return true;
    if (s == "false") return false;
    Fail(n, what + " must be true or false, not '" + s + "'");
  }
  std::string Binding(const YAML::Node& n, const std::string& what) const {
    std::string s = Scalar(n, what);
    for (char c : s)
      if (std::string("UTSNMHQ").find(c) == std::string::npos)
        Fail(n, what + " '" + s + "' has '" + std::string(1, c) + "', not a binding letter (U, T, S, N, M, H, Q)");
    return s;
  }
  std::string Uri(const YAML::Node& n) const {
    std::string s = Scalar(n, "a server URI");
    if (s.find("://") == std::string::npos) Fail(n, "'" + s + "' is not a URI such as coap://127.0.0.1:5683");
    return s;
  }
  AccountSecurity Security(const YAML::Node& n) const {
    AccountSecurity s;
    std::string mode = n["security"] ? Scalar(n["security"], "nosec or psk") : (n["psk-key"] ? "psk" : "nosec");
    if (mode == "nosec") s.mode = 3;
    else if (mode == "psk") s.mode = 0;
    else Fail(n["security"], "security must be nosec or psk, not '" + mode + "'");
    if (auto v = n["psk-identity"]) s.psk_identity = Scalar(v, "a PSK identity");
    if (auto v = n["psk-key"]) {
      auto k = HexDecode(Scalar(v, "a hex key"));
      if (!k.ok() || k->empty()) Fail(v, "psk-key must be non-empty hex");
      s.psk_key = *k;
    }
    if (s.mode == 0 && (s.psk_identity.empty() || s.psk_key.empty())) Fail(n, "security psk needs psk-identity and psk-key");
    return s;
  }
  ServerAccount Server(const YAML::Node& n) const {
    if (!n.IsMap()) Fail(n, "a server account must be a mapping, e.g. {ssid: 101, uri: coap://127.0.0.1:5683}");
    CheckKeys(n, {"ssid", "uri", "secondary-uris", "security", "psk-identity", "psk-key", "lifetime", "binding",
                  "priority", "initial-delay", "failure-block", "bootstrap-on-failure", "retry-count", "retry-timer",
                  "sequence-delay", "sequence-retry", "preferred-transport", "mute-send", "supported-versions",
                  "notification-storing", "default-pmin", "default-pmax", "disable-timeout", "security-instance",
                  "server-instance"});
    ServerAccount a;
    a.origin = Origin(n);
    if (auto v = n["ssid"]) a.ssid = static_cast<uint16_t>(Uint(v, 1, 65534, "ssid"));
    if (!n["uri"]) Fail(n, "a server account needs a uri");
    a.uri = Uri(n["uri"]);
    if (auto v = n["secondary-uris"]) {
      if (!v.IsSequence()) Fail(v, "secondary-uris must be a list");
      for (const auto& u : v) a.secondary_uris.push_back(Uri(u));
    }
    a.security = Security(n);
    if (auto v = n["lifetime"]) a.lifetime = static_cast<uint32_t>(Uint(v, 0, 0xFFFFFFFF, "lifetime"));
    if (auto v = n["binding"]) a.binding = Binding(v, "binding");
    auto u = [&](const char* key, std::optional<uint64_t>& out) {
      if (auto v = n[key]) out = Uint(v, 0, 0xFFFFFFFF, key);
    };
    u("priority", a.priority);
    u("initial-delay", a.initial_delay);
    u("retry-count", a.retry_count);
    u("retry-timer", a.retry_timer);
    u("sequence-delay", a.sequence_delay);
    u("sequence-retry", a.sequence_retry);
    auto b = [&](const char* key, std::optional<bool>& out) {
      if (auto v = n[key]) out = Bool(v, key);
    };
    b("failure-block", a.failure_block);
    b("bootstrap-on-failure", a.bootstrap_on_failure);
    b("mute-send", a.mute_send);
    if (auto v = n["notification-storing"]) a.notification_storing = Bool(v, "notification-storing");
    if (auto v = n["preferred-transport"]) a.preferred_transport = Binding(v, "preferred-transport");
    if (auto v = n["supported-versions"]) {
      if (!v.IsSequence()) Fail(v, "supported-versions must be a list such as [\"1.1\", \"1.2\"]");
      for (const auto& s : v) a.supported_versions.push_back(Scalar(s, "a version"));
    }
    if (auto v = n["default-pmin"]) a.default_pmin = static_cast<int64_t>(Uint(v, 0, 0xFFFFFFFF, "default-pmin"));
    if (auto v = n["default-pmax"]) a.default_pmax = static_cast<int64_t>(Uint(v, 0, 0xFFFFFFFF, "default-pmax"));
    if (auto v = n["disable-timeout"]) a.disable_timeout = static_cast<int64_t>(Uint(v, 0, 0xFFFFFFFF, "disable-timeout"));
    if (auto v = n["security-instance"]) a.security_instance = static_cast<uint16_t>(Uint(v, 0, 65534, "security-instance"));
    if (auto v = n["server-instance"]) a.server_instance = static_cast<uint16_t>(Uint(v, 0, 65534, "server-instance"));
    return a;
  }
  void Objects(const YAML::Node& n, std::vector<InitialValue>& out) const {
    if (!n.IsMap()) Fail(n, "objects must map paths to values, e.g. {/3/0/0: Example, /3/0/6: [1, 5]}");
    for (const auto& kv : n) {
      std::string key = Scalar(kv.first, "a resource path");
      auto p = Path::Parse(key);
      if (!p.ok()) Fail(kv.first, "'" + key + "': " + p.status().message());
      if (p->level() < Path::Level::kObjectInstance) Fail(kv.first, "'" + key + "' must name an instance or resource");
      InitialValue iv;
      iv.path = *p;
      iv.origin = Origin(kv.first);
      if (kv.second.IsSequence()) {
        iv.multiple = true;
        for (const auto& v : kv.second) iv.texts.push_back(Scalar(v, "a value"));
      } else if (kv.second.IsNull()) {
        // `/5/0:` with no value: the instance exists with default values.
      } else {
        iv.texts.push_back(Scalar(kv.second, "a value"));
      }
      out.push_back(std::move(iv));
    }
  }

  std::string_view source_;
  std::string base_dir_;
};

}  // namespace

bool ClientConfig::HasFault(std::string_view name) const {
  return std::find(faults.begin(), faults.end(), name) != faults.end();
}

const std::vector<std::string>& KnownClientFaults() {
  static const std::vector<std::string> faults = {
      "ignore-preferred-transport", "no-version-fallback",   "register-all-servers",
      "ignore-priority-order",      "no-deregister-on-disable", "no-update-on-lifetime-change",
      "no-pct",                     "no-pack-fallback",      "wrong-lwm2m-version",
      "missing-object-versions",    "ignore-update-trigger-binding", "binding-change-drops-registration",
      "no-send-mute",               "no-bootstrap-rollback", "ignore-supported-server-versions",
  };
  return faults;
}

Result<ClientConfig> LoadClientConfigYaml(std::string_view yaml, std::string_view source, const std::string& base_dir) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    Loader loader(source, base_dir);
    return loader.Load(root);
  } catch (const ConfigError& e) {
    return BadRequest(e.message);
  } catch (const YAML::Exception& e) {
    return BadRequest(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

Result<ClientConfig> LoadClientConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return BadRequest("cannot read configuration file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string dir;
  if (auto slash = path.rfind('/'); slash != std::string::npos) dir = path.substr(0, slash);
  return LoadClientConfigYaml(ss.str(), path, dir);
}

Result<ProvisioningData> LoadSmartCardYaml(std::string_view yaml, std::string_view source) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    Loader loader(source, "");
    return loader.Source(root, 10, true);
  } catch (const ConfigError& e) {
    return BadRequest(e.message);
  } catch (const YAML::Exception& e) {
    return BadRequest(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

std::string_view ExampleClientConfig() {
  return R"(# lwm2m-ref-client configuration (all keys optional)
endpoint: node1
lwm2m-version: "1.2"            # claimed in Register; 1.0 and 1.1 for testing older servers
factory:
  bootstrap-server: {uri: "coap://127.0.0.1:5783", hold-off: 0}
  servers:
    - {ssid: 101, uri: "coap://127.0.0.1:5683", lifetime: 300, binding: U, priority: 1, mute-send: false}
    - ssid: 102
      uri: "coaps://127.0.0.1:5684"
      psk-identity: node1
      psk-key: 000102030405060708090a0b0c0d0e0f
      secondary-uris: ["coaps+tcp://127.0.0.1:5686"]
      preferred-transport: T
      retry-count: 3
      retry-timer: 2
smart-card: card.yaml           # {priority: 10, servers: [...]} standing for the UICC
objects: {/3/0/0: "Example Corp", /3303/0/5700: "21.5"}
enable-objects: [5]
register-to: [101, 102]
time-scale: 0.01                # 300 s lifetime -> Update after ~2.4 s
faults: []                      # e.g. [no-version-fallback]
)";
}

}  // namespace lwm2m::refclient
