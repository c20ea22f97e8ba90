// control.cc: the JSON control channel of `lwm2m-ref-server`.
#include "reference-server/control.h"

#include <cmath>
#include <set>

namespace lwm2m::refserver {
namespace {

using json = nlohmann::ordered_json;

struct CommandError {
  std::string message;
};

[[noreturn]] void Fail(std::string m) { throw CommandError{std::move(m)}; }

std::string Str(const json& c, const char* key) {
  auto it = c.find(key);
  if (it == c.end()) Fail(std::string("missing \"") + key + "\"");
  if (!it->is_string()) Fail(std::string("\"") + key + "\" must be a string");
  return it->get<std::string>();
}

Path PathArg(const json& c, const char* key = "path") {
  std::string s = Str(c, key);
  auto p = Path::Parse(s);
  if (!p.ok()) Fail(std::string("\"") + key + "\": " + p.status().message());
  return *p;
}

std::optional<ContentFormat> FormatArg(const json& c, const char* key) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null()) return std::nullopt;
  std::string s = it->is_number_unsigned() ? std::to_string(it->get<uint64_t>()) : it->is_string() ? it->get<std::string>() : "";
  auto f = ParseContentFormat(s);
  if (s.empty() || !f) Fail(std::string("\"") + key + "\": unknown content format '" + it->dump() + "'");
  return f;
}

RequestOptions Options(const json& c) {
  RequestOptions o;
  o.accept = FormatArg(c, "accept");
  o.format = FormatArg(c, "format");
  if (auto it = c.find("timeout_ms"); it != c.end()) {
    if (!it->is_number_unsigned() || it->get<uint64_t>() > 3'600'000) Fail("\"timeout_ms\" must be 0..3600000");
    o.timeout = std::chrono::milliseconds(it->get<uint64_t>());
  }
  if (auto it = c.find("payload_hex"); it != c.end()) {
    if (!it->is_string()) Fail("\"payload_hex\" must be a string");
    auto b = HexDecode(it->get<std::string>());
    if (!b.ok()) Fail("\"payload_hex\": " + b.status().message());
    o.raw_payload = *b;
  }
  if (c.value("non_confirmable", false)) o.type = CoapType::kNonConfirmable;
  return o;
}

// {"pmin":10,"gt":5} or "pmin=10&gt=5": parsed as Uri-Query items (Core TS 1.2 §5.1.2).
NotificationAttributes Attributes(const json& c) {
  auto it = c.find("attributes");
  if (it == c.end() || it->is_null()) return {};
  std::vector<std::string> queries;
  if (it->is_string()) {
    std::string s = it->get<std::string>();
    size_t start = 0;
    while (start <= s.size()) {
      size_t amp = s.find('&', start);
      std::string item = s.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      if (!item.empty()) queries.push_back(item);
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  } else if (it->is_object()) {
    for (auto& [k, v] : it->items()) {
      if (v.is_null()) queries.push_back(k);
      else if (v.is_boolean()) queries.push_back(k + "=" + (v.get<bool>() ? "1" : "0"));
      else if (v.is_string()) queries.push_back(k + "=" + v.get<std::string>());
      else if (v.is_number()) queries.push_back(k + "=" + v.dump());
      else Fail("\"attributes\"." + k + " must be a number, a string, true/false or null");
    }
  } else {
    Fail("\"attributes\" must be an object or a query string");
  }
  AttributeParseResult r = ParseNotificationAttributes(queries);
  if (r.HasErrors()) {
    for (const auto& d : r.diagnostics)
      if (d.severity == Severity::kError) Fail("\"attributes\": " + d.message);
  }
  return r.attributes;
}

Content ValuesArg(const json& c, const Path& base) {
  Content content;
  if (auto it = c.find("records"); it != c.end()) {
    if (!it->is_array()) Fail("\"records\" must be a list of {path, type, value}");
    for (const auto& j : *it) {
      auto r = ControlChannel::RecordFromJson(j);
      if (!r.ok()) Fail(r.status().message());
      content.records.push_back(*r);
    }
  } else if (auto v = c.find("value"); v != c.end()) {
    json j = {{"path", base.ToString()}, {"value", *v}};
    if (auto t = c.find("type"); t != c.end()) j["type"] = *t;
    auto r = ControlChannel::RecordFromJson(j);
    if (!r.ok()) Fail(r.status().message());
    content.records.push_back(*r);
  }
  return content;
}

json Links(const std::vector<Link>& links) {
  json out = json::array();
  for (const auto& l : links) {
    std::string s = "<" + l.target + ">";
    for (const auto& p : l.params) {
      s += ";" + p.name;
      if (p.value) s += "=" + (p.quoted ? "\"" + *p.value + "\"" : *p.value);
    }
    out.push_back(s);
  }
  return out;
}

json Diagnostics(const std::vector<Diagnostic>& ds) {
  json out = json::array();
  for (const auto& d : ds) out.push_back(d.ToString());
  return out;
}

json Reply(const Result<OperationResult>& r) {
  if (!r.ok()) return {{"ok", false}, {"error", r.status().ToString()}};
  json j = ControlChannel::ResultJson(*r);
  j["ok"] = true;
  return j;
}

}  // namespace

