// requirement_table.h: the requirement table (testcases/requirements/lwm2m-1.2.yaml): every
// labelled requirement of the LwM2M 1.2 requirements document with its table, area, text, TS
// clause, IUT roles and testability; a strict loader (file:line:col diagnostics, did-you-mean).
//   std::vector<Diagnostic> diags;
//   auto table = LoadRequirementTable("testcases/requirements/lwm2m-1.2.yaml", diags);
//   if (table) table->Find("TRAN-BIND-001")->area == "transport-binding";
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/diagnostic.h"
#include "lwm2m/result.h"

namespace lwm2m::scoring {

// The closed sets the loader accepts for `area` and `roles` (in report order).
const std::vector<std::string>& Areas();
const std::vector<std::string>& Roles();  // client, server, bootstrap-server

struct Requirement {
  std::string label;                 // as the requirements document spells it (trimmed)
  std::vector<std::string> aliases;  // other spellings case files may use
  std::string table, area, text, ts;
  std::vector<std::string> roles, ets;
  bool testable = true;
  std::string reason;       // testable == false: why no protocol case can ever show it
  std::string not_yet;      // testable, but the harness lacks a part: which
  std::string discrepancy;  // document vs TS, "" if none
  int line = 0;             // 1-based line of the entry in the table file

  // True when `name` is the label or one of the aliases.
  bool Matches(std::string_view name) const;
};

struct RequirementTable {
  std::string file;
  std::vector<Requirement> requirements;
  // By label or alias; nullptr when absent.
  const Requirement* Find(std::string_view label) const;
};

// Strict loader. Unknown keys (with a did-you-mean), missing or empty required fields, wrong
// types, duplicate labels or aliases, unknown area/role values, testable:false without `reason`
// (or `reason` on a testable entry) each add an error Diagnostic whose `path` is "file:line:col".
// Returns the table only when there is no error.
Result<RequirementTable> LoadRequirementTable(const std::string& path, std::vector<Diagnostic>& diagnostics);
// The same from text; `source` names it in diagnostics.
Result<RequirementTable> ParseRequirementTable(std::string_view yaml, const std::string& source,
                                               std::vector<Diagnostic>& diagnostics);

// "file:3:5: unknown key 'txet' (did you mean 'text'?)": the one-line form of a loader diagnostic.
std::string DiagnosticLine(const Diagnostic& d);

// Labels a case names that the table lacks (neither label nor alias): one message each,
// "unknown requirement label 'VER-COMP-01' (did you mean 'VER-COMP-001'?)".
std::vector<std::string> CheckLabels(const RequirementTable& table, const std::vector<std::string>& labels);

// The candidate closest to `word` by edit distance (case-insensitive; adjacent transpositions
// count 1), or "" when none is within max(1, |word|/3) edits.
std::string Suggest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace lwm2m::scoring
