// iut_driver.h: how the runner reaches the implementation under test, independent of how it is
// launched: a driver describes the IUT (ICS features, endpoint, credentials) and starts one
// instance per case (or reuses one); an instance reports liveness, runs upper-tester actions and
// control-channel commands, and stops. iut_process_driver.h adapts lwm2m_iut (harness/iut/) to it;
// tests use in-process fakes.
//   std::unique_ptr<IutDriver> d = MakeProcessDriver(iut_description, opts);
//   auto inst = d->Launch({{"server_uri", "coap://127.0.0.1:40001"}}, "out/case1", {"no-lwm2m-version"});
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/engine/case.h"
#include "lwm2m/result.h"

namespace lwm2m::coap {
class Context;
}

namespace lwm2m::engine {

using Vars = std::map<std::string, std::string>;

struct ActionOutcome {
  bool unsupported = false;  // exit code 127 / "unsupported" reply: the IUT cannot do this
  bool ok = false;
  std::string detail;        // output or error text
  nlohmann::json reply;      // control-channel reply, when there is one
};

class IutInstance {
 public:
  virtual ~IutInstance() = default;
  // Until the IUT says it is ready (ready_pattern), bounded. Error: why it is not.
  virtual Status WaitReady(Duration timeout) { (void)timeout; return Status::Ok(); }
  virtual bool Alive() = 0;
  virtual std::string ExitText() = 0;  // "exited with status 1", "killed by signal 11"
  // An in-process IUT's CoAP context, stepped together with the tester's (nullptr for processes).
  virtual coap::Context* context() { return nullptr; }
  // Runs an upper-tester action (`action: register`).
  virtual ActionOutcome Action(const std::string& name, const Vars& args, Duration timeout) = 0;
  // A control-channel command (JSON object) -> reply; unsupported when there is no channel.
  virtual ActionOutcome Control(const nlohmann::json& command, Duration timeout) = 0;
  virtual void Stop() = 0;
  // Relative path (in the case folder) of the IUT's log, "" if none.
  virtual std::string log_file() const { return ""; }
};

struct IutInfo {
  std::string name, file;
  IutRole role = IutRole::kClient;
  std::set<std::string> features;  // the ICS as one set ("lwm2m-1.2", "udp", "psk", "format:tlv", ...)
  std::string endpoint = "harness-node";
  std::string psk_identity, psk_key_hex;
  bool per_case = true;  // launched per case (parallel cases allowed)
  std::optional<std::string> uri;  // an already running IUT server
};

class IutDriver {
 public:
  virtual ~IutDriver() = default;
  virtual const IutInfo& info() const = 0;
  // nullopt when every required feature is in the ICS, else the first missing one.
  virtual std::optional<std::string> Missing(const std::vector<std::string>& required) const;
  // Starts the IUT for one case. `vars` are the template variables ({server_uri}, {endpoint},
  // {port}, {fault_args}, ...), `case_dir` the case's output folder (for iut.log), `faults` the
  // reference IUT's deliberate faults to switch on.
  virtual Result<std::unique_ptr<IutInstance>> Launch(const Vars& vars, const std::string& case_dir,
                                                      const std::vector<std::string>& faults) = 0;
};

}  // namespace lwm2m::engine
