// iut_description.cc: the strict YAML loader of IUT descriptions and the ICS feature set.
#include "harness/iut/iut_description.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness/iut/template.h"
#include "lwm2m/suggest.h"

namespace lwm2m::iut {

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kClient: return "client";
    case Role::kServer: return "server";
    case Role::kBootstrapServer: return "bootstrap-server";
  }
  return "?";
}

const std::vector<std::string>& KnownVersions() {
  static const std::vector<std::string> k = {"1.0", "1.1", "1.2"};
  return k;
}
const std::vector<std::string>& KnownBindings() {
  static const std::vector<std::string> k = {"udp", "tcp", "dtls", "tls", "mqtt", "sms", "http", "non-ip"};
  return k;
}
const std::vector<std::string>& KnownSecurityModes() {
  static const std::vector<std::string> k = {"nosec", "psk", "rpk", "x509", "est"};
  return k;
}
const std::vector<std::string>& KnownContentFormats() {
  static const std::vector<std::string> k = {"tlv",       "senml-json",      "senml-cbor",     "lwm2m-cbor",
                                             "lwm2m-json", "text",           "opaque",         "senml-etch-json",
                                             "senml-etch-cbor", "link-format", "json",           "cbor"};
  return k;
}
const std::vector<std::string>& KnownFeatures() {
  static const std::vector<std::string> k = {
      "bootstrap",         "bootstrap-pack",    "bootstrap-discover", "bootstrap-read",  "smartcard-bootstrap",
      "factory-bootstrap", "observe",           "observe-composite",  "read-composite",  "write-composite",
      "write-attributes",  "discover",          "create",             "delete",          "execute",
      "send",              "queue-mode",        "notification-storing", "firmware-push", "firmware-pull",
      "software-management", "gateway",         "dtls-cid",           "dtls-1.3",        "tls-1.3",
      "multi-server",      "access-control",    "version-fallback",   "registration-priority", "edge",
      "historical-data",   "cancel-observation", "apn-profile",        "block-wise",      "oscore",
      "reboot",            "factory-reset"};
  return k;
}

