#include "reference-client/dm/data_model.h"

#include <algorithm>
#include <set>

#include "lwm2m/codec/codec.h"
#include "lwm2m/codec/link_format.h"
#include "lwm2m/operation.h"
#include "reference-client/dm/format.h"
#include "reference-client/dm/observation.h"

namespace lwm2m::refclient {
namespace {

struct ResourceData {
  bool multiple = false;
  Value value;
  std::map<uint16_t, Value> instances;
};

struct InstanceData {
  std::map<uint16_t, ResourceData> resources;
  ProvisioningSource source = ProvisioningSource::kLocal;
};

struct ObjectData {
  std::optional<std::string> version;
  bool enabled = false;
  std::map<uint16_t, InstanceData> instances;
};

// Access Control Object rights (Core TS 1.2 §7.3.1 / Object 2 ACL resource bits).
enum AclRight : uint8_t { kAclRead = 1, kAclWrite = 2, kAclExecute = 4, kAclDelete = 8, kAclCreate = 16 };

// BOOT-PROV-001/002: the priority of provisioning sources for /0 and /1 instances. The Bootstrap
// Sequence of Core TS 1.2 §6.1.3 tries Bootstrap from Smartcard first, then Factory Bootstrap,
// then Client/Server Initiated Bootstrap; and the Security Object's description (0.xml) lets only
// a Bootstrap-Server or Bootstrap from Smartcard change /0. We therefore rank
// Smartcard > Bootstrap-Server > Factory; a lower source cannot overwrite or delete a higher one's
// instance. kServer and kLocal are not provisioning sources (0): DM writes go through access
// control, and local configuration (the device itself) is never refused.
int Priority(ProvisioningSource s) {
  switch (s) {
    case ProvisioningSource::kSmartCard: return 3;
    case ProvisioningSource::kBootstrapServer: return 2;
    case ProvisioningSource::kFactory: return 1;
    default: return 0;
  }
}

std::string_view SourceName(ProvisioningSource s) {
  switch (s) {
    case ProvisioningSource::kFactory: return "factory";
    case ProvisioningSource::kSmartCard: return "smartcard";
    case ProvisioningSource::kBootstrapServer: return "bootstrap-server";
    case ProvisioningSource::kServer: return "server";
    case ProvisioningSource::kLocal: return "local";
  }
  return "?";
}

bool Readable(const ResourceModel& rm) {
  return rm.operations == Operations::kRead || rm.operations == Operations::kReadWrite;
}
bool Writable(const ResourceModel& rm) {
  return rm.operations == Operations::kWrite || rm.operations == Operations::kReadWrite;
}

Path P2(uint16_t o, uint16_t i) { return Path{o, i}; }
Path P3(uint16_t o, uint16_t i, uint16_t r) { return Path{o, i, r}; }

CoapMessage Reply(const CoapMessage& req, uint8_t code) {
  CoapMessage m;
  m.type = req.type == CoapType::kConfirmable ? CoapType::kAcknowledgement : CoapType::kNonConfirmable;
  m.code = code;
  m.message_id = req.message_id;
  m.token = req.token;
  return m;
}

CoapMessage ErrorReply(const CoapMessage& req, const Status& s) {
  CoapMessage m = Reply(req, s.ok() ? CoapCode::kBadRequest : static_cast<uint8_t>(s.code()));
  // RFC 7252 §5.5.2: a diagnostic payload, no Content-Format.
  m.payload.assign(s.message().begin(), s.message().end());
  return m;
}

// Core object versions a client implies without `ver` (Leshan LwM2mCoreObjectVersionRegistry for
// 1.0/1.1; Core TS 1.2.2 Table E-1 for 1.2, see research notes §2.1, unverified). Others: 1.0.
std::string ImpliedVersion(std::string_view enabler, uint16_t oid) {
  if (enabler == "1.1") {
    switch (oid) {
      case 0: case 1: case 3: return "1.1";
      case 4: return "1.2";
      default: return "1.0";
    }
  }
  if (enabler == "1.2") {
    switch (oid) {
      case 0: case 1: case 3: return "1.2";
      case 2: case 5: return "1.1";
      case 4: return "1.3";
      case 21: return "2.0";
      default: return "1.0";
    }
  }
  return "1.0";
}

}  // namespace

struct DataModel::Impl {
  DataModelOptions opt;
  const ModelRegistry* models = nullptr;
  std::map<uint16_t, ObjectData> objects;
  std::map<Path, ExecuteAction> actions;
  std::map<Path, WriteHook> hooks;
  std::function<void(const Path&, const Requester&)> on_change;
  std::map<std::pair<uint16_t, Path>, NotificationAttributes> attrs;  // (ssid, path) -> attached
  std::vector<std::string> refusals;
  std::unique_ptr<ObservationManagerImpl> obs;

  bool Fault(std::string_view f) const {
    return std::find(opt.faults.begin(), opt.faults.end(), f) != opt.faults.end();
  }

  const ObjectModel* ObjModel(uint16_t oid) const {
    auto it = objects.find(oid);
    if (it != objects.end() && it->second.version) {
      if (const ObjectModel* m = models->Find(oid, *it->second.version)) return m;
    }
    return models->Find(oid);
  }
  const ResourceModel* ResModel(uint16_t oid, uint16_t rid) const {
    const ObjectModel* om = ObjModel(oid);
    return om ? om->FindResource(rid) : nullptr;
  }

  ObjectData* Obj(uint16_t oid) {
    auto it = objects.find(oid);
    return it == objects.end() ? nullptr : &it->second;
  }
  const ObjectData* Obj(uint16_t oid) const {
    auto it = objects.find(oid);
    return it == objects.end() ? nullptr : &it->second;
  }
  InstanceData* Inst(uint16_t oid, uint16_t iid) {
    ObjectData* o = Obj(oid);
    if (!o) return nullptr;
    auto it = o->instances.find(iid);
    return it == o->instances.end() ? nullptr : &it->second;
  }
  const InstanceData* Inst(uint16_t oid, uint16_t iid) const {
    const ObjectData* o = Obj(oid);
    if (!o) return nullptr;
    auto it = o->instances.find(iid);
    return it == o->instances.end() ? nullptr : &it->second;
  }

  void Changed(const Path& p, const Value& before, const Value& after, const Requester& who) {
    if (obs) obs->RecordChange(p, before, after);
    if (on_change) on_change(p, who);
  }

  // ---- storage primitives ----
  Result<Value> Coerce(const ResourceModel& rm, const Value& v, const Path& p) const {
    if (rm.type == DataType::kNone) return BadRequest(p.ToString() + " is executable and holds no value");
    if (v.type() == rm.type) return v;
    Result<Value> c = v.ConvertTo(rm.type);
    if (!c)
      return BadRequest(p.ToString() + " (" + rm.name + ") is " + std::string(DataTypeName(rm.type)) + "; " +
                        v.DebugString() + " does not convert: " + c.status().message());
    return c;
  }

  Status CreateInst(uint16_t oid, uint16_t iid, ProvisioningSource src, const Requester& who) {
    const ObjectModel* om = ObjModel(oid);
    if (!om) return NotFound("no model for object " + std::to_string(oid));
    ObjectData& od = objects[oid];
    od.enabled = true;
    if (od.instances.count(iid)) return BadRequest(P2(oid, iid).ToString() + " already exists");
    if (!om->multiple && !od.instances.empty())
      return BadRequest("object " + std::to_string(oid) + " is single-instance and has /" + std::to_string(oid) +
                        "/" + std::to_string(od.instances.begin()->first));
    InstanceData& inst = od.instances[iid];
    inst.source = src;
    // Executable resources are always present (they are listed by Discover and can be executed).
    for (const auto& [rid, rm] : om->resources)
      if (rm.operations == Operations::kExecute) inst.resources[rid] = ResourceData{};
    Changed(P2(oid, iid), Value(), Value(), who);
    return Status::Ok();
  }

  // Sets one value (resource or resource instance), creating the resource. No access checks.
  Status Store(const Path& p, const Value& v, const Requester& who) {
    InstanceData* inst = Inst(p[0], p[1]);
    if (!inst) return NotFound(p.Truncated(2).ToString() + " does not exist");
    const ResourceModel* rm = ResModel(p[0], p[2]);
    if (!rm) return NotFound("no resource " + p.Truncated(3).ToString() + " in the model");
    Result<Value> cv = Coerce(*rm, v, p);
    if (!cv) return cv.status();
    ResourceData& rd = inst->resources[p[2]];
    rd.multiple = rm->multiple;
    Value before;
    if (p.level() == Path::Level::kResourceInstance) {
      if (!rm->multiple) return BadRequest(p.ToString() + ": " + rm->name + " is a single-instance resource");
      auto it = rd.instances.find(p[3]);
      if (it != rd.instances.end()) before = it->second;
      rd.instances[p[3]] = *cv;
    } else {
      if (rm->multiple)
        return BadRequest(p.ToString() + ": " + rm->name + " is a Multiple Resource; give resource instances");
      before = rd.value;
      rd.value = *cv;
    }
    if (!(before == *cv)) Changed(p, before, *cv, who);
    return Status::Ok();
  }

