// loader.cc: the strict YAML case loader (see loader.h).
#include "harness/engine/loader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "lwm2m/path.h"
#include "lwm2m/suggest.h"

namespace lwm2m::engine {
namespace fs = std::filesystem;

std::string SourceLoc::ToString() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  if (col > 0) s += ":" + std::to_string(col);
  return s;
}

const char* IutRoleName(IutRole r) {
  switch (r) {
    case IutRole::kClient: return "client";
    case IutRole::kServer: return "server";
    case IutRole::kBootstrapServer: return "bootstrap-server";
  }
  return "?";
}

const char* StepKindName(StepKind k) {
  switch (k) {
    case StepKind::kExpectRequest: return "expect";
    case StepKind::kSend: return "send";
    case StepKind::kRaw: return "raw";
    case StepKind::kNotifications: return "notifications";
    case StepKind::kAction: return "action";
    case StepKind::kWire: return "wire";
    case StepKind::kWait: return "wait";
    case StepKind::kState: return "state";
  }
  return "?";
}

Result<Duration> ParseDuration(std::string_view text) {
  std::string t(text);
  size_t i = 0;
  while (i < t.size() && (isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
  std::string num = t.substr(0, i), unit = t.substr(i);
  if (num.empty() || std::count(num.begin(), num.end(), '.') > 1)
    return BadRequest("bad duration '" + t + "' (write e.g. 5s, 500ms, 1.5s, 2m)");
  double v = std::stod(num);
  double ms;
  if (unit == "ms") ms = v;
  else if (unit == "s") ms = v * 1000;
  else if (unit == "m" || unit == "min") ms = v * 60000;
  else return BadRequest("bad duration '" + t + "': unit must be ms, s or m (e.g. 5s, 500ms)");
  return Duration(static_cast<int64_t>(std::llround(ms)));
}

std::optional<uint8_t> ParseCode(std::string_view text) {
  if (text.size() != 4 || text[1] != '.' || !isdigit(static_cast<unsigned char>(text[0])) ||
      !isdigit(static_cast<unsigned char>(text[2])) || !isdigit(static_cast<unsigned char>(text[3])))
    return std::nullopt;
  int cls = text[0] - '0', detail = (text[2] - '0') * 10 + (text[3] - '0');
  if (cls > 7 || detail > 31) return std::nullopt;
  return static_cast<uint8_t>(cls << 5 | detail);
}

std::string CodeText(uint8_t code) {
  char buf[8];
  snprintf(buf, sizeof buf, "%d.%02d", code >> 5, code & 0x1f);
  return buf;
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

const std::map<std::string, std::vector<std::string>>& AcceptedKeys() {
  static const std::map<std::string, std::vector<std::string>> k = {
      {"case", {"id", "ets", "requirements", "spec", "summary", "iut", "requires", "setup", "steps", "mutants", "notes"}},
      {"setup", {"security", "transport", "lifetime", "bootstrap", "server-versions", "timers", "iut-faults"}},
      {"step", {"expect", "check", "reply", "send", "raw", "notifications", "action", "args", "wire", "wait", "state",
                "as", "within", "title", "requirements", "note"}},
      {"expect", {"op", "within"}},
      {"reply", {"code", "reset", "silence", "options", "location", "payload", "content-format"}},
      {"send", {"op", "path", "paths", "accept", "format", "values", "attributes", "arguments", "depth", "partial",
                "query", "payload", "payload-hex", "confirmable", "within"}},
      {"response", {"code", "codes", "content-format", "decodes", "reset", "none", "check", "values"}},
      {"raw", {"type", "code", "uri", "options", "payload", "payload-hex", "content-format", "within"}},
      {"notifications", {"count", "pmin", "pmax", "tolerance", "edge", "within", "of"}},
      {"wait", {"event", "within"}},
      {"state", {"cmd", "args", "expect", "within"}},
      {"mutant", {"fault", "verdict", "message"}},
      {"check-map", {"equals", "not", "present", "absent", "matches", "one-of", "includes", "excludes"}},
      {"wire", {"drop", "delay", "duplicate", "reorder", "corrupt", "blackhole", "rebind", "clear", "direction",
                "rate", "seed", "count"}},
  };
  return k;
}

const std::vector<std::string>& CheckKeys() {
  static const std::vector<std::string> k = {
      "op", "method", "path", "type", "code", "content-format", "accept", "payload", "payload-hex", "links",
      "location", "token-length", "observe", "decodes", "query", "query.", "option.", "value."};
  return k;
}

std::vector<std::string> VariablesIn(std::string_view text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    size_t j = text.find('}', i);
    if (j == std::string_view::npos) break;
    std::string name(text.substr(i + 1, j - i - 1));
    if (!name.empty() && name.find_first_of(" {:,\"") == std::string::npos) out.push_back(name);
    i = j;
  }
  return out;
}

std::string Expand(std::string_view text, const std::map<std::string, std::string>& vars,
                   std::vector<std::string>* missing) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      size_t j = text.find('}', i);
      if (j != std::string_view::npos) {
        std::string name(text.substr(i + 1, j - i - 1));
        if (!name.empty() && name.find_first_of(" {:,\"") == std::string::npos) {
          auto it = vars.find(name);
          if (it != vars.end()) {
            out += it->second;
          } else {
            if (missing) missing->push_back(name);
            out += "{" + name + "}";
          }
          i = j;
          continue;
        }
      }
    }
    out += text[i];
  }
  return out;
}

