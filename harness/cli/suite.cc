// suite.cc: case discovery and selection for the suite subcommands (see suite.h).
#include "harness/cli/suite.h"

#include <fnmatch.h>

#include <cstdlib>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <yaml-cpp/yaml.h>

namespace lwm2m::cli {
namespace fs = std::filesystem;

std::string DefaultTestcases() {
  if (const char* e = std::getenv("LWM2M_TESTCASES"); e && *e) return e;
  return std::string(LWM2M_SOURCE_DIR) + "/testcases";
}

std::string DefaultRequirementTable(const std::string& testcases) {
  fs::path p(testcases);
  if (fs::is_regular_file(p)) p = p.parent_path();
  for (int i = 0; i < 3; ++i) {
    if (fs::exists(p / "requirements" / "lwm2m-1.2.yaml")) return (p / "requirements" / "lwm2m-1.2.yaml").string();
    p = p.parent_path();
  }
  return DefaultTestcases() + "/requirements/lwm2m-1.2.yaml";
}

std::vector<engine::Case> LoadSuite(const std::string& root, std::vector<engine::LoadError>& errors) {
  std::vector<engine::Case> out;
  for (const auto& f : engine::FindCaseFiles(root)) {
    std::string shown = f;
    std::error_code ec;
    auto rel = fs::relative(f, fs::current_path(), ec);
    if (!ec && !rel.empty() && rel.string().rfind("..", 0) != 0) shown = rel.string();
    if (auto c = engine::LoadCase(f, errors)) {
      c->file = shown;
      for (auto& s : c->steps) s.loc.file = shown;
      out.push_back(std::move(*c));
    }
  }
  return out;
}

bool GlobMatch(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

Result<std::pair<int, int>> ParseShard(const std::string& text) {
  int i = 0, n = 0;
  char extra = 0;
  if (sscanf(text.c_str(), "%d/%d%c", &i, &n, &extra) != 2 || n < 1 || i < 1 || i > n)
    return BadRequest("--shard must be I/N with 1 <= I <= N (e.g. 2/4), not '" + text + "'");
  return std::make_pair(i, n);
}

Result<std::vector<engine::Case>> Select(const std::vector<engine::Case>& all, const CaseFilter& f) {
  std::vector<engine::Case> sel;
  for (const auto& c : all) {
    if (f.role && c.role != *f.role) continue;
    if (!f.globs.empty()) {
      bool any = false;
      for (const auto& g : f.globs)
        any = any || GlobMatch(g, c.id) || GlobMatch(g, c.area + "/" + c.id) || GlobMatch(g, c.file);
      if (!any) continue;
    }
    if (!f.requirements.empty()) {
      bool any = false;
      for (const auto& r : f.requirements)
        for (const auto& l : c.requirements) any = any || l == r;
      if (!any) continue;
    }
    if (!f.ets.empty()) {
      bool any = false;
      for (const auto& e : f.ets) any = any || (!c.ets.empty() && GlobMatch(e, c.ets));
      if (!any) continue;
    }
    sel.push_back(c);
  }
  if (!f.shard.empty()) {
    auto s = ParseShard(f.shard);
    if (!s) return s.status();
    std::vector<engine::Case> part;
    for (size_t k = 0; k < sel.size(); ++k)
      if (static_cast<int>(k % s->second) == s->first - 1) part.push_back(sel[k]);
    sel = std::move(part);
  }
  return sel;
}

Result<std::map<std::string, std::string>> LoadExpectedFailures(const std::string& path) {
  std::map<std::string, std::string> out;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return BadRequest(path + ": cannot read the file");
  } catch (const YAML::Exception& e) {
    return BadRequest(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  auto where = [&](const YAML::Node& n) { return path + ":" + std::to_string(n.Mark().line + 1) + ": "; };
  if (root.IsMap()) {
    for (auto it = root.begin(); it != root.end(); ++it) {
      if (!it->second.IsScalar() || it->second.Scalar().empty())
        return BadRequest(where(it->first) + "expected failure '" + it->first.Scalar() + "' needs a reason");
      out[it->first.Scalar()] = it->second.Scalar();
    }
  } else if (root.IsSequence()) {
    for (const auto& e : root) {
      if (!e.IsMap() || !e["case"] || !e["case"].IsScalar())
        return BadRequest(where(e) + "each entry is {case: ID, reason: TEXT}");
      if (!e["reason"] || !e["reason"].IsScalar() || e["reason"].Scalar().empty())
        return BadRequest(where(e) + "expected failure '" + e["case"].Scalar() + "' needs a reason");
      out[e["case"].Scalar()] = e["reason"].Scalar();
    }
  } else if (!root.IsNull()) {
    return BadRequest(path + ": expected a list of {case, reason} or a map id: reason");
  }
  return out;
}

void AddFilterOptions(CLI::App& app, CaseFilter& f, std::string& testcases) {
  app.add_option("--cases", f.globs, "case id or area/id glob, e.g. 'registration/*' (repeatable)");
  app.add_option("--requirement", f.requirements, "only cases that prove this requirement label (repeatable)");
  app.add_option("--ets", f.ets, "only cases with this OMA ETS id (glob, repeatable)");
  app.add_option("--shard", f.shard, "run part I of N of the selection (I/N, 1-based)");
  app.add_option("--testcases", testcases, "folder of case files (default: the shipped testcases/)");
}

}  // namespace lwm2m::cli
