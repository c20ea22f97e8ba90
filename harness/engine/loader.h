// loader.h: YAML case files -> Case (case.h), strictly: unknown keys (with a did-you-mean),
// wrong types, bad durations ("5s", "500ms"), unknown operations, bad paths and undefined
// variables are reported as `file:line:col: message`, never thrown.
//   std::vector<LoadError> errors;
//   std::optional<Case> c = LoadCase("testcases/registration/register.yaml", errors);
//   for (auto& e : errors) std::cerr << e.ToString() << "\n";
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/engine/case.h"
#include "lwm2m/result.h"

namespace lwm2m::engine {

struct LoadError {
  SourceLoc loc;
  std::string message;
  std::string ToString() const { return loc.ToString() + ": " + message; }
};

// Loads one case; nullopt when any error was found (all of them are appended to `errors`).
std::optional<Case> LoadCase(const std::string& path, std::vector<LoadError>& errors);
// Same, from text (file is used in messages and for the id).
std::optional<Case> LoadCaseText(std::string_view text, const std::string& file, std::vector<LoadError>& errors);

// Every *.yaml under `root` (recursively) that is a case: skips the folders iut/, requirements/,
// schema/ and payloads/. Sorted by path.
std::vector<std::string> FindCaseFiles(const std::string& root);

// "5s", "500ms", "1.5s", "2m" -> milliseconds.
Result<Duration> ParseDuration(std::string_view text);
// "2.05" -> 0x45; "0.01" -> GET; also "4.12".
std::optional<uint8_t> ParseCode(std::string_view text);
std::string CodeText(uint8_t code);  // "2.05"

// The closest candidate within a small edit distance, or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

// Every key the loader accepts, by context ("case", "setup", "step", "expect", "send", "reply",
// "raw", "notifications", "wait", "mutant", "response"); the schema test checks them all appear in
// testcases/schema/case.schema.json.
const std::map<std::string, std::vector<std::string>>& AcceptedKeys();
// The check keys understood on requests/responses (prefixes end with '.').
const std::vector<std::string>& CheckKeys();

// {name.field} variables in `text`.
std::vector<std::string> VariablesIn(std::string_view text);
// Replaces {name.field} with vars; unknown variables are listed in `missing`.
std::string Expand(std::string_view text, const std::map<std::string, std::string>& vars,
                   std::vector<std::string>* missing = nullptr);

}  // namespace lwm2m::engine
