// requirement_table.cc
#include "harness/scoring/requirement_table.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "lwm2m/suggest.h"

namespace lwm2m::scoring {
namespace {

const std::vector<std::string> kTopKeys = {"document", "requirements"};
const std::vector<std::string> kEntryKeys = {"label", "aliases", "table", "area", "text", "ts", "roles",
                                             "testable", "reason", "not_yet", "discrepancy", "ets"};
const std::vector<std::string> kRequiredKeys = {"label", "table", "area", "text", "ts", "roles", "testable"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string s = Suggest(word, candidates);
  return s.empty() ? "" : " (did you mean '" + s + "'?)";
}

class Loader {
 public:
  Loader(const std::string& source, std::vector<Diagnostic>& diags) : source_(source), diags_(diags) {}

  Result<RequirementTable> Load(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      Error(e.mark, e.msg);
      return Fail();
    }
    RequirementTable table;
    table.file = source_;
    if (!root.IsMap()) {
      Error(root.Mark(), "expected a map with 'requirements:' at the top level");
      return Fail();
    }
    YAML::Node list;
    for (const auto& kv : root) {
      std::string key = kv.first.Scalar();
      if (key == "requirements") {
        list = kv.second;
      } else if (key == "document") {
        if (!kv.second.IsScalar()) Error(kv.second.Mark(), "'document' must be a string");
      } else {
        Error(kv.first.Mark(), "unknown key '" + key + "'" + DidYouMean(key, kTopKeys) + "; expected document, requirements");
      }
    }
    if (!list) {
      Error(root.Mark(), "no 'requirements:' list");
      return Fail();
    }
    if (!list.IsSequence()) {
      Error(list.Mark(), "'requirements' must be a list");
      return Fail();
    }
    for (const auto& entry : list) {
      Requirement r;
      if (LoadEntry(entry, r)) table.requirements.push_back(std::move(r));
    }
    if (HasErrors(diags_)) return Fail();
    return table;
  }

 private:
  Status Fail() const {
    size_t n = std::count_if(diags_.begin(), diags_.end(), [](const Diagnostic& d) { return d.severity == Severity::kError; });
    return BadRequest(source_ + ": " + std::to_string(n) + " error(s) in the requirement table");
  }

  std::string Where(const YAML::Mark& m) const {
    if (m.is_null()) return source_;
    return source_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
  }

  void Error(const YAML::Mark& m, std::string message) {
    diags_.push_back({Severity::kError, std::nullopt, Where(m), std::move(message), {}});
  }

  // A non-empty string scalar without surrounding spaces, or an error.
  bool String(const YAML::Node& n, const std::string& key, std::string& out, bool allow_empty = false) {
    if (!n.IsScalar()) {
      Error(n.Mark(), "'" + key + "' must be a string");
      return false;
    }
    out = n.Scalar();
    if (out.empty() && !allow_empty) {
      Error(n.Mark(), "'" + key + "' is empty");
      return false;
    }
    return true;
  }

  bool StringList(const YAML::Node& n, const std::string& key, std::vector<std::string>& out) {
    if (!n.IsSequence()) {
      Error(n.Mark(), "'" + key + "' must be a list of strings");
      return false;
    }
    bool ok = true;
    std::set<std::string> seen;
    for (const auto& item : n) {
      std::string s;
      if (!String(item, key + " item", s)) {
        ok = false;
        continue;
      }
      if (!seen.insert(s).second) {
        Error(item.Mark(), "'" + s + "' is listed twice in '" + key + "'");
        ok = false;
      }
      out.push_back(std::move(s));
    }
    return ok;
  }

  // Labels and aliases share one namespace: a name may denote one requirement only.
  void ClaimName(const std::string& name, const YAML::Mark& m, const std::string& what) {
    if (name != Trim(name)) Error(m, what + " '" + name + "' has leading or trailing spaces");
    auto [it, inserted] = names_.emplace(name, Where(m));
    if (!inserted) Error(m, "duplicate " + what + " '" + name + "' (first at " + it->second + ")");
  }

  static std::string Trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
  }

  bool LoadEntry(const YAML::Node& entry, Requirement& r) {
    if (!entry.IsMap()) {
      Error(entry.Mark(), "each requirement must be a map (label, table, area, text, ts, roles, testable, ...)");
      return false;
    }
    size_t errors_before = diags_.size();
    r.line = entry.Mark().is_null() ? 0 : entry.Mark().line + 1;
    std::map<std::string, YAML::Node> fields;
    std::map<std::string, YAML::Mark> key_marks;
    for (const auto& kv : entry) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (std::find(kEntryKeys.begin(), kEntryKeys.end(), key) == kEntryKeys.end()) {
        Error(kv.first.Mark(), "unknown key '" + key + "'" + DidYouMean(key, kEntryKeys));
        continue;
      }
      if (fields.count(key)) {
        Error(kv.first.Mark(), "key '" + key + "' given twice (first at " + Where(key_marks[key]) + ")");
        continue;
      }
      fields[key] = kv.second;
      key_marks[key] = kv.first.Mark();
    }
    // Name the entry in "missing" messages by its label when it has one.
    std::string name = "requirement";
    if (fields.count("label") && fields["label"].IsScalar()) name = "requirement '" + fields["label"].Scalar() + "'";
    for (const auto& key : kRequiredKeys)
      if (!fields.count(key)) Error(entry.Mark(), name + " has no '" + key + "'");

