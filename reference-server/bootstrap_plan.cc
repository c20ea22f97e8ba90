// bootstrap_plan.cc: Bootstrap plans from YAML (yaml-cpp) and the standard plan builders.
#include "reference-server/bootstrap_plan.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace lwm2m::refserver {
namespace {

// Thrown inside this file only, turned into a Status at the API boundary.
struct PlanError {
  std::string message;
};

std::string Where(std::string_view source, const YAML::Mark& m) {
  if (m.is_null()) return std::string(source);
  return std::string(source) + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

[[noreturn]] void Fail(std::string_view source, const YAML::Node& n, const std::string& what) {
  throw PlanError{Where(source, n.Mark()) + ": " + what};
}

std::string Scalar(std::string_view source, const YAML::Node& n, std::string_view what) {
  if (!n.IsScalar()) Fail(source, n, std::string(what) + " must be a scalar");
  return n.Scalar();
}

Path ParsePathNode(std::string_view source, const YAML::Node& n, std::string_view what) {
  std::string text = Scalar(source, n, what);
  auto p = Path::Parse(text);
  if (!p) Fail(source, n, std::string(what) + " '" + text + "': " + p.status().message());
  return *p;
}

uint16_t ParseIdNode(std::string_view source, const YAML::Node& n, std::string_view what) {
  std::string text = Scalar(source, n, what);
  auto id = ParseId(text);
  if (!id) Fail(source, n, std::string(what) + " '" + text + "': " + id.status().message());
  return *id;
}

ContentFormat ParseFormatNode(std::string_view source, const YAML::Node& n) {
  std::string text = Scalar(source, n, "content format");
  auto f = ParseContentFormat(text);
  if (!f || !FindContentFormat(*f)) Fail(source, n, "unknown content format '" + text + "'");
  return *f;
}

bool IsPlainScalar(const YAML::Node& n) { return n.Tag() == "?"; }

Value UntypedValue(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (IsPlainScalar(n)) {
    if (s == "true" || s == "false") return Value::Boolean(s == "true");
    if (auto v = Value::FromText(s, DataType::kInteger)) return *v;
    if (auto v = Value::FromText(s, DataType::kFloat); v && s.find_first_of(".eE") != std::string::npos) return *v;
  }
  return Value::String(s);
}

// One value of type `type` from a YAML node (scalar, or {hex:}/{base64:} for Opaque).
Value TypedValue(std::string_view source, const YAML::Node& n, DataType type, const std::string& path) {
  if (n.IsMap()) {
    if (type != DataType::kOpaque && type != DataType::kNone)
      Fail(source, n, path + ": a {hex:}/{base64:} map is only for Opaque resources");
    if (n["hex"]) {
      auto b = HexDecode(Scalar(source, n["hex"], "hex"));
      if (!b) Fail(source, n["hex"], path + ": " + b.status().message());
      return Value::Opaque(*b);
    }
    if (n["base64"]) {
      auto b = Base64Decode(Scalar(source, n["base64"], "base64"));
      if (!b) Fail(source, n["base64"], path + ": " + b.status().message());
      return Value::Opaque(*b);
    }
    Fail(source, n, path + ": expected {hex: ...} or {base64: ...}");
  }
  if (!n.IsScalar()) Fail(source, n, path + ": expected a value");
  const std::string& s = n.Scalar();
  switch (type) {
    case DataType::kNone: return UntypedValue(n);
    case DataType::kOpaque: return Value::Opaque(Bytes(s.begin(), s.end()));
    case DataType::kString: return Value::String(s);
    case DataType::kBoolean:
      if (s == "true" || s == "1") return Value::Boolean(true);
      if (s == "false" || s == "0") return Value::Boolean(false);
      Fail(source, n, path + ": '" + s + "' is no Boolean (true/false)");
    default: {
      auto v = Value::FromText(s, type);
      if (!v) Fail(source, n, path + ": '" + s + "' is no " + std::string(DataTypeName(type)) + ": " + v.status().message());
      return *v;
    }
  }
}

// Records of one resource: a scalar, a list (instances 0..n-1) or {riid: value}.
void ResourceRecords(std::string_view source, const YAML::Node& n, const Path& path, const ModelRegistry* models,
                     std::vector<Record>& out) {
  const ResourceModel* rm = models ? models->FindResource(path) : nullptr;
  DataType type = rm ? rm->type : DataType::kNone;
  if (n.IsSequence() || (n.IsMap() && !n["hex"] && !n["base64"])) {
    if (rm && !rm->multiple) Fail(source, n, path.ToString() + " (" + rm->name + ") is a Single Resource");
    if (n.IsSequence()) {
      if (n.size() > Path::kMaxId) Fail(source, n, path.ToString() + ": too many instances");
      for (size_t i = 0; i < n.size(); ++i) {
        Path p = path.Child(static_cast<uint16_t>(i));
        out.push_back({p, TypedValue(source, n[i], type, p.ToString())});
      }
    } else {
      for (const auto& kv : n) {
        Path p = path.Child(ParseIdNode(source, kv.first, "resource instance id"));
        out.push_back({p, TypedValue(source, kv.second, type, p.ToString())});
      }
    }
    return;
  }
  if (rm && rm->multiple) Fail(source, n, path.ToString() + " (" + rm->name + ") is a Multiple Resource: give a list");
  out.push_back({path, TypedValue(source, n, type, path.ToString())});
}

void InstanceRecords(std::string_view source, const YAML::Node& values, const Path& instance,
                     const ModelRegistry* models, std::vector<Record>& out) {
  if (!values.IsMap()) Fail(source, values, instance.ToString() + ": values must be a map {resource id: value}");
  if (values.size() == 0) {
    out.push_back({instance, Value()});  // an empty Object Instance
    return;
  }
  for (const auto& kv : values)
    ResourceRecords(source, kv.second, instance.Child(ParseIdNode(source, kv.first, "resource id")), models, out);
}

BootstrapStep ParseWrite(std::string_view source, const YAML::Node& w, const ModelRegistry* models) {
  if (!w.IsMap()) Fail(source, w, "write: expected {path:, values:|value:|instances:}");
  if (!w["path"]) Fail(source, w, "write: missing path");
  for (const auto& kv : w) {
    std::string key = Scalar(source, kv.first, "write key");
    if (key != "path" && key != "values" && key != "value" && key != "instances" && key != "format")
      Fail(source, kv.first, "write: unknown key '" + key + "' (path, values, value, instances, format)");
  }
  BootstrapStep s;
  s.kind = BootstrapStepKind::kWrite;
  s.path = ParsePathNode(source, w["path"], "write path");
  if (w["format"]) s.format = ParseFormatNode(source, w["format"]);
  switch (s.path.level()) {
    case Path::Level::kRoot:
      Fail(source, w["path"], "Bootstrap-Write targets /o, /o/i or /o/i/r, not / (Core TS 1.2 §6.1.7.5)");
    case Path::Level::kObject: {
      const YAML::Node inst = w["instances"];
      if (!inst || !inst.IsMap()) Fail(source, w, "write on an Object needs instances: {id: {resource: value}}");
      for (const auto& kv : inst)
        InstanceRecords(source, kv.second, s.path.Child(ParseIdNode(source, kv.first, "instance id")), models,
                        s.records);
      break;
    }
    case Path::Level::kObjectInstance:
      if (!w["values"]) Fail(source, w, "write on an Object Instance needs values: {resource id: value}");
      InstanceRecords(source, w["values"], s.path, models, s.records);
      break;
    case Path::Level::kResource:
      if (!w["value"]) Fail(source, w, "write on a Resource needs value:");
      ResourceRecords(source, w["value"], s.path, models, s.records);
      break;
    case Path::Level::kResourceInstance: {
      if (!w["value"]) Fail(source, w, "write on a Resource Instance needs value:");
      const ResourceModel* rm = models ? models->FindResource(s.path) : nullptr;
      s.records.push_back({s.path, TypedValue(source, w["value"], rm ? rm->type : DataType::kNone, s.path.ToString())});
      break;
    }
  }
  return s;
}

BootstrapStep ParseStep(std::string_view source, const YAML::Node& n, const ModelRegistry* models) {
  BootstrapStep s;
  if (n.IsScalar()) {
    if (n.Scalar() != "finish") Fail(source, n, "unknown step '" + n.Scalar() + "' (discover, read, delete, write, finish)");
    s.kind = BootstrapStepKind::kFinish;
  } else if (n.IsMap() && n.size() == 1) {
    std::string key = Scalar(source, n.begin()->first, "step");
    const YAML::Node arg = n.begin()->second;
    auto path_of = [&](const YAML::Node& a) {
      if (a.IsNull()) return Path();
      if (a.IsMap()) {
        if (!a["path"]) Fail(source, a, key + ": missing path");
        return ParsePathNode(source, a["path"], key + " path");
      }
      return ParsePathNode(source, a, key + " path");
    };
    // `unchecked: true` keeps a target the TS forbids, for negative tests (the client should refuse it).
    const bool unchecked = arg.IsMap() && arg["unchecked"] && arg["unchecked"].IsScalar() &&
                           arg["unchecked"].Scalar() == "true";
    if (key == "discover") {
      s.kind = BootstrapStepKind::kDiscover;
      s.path = path_of(arg);
      if (s.path.level() > Path::Level::kObject && !unchecked)
        Fail(source, n, "Bootstrap-Discover targets / or /o (Core TS 1.2 §6.1.7.3)");
    } else if (key == "read") {
      s.kind = BootstrapStepKind::kRead;
      s.path = path_of(arg);
      if (arg.IsMap() && arg["accept"]) s.format = ParseFormatNode(source, arg["accept"]);
      // LwM2M 1.2 allows Bootstrap-Read on the Server and Access Control Objects only, at Object or
      // Object Instance level (Core TS 1.2 §6.1.7.4; 1.1 allowed /2 only), as lwm2m/operation.cc checks.
      auto oid = s.path.object_id();
      if (!unchecked && (!oid || (*oid != 1 && *oid != 2) || s.path.level() > Path::Level::kObjectInstance))
        Fail(source, n, "Bootstrap-Read targets /1, /2 or one of their instances (Core TS 1.2 §6.1.7.4); "
                        "add unchecked: true to send it anyway");
    } else if (key == "delete") {
      s.kind = BootstrapStepKind::kDelete;
      s.path = path_of(arg);
      if (s.path.level() > Path::Level::kObjectInstance && !unchecked)
        Fail(source, n, "Bootstrap-Delete targets /, /o or /o/i (Core TS 1.2 §6.1.7.6)");
    } else if (key == "write") {
      s = ParseWrite(source, arg, models);
    } else if (key == "finish") {
      s.kind = BootstrapStepKind::kFinish;
    } else {
      Fail(source, n, "unknown step '" + key + "' (discover, read, delete, write, finish)");
    }
  } else {
    Fail(source, n, "a step is `finish` or a map with one key (discover, read, delete, write)");
  }
  s.origin = Where(source, n.Mark());
  return s;
}

BootstrapEndpointPlan ParseEndpoint(std::string_view source, const std::string& name, const YAML::Node& n,
                                    const ModelRegistry* models) {
  BootstrapEndpointPlan p;
  p.endpoint = name;
  p.origin = Where(source, n.Mark());
  if (!n.IsMap()) Fail(source, n, "endpoint '" + name + "': expected a map with steps:");
  for (const auto& kv : n) {
    std::string key = Scalar(source, kv.first, "endpoint key");
    if (key == "content-format") {
      p.content_format = ParseFormatNode(source, kv.second);
    } else if (key == "lwm2m-version") {
      p.lwm2m_version = Scalar(source, kv.second, "lwm2m-version");
      if (p.lwm2m_version != "1.0" && p.lwm2m_version != "1.1" && p.lwm2m_version != "1.2")
        Fail(source, kv.second, "lwm2m-version must be 1.0, 1.1 or 1.2");
    } else if (key == "psk-identity") {
      p.psk_identity = Scalar(source, kv.second, "psk-identity");
    } else if (key == "steps") {
      if (!kv.second.IsSequence()) Fail(source, kv.second, "steps must be a list");
      for (const auto& st : kv.second) p.steps.push_back(ParseStep(source, st, models));
    } else {
      Fail(source, kv.first, "unknown key '" + key + "' (content-format, lwm2m-version, psk-identity, steps)");
    }
  }
  if (!n["steps"]) Fail(source, n, "endpoint '" + name + "' has no steps");
  return p;
}

}  // namespace

std::string_view BootstrapStepName(BootstrapStepKind k) {
  switch (k) {
    case BootstrapStepKind::kDiscover: return "discover";
    case BootstrapStepKind::kRead: return "read";
    case BootstrapStepKind::kDelete: return "delete";
    case BootstrapStepKind::kWrite: return "write";
    case BootstrapStepKind::kFinish: return "finish";
  }
  return "?";
}

BootstrapStep BootstrapStep::Discover(Path path) {
  BootstrapStep s;
  s.kind = BootstrapStepKind::kDiscover;
  s.path = std::move(path);
  return s;
}
BootstrapStep BootstrapStep::Read(Path path, std::optional<ContentFormat> accept) {
  BootstrapStep s;
  s.kind = BootstrapStepKind::kRead;
  s.path = std::move(path);
  s.format = accept;
  return s;
}
BootstrapStep BootstrapStep::Delete(Path path) {
  BootstrapStep s;
  s.kind = BootstrapStepKind::kDelete;
  s.path = std::move(path);
  return s;
}
BootstrapStep BootstrapStep::Write(Path path, std::vector<Record> records, std::optional<ContentFormat> format) {
  BootstrapStep s;
  s.kind = BootstrapStepKind::kWrite;
  s.path = std::move(path);
  s.records = std::move(records);
  s.format = format;
  return s;
}
BootstrapStep BootstrapStep::Finish() { return {}; }

std::vector<Record> BootstrapEndpointPlan::WriteRecords() const {
  std::vector<Record> out;
  for (const auto& s : steps)
    if (s.kind == BootstrapStepKind::kWrite) out.insert(out.end(), s.records.begin(), s.records.end());
  return out;
}

const BootstrapEndpointPlan* BootstrapPlan::Find(std::string_view endpoint) const {
  auto it = endpoints.find(std::string(endpoint));
  return it == endpoints.end() ? nullptr : &it->second;
}

Result<BootstrapPlan> LoadBootstrapPlanYaml(std::string_view yaml, std::string_view source,
                                            const ModelRegistry* models) {
  if (models == nullptr) models = &ModelRegistry::Builtin();
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap() || !root["endpoints"]) Fail(source, root, "a bootstrap plan needs a top-level `endpoints:` map");
    for (const auto& kv : root) {
      std::string key = Scalar(source, kv.first, "top-level key");
      if (key != "endpoints") Fail(source, kv.first, "unknown top-level key '" + key + "' (endpoints)");
    }
    const YAML::Node eps = root["endpoints"];
    if (!eps.IsMap()) Fail(source, eps, "endpoints must be a map {name: {steps: [...]}}");
    BootstrapPlan plan;
    for (const auto& kv : eps) {
      std::string name = Scalar(source, kv.first, "endpoint name");
      if (plan.endpoints.count(name)) Fail(source, kv.first, "endpoint '" + name + "' appears twice");
      plan.Add(ParseEndpoint(source, name, kv.second, models));
    }
    return plan;
  } catch (const PlanError& e) {
    return BadRequest(e.message);
  } catch (const YAML::Exception& e) {
    return BadRequest(Where(source, e.mark) + ": " + e.msg);
  }
}

