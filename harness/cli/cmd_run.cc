// cmd_run.cc: `lwm2m-harness run`: runs the selected cases against the IUT of --iut and writes
// the reports (console, report.json, junit.xml, report.html, summary.md, one folder per case).
// --mutation runs each case once per listed mutant (the reference IUT's deliberate fault) and
// asserts the expected verdict: the suite can fail. SIGINT/SIGTERM: the current case stops, the
// reports are written (marked interrupted), exit 130.
#include <atomic>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/suite.h"
#include "harness/engine/process_driver.h"
#include "harness/engine/runner.h"
#include "harness/iut/iut_description.h"
#include "harness/scoring/requirement_table.h"
#include "harness/scoring/score.h"
#include "reports/console_writer.h"
#include "reports/report_set.h"
#include "reports/write_atomic.h"

namespace lwm2m::cli {
namespace {
namespace fs = std::filesystem;

std::atomic<bool> g_stop{false};
volatile std::sig_atomic_t g_signal = 0;
extern "C" void OnSignal(int sig) {
  g_signal = sig;
  g_stop.store(true);
}

std::string NowRfc3339() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

struct RunArgs {
  std::string iut_file, out = "reports/out", expect_failures, testcases = DefaultTestcases();
  CaseFilter filter;
  int jobs = 1;
  double time_scale = 1.0;
  uint64_t seed = 1;
  std::vector<std::string> faults;
  bool mutation = false, no_relay = false, no_capture = false;
  std::string command_line;
};

int Mutation(engine::Runner& runner, const std::vector<engine::Case>& cases, const RunArgs& a) {
  int total = 0, detected = 0;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : cases) {
    if (c.mutants.empty()) {
      std::cerr << "mutation: " << c.id << ": no mutants listed\n";
      continue;
    }
    for (const auto& m : c.mutants) {
      if (g_stop.load()) break;
      ++total;
      report::CaseResult r = runner.RunCase(c, {m.fault}, "@" + m.fault);
      bool verdict_ok = report::VerdictName(r.verdict) == m.verdict;
      bool message_ok = m.message.empty() || r.reason.find(m.message) != std::string::npos;
      bool ok = verdict_ok && message_ok;
      detected += ok;
      std::cout << (ok ? "detected " : "MISSED   ") << c.id << " with fault " << m.fault << ": "
                << report::VerdictName(r.verdict);
      if (!ok) {
        std::cout << " (expected " << m.verdict;
        if (!m.message.empty()) std::cout << " with '" << m.message << "'";
        std::cout << ")";
      }
      std::cout << "\n";
      if (!ok || r.verdict != report::Verdict::kPass) std::cout << "    " << r.reason << "\n";
      out.push_back({{"case", c.id}, {"fault", m.fault}, {"expected_verdict", m.verdict},
                     {"expected_message", m.message}, {"verdict", report::VerdictName(r.verdict)},
                     {"reason", r.reason}, {"detected", ok}, {"file", m.loc.ToString()}});
    }
  }
  std::cout << "mutation score: " << detected << "/" << total << "\n";
  nlohmann::json doc = {{"detected", detected}, {"total", total}, {"mutants", out}};
  (void)report::WriteFileAtomic(fs::path(a.out) / "mutation.json", doc.dump(2) + "\n");
  if (g_stop.load()) return 130;
  return detected == total ? kExitOk : kExitErrors;
}

int Run(RunArgs& a) {
  // IUT file (ICS + IXIT).
  std::vector<Diagnostic> diags;
  auto iut = iut::LoadIut(a.iut_file, diags);
  for (const auto& d : diags)
    if (d.severity != Severity::kInfo) std::cerr << d.message << "\n";
  if (!iut) {
    std::cerr << "lwm2m-harness run: the IUT file is not valid: " << iut.status().message() << "\n";
    return kExitUsage;
  }
  // Cases.
  std::vector<engine::LoadError> errors;
  auto all = LoadSuite(a.testcases, errors);
  for (const auto& e : errors) std::cerr << e.ToString() << "\n";
  if (!errors.empty()) {
    std::cerr << "lwm2m-harness run: " << errors.size() << " error(s) in the case files; fix them or run "
              << "`lwm2m-harness validate`\n";
    return kExitUsage;
  }
  engine::IutInfo info = engine::InfoFromDescription(*iut);
  a.filter.role = info.role;
  auto sel = Select(all, a.filter);
  if (!sel) {
    std::cerr << "lwm2m-harness run: " << sel.status().message() << "\n";
    return kExitUsage;
  }
  if (sel->empty()) {
    std::cerr << "lwm2m-harness run: no case selected for a " << engine::IutRoleName(info.role) << " IUT\n";
    return kExitUsage;
  }
  // Requirement table.
  std::vector<Diagnostic> tdiags;
  auto table = scoring::LoadRequirementTable(DefaultRequirementTable(a.testcases), tdiags);
  if (!table) std::cerr << "warning: requirement table: " << table.status().message() << " (no requirement verdicts)\n";

  engine::RunOptions opt;
  opt.out_dir = a.out;
  opt.time_scale = a.time_scale;
  opt.seed = a.seed;
  opt.faults = a.faults;
  opt.jobs = a.jobs;
  opt.stop = &g_stop;
  opt.relay = !a.no_relay;
  opt.record = !a.no_capture;
  if (!a.expect_failures.empty()) {
    auto ef = LoadExpectedFailures(a.expect_failures);
    if (!ef) {
      std::cerr << "lwm2m-harness run: --expect-failures: " << ef.status().message() << "\n";
      return kExitUsage;
    }
    opt.expected_failures = *ef;
  }
  std::error_code ec;
  fs::create_directories(a.out, ec);
  if (ec) {
    std::cerr << "lwm2m-harness run: cannot create --out " << a.out << ": " << ec.message() << "\n";
    return kExitUsage;
  }
  engine::ProcessDriverOptions po;
  po.build_dir = LWM2M_BUILD_DIR;
  po.source_dir = LWM2M_SOURCE_DIR;
  auto driver = engine::MakeProcessDriver(*iut, po);
  engine::Runner runner(*driver, opt);

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  std::cerr << "lwm2m-harness: " << sel->size() << " case(s) against " << info.name << " ("
            << engine::IutRoleName(info.role) << "), time scale " << a.time_scale << ", out " << a.out << "\n";
  if (a.mutation) return Mutation(runner, *sel, a);

  report::RunResult base;
  base.tool_version = LWM2M_HARNESS_VERSION;
  base.started_at = NowRfc3339();
  base.iut_name = info.name;
  base.iut_role = engine::IutRoleName(info.role);
  base.iut_file = a.iut_file;
  base.command_line = a.command_line;
  base.seed = a.seed;
  base.time_scale = a.time_scale;
  if (table) base.requirements = scoring::Score(*table, {});

  report::ConsoleWriter console(report::ConsoleOptions::ForStdio());
  report::ReportSetOptions rso;
  rso.out_dir = a.out;
  report::ReportSet reports(rso);
  std::vector<report::Listener*> listeners = {&console, &reports};
  report::RunResult run = runner.RunAll(*sel, listeners, base);
  run.finished_at = NowRfc3339();
  if (table) run.requirements = scoring::Score(*table, run.cases);
  if (g_stop.load()) {
    run.interrupted = true;
    run.interrupt_reason = g_signal == SIGTERM ? "SIGTERM" : "SIGINT";
  }
  report::ComputeTotals(run);
  for (auto* l : listeners) l->OnRunEnd(run);
  if (!reports.status().ok()) std::cerr << "lwm2m-harness: writing reports: " << reports.status().message() << "\n";
  for (const auto& c : run.cases)
    if (c.stale_expectation)
      std::cerr << "stale expectation: " << c.id << " passed but is listed in " << a.expect_failures << " ("
                << c.expected_failure_reason << ")\n";
  std::cerr << "reports: " << (fs::path(a.out) / "report.html").string() << ", report.json, junit.xml, summary.md\n";
  if (run.interrupted) return 130;
  // The IUT could not be set up for any case that ran: exit 3.
  int ran = 0, setup_errors = 0;
  for (const auto& c : run.cases) {
    if (c.verdict == report::Verdict::kUnsupported) continue;
    ++ran;
    if (c.verdict == report::Verdict::kError && c.reason.rfind("set-up:", 0) == 0) ++setup_errors;
  }
  if (ran > 0 && setup_errors == ran) return 3;
  return report::ExitCode(run);
}

}  // namespace

