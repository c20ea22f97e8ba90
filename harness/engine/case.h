// case.h: one conformance test case as loaded from its YAML file (DESIGN.md "Test case files"):
// header (id, ETS id, requirement labels, IUT role, required ICS features), setup, steps in the
// step vocabulary of both roles, and the mutants (deliberate IUT faults the case must detect).
//   Result<Case> c = LoadCase("testcases/registration/register.yaml", diags);
//   for (const Step& s : c->steps) std::cout << s.loc.ToString() << " " << s.Title() << "\n";
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/attributes.h"
#include "lwm2m/content_format.h"
#include "lwm2m/operation.h"

namespace lwm2m::engine {

using Duration = std::chrono::milliseconds;

struct SourceLoc {
  std::string file;
  int line = 0, col = 0;  // 1-based; 0 unknown
  std::string ToString() const;  // "file:line:col"
};

enum class IutRole : uint8_t { kClient, kServer, kBootstrapServer };
const char* IutRoleName(IutRole r);  // "client", "server", "bootstrap-server"

// One check of an observed fact (query.ep, code, location, option.Observe, payload, value./3/0/0...).
// A scalar in YAML is kEquals; a map {not|present|absent|matches|one-of|includes|excludes}.
struct Check {
  enum class Kind : uint8_t { kEquals, kNotEquals, kPresent, kAbsent, kMatches, kOneOf, kIncludes, kExcludes };
  std::string key;
  Kind kind = Kind::kEquals;
  std::vector<std::string> expected;  // one value (kEquals...), several (kOneOf, kIncludes, kExcludes)
  SourceLoc loc;
};

// How the tester answers a request (expect+reply) or what it sends in a raw step.
struct Reply {
  std::optional<uint8_t> code;
  bool reset = false;    // answer with RST
  bool silence = false;  // send nothing at all
  std::vector<std::pair<uint16_t, std::string>> options;  // option number -> text value
  std::optional<std::string> location;                    // Location-Path "/rd/x"
  std::optional<std::string> payload;                     // text
  std::optional<ContentFormat> content_format;
};

// The operation a `send` step performs (tester -> IUT), with its parameters as written.
struct SendSpec {
  OperationKind op = OperationKind::kRead;
  std::string path = "/";                 // may hold {variables}
  std::vector<std::string> paths;         // composites
  std::optional<ContentFormat> accept, format;
  std::vector<std::pair<std::string, std::string>> values;  // path -> text value (Write/Create/composite)
  std::vector<std::string> attributes;   // "pmin=1", "pmax=3" (Observe, Write-Attributes)
  std::string arguments;                 // Execute
  std::optional<uint8_t> depth;          // Discover
  bool partial = false;                  // Write: POST (partial update) instead of PUT
  // Registration interface (server IUT): query items as written ("ep={iut.endpoint}", "lt=30").
  std::vector<std::string> query;
  std::optional<std::string> payload;    // raw text payload (links for Register)
  std::optional<std::string> payload_hex;
  bool confirmable = true;
};

// Expectations on the response to a `send` (or `raw`) step.
struct ResponseExpect {
  std::optional<uint8_t> code;
  std::vector<uint8_t> codes;  // one-of
  std::optional<ContentFormat> content_format;
  std::optional<bool> decodes;
  bool reset = false;     // expect RST
  bool none = false;      // expect no response at all (within the step's bound)
  std::vector<Check> checks;
};

struct NotificationSpec {
  int count = 1;
  std::optional<double> pmin_s, pmax_s;  // interval bounds between notifications
  double tolerance_s = 0.5;
  std::optional<bool> edge;              // rising (true) / falling (false) on the observed Boolean
  std::vector<Check> checks;             // on each notification
  std::string of = "observe";            // the capture name of the observe step
};


enum class StepKind : uint8_t {
  kExpectRequest,   // expect: {op, within} + check + reply
  kSend,            // send: {op ...} + expect: {code...}
  kRaw,             // raw: CoAP as written + expect
  kNotifications,   // notifications: {count, pmin, pmax, tolerance, edge, within}
  kAction,          // action: register (upper tester)
  kWire,            // wire: {drop: 2} (fault on the relay)
  kWait,            // wait: {event: deregistered, within: 5s}
  kState,           // state: {cmd: ..., expect: {...}} via the IUT's control channel
};
const char* StepKindName(StepKind k);

struct Step {
  int index = 0;  // 1-based
  SourceLoc loc;
  StepKind kind = StepKind::kExpectRequest;
  std::string title;               // "expect register", "send read /3/0"
  std::string as;                  // capture name for variables, default the op key
  Duration within{0};              // bound (before --time-scale); 0: the kind's default
  std::vector<std::string> requirements;  // extra labels of this step

  // kExpectRequest
  std::optional<OperationKind> expect_op;
  std::vector<Check> checks;
  std::optional<Reply> reply;
  // kSend / kRaw
  SendSpec send;
  ResponseExpect response;
  // kRaw: the CoAP message fields as written
  std::optional<uint8_t> raw_code;
  std::string raw_type = "CON";
  std::string raw_uri;
  // kNotifications
  NotificationSpec notifications;
  // kAction
  std::string action;
  std::map<std::string, std::string> action_args;
  // kWire: kind -> parameter ("drop" -> "2")
  std::map<std::string, std::string> wire;
  // kWait
  std::string event;  // registered, updated, deregistered, expired, notification, request, exit
  // kState
  std::string state_json;  // the command object as JSON text
};

struct Setup {
  std::string security = "nosec";  // nosec | psk
  std::string transport = "udp";   // udp | tcp
  std::optional<uint32_t> lifetime;
  bool bootstrap = false;
  std::vector<std::string> server_versions;  // tester's accepted lwm2m= versions (client IUT)
  std::map<std::string, std::string> timers; // passed to the IUT as {timer.<name>}
  std::vector<std::string> iut_faults;       // faults always on for this case
};

struct Mutant {
  std::string fault;       // reference IUT fault switch name
  std::string verdict = "FAIL";
  std::string message;     // substring of the case's reason
  SourceLoc loc;
};

struct Case {
  std::string id;  // the file name stem
  std::string file;
  std::string area;  // parent folder: registration, ...
  std::string ets;
  std::vector<std::string> requirements;
  std::string spec;
  std::string summary;
  IutRole role = IutRole::kClient;
  std::vector<std::string> requires_features;
  Setup setup;
  std::vector<Step> steps;
  std::vector<Mutant> mutants;
  SourceLoc loc;
};

}  // namespace lwm2m::engine