Result<BootstrapPlan> LoadBootstrapPlanFile(const std::string& path, const ModelRegistry* models) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open the bootstrap plan");
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadBootstrapPlanYaml(ss.str(), path, models);
}

std::vector<Record> SecurityInstanceRecords(const DmServerAccount& a) {
  Path i{0, a.security_instance};
  std::vector<Record> r;
  r.push_back({i.Child(0), Value::String(a.server_uri)});
  r.push_back({i.Child(1), Value::Boolean(false)});
  r.push_back({i.Child(2), Value::Integer(static_cast<int>(a.security_mode))});
  if (a.security_mode == SecurityModeValue::kPsk) {
    r.push_back({i.Child(3), Value::Opaque(Bytes(a.psk_identity.begin(), a.psk_identity.end()))});
    r.push_back({i.Child(5), Value::Opaque(a.psk_key)});
  }
  r.push_back({i.Child(10), Value::Integer(a.short_server_id)});
  return r;
}

std::vector<Record> ServerInstanceRecords(const DmServerAccount& a) {
  Path i{1, a.server_instance};
  return {{i.Child(0), Value::Integer(a.short_server_id)},
          {i.Child(1), Value::UnsignedInteger(a.lifetime)},
          {i.Child(6), Value::Boolean(a.notification_storing)},
          {i.Child(7), Value::String(a.binding)}};
}