namespace {

class Loader {
 public:
  Loader(std::string file, std::vector<LoadError>& errors) : file_(std::move(file)), errors_(errors) {}

  SourceLoc Loc(const YAML::Node& n) const {
    YAML::Mark m = n.Mark();
    if (m.line < 0) return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }
  void Error(const YAML::Node& n, std::string msg) { errors_.push_back({Loc(n), std::move(msg)}); ++count_; }
  int count() const { return count_; }

  // Reports unknown keys of map `n` in context `ctx`; returns false if n is not a map.
  bool CheckMap(const YAML::Node& n, const std::string& ctx, const std::string& what) {
    if (!n.IsMap()) {
      Error(n, what + " must be a mapping");
      return false;
    }
    const auto& keys = AcceptedKeys().at(ctx);
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string k = it->first.Scalar();
      if (std::find(keys.begin(), keys.end(), k) != keys.end()) continue;
      std::string s = DidYouMean(k, keys);
      Error(it->first, "unknown key '" + k + "' in " + what + (s.empty() ? "" : " (did you mean '" + s + "'?)"));
    }
    return true;
  }

  std::optional<std::string> Str(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      Error(n, what + " must be a scalar");
      return std::nullopt;
    }
    return n.Scalar();
  }
  std::vector<std::string> StrList(const YAML::Node& n, const std::string& what) {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
    } else if (n.IsSequence()) {
      for (const auto& e : n) {
        if (auto s = Str(e, what + " entry")) out.push_back(*s);
      }
    } else {
      Error(n, what + " must be a list of scalars");
    }
    return out;
  }
  std::optional<bool> Bool(const YAML::Node& n, const std::string& what) {
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      if (s == "true" || s == "yes") return true;
      if (s == "false" || s == "no") return false;
    }
    Error(n, what + " must be true or false");
    return std::nullopt;
  }
  std::optional<long long> Int(const YAML::Node& n, const std::string& what, long long lo, long long hi) {
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      char* end = nullptr;
      long long v = strtoll(s.c_str(), &end, 10);
      if (!s.empty() && end && *end == 0 && v >= lo && v <= hi) return v;
    }
    Error(n, what + " must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
    return std::nullopt;
  }
  std::optional<Duration> Dur(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      Error(n, what + " must be a duration (5s, 500ms)");
      return std::nullopt;
    }
    auto d = ParseDuration(n.Scalar());
    if (!d) {
      Error(n, what + ": " + d.status().message());
      return std::nullopt;
    }
    return *d;
  }
  std::optional<uint8_t> Code(const YAML::Node& n, const std::string& what) {
    if (n.IsScalar()) {
      // YAML reads 2.10 as the float 2.1; accept "2.1" as 2.10 only when written with two digits.
      if (auto c = ParseCode(n.Scalar())) return c;
    }
    Error(n, what + " must be a CoAP code written c.dd in quotes or plain (e.g. 2.05, \"4.12\")");
    return std::nullopt;
  }
  std::optional<ContentFormat> Format(const YAML::Node& n, const std::string& what) {
    if (n.IsScalar()) {
      if (auto f = ParseContentFormat(n.Scalar())) return f;
      std::vector<std::string> names;
      for (const auto& i : AllContentFormats()) names.emplace_back(i.name);
      std::string s = DidYouMean(n.Scalar(), names);
      Error(n, "unknown content format '" + n.Scalar() + "' in " + what +
                   (s.empty() ? "" : " (did you mean '" + s + "'?)"));
      return std::nullopt;
    }
    Error(n, what + " must be a content format name or number");
    return std::nullopt;
  }
  std::optional<OperationKind> Op(const YAML::Node& n) {
    if (n.IsScalar()) {
      if (auto k = ParseOperationKind(n.Scalar())) return k;
      std::vector<std::string> names;
      for (int i = 0; i <= static_cast<int>(OperationKind::kSend); ++i)
        names.emplace_back(OperationKey(static_cast<OperationKind>(i)));
      std::string s = DidYouMean(n.Scalar(), names);
      Error(n, "unknown operation '" + n.Scalar() + "'" + (s.empty() ? "" : " (did you mean '" + s + "'?)"));
      return std::nullopt;
    }
    Error(n, "op must be an operation name (register, read, observe, ...)");
    return std::nullopt;
  }
  void PathCheck(const YAML::Node& n, const std::string& text) {
    if (text.find('{') != std::string::npos) return;  // variables: checked when expanded
    auto p = Path::Parse(text);
    if (!p) Error(n, "bad path '" + text + "': " + p.status().message());
  }
  void VarCheck(const YAML::Node& n, const std::string& text) {
    for (const auto& v : VariablesIn(text)) {
      std::string head = v.substr(0, v.find('.'));
      if (head == "iut" || head == "tester" || head == "case" || head == "timer" || known_.count(head)) continue;
      std::vector<std::string> cands(known_.begin(), known_.end());
      cands.insert(cands.end(), {"iut", "tester", "case", "timer"});
      std::string s = DidYouMean(head, cands);
      Error(n, "variable {" + v + "} names no earlier step (captures so far: " + Join(known_) + ")" +
                   (s.empty() ? "" : " (did you mean '" + s + "'?)"));
    }
  }
  static std::string Join(const std::set<std::string>& s) {
    std::string o;
    for (const auto& x : s) o += (o.empty() ? "" : ", ") + x;
    return o.empty() ? "none" : o;
  }

  void ChecksFrom(const YAML::Node& n, std::vector<Check>& out, const std::string& what) {
    if (!n.IsMap()) {
      Error(n, what + " must be a mapping of fact -> expected value");
      return;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string key = it->first.Scalar();
      bool known = false;
      for (const auto& k : CheckKeys())
        if (k.back() == '.' ? key.rfind(k, 0) == 0 && key.size() > k.size() : key == k) known = true;
      if (!known) {
        std::string s = DidYouMean(key, CheckKeys());
        Error(it->first, "unknown check '" + key + "' in " + what + (s.empty() ? "" : " (did you mean '" + s + "'?)"));
        continue;
      }
      if (key.rfind("value.", 0) == 0) PathCheck(it->first, key.substr(6));
      YAML::Node v = it->second;
      Check c;
      c.key = key;
      c.loc = Loc(it->first);
      if (v.IsScalar() || v.IsNull()) {
        c.expected = {v.IsNull() ? "" : v.Scalar()};
        VarCheck(v, c.expected[0]);
      } else if (v.IsSequence()) {
        c.kind = Check::Kind::kOneOf;
        c.expected = StrList(v, key);
      } else if (v.IsMap()) {
        if (!CheckMap(v, "check-map", "check '" + key + "'")) continue;
        for (auto m = v.begin(); m != v.end(); ++m) {
          std::string op = m->first.Scalar();
          Check d = c;
          d.loc = Loc(m->first);
          if (op == "equals") d.kind = Check::Kind::kEquals, d.expected = StrList(m->second, op);
          else if (op == "not") d.kind = Check::Kind::kNotEquals, d.expected = StrList(m->second, op);
          else if (op == "present" || op == "absent") {
            auto b = Bool(m->second, op);
            if (!b) continue;
            bool present = (op == "present") == *b;
            d.kind = present ? Check::Kind::kPresent : Check::Kind::kAbsent;
          } else if (op == "matches") d.kind = Check::Kind::kMatches, d.expected = StrList(m->second, op);
          else if (op == "one-of") d.kind = Check::Kind::kOneOf, d.expected = StrList(m->second, op);
          else if (op == "includes") d.kind = Check::Kind::kIncludes, d.expected = StrList(m->second, op);
          else if (op == "excludes") d.kind = Check::Kind::kExcludes, d.expected = StrList(m->second, op);
          else continue;
          for (const auto& e : d.expected) VarCheck(m->second, e);
          out.push_back(d);
        }
        continue;
      }
      out.push_back(c);
    }
  }

  std::optional<Reply> ReplyFrom(const YAML::Node& n) {
    Reply r;
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      if (s == "reset") r.reset = true;
      else if (s == "silence") r.silence = true;
      else if (auto c = ParseCode(s)) r.code = c;
      else {
        Error(n, "reply must be a code (2.01), reset, silence, or a mapping");
        return std::nullopt;
      }
      return r;
    }
    if (!CheckMap(n, "reply", "reply")) return std::nullopt;
    if (n["code"]) r.code = Code(n["code"], "reply.code");
    if (n["reset"]) r.reset = Bool(n["reset"], "reply.reset").value_or(false);
    if (n["silence"]) r.silence = Bool(n["silence"], "reply.silence").value_or(false);
    if (n["location"]) r.location = Str(n["location"], "reply.location");
    if (n["payload"]) r.payload = Str(n["payload"], "reply.payload");
    if (n["content-format"]) r.content_format = Format(n["content-format"], "reply.content-format");
    if (n["options"]) OptionsFrom(n["options"], r.options);
    if (!n["code"] && !r.reset && !r.silence) Error(n, "reply needs a code, reset: true or silence: true");
    return r;
  }

  void OptionsFrom(const YAML::Node& n, std::vector<std::pair<uint16_t, std::string>>& out) {
    if (!n.IsMap()) {
      Error(n, "options must be a mapping of option name or number -> value");
      return;
    }
    static const std::map<std::string, uint16_t> names = {
        {"uri-path", 11}, {"uri-query", 15}, {"location-path", 8}, {"location-query", 20}, {"content-format", 12},
        {"accept", 17},   {"observe", 6},    {"max-age", 14},      {"etag", 4},            {"block1", 27},
        {"block2", 23},   {"size1", 60},     {"size2", 28},        {"if-match", 1},        {"if-none-match", 5}};
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string k = it->first.Scalar();
      std::string lk = k;
      std::transform(lk.begin(), lk.end(), lk.begin(), ::tolower);
      uint16_t num = 0;
      if (auto f = names.find(lk); f != names.end()) num = f->second;
      else if (!lk.empty() && std::all_of(lk.begin(), lk.end(), ::isdigit) && lk.size() < 6 && std::stoi(lk) < 65536)
        num = static_cast<uint16_t>(std::stoi(lk));
      else {
        std::vector<std::string> cands;
        for (auto& [a, b] : names) cands.push_back(a);
        std::string s = DidYouMean(lk, cands);
        Error(it->first, "unknown CoAP option '" + k + "'" + (s.empty() ? "" : " (did you mean '" + s + "'?)"));
        continue;
      }
      for (const auto& v : StrList(it->second, "option " + k)) out.push_back({num, v});
    }
  }

  void ResponseFrom(const YAML::Node& n, ResponseExpect& r) {
    if (n.IsScalar()) {
      if (auto c = ParseCode(n.Scalar())) r.code = c;
      else if (n.Scalar() == "reset") r.reset = true;
      else if (n.Scalar() == "none") r.none = true;
      else Error(n, "expect must be a code (2.05), reset, none, or a mapping");
      return;
    }
    if (!CheckMap(n, "response", "expect (response)")) return;
    if (n["code"]) r.code = Code(n["code"], "expect.code");
    if (n["codes"]) {
      if (!n["codes"].IsSequence()) Error(n["codes"], "expect.codes must be a list of codes");
      else
        for (const auto& c : n["codes"])
          if (auto v = Code(c, "expect.codes entry")) r.codes.push_back(*v);
    }
    if (n["content-format"]) r.content_format = Format(n["content-format"], "expect.content-format");
    if (n["decodes"]) r.decodes = Bool(n["decodes"], "expect.decodes");
    if (n["reset"]) r.reset = Bool(n["reset"], "expect.reset").value_or(false);
    if (n["none"]) r.none = Bool(n["none"], "expect.none").value_or(false);
    if (n["check"]) ChecksFrom(n["check"], r.checks, "expect.check");
    if (n["values"]) {
      if (!n["values"].IsMap()) {
        Error(n["values"], "expect.values must be a mapping of path -> value");
      } else {
        for (auto it = n["values"].begin(); it != n["values"].end(); ++it) {
          PathCheck(it->first, it->first.Scalar());
          YAML::Node m;
          m["value." + it->first.Scalar()] = it->second;
          Check c;
          c.key = "value." + it->first.Scalar();
          c.loc = Loc(it->first);
          if (auto s = Str(it->second, "value")) {
            c.expected = {*s};
            r.checks.push_back(c);
          }
        }
      }
    }
  }

  void SendFrom(const YAML::Node& n, Step& st) {
    if (!CheckMap(n, "send", "send")) return;
    SendSpec& s = st.send;
    if (!n["op"]) {
      Error(n, "send needs an op");
    } else if (auto k = Op(n["op"])) {
      s.op = *k;
    }
    if (n["path"]) {
      if (auto p = Str(n["path"], "path")) {
        s.path = *p;
        PathCheck(n["path"], *p);
        VarCheck(n["path"], *p);
      }
    }
    if (n["paths"])
      for (const auto& p : StrList(n["paths"], "paths")) {
        PathCheck(n["paths"], p);
        s.paths.push_back(p);
      }
    if (n["accept"]) s.accept = Format(n["accept"], "send.accept");
    if (n["format"]) s.format = Format(n["format"], "send.format");
    if (n["values"]) {
      if (!n["values"].IsMap()) Error(n["values"], "send.values must be a mapping of path -> value");
      else
        for (auto it = n["values"].begin(); it != n["values"].end(); ++it) {
          PathCheck(it->first, it->first.Scalar());
          if (auto v = Str(it->second, "value")) s.values.push_back({it->first.Scalar(), *v});
        }
    }
    if (n["attributes"]) {
      const YAML::Node& a = n["attributes"];
      if (a.IsMap()) {
        for (auto it = a.begin(); it != a.end(); ++it) {
          std::string name = it->first.Scalar();
          if (!ParseAttributeName(name)) {
            Error(it->first, "unknown notification attribute '" + name + "'" +
                                 [&] {
                                   std::string d = DidYouMean(name, {"pmin", "pmax", "gt", "lt", "st", "epmin",
                                                                     "epmax", "edge", "con", "hqmax"});
                                   return d.empty() ? std::string() : " (did you mean '" + d + "'?)";
                                 }());
            continue;
          }
          if (it->second.IsNull()) s.attributes.push_back(name);
          else if (auto v = Str(it->second, name)) s.attributes.push_back(name + "=" + *v);
        }
        auto r = ParseNotificationAttributes(s.attributes);
        for (const auto& d : r.diagnostics)
          if (d.severity == Severity::kError) Error(a, "attributes: " + d.message);
      } else {
        Error(a, "send.attributes must be a mapping (pmin: 1, pmax: 3)");
      }
    }
    if (n["arguments"]) s.arguments = Str(n["arguments"], "arguments").value_or("");
    if (n["depth"]) {
      if (auto d = Int(n["depth"], "depth", 0, 3)) s.depth = static_cast<uint8_t>(*d);
    }
    if (n["partial"]) s.partial = Bool(n["partial"], "partial").value_or(false);
    if (n["query"])
      for (const auto& q : StrList(n["query"], "query")) {
        VarCheck(n["query"], q);
        s.query.push_back(q);
      }
    if (n["payload"]) s.payload = Str(n["payload"], "payload");
    if (n["payload-hex"]) s.payload_hex = Str(n["payload-hex"], "payload-hex");
    if (n["confirmable"]) s.confirmable = Bool(n["confirmable"], "confirmable").value_or(true);
    if (n["within"]) {
      if (auto d = Dur(n["within"], "within")) st.within = *d;
    }
    st.title = "send " + std::string(OperationKey(s.op)) + (s.path != "/" ? " " + s.path : "");
    if (st.as.empty()) st.as = std::string(OperationKey(s.op));
  }

  std::optional<Step> StepFrom(const YAML::Node& n, int index) {
    Step st;
    st.index = index;
    st.loc = Loc(n);
    if (!CheckMap(n, "step", "step " + std::to_string(index))) return std::nullopt;
    int before = count_;
    static const std::vector<std::string> primaries = {"send", "raw", "notifications", "action", "wire", "wait", "state"};
    std::vector<std::string> present;
    for (const auto& p : primaries)
      if (n[p]) present.push_back(p);
    if (present.size() > 1) {
      Error(n, "step " + std::to_string(index) + " has both '" + present[0] + "' and '" + present[1] +
                   "' (one action per step)");
      return std::nullopt;
    }
    if (n["as"]) st.as = Str(n["as"], "as").value_or("");
    if (n["within"]) st.within = Dur(n["within"], "within").value_or(Duration(0));
    if (n["requirements"]) st.requirements = StrList(n["requirements"], "requirements");
    std::string kind = present.empty() ? "expect" : present[0];
    if (kind == "expect") {
      st.kind = StepKind::kExpectRequest;
      if (!n["expect"]) {
        Error(n, "step " + std::to_string(index) + " does nothing: give one of expect, send, raw, notifications, "
                 "action, wire, wait, state");
        return std::nullopt;
      }
      const YAML::Node& e = n["expect"];
      if (CheckMap(e, "expect", "expect")) {
        if (!e["op"]) Error(e, "expect needs an op (the request awaited from the IUT)");
        else st.expect_op = Op(e["op"]);
        if (e["within"]) st.within = Dur(e["within"], "within").value_or(Duration(0));
      }
      if (n["check"]) ChecksFrom(n["check"], st.checks, "check");
      if (n["reply"]) st.reply = ReplyFrom(n["reply"]);
      if (st.expect_op) {
        st.title = "expect " + std::string(OperationKey(*st.expect_op));
        if (st.as.empty()) st.as = std::string(OperationKey(*st.expect_op));
      }
    } else if (kind == "send") {
      st.kind = StepKind::kSend;
      SendFrom(n["send"], st);
      if (n["expect"]) ResponseFrom(n["expect"], st.response);
      if (n["check"]) ChecksFrom(n["check"], st.response.checks, "check");
    } else if (kind == "raw") {
      st.kind = StepKind::kRaw;
      const YAML::Node& r = n["raw"];
      if (CheckMap(r, "raw", "raw")) {
        if (r["type"]) {
          st.raw_type = Str(r["type"], "raw.type").value_or("CON");
          if (st.raw_type != "CON" && st.raw_type != "NON") Error(r["type"], "raw.type must be CON or NON");
        }
        if (!r["code"]) Error(r, "raw needs a code (0.01 for GET, 0.02 POST, ...)");
        else st.raw_code = Code(r["code"], "raw.code");
        if (r["uri"]) st.raw_uri = Str(r["uri"], "raw.uri").value_or("");
        if (r["options"]) OptionsFrom(r["options"], st.reply.emplace().options);
        if (r["payload"]) st.send.payload = Str(r["payload"], "raw.payload");
        if (r["payload-hex"]) st.send.payload_hex = Str(r["payload-hex"], "raw.payload-hex");
        if (r["content-format"]) st.send.format = Format(r["content-format"], "raw.content-format");
        if (r["within"]) st.within = Dur(r["within"], "within").value_or(Duration(0));
        VarCheck(r, st.raw_uri);
      }
      if (n["expect"]) ResponseFrom(n["expect"], st.response);
      st.title = "raw " + (st.raw_code ? CodeText(*st.raw_code) : std::string("?")) + " " + st.raw_uri;
      if (st.as.empty()) st.as = "raw";
    } else if (kind == "notifications") {
      st.kind = StepKind::kNotifications;
      const YAML::Node& r = n["notifications"];
      if (CheckMap(r, "notifications", "notifications")) {
        NotificationSpec& ns = st.notifications;
        if (r["count"]) ns.count = static_cast<int>(Int(r["count"], "count", 1, 1000).value_or(1));
        if (r["pmin"]) ns.pmin_s = Dur(r["pmin"], "pmin").value_or(Duration(0)).count() / 1000.0;
        if (r["pmax"]) ns.pmax_s = Dur(r["pmax"], "pmax").value_or(Duration(0)).count() / 1000.0;
        if (r["tolerance"]) ns.tolerance_s = Dur(r["tolerance"], "tolerance").value_or(Duration(500)).count() / 1000.0;
        if (r["edge"]) {
          auto s = Str(r["edge"], "edge").value_or("");
          if (s == "rising") ns.edge = true;
          else if (s == "falling") ns.edge = false;
          else Error(r["edge"], "edge must be rising or falling");
        }
        if (r["within"]) st.within = Dur(r["within"], "within").value_or(Duration(0));
        if (r["of"]) {
          ns.of = Str(r["of"], "of").value_or("observe");
          if (!known_.count(ns.of)) Error(r["of"], "notifications.of '" + ns.of + "' names no earlier step");
        } else if (!known_.count("observe") && !known_.count("observe-composite")) {
          Error(r, "notifications need an earlier observe step (or of: <its as-name>)");
        } else if (!known_.count("observe")) {
          ns.of = "observe-composite";
        }
      }
      if (n["check"]) ChecksFrom(n["check"], st.notifications.checks, "check");
      st.title = "notifications x" + std::to_string(st.notifications.count);
      if (st.as.empty()) st.as = "notify";
    } else if (kind == "action") {
      st.kind = StepKind::kAction;
      st.action = Str(n["action"], "action").value_or("");
      if (n["args"]) {
        if (!n["args"].IsMap()) Error(n["args"], "args must be a mapping");
        else
          for (auto it = n["args"].begin(); it != n["args"].end(); ++it)
            if (auto v = Str(it->second, "arg")) st.action_args[it->first.Scalar()] = *v;
      }
      st.title = "action " + st.action;
      if (st.as.empty()) st.as = "action";
    } else if (kind == "wire") {
      st.kind = StepKind::kWire;
      const YAML::Node& w = n["wire"];
      if (CheckMap(w, "wire", "wire")) {
        for (auto it = w.begin(); it != w.end(); ++it)
          if (auto v = Str(it->second, it->first.Scalar())) st.wire[it->first.Scalar()] = *v;
        if (st.wire.count("delay")) {
          if (auto d = ParseDuration(st.wire["delay"]); !d) Error(w["delay"], "wire.delay: " + d.status().message());
        }
      }
      st.title = "wire";
      for (auto& [k, v] : st.wire) st.title += " " + k + "=" + v;
    } else if (kind == "wait") {
      st.kind = StepKind::kWait;
      const YAML::Node& w = n["wait"];
      if (CheckMap(w, "wait", "wait")) {
        static const std::vector<std::string> events = {"registered", "updated", "deregistered", "expired",
                                                        "notification", "request", "exit"};
        if (!w["event"]) Error(w, "wait needs an event");
        else if (auto e = Str(w["event"], "event")) {
          if (std::find(events.begin(), events.end(), *e) == events.end()) {
            std::string s = DidYouMean(*e, events);
            Error(w["event"], "unknown event '" + *e + "'" + (s.empty() ? "" : " (did you mean '" + s + "'?)"));
          }
          st.event = *e;
        }
        if (!w["within"]) Error(w, "wait needs a bound: within: 5s (no bare sleeps)");
        else st.within = Dur(w["within"], "within").value_or(Duration(0));
      }
      st.title = "wait " + st.event;
      if (st.as.empty()) st.as = st.event;
    } else if (kind == "state") {
      st.kind = StepKind::kState;
      const YAML::Node& w = n["state"];
      if (CheckMap(w, "state", "state")) {
        YAML::Emitter em;
        em << YAML::Flow << YAML::DoubleQuoted << w;
        st.state_json = em.c_str();
        if (!w["cmd"]) Error(w, "state needs a cmd (the control-channel command)");
      }
      st.title = "state";
      if (st.as.empty()) st.as = "state";
    }
    if (kind != "send" && kind != "raw" && kind != "state" && kind != "expect" && n["expect"])
      Error(n["expect"], "'expect' does not go with '" + kind + "'");
    if (kind != "expect" && (n["reply"])) Error(n["reply"], "'reply' only goes with an expect step");
    if (kind != "action" && n["args"]) Error(n["args"], "'args' only goes with an action step");
    if (n["title"]) st.title = Str(n["title"], "title").value_or(st.title);
    if (!st.as.empty()) known_.insert(st.as);
    if (count_ != before) return std::nullopt;
    return st;
  }

  std::optional<Case> CaseFrom(const YAML::Node& root) {
    Case c;
    c.file = file_;
    c.loc = {file_, 1, 1};
    fs::path p(file_);
    c.id = p.stem().string();
    c.area = p.parent_path().filename().string();
    if (!CheckMap(root, "case", "the case file")) return std::nullopt;
    for (const char* req : {"id", "summary", "iut", "steps"})
      if (!root[req]) Error(root, std::string("missing required key '") + req + "'");
    if (root["id"]) {
      auto id = Str(root["id"], "id");
      if (id && *id != c.id) Error(root["id"], "id '" + *id + "' differs from the file name '" + c.id + "'");
    }
    if (root["ets"]) c.ets = Str(root["ets"], "ets").value_or("");
    if (root["requirements"]) c.requirements = StrList(root["requirements"], "requirements");
    if (root["spec"]) c.spec = Str(root["spec"], "spec").value_or("");
    if (root["summary"]) c.summary = Str(root["summary"], "summary").value_or("");
    if (root["iut"]) {
      auto r = Str(root["iut"], "iut").value_or("");
      if (r == "client") c.role = IutRole::kClient;
      else if (r == "server") c.role = IutRole::kServer;
      else if (r == "bootstrap-server") c.role = IutRole::kBootstrapServer;
      else {
        std::string s = DidYouMean(r, {"client", "server", "bootstrap-server"});
        Error(root["iut"], "iut must be client, server or bootstrap-server" + (s.empty() ? "" : " (did you mean '" + s + "'?)"));
      }
    }
    if (root["requires"]) c.requires_features = StrList(root["requires"], "requires");
    if (root["setup"]) {
      const YAML::Node& s = root["setup"];
      if (CheckMap(s, "setup", "setup")) {
        if (s["security"]) {
          c.setup.security = Str(s["security"], "security").value_or("nosec");
          if (c.setup.security != "nosec" && c.setup.security != "psk")
            Error(s["security"], "setup.security must be nosec or psk");
        }
        if (s["transport"]) {
          c.setup.transport = Str(s["transport"], "transport").value_or("udp");
          if (c.setup.transport != "udp" && c.setup.transport != "tcp")
            Error(s["transport"], "setup.transport must be udp or tcp");
        }
        if (s["lifetime"]) {
          if (auto v = Int(s["lifetime"], "setup.lifetime", 0, 0xffffffffLL)) c.setup.lifetime = static_cast<uint32_t>(*v);
        }
        if (s["bootstrap"]) c.setup.bootstrap = Bool(s["bootstrap"], "setup.bootstrap").value_or(false);
        if (s["server-versions"]) c.setup.server_versions = StrList(s["server-versions"], "setup.server-versions");
        if (s["iut-faults"]) c.setup.iut_faults = StrList(s["iut-faults"], "setup.iut-faults");
        if (s["timers"]) {
          if (!s["timers"].IsMap()) Error(s["timers"], "setup.timers must be a mapping name -> value");
          else
            for (auto it = s["timers"].begin(); it != s["timers"].end(); ++it)
              if (auto v = Str(it->second, "timer")) c.setup.timers[it->first.Scalar()] = *v;
        }
      }
    }
    if (root["steps"]) {
      const YAML::Node& steps = root["steps"];
      if (!steps.IsSequence() || steps.size() == 0) {
        Error(steps, "steps must be a non-empty list");
      } else {
        int i = 0;
        for (const auto& s : steps)
          if (auto st = StepFrom(s, ++i)) c.steps.push_back(std::move(*st));
      }
    }
    if (root["mutants"]) {
      const YAML::Node& m = root["mutants"];
      if (!m.IsSequence()) Error(m, "mutants must be a list of {fault, verdict, message}");
      else
        for (const auto& e : m) {
          if (!CheckMap(e, "mutant", "mutant")) continue;
          Mutant mu;
          mu.loc = Loc(e);
          if (!e["fault"]) Error(e, "mutant needs a fault");
          else mu.fault = Str(e["fault"], "fault").value_or("");
          if (e["verdict"]) {
            mu.verdict = Str(e["verdict"], "verdict").value_or("FAIL");
            static const std::vector<std::string> v = {"FAIL", "TIMEOUT", "ERROR", "INCONCLUSIVE"};
            if (std::find(v.begin(), v.end(), mu.verdict) == v.end())
              Error(e["verdict"], "mutant verdict must be FAIL, TIMEOUT, ERROR or INCONCLUSIVE");
          }
          if (e["message"]) mu.message = Str(e["message"], "message").value_or("");
          c.mutants.push_back(mu);
        }
    }
    if (count_ > 0) return std::nullopt;
    return c;
  }

  void Capture(const std::string& name) { known_.insert(name); }

 private:
  std::string file_;
  std::vector<LoadError>& errors_;
  int count_ = 0;
  std::set<std::string> known_;
};

}  // namespace

std::optional<Case> LoadCaseText(std::string_view text, const std::string& file, std::vector<LoadError>& errors) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    errors.push_back({{file, e.mark.line + 1, e.mark.column + 1}, "YAML syntax: " + e.msg});
    return std::nullopt;
  }
  Loader l(file, errors);
  try {
    return l.CaseFrom(root);
  } catch (const YAML::Exception& e) {
    errors.push_back({{file, e.mark.line + 1, e.mark.column + 1}, "YAML: " + e.msg});
    return std::nullopt;
  }
}

std::optional<Case> LoadCase(const std::string& path, std::vector<LoadError>& errors) {
  std::ifstream in(path);
  if (!in) {
    errors.push_back({{path, 0, 0}, "cannot read the file"});
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadCaseText(ss.str(), path, errors);
}

std::vector<std::string> FindCaseFiles(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) return {root};
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory()) {
      std::string n = it->path().filename().string();
      if (n == "iut" || n == "requirements" || n == "schema" || n == "payloads" || n == "expect") {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (it->path().extension() == ".yaml" || it->path().extension() == ".yml") out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lwm2m::engine