json ControlChannel::RecordJson(const Record& r) {
  json j = {{"path", r.path.ToString()}, {"type", std::string(DataTypeName(r.value.type()))}};
  const Value& v = r.value;
  switch (v.type()) {
    case DataType::kNone: j["value"] = nullptr; break;
    case DataType::kString:
    case DataType::kCorelnk: j["value"] = v.AsString(); break;
    case DataType::kInteger:
    case DataType::kTime: j["value"] = v.AsInteger(); break;
    case DataType::kUnsignedInteger: j["value"] = v.AsUnsigned(); break;
    case DataType::kFloat:
      if (std::isfinite(v.AsFloat())) j["value"] = v.AsFloat();
      else j["value"] = v.ToText();  // JSON has no NaN or infinity
      break;
    case DataType::kBoolean: j["value"] = v.AsBoolean(); break;
    case DataType::kOpaque:
    case DataType::kObjlnk: j["value"] = v.ToText(); break;  // base64, "3:0"
  }
  if (r.time) j["time"] = *r.time;
  return j;
}

Result<Record> ControlChannel::RecordFromJson(const json& j) {
  if (!j.is_object()) return BadRequest("a record must be an object {path, type, value}");
  auto p = j.find("path");
  if (p == j.end() || !p->is_string()) return BadRequest("a record needs \"path\" as a string");
  auto path = Path::Parse(p->get<std::string>());
  if (!path.ok()) return BadRequest("record path: " + path.status().message());
  Record r;
  r.path = *path;
  auto v = j.find("value");
  if (v == j.end()) return BadRequest("record " + r.path.ToString() + " needs \"value\"");
  auto t = j.find("type");
  if (t != j.end()) {
    if (!t->is_string()) return BadRequest("record " + r.path.ToString() + ": \"type\" must be a string");
    auto type = ParseDataType(t->get<std::string>());
    if (!type) return BadRequest("record " + r.path.ToString() + ": unknown type '" + t->get<std::string>() + "'");
    Value given;
    if (v->is_string()) {
      auto parsed = Value::FromText(v->get<std::string>(), *type);
      if (!parsed.ok()) return BadRequest("record " + r.path.ToString() + ": " + parsed.status().message());
      r.value = *parsed;
      return r;
    }
    if (v->is_boolean()) given = Value::Boolean(v->get<bool>());
    else if (v->is_number_unsigned()) given = Value::UnsignedInteger(v->get<uint64_t>());
    else if (v->is_number_integer()) given = Value::Integer(v->get<int64_t>());
    else if (v->is_number_float()) given = Value::Float(v->get<double>());
    else if (v->is_null() && *type == DataType::kNone) given = Value();
    else return BadRequest("record " + r.path.ToString() + ": value " + v->dump() + " does not fit the type");
    auto conv = given.ConvertTo(*type);
    if (!conv.ok()) return BadRequest("record " + r.path.ToString() + ": " + conv.status().message());
    r.value = *conv;
    return r;
  }
  if (v->is_string()) r.value = Value::String(v->get<std::string>());
  else if (v->is_boolean()) r.value = Value::Boolean(v->get<bool>());
  else if (v->is_number_integer() && !(v->is_number_unsigned() && v->get<uint64_t>() > INT64_MAX))
    r.value = Value::Integer(v->get<int64_t>());
  else if (v->is_number_unsigned()) r.value = Value::UnsignedInteger(v->get<uint64_t>());
  else if (v->is_number_float()) r.value = Value::Float(v->get<double>());
  else return BadRequest("record " + r.path.ToString() + ": value " + v->dump() + " needs a \"type\"");
  return r;
}