std::vector<Record> BootstrapAccountRecords(const BootstrapServerAccount& a) {
  Path i{0, a.security_instance};
  std::vector<Record> r;
  r.push_back({i.Child(0), Value::String(a.server_uri)});
  r.push_back({i.Child(1), Value::Boolean(true)});
  r.push_back({i.Child(2), Value::Integer(static_cast<int>(a.security_mode))});
  if (a.security_mode == SecurityModeValue::kPsk) {
    r.push_back({i.Child(3), Value::Opaque(Bytes(a.psk_identity.begin(), a.psk_identity.end()))});
    r.push_back({i.Child(5), Value::Opaque(a.psk_key)});
  }
  if (a.client_hold_off_time) r.push_back({i.Child(11), Value::Integer(*a.client_hold_off_time)});
  if (a.account_timeout) r.push_back({i.Child(12), Value::Integer(*a.account_timeout)});
  return r;
}

BootstrapEndpointPlan StandardDmServerPlan(std::string endpoint, const DmServerAccount& account) {
  BootstrapEndpointPlan p;
  p.endpoint = std::move(endpoint);
  p.steps.push_back(BootstrapStep::Delete(Path()));
  p.steps.push_back(BootstrapStep::Write(Path{0, account.security_instance}, SecurityInstanceRecords(account)));
  p.steps.push_back(BootstrapStep::Write(Path{1, account.server_instance}, ServerInstanceRecords(account)));
  p.steps.push_back(BootstrapStep::Finish());
  return p;
}

void AddBootstrapCredentialRotation(BootstrapEndpointPlan& plan, const BootstrapServerAccount& new_account) {
  auto at = plan.steps.end();
  for (auto it = plan.steps.begin(); it != plan.steps.end(); ++it)
    if (it->kind == BootstrapStepKind::kFinish) {
      at = it;
      break;
    }
  plan.steps.insert(at, BootstrapStep::Write(Path{0, new_account.security_instance},
                                             BootstrapAccountRecords(new_account)));
}

}  // namespace lwm2m::refserver