  // ---- reading ----
  void AppendRecords(const Path& p, std::vector<Record>& out, bool include_bootstrap_only) const {
    const ObjectData* od = Obj(p[0]);
    if (!od) return;
    for (const auto& [iid, inst] : od->instances) {
      if (p.size() >= 2 && iid != p[1]) continue;
      for (const auto& [rid, rd] : inst.resources) {
        if (p.size() >= 3 && rid != p[2]) continue;
        const ResourceModel* rm = ResModel(p[0], rid);
        if (!rm || rm->operations == Operations::kExecute || rm->operations == Operations::kWrite) continue;
        if (rm->operations == Operations::kNone && !include_bootstrap_only) continue;
        if (rd.multiple) {
          for (const auto& [riid, v] : rd.instances) {
            if (p.size() >= 4 && riid != p[3]) continue;
            out.push_back({Path{p[0], iid, rid, riid}, v, std::nullopt});
          }
        } else if (p.size() < 4 && !rd.value.is_none()) {
          out.push_back({P3(p[0], iid, rid), rd.value, std::nullopt});
        }
      }
    }
  }

  bool PathExists(const Path& p) const {
    if (p.IsRoot()) return true;
    if (!p.prefix().empty()) return false;
    const ObjectData* od = Obj(p[0]);
    if (!od || (!od->enabled && od->instances.empty())) return false;
    if (p.size() == 1) return true;
    const InstanceData* inst = Inst(p[0], p[1]);
    if (!inst) return false;
    if (p.size() == 2) return true;
    auto it = inst->resources.find(p[2]);
    if (it == inst->resources.end()) return false;
    if (p.size() == 3) return true;
    return it->second.instances.count(p[3]) > 0;
  }

  size_t ServerCount() const {
    const ObjectData* od = Obj(1);
    return od ? od->instances.size() : 0;
  }

  // ---- access control (Core TS 1.2 §7.3 / Object 2) ----
  std::optional<uint16_t> AclInstanceFor(uint16_t oid, uint16_t iid) const {
    const ObjectData* acl = Obj(2);
    if (!acl) return std::nullopt;
    for (const auto& [aiid, inst] : acl->instances) {
      auto o = inst.resources.find(0), i = inst.resources.find(1);
      if (o != inst.resources.end() && i != inst.resources.end() && o->second.value.AsInteger() == oid &&
          i->second.value.AsInteger() == iid)
        return aiid;
    }
    return std::nullopt;
  }

  // The rights of server `ssid` on /oid/iid (iid 65535: the object, for Create). With a single
  // LwM2M Server account the client does no access control: that server has full access
  // (Core TS 1.2 §7.3.1 "Access Control Object ... not needed with one Server"; Object 2 description).
  uint8_t Rights(const Requester& who, uint16_t oid, uint16_t iid) const {
    if (who.kind != Requester::Kind::kServer) return 0x1F;
    if (ServerCount() <= 1) return 0x1F;
    auto aiid = AclInstanceFor(oid, iid);
    if (!aiid) return 0;
    const InstanceData* inst = Inst(2, *aiid);
    auto acl = inst->resources.find(2);
    auto owner = inst->resources.find(3);
    if (acl != inst->resources.end()) {
      auto e = acl->second.instances.find(who.ssid);
      if (e != acl->second.instances.end()) return static_cast<uint8_t>(e->second.AsInteger());
    }
    // The Access Control Owner has all rights but Create when no ACL entry names it.
    if (owner != inst->resources.end() && owner->second.value.AsInteger() == who.ssid)
      return kAclRead | kAclWrite | kAclExecute | kAclDelete;
    if (acl != inst->resources.end()) {
      auto d = acl->second.instances.find(0);  // ACL instance 0: the default for every server
      if (d != acl->second.instances.end()) return static_cast<uint8_t>(d->second.AsInteger());
    }
    return 0;
  }

  Status Check(const Requester& who, uint8_t right, uint16_t oid, uint16_t iid) const {
    if ((Rights(who, oid, iid) & right) == right) return Status::Ok();
    return {StatusCode::kUnauthorized, "server " + std::to_string(who.ssid) + " has no access right " +
                                           std::to_string(right) + " on /" + std::to_string(oid) +
                                           (iid == Path::kReservedId ? "" : "/" + std::to_string(iid)) +
                                           " (Access Control Object, Core TS 1.2 §7.3)"};
  }

  // ---- operations ----
  Status ObjectKnown(const Path& p) const {
    if (!p.prefix().empty()) return NotFound(p.ToString() + ": this client is no LwM2M Gateway (no prefixes)");
    if (p.IsRoot()) return Status::Ok();
    const ObjectData* od = Obj(p[0]);
    if (!ObjModel(p[0]) || !od || (!od->enabled && od->instances.empty()))
      return NotFound("object " + std::to_string(p[0]) + " is not supported");
    return Status::Ok();
  }

  Status ReadableTarget(const Path& p, const Requester& who) const {
    if (Status s = ObjectKnown(p); !s.ok()) return s;
    if (p.size() >= 3) {
      const ResourceModel* rm = ResModel(p[0], p[2]);
      if (!rm) return NotFound(p.ToString() + ": no such resource in object " + std::to_string(p[0]));
      bool bootstrap_only = rm->operations == Operations::kNone && rm->type != DataType::kNone;
      if (!Readable(*rm) && !(bootstrap_only && (who.kind != Requester::Kind::kServer || Fault("allow-dm-on-security"))))
        return {StatusCode::kMethodNotAllowed,
                p.ToString() + " (" + rm->name + ") is not readable (operations '" +
                    std::string(OperationsName(rm->operations)) + "')"};
    }
    if (p.size() >= 2 && !Inst(p[0], p[1])) return NotFound(p.Truncated(2).ToString() + " does not exist");
    if (p.size() >= 2)
      if (Status s = Check(who, kAclRead, p[0], p[1]); !s.ok()) return s;
    if (!PathExists(p)) return NotFound(p.ToString() + " does not exist");
    return Status::Ok();
  }

  std::vector<Record> ReadFor(const Path& p, const Requester& who) const {
    std::vector<Record> out;
    bool bootstrap_only = who.kind != Requester::Kind::kServer || Fault("allow-dm-on-security");
    if (p.size() >= 2) {
      AppendRecords(p, out, bootstrap_only);
      return out;
    }
    const ObjectData* od = Obj(p[0]);
    if (!od) return out;
    for (const auto& [iid, inst] : od->instances)
      if ((Rights(who, p[0], iid) & kAclRead) != 0) AppendRecords(P2(p[0], iid), out, bootstrap_only);
    return out;
  }

  CoapMessage DoRead(const CoapMessage& req, const Operation& op, const Requester& who) {
    if (Status s = ReadableTarget(op.path, who); !s.ok()) return ErrorReply(req, s);
    std::vector<Record> records = ReadFor(op.path, who);
    std::optional<ContentFormat> accept = op.accept;
    Result<Encoded> enc = EncodeRecords(records, op.path, accept, opt.enabler_version, *models, false);
    if (!enc && accept && Fault("accept-unsupported-accept"))
      enc = EncodeRecords(records, op.path, std::nullopt, opt.enabler_version, *models, false);
    if (!enc) return ErrorReply(req, accept ? enc.status() : InternalError(enc.status().message()));
    CoapMessage r = Reply(req, CoapCode::kContent);
    r.SetContentFormat(enc->format);
    r.payload = std::move(enc->payload);
    return r;
  }

  Result<std::vector<Path>> PathList(const CoapMessage& req) const {
    auto cf = req.GetContentFormat();
    if (!cf) return BadRequest("composite request without Content-Format");
    if (!VersionSupports(opt.enabler_version, *cf) ||
        (*cf != ContentFormat::kSenmlJson && *cf != ContentFormat::kSenmlCbor && *cf != ContentFormat::kSenmlEtchJson &&
         *cf != ContentFormat::kSenmlEtchCbor))
      return UnsupportedContentFormat(ContentFormatLabel(static_cast<uint16_t>(*cf)) +
                                      " is no path-list format of this client (Core TS 1.2 §6.3.8)");
    const Codec* codec = FindCodec(*cf);
    if (!codec) return UnsupportedContentFormat("no codec");
    CodecContext ctx;
    ctx.models = models;
    ctx.lwm2m_version = opt.enabler_version;
    DecodeResult d = codec->Decode(req.payload, ctx);
    if (d.HasErrors()) {
      std::string msg;
      for (const auto& x : d.diagnostics)
        if (x.severity == Severity::kError) msg += (msg.empty() ? "" : "; ") + x.ToString();
      return BadRequest("path list: " + msg);
    }
    std::vector<Path> paths;
    for (const Record& r : d.content.records) paths.push_back(r.path);
    if (paths.empty()) return BadRequest("empty path list");
    return paths;
  }

