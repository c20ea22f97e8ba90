// server_config.cc: YAML loading and command-line overrides for `lwm2m-ref-server`.
#include "reference-server/server_config.h"

#include <yaml-cpp/yaml.h>

#include "lwm2m/codec/link_format.h"
#include "lwm2m/suggest.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <tuple>

namespace lwm2m::refserver {
namespace {

struct ConfigError {
  std::string message;
};

class Loader {
 public:
  Loader(std::string_view text, std::string_view source, std::string base_dir)
      : text_(text), source_(source), base_dir_(std::move(base_dir)) {}

  RefServerConfig Load(const YAML::Node& root) {
    RefServerConfig cfg = DefaultRefServerConfig();
    if (!root || root.IsNull()) return cfg;
    if (!root.IsMap()) Fail(root, "the configuration must be a mapping of keys");
    CheckKeys(root, {"listen", "psk", "x509", "versions", "default-lifetime", "allow-nosec", "control-port",
                     "bootstrap", "profiles"});
    if (auto n = root["listen"]) {
      Listen(n, cfg.server);
      cfg.default_transports = false;
    }
    if (auto n = root["psk"]) cfg.server.psk_keys = Psk(n);
    if (auto n = root["x509"]) {
      Pem pem = X509(n);
      cfg.server.certificate_pem = std::move(pem.cert);
      cfg.server.private_key_pem = std::move(pem.key);
      cfg.server.ca_pem = std::move(pem.ca);
    }
    if (auto n = root["versions"]) {
      if (!n.IsSequence()) Fail(n, "versions must be a list such as [\"1.1\", \"1.2\"]");
      cfg.server.supported_versions.clear();
      for (const auto& v : n) {
        std::string s = Scalar(v, "a version");
        if (s != "1.0" && s != "1.1" && s != "1.2") Fail(v, "unknown LwM2M version '" + s + "' (1.0, 1.1 or 1.2)");
        cfg.server.supported_versions.push_back(s);
      }
      if (cfg.server.supported_versions.empty()) Fail(n, "versions must name at least one version");
    }
    if (auto n = root["default-lifetime"]) cfg.server.default_lifetime_s = Uint(n, 1, 0xFFFFFFFFu, "default-lifetime");
    if (auto n = root["allow-nosec"]) cfg.server.allow_nosec = Bool(n, "allow-nosec");
    if (auto n = root["control-port"]) cfg.control_port = static_cast<uint16_t>(Uint(n, 0, 65535, "control-port"));
    if (auto n = root["bootstrap"]) cfg.bootstrap = Bootstrap(n, cfg.server);
    if (auto n = root["profiles"]) {
      // Profile ID -> object list in CoRE link format (Core TS 1.2 §6.2.1 pid).
      if (!n.IsMap()) Fail(n, "profiles must map Profile IDs to object lists, e.g. {\"6:27354b9a\": \"</3/0>,</4/0>\"}");
      for (const auto& kv : n) {
        std::string id = Scalar(kv.first, "a Profile ID");
        std::string list = Scalar(kv.second, "an object list in CoRE link format");
        LinkParseResult lp = ParseLinkFormat(list);
        if (lp.HasErrors()) Fail(kv.second, "profile " + id + ": the object list is not valid CoRE link format");
        cfg.server.profiles[id] = list;
      }
    }
    return cfg;
  }

