// Sample runs (see sample_run.h).
#include "reports/testing/sample_run.h"

namespace lwm2m::report::testing {

namespace {

CaseResult Case(std::string id, std::string area, Verdict v) {
  CaseResult c;
  c.id = std::move(id);
  c.area = std::move(area);
  c.file = "testcases/" + c.area + "/" + c.id + ".yaml";
  c.iut_role = "client";
  c.verdict = v;
  c.duration_s = 0.25;
  c.wait_s = 0.2;
  c.capture = "cases/" + c.id + "/capture.pcapng";
  c.iut_log = "cases/" + c.id + "/iut.log";
  c.steps_json = "cases/" + c.id + "/steps.json";
  return c;
}

StepResult Step(int index, std::string title, int line, Verdict v, double start, double end) {
  StepResult s;
  s.index = index;
  s.title = std::move(title);
  s.line = line;
  s.verdict = v;
  s.start_s = start;
  s.end_s = end;
  return s;
}

WireMessage Msg(double t, const char* from, const char* to, const char* summary, uint32_t frame, bool hl = false) {
  return WireMessage{t, from, to, summary, frame, hl};
}

RequirementResult Req(std::string label, std::string area, std::string text, std::vector<std::string> cases) {
  RequirementResult q;
  q.label = std::move(label);
  q.table = area == "registration" ? "Registration Interface" : "Device Management";
  q.area = std::move(area);
  q.text = std::move(text);
  q.ts_ref = "Core TS 1.2 §6.2";
  q.cases = std::move(cases);
  return q;
}

}  // namespace

RunResult SampleRun() {
  RunResult run;
  run.tool_version = "0.1.0";
  run.started_at = "2026-11-25T14:00:00Z";
  run.finished_at = "2026-11-25T14:00:03.5Z";
  run.duration_s = 3.5;
  run.iut_name = "reference-client";
  run.iut_role = "client";
  run.iut_file = "testcases/iut/reference-client.yaml";
  run.command_line = "lwm2m-harness run --iut testcases/iut/reference-client.yaml --out out";
  run.seed = 42;
  run.time_scale = 0.1;

  CaseResult reg = Case("register-version-1.2", "registration", Verdict::kPass);
  reg.ets = "LightweightM2M-1.1-int-101";
  reg.summary = "A 1.2 client registers with lwm2m=1.2 and a link list of its objects.";
  reg.requirements = {"LightweightM2M-REG-001", "VER-COMP-002"};
  reg.steps = {Step(1, "expect register", 12, Verdict::kPass, 0.0, 0.05),
               Step(2, "reply 2.01", 14, Verdict::kPass, 0.05, 0.06)};
  reg.steps[0].frames = {1};
  reg.steps[0].file = reg.file;
  reg.steps[1].file = reg.file;
  reg.messages = {Msg(0.01, "IUT", "tester", "CON POST /rd?ep=demo&lt=30&lwm2m=1.2 [Register]", 1),
                  Msg(0.05, "tester", "IUT", "ACK 2.01 Location /rd/5", 2)};

  CaseResult upd = Case("update-on-lifetime-change", "registration", Verdict::kFail);
  upd.ets = "LightweightM2M-1.1-int-102";
  upd.summary = "Writing the lifetime makes the client send an Update with lt.";
  upd.requirements = {"LightweightM2M-REG-002"};
  upd.reason = "query.lt: expected \"45\", got \"30\"";
  upd.steps = {Step(1, "expect register", 10, Verdict::kPass, 0.0, 0.04),
               Step(2, "send write /1/0/1 = 45", 13, Verdict::kPass, 0.04, 0.08),
               Step(3, "expect update", 16, Verdict::kFail, 0.08, 0.2)};
  for (StepResult& s : upd.steps) s.file = upd.file;
  upd.steps[2].message = "the Update carries the old lifetime";
  upd.steps[2].expected = "query.lt = \"45\"";
  upd.steps[2].actual = "query.lt = \"30\"";
  upd.steps[2].frames = {5};
  upd.messages = {Msg(0.01, "IUT", "tester", "CON POST /rd?ep=demo&lt=30 [Register]", 1),
                  Msg(0.03, "tester", "IUT", "ACK 2.01 Location /rd/5", 2),
                  Msg(0.05, "tester", "IUT", "CON PUT /1/0/1 [Write] 45", 3),
                  Msg(0.06, "IUT", "tester", "ACK 2.04", 4),
                  Msg(0.12, "IUT", "tester", "CON POST /rd/5?lt=30 [Update]", 5, true),
                  Msg(0.13, "tester", "IUT", "ACK 2.04", 6)};

  CaseResult dereg = Case("deregister", "registration", Verdict::kTimeout);
  dereg.ets = "LightweightM2M-1.1-int-103";
  dereg.requirements = {"LightweightM2M-REG-003"};
  dereg.reason = "awaited a De-register (DELETE /rd/5) for 2.00 s";
  dereg.steps = {Step(1, "expect deregister", 20, Verdict::kTimeout, 0.0, 2.0)};
  dereg.steps[0].message = dereg.reason;
  dereg.expected_failure = true;
  dereg.expected_failure_reason = "issue 12: the reference client does not de-register on shutdown yet";

  CaseResult read = Case("read-device-senml-cbor", "device-management", Verdict::kPass);
  read.ets = "LightweightM2M-1.1-int-203";
  read.requirements = {"LightweightM2M-DM-001"};
  read.expected_failure = true;
  read.expected_failure_reason = "SenML CBOR was broken in 0.0.9";
  read.stale_expectation = true;
  read.steps = {Step(1, "send read /3/0", 8, Verdict::kPass, 0.0, 0.02)};

  CaseResult tcp = Case("register-over-tcp", "registration", Verdict::kUnsupported);
  tcp.requirements = {"LightweightM2M-REG-001"};
  tcp.reason = "the IUT does not support ICS feature 'tcp'";
  tcp.duration_s = 0;

  CaseResult incon = Case("observe-pmin-pmax", "information-reporting", Verdict::kInconclusive);
  incon.ets = "LightweightM2M-1.1-int-301";
  incon.reason = "only 1 notification within the window; 2 needed to judge pmin";

  CaseResult err = Case("bootstrap-psk", "bootstrap", Verdict::kError);
  err.reason = "the IUT exited with status 1 before the first step";
  err.iut_log = "cases/bootstrap-psk/iut.log";

  run.cases = {reg, upd, dereg, read, tcp, incon, err};
  run.requirements = {
      Req("LightweightM2M-REG-001", "registration", "The client registers with the endpoint name.",
          {"register-version-1.2", "register-over-tcp"}),
      Req("LightweightM2M-REG-002", "registration", "The client updates its registration on lifetime change.",
          {"update-on-lifetime-change"}),
      Req("LightweightM2M-REG-003", "registration", "The client de-registers.", {"deregister"}),
      Req("LightweightM2M-DM-001", "device-management", "The client answers Read.", {"read-device-senml-cbor"}),
      Req("LightweightM2M-DM-099", "device-management", "Manufacturer-specific behaviour.", {}),
  };
  run.requirements.back().testable = false;
  run.requirements.back().not_testable_reason = "depends on the manufacturer";
  run.requirements[0].discrepancy = "the TS also allows the endpoint name to be omitted (Core TS 1.2 §6.2.1)";
  run.requirements[0].verdict = RequirementVerdict::kPass;
  run.requirements[1].verdict = RequirementVerdict::kFail;
  run.requirements[2].verdict = RequirementVerdict::kFail;
  run.requirements[3].verdict = RequirementVerdict::kPass;
  ComputeTotals(run);
  return run;
}

std::string HostileString() {
  return std::string("</script><script>alert(1)</script> ]]> <![CDATA[x]]> \x01\x1b[31m \xff\xfe & \"' |`*_ ") +
         std::string(1, '\0') + " end";
}

RunResult HostileRun() {
  RunResult run = SampleRun();
  std::string h = HostileString();
  run.iut_name = h;
  run.command_line = h;
  run.interrupt_reason = h;
  for (CaseResult& c : run.cases) {
    c.summary = h;
    c.reason = h;
    c.area = c.area + h;
    c.requirements.push_back(h);
    c.capture = "javascript:alert(1)//" + h;
    for (StepResult& s : c.steps) {
      s.title = h;
      s.message = h;
      s.expected = h;
      s.actual = h;
    }
    for (WireMessage& m : c.messages) m.summary = h;
  }
  run.cases[0].id = "id-" + h;
  for (RequirementResult& q : run.requirements) {
    q.text = h;
    q.discrepancy = h;
  }
  return run;
}

}  // namespace lwm2m::report::testing