  CoapMessage DoReadComposite(const CoapMessage& req, const Operation& op, const Requester& who) {
    Result<std::vector<Path>> paths = PathList(req);
    if (!paths) return ErrorReply(req, paths.status());
    // Read-Composite is best effort (Core TS 1.2 §6.3.8): unreadable paths are left out.
    std::vector<Record> records;
    std::set<Path> seen;
    for (const Path& p : *paths) {
      if (p.IsRoot() || !ReadableTarget(p, who).ok()) continue;
      for (Record& r : ReadFor(p, who))
        if (seen.insert(r.path).second) records.push_back(std::move(r));
    }
    std::optional<ContentFormat> accept = op.accept;
    if (!accept) {
      auto cf = req.GetContentFormat();
      if (cf == ContentFormat::kSenmlJson || cf == ContentFormat::kSenmlEtchJson) accept = ContentFormat::kSenmlJson;
    }
    Result<Encoded> enc = EncodeRecords(records, Path(), accept, opt.enabler_version, *models, true);
    if (!enc) return ErrorReply(req, enc.status());
    CoapMessage r = Reply(req, CoapCode::kContent);
    r.SetContentFormat(enc->format);
    r.payload = std::move(enc->payload);
    return r;
  }

  Result<std::vector<Record>> Decode(const CoapMessage& req, const Path& base) const {
    auto cf = req.GetContentFormat();
    if (!cf) return BadRequest("no Content-Format");
    if (!VersionSupports(opt.enabler_version, *cf) || *cf == ContentFormat::kLinkFormat)
      return UnsupportedContentFormat(ContentFormatLabel(static_cast<uint16_t>(*cf)) +
                                      " is not supported by this " + opt.enabler_version + " client");
    const Codec* codec = FindCodec(*cf);
    if (!codec) return UnsupportedContentFormat(ContentFormatLabel(static_cast<uint16_t>(*cf)) + " is unknown");
    CodecContext ctx;
    ctx.request_path = base;
    ctx.models = models;
    ctx.lwm2m_version = opt.enabler_version;
    DecodeResult d = codec->Decode(req.payload, ctx);
    if (d.HasErrors()) {
      std::string msg;
      for (const auto& x : d.diagnostics)
        if (x.severity == Severity::kError) msg += (msg.empty() ? "" : "; ") + x.ToString();
      return BadRequest("payload does not decode: " + msg);
    }
    return std::move(d.content.records);
  }

  // Checks one value a server (or the bootstrap server) writes, returns the coerced value.
  Result<Value> CheckWrite(const Record& r, const Requester& who, bool bootstrap) const {
    const Path& p = r.path;
    if (p.size() < 3) return BadRequest(p.ToString() + ": a value must name a Resource or Resource Instance");
    const ResourceModel* rm = ResModel(p[0], p[2]);
    if (!rm) return NotFound(p.ToString() + ": no such resource in object " + std::to_string(p[0]));
    if (!bootstrap && !Writable(*rm))
      return Status{StatusCode::kMethodNotAllowed, p.ToString() + " (" + rm->name + ") is not writable (operations '" +
                                                       std::string(OperationsName(rm->operations)) + "')"};
    if (rm->type == DataType::kNone)
      return Status{StatusCode::kMethodNotAllowed, p.ToString() + " is executable"};
    if (p.size() == 4 && !rm->multiple)
      return BadRequest(p.ToString() + ": " + rm->name + " is a single-instance resource");
    if (r.value.is_none()) return Value();
    (void)who;
    return Coerce(*rm, r.value, p);
  }

  Status Apply(const Path& p, const Value& v, const Requester& who) {
    auto h = hooks.find(p.Truncated(3));
    if (h != hooks.end()) return h->second(p, v, who);
    return Store(p, v, who);
  }

  // Replace (clear) a multiple resource's instances.
  void ClearMulti(uint16_t oid, uint16_t iid, uint16_t rid, const Requester& who) {
    InstanceData* inst = Inst(oid, iid);
    if (!inst) return;
    auto it = inst->resources.find(rid);
    if (it == inst->resources.end()) return;
    std::map<uint16_t, Value> old = std::move(it->second.instances);
    it->second.instances.clear();
    for (auto& [riid, v] : old) Changed(Path{oid, iid, rid, riid}, v, Value(), who);
  }

  CoapMessage DoWrite(const CoapMessage& req, const Operation& op, const Requester& who) {
    const Path& p = op.path;
    if (Status s = ObjectKnown(p); !s.ok()) return ErrorReply(req, s);
    if (p.size() < 2) return ErrorReply(req, {StatusCode::kMethodNotAllowed, "Write on an Object"});
    if (!Inst(p[0], p[1])) return ErrorReply(req, NotFound(p.Truncated(2).ToString() + " does not exist"));
    if (p.size() >= 3) {
      const ResourceModel* rm = ResModel(p[0], p[2]);
      if (!rm) return ErrorReply(req, NotFound(p.ToString() + ": no such resource"));
      if (!Writable(*rm))
        return ErrorReply(req, {StatusCode::kMethodNotAllowed,
                                p.ToString() + " (" + rm->name + ") is not writable (operations '" +
                                    std::string(OperationsName(rm->operations)) + "')"});
    }
    if (Status s = Check(who, kAclWrite, p[0], p[1]); !s.ok()) return ErrorReply(req, s);
    Result<std::vector<Record>> recs = Decode(req, p);
    if (!recs) return ErrorReply(req, recs.status());
    std::vector<std::pair<Record, Value>> todo;
    for (const Record& r : *recs) {
      if (!p.IsPrefixOf(r.path))
        return ErrorReply(req, BadRequest(r.path.ToString() + " lies outside the target " + p.ToString()));
      if (r.path.level() == Path::Level::kResource && r.value.is_none()) {
        todo.push_back({r, Value()});  // an empty Multiple Resource
        continue;
      }
      Result<Value> v = CheckWrite(r, who, false);
      if (!v) return ErrorReply(req, v.status());
      todo.push_back({r, *v});
    }
    const bool replace = op.write_mode == WriteMode::kReplace;
    if (replace && p.level() == Path::Level::kObjectInstance) {
      // Replace: writable resources absent from the payload are removed (Core TS 1.2 §6.3.3).
      std::set<uint16_t> given;
      for (auto& [r, v] : todo) given.insert(r.path[2]);
      InstanceData* inst = Inst(p[0], p[1]);
      for (auto it = inst->resources.begin(); it != inst->resources.end();) {
        const ResourceModel* rm = ResModel(p[0], it->first);
        if (rm && Writable(*rm) && rm->operations != Operations::kWrite && !given.count(it->first) && !rm->mandatory) {
          Value before = it->second.value;
          it = inst->resources.erase(it);
          Changed(P3(p[0], p[1], rm->id), before, Value(), who);
        } else {
          ++it;
        }
      }
    }
    if (replace && p.level() <= Path::Level::kResource) {
      std::set<uint16_t> cleared;
      for (auto& [r, v] : todo) {
        const ResourceModel* rm = ResModel(p[0], r.path[2]);
        if (rm && rm->multiple && cleared.insert(r.path[2]).second) ClearMulti(p[0], p[1], r.path[2], who);
      }
    }
    for (auto& [r, v] : todo) {
      if (v.is_none()) {
        InstanceData* inst = Inst(p[0], p[1]);
        inst->resources[r.path[2]].multiple = true;
        continue;
      }
      if (Status s = Apply(r.path, v, who); !s.ok()) return ErrorReply(req, s);
    }
    return Reply(req, CoapCode::kChanged);
  }

  CoapMessage DoWriteComposite(const CoapMessage& req, const Requester& who) {
    Result<std::vector<Record>> recs = Decode(req, Path());
    if (!recs) return ErrorReply(req, recs.status());
    std::vector<std::pair<Path, Value>> todo;
    // Atomic (Core TS 1.2 §6.3.9): every value is checked before any is written.
    for (const Record& r : *recs) {
      const Path& p = r.path;
      if (p.size() < 3) return ErrorReply(req, BadRequest(p.ToString() + ": Write-Composite writes resources"));
      if (Status s = ObjectKnown(p); !s.ok()) return ErrorReply(req, s);
      if (p[0] == 0 || p[0] == 21 || p[0] == 23)
        if (!Fault("allow-dm-on-security"))
          return ErrorReply(req, {StatusCode::kUnauthorized, p.ToString() + ": not accessible to an LwM2M Server"});
      if (!Inst(p[0], p[1])) return ErrorReply(req, NotFound(p.Truncated(2).ToString() + " does not exist"));
      if (Status s = Check(who, kAclWrite, p[0], p[1]); !s.ok()) return ErrorReply(req, s);
      if (r.value.is_none()) {
        // SenML-ETCH: a record without value removes that Resource Instance (RFC 8790 §4).
        if (p.size() != 4 || !PathExists(p))
          return ErrorReply(req, BadRequest(p.ToString() + ": a removal names an existing Resource Instance"));
        todo.push_back({p, Value()});
        continue;
      }
      Result<Value> v = CheckWrite(r, who, false);
      if (!v) return ErrorReply(req, v.status());
      todo.push_back({p, *v});
    }
    for (auto& [p, v] : todo) {
      if (v.is_none()) {
        ResourceData& rd = Inst(p[0], p[1])->resources[p[2]];
        Value before = rd.instances[p[3]];
        rd.instances.erase(p[3]);
        Changed(p, before, Value(), who);
        continue;
      }
      if (p.size() == 3) {
        const ResourceModel* rm = ResModel(p[0], p[2]);
        if (rm && rm->multiple) return ErrorReply(req, BadRequest(p.ToString() + " is a Multiple Resource"));
      }
      if (Status s = Apply(p, v, who); !s.ok()) return ErrorReply(req, s);
    }
    return Reply(req, CoapCode::kChanged);
  }