Command AddRunCommand(CLI::App& root) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* app = root.add_subcommand("run", "Run conformance cases against an implementation under test");
  app->add_option("--iut", args->iut_file, "IUT description (ICS + IXIT) YAML file")->required();
  AddFilterOptions(*app, args->filter, args->testcases);
  app->add_option("-j,--jobs", args->jobs, "parallel cases (when the IUT is launched per case)")->check(CLI::Range(1, 64));
  app->add_option("--time-scale", args->time_scale, "multiply every `within:` bound by X")->check(CLI::PositiveNumber);
  app->add_option("--out", args->out, "output folder for the reports (default reports/out)");
  app->add_option("--expect-failures", args->expect_failures, "known failures YAML: {case: ID, reason: TEXT} entries");
  app->add_option("--seed", args->seed, "seed of seeded wire faults (default 1)");
  app->add_option("--fault", args->faults, "switch on a deliberate fault of the reference IUT (repeatable)");
  app->add_flag("--mutation", args->mutation,
                "run each case once per listed mutant and assert its expected verdict; prints the mutation score");
  app->add_flag("--no-relay", args->no_relay, "let the IUT talk to the tester directly (no wire faults)");
  app->add_flag("--no-capture", args->no_capture, "do not write capture.pcapng files");
  app->footer(
      "Exit codes: 0 all passed (or only expected failures), 1 failures, 2 usage or configuration error,\n"
      "3 the IUT could not be set up, 130 interrupted (reports written, marked partial).\n"
      "Examples:\n"
      "  lwm2m-harness run --iut testcases/iut/reference-client.yaml --out reports/out/client\n"
      "  lwm2m-harness run --iut my-client.yaml --cases 'registration/*' --time-scale 2 -j 4\n"
      "  lwm2m-harness run --iut testcases/iut/reference-client.yaml --mutation");
  return {app, [args] {
            args->command_line = CommandLine();
            return Run(*args);
          }};
}

}  // namespace lwm2m::cli