json ControlChannel::RegistrationJson(const Registration& r) {
  json objects = json::array();
  for (const auto& o : r.objects)
    objects.push_back({{"id", o.id}, {"version", o.version}, {"instances", o.instances}});
  json j = {{"endpoint", r.endpoint},
            {"location", r.location},
            {"lifetime", r.lifetime_s ? json(*r.lifetime_s) : json(nullptr)},
            {"binding", r.binding},
            {"queue_mode", r.queue_mode},
            {"version", r.version},
            {"transport", std::string(coap::TransportName(r.transport))},
            {"remote", r.remote.ToString()},
            {"objects", objects}};
  if (!r.psk_identity.empty()) j["psk_identity"] = r.psk_identity;
  if (!r.certificate_cn.empty()) j["certificate_cn"] = r.certificate_cn;
  return j;
}

json ControlChannel::ResultJson(const OperationResult& r) {
  json records = json::array();
  for (const auto& rec : r.content.records) records.push_back(RecordJson(rec));
  json j = {{"code", CoapCodeString(r.code)}, {"success", r.success()}, {"records", records},
            {"diagnostics", Diagnostics(r.diagnostics)}};
  if (!r.content.links.empty()) j["links"] = Links(r.content.links);
  if (r.content_format) j["content_format"] = ContentFormatLabel(static_cast<uint16_t>(*r.content_format));
  if (r.created) j["created"] = r.created->ToString();
  if (!r.token.empty()) j["token"] = HexEncode(r.token);
  if (r.observe) j["observe"] = *r.observe;
  if (r.content.records.empty() && r.content.links.empty() && !r.response.payload.empty())
    j["payload_hex"] = HexEncode(r.response.payload);
  return j;
}

json ControlChannel::EventJson(const ServerEvent& e) {
  json j = {{"event", std::string(ServerEventKindName(e.kind))}, {"endpoint", e.endpoint}};
  if (!e.location.empty()) j["location"] = e.location;
  if (e.registration) j["registration"] = RegistrationJson(*e.registration);
  switch (e.kind) {
    case ServerEventKind::kNotification:
    case ServerEventKind::kSend: {
      json records = json::array();
      for (const auto& rec : e.content.records) records.push_back(RecordJson(rec));
      j["records"] = records;
      if (!e.token.empty()) j["token"] = HexEncode(e.token);
      if (e.kind == ServerEventKind::kNotification) j["path"] = e.path.ToString();
      if (e.observe) j["observe"] = *e.observe;
      if (e.out_of_order) j["out_of_order"] = true;
      break;
    }
    case ServerEventKind::kRequest:
      j["answered"] = e.answered ? json(CoapCodeString(e.answered)) : json(nullptr);
      j["transport"] = std::string(coap::TransportName(e.transport));
      j["remote"] = e.remote.ToString();
      break;
    default: break;
  }
  if (e.kind == ServerEventKind::kRegistered && e.replaced) j["replaced"] = true;
  if (!e.diagnostics.empty()) j["diagnostics"] = Diagnostics(e.diagnostics);
  j["summary"] = e.Summary();
  return j;
}

json ControlChannel::EventJson(const BootstrapEvent& e) {
  json j = {{"event", "bootstrap-" + std::string(BootstrapEventKindName(e.kind))}, {"endpoint", e.endpoint}};
  if (e.run >= 0) j["run"] = e.run;
  if (e.step >= 0) j["step"] = e.step;
  if (e.code) j["code"] = CoapCodeString(*e.code);
  if (!e.detail.empty()) j["detail"] = e.detail;
  j["summary"] = e.ToString();
  return j;
}

