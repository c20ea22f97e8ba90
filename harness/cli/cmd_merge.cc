// cmd_merge.cc: `lwm2m-harness merge A/report.json B/report.json ... --out DIR`: combines the
// report.json of several shards (or of the client and server runs) into one run and renders it.
#include <iostream>

#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"
#include "reports/console_writer.h"
#include "reports/merge.h"
#include "reports/report_set.h"

namespace lwm2m::cli {

Result<report::RunResult> ReadRunJson(const std::string& path);  // cmd_report.cc

Command AddMergeCommand(CLI::App& root) {
  struct Args {
    std::vector<std::string> inputs;
    std::string out = "reports/out/merged";
  };
  auto a = std::make_shared<Args>();
  CLI::App* app = root.add_subcommand("merge", "Combine the report.json of several shards or runs");
  app->add_option("reports", a->inputs, "report.json files")->required();
  app->add_option("--out", a->out, "output folder (default reports/out/merged)");
  app->footer("Examples:\n  lwm2m-harness merge shard1/report.json shard2/report.json --out reports/out/all");
  return {app, [a] {
            std::vector<report::RunResult> runs;
            for (const auto& p : a->inputs) {
              auto r = ReadRunJson(p);
              if (!r) {
                std::cerr << "lwm2m-harness merge: " << r.status().message() << "\n";
                return static_cast<int>(kExitUsage);
              }
              runs.push_back(std::move(*r));
            }
            std::vector<std::string> notes;
            auto merged = report::Merge(runs, &notes);
            for (const auto& n : notes) std::cerr << n << "\n";
            if (!merged) {
              std::cerr << "lwm2m-harness merge: " << merged.status().message() << "\n";
              return static_cast<int>(kExitUsage);
            }
            report::ReportSetOptions o;
            o.out_dir = a->out;
            Status s = report::WriteReports(*merged, o);
            if (!s.ok()) {
              std::cerr << "lwm2m-harness merge: " << s.message() << "\n";
              return static_cast<int>(kExitUsage);
            }
            std::cout << report::RenderConsoleSummary(*merged, false) << "\n";
            std::cerr << "merged " << runs.size() << " run(s) into " << a->out << "\n";
            return report::ExitCode(*merged);
          }};
}

}  // namespace lwm2m::cli
