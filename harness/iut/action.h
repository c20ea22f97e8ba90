// action.h: upper-tester actions of the IUT description (ISO/IEC 9646 "upper tester"): make the
// IUT do something (register, reboot, set a resource, ...) through a shell command, an HTTP request
// on loopback, or the JSON-lines control channel. Exit code 127, an HTTP 501, or a reply
// {"ok":false,"error":"unsupported"} mean "this IUT does not support that" (UNSUPPORTED, not FAIL).
//   auto r = RunAction(iut, "reboot", vars, {}, 5s, process.get());
//   if (r && r->unsupported) ...   // verdict UNSUPPORTED, reason r->output
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

#include "harness/iut/iut_description.h"
#include "harness/iut/iut_process.h"
#include "harness/iut/template.h"
#include "lwm2m/result.h"

namespace lwm2m::iut {

struct ActionResult {
  bool unsupported = false;  // exit code 127, HTTP 501, or {"ok":false,"error":"unsupported..."}
  bool ok = false;           // the action succeeded (exit 0, HTTP 2xx, {"ok":true})
  int exit_code = 0;         // shell: exit code or 128+signal; http: 0 for 2xx else the status; control: 0/1
  std::string output;        // shell: stdout+stderr (first 1 MiB); http: body; control: the error text
  nlohmann::json reply;      // control: the reply object; http: the body when it is JSON
};

// Runs action `name`. Variables for shell and http templates: `vars`, plus {action}, {arg_json}
// (the merged arguments as JSON) and {arg.NAME} for each argument. Shell actions also get the
// environment LWM2M_ACTION and LWM2M_ARGS. An action the file does not describe goes to the control
// channel when the IUT has one, else it is unsupported. Errors (not verdicts about the IUT's
// support): a bad template, "command not found" from /bin/sh, a timeout (IsTimeout), a dead IUT,
// an HTTP URL that is not on loopback.
Result<ActionResult> RunAction(const IutDescription& iut, const std::string& name, const Variables& vars,
                               const nlohmann::json& args, std::chrono::milliseconds timeout, IutProcess* process);

}  // namespace lwm2m::iut