  AttributeTarget TargetOf(const Path& p) const {
    AttributeTarget t;
    t.path = p;
    if (p.size() >= 3)
      if (const ResourceModel* rm = ResModel(p[0], p[2])) t.type = rm->type;
    return t;
  }

  CoapMessage DoWriteAttributes(const CoapMessage& req, const Operation& op, const Requester& who) {
    const Path& p = op.path;
    if (Status s = ObjectKnown(p); !s.ok()) return ErrorReply(req, s);
    if (p.size() >= 2 && !Inst(p[0], p[1])) return ErrorReply(req, NotFound(p.ToString() + " does not exist"));
    if (p.size() >= 3 && !ResModel(p[0], p[2])) return ErrorReply(req, NotFound(p.ToString() + ": no such resource"));
    if (p.size() >= 3 && !PathExists(p)) return ErrorReply(req, NotFound(p.ToString() + " does not exist"));
    if (p.size() >= 2)
      if (Status s = Check(who, kAclRead, p[0], p[1]); !s.ok()) return ErrorReply(req, s);
    if (!op.attributes.unknown.empty())
      return ErrorReply(req, BadRequest("unknown attribute '" + op.attributes.unknown[0] + "' (Core TS 1.2 §7.3)"));
    NotificationAttributes merged = attrs[{who.ssid, p}];
    const NotificationAttributes& a = op.attributes;
    auto m = [&](auto& dst, const auto& src, NotificationAttribute id) {
      if (src) dst = src;
      if (a.IsUnset(id)) dst.reset();
    };
    m(merged.pmin, a.pmin, NotificationAttribute::kPmin);
    m(merged.pmax, a.pmax, NotificationAttribute::kPmax);
    m(merged.gt, a.gt, NotificationAttribute::kGt);
    m(merged.lt, a.lt, NotificationAttribute::kLt);
    m(merged.st, a.st, NotificationAttribute::kSt);
    m(merged.epmin, a.epmin, NotificationAttribute::kEpmin);
    m(merged.epmax, a.epmax, NotificationAttribute::kEpmax);
    m(merged.edge, a.edge, NotificationAttribute::kEdge);
    m(merged.con, a.con, NotificationAttribute::kCon);
    m(merged.hqmax, a.hqmax, NotificationAttribute::kHqmax);
    merged.unset.clear();
    // Core TS 1.2 §7.3.2: the rules hold for the attributes as they stand after the write.
    for (const Diagnostic& d : ValidateNotificationAttributes(merged, TargetOf(p)))
      if (d.severity == Severity::kError) return ErrorReply(req, BadRequest(d.message + " [" + d.rule + "]"));
    if (merged.empty())
      attrs.erase({who.ssid, p});
    else
      attrs[{who.ssid, p}] = merged;
    return Reply(req, CoapCode::kChanged);
  }

  CoapMessage DoExecute(const CoapMessage& req, const Operation& op, const Requester& who) {
    const Path& p = op.path;
    if (Status s = ObjectKnown(p); !s.ok()) return ErrorReply(req, s);
    if (p.size() != 3) return ErrorReply(req, {StatusCode::kMethodNotAllowed, "Execute targets a Resource"});
    const ResourceModel* rm = ResModel(p[0], p[2]);
    if (!rm) return ErrorReply(req, NotFound(p.ToString() + ": no such resource"));
    if (!Inst(p[0], p[1])) return ErrorReply(req, NotFound(p.Truncated(2).ToString() + " does not exist"));
    if (rm->operations != Operations::kExecute)
      return ErrorReply(req, {StatusCode::kMethodNotAllowed, p.ToString() + " (" + rm->name + ") is not executable"});
    if (Status s = Check(who, kAclExecute, p[0], p[1]); !s.ok()) return ErrorReply(req, s);
    auto it = actions.find(p);
    if (it == actions.end()) it = actions.find(P3(p[0], 65534, p[2]));  // wildcard instance
    if (it != actions.end()) {
      std::string args(req.payload.begin(), req.payload.end());
      Status s = it->second(p, args, who);
      if (!s.ok()) return ErrorReply(req, s);
    }
    return Reply(req, CoapCode::kChanged);
  }

  CoapMessage DoCreate(const CoapMessage& req, const Operation& op, const Requester& who) {
    const Path& p = op.path;
    if (Status s = ObjectKnown(p); !s.ok()) return ErrorReply(req, s);
    const ObjectModel* om = ObjModel(p[0]);
    // Core TS 1.2 §6.3.6: 4.05 "Target is not allowed for Create" (single-instance objects such as
    // /3, ETS int-680); DMSE-001: the client may refuse.
    if (!om->multiple)
      return ErrorReply(req, {StatusCode::kMethodNotAllowed, "object " + std::to_string(p[0]) + " is single-instance"});
    if (p[0] == 1 && who.kind == Requester::Kind::kServer)
      return ErrorReply(req, {StatusCode::kMethodNotAllowed, "LwM2M Server accounts are created by bootstrap"});
    if (opt.refuse_create && !Fault("create-delete-not-refused"))
      return ErrorReply(req, {StatusCode::kMethodNotAllowed, "this client refuses Create (DMSE-001)"});
    if (Status s = Check(who, kAclCreate, p[0], 65535); !s.ok()) return ErrorReply(req, s);
    // A TLV without an Object Instance wrapper, or LwM2M CBOR instance 65535, leaves the id to us.
    Path base = p;
    auto cf = req.GetContentFormat();
    if (cf == ContentFormat::kTlv && !req.payload.empty() && (req.payload[0] >> 6) != 0)
      base = Path::UnassignedInstance(p[0]);
    Result<std::vector<Record>> recs = Decode(req, base);
    if (!recs) return ErrorReply(req, recs.status());
    std::optional<uint16_t> iid;
    bool unassigned = false;
    for (const Record& r : *recs) {
      if (r.path.size() < 2 || r.path[0] != p[0])
        return ErrorReply(req, BadRequest(r.path.ToString() + " lies outside " + p.ToString()));
      if (r.path[1] == Path::kReservedId) {
        unassigned = true;
        continue;
      }
      if (iid && *iid != r.path[1])
        return ErrorReply(req, BadRequest("Create names two Object Instances (" + std::to_string(*iid) + ", " +
                                          std::to_string(r.path[1]) + ")"));
      iid = r.path[1];
    }
    if (iid && unassigned) return ErrorReply(req, BadRequest("Create mixes a named and an unnamed instance"));
    if (iid && Inst(p[0], *iid))
      return ErrorReply(req, BadRequest(P2(p[0], *iid).ToString() + " already exists (Core TS 1.2 §6.3.6)"));
    std::vector<std::pair<Path, Value>> todo;
    std::set<uint16_t> given;
    for (const Record& r : *recs) {
      if (r.path.size() < 3) continue;
      const ResourceModel* rm = ResModel(p[0], r.path[2]);
      if (!rm) return ErrorReply(req, NotFound(r.path.ToString() + ": no such resource"));
      // Read-only values in a Create are ignored ([FL] DM-09).
      if (!Writable(*rm)) continue;
      if (r.value.is_none()) continue;
      Record copy = r;
      Result<Value> v = CheckWrite(copy, who, false);
      if (!v) return ErrorReply(req, v.status());
      todo.push_back({r.path, *v});
      given.insert(r.path[2]);
    }
    // DMSE-002 (Core TS 1.2 §6.3.6): a 1.2 Create need not carry every Resource value. Before 1.2
    // the Create codes list 4.00 "Mandatory Resources are not specified" (Core TS 1.1 §6.3.6); the
    // fault "create-ignores-partial" applies that older rule to a 1.2 client.
    if (opt.enabler_version != "1.2" || Fault("create-ignores-partial"))
      for (const auto& [rid, rm] : om->resources)
        if (rm.mandatory && Writable(rm) && !given.count(rid))
          return ErrorReply(req, BadRequest("Mandatory Resource " + std::to_string(rid) + " (" + rm.name +
                                            ") is not specified"));
    uint16_t id = 0;
    if (iid) {
      id = *iid;
    } else {
      const ObjectData* od = Obj(p[0]);
      while (od && od->instances.count(id)) ++id;
    }
    if (Status s = CreateInst(p[0], id, ProvisioningSource::kServer, who); !s.ok()) return ErrorReply(req, s);
    for (auto& [rp, v] : todo) {
      Path target = rp.size() == 4 ? Path{p[0], id, rp[2], rp[3]} : P3(p[0], id, rp[2]);
      if (Status s = Apply(target, v, who); !s.ok()) {
        objects[p[0]].instances.erase(id);
        return ErrorReply(req, s);
      }
    }
    // Core TS 1.2 §7.3.1: with several servers the client creates the ACL instance of a new instance,
    // owned by the server that created it.
    if (who.kind == Requester::Kind::kServer && ServerCount() > 1 && p[0] != 2 && ObjModel(2)) {
      uint16_t aiid = 0;
      const ObjectData* acl = Obj(2);
      while (acl && acl->instances.count(aiid)) ++aiid;
      if (CreateInst(2, aiid, ProvisioningSource::kLocal, who).ok()) {
        Store(P3(2, aiid, 0), Value::Integer(p[0]), who);
        Store(P3(2, aiid, 1), Value::Integer(id), who);
        Store(P3(2, aiid, 3), Value::Integer(who.ssid), who);
      }
    }
    CoapMessage r = Reply(req, CoapCode::kCreated);
    r.AddOption(CoapOption::kLocationPath, std::to_string(p[0]));
    r.AddOption(CoapOption::kLocationPath, std::to_string(id));
    return r;
  }

