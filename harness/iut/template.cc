// template.cc: placeholder expansion with shell quoting, and the harness's variables.
#include "harness/iut/template.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace lwm2m::iut {
namespace {

bool NameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool NameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; }

enum class Quote : uint8_t { kNone, kSingle, kDouble };

// Walks a template; calls on_text(literal) and on_name(name, offset). Returns the first syntax error.
template <typename Text, typename Name, typename Cond>
Status Walk(std::string_view t, bool track_quotes, Text on_text, Name on_name, Cond on_cond) {
  Quote q = Quote::kNone;
  bool escaped = false;
  auto track = [&](char c) {
    if (!track_quotes) return;
    if (escaped) {
      escaped = false;
      return;
    }
    switch (q) {
      case Quote::kNone:
        if (c == '\\') escaped = true;
        else if (c == '\'') q = Quote::kSingle;
        else if (c == '"') q = Quote::kDouble;
        break;
      case Quote::kSingle:
        if (c == '\'') q = Quote::kNone;
        break;
      case Quote::kDouble:
        if (c == '\\') escaped = true;
        else if (c == '"') q = Quote::kNone;
        break;
    }
  };
  for (size_t i = 0; i < t.size();) {
    char c = t[i];
    if (c == '{' || c == '}') {
      if (i + 1 < t.size() && t[i + 1] == c) {
        on_text(std::string_view(&t[i], 1));
        track(c);
        i += 2;
        continue;
      }
      if (c == '}')
        return BadRequest(fmt::format("unbalanced '}}' at offset {} (write '}}}}' for a literal brace)", i));
      if (i + 1 < t.size() && t[i + 1] == '?') {  // {?name:text}: text only when name is non-empty
        size_t colon = t.find(':', i + 2);
        std::string_view name = colon == std::string_view::npos ? std::string_view() : t.substr(i + 2, colon - i - 2);
        bool valid = !name.empty() && NameStart(name[0]);
        for (char n : name) valid = valid && NameChar(n);
        size_t end = std::string_view::npos;
        if (valid) {
          // A placeholder inside runs to its own '}'; a nested {?..} adds a level; "{{" and "}}" are text.
          int depth = 1;
          for (size_t j = colon + 1; j < t.size(); ++j) {
            bool doubled = j + 1 < t.size() && t[j + 1] == t[j];
            if (t[j] == '{') {
              if (doubled) {
                ++j;
              } else if (j + 1 < t.size() && t[j + 1] == '?') {
                ++depth;
              } else {
                j = t.find('}', j);
                if (j == std::string_view::npos) break;
              }
            } else if (t[j] == '}') {
              if (doubled) {
                ++j;
              } else if (--depth == 0) {
                end = j;
                break;
              }
            }
          }
        }
        if (!valid || end == std::string_view::npos)
          return BadRequest(fmt::format("'{{?' at offset {} must read {{?name:text}} with balanced braces", i));
        if (track_quotes && q != Quote::kNone)
          return BadRequest(fmt::format("{{?{}:...}} at offset {} is inside quotes: remove the quotes", name, i));
        if (Status s = on_cond(std::string(name), t.substr(colon + 1, end - colon - 1), i); !s.ok()) return s;
        i = end + 1;
        continue;
      }
      size_t end = t.find('}', i + 1);
      std::string_view name = end == std::string_view::npos ? std::string_view() : t.substr(i + 1, end - i - 1);
      bool valid = !name.empty() && NameStart(name[0]);
      for (char n : name) valid = valid && NameChar(n);
      if (!valid)
        return BadRequest(fmt::format(
            "'{{' at offset {} does not start a placeholder such as {{server_uri}} (write '{{{{' for a literal "
            "brace, e.g. ${{{{HOME}}}} in a shell command)",
            i));
      if (track_quotes && q != Quote::kNone)
        return BadRequest(fmt::format("placeholder {{{}}} at offset {} is inside {} quotes: remove the quotes, "
                                      "values are shell-quoted for you",
                                      name, i, q == Quote::kSingle ? "single" : "double"));
      if (Status s = on_name(std::string(name), i); !s.ok()) return s;
      i = end + 1;
      continue;
    }
    track(c);
    on_text(std::string_view(&t[i], 1));
    ++i;
  }
  return Status::Ok();
}

std::vector<std::string> Keys(const Variables& vars) {
  std::vector<std::string> k;
  for (const auto& [name, _] : vars) k.push_back(name);
  return k;
}

Status UnknownName(const std::string& name, size_t offset, const std::vector<std::string>& known) {
  std::string best = ClosestMatch(name, known);
  return BadRequest(fmt::format("unknown variable {{{}}} at offset {}{}", name, offset,
                                best.empty() ? "" : fmt::format(" (did you mean {{{}}}?)", best)));
}

