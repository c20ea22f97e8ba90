// suite.h: what the suite subcommands (list, run, validate, requirements) share: finding and
// loading the case files, selecting cases (--cases GLOB, --requirement, --ets, --shard I/N), the
// requirement table, and the known-failures file of --expect-failures.
//   auto cases = LoadSuite(root, errors);  auto sel = Select(cases, filter);
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/engine/case.h"
#include "harness/engine/loader.h"
#include "harness/cli/cli_common.h"
#include "lwm2m/result.h"

namespace lwm2m::cli {

struct CaseFilter {
  std::vector<std::string> globs;         // on the id or "area/id"; any matches
  std::vector<std::string> requirements;  // labels; any matches
  std::vector<std::string> ets;           // ETS ids (glob); any matches
  std::string shard;                      // "I/N", 1-based
  std::optional<engine::IutRole> role;
};

// The default testcases folder: $LWM2M_TESTCASES, else <source>/testcases.
std::string DefaultTestcases();
std::string DefaultRequirementTable(const std::string& testcases);

// Every case under `root` (a folder or one file); errors appended, broken files skipped.
std::vector<engine::Case> LoadSuite(const std::string& root, std::vector<engine::LoadError>& errors);
// "2/4" -> {2, 4}; error text for anything else.
Result<std::pair<int, int>> ParseShard(const std::string& text);
Result<std::vector<engine::Case>> Select(const std::vector<engine::Case>& all, const CaseFilter& f);
bool GlobMatch(const std::string& pattern, const std::string& text);

// --expect-failures FILE: YAML, a list of {case: ID, reason: TEXT} or a map ID: REASON. Each
// entry needs a reason. Error: file:line: message.
Result<std::map<std::string, std::string>> LoadExpectedFailures(const std::string& path);

// Adds the subcommand options shared by list and run.
void AddFilterOptions(CLI::App& app, CaseFilter& f, std::string& testcases);

}  // namespace lwm2m::cli
