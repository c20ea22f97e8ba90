// bind_engine.cc: the engine (harness/engine/) as load_cases(), load_iut() and run(): the CLI's
// case discovery and selection (harness/cli/suite.h), the IUT file loader (harness/iut/), the
// runner, requirement scoring and the report writers, composed as `lwm2m-harness run` composes
// them (harness/cli/cmd_run.cc), with results as Python objects and the event stream as callbacks.
// SIGINT during a run stops it as the CLI's handler does: the current case ends, the reports are
// written marked interrupted, then KeyboardInterrupt is raised.
#include <atomic>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "harness/cli/suite.h"
#include "harness/engine/loader.h"
#include "harness/engine/process_driver.h"
#include "harness/engine/runner.h"
#include "harness/iut/iut_description.h"
#include "harness/python/bind_modules.h"
#include "harness/python/convert.h"
#include "harness/scoring/requirement_table.h"
#include "harness/scoring/score.h"
#include "reports/console_writer.h"
#include "reports/listener.h"
#include "reports/report_set.h"

namespace lwm2m::py_binding {

namespace fs = std::filesystem;
using namespace lwm2m::report;

namespace {

std::atomic<bool> g_stop{false};
volatile std::sig_atomic_t g_signal = 0;
extern "C" void OnRunSignal(int sig) {
  g_signal = sig;
  g_stop.store(true);
}

// "file:12:3: message" -> line 12 of file.
LoadFailure FailureFrom(const std::string& file, const std::vector<std::string>& errors, const std::string& headline) {
  LoadFailure f{headline, file, 0, errors};
  if (!errors.empty()) {
    const std::string& first = errors.front();
    size_t colon = first.find(':');
    // The file part may itself hold no ':'; take the first run of digits after the file name.
    if (first.rfind(file + ":", 0) == 0) {
      f.line = std::atoi(first.c_str() + file.size() + 1);
    } else if (colon != std::string::npos) {
      f.file = first.substr(0, colon);
      f.line = std::atoi(first.c_str() + colon + 1);
    }
  }
  return f;
}

struct PyIut {
  iut::IutDescription description;
  engine::IutInfo info;
};

std::string NowRfc3339() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

PyIut LoadIutPy(const std::string& path) {
  std::vector<Diagnostic> diags;
  auto d = iut::LoadIut(path, diags);
  if (!d) {
    std::vector<std::string> errors;
    for (const auto& x : diags)
      if (x.severity == Severity::kError) errors.push_back(x.message);
    if (errors.empty()) errors.push_back(d.status().message());
    throw FailureFrom(path, errors, "the IUT file is not valid: " + errors.front());
  }
  PyIut out{*d, engine::InfoFromDescription(*d)};
  return out;
}

std::vector<engine::Case> LoadCasesPy(const std::string& path_or_glob, const std::optional<std::string>& testcases) {
  std::vector<engine::LoadError> errors;
  std::vector<engine::Case> cases;
  std::error_code ec;
  if (fs::exists(path_or_glob, ec)) {
    cases = cli::LoadSuite(path_or_glob, errors);
  } else {
    std::string root = testcases ? *testcases : cli::DefaultTestcases();
    auto all = cli::LoadSuite(root, errors);
    if (errors.empty()) {
      cli::CaseFilter f;
      f.globs = {path_or_glob};
      auto sel = cli::Select(all, f);
      if (!sel) throw py::value_error(sel.status().message());
      cases = std::move(*sel);
      if (cases.empty())
        throw py::value_error("'" + path_or_glob + "' is neither a file or folder nor a glob matching a case under " + root);
    }
  }
  if (!errors.empty()) {
    std::vector<std::string> msgs;
    for (const auto& e : errors) msgs.push_back(e.ToString());
    LoadFailure f{std::to_string(errors.size()) + " error(s) in the case files; first: " + msgs.front(),
                  errors.front().loc.file, errors.front().loc.line, msgs};
    throw f;
  }
  return cases;
}

// Forwards the engine's event stream to a Python object with on_run_start/on_case_start/on_step/
// on_case_end/on_run_end methods (any subset), or to a callable taking (event_name, payload).
// An exception in Python stops the run like SIGINT and is raised after the reports are written.
class PyForwarder : public Listener {
 public:
  explicit PyForwarder(py::object target) : target_(std::move(target)) {}
  // The engine calls these with the GIL released: every Python object is made inside Call.
  void OnRunStart(const RunResult& run) override { Call("run_start", [&] { return py::make_tuple(run); }); }
  void OnCaseStart(const CaseResult& c) override { Call("case_start", [&] { return py::make_tuple(c); }); }
  void OnStep(const CaseResult& c, const StepResult& s) override { Call("step", [&] { return py::make_tuple(c, s); }); }
  void OnCaseEnd(const CaseResult& c) override { Call("case_end", [&] { return py::make_tuple(c); }); }
  void OnRunEnd(const RunResult& run) override { Call("run_end", [&] { return py::make_tuple(run); }); }
  std::optional<py::error_already_set>& error() { return error_; }