  void RemoveInstance(uint16_t oid, uint16_t iid, const Requester& who) {
    ObjectData* od = Obj(oid);
    if (!od) return;
    od->instances.erase(iid);
    Path p = P2(oid, iid);
    for (auto it = attrs.begin(); it != attrs.end();)
      it = p.IsPrefixOf(it->first.second) ? attrs.erase(it) : std::next(it);
    if (oid != 2)
      if (auto aiid = AclInstanceFor(oid, iid)) Obj(2)->instances.erase(*aiid);
    Changed(p, Value(), Value(), who);
  }

  CoapMessage DoDelete(const CoapMessage& req, const Operation& op, const Requester& who) {
    const Path& p = op.path;
    if (Status s = ObjectKnown(p); !s.ok()) return ErrorReply(req, s);
    if (!Inst(p[0], p[1])) return ErrorReply(req, NotFound(p.Truncated(2).ToString() + " does not exist"));
    if (Status s = Check(who, kAclDelete, p[0], p[1]); !s.ok()) return ErrorReply(req, s);
    if (p.size() == 4) {
      const ResourceModel* rm = ResModel(p[0], p[2]);
      if (!rm || !rm->multiple || !Writable(*rm))
        return ErrorReply(req, {StatusCode::kMethodNotAllowed, p.ToString() + ": not a writable Multiple Resource"});
      if (!PathExists(p)) return ErrorReply(req, NotFound(p.ToString() + " does not exist"));
      ResourceData& rd = Inst(p[0], p[1])->resources[p[2]];
      Value before = rd.instances[p[3]];
      rd.instances.erase(p[3]);
      Changed(p, before, Value(), who);
      return Reply(req, CoapCode::kDeleted);
    }
    const ObjectModel* om = ObjModel(p[0]);
    // /3/0 SHALL NOT be deleted ([FL] DM-10, ETS int-685: 4.05); Server accounts are the
    // Bootstrap-Server's to delete; single-instance mandatory objects always keep their instance.
    if (p[0] == 3 || p[0] == 1 || (om && !om->multiple && om->mandatory))
      return ErrorReply(req, {StatusCode::kMethodNotAllowed, p.ToString() + " cannot be deleted by an LwM2M Server"});
    if (opt.refuse_delete && !Fault("create-delete-not-refused"))
      return ErrorReply(req, {StatusCode::kMethodNotAllowed, "this client refuses Delete (DMSE-001)"});
    RemoveInstance(p[0], p[1], who);
    return Reply(req, CoapCode::kDeleted);
  }

  // The attributes a Discover link reports: for the Discover's own target, those attached at its
  // level or inherited from above ([FL] DM-04, Core TS 1.2.2 §6.3.2); for the links below it, the
  // attached ones.
  void AddAttrParams(Link& l, uint16_t ssid, const Path& p, bool inherited) const {
    NotificationAttributes a;
    for (size_t n = inherited ? 1 : p.size(); n <= p.size(); ++n) {
      auto it = attrs.find({ssid, p.Truncated(n)});
      if (it == attrs.end()) continue;
      const NotificationAttributes& x = it->second;
      if (x.pmin) a.pmin = x.pmin;
      if (x.pmax) a.pmax = x.pmax;
      if (x.gt) a.gt = x.gt;
      if (x.lt) a.lt = x.lt;
      if (x.st) a.st = x.st;
      if (x.epmin) a.epmin = x.epmin;
      if (x.epmax) a.epmax = x.epmax;
      if (x.edge) a.edge = x.edge;
      if (x.con) a.con = x.con;
      if (x.hqmax) a.hqmax = x.hqmax;
    }
    for (const std::string& q : FormatNotificationAttributes(a)) {
      auto eq = q.find('=');
      if (eq == std::string::npos)
        l.params.push_back({q, std::nullopt, false});
      else
        l.params.push_back({q.substr(0, eq), q.substr(eq + 1), false});
    }
  }

  std::string VerText(const std::string& v) const { return v; }

  CoapMessage DoDiscover(const CoapMessage& req, const Operation& op, const Requester& who) {
    const Path& p = op.path;
    if (Status s = ObjectKnown(p); !s.ok()) return ErrorReply(req, s);
    if (p.size() >= 2 && !Inst(p[0], p[1])) return ErrorReply(req, NotFound(p.ToString() + " does not exist"));
    if (p.size() >= 3 && !PathExists(p)) return ErrorReply(req, NotFound(p.ToString() + " does not exist"));
    if (p.size() >= 2)
      if (Status s = Check(who, kAclRead, p[0], p[1]); !s.ok()) return ErrorReply(req, s);
    // Core TS 1.2 §6.3.2: depth 0..3; absent: 2 for an Object, 1 otherwise. A client that does not
    // support depth (1.0/1.1) ignores it and answers as 1.1 did (Object: instances and resources;
    // Instance: its resources; Resource: itself).
    int depth;
    if (opt.enabler_version == "1.2" && op.depth)
      depth = *op.depth;
    else if (opt.enabler_version == "1.2")
      depth = p.size() == 1 ? 2 : 1;
    else
      depth = p.size() == 1 ? 2 : p.size() == 2 ? 1 : 0;
    const int max_level = static_cast<int>(p.size()) + depth;
    const ObjectModel* om = ObjModel(p[0]);
    std::vector<Link> links;
    auto add = [&](const Path& lp) {
      Link l{lp.ToString(), {}};
      if (lp.size() == 1 && om && om->version != "1.0") l.params.push_back({"ver", om->version, opt.enabler_version == "1.0"});
      if (lp.size() == 3) {
        const ResourceData& rd = Inst(lp[0], lp[1])->resources.at(lp[2]);
        if (rd.multiple) l.params.push_back({"dim", std::to_string(rd.instances.size()), false});
      }
      AddAttrParams(l, who.ssid, lp, lp == p);
      links.push_back(std::move(l));
    };
    if (p.size() == 1) add(p);
    const ObjectData* od = Obj(p[0]);
    for (const auto& [iid, inst] : od->instances) {
      if (p.size() >= 2 && iid != p[1]) continue;
      if (p.size() == 1 && (Rights(who, p[0], iid) & kAclRead) == 0) continue;
      Path ip = P2(p[0], iid);
      if (p.size() <= 2 && max_level >= 2) add(ip);
      for (const auto& [rid, rd] : inst.resources) {
        if (p.size() >= 3 && rid != p[2]) continue;
        Path rp = P3(p[0], iid, rid);
        if (max_level >= 3) add(rp);
        if (rd.multiple && max_level >= 4)
          for (const auto& [riid, v] : rd.instances) add(Path{p[0], iid, rid, riid});
      }
    }
    Result<std::string> text = SerializeLinkFormat(links);
    if (!text) return ErrorReply(req, InternalError(text.status().message()));
    CoapMessage r = Reply(req, CoapCode::kContent);
    r.SetContentFormat(ContentFormat::kLinkFormat);
    r.payload.assign(text->begin(), text->end());
    return r;
  }

  // ---- Bootstrap (Core TS 1.2 §6.1.7) ----
  bool IsBootstrapAccount(uint16_t iid) const {
    const InstanceData* inst = Inst(0, iid);
    if (!inst) return false;
    auto it = inst->resources.find(1);
    return it != inst->resources.end() && it->second.value.AsBoolean();
  }