 private:
  [[noreturn]] void Fail(const YAML::Node& n, const std::string& what) const {
    const YAML::Mark m = n.Mark();
    throw ConfigError{std::string(source_) + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) +
                      ": " + what};
  }
  void CheckKeys(const YAML::Node& map, const std::vector<std::string>& known) const {
    for (const auto& kv : map) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string msg = "unknown key '" + key + "'";
      if (auto s = SuggestKey(key, known)) msg += " (did you mean '" + *s + "'?)";
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
    uint64_t v = 0;
    if (s.empty() || s.size() > 19 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      Fail(n, what + " must be a number, not '" + s + "'");
    v = std::stoull(s);
    if (v < lo || v > hi) Fail(n, what + " " + s + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
    return v;
  }
  bool Bool(const YAML::Node& n, const std::string& what) const {
    std::string s = Scalar(n, what + " as true or false");
    if (s == "true") return true;
    if (s == "false") return false;
    Fail(n, what + " must be true or false, not '" + s + "'");
  }
  void Listen(const YAML::Node& n, ServerConfig& s) const {
    if (!n.IsMap()) Fail(n, "listen must map transports to ports, e.g. {udp: 5683, dtls: 5684}");
    CheckKeys(n, {"ip", "udp", "dtls", "tcp", "tls"});
    s.udp = s.dtls = s.tcp = s.tls = false;
    if (auto v = n["ip"]) s.ip = Scalar(v, "a numeric address");
    auto port = [&](const char* key, bool& on, uint16_t& p) {
      if (auto v = n[key]) {
        on = true;
        p = static_cast<uint16_t>(Uint(v, 0, 65535, std::string("listen.") + key));
      }
    };
    port("udp", s.udp, s.udp_port);
    port("dtls", s.dtls, s.dtls_port);
    port("tcp", s.tcp, s.tcp_port);
    port("tls", s.tls, s.tls_port);
    if (!s.udp && !s.dtls && !s.tcp && !s.tls) Fail(n, "listen names no transport (udp, dtls, tcp, tls)");
  }
  std::map<std::string, Bytes> Psk(const YAML::Node& n) const {
    if (!n.IsMap()) Fail(n, "psk must map identities to hex keys, e.g. {node1: 0102030405060708}");
    std::map<std::string, Bytes> out;
    for (const auto& kv : n) {
      std::string id = Scalar(kv.first, "a PSK identity");
      std::string hex = Scalar(kv.second, "a hex key");
      auto key = HexDecode(hex);
      if (!key.ok()) Fail(kv.second, "PSK key of '" + id + "' is not hex: " + key.status().message());
      if (key->empty()) Fail(kv.second, "PSK key of '" + id + "' is empty");
      out[id] = *key;
    }
    return out;
  }
  struct Pem {
    std::string cert, key, ca;
  };
  // x509: {cert: server.crt, key: server.key, ca: ca.crt}: PEM files, relative to the configuration file.
  Pem X509(const YAML::Node& n) const {
    if (!n.IsMap()) Fail(n, "x509 must be a mapping, e.g. {cert: server.crt, key: server.key, ca: ca.crt}");
    CheckKeys(n, {"cert", "key", "ca"});
    Pem out;
    for (auto [key, slot, kind] : {std::tuple{"cert", &out.cert, "CERTIFICATE"}, std::tuple{"key", &out.key, "PRIVATE KEY"},
                                   std::tuple{"ca", &out.ca, "CERTIFICATE"}}) {
      auto v = n[key];
      if (!v) Fail(n, std::string("x509 needs '") + key + "' (cert, key and ca: the CA verifies client certificates)");
      std::string file = Scalar(v, "a PEM file name");
      if (!file.empty() && file[0] != '/' && !base_dir_.empty()) file = base_dir_ + "/" + file;
      auto text = ReadPemFile(file, kind);
      if (!text.ok()) Fail(v, std::string("x509.") + key + ": " + text.status().message());
      *slot = std::move(*text);
    }
    return out;
  }
  BootstrapServerOptions Bootstrap(const YAML::Node& n, const ServerConfig& dm) const {
    const std::map<std::string, Bytes>& dm_psk = dm.psk_keys;
    if (!n.IsMap()) Fail(n, "bootstrap must be a mapping, e.g. {udp: 5783, plans-file: plans.yaml}");
    CheckKeys(n, {"ip", "udp", "dtls", "tcp", "tls", "psk", "x509", "plans-file", "plans",
                  "require-ep-equals-identity"});
    BootstrapServerOptions o;
    o.udp = false;
    if (auto v = n["ip"]) o.ip = Scalar(v, "a numeric address");
    if (auto v = n["udp"]) {
      o.udp = true;
      o.udp_port = static_cast<uint16_t>(Uint(v, 0, 65535, "bootstrap.udp"));
    }
    if (auto v = n["dtls"]) {
      o.dtls = true;
      o.dtls_port = static_cast<uint16_t>(Uint(v, 0, 65535, "bootstrap.dtls"));
    }
    if (auto v = n["tcp"]) {
      o.tcp = true;
      o.tcp_port = static_cast<uint16_t>(Uint(v, 0, 65535, "bootstrap.tcp"));
    }
    if (auto v = n["tls"]) {
      o.tls = true;
      o.tls_port = static_cast<uint16_t>(Uint(v, 0, 65535, "bootstrap.tls"));
    }
    if (!o.udp && !o.dtls && !o.tcp && !o.tls) Fail(n, "bootstrap names no transport (udp, dtls, tcp, tls)");
    o.psk_keys = n["psk"] ? Psk(n["psk"]) : dm_psk;
    if (auto v = n["x509"]) {
      Pem pem = X509(v);
      o.certificate_pem = std::move(pem.cert);
      o.private_key_pem = std::move(pem.key);
      o.ca_pem = std::move(pem.ca);
    } else {
      o.certificate_pem = dm.certificate_pem;
      o.private_key_pem = dm.private_key_pem;
      o.ca_pem = dm.ca_pem;
    }
    if ((o.dtls || o.tls) && o.psk_keys.empty() && o.certificate_pem.empty())
      Fail(n, "bootstrap dtls/tls needs PSK keys (psk) or certificates (x509)");
    if (auto v = n["require-ep-equals-identity"]) o.require_ep_equals_identity = Bool(v, "require-ep-equals-identity");
    if (n["plans-file"] && n["plans"]) Fail(n["plans"], "give either plans-file or plans, not both");
    if (auto v = n["plans-file"]) {
      std::string file = Scalar(v, "a file name");
      if (!file.empty() && file[0] != '/' && !base_dir_.empty()) file = base_dir_ + "/" + file;
      auto plan = LoadBootstrapPlanFile(file);
      if (!plan.ok()) Fail(v, "plans-file: " + plan.status().message());
      o.plan = std::move(*plan);
    }
    if (auto v = n["plans"]) {
      if (!v.IsMap()) Fail(v, "plans must map endpoint names to plans, e.g. {node1: {steps: [{delete: /}, finish]}}");
      auto plan = LoadBootstrapPlanYaml(InlinePlans(v), source_);
      if (!plan.ok()) throw ConfigError{plan.status().message()};
      o.plan = std::move(*plan);
    }
    return o;
  }

  // The `plans:` block as a plan document for bootstrap_plan.h with the same line and column
  // numbers: earlier lines blank, the line above the block becomes `endpoints:`, the block's lines
  // are copied until one is indented less. A flow mapping (or one on the first line) is
  // re-emitted instead, and its errors then count from the `plans:` line.
  std::string InlinePlans(const YAML::Node& v) const {
    const YAML::Mark m = v.Mark();
    std::vector<std::string_view> lines;
    for (size_t start = 0; start <= text_.size();) {
      size_t nl = text_.find('\n', start);
      lines.push_back(text_.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
    size_t line = static_cast<size_t>(m.line), col = static_cast<size_t>(m.column);
    bool block = v.Style() != YAML::EmitterStyle::Flow && line > 0 && line < lines.size() &&
                 lines[line].find_first_not_of(' ') == col;
    if (!block) {
      YAML::Node root;
      root["endpoints"] = v;
      YAML::Emitter e;
      e << root;
      return std::string(line, '\n') + e.c_str();
    }
    std::string out(line - 1, '\n');
    out += "endpoints:\n";
    for (size_t i = line; i < lines.size(); ++i) {
      std::string_view l = lines[i];
      size_t ind = l.find_first_not_of(' ');
      if (ind != std::string_view::npos && l[ind] != '#' && ind < col) break;
      out.append(l);
      out += '\n';
    }
    return out;
  }

  std::string_view text_;
  std::string_view source_;
  std::string base_dir_;
};

}  // namespace

RefServerConfig DefaultRefServerConfig() {
  RefServerConfig c;
  c.server.udp = true;
  c.server.udp_port = 5683;
  return c;
}

std::optional<std::string> SuggestKey(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_d = 0;
  for (const auto& c : candidates) {
    size_t d = EditDistance(word, c);
    if (!best || d < best_d) {
      best = c;
      best_d = d;
    }
  }
  // A typo: at most a third of the longer word differs (and at most 3 edits).
  size_t limit = std::min<size_t>(3, std::max<size_t>(1, std::max(word.size(), best ? best->size() : 0) / 3));
  if (best && best_d <= limit) return best;
  return std::nullopt;
}

Result<RefServerConfig> LoadRefServerConfigYaml(std::string_view yaml, std::string_view source,
                                                const std::string& base_dir) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    return Loader(yaml, source, base_dir).Load(root);
  } catch (const ConfigError& e) {
    return BadRequest(e.message);
  } catch (const YAML::Exception& e) {
    return BadRequest(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  } catch (const std::exception& e) {
    return BadRequest(std::string(source) + ": " + e.what());
  }
}

Result<RefServerConfig> LoadRefServerConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound(path + ": cannot open the configuration file");
  std::stringstream ss;
  ss << in.rdbuf();
  auto slash = path.rfind('/');
  return LoadRefServerConfigYaml(ss.str(), path, slash == std::string::npos ? "" : path.substr(0, slash));
}

Status ApplyOverrides(RefServerConfig& cfg, const RefServerOverrides& o) {
  ServerConfig& s = cfg.server;
  if (o.ip) s.ip = *o.ip;
  auto port = [](const std::optional<int>& v, bool& on, uint16_t& p) -> Status {
    if (!v) return Status::Ok();
    if (*v > 65535 || *v < -1) return BadRequest("port " + std::to_string(*v) + " is outside 0..65535");
    on = *v >= 0;
    p = static_cast<uint16_t>(*v > 0 ? *v : 0);
    return Status::Ok();
  };
  // A flag naming a transport replaces the file's (or the default) choice for that transport only;
  // the default UDP endpoint goes away when only other transports are named on the command line.
  bool others_named = o.dtls_port || o.tcp_port || o.tls_port;
  if (!o.udp_port && others_named && cfg.default_transports) s.udp = false;
  for (auto [v, on, p] : {std::tuple{&o.udp_port, &s.udp, &s.udp_port}, std::tuple{&o.dtls_port, &s.dtls, &s.dtls_port},
                          std::tuple{&o.tcp_port, &s.tcp, &s.tcp_port}, std::tuple{&o.tls_port, &s.tls, &s.tls_port}}) {
    Status st = port(*v, *on, *p);
    if (!st.ok()) return st;
  }
  for (auto [file, slot, kind, flag] :
       {std::tuple{&o.cert_file, &s.certificate_pem, "CERTIFICATE", "--cert"},
        std::tuple{&o.key_file, &s.private_key_pem, "PRIVATE KEY", "--key"},
        std::tuple{&o.ca_file, &s.ca_pem, "CERTIFICATE", "--ca"}}) {
    if (!*file) continue;
    auto text = ReadPemFile(**file, kind);
    if (!text.ok()) return BadRequest(std::string(flag) + " " + text.status().message());
    *slot = std::move(*text);
  }
  if (!s.certificate_pem.empty() && (s.private_key_pem.empty() || s.ca_pem.empty()))
    return BadRequest("--cert needs --key (its private key) and --ca (the CA of client certificates)");
  if (o.psk_identities.size() != o.psk_keys.size())
    return BadRequest("--psk-identity and --psk-key must be given the same number of times");
  for (size_t i = 0; i < o.psk_keys.size(); ++i) {
    auto key = HexDecode(o.psk_keys[i]);
    if (!key.ok()) return BadRequest("--psk-key " + o.psk_keys[i] + ": " + key.status().message());
    s.psk_keys[o.psk_identities[i]] = *key;
  }
  if (!o.versions.empty()) s.supported_versions = o.versions;
  if (o.default_lifetime_s) s.default_lifetime_s = *o.default_lifetime_s;
  if (o.no_nosec) s.allow_nosec = false;
  if (o.control_port) {
    if (*o.control_port < 0 || *o.control_port > 65535) return BadRequest("--control-port is outside 0..65535");
    cfg.control_port = static_cast<uint16_t>(*o.control_port);
  }
  if (o.bootstrap_port || o.bootstrap_plans_file) {
    if (!cfg.bootstrap) {
      cfg.bootstrap.emplace();
      cfg.bootstrap->psk_keys = s.psk_keys;
      cfg.bootstrap->certificate_pem = s.certificate_pem;
      cfg.bootstrap->private_key_pem = s.private_key_pem;
      cfg.bootstrap->ca_pem = s.ca_pem;
    }
    if (o.bootstrap_port) {
      if (*o.bootstrap_port < 0 || *o.bootstrap_port > 65535) return BadRequest("--bootstrap-port is outside 0..65535");
      cfg.bootstrap->udp = true;
      cfg.bootstrap->udp_port = static_cast<uint16_t>(*o.bootstrap_port);
    }
    if (o.bootstrap_plans_file) {
      auto plan = LoadBootstrapPlanFile(*o.bootstrap_plans_file);
      if (!plan.ok()) return plan.status();
      cfg.bootstrap->plan = std::move(*plan);
    }
  }
  if (!s.udp && !s.dtls && !s.tcp && !s.tls) return BadRequest("no transport is enabled");
  return Status::Ok();
}

std::string_view ExampleRefServerConfig() {
  return R"(# ref-server.yaml
listen:
  ip: 127.0.0.1
  udp: 5683          # CoAP over UDP (NoSec); port 0: the kernel chooses
  dtls: 5684         # CoAP over DTLS with PSK and/or certificates
  tcp: 5685          # CoAP over TCP
  tls: 5686          # CoAP over TLS 1.2/1.3 with PSK and/or certificates
psk:
  node1: 000102030405060708090a0b0c0d0e0f   # identity: hex key
# x509:              # optional: certificate mode on dtls/tls; a client's ep must be its certificate's CN
#   cert: server.crt # PEM files, relative to this file (or --cert, --key, --ca)
#   key: server.key
#   ca: ca.crt       # client certificates must chain to it
versions: ["1.1", "1.2"]
default-lifetime: 86400
allow-nosec: true
control-port: 7000   # JSON control channel on 127.0.0.1 TCP (stdin always works)
bootstrap:           # optional: run a Bootstrap-Server in the same process
  udp: 5783
  tcp: 5785          # also dtls:, tls: (psk: and x509: default to the ones above)
  plans:             # or plans-file: plans.yaml (relative to this file)
    node1:
      steps:
        - delete: /
        - write: {path: /0/1, values: {0: "coap://127.0.0.1:5683", 1: false, 2: 3, 10: 101}}
        - write: {path: /1/1, values: {0: 101, 1: 300, 7: U}}
        - finish
)";
}

}  // namespace lwm2m::refserver