 private:
  template <typename MakeArgs>
  void Call(const char* event, MakeArgs make_args) {
    py::gil_scoped_acquire gil;
    if (error_) return;
    try {
      std::string method = std::string("on_") + event;
      py::tuple args = make_args();
      if (py::hasattr(target_, method.c_str())) {
        target_.attr(method.c_str())(*args);
      } else if (PyCallable_Check(target_.ptr())) {
        target_(event, args.size() == 1 ? py::object(args[0]) : py::object(args));
      }
    } catch (py::error_already_set& e) {
      error_.emplace(std::move(e));
      g_stop.store(true);
    }
  }
  py::object target_;
  std::optional<py::error_already_set> error_;
};

struct SignalGuard {
  struct sigaction old_int {}, old_term {};
  SignalGuard() {
    g_stop = false;
    g_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = OnRunSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
  }
  ~SignalGuard() {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
  }
};

RunResult RunPy(const PyIut& iut, const py::object& cases, const std::optional<std::string>& out, double time_scale,
                int jobs, uint64_t seed, const std::vector<std::string>& faults, bool relay, bool record,
                const py::object& listener, const std::optional<std::string>& expect_failures,
                const std::vector<std::string>& requirements, const std::vector<std::string>& ets,
                const std::optional<std::string>& testcases, const std::optional<std::string>& shard, bool console,
                const std::optional<std::string>& requirement_table) {
  if (!(time_scale > 0)) throw py::value_error("time_scale must be > 0");
  if (jobs < 1 || jobs > 64) throw py::value_error("jobs must be 1..64");
  std::string root = testcases ? *testcases : cli::DefaultTestcases();
  // The selection: Case objects as given, else the CLI's filter (globs, requirements, ETS ids, shard, role).
  std::vector<engine::Case> sel;
  bool given = false;
  if (!cases.is_none() && !py::isinstance<py::str>(cases)) {
    py::list l = py::list(cases);
    if (l.size() > 0 && py::isinstance<engine::Case>(l[0])) {
      for (auto c : l) sel.push_back(c.cast<engine::Case>());
      given = true;
    }
  }
  if (!given) {
    cli::CaseFilter f;
    if (py::isinstance<py::str>(cases)) f.globs = {cases.cast<std::string>()};
    else if (!cases.is_none()) f.globs = cases.cast<std::vector<std::string>>();
    f.requirements = requirements;
    f.ets = ets;
    if (shard) f.shard = *shard;
    f.role = iut.info.role;
    std::vector<engine::LoadError> errors;
    auto all = cli::LoadSuite(root, errors);
    if (!errors.empty()) {
      std::vector<std::string> msgs;
      for (const auto& e : errors) msgs.push_back(e.ToString());
      throw LoadFailure{std::to_string(errors.size()) + " error(s) in the case files; first: " + msgs.front(),
                        errors.front().loc.file, errors.front().loc.line, msgs};
    }
    auto s = cli::Select(all, f);
    if (!s) throw py::value_error(s.status().message());
    sel = std::move(*s);
  }
  if (sel.empty())
    throw py::value_error(std::string("no case selected for a ") + engine::IutRoleName(iut.info.role) + " IUT");

  std::vector<Diagnostic> tdiags;
  std::string table_path = requirement_table ? *requirement_table : cli::DefaultRequirementTable(root);
  auto table = scoring::LoadRequirementTable(table_path, tdiags);

  engine::RunOptions opt;
  opt.out_dir = out.value_or("");
  opt.time_scale = time_scale;
  opt.seed = seed;
  opt.faults = faults;
  opt.jobs = jobs;
  opt.stop = &g_stop;
  opt.relay = relay;
  opt.record = record && out.has_value();
  if (expect_failures) {
    auto ef = cli::LoadExpectedFailures(*expect_failures);
    if (!ef) {
      std::string m = ef.status().message();
      throw FailureFrom(*expect_failures, {m}, "expect_failures: " + m);
    }
    opt.expected_failures = *ef;
  }
  if (out) {
    std::error_code ec;
    fs::create_directories(*out, ec);
    if (ec) throw Error{"cannot create out folder " + *out + ": " + ec.message(), ""};
  }

  RunResult base;
  base.tool_version = LWM2M_HARNESS_VERSION;
  base.started_at = NowRfc3339();
  base.iut_name = iut.info.name;
  base.iut_role = engine::IutRoleName(iut.info.role);
  base.iut_file = iut.description.file;
  base.command_line = "python: lwm2m_harness.run()";
  base.seed = seed;
  base.time_scale = time_scale;
  if (table) base.requirements = scoring::Score(*table, {});

  std::unique_ptr<PyForwarder> forward;
  if (!listener.is_none()) forward = std::make_unique<PyForwarder>(listener);
  RunResult run;
  bool sigint = false;
  {
    py::gil_scoped_release nogil;
    engine::ProcessDriverOptions po;
    po.build_dir = LWM2M_BUILD_DIR;
    po.source_dir = LWM2M_SOURCE_DIR;
    if (const char* b = std::getenv("LWM2M_BUILD_DIR"); b && *b) po.build_dir = b;
    if (const char* s = std::getenv("LWM2M_SOURCE_DIR"); s && *s) po.source_dir = s;
    auto driver = engine::MakeProcessDriver(iut.description, po);
    engine::Runner runner(*driver, opt);
    SignalGuard signals;

    std::unique_ptr<ConsoleWriter> console_writer;
    std::unique_ptr<ReportSet> reports;
    std::vector<Listener*> listeners;
    if (console) {
      console_writer = std::make_unique<ConsoleWriter>(ConsoleOptions::ForStdio());
      listeners.push_back(console_writer.get());
    }
    if (out) {
      ReportSetOptions rso;
      rso.out_dir = *out;
      reports = std::make_unique<ReportSet>(rso);
      listeners.push_back(reports.get());
    }
    if (forward) listeners.push_back(forward.get());
    run = runner.RunAll(sel, listeners, base);
    run.finished_at = NowRfc3339();
    if (table) run.requirements = scoring::Score(*table, run.cases);
    if (g_stop.load()) {
      run.interrupted = true;
      run.interrupt_reason = g_signal == SIGTERM ? "SIGTERM" : g_signal == SIGINT ? "SIGINT" : "listener raised";
      sigint = g_signal == SIGINT;
    }
    ComputeTotals(run);
    for (auto* l : listeners) l->OnRunEnd(run);
  }
  if (forward && forward->error()) {
    py::error_already_set e = std::move(*forward->error());
    e.restore();
    throw py::error_already_set();
  }
  if (sigint) {
    PyErr_SetString(PyExc_KeyboardInterrupt,
                    ("run interrupted; partial reports in " + out.value_or("(no out folder)")).c_str());
    throw py::error_already_set();
  }
  return run;
}

py::object JsonToPy(const nlohmann::json& j) {
  py::module_ json = py::module_::import("json");
  return json.attr("loads")(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

void BindEngine(py::module_& m) {
  py::class_<engine::Case>(m, "Case", "One conformance test case as loaded from its YAML file.")
      .def_readonly("id", &engine::Case::id, "The file name stem.")
      .def_readonly("file", &engine::Case::file)
      .def_readonly("area", &engine::Case::area, "Its folder: registration, device-management, ...")
      .def_readonly("ets", &engine::Case::ets, "The official ETS id, or \"\".")
      .def_readonly("requirements", &engine::Case::requirements, "Requirement labels it proves.")
      .def_readonly("spec", &engine::Case::spec)
      .def_readonly("summary", &engine::Case::summary)
      .def_property_readonly("role", [](const engine::Case& c) { return std::string(engine::IutRoleName(c.role)); },
                             "The IUT role: client, server or bootstrap-server.")
      .def_readonly("requires", &engine::Case::requires_features, "ICS features it needs.")
      .def_property_readonly("line", [](const engine::Case& c) { return c.loc.line; })
      .def_property_readonly("steps", [](const engine::Case& c) {
            py::list l;
            for (const auto& s : c.steps) {
              py::dict d;
              d["index"] = s.index;
              d["title"] = s.title;
              d["kind"] = std::string(engine::StepKindName(s.kind));
              d["line"] = s.loc.line;
              l.append(d);
            }
            return l;
          }, "[{\"index\", \"title\", \"kind\", \"line\"}]")
      .def_property_readonly("mutants", [](const engine::Case& c) {
            py::list l;
            for (const auto& mu : c.mutants) l.append(py::dict(py::arg("fault") = mu.fault, py::arg("verdict") = mu.verdict));
            return l;
          })
      .def("__repr__", [](const engine::Case& c) { return "<Case " + c.area + "/" + c.id + ">"; });

  py::class_<PyIut>(m, "Iut", "An IUT file (ICS + IXIT): what the implementation claims and how to reach it.")
      .def_property_readonly("name", [](const PyIut& i) { return i.info.name; })
      .def_property_readonly("file", [](const PyIut& i) { return i.description.file; })
      .def_property_readonly("role", [](const PyIut& i) { return std::string(engine::IutRoleName(i.info.role)); })
      .def_property_readonly("endpoint", [](const PyIut& i) { return i.info.endpoint; })
      .def_property_readonly("features", [](const PyIut& i) { return i.info.features; }, "The ICS as one set.")
      .def("missing", [](const PyIut& i, const std::vector<std::string>& req) { return i.description.Missing(req); },
           py::arg("required"), "The first required feature the ICS lacks, or None.")
      .def("__repr__", [](const PyIut& i) { return "<Iut " + i.info.name + " (" + engine::IutRoleName(i.info.role) + ")>"; });

  py::class_<StepResult>(m, "StepResult", "One step's verdict and evidence.")
      .def_readonly("index", &StepResult::index)
      .def_property_readonly("title", LWM2M_PY_TEXT(StepResult, title))
      .def_readonly("file", &StepResult::file)
      .def_readonly("line", &StepResult::line)
      .def_property_readonly("verdict", [](const StepResult& s) { return std::string(VerdictName(s.verdict)); })
      .def_property_readonly("message", LWM2M_PY_TEXT(StepResult, message))
      .def_property_readonly("expected", LWM2M_PY_TEXT(StepResult, expected))
      .def_property_readonly("actual", LWM2M_PY_TEXT(StepResult, actual))
      .def_readonly("frames", &StepResult::frames, "Evidence frames in the case's capture.pcapng.")
      .def_readonly("start_s", &StepResult::start_s)
      .def_readonly("end_s", &StepResult::end_s)
      .def("__repr__", [](const StepResult& s) {
        return "<StepResult " + std::to_string(s.index) + " " + s.title + ": " + VerdictName(s.verdict) + ">";
      });

  py::class_<CaseResult>(m, "CaseResult", "One case's verdict, reason, steps and evidence paths.")
      .def_readonly("id", &CaseResult::id)
      .def_readonly("ets", &CaseResult::ets)
      .def_readonly("file", &CaseResult::file)
      .def_readonly("summary", &CaseResult::summary)
      .def_readonly("area", &CaseResult::area)
      .def_readonly("requirements", &CaseResult::requirements)
      .def_property_readonly("verdict", [](const CaseResult& c) { return std::string(VerdictName(c.verdict)); },
                             "PASS, UNSUPPORTED, INCONCLUSIVE, FAIL, TIMEOUT or ERROR.")
      .def_property_readonly("failed", [](const CaseResult& c) { return IsFailure(c.verdict); },
                             "True for FAIL, TIMEOUT and ERROR.")
      .def_property_readonly("reason", LWM2M_PY_TEXT(CaseResult, reason))
      .def_readonly("steps", &CaseResult::steps)
      .def_readonly("duration_s", &CaseResult::duration_s)
      .def_readonly("capture", &CaseResult::capture, "Path of capture.pcapng relative to the out folder, or \"\".")
      .def_readonly("iut_log", &CaseResult::iut_log)
      .def_readonly("steps_json", &CaseResult::steps_json)
      .def_readonly("expected_failure", &CaseResult::expected_failure)
      .def_readonly("stale_expectation", &CaseResult::stale_expectation)
      .def("__repr__", [](const CaseResult& c) { return "<CaseResult " + c.id + ": " + VerdictName(c.verdict) + ">"; });

  py::class_<RequirementResult>(m, "RequirementResult", "One requirement label's verdict from the case verdicts.")
      .def_readonly("label", &RequirementResult::label)
      .def_readonly("area", &RequirementResult::area)
      .def_readonly("text", &RequirementResult::text)
      .def_readonly("ts_ref", &RequirementResult::ts_ref)
      .def_readonly("testable", &RequirementResult::testable)
      .def_readonly("cases", &RequirementResult::cases)
      .def_property_readonly("verdict", [](const RequirementResult& r) { return std::string(RequirementVerdictName(r.verdict)); },
                             "PASS, FAIL or NOT TESTED.")
      .def("__repr__", [](const RequirementResult& r) {
        return "<RequirementResult " + r.label + ": " + RequirementVerdictName(r.verdict) + ">";
      });

  py::class_<RunResult>(m, "RunResult", "A run's case and requirement verdicts (what report.json holds).")
      .def_readonly("cases", &RunResult::cases)
      .def_readonly("requirements", &RunResult::requirements)
      .def_readonly("interrupted", &RunResult::interrupted)
      .def_property_readonly("interrupt_reason", LWM2M_PY_TEXT(RunResult, interrupt_reason))
      .def_readonly("iut_name", &RunResult::iut_name)
      .def_readonly("time_scale", &RunResult::time_scale)
      .def_property_readonly("totals", [](const RunResult& r) {
            return JsonToPy(ToJson(r)["totals"]);
          }, "{\"cases\", \"passed\", \"failed\", ...} as in report.json.")
      .def_property_readonly("exit_code", [](const RunResult& r) { return ExitCode(r); },
                             "The CLI's exit status for this run: 0 passed (or expected failures only), 1 failures.")
      .def("verdicts", [](const RunResult& r) {
            py::dict d;
            for (const auto& c : r.cases) d[py::str(c.id)] = std::string(VerdictName(c.verdict));
            return d;
          }, "{case id: verdict}.")
      .def("to_dict", [](const RunResult& r) { return JsonToPy(ToJson(r)); }, "The report.json document as a dict.")
      .def("__repr__", [](const RunResult& r) {
        return "<RunResult " + std::to_string(r.cases.size()) + " cases" + (r.interrupted ? ", interrupted" : "") + ">";
      });

  m.def("load_cases", &LoadCasesPy, py::arg("path_or_glob"), py::arg("testcases") = py::none(),
        "Cases from a case file or folder, or those matching a glob on id or area/id (\"registration/*\") under "
        "`testcases` (default: the shipped testcases/). Errors raise LoadError with .file, .line and .errors.");
  m.def("load_iut", &LoadIutPy, py::arg("path"),
        "An IUT file (ICS + IXIT). Errors raise LoadError with .file, .line and .errors.");
  m.def("run", &RunPy, py::arg("iut"), py::arg("cases") = py::none(), py::arg("out") = py::none(),
        py::arg("time_scale") = 1.0, py::arg("jobs") = 1, py::arg("seed") = 1,
        py::arg("faults") = std::vector<std::string>{}, py::arg("relay") = true, py::arg("record") = true,
        py::arg("listener") = py::none(), py::arg("expect_failures") = py::none(),
        py::arg("requirements") = std::vector<std::string>{}, py::arg("ets") = std::vector<std::string>{},
        py::arg("testcases") = py::none(), py::arg("shard") = py::none(), py::arg("console") = false,
        py::arg("requirement_table") = py::none(),
        R"doc(Runs cases against an IUT as `lwm2m-harness run` does; returns a RunResult.

cases: Case objects from load_cases(), or globs (str or list) selected as --cases does, with
requirements/ets/shard as --requirement/--ets/--shard; only cases of the IUT's role run. out: the
report folder (report.json, junit.xml, report.html, summary.md, one folder per case with
capture.pcapng); None writes nothing. listener: an object with any of on_run_start(run),
on_case_start(case), on_step(case, step), on_case_end(case), on_run_end(run), or a callable
(event, payload). The GIL is released while cases run. Ctrl-C ends the current case, writes the
reports marked interrupted and raises KeyboardInterrupt.)doc");
}

}  // namespace lwm2m::py_binding