  // BOOT-PROV-002: may `src` change instance /oid/iid?
  Status MayProvision(uint16_t oid, uint16_t iid, ProvisioningSource src) {
    if (oid != 0 && oid != 1) return Status::Ok();
    const InstanceData* inst = Inst(oid, iid);
    if (!inst || Priority(src) == 0 || Fault("bootstrap-source-override")) return Status::Ok();
    if (Priority(inst->source) > Priority(src)) {
      std::string msg = P2(oid, iid).ToString() + " was provisioned by " + std::string(SourceName(inst->source)) +
                        ", which " + std::string(SourceName(src)) + " may not override (BOOT-PROV-002)";
      refusals.push_back(msg);
      return BadRequest(msg);
    }
    return Status::Ok();
  }

  CoapMessage DoBootstrapWrite(const CoapMessage& req, const Operation& op, const Requester& who) {
    const Path& p = op.path;
    if (!ObjModel(p[0])) return ErrorReply(req, NotFound("object " + std::to_string(p[0]) + " is not supported"));
    Path base = p;
    auto cf = req.GetContentFormat();
    if (p.size() == 1 && cf == ContentFormat::kTlv && !req.payload.empty() && (req.payload[0] >> 6) != 0) {
      // Resources without an instance wrapper: instance 0 (single-instance objects).
      base = P2(p[0], 0);
    }
    Result<std::vector<Record>> recs = Decode(req, base);
    if (!recs) return ErrorReply(req, recs.status());
    std::map<uint16_t, std::vector<std::pair<Path, Value>>> by_instance;
    for (const Record& r : *recs) {
      if (!p.IsPrefixOf(r.path) && !(base != p && base.IsPrefixOf(r.path)))
        return ErrorReply(req, BadRequest(r.path.ToString() + " lies outside " + p.ToString()));
      if (r.path.size() < 2 || r.path[1] == Path::kReservedId)
        return ErrorReply(req, BadRequest(r.path.ToString() + ": Bootstrap-Write names Object Instances"));
      auto& list = by_instance[r.path[1]];
      if (r.path.size() == 2) continue;  // an empty instance
      if (r.value.is_none()) {
        list.push_back({r.path, Value()});
        continue;
      }
      // The Bootstrap-Server writes regardless of the operations (Core TS 1.2 §6.1.7.5).
      Result<Value> v = CheckWrite(r, who, true);
      if (!v) return ErrorReply(req, v.status());
      list.push_back({r.path, *v});
    }
    for (auto& [iid, list] : by_instance)
      if (Status s = MayProvision(p[0], iid, ProvisioningSource::kBootstrapServer); !s.ok()) return ErrorReply(req, s);
    for (auto& [iid, list] : by_instance) {
      if (!Inst(p[0], iid)) {
        const ObjectModel* om = ObjModel(p[0]);
        // A single-instance object keeps one instance: the Bootstrap-Server replaces it.
        if (!om->multiple)
          if (ObjectData* od = Obj(p[0]); od && !od->instances.empty()) od->instances.clear();
        if (Status s = CreateInst(p[0], iid, ProvisioningSource::kBootstrapServer, who); !s.ok())
          return ErrorReply(req, s);
      } else if (p[0] == 0 || p[0] == 1) {
        Inst(p[0], iid)->source = ProvisioningSource::kBootstrapServer;
      }
      std::set<uint16_t> cleared;
      for (auto& [rp, v] : list) {
        const ResourceModel* rm = ResModel(p[0], rp[2]);
        if (rm && rm->multiple && rp.size() == 3 && cleared.insert(rp[2]).second) ClearMulti(p[0], iid, rp[2], who);
        if (rm && rm->multiple && rp.size() == 4 && p.size() < 4 && cleared.insert(rp[2]).second)
          ClearMulti(p[0], iid, rp[2], who);
        if (v.is_none()) {
          Inst(p[0], iid)->resources[rp[2]].multiple = true;
          continue;
        }
        if (Status s = Apply(rp, v, who); !s.ok()) return ErrorReply(req, s);
      }
    }
    return Reply(req, CoapCode::kChanged);
  }

  CoapMessage DoBootstrapRead(const CoapMessage& req, const Operation& op, const Requester& who) {
    const Path& p = op.path;
    if (opt.enabler_version == "1.0")
      return ErrorReply(req, {StatusCode::kMethodNotAllowed, "Bootstrap-Read is 1.1+ (Core TS 1.1 §5.2.7.4)"});
    if (Status s = ObjectKnown(p); !s.ok()) return ErrorReply(req, s);
    if (p.size() >= 2 && !Inst(p[0], p[1])) return ErrorReply(req, NotFound(p.ToString() + " does not exist"));
    std::vector<Record> records = ReadFor(p, who);
    std::optional<ContentFormat> accept = op.accept;
    if (accept && *accept != ContentFormat::kTlv && *accept != ContentFormat::kSenmlCbor &&
        *accept != ContentFormat::kSenmlJson && *accept != ContentFormat::kLwm2mCbor)
      return ErrorReply(req, NotAcceptable("Bootstrap-Read answers in TLV, SenML CBOR/JSON or LwM2M CBOR"));
    if (!accept) accept = opt.enabler_version == "1.1" ? ContentFormat::kTlv : ContentFormat::kSenmlCbor;
    Result<Encoded> enc = EncodeRecords(records, p, accept, opt.enabler_version, *models, false);
    if (!enc) return ErrorReply(req, enc.status());
    CoapMessage r = Reply(req, CoapCode::kContent);
    r.SetContentFormat(enc->format);
    r.payload = std::move(enc->payload);
    return r;
  }

  std::vector<Link> BootstrapLinks(const Path& p) const {
    std::vector<Link> links;
    // Core TS 1.2 §6.1.7.3: the first link is </>;lwm2m="1.x" (quoted in the TS examples; [FL] BS-27).
    if (p.IsRoot() && opt.enabler_version != "1.0") links.push_back({"/", {{"lwm2m", opt.enabler_version, true}}});
    for (const auto& [oid, od] : objects) {
      if (!p.IsRoot() && oid != p[0]) continue;
      if (!od.enabled && od.instances.empty()) continue;
      const ObjectModel* om = ObjModel(oid);
      if (od.instances.empty()) {
        Link l{"/" + std::to_string(oid), {}};
        if (om && om->version != ImpliedVersion(opt.enabler_version, oid)) l.params.push_back({"ver", om->version, false});
        links.push_back(std::move(l));
        continue;
      }
      if (om && om->version != ImpliedVersion(opt.enabler_version, oid))
        links.push_back({"/" + std::to_string(oid), {{"ver", om->version, false}}});
      for (const auto& [iid, inst] : od.instances) {
        Link l{P2(oid, iid).ToString(), {}};
        auto res = [&](uint16_t rid) -> const Value* {
          auto it = inst.resources.find(rid);
          return it == inst.resources.end() ? nullptr : &it->second.value;
        };
        if (oid == 0) {
          const Value* bs = res(1);
          const Value* ssid = res(10);
          if (ssid && !(bs && bs->AsBoolean())) l.params.push_back({"ssid", ssid->ToText(), false});
          if (const Value* uri = res(0)) l.params.push_back({"uri", uri->AsString(), true});
        } else if (oid == 1 || oid == 21 || oid == 23 || oid == 24) {
          // /1/x/0 carries the Short Server ID; /21, /23, /24 name their server in ssid too ([FL] BS).
          if (oid == 1)
            if (const Value* ssid = res(0)) l.params.push_back({"ssid", ssid->ToText(), false});
        }
        links.push_back(std::move(l));
      }
    }
    return links;
  }

  CoapMessage DoBootstrapDiscover(const CoapMessage& req, const Operation& op) {
    const Path& p = op.path;
    if (!p.IsRoot())
      if (Status s = ObjectKnown(p); !s.ok()) return ErrorReply(req, s);
    Result<std::string> text = SerializeLinkFormat(BootstrapLinks(p));
    if (!text) return ErrorReply(req, InternalError(text.status().message()));
    CoapMessage r = Reply(req, CoapCode::kContent);
    r.SetContentFormat(ContentFormat::kLinkFormat);
    r.payload.assign(text->begin(), text->end());
    return r;
  }

  CoapMessage DoBootstrapDelete(const CoapMessage& req, const Operation& op, const Requester& who) {
    const Path& p = op.path;
    if (p.size() == 2) {
      if (!Inst(p[0], p[1])) return ErrorReply(req, NotFound(p.ToString() + " does not exist"));
      // Core TS 1.2 §6.1.7.6: the Bootstrap-Server Account is never deleted.
      if (p[0] == 0 && IsBootstrapAccount(p[1]))
        return ErrorReply(req, BadRequest(p.ToString() + " is the Bootstrap-Server Account"));
      if (Status s = MayProvision(p[0], p[1], ProvisioningSource::kBootstrapServer); !s.ok())
        return ErrorReply(req, s);
      if (p[0] == 3) return ErrorReply(req, BadRequest("/3/0 (Device) is never deleted"));
      RemoveInstance(p[0], p[1], who);
      return Reply(req, CoapCode::kDeleted);
    }
    std::vector<std::pair<uint16_t, uint16_t>> victims;
    for (const auto& [oid, od] : objects) {
      if (p.size() == 1 && oid != p[0]) continue;
      if (oid == 3) continue;  // the Device Object instance stays
      for (const auto& [iid, inst] : od.instances) {
        if (oid == 0 && IsBootstrapAccount(iid)) continue;
        if ((oid == 0 || oid == 1) && Priority(inst.source) > Priority(ProvisioningSource::kBootstrapServer) &&
            !Fault("bootstrap-source-override")) {
          refusals.push_back(P2(oid, iid).ToString() + " (" + std::string(SourceName(inst.source)) +
                             ") kept by Bootstrap-Delete " + p.ToString() + " (BOOT-PROV-002)");
          continue;
        }
        victims.push_back({oid, iid});
      }
    }
    for (auto [oid, iid] : victims) RemoveInstance(oid, iid, who);
    return Reply(req, CoapCode::kDeleted);
  }

