// control.h: the line-oriented JSON control channel of `lwm2m-ref-server`: one JSON object per
// line in, one per line out. Commands drive the DM/IR verbs of Lwm2mServer (Core TS 1.2 §6.3,
// §6.4); events (registrations, notifications, bootstrap steps) become {"event":...} lines.
//   ControlChannel ch(server);
//   ch.HandleLine(R"({"id":1,"cmd":"list"})");   // {"id":1,"ok":true,"clients":[...]}
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "reference-server/bootstrap_server.h"
#include "reference-server/server.h"

namespace lwm2m::refserver {

using ControlJson = nlohmann::ordered_json;  // keys stay in the order written

class ControlChannel {
 public:
  explicit ControlChannel(Lwm2mServer& server, BootstrapServer* bootstrap = nullptr)
      : server_(server), bootstrap_(bootstrap) {}

  // Executes one command line (blocking up to its timeout_ms) and returns the reply object;
  // malformed input gives {"ok":false,"error":...}, never an exception.
  ControlJson Handle(const ControlJson& command);
  std::string HandleLine(std::string_view line);  // the reply, one line without '\n'
  bool shutdown_requested() const { return shutdown_; }

  static ControlJson EventJson(const ServerEvent& e);
  static ControlJson EventJson(const BootstrapEvent& e);
  static ControlJson RegistrationJson(const Registration& r);
  static ControlJson ResultJson(const OperationResult& r);
  static ControlJson RecordJson(const Record& r);
  // {"path":"/3/0/1","type":"String","value":"x"}; without "type": a JSON string is a String,
  // an integer an Integer, a fraction a Float, true/false a Boolean. Opaque values are base64.
  static Result<Record> RecordFromJson(const ControlJson& j);

  // The commands with one example each, for --help.
  static std::string_view Help();

 private:
  ControlJson Dispatch(const std::string& cmd, const ControlJson& c);

  Lwm2mServer& server_;
  BootstrapServer* bootstrap_;
  bool shutdown_ = false;
};

}  // namespace lwm2m::refserver
