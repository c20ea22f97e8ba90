// cmd_requirements.cc: `lwm2m-harness requirements`: the requirement table with, per label, its
// area, testability, TS clause and the shipped cases that claim it (or, with --report, the
// requirement verdicts of a run).
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/suite.h"
#include "harness/scoring/requirement_table.h"
#include "harness/scoring/score.h"

namespace lwm2m::cli {

Result<report::RunResult> ReadRunJson(const std::string& path);  // cmd_report.cc

Command AddRequirementsCommand(CLI::App& root) {
  struct Args {
    std::string testcases = DefaultTestcases(), report, area;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* app = root.add_subcommand("requirements", "List the LwM2M 1.2 requirements and the cases that prove them");
  app->add_option("--testcases", a->testcases, "folder of case files and requirements/ (default: the shipped one)");
  app->add_option("--report", a->report, "report.json of a run: show its requirement verdicts");
  app->add_option("--area", a->area, "only this area");
  app->add_flag("--json", a->json, "JSON on stdout");
  app->footer("Examples:\n  lwm2m-harness requirements\n  lwm2m-harness requirements --report reports/out/report.json --area registration");
  return {app, [a] {
            std::vector<Diagnostic> d;
            auto table = scoring::LoadRequirementTable(DefaultRequirementTable(a->testcases), d);
            if (!table) {
              for (const auto& x : d) std::cerr << scoring::DiagnosticLine(x) << "\n";
              std::cerr << "lwm2m-harness requirements: " << table.status().message() << "\n";
              return static_cast<int>(kExitUsage);
            }
            std::vector<report::CaseResult> cases;
            if (!a->report.empty()) {
              auto run = ReadRunJson(a->report);
              if (!run) {
                std::cerr << "lwm2m-harness requirements: " << run.status().message() << "\n";
                return static_cast<int>(kExitUsage);
              }
              cases = run->cases;
            } else {
              std::vector<engine::LoadError> errors;
              for (const auto& c : LoadSuite(a->testcases, errors)) {
                report::CaseResult r;
                r.id = c.id;
                r.requirements = c.requirements;
                r.verdict = report::Verdict::kUnsupported;  // not run: NOT TESTED
                cases.push_back(r);
              }
            }
            auto results = scoring::Score(*table, cases);
            nlohmann::json j = nlohmann::json::array();
            for (const auto& r : results) {
              if (!a->area.empty() && r.area != a->area) continue;
              if (a->json) {
                j.push_back({{"label", r.label}, {"area", r.area}, {"testable", r.testable}, {"ts", r.ts_ref},
                             {"cases", r.cases}, {"verdict", report::RequirementVerdictName(r.verdict)},
                             {"not_testable_reason", r.not_testable_reason}});
                continue;
              }
              std::string cs;
              for (const auto& c : r.cases) cs += (cs.empty() ? "" : ",") + c;
              std::cout << r.label << "\t" << r.area << "\t" << (r.testable ? "testable" : "not testable") << "\t"
                        << (a->report.empty() ? "" : std::string(report::RequirementVerdictName(r.verdict)) + "\t")
                        << (cs.empty() ? "-" : cs) << "\t" << r.ts_ref << "\n";
            }
            if (a->json) std::cout << j.dump(2) << "\n";
            return static_cast<int>(kExitOk);
          }};
}

}  // namespace lwm2m::cli
