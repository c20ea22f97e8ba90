// Requirement folding and shard merging (see merge.h).
#include "reports/merge.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace lwm2m::report {

namespace {

// Seconds since the epoch of an RFC 3339 UTC time "YYYY-MM-DDTHH:MM:SS[.frac](Z|+00:00)".
std::optional<double> ParseRfc3339(const std::string& s) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6 || consumed != 19) {
    return std::nullopt;
  }
  double frac = 0;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    double scale = 0.1;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) frac += (s[i] - '0') * scale;
  }
  std::string zone = s.substr(i);
  if (zone != "Z" && zone != "z" && zone != "+00:00") return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(timegm(&tm)) + frac;
}

}  // namespace

void FoldRequirements(RunResult& run) {
  std::map<std::string, Verdict> verdicts;
  for (const CaseResult& c : run.cases) {
    auto [it, inserted] = verdicts.emplace(c.id, c.verdict);
    if (!inserted) it->second = Worst(it->second, c.verdict);
  }
  for (RequirementResult& q : run.requirements) {
    std::vector<Verdict> of_cases;
    for (const std::string& id : q.cases) {
      auto it = verdicts.find(id);
      if (it != verdicts.end()) of_cases.push_back(it->second);
    }
    q.verdict = FoldCaseVerdicts(of_cases);
  }
}

Result<RunResult> Merge(const std::vector<RunResult>& shards, std::vector<std::string>* diagnostics) {
  if (shards.empty()) return BadRequest("merge: no report to merge");
  auto note = [&](std::string text) {
    if (diagnostics) diagnostics->push_back(std::move(text));
  };
  RunResult out = shards[0];
  out.cases.clear();
  out.requirements.clear();

  std::map<std::string, size_t> case_shard;      // id -> shard index of the kept copy
  std::map<std::string, size_t> case_position;   // id -> index in out.cases
  std::map<std::string, size_t> req_position;    // label -> index in out.requirements
  std::optional<double> start, finish;
  std::string start_text, finish_text;
  bool times_ok = true;
  double longest = 0;
  std::set<std::string> iut_names, commands, reasons;

  for (size_t si = 0; si < shards.size(); ++si) {
    const RunResult& s = shards[si];
    if (s.tool_version != out.tool_version) {
      note(fmt::format("shard {} was written by lwm2m-harness {}, shard 0 by {}", si, s.tool_version, out.tool_version));
    }
    if (s.time_scale != out.time_scale) {
      note(fmt::format("shard {} ran with time scale {}, shard 0 with {}", si, s.time_scale, out.time_scale));
    }
    if (s.seed != out.seed) note(fmt::format("shard {} ran with seed {}, shard 0 with {}", si, s.seed, out.seed));
    if (iut_names.insert(s.iut_name).second && si > 0) {
      note(fmt::format("shard {} tested IUT \"{}\", shard 0 \"{}\"", si, s.iut_name, out.iut_name));
    }
    if (!s.command_line.empty()) commands.insert(s.command_line);
    out.interrupted = out.interrupted || s.interrupted;
    if (s.interrupted) reasons.insert(fmt::format("shard {}: {}", si, s.interrupt_reason.empty() ? "interrupted" : s.interrupt_reason));
    longest = std::max(longest, s.duration_s);
    auto a = ParseRfc3339(s.started_at), b = ParseRfc3339(s.finished_at);
    if (!a || !b) {
      times_ok = false;
    } else {
      if (!start || *a < *start) start = a, start_text = s.started_at;
      if (!finish || *b > *finish) finish = b, finish_text = s.finished_at;
    }

    for (const CaseResult& c : s.cases) {
      auto it = case_shard.find(c.id);
      if (it == case_shard.end()) {
        case_shard[c.id] = si;
        case_position[c.id] = out.cases.size();
        out.cases.push_back(c);
        continue;
      }
      const CaseResult& kept = out.cases[case_position[c.id]];
      if (kept.verdict != c.verdict) {
        return BadRequest(fmt::format("merge: conflict: case \"{}\" is {} in shard {} and {} in shard {}", c.id,
                                      VerdictName(kept.verdict), it->second, VerdictName(c.verdict), si));
      }
      note(fmt::format("case \"{}\" appears in shards {} and {} (both {}); kept shard {}'s result", c.id, it->second, si,
                       VerdictName(c.verdict), it->second));
    }
    for (const RequirementResult& q : s.requirements) {
      auto it = req_position.find(q.label);
      if (it == req_position.end()) {
        req_position[q.label] = out.requirements.size();
        out.requirements.push_back(q);
        continue;
      }
      RequirementResult& kept = out.requirements[it->second];
      for (const std::string& id : q.cases) {
        if (std::find(kept.cases.begin(), kept.cases.end(), id) == kept.cases.end()) kept.cases.push_back(id);
      }
    }
  }

  if (iut_names.size() > 1) {
    std::string joined;
    for (const std::string& n : iut_names) joined += (joined.empty() ? "" : " + ") + n;
    out.iut_name = joined;
  }
  if (commands.size() > 1) {
    std::string joined;
    for (const std::string& c : commands) joined += (joined.empty() ? "" : "\n") + c;
    out.command_line = joined;
  }
  if (!reasons.empty()) {
    std::string joined;
    for (const std::string& r : reasons) joined += (joined.empty() ? "" : "; ") + r;
    out.interrupt_reason = joined;
  }
  if (times_ok && start && finish) {
    out.started_at = start_text;
    out.finished_at = finish_text;
    out.duration_s = std::max(*finish - *start, longest);
  } else {
    // Without parseable times the shards' overlap is unknown: the longest shard is a lower bound.
    out.duration_s = longest;
    note("merge: started_at/finished_at are not all RFC 3339 UTC; duration is the longest shard's");
  }
  FoldRequirements(out);
  ComputeTotals(out);
  return out;
}

}  // namespace lwm2m::report