std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = 3;
  for (const auto& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::set<std::string> IutDescription::Features() const {
  std::set<std::string> f;
  for (const auto& v : versions) f.insert("lwm2m-" + v);
  for (const auto& b : bindings) f.insert(b);
  for (const auto& s : security) f.insert(s);
  for (const auto& c : content_formats) f.insert("format:" + c);
  for (const auto& x : features) f.insert(x);
  return f;
}

std::optional<std::string> IutDescription::Missing(const std::vector<std::string>& required) const {
  const std::set<std::string> have = Features();
  const auto& formats = KnownContentFormats();
  auto present = [&](const std::string& want) {
    if (have.count(want)) return true;
    return std::find(formats.begin(), formats.end(), want) != formats.end() && have.count("format:" + want) > 0;
  };
  for (const auto& r : required) {
    bool any = false;
    size_t start = 0;
    while (start <= r.size() && !any) {
      size_t bar = r.find('|', start);
      std::string alt = r.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      any = present(alt);
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    if (!any) return r;
  }
  return std::nullopt;
}

namespace {

class Loader {
 public:
  Loader(std::string source, std::vector<Diagnostic>& diags) : source_(std::move(source)), diags_(diags) {}

  std::string Where(const YAML::Mark& m) const {
    if (m.line < 0) return source_;
    return fmt::format("{}:{}:{}", source_, m.line + 1, m.column + 1);
  }
  void Error(const YAML::Node& n, const std::string& msg) { Add(Severity::kError, n.Mark(), msg); }
  void Warning(const YAML::Node& n, const std::string& msg) { Add(Severity::kWarning, n.Mark(), msg); }
  void Add(Severity s, const YAML::Mark& m, const std::string& msg) {
    Diagnostic d;
    d.severity = s;
    d.message = Where(m) + ": " + msg;
    diags_.push_back(std::move(d));
    if (s == Severity::kError) ++errors_;
  }
  int errors() const { return errors_; }

  // Checks the keys of a mapping; returns false (and reports) when `n` is not a mapping.
  bool Keys(const YAML::Node& n, const std::string& what, const std::vector<std::string>& allowed) {
    if (!n.IsMap()) {
      Error(n, what + " must be a mapping (key: value lines)");
      return false;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar()) {
        Error(it->first, "keys of " + what + " must be plain words");
        continue;
      }
      std::string key = it->first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string best = ClosestMatch(key, allowed);
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      Error(it->first, "unknown key '" + key + "' in " + what +
                           (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; expected one of: " + list);
    }
    return true;
  }

  std::optional<std::string> Str(const YAML::Node& n, const std::string& key) {
    if (!n.IsScalar()) {
      Error(n, "'" + key + "' must be a single value (a string), not a " + KindName(n));
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<bool> Bool(const YAML::Node& n, const std::string& key) {
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      if (s == "true" || s == "yes" || s == "on") return true;
      if (s == "false" || s == "no" || s == "off") return false;
    }
    Error(n, "'" + key + "' must be true or false" + (n.IsScalar() ? ", not '" + n.Scalar() + "'" : ""));
    return std::nullopt;
  }

  // "10s", "500ms", "2m", or a number of seconds.
  std::optional<std::chrono::milliseconds> Duration(const YAML::Node& n, const std::string& key) {
    if (n.IsScalar()) {
      std::string s = n.Scalar();
      double scale = 1000;
      if (s.ends_with("ms")) {
        scale = 1;
        s.resize(s.size() - 2);
      } else if (s.ends_with("s")) {
        s.resize(s.size() - 1);
      } else if (s.ends_with("m")) {
        scale = 60000;
        s.resize(s.size() - 1);
      }
      char* end = nullptr;
      double v = s.empty() ? -1 : std::strtod(s.c_str(), &end);
      if (end && *end == '\0' && v >= 0 && std::isfinite(v) && v * scale < 1e9)
        return std::chrono::milliseconds(static_cast<int64_t>(std::llround(v * scale)));
    }
    Error(n, "'" + key + "' must be a duration such as 10s, 500ms or 2m" +
                 (n.IsScalar() ? ", not '" + n.Scalar() + "'" : ""));
    return std::nullopt;
  }

  // A list of words from a closed vocabulary (`strict`) or an open one (warning with a suggestion).
  std::vector<std::string> Words(const YAML::Node& n, const std::string& key, const std::vector<std::string>& known,
                                 bool strict) {
    std::vector<std::string> out;
    if (!n.IsSequence()) {
      Error(n, "'" + key + "' must be a list such as [" + known[0] + (known.size() > 1 ? ", " + known[1] : "") +
                   "], not a " + KindName(n));
      return out;
    }
    for (const auto& item : n) {
      if (!item.IsScalar()) {
        Error(item, "entries of '" + key + "' must be words, not a " + KindName(item));
        continue;
      }
      std::string w = item.Scalar();
      if (std::find(known.begin(), known.end(), w) == known.end()) {
        std::string best = ClosestMatch(w, known);
        std::string msg = "unknown " + key + " value '" + w + "'" + (best.empty() ? "" : " (did you mean '" + best + "'?)");
        if (strict) {
          std::string list;
          for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
          Error(item, msg + "; expected one of: " + list);
          continue;
        }
        if (!best.empty()) Warning(item, msg + ": a misspelt feature makes cases that need it UNSUPPORTED");
      }
      if (std::find(out.begin(), out.end(), w) != out.end()) {
        Warning(item, "'" + w + "' is listed twice in '" + key + "'");
        continue;
      }
      out.push_back(w);
    }
    return out;
  }

  static std::string KindName(const YAML::Node& n) {
    switch (n.Type()) {
      case YAML::NodeType::Map: return "mapping";
      case YAML::NodeType::Sequence: return "list";
      case YAML::NodeType::Scalar: return "single value";
      case YAML::NodeType::Null: return "empty value";
      default: return "undefined value";
    }
  }

  // Template check: names must be known (names starting "arg." when `allow_args`), syntax valid.
  void Template(const YAML::Node& n, const std::string& what, const std::string& tmpl, bool shell, bool allow_args) {
    std::vector<std::string> known = StandardVariableNames();
    if (allow_args) {
      known.push_back("action");
      known.push_back("arg_json");
    }
    Variables dummy;
    for (const auto& name : TemplateNames(tmpl)) {
      bool ok = std::find(known.begin(), known.end(), name) != known.end() || (allow_args && name.starts_with("arg."));
      if (!ok) {
        std::string best = ClosestMatch(name, known);
        Error(n, what + ": unknown variable {" + name + "}" + (best.empty() ? "" : " (did you mean {" + best + "}?)") +
                     "; variables: " + [&] {
                       std::string l;
                       for (const auto& k : known) l += (l.empty() ? "{" : " {") + k + "}";
                       return l + (allow_args ? " {arg.NAME}" : "");
                     }());
        return;
      }
      dummy[name] = "x";
    }
    auto r = Expand(tmpl, dummy, shell);
    if (!r.ok()) Error(n, what + ": " + r.status().message());
  }

  void Launch(const YAML::Node& n, IutDescription& iut) {
    static const std::vector<std::string> kKeys = {"command",       "env",          "cwd",
                                                   "per-case",      "ready-pattern", "ready-uri",
                                                   "ready-timeout", "stop-timeout",  "control-channel"};
    if (!Keys(n, "launch", kKeys)) return;
    LaunchSpec l;
    if (!n["command"]) Error(n, "launch needs 'command' (a /bin/sh command template)");
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string k = it->first.IsScalar() ? it->first.Scalar() : "";
      const YAML::Node v = it->second;  // a copy: it-> yields a temporary proxy
      if (k == "command") {
        if (auto s = Str(v, "command")) {
          l.command = *s;
          Template(v, "launch command", l.command, true, false);
        }
      } else if (k == "env") {
        if (!v.IsMap()) {
          Error(v, "'env' must be a mapping NAME: value");
          continue;
        }
        for (auto e = v.begin(); e != v.end(); ++e) {
          auto name = Str(e->first, "env");
          auto value = Str(e->second, "env " + (name ? *name : std::string()));
          if (!name || !value) continue;
          bool valid = !name->empty() && !std::isdigit(static_cast<unsigned char>((*name)[0]));
          for (char c : *name) valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
          if (!valid) Error(e->first, "'" + *name + "' is not an environment variable name");
          Template(e->second, "env " + *name, *value, false, false);
          l.env[*name] = *value;
        }
      } else if (k == "cwd") {
        if (auto s = Str(v, "cwd")) {
          l.cwd = *s;
          Template(v, "cwd", l.cwd, false, false);
        }
      } else if (k == "per-case") {
        if (auto b = Bool(v, k)) l.per_case = *b;
      } else if (k == "control-channel") {
        if (auto b = Bool(v, k)) l.control_channel = *b;
      } else if (k == "ready-pattern") {
        if (auto s = Str(v, k)) {
          try {
            std::regex re(*s, std::regex::ECMAScript);
            l.ready_pattern = *s;
          } catch (const std::regex_error& e) {
            Error(v, "'ready-pattern' is not a valid regular expression: " + std::string(e.what()));
          }
        }
      } else if (k == "ready-uri") {
        if (auto s = Str(v, k)) {
          l.ready_uri = *s;
          Variables groups;
          for (int g = 0; g < 10; ++g) groups["match." + std::to_string(g)] = "x";
          auto r = Expand(l.ready_uri, groups, false);
          if (!r.ok()) Error(v, "'ready-uri': " + r.status().message() + " (use {match.1} for the first group)");
        }
      } else if (k == "ready-timeout") {
        if (auto d = Duration(v, k)) l.ready_timeout = *d;
      } else if (k == "stop-timeout") {
        if (auto d = Duration(v, k)) l.stop_timeout = *d;
      }
    }
    if (!l.ready_uri.empty() && l.ready_pattern.empty())
      Error(n, "'ready-uri' needs a 'ready-pattern' whose groups it uses");
    iut.launch = std::move(l);
  }

  void Actions(const YAML::Node& n, IutDescription& iut) {
    if (!n.IsMap()) {
      Error(n, "'actions' must be a mapping from action name to {shell: ...}, {http: ...} or {control: ...}");
      return;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      auto name = Str(it->first, "action name");
      if (!name) continue;
      const YAML::Node v = it->second;  // a copy: it-> yields a temporary proxy
      ActionSpec a;
      a.line = v.Mark().line + 1;
      if (v.IsScalar()) {  // shorthand: a shell command
        a.command = v.Scalar();
        Template(v, "action '" + *name + "'", a.command, true, true);
        iut.actions[*name] = std::move(a);
        continue;
      }
      if (!Keys(v, "action '" + *name + "'", {"shell", "http", "control", "args", "timeout"})) continue;
      int kinds = 0;
      for (const char* kind : {"shell", "http", "control"}) {
        const YAML::Node& c = v[kind];
        if (!c) continue;
        ++kinds;
        auto s = Str(c, kind);
        if (!s) continue;
        a.command = *s;
        std::string what = "action '" + *name + "'";
        if (std::string_view(kind) == "shell") {
          a.kind = ActionSpec::Kind::kShell;
          Template(c, what, a.command, true, true);
        } else if (std::string_view(kind) == "http") {
          a.kind = ActionSpec::Kind::kHttp;
          Template(c, what, a.command, false, true);
          std::string url = a.command;
          if (size_t sp = url.find(' '); sp != std::string::npos) url = url.substr(sp + 1);
          std::string host = url.starts_with("http://") ? url.substr(7, url.find_first_of(":/", 7) - 7) : "";
          if (url.starts_with("http://[")) host = url.substr(8, url.find(']') - 8);
          bool loopback = host.find('{') != std::string::npos || host == "localhost" || host == "::1" ||
                          host.starts_with("127.");
          if (!url.starts_with("http://") || !loopback)
            Error(c, what + ": 'http' must be \"[METHOD ]http://127.0.0.1:PORT/path\" (plain HTTP on loopback)");
        } else {
          a.kind = ActionSpec::Kind::kControl;
          if (a.command.empty()) a.command = *name;
        }
      }
      if (kinds != 1)
        Error(v, "action '" + *name + "' needs exactly one of shell, http or control (found " + std::to_string(kinds) + ")");
      if (const YAML::Node& args = v["args"]) {
        if (!args.IsMap()) {
          Error(args, "'args' of action '" + *name + "' must be a mapping");
        } else {
          a.args = ToJson(args);
        }
      }
      if (const YAML::Node& t = v["timeout"]) {
        if (auto d = Duration(t, "timeout")) a.timeout = *d;
      }
      if (kinds == 1) iut.actions[*name] = std::move(a);
    }
  }

  // YAML scalars become JSON numbers/booleans when they look like one, strings otherwise.
  static nlohmann::json ToJson(const YAML::Node& n) {
    if (n.IsMap()) {
      nlohmann::json j = nlohmann::json::object();
      for (auto it = n.begin(); it != n.end(); ++it) j[it->first.Scalar()] = ToJson(it->second);
      return j;
    }
    if (n.IsSequence()) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& e : n) j.push_back(ToJson(e));
      return j;
    }
    if (!n.IsScalar()) return nullptr;
    const std::string& s = n.Scalar();
    if (n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str") return s;  // quoted in the source
    if (s == "true") return true;
    if (s == "false") return false;
    char* end = nullptr;
    long long i = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && *end == '\0') return i;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && *end == '\0' && std::isfinite(d)) return d;
    return s;
  }

  Result<IutDescription> Load(std::string_view text) {
    IutDescription iut;
    iut.file = source_;
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      Add(Severity::kError, e.mark, "YAML syntax: " + e.msg);
      return First();
    }
    static const std::vector<std::string> kKeys = {
        "name",     "role",        "versions",    "bindings", "security", "content-formats", "features",
        "endpoint", "psk-identity", "psk-key-hex", "launch",   "uri",      "actions",         "notes"};
    if (!Keys(root, "the IUT description", kKeys)) return First();
    const YAML::Node& croot = root;  // const lookups never insert keys
    for (const char* required : {"name", "role"})
      if (!croot[required]) Error(root, std::string("missing '") + required + "'");
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string k = it->first.IsScalar() ? it->first.Scalar() : "";
      const YAML::Node v = it->second;  // a copy: it-> yields a temporary proxy
      if (k == "name") {
        if (auto s = Str(v, k)) iut.name = *s;
      } else if (k == "role") {
        if (auto s = Str(v, k)) {
          iut.role_name = *s;
          if (*s == "client") iut.role = Role::kClient;
          else if (*s == "server") iut.role = Role::kServer;
          else if (*s == "bootstrap-server") iut.role = Role::kBootstrapServer;
          else {
            std::string best = ClosestMatch(*s, {"client", "server", "bootstrap-server"});
            Error(v, "unknown role '" + *s + "'" + (best.empty() ? "" : " (did you mean '" + best + "'?)") +
                         "; expected client, server or bootstrap-server");
          }
        }
      } else if (k == "versions") {
        iut.versions = Words(v, "versions", KnownVersions(), true);
      } else if (k == "bindings") {
        iut.bindings = Words(v, "bindings", KnownBindings(), true);
      } else if (k == "security") {
        iut.security = Words(v, "security", KnownSecurityModes(), true);
      } else if (k == "content-formats") {
        iut.content_formats = Words(v, "content-formats", KnownContentFormats(), true);
      } else if (k == "features") {
        iut.features = Words(v, "features", KnownFeatures(), false);
      } else if (k == "endpoint") {
        if (auto s = Str(v, k)) iut.endpoint = *s;
      } else if (k == "psk-identity") {
        if (auto s = Str(v, k)) iut.psk_identity = *s;
      } else if (k == "psk-key-hex") {
        if (auto s = Str(v, k)) {
          bool hex = s->size() % 2 == 0;
          for (char c : *s) hex = hex && std::isxdigit(static_cast<unsigned char>(c));
          if (!hex) Error(v, "'psk-key-hex' must be an even number of hex digits");
          iut.psk_key_hex = *s;
        }
      } else if (k == "launch") {
        Launch(v, iut);
      } else if (k == "uri") {
        if (auto s = Str(v, k)) {
          if (!s->starts_with("coap://") && !s->starts_with("coaps://") && !s->starts_with("coap+tcp://") &&
              !s->starts_with("coaps+tcp://"))
            Error(v, "'uri' must be a coap://, coaps://, coap+tcp:// or coaps+tcp:// URI, not '" + *s + "'");
          iut.uri = *s;
        }
      } else if (k == "actions") {
        Actions(v, iut);
      } else if (k == "notes") {
        if (auto s = Str(v, k)) iut.notes = *s;
      }
    }
    if (iut.launch && iut.uri)
      Error(croot["uri"], "give either 'launch' (the harness starts the IUT) or 'uri' (it is already running), not both");
    if (!iut.launch && !iut.uri) {
      if (iut.role == Role::kClient)
        Warning(root, "neither 'launch' nor 'uri': the harness can only wait for the client to contact it");
      else if (errors_ == 0)
        Error(root, "a " + iut.role_name + " IUT needs 'launch' or 'uri' so that the tester can reach it");
    }
    if (iut.launch && !iut.launch->control_channel)
      for (const auto& [name, a] : iut.actions)
        if (a.kind == ActionSpec::Kind::kControl)
          Error(croot["actions"][name], "action '" + name + "' uses the control channel but launch has no "
                                       "'control-channel: true'");
    return First(std::move(iut));
  }

  Result<IutDescription> First(std::optional<IutDescription> iut = std::nullopt) {
    for (const auto& d : diags_)
      if (d.severity == Severity::kError) return BadRequest(d.message);
    if (!iut) return BadRequest(source_ + ": not loaded");
    return std::move(*iut);
  }

 private:
  std::string source_;
  std::vector<Diagnostic>& diags_;
  int errors_ = 0;
};

}  // namespace

Result<IutDescription> LoadIutYaml(std::string_view text, const std::string& source,
                                   std::vector<Diagnostic>& diagnostics) {
  std::vector<Diagnostic> mine;
  Loader loader(source, mine);
  auto r = loader.Load(text);
  diagnostics.insert(diagnostics.end(), mine.begin(), mine.end());
  return r;
}

Result<IutDescription> LoadIut(const std::string& path, std::vector<Diagnostic>& diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Diagnostic d;
    d.message = path + ": cannot read the IUT description";
    diagnostics.push_back(d);
    return NotFound(d.message);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadIutYaml(ss.str(), path, diagnostics);
}

}  // namespace lwm2m::iut
