// control.h: the JSON-lines control channel of `lwm2m-ref-client` (the upper tester): one JSON
// object per line in, one reply per line out, in the style of reference-server/control.h.
// Verbs: register, update, deregister, bootstrap, set, get, send, reboot, factory-reset, state,
// register-to, quit. An unknown verb answers {"ok":false,"error":"unsupported"}.
//   ClientControl ch(client);
//   ch.HandleLine(R"({"id":1,"cmd":"set","path":"/3303/0/5700","value":21.5})");  // {"id":1,"ok":true}
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "reference-client/client.h"

namespace lwm2m::refclient {

using ControlJson = nlohmann::ordered_json;

class ClientControl {
 public:
  explicit ClientControl(Lwm2mClient& client) : client_(client) {}

  ControlJson Handle(const ControlJson& command);
  std::string HandleLine(std::string_view line);  // the reply, one line without '\n'
  bool quit_requested() const { return quit_; }
  // Commands handled so far, and how many of them were unknown verbs (the process exits 127 when
  // stdin closes after only unsupported commands: "unsupported" is part of the contract).
  int handled() const { return handled_; }
  int unsupported() const { return unsupported_; }

  static ControlJson EventJson(const ClientEvent& e);
  static ControlJson StateJson(Lwm2mClient& client);
  static std::string_view Help();

 private:
  ControlJson Dispatch(const std::string& cmd, const ControlJson& c);

  Lwm2mClient& client_;
  bool quit_ = false;
  int handled_ = 0, unsupported_ = 0;
};

}  // namespace lwm2m::refclient