Result<std::string> ExpandImpl(std::string_view tmpl, const Variables& vars, bool shell_quote,
                               std::string (*encode)(std::string_view)) {
  std::string out;
  Status st = Walk(
      tmpl, shell_quote, [&](std::string_view text) { out += text; },
      [&](const std::string& name, size_t offset) -> Status {
        auto it = vars.find(name);
        if (it == vars.end()) return UnknownName(name, offset, Keys(vars));
        if (encode) out += encode(it->second);
        else if (shell_quote && !name.ends_with("_args")) out += ShellQuote(it->second);
        else out += it->second;
        return Status::Ok();
      },
      [&](const std::string& name, std::string_view body, size_t offset) -> Status {
        auto it = vars.find(name);
        if (it == vars.end()) return UnknownName(name, offset, Keys(vars));
        if (it->second.empty()) return Status::Ok();
        auto inner = ExpandImpl(body, vars, shell_quote, encode);
        if (!inner.ok()) return BadRequest(fmt::format("in {{?{}:...}} at offset {}: {}", name, offset, inner.status().message()));
        out += *inner;
        return Status::Ok();
      });
  if (!st.ok()) return st;
  return out;
}

}  // namespace

Result<std::string> Expand(std::string_view tmpl, const Variables& vars, bool shell_quote) {
  return ExpandImpl(tmpl, vars, shell_quote, nullptr);
}

Result<std::string> ExpandWith(std::string_view tmpl, const Variables& vars, std::string (*encode)(std::string_view)) {
  return ExpandImpl(tmpl, vars, false, encode);
}

Status CheckTemplate(std::string_view tmpl, const std::vector<std::string>& known) {
  return Walk(
      tmpl, false, [](std::string_view) {},
      [&](const std::string& name, size_t offset) -> Status {
        if (known.empty()) return Status::Ok();
        for (const auto& k : known)
          if (k == name) return Status::Ok();
        return UnknownName(name, offset, known);
      },
      [&](const std::string& name, std::string_view body, size_t offset) -> Status {
        if (!known.empty() && std::find(known.begin(), known.end(), name) == known.end())
          return UnknownName(name, offset, known);
        return CheckTemplate(body, known);
      });
}

std::vector<std::string> TemplateNames(std::string_view tmpl) {
  std::vector<std::string> names;
  (void)Walk(
      tmpl, false, [](std::string_view) {},
      [&](const std::string& name, size_t) {
        names.push_back(name);
        return Status::Ok();
      },
      [&](const std::string& name, std::string_view body, size_t) {
        names.push_back(name);
        for (auto& n : TemplateNames(body)) names.push_back(std::move(n));
        return Status::Ok();
      });
  return names;
}

std::string ShellQuote(std::string_view v) {
  bool safe = !v.empty();
  for (char c : v) {
    safe = safe && (std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_./:@%+=,-").find(c) !=
                                                                         std::string_view::npos);
  }
  if (safe) return std::string(v);
  std::string out = "'";
  for (char c : v) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string ShellArgs(std::string_view flag, const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ' ';
    out += ShellQuote(flag) + " " + ShellQuote(v);
  }
  return out;
}

std::string PercentEncode(std::string_view v) {
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

const std::vector<std::string>& StandardVariableNames() {
  static const std::vector<std::string> k = {
      "server_uri", "bootstrap_uri", "endpoint", "psk_identity", "psk_key_hex", "host",      "port",     "build_dir",
      "source_dir", "case_dir",      "time_scale", "faults",     "fault_args",  "iut_dir",   "iut_name"};
  return k;
}

Variables MakeVariables(const IutDescription& iut, const VariableInputs& in) {
  Variables v;
  v["server_uri"] = in.server_uri;
  v["bootstrap_uri"] = in.bootstrap_uri;
  v["endpoint"] = in.endpoint.empty() ? iut.endpoint : in.endpoint;
  v["psk_identity"] = in.psk_identity.empty() ? iut.psk_identity : in.psk_identity;
  v["psk_key_hex"] = in.psk_key_hex.empty() ? iut.psk_key_hex : in.psk_key_hex;
  v["host"] = in.host;
  v["port"] = std::to_string(in.port);
  v["build_dir"] = in.build_dir;
  v["source_dir"] = in.source_dir;
  v["case_dir"] = in.case_dir;
  v["time_scale"] = fmt::format("{}", in.time_scale);
  std::string faults;
  for (const auto& f : in.faults) faults += (faults.empty() ? "" : ",") + f;
  v["faults"] = faults;
  v["fault_args"] = ShellArgs("--fault", in.faults);
  std::filesystem::path dir = std::filesystem::path(iut.file).parent_path();
  v["iut_dir"] = dir.empty() ? "." : dir.string();
  v["iut_name"] = iut.name;
  return v;
}

}  // namespace lwm2m::iut
