// control.cc: the JSON-lines upper-tester channel of lwm2m-ref-client.
#include "reference-client/control.h"

namespace lwm2m::refclient {
namespace {

using json = ControlJson;

struct CommandError {
  std::string message;
};
[[noreturn]] void Fail(std::string m) { throw CommandError{std::move(m)}; }

std::string Str(const json& c, const char* key) {
  if (!c.contains(key) || !c[key].is_string()) Fail(std::string("\"") + key + "\" must be a string");
  return c[key].get<std::string>();
}

Path PathOf(const json& c, const char* key = "path") {
  auto p = Path::Parse(Str(c, key));
  if (!p.ok()) Fail(p.status().message());
  return *p;
}

std::optional<uint16_t> Ssid(const json& c) {
  if (!c.contains("ssid")) return std::nullopt;
  if (!c["ssid"].is_number_unsigned() || c["ssid"].get<uint64_t>() == 0 || c["ssid"].get<uint64_t>() > 65534)
    Fail("\"ssid\" must be a Short Server ID 1..65534");
  return static_cast<uint16_t>(c["ssid"].get<uint64_t>());
}

json Result(const Status& s) {
  if (s.ok()) return {{"ok", true}};
  return {{"ok", false}, {"error", s.ToString()}};
}

json ValueJson(const Value& v) {
  switch (v.type()) {
    case DataType::kString:
    case DataType::kCorelnk: return v.AsString();
    case DataType::kInteger:
    case DataType::kTime: return v.AsInteger();
    case DataType::kUnsignedInteger: return v.AsUnsigned();
    case DataType::kFloat: return v.AsFloat();
    case DataType::kBoolean: return v.AsBoolean();
    default: return v.ToText();
  }
}

// A JSON value typed by the resource's model (text forms are parsed as text/plain would be).
Value ValueFrom(const json& j, const Path& path, const DataModel& dm) {
  const ResourceModel* rm = dm.models().FindResource(path);
  if (!rm) Fail("no model for " + path.ToString());
  std::string text;
  if (j.is_string()) text = j.get<std::string>();
  else if (j.is_boolean()) text = j.get<bool>() ? "1" : "0";
  else if (j.is_number()) text = j.dump();
  else Fail("\"value\" must be a string, number or boolean");
  auto v = Value::FromText(text, rm->type);
  if (!v.ok()) Fail(path.ToString() + ": " + v.status().message());
  return *v;
}

}  // namespace

std::string_view ClientControl::Help() {
  return R"(Control channel (stdin, one JSON object per line; replies on stdout):
  {"id":1,"cmd":"register"}                      Register now (all servers, or {"ssid":101})
  {"id":2,"cmd":"update","ssid":101}             Update with the object links
  {"id":3,"cmd":"deregister"}                    De-register
  {"id":4,"cmd":"bootstrap"}                     client-initiated bootstrap
  {"id":5,"cmd":"set","path":"/3303/0/5700","value":22.5}
  {"id":6,"cmd":"get","path":"/3/0"}
  {"id":7,"cmd":"send","paths":["/3303/0/5700"]} Send (POST /dp), unless muted by /1/x/23
  {"id":8,"cmd":"register-to","ssids":[101]}     which servers to register to (null: all)
  {"id":9,"cmd":"reboot"}  {"cmd":"factory-reset"}  {"cmd":"state"}  {"cmd":"quit"}
Unknown verbs answer {"ok":false,"error":"unsupported"}; when stdin closes after only unsupported
commands the process exits 127.
)";
}

json ClientControl::EventJson(const ClientEvent& e) {
  json j{{"event", std::string(ClientEventKindName(e.kind))}};
  if (e.ssid) j["ssid"] = e.ssid;
  if (e.bootstrap) j["bootstrap"] = true;
  if (e.kind == ClientEventKind::kStateChanged) j["state"] = std::string(RegistrationStateName(e.state));
  if (e.kind == ClientEventKind::kBootstrap) j["state"] = std::string(BootstrapStateName(e.bootstrap_state));
  if (e.code) j["code"] = CoapCodeString(e.code);
  if (e.message.code) j["message"] = e.message.Summary();
  if (!e.detail.empty()) j["detail"] = e.detail;
  return j;
}