std::string ControlChannel::HandleLine(std::string_view line) {
  json reply;
  try {
    json c = json::parse(line);
    reply = Handle(c);
  } catch (const json::exception& e) {
    reply = {{"ok", false}, {"error", std::string("malformed JSON: ") + e.what()}};
  }
  return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

json ControlChannel::Handle(const json& c) {
  json reply;
  json id = c.is_object() && c.contains("id") ? c["id"] : json(nullptr);
  try {
    if (!c.is_object()) Fail("a command must be a JSON object such as {\"id\":1,\"cmd\":\"list\"}");
    reply = Dispatch(Str(c, "cmd"), c);
  } catch (const CommandError& e) {
    reply = {{"ok", false}, {"error", e.message}};
  } catch (const std::exception& e) {  // nlohmann type errors and the like
    reply = {{"ok", false}, {"error", e.what()}};
  }
  json out;
  if (!id.is_null()) out["id"] = id;
  for (auto& [k, v] : reply.items()) out[k] = v;
  return out;
}

json ControlChannel::Dispatch(const std::string& cmd, const json& c) {
  if (cmd == "list") {
    json clients = json::array();
    for (const auto& r : server_.Registrations()) clients.push_back(RegistrationJson(r));
    return {{"ok", true}, {"clients", clients}};
  }
  if (cmd == "shutdown") {
    shutdown_ = true;
    return {{"ok", true}};
  }
  if (cmd == "help") return {{"ok", true}, {"help", std::string(Help())}};
  if (cmd == "bootstrap-runs") {
    if (!bootstrap_) Fail("no bootstrap server is configured");
    json runs = json::array();
    for (const auto& r : bootstrap_->runs())
      runs.push_back({{"endpoint", r.endpoint}, {"outcome", std::string(BootstrapOutcomeName(r.outcome))},
                      {"steps", r.steps.size()}, {"detail", r.detail}});
    return {{"ok", true}, {"runs", runs}};
  }
  static const std::set<std::string> kVerbs = {"read", "discover", "write", "execute", "create", "delete",
                                               "write-attributes", "observe", "cancel"};
  if (!kVerbs.count(cmd))
    Fail("unknown command '" + cmd +
         "' (list, read, discover, write, execute, create, delete, write-attributes, observe, cancel, "
         "bootstrap-runs, help, shutdown)");
  const std::string ep = Str(c, "endpoint");
  if (cmd == "read") {
    if (auto it = c.find("paths"); it != c.end()) {
      if (!it->is_array()) Fail("\"paths\" must be a list of paths");
      std::vector<Path> paths;
      for (const auto& p : *it) {
        if (!p.is_string()) Fail("\"paths\" must hold strings");
        auto path = Path::Parse(p.get<std::string>());
        if (!path.ok()) Fail("\"paths\": " + path.status().message());
        paths.push_back(*path);
      }
      return Reply(server_.ReadComposite(ep, paths, Options(c)));
    }
    return Reply(server_.Read(ep, PathArg(c), Options(c)));
  }
  if (cmd == "discover") {
    std::optional<uint8_t> depth;
    if (auto it = c.find("depth"); it != c.end()) {
      if (!it->is_number_unsigned() || it->get<uint64_t>() > 3) Fail("\"depth\" must be 0..3");
      depth = static_cast<uint8_t>(it->get<uint64_t>());
    }
    return Reply(server_.Discover(ep, PathArg(c), depth, Options(c)));
  }
  if (cmd == "write") {
    Path path = PathArg(c);
    std::string mode = c.value("mode", std::string("replace"));
    if (mode != "replace" && mode != "partial") Fail("\"mode\" must be \"replace\" or \"partial\"");
    RequestOptions o = Options(c);
    Content values = ValuesArg(c, path);
    if (values.empty() && !o.raw_payload) Fail("write needs \"value\" or \"records\"");
    return Reply(server_.Write(ep, path, values, mode == "partial" ? WriteMode::kPartialUpdate : WriteMode::kReplace, o));
  }
  if (cmd == "execute") {
    std::vector<ExecuteArgument> args;
    if (auto it = c.find("args"); it != c.end()) {
      if (!it->is_string()) Fail("\"args\" must be a string such as \"0='abc',1\"");
      auto parsed = ParseExecuteArguments(it->get<std::string>());
      if (!parsed.ok()) Fail("\"args\": " + parsed.status().message());
      args = *parsed;
    }
    return Reply(server_.Execute(ep, PathArg(c), args, Options(c)));
  }
  if (cmd == "create") {
    // Records under /o/i create instance i; a path /o with records /o/65535/r lets the client
    // assign the id where the format can say so (Core TS 1.2 §6.3.7).
    Path path = PathArg(c);
    RequestOptions o = Options(c);
    return Reply(server_.Create(ep, path, ValuesArg(c, path), o));
  }
  if (cmd == "delete") return Reply(server_.Delete(ep, PathArg(c), Options(c)));
  if (cmd == "write-attributes") return Reply(server_.WriteAttributes(ep, PathArg(c), Attributes(c), Options(c)));
  if (cmd == "observe") {
    NotificationAttributes a = Attributes(c);
    return Reply(server_.Observe(ep, PathArg(c), a, Options(c)));
  }
  if (cmd == "cancel") {
    auto token = HexDecode(Str(c, "token"));
    if (!token.ok() || token->empty()) Fail("\"token\" must be the observation's token in hex");
    std::string how = c.value("how", std::string("get"));
    if (how != "get" && how != "reset") Fail("\"how\" must be \"get\" or \"reset\"");
    RequestOptions o = Options(c);
    return Reply(server_.CancelObservation(ep, *token,
                                           how == "reset" ? coap::Session::CancelBy::kReset : coap::Session::CancelBy::kGet,
                                           o.timeout));
  }
  Fail("unknown command '" + cmd + "'");
}

std::string_view ControlChannel::Help() {
  return R"(Control commands (one JSON object per line on stdin or the control port; one reply line each):
  {"id":1,"cmd":"list"}
  {"id":2,"cmd":"read","endpoint":"node1","path":"/3/0","accept":"senml-json","timeout_ms":5000}
  {"id":3,"cmd":"read","endpoint":"node1","paths":["/3/0/0","/1/0/1"]}            (Read-Composite)
  {"id":4,"cmd":"discover","endpoint":"node1","path":"/3","depth":2}
  {"id":5,"cmd":"write","endpoint":"node1","path":"/1/0/1","value":600,"type":"Integer"}
  {"id":6,"cmd":"write","endpoint":"node1","path":"/3/0","mode":"partial","records":[{"path":"/3/0/14","value":"+02"}]}
  {"id":7,"cmd":"execute","endpoint":"node1","path":"/3/0/4","args":"0='now'"}
  {"id":8,"cmd":"create","endpoint":"node1","path":"/3303","records":[{"path":"/3303/0/5700","value":21.5}]}
  {"id":9,"cmd":"delete","endpoint":"node1","path":"/3303/0"}
  {"id":10,"cmd":"write-attributes","endpoint":"node1","path":"/3/0/9","attributes":{"pmin":10,"pmax":60}}
  {"id":11,"cmd":"observe","endpoint":"node1","path":"/3/0/9","attributes":"pmin=5"}   -> "token":"a1b2..."
  {"id":12,"cmd":"cancel","endpoint":"node1","token":"a1b2c3d4"}
  {"id":13,"cmd":"bootstrap-runs"}
  {"id":14,"cmd":"shutdown"}
Every request command takes "timeout_ms" (default 10000), "accept"/"format" (tlv, senml-json, senml-cbor,
lwm2m-cbor, text, ... or a number) and "payload_hex" (raw payload instead of encoded values).
Replies: {"id":..,"ok":true,"code":"2.05","records":[{"path":..,"type":..,"value":..}],"diagnostics":[..]}
or {"id":..,"ok":false,"error":".."}. Events arrive as {"event":"registered"|"updated"|"deregistered"|
"expired"|"notification"|"send"|"request"|"bootstrap-...",...} lines.)";
}

}  // namespace lwm2m::refserver