    if (fields.count("label") && String(fields["label"], "label", r.label)) ClaimName(r.label, fields["label"].Mark(), "label");
    if (fields.count("aliases") && StringList(fields["aliases"], "aliases", r.aliases)) {
      size_t i = 0;
      for (const auto& item : fields["aliases"]) ClaimName(r.aliases[i++], item.Mark(), "alias");
    }
    if (fields.count("table")) String(fields["table"], "table", r.table);
    if (fields.count("text")) String(fields["text"], "text", r.text);
    if (fields.count("ts")) String(fields["ts"], "ts", r.ts);
    if (fields.count("area") && String(fields["area"], "area", r.area) &&
        std::find(Areas().begin(), Areas().end(), r.area) == Areas().end())
      Error(fields["area"].Mark(), "unknown area '" + r.area + "'" + DidYouMean(r.area, Areas()));
    if (fields.count("roles") && StringList(fields["roles"], "roles", r.roles)) {
      size_t i = 0;
      for (const auto& item : fields["roles"]) {
        const std::string& role = r.roles[i++];
        if (std::find(Roles().begin(), Roles().end(), role) == Roles().end())
          Error(item.Mark(), "unknown role '" + role + "'" + DidYouMean(role, Roles()) +
                                 "; expected client, server, bootstrap-server");
      }
    }
    if (fields.count("testable")) {
      const YAML::Node& t = fields["testable"];
      if (!t.IsScalar() || (t.Scalar() != "true" && t.Scalar() != "false") || t.Tag() == "!")
        Error(t.Mark(), "'testable' must be true or false");
      else
        r.testable = t.Scalar() == "true";
    }
    if (fields.count("reason")) String(fields["reason"], "reason", r.reason);
    if (fields.count("not_yet")) String(fields["not_yet"], "not_yet", r.not_yet);
    if (fields.count("discrepancy")) String(fields["discrepancy"], "discrepancy", r.discrepancy, true);
    if (fields.count("ets") && StringList(fields["ets"], "ets", r.ets)) {
      static const std::regex kEtsId(R"(^[A-Za-z][A-Za-z0-9]*-[0-9]+\.[0-9]+-int-[0-9]+$)");
      size_t i = 0;
      for (const auto& item : fields["ets"]) {
        const std::string& id = r.ets[i++];
        if (!std::regex_match(id, kEtsId))
          Error(item.Mark(), "'" + id + "' is not an OMA ETS id (like LightweightM2M-1.1-int-101)");
      }
    }

    if (fields.count("testable") && diags_.size() == errors_before) {
      if (!r.testable && r.reason.empty())
        Error(key_marks["testable"], name + " is testable: false but gives no 'reason'");
      if (r.testable && !r.reason.empty())
        Error(key_marks["reason"], name + " is testable but has a 'reason'; use 'not_yet' for parts not built yet");
      if (r.testable && r.roles.empty())
        Error(key_marks["roles"], name + " is testable but names no IUT role");
    }
    return diags_.size() == errors_before;
  }

  std::string source_;
  std::vector<Diagnostic>& diags_;
  std::map<std::string, std::string> names_;  // label or alias -> where first defined
};

}  // namespace

const std::vector<std::string>& Areas() {
  static const std::vector<std::string> kAreas = {
      "general",  "bootstrap",       "registration",  "version-negotiation", "transport-binding", "security",
      "information-reporting", "device-management", "firmware", "software", "gateway", "mqtt",
      "sms-trigger", "identifiers", "group", "messaging"};
  return kAreas;
}

const std::vector<std::string>& Roles() {
  static const std::vector<std::string> kRoles = {"client", "server", "bootstrap-server"};
  return kRoles;
}

bool Requirement::Matches(std::string_view name) const {
  if (label == name) return true;
  return std::find(aliases.begin(), aliases.end(), name) != aliases.end();
}

const Requirement* RequirementTable::Find(std::string_view label) const {
  for (const auto& r : requirements)
    if (r.Matches(label)) return &r;
  return nullptr;
}

Result<RequirementTable> ParseRequirementTable(std::string_view yaml, const std::string& source,
                                               std::vector<Diagnostic>& diagnostics) {
  return Loader(source, diagnostics).Load(yaml);
}

Result<RequirementTable> LoadRequirementTable(const std::string& path, std::vector<Diagnostic>& diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.push_back({Severity::kError, std::nullopt, path, "cannot open the requirement table", {}});
    return NotFound(path + ": cannot open the requirement table");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseRequirementTable(text.str(), path, diagnostics);
}

std::string DiagnosticLine(const Diagnostic& d) {
  std::string out = d.path.empty() ? "" : d.path + ": ";
  if (d.severity != Severity::kError) out += std::string(SeverityName(d.severity)) + ": ";
  return out + d.message;
}

std::vector<std::string> CheckLabels(const RequirementTable& table, const std::vector<std::string>& labels) {
  std::vector<std::string> names;
  for (const auto& r : table.requirements) {
    names.push_back(r.label);
    names.insert(names.end(), r.aliases.begin(), r.aliases.end());
  }
  std::vector<std::string> messages;
  for (const auto& label : labels)
    if (!table.Find(label))
      messages.push_back("unknown requirement label '" + label + "'" + DidYouMean(label, names));
  return messages;
}

std::string Suggest(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.empty()) return "";
  const std::string w = Lower(word);
  const size_t limit = std::max<size_t>(1, word.size() / 3);
  std::string best;
  size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    const std::string lc = Lower(c);
    size_t d = EditDistance(w, lc);
    // On a tie, prefer a candidate with the same first letter ("tabel": "table" over "label").
    bool better = d < best_d || (d == best_d && !best.empty() && lc[0] == w[0] && Lower(best)[0] != w[0]);
    if (better && d < std::max(word.size(), c.size())) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace lwm2m::scoring