json ClientControl::StateJson(Lwm2mClient& client) {
  json regs = json::array();
  size_t observations = 0;
  for (const auto& s : client.Servers()) {
    observations += s.observations;
    regs.push_back({{"ssid", s.ssid},
                    {"state", std::string(RegistrationStateName(s.state))},
                    {"location", s.location},
                    {"lwm2m", s.version},
                    {"transport", coap::TransportName(s.transport)},
                    {"uri", s.uri},
                    {"rule", s.rule},
                    {"lifetime", s.lifetime},
                    {"binding", s.binding},
                    {"asleep", s.queue_asleep},
                    {"observations", s.observations}});
  }
  json objects = json::object();
  for (uint16_t oid : client.dm().Objects()) objects[std::to_string(oid)] = client.dm().Instances(oid);
  return {{"ok", true},
          {"endpoint", client.config().endpoint},
          {"bootstrap", std::string(BootstrapStateName(client.bootstrap_state()))},
          {"registrations", regs},
          {"observations", observations},
          {"objects", objects}};
}

std::string ClientControl::HandleLine(std::string_view line) {
  json reply;
  try {
    reply = Handle(json::parse(line));
  } catch (const json::exception& e) {
    ++handled_;
    reply = {{"ok", false}, {"error", std::string("malformed JSON: ") + e.what()}};
  }
  return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

json ClientControl::Handle(const json& c) {
  ++handled_;
  json reply;
  json id = c.is_object() && c.contains("id") ? c["id"] : json(nullptr);
  try {
    if (!c.is_object()) Fail("a command must be a JSON object such as {\"id\":1,\"cmd\":\"state\"}");
    reply = Dispatch(Str(c, "cmd"), c);
  } catch (const CommandError& e) {
    reply = {{"ok", false}, {"error", e.message}};
  } catch (const std::exception& e) {
    reply = {{"ok", false}, {"error", e.what()}};
  }
  json out;
  if (!id.is_null()) out["id"] = id;
  for (auto& [k, v] : reply.items()) out[k] = v;
  return out;
}

json ClientControl::Dispatch(const std::string& cmd, const json& c) {
  if (cmd == "register") return Result(client_.Register(Ssid(c)));
  if (cmd == "update") return Result(client_.Update(Ssid(c)));
  if (cmd == "deregister") return Result(client_.Deregister(Ssid(c)));
  if (cmd == "bootstrap") return Result(client_.Bootstrap());
  if (cmd == "reboot") return Result(client_.Reboot());
  if (cmd == "factory-reset") return Result(client_.FactoryReset());
  if (cmd == "state") return StateJson(client_);
  if (cmd == "quit") {
    quit_ = true;
    return {{"ok", true}};
  }
  if (cmd == "set") {
    Path p = PathOf(c);
    if (!c.contains("value")) Fail("set needs \"value\"");
    if (c["value"].is_array()) {
      std::map<uint16_t, Value> m;
      uint16_t i = 0;
      for (const auto& v : c["value"]) m[i++] = ValueFrom(v, p, client_.dm());
      return Result(client_.dm().SetMulti(p, m));
    }
    return Result(client_.dm().SetValue(p, ValueFrom(c["value"], p, client_.dm())));
  }
  if (cmd == "get") {
    Path p = PathOf(c);
    if (!client_.dm().Exists(p)) return {{"ok", false}, {"error", "4.04 Not Found: " + p.ToString()}};
    json values = json::array();
    for (const Record& r : client_.dm().Read(p).records)
      values.push_back({{"path", r.path.ToString()}, {"value", ValueJson(r.value)}});
    return {{"ok", true}, {"values", values}};
  }
  if (cmd == "send") {
    if (!c.contains("paths") || !c["paths"].is_array() || c["paths"].empty()) Fail("send needs \"paths\": [\"/3/0/0\"]");
    std::vector<Path> paths;
    for (const auto& p : c["paths"]) {
      if (!p.is_string()) Fail("\"paths\" must hold strings");
      auto parsed = Path::Parse(p.get<std::string>());
      if (!parsed.ok()) Fail(parsed.status().message());
      paths.push_back(*parsed);
    }
    return Result(client_.Send(paths, Ssid(c)));
  }
  if (cmd == "register-to") {
    if (!c.contains("ssids") || c["ssids"].is_null()) {
      client_.SetRegisterTo(std::nullopt);
      return {{"ok", true}};
    }
    if (!c["ssids"].is_array()) Fail("\"ssids\" must be a list or null");
    std::vector<uint16_t> ids;
    for (const auto& s : c["ssids"]) {
      if (!s.is_number_unsigned()) Fail("\"ssids\" must hold Short Server IDs");
      ids.push_back(static_cast<uint16_t>(s.get<uint64_t>()));
    }
    client_.SetRegisterTo(ids);
    return {{"ok", true}};
  }
  ++unsupported_;
  return {{"ok", false}, {"error", "unsupported"}};
}

}  // namespace lwm2m::refclient
