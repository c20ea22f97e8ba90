// cmd_report.cc: `lwm2m-harness report OUT/report.json`: re-renders junit.xml, report.html,
// summary.md (and report.json) from the canonical JSON, and prints the console view.
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"
#include "reports/console_writer.h"
#include "reports/report_set.h"

namespace lwm2m::cli {

Result<report::RunResult> ReadRunJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) return BadRequest(path + ": cannot read the file");
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return BadRequest(path + ": not valid JSON");
  auto r = report::RunResultFromJson(j);
  if (!r) return BadRequest(path + ": " + r.status().message());
  return r;
}

Command AddReportCommand(CLI::App& root) {
  struct Args {
    std::string input, out;
    std::vector<std::string> formats;
  };
  auto a = std::make_shared<Args>();
  CLI::App* app = root.add_subcommand("report", "Re-render the reports of a run from its report.json");
  app->add_option("report", a->input, "report.json of a run")->required();
  app->add_option("--out", a->out, "folder for the reports (default: the folder of report.json)");
  app->add_option("--format", a->formats, "json, junit, html, markdown (default all; repeatable)");
  app->footer("Examples:\n  lwm2m-harness report reports/out/report.json\n  lwm2m-harness report run.json --out /tmp/r --format html");
  return {app, [a] {
            auto run = ReadRunJson(a->input);
            if (!run) {
              std::cerr << "lwm2m-harness report: " << run.status().message() << "\n";
              return static_cast<int>(kExitUsage);
            }
            report::ReportSetOptions o;
            o.out_dir = a->out.empty() ? std::filesystem::path(a->input).parent_path() : std::filesystem::path(a->out);
            if (o.out_dir.empty()) o.out_dir = ".";
            if (!a->formats.empty()) o.formats = a->formats;
            Status s = report::WriteReports(*run, o);
            if (!s.ok()) {
              std::cerr << "lwm2m-harness report: " << s.message() << "\n";
              return static_cast<int>(kExitUsage);
            }
            std::cout << report::RenderConsole(*run, false);
            std::cerr << "reports written to " << o.out_dir.string() << "\n";
            return report::ExitCode(*run);
          }};
}

}  // namespace lwm2m::cli