  Status Consistency() const {
    if (Fault("finish-always-ok")) return Status::Ok();
    std::map<int64_t, uint16_t> security_by_ssid;
    if (const ObjectData* sec = Obj(0))
      for (const auto& [iid, inst] : sec->instances) {
        if (IsBootstrapAccount(iid)) continue;
        auto it = inst.resources.find(10);
        if (it == inst.resources.end())
          return NotAcceptable("/0/" + std::to_string(iid) + " is an LwM2M Server account without Short Server ID");
        for (uint16_t rid : {0, 2})
          if (!inst.resources.count(rid))
            return NotAcceptable("/0/" + std::to_string(iid) + " lacks mandatory resource " + std::to_string(rid));
        security_by_ssid[it->second.value.AsInteger()] = iid;
      }
    size_t accounts = 0;
    if (const ObjectData* srv = Obj(1))
      for (const auto& [iid, inst] : srv->instances) {
        auto it = inst.resources.find(0);
        if (it == inst.resources.end())
          return NotAcceptable("/1/" + std::to_string(iid) + " has no Short Server ID");
        if (!security_by_ssid.count(it->second.value.AsInteger()))
          return NotAcceptable("/1/" + std::to_string(iid) + " (ssid " + it->second.value.ToText() +
                               ") has no /0 instance with that Short Server ID");
        ++accounts;
      }
    if (accounts == 0) return NotAcceptable("no LwM2M Server account (/0 + /1 with one Short Server ID)");
    return Status::Ok();
  }
};

// ---------------------------------------------------------------- DataModel

DataModel::DataModel(DataModelOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
  impl_->models = impl_->opt.models ? impl_->opt.models : &ModelRegistry::Builtin();
  impl_->obs = std::make_unique<ObservationManagerImpl>(*this);
}

DataModel::~DataModel() = default;

const ModelRegistry& DataModel::models() const { return *impl_->models; }
const DataModelOptions& DataModel::options() const { return impl_->opt; }
bool DataModel::HasFault(std::string_view name) const { return impl_->Fault(name); }
size_t DataModel::ServerCount() const { return impl_->ServerCount(); }
const std::vector<std::string>& DataModel::ProvisioningRefusals() const { return impl_->refusals; }

Status DataModel::CreateInstance(uint16_t object_id, uint16_t instance_id, ProvisioningSource source) {
  if (instance_id == Path::kReservedId) return BadRequest("instance id 65535 is reserved");
  return impl_->CreateInst(object_id, instance_id, source, Requester::Local());
}

Status DataModel::DeleteInstance(const Path& instance) {
  if (instance.level() != Path::Level::kObjectInstance) return BadRequest(instance.ToString() + " is no instance");
  if (!impl_->Inst(instance[0], instance[1])) return NotFound(instance.ToString() + " does not exist");
  impl_->RemoveInstance(instance[0], instance[1], Requester::Local());
  return Status::Ok();
}

Status DataModel::SetValue(const Path& p, const Value& value, ProvisioningSource source) {
  if (p.size() < 3) return BadRequest(p.ToString() + ": SetValue needs a Resource or Resource Instance path");
  if (!impl_->ResModel(p[0], p[2])) return NotFound("no resource " + p.Truncated(3).ToString() + " in the model");
  if (Status s = impl_->MayProvision(p[0], p[1], source); !s.ok()) return {StatusCode::kUnauthorized, s.message()};
  if (!impl_->Inst(p[0], p[1]))
    if (Status s = impl_->CreateInst(p[0], p[1], source, Requester::Local()); !s.ok()) return s;
  if (Priority(source) > 0 && (p[0] == 0 || p[0] == 1)) impl_->Inst(p[0], p[1])->source = source;
  return impl_->Store(p, value, Requester::Local());
}

Status DataModel::SetMulti(const Path& p, const std::map<uint16_t, Value>& instances) {
  if (p.level() != Path::Level::kResource) return BadRequest(p.ToString() + " is no resource path");
  const ResourceModel* rm = impl_->ResModel(p[0], p[2]);
  if (!rm) return NotFound("no resource " + p.ToString() + " in the model");
  if (!rm->multiple) return BadRequest(p.ToString() + " is a single-instance resource");
  if (!impl_->Inst(p[0], p[1]))
    if (Status s = impl_->CreateInst(p[0], p[1], ProvisioningSource::kLocal, Requester::Local()); !s.ok()) return s;
  for (const auto& [riid, v] : instances)
    if (Result<Value> cv = impl_->Coerce(*rm, v, p.Child(riid)); !cv) return cv.status();
  impl_->ClearMulti(p[0], p[1], p[2], Requester::Local());
  impl_->Inst(p[0], p[1])->resources[p[2]].multiple = true;
  for (const auto& [riid, v] : instances)
    if (Status s = impl_->Store(p.Child(riid), v, Requester::Local()); !s.ok()) return s;
  return Status::Ok();
}

std::optional<Value> DataModel::GetValue(const Path& p) const {
  if (p.size() < 3) return std::nullopt;
  const InstanceData* inst = impl_->Inst(p[0], p[1]);
  if (!inst) return std::nullopt;
  auto it = inst->resources.find(p[2]);
  if (it == inst->resources.end()) return std::nullopt;
  if (p.size() == 4) {
    auto ri = it->second.instances.find(p[3]);
    if (ri == it->second.instances.end()) return std::nullopt;
    return ri->second;
  }
  if (it->second.multiple || it->second.value.is_none()) return std::nullopt;
  return it->second.value;
}

std::vector<uint16_t> DataModel::Instances(uint16_t object_id) const {
  std::vector<uint16_t> out;
  if (const ObjectData* od = impl_->Obj(object_id))
    for (const auto& [iid, inst] : od->instances) out.push_back(iid);
  return out;
}

std::vector<uint16_t> DataModel::Objects() const {
  std::vector<uint16_t> out;
  for (const auto& [oid, od] : impl_->objects)
    if ((od.enabled || !od.instances.empty()) && impl_->ObjModel(oid)) out.push_back(oid);
  return out;
}

bool DataModel::Exists(const Path& path) const { return impl_->PathExists(path); }

Content DataModel::Read(const Path& path) const {
  Content c;
  if (path.IsRoot()) {
    for (const auto& [oid, od] : impl_->objects) impl_->AppendRecords(Path{oid}, c.records, true);
  } else {
    impl_->AppendRecords(path, c.records, true);
  }
  return c;
}

std::optional<ProvisioningSource> DataModel::SourceOf(const Path& instance) const {
  if (instance.size() < 2) return std::nullopt;
  const InstanceData* inst = impl_->Inst(instance[0], instance[1]);
  if (!inst) return std::nullopt;
  return inst->source;
}

void DataModel::EnableObject(uint16_t object_id, std::optional<std::string> version) {
  ObjectData& od = impl_->objects[object_id];
  od.enabled = true;
  if (version) od.version = version;
}

void DataModel::SetExecuteAction(const Path& resource, ExecuteAction action) {
  impl_->actions[resource] = std::move(action);
}

void DataModel::SetOnChange(std::function<void(const Path&, const Requester&)> on_change) {
  impl_->on_change = std::move(on_change);
}

void DataModel::SetWriteHook(const Path& resource, WriteHook hook) { impl_->hooks[resource] = std::move(hook); }

ObservationManager& DataModel::observations() { return *impl_->obs; }

NotificationAttributes DataModel::AttachedAttributes(uint16_t ssid, const Path& path) const {
  auto it = impl_->attrs.find({ssid, path});
  return it == impl_->attrs.end() ? NotificationAttributes{} : it->second;
}

NotificationAttributes DataModel::InheritedAttributes(uint16_t ssid, const Path& path) const {
  NotificationAttributes out;
  auto over = [](NotificationAttributes& dst, const NotificationAttributes& src) {
    if (src.pmin) dst.pmin = src.pmin;
    if (src.pmax) dst.pmax = src.pmax;
    if (src.gt) dst.gt = src.gt;
    if (src.lt) dst.lt = src.lt;
    if (src.st) dst.st = src.st;
    if (src.epmin) dst.epmin = src.epmin;
    if (src.epmax) dst.epmax = src.epmax;
    if (src.edge) dst.edge = src.edge;
    if (src.con) dst.con = src.con;
    if (src.hqmax) dst.hqmax = src.hqmax;
  };
  for (size_t n = 1; n <= path.size(); ++n) over(out, AttachedAttributes(ssid, path.Truncated(n)));
  // Defaults: /1/x/2 Default Minimum Period, /1/x/3 Default Maximum Period of that server.
  for (uint16_t iid : Instances(1)) {
    auto s = GetValue(P3(1, iid, 0));
    if (!s || s->AsInteger() != ssid) continue;
    if (!out.pmin)
      if (auto v = GetValue(P3(1, iid, 2)); v && v->AsInteger() >= 0) out.pmin = static_cast<uint64_t>(v->AsInteger());
    if (!out.pmax)
      if (auto v = GetValue(P3(1, iid, 3)); v && v->AsInteger() > 0) out.pmax = static_cast<uint64_t>(v->AsInteger());
    if (!out.con)
      if (auto v = GetValue(P3(1, iid, 26)); v) out.con = v->AsInteger() == 1;  // Default Notification Mode
  }
  return out;
}

Status DataModel::CheckBootstrapConsistency() const { return impl_->Consistency(); }

CoapMessage DataModel::Handle(const CoapMessage& request, const Requester& who) {
  ClassifyOptions co;
  co.direction = Direction::kServerToClient;
  co.bootstrap_server = who.kind == Requester::Kind::kBootstrapServer;
  co.models = impl_->models;
  Classification c = Classify(request, co);
  if (!c.operation) return ErrorReply(request, c.status.ok() ? BadRequest("no LwM2M operation") : c.status);
  const Operation& op = *c.operation;
  if (!c.status.ok()) {
    auto oid = op.path.object_id();
    bool bypass = impl_->Fault("allow-dm-on-security") && c.status.code() == StatusCode::kUnauthorized && oid &&
                  (*oid == 0 || *oid == 21 || *oid == 23);
    if (!bypass) return ErrorReply(request, c.status);
  }
  switch (op.kind) {
    case OperationKind::kRead:
    case OperationKind::kObserve:
    case OperationKind::kCancelObservation: return impl_->DoRead(request, op, who);
    case OperationKind::kReadComposite:
    case OperationKind::kObserveComposite:
    case OperationKind::kCancelObserveComposite: return impl_->DoReadComposite(request, op, who);
    case OperationKind::kDiscover: return impl_->DoDiscover(request, op, who);
    case OperationKind::kWrite: return impl_->DoWrite(request, op, who);
    case OperationKind::kWriteComposite: return impl_->DoWriteComposite(request, who);
    case OperationKind::kWriteAttributes: return impl_->DoWriteAttributes(request, op, who);
    case OperationKind::kExecute: return impl_->DoExecute(request, op, who);
    case OperationKind::kCreate: return impl_->DoCreate(request, op, who);
    case OperationKind::kDelete: return impl_->DoDelete(request, op, who);
    case OperationKind::kBootstrapWrite: return impl_->DoBootstrapWrite(request, op, who);
    case OperationKind::kBootstrapRead: return impl_->DoBootstrapRead(request, op, who);
    case OperationKind::kBootstrapDiscover: return impl_->DoBootstrapDiscover(request, op);
    case OperationKind::kBootstrapDelete: return impl_->DoBootstrapDelete(request, op, who);
    case OperationKind::kBootstrapFinish: {
      Status s = impl_->Consistency();
      return s.ok() ? Reply(request, CoapCode::kChanged) : ErrorReply(request, s);
    }
    default: break;
  }
  return ErrorReply(request, {StatusCode::kMethodNotAllowed,
                              std::string(OperationName(op.kind)) + " is not a request a client answers"});
}

Result<std::vector<Path>> DataModel::CompositePaths(const CoapMessage& request) const {
  return impl_->PathList(request);
}

std::string DataModel::RegisterLinks(const RegisterLinkOptions& options) const {
  std::vector<Link> links;
  const std::string& ver = impl_->opt.enabler_version;
  std::string root = options.root_path.empty() ? "/" : options.root_path;
  Link first{root, {}};
  if (!options.root_path.empty()) first.params.push_back({"rt", "oma.lwm2m", true});
  if (options.include_content_formats && ver != "1.0") {
    // Core TS 1.2 §6.2.1: ct lists the formats the client supports beyond the mandatory ones.
    std::string ct = ver == "1.2" ? "60 110 112 11542 11544" : "60 110 112 11542";
    first.params.push_back({"ct", ct, true});
  }
  if (!options.root_path.empty() || first.params.size() > 0) links.push_back(first);
  std::string prefix = options.root_path.empty() ? "" : options.root_path;
  for (uint16_t oid : Objects()) {
    // Core TS 1.2 §6.2.1: /0, /21 (and /23, 1.2.1) are never listed.
    if (oid == 0 || oid == 21 || oid == 23) continue;
    const ObjectModel* om = impl_->ObjModel(oid);
    std::vector<uint16_t> inst = Instances(oid);
    bool ver_differs = options.declare_versions && om && om->version != ImpliedVersion(ver, oid);
    if (inst.empty() || ver_differs) {
      Link l{prefix + "/" + std::to_string(oid), {}};
      if (ver_differs) l.params.push_back({"ver", om->version, ver == "1.0"});
      links.push_back(std::move(l));
    }
    for (uint16_t iid : inst) links.push_back({prefix + P2(oid, iid).ToString(), {}});
  }
  Result<std::string> s = SerializeLinkFormat(links);
  return s ? *s : std::string();
}

Status DataModel::PopulateDefaults() {
  auto inst = [&](uint16_t o) -> Status {
    if (impl_->Inst(o, 0)) return Status::Ok();
    return CreateInstance(o, 0, ProvisioningSource::kLocal);
  };
  auto set = [&](uint16_t o, uint16_t r, Value v) { return impl_->Store(P3(o, 0, r), v, Requester::Local()); };
  std::vector<Status> results;
  if (impl_->Inst(3, 0) == nullptr) {
    results.push_back(inst(3));
    results.push_back(set(3, 0, Value::String("lwm2m-harness")));
    results.push_back(set(3, 1, Value::String("reference-client")));
    results.push_back(set(3, 2, Value::String("RC-0001")));
    results.push_back(set(3, 3, Value::String("1.0.0")));
    results.push_back(SetMulti(P3(3, 0, 6), {{0, Value::Integer(1)}}));  // DC power
    results.push_back(set(3, 9, Value::Integer(100)));
    results.push_back(SetMulti(P3(3, 0, 11), {{0, Value::Integer(0)}}));  // no error
    results.push_back(set(3, 13, Value::Time(1700000000)));
    results.push_back(set(3, 14, Value::String("+00:00")));
    results.push_back(set(3, 16, Value::String(impl_->opt.enabler_version == "1.0" ? "UQ" : "U")));
    results.push_back(set(3, 17, Value::String("demo")));
    results.push_back(set(3, 18, Value::String("1.0")));
    results.push_back(set(3, 19, Value::String("1.0.0")));
  }
  if (impl_->Inst(4, 0) == nullptr) {
    results.push_back(inst(4));
    results.push_back(set(4, 0, Value::Integer(41)));  // Ethernet
    results.push_back(SetMulti(P3(4, 0, 1), {{0, Value::Integer(41)}}));
    results.push_back(set(4, 2, Value::Integer(0)));
    results.push_back(SetMulti(P3(4, 0, 4), {{0, Value::String("127.0.0.1")}}));
  }
  if (impl_->Inst(5, 0) == nullptr) {
    results.push_back(inst(5));
    results.push_back(set(5, 1, Value::String("")));
    results.push_back(set(5, 3, Value::Integer(0)));
    results.push_back(set(5, 5, Value::Integer(0)));
    results.push_back(SetMulti(P3(5, 0, 8), {{0, Value::Integer(0)}, {1, Value::Integer(1)}}));  // CoAP, CoAPS
    results.push_back(set(5, 9, Value::Integer(2)));  // pull and push
  }
  if (impl_->Inst(3303, 0) == nullptr) {
    results.push_back(inst(3303));
    results.push_back(set(3303, 5700, Value::Float(21.5)));
    results.push_back(set(3303, 5601, Value::Float(21.5)));
    results.push_back(set(3303, 5602, Value::Float(21.5)));
    results.push_back(set(3303, 5603, Value::Float(-40.0)));
    results.push_back(set(3303, 5604, Value::Float(85.0)));
    results.push_back(set(3303, 5701, Value::String("Cel")));
  }
  if (impl_->Inst(3200, 0) == nullptr) {
    results.push_back(inst(3200));
    results.push_back(set(3200, 5500, Value::Boolean(false)));
    results.push_back(set(3200, 5501, Value::Integer(0)));
  }
  for (const Status& s : results)
    if (!s.ok()) return s;
  return Status::Ok();
}

}  // namespace lwm2m::refclient
