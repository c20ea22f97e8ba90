// operation.cc: LwM2M operations <-> CoAP requests, and response labelling
// (Core TS 1.2 §6; Transport TS 1.2 §6.4 and §6.7).
#include "lwm2m/operation.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "lwm2m/codec/codec.h"

namespace lwm2m {

namespace {

// ---------------------------------------------------------------- tables

struct KindInfo {
  OperationKind kind;
  const char* name;
  const char* key;
  Interface interface;
  Direction direction;
  uint8_t success;
  const char* rule;  // the Core TS clause of the operation
};

constexpr KindInfo kKinds[] = {
    {OperationKind::kBootstrapRequest, "Bootstrap-Request", "bootstrap-request", Interface::kBootstrap,
     Direction::kClientToServer, CoapCode::kChanged, "Core TS 1.2 §6.1.7.1"},
    {OperationKind::kBootstrapPackRequest, "Bootstrap-Pack-Request", "bootstrap-pack-request", Interface::kBootstrap,
     Direction::kClientToServer, CoapCode::kContent, "Core TS 1.2 §6.1.7.7"},
    {OperationKind::kBootstrapWrite, "Bootstrap-Write", "bootstrap-write", Interface::kBootstrap,
     Direction::kServerToClient, CoapCode::kChanged, "Core TS 1.2 §6.1.7.5"},
    {OperationKind::kBootstrapRead, "Bootstrap-Read", "bootstrap-read", Interface::kBootstrap,
     Direction::kServerToClient, CoapCode::kContent, "Core TS 1.2 §6.1.7.4"},
    {OperationKind::kBootstrapDiscover, "Bootstrap-Discover", "bootstrap-discover", Interface::kBootstrap,
     Direction::kServerToClient, CoapCode::kContent, "Core TS 1.2 §6.1.7.3"},
    {OperationKind::kBootstrapDelete, "Bootstrap-Delete", "bootstrap-delete", Interface::kBootstrap,
     Direction::kServerToClient, CoapCode::kDeleted, "Core TS 1.2 §6.1.7.6"},
    {OperationKind::kBootstrapFinish, "Bootstrap-Finish", "bootstrap-finish", Interface::kBootstrap,
     Direction::kServerToClient, CoapCode::kChanged, "Core TS 1.2 §6.1.7.2"},
    {OperationKind::kRegister, "Register", "register", Interface::kRegistration, Direction::kClientToServer,
     CoapCode::kCreated, "Core TS 1.2 §6.2.1"},
    {OperationKind::kUpdate, "Update", "update", Interface::kRegistration, Direction::kClientToServer,
     CoapCode::kChanged, "Core TS 1.2 §6.2.2"},
    {OperationKind::kDeregister, "De-register", "deregister", Interface::kRegistration, Direction::kClientToServer,
     CoapCode::kDeleted, "Core TS 1.2 §6.2.3"},
    {OperationKind::kRead, "Read", "read", Interface::kDeviceManagement, Direction::kServerToClient,
     CoapCode::kContent, "Core TS 1.2 §6.3.1"},
    {OperationKind::kReadComposite, "Read-Composite", "read-composite", Interface::kDeviceManagement,
     Direction::kServerToClient, CoapCode::kContent, "Core TS 1.2 §6.3.8"},
    {OperationKind::kDiscover, "Discover", "discover", Interface::kDeviceManagement, Direction::kServerToClient,
     CoapCode::kContent, "Core TS 1.2 §6.3.2"},
    {OperationKind::kWrite, "Write", "write", Interface::kDeviceManagement, Direction::kServerToClient,
     CoapCode::kChanged, "Core TS 1.2 §6.3.3"},
    {OperationKind::kWriteComposite, "Write-Composite", "write-composite", Interface::kDeviceManagement,
     Direction::kServerToClient, CoapCode::kChanged, "Core TS 1.2 §6.3.9"},
    {OperationKind::kWriteAttributes, "Write-Attributes", "write-attributes", Interface::kDeviceManagement,
     Direction::kServerToClient, CoapCode::kChanged, "Core TS 1.2 §6.3.4"},
    {OperationKind::kExecute, "Execute", "execute", Interface::kDeviceManagement, Direction::kServerToClient,
     CoapCode::kChanged, "Core TS 1.2 §6.3.5"},
    {OperationKind::kCreate, "Create", "create", Interface::kDeviceManagement, Direction::kServerToClient,
     CoapCode::kCreated, "Core TS 1.2 §6.3.6"},
    {OperationKind::kDelete, "Delete", "delete", Interface::kDeviceManagement, Direction::kServerToClient,
     CoapCode::kDeleted, "Core TS 1.2 §6.3.7"},
    {OperationKind::kObserve, "Observe", "observe", Interface::kInformationReporting, Direction::kServerToClient,
     CoapCode::kContent, "Core TS 1.2 §6.4.1"},
    {OperationKind::kObserveComposite, "Observe-Composite", "observe-composite", Interface::kInformationReporting,
     Direction::kServerToClient, CoapCode::kContent, "Core TS 1.2 §6.4.4"},
    {OperationKind::kCancelObservation, "Cancel Observation", "cancel-observation",
     Interface::kInformationReporting, Direction::kServerToClient, CoapCode::kContent, "Core TS 1.2 §6.4.3"},
    {OperationKind::kCancelObserveComposite, "Cancel Observation-Composite", "cancel-observe-composite",
     Interface::kInformationReporting, Direction::kServerToClient, CoapCode::kContent, "Core TS 1.2 §6.4.5"},
    {OperationKind::kSend, "Send", "send", Interface::kInformationReporting, Direction::kClientToServer,
     CoapCode::kChanged, "Core TS 1.2 §6.4.6"},
};

const KindInfo& Info(OperationKind k) {
  for (const auto& i : kKinds)
    if (i.kind == k) return i;
  return kKinds[0];
}

constexpr const char* kT642 = "Transport TS 1.2 §6.4.2";
constexpr const char* kT643 = "Transport TS 1.2 §6.4.3";
constexpr const char* kT644 = "Transport TS 1.2 §6.4.4";
constexpr const char* kT645 = "Transport TS 1.2 §6.4.5";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Text(const Bytes& b) { return std::string(b.begin(), b.end()); }
Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

std::string CfText(ContentFormat f) { return ContentFormatLabel(static_cast<uint16_t>(f)); }

bool IsOneOf(ContentFormat f, std::initializer_list<ContentFormat> list) {
  return std::find(list.begin(), list.end(), f) != list.end();
}

std::string CfList(std::initializer_list<ContentFormat> list) {
  std::string s;
  for (ContentFormat f : list) s += (s.empty() ? "" : ", ") + CfText(f);
  return s;
}

// Formats the TS lists for each use (Core TS 1.2 §6.1.7.1, §6.3.3, §6.3.6, §6.3.8, §6.3.9, §6.4.6).
constexpr std::initializer_list<ContentFormat> kHierarchical = {ContentFormat::kTlv, ContentFormat::kLwm2mCbor,
                                                                ContentFormat::kSenmlCbor, ContentFormat::kSenmlJson};
constexpr std::initializer_list<ContentFormat> kPathLists = {ContentFormat::kSenmlEtchJson, ContentFormat::kSenmlEtchCbor,
                                                             ContentFormat::kSenmlJson, ContentFormat::kSenmlCbor};
constexpr std::initializer_list<ContentFormat> kCompositeWrite = {
    ContentFormat::kLwm2mCbor, ContentFormat::kSenmlCbor, ContentFormat::kSenmlJson, ContentFormat::kSenmlEtchCbor,
    ContentFormat::kSenmlEtchJson};
constexpr std::initializer_list<ContentFormat> kCompositeRead = {ContentFormat::kLwm2mCbor, ContentFormat::kSenmlCbor,
                                                                 ContentFormat::kSenmlJson};

struct Query {
  std::string name;
  std::optional<std::string> value;
  std::string text;
};

std::vector<Query> SplitQueries(const CoapMessage& m) {
  std::vector<Query> out;
  for (const std::string& q : m.UriQueries()) {
    size_t eq = q.find('=');
    Query x{q.substr(0, eq), std::nullopt, q};
    if (eq != std::string::npos) x.value = q.substr(eq + 1);
    out.push_back(std::move(x));
  }
  return out;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsVersion(std::string_view v) {
  size_t dot = v.find('.');
  return dot != std::string_view::npos && IsDigits(v.substr(0, dot)) && IsDigits(v.substr(dot + 1));
}

// Collects diagnostics; the first error fixes the status a strict receiver answers.
struct Ctx {
  Diagnostics d;
  Status status;
  std::string path;

  void Fail(StatusCode code, const std::string& msg, const std::string& rule) {
    d.Error(std::nullopt, path, msg, rule);
    if (status.ok()) status = Status(code, msg);
  }
  void Warn(const std::string& msg, const std::string& rule) { d.Warning(std::nullopt, path, msg, rule); }
  void Note(const std::string& msg, const std::string& rule) { d.Info(std::nullopt, path, msg, rule); }
  void Absorb(const std::vector<Diagnostic>& list) {
    for (const Diagnostic& x : list) {
      Diagnostic y = x;
      if (y.path.empty()) y.path = path;
      d.Add(y);
      if (y.severity == Severity::kError && status.ok()) status = BadRequest(y.message);
    }
  }
};

// ---------------------------------------------------------------- link payloads

void DecodeLinks(Operation& op, Ctx* c) {
  op.links.clear();
  op.links_decoded = false;
  if (op.payload.empty()) return;
  if (op.content_format && *op.content_format != ContentFormat::kLinkFormat) return;
  const Codec* codec = FindCodec(ContentFormat::kLinkFormat);
  if (codec == nullptr) {
    if (c) c->Note("no link-format codec is registered: the object links are kept as raw bytes only", "");
    return;
  }
  DecodeResult r = codec->Decode(op.payload, CodecContext{});
  op.links = r.content.links;
  op.links_decoded = true;
  if (c) c->Absorb(r.diagnostics);
}

// Core TS 1.2 §6.2.1: the object list MUST NOT contain the Security (/0) or OSCORE (/21)
// Objects; 1.2.1 adds the COSE Object (/23).
void CheckObjectLinks(const Operation& op, Ctx& c) {
  for (const Link& l : op.links) {
    auto p = Path::Parse(l.target);
    if (!p || !p->object_id()) continue;
    uint16_t oid = *p->object_id();
    if (oid == 0 || oid == 21)
      c.Fail(StatusCode::kBadRequest,
             "the object list of " + std::string(OperationName(op.kind)) + " contains </" + std::to_string(oid) +
                 (p->size() > 1 ? "/" + std::to_string(*p->object_instance_id()) : "") + ">; " +
                 (oid == 0 ? "the Security Object" : "the OSCORE Object") + " must not be listed",
             "Core TS 1.2 §6.2.1");
    else if (oid == 23)
      c.Warn("the object list contains </23...>; since 1.2.1 the COSE Object must not be listed",
             "Core TS 1.2.1 §6.2.1");
  }
}

// ---------------------------------------------------------------- registration queries

// pid (Core TS 1.2 §6.2.1): profileID / DQUOTE profileID *("," profileID) DQUOTE, where
// profileID = 1*DIGIT ":" 1*(DIGIT / "a"-"f") / ("oma" / "v") ":" 1*(ALPHA / DIGIT / "-").
bool IsProfileId(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view head = s.substr(0, colon), tail = s.substr(colon + 1);
  if (tail.empty()) return false;
  if (IsDigits(head))
    return std::all_of(tail.begin(), tail.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  if (head == "oma" || head == "v")
    return std::all_of(tail.begin(), tail.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
  return false;
}

bool IsProfileIdValue(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    v = v.substr(1, v.size() - 2);
    while (true) {
      size_t comma = v.find(',');
      if (!IsProfileId(v.substr(0, comma))) return false;
      if (comma == std::string_view::npos) return true;
      v = v.substr(comma + 1);
    }
  }
  return IsProfileId(v);
}

// Parses the query of Register (register=true) or Update into `op.registration`.
void ParseRegistrationQueries(const CoapMessage& m, Operation& op, bool register_op, Ctx& c) {
  const char* rule = register_op ? "Core TS 1.2 §6.2.1" : "Core TS 1.2 §6.2.2";
  const std::string opname(OperationName(op.kind));
  RegistrationParams& r = op.registration;
  std::vector<std::string> seen;
  for (const Query& q : SplitQueries(m)) {
    bool known = q.name == "lt" || q.name == "b" || q.name == "Q" || q.name == "sms" || q.name == "pid" ||
                 (register_op && (q.name == "ep" || q.name == "lwm2m"));
    if (!known) {
      op.extra_queries.push_back(q.text);
      if (!register_op && (q.name == "ep" || q.name == "lwm2m"))
        c.Warn("'" + q.text + "' is a Register parameter; an Update carries only lt, b, Q, sms and pid", rule);
      else
        c.Warn("unknown query parameter '" + q.text + "' in " + opname, std::string(kT643));
      continue;
    }
    if (std::find(seen.begin(), seen.end(), q.name) != seen.end()) {
      c.Fail(StatusCode::kBadRequest, "query parameter " + q.name + " is given more than once", rule);
      continue;
    }
    seen.push_back(q.name);
    if (q.name == "Q") {
      if (q.value)
        c.Fail(StatusCode::kBadRequest, "'" + q.text + "': the queue mode parameter Q takes no value", kT643);
      r.queue_mode = true;
      continue;
    }
    if (!q.value) {
      c.Fail(StatusCode::kBadRequest, "query parameter " + q.name + " has no value", rule);
      continue;
    }
    const std::string& v = *q.value;
    if (q.name == "ep") {
      if (v.empty()) c.Fail(StatusCode::kBadRequest, "endpoint client name 'ep=' is empty", rule);
      r.endpoint = v;
    } else if (q.name == "lt") {
      if (!IsDigits(v) || v.size() > 10 || std::stoull(v) > 0xFFFFFFFFull)
        c.Fail(StatusCode::kBadRequest, "lifetime 'lt=" + v + "' is not a number of seconds", rule);
      else
        r.lifetime = static_cast<uint32_t>(std::stoull(v));
    } else if (q.name == "lwm2m") {
      if (!IsVersion(v))
        c.Fail(StatusCode::kBadRequest, "LwM2M version 'lwm2m=" + v + "' is not of the form 1*DIGIT \".\" 1*DIGIT",
               rule);
      r.lwm2m_version = v;
    } else if (q.name == "b") {
      if (v.empty() || v.find_first_not_of("UTSNMHQ") != std::string::npos)
        c.Fail(StatusCode::kBadRequest,
               "binding 'b=" + v + "' is not made of the binding letters U, T, S, N, M, H", "Core TS 1.2 §6.2.1.2");
      else if (v.find('Q') != std::string::npos)
        c.Warn("binding 'b=" + v + "' carries Q, the LwM2M 1.0 form of queue mode; 1.1+ sends Q as its own parameter",
               "Core TS 1.2 §6.2.1.2");
      r.binding = v;
    } else if (q.name == "sms") {
      if (!IsDigits(v))
        c.Warn("SMS number 'sms=" + v + "' is not an MSISDN of digits (no leading '+')", kT643);
      r.sms = v;
    } else if (q.name == "pid") {
      if (!IsProfileIdValue(v))
        c.Warn("Profile ID 'pid=" + v + "' does not follow the ABNF (suite:lower-case hex, oma:x or v:x)", rule);
      r.profile_id = v;
    }
  }
}

// ---------------------------------------------------------------- classification helpers

void RequireContentFormat(const CoapMessage& m, const Operation& op, Ctx& c,
                          std::initializer_list<ContentFormat> allowed, const std::string& rule) {
  const std::string opname(OperationName(op.kind));
  if (!m.HasOption(CoapOption::kContentFormat) || !op.content_format) {
    c.Fail(StatusCode::kBadRequest, opname + " without a Content-Format option; the format must be stated", rule);
    return;
  }
  if (allowed.size() > 0 && !IsOneOf(*op.content_format, allowed))
    c.Fail(StatusCode::kUnsupportedContentFormat,
           opname + " with Content-Format " + CfText(*op.content_format) + "; allowed: " + CfList(allowed), rule);
}

void NoQueries(const CoapMessage& m, Operation& op, Ctx& c, const char* rule) {
  for (const std::string& q : m.UriQueries()) {
    op.extra_queries.push_back(q);
    c.Warn("unknown query parameter '" + q + "' in " + std::string(OperationName(op.kind)), rule);
  }
}

void NoPayload(const Operation& op, Ctx& c, const char* rule) {
  if (!op.payload.empty())
    c.Warn(std::string(OperationName(op.kind)) + " carries a " + std::to_string(op.payload.size()) +
               "-byte payload, which it does not define",
           rule);
}

// Attribute queries of Write-Attributes, Observe and Observe-Composite.
void ParseAttributeQueries(const CoapMessage& m, Operation& op, const ClassifyOptions& o, Ctx& c, const char* rule) {
  AttributeParseResult a = ParseNotificationAttributes(m.UriQueries());
  op.attributes = a.attributes;
  c.Absorb(a.diagnostics);
  AttributeTarget target;
  if (op.kind != OperationKind::kObserveComposite) target.path = op.path;
  if (o.models && op.path.level() >= Path::Level::kResource)
    if (const ResourceModel* rm = o.models->FindResource(op.path)) target.type = rm->type;
  c.Absorb(ValidateNotificationAttributes(op.attributes, target));
  if (op.kind == OperationKind::kObserveComposite) {
    // Core TS 1.2 §6.4.4: only the object-level attributes pmin, pmax, epmin, epmax, con.
    for (NotificationAttribute x : {NotificationAttribute::kGt, NotificationAttribute::kLt, NotificationAttribute::kSt,
                                    NotificationAttribute::kEdge, NotificationAttribute::kHqmax})
      if (op.attributes.IsSet(x) || op.attributes.IsUnset(x))
        c.Fail(StatusCode::kBadRequest,
               "Observe-Composite carries '" + std::string(AttributeName(x)) +
                   "'; only pmin, pmax, epmin, epmax and con are allowed",
               "Core TS 1.2 §6.4.4");
  }
  if (op.kind != OperationKind::kWriteAttributes && !op.attributes.unset.empty())
    c.Warn(std::string(OperationName(op.kind)) + " carries attributes without a value; they unset nothing here",
           rule);
}

bool IsExecutable(const ClassifyOptions& o, const Path& p, std::optional<bool>& multiple) {
  if (!o.models) return false;
  const ResourceModel* rm = o.models->FindResource(p.Truncated(3));
  if (!rm) return false;
  multiple = rm->multiple;
  return rm->operations == Operations::kExecute;
}

// Server-side objects a DM server may not touch (Core TS 1.2 §6.3, §6.4: 4.01).
void CheckSecurityObjects(const Operation& op, Ctx& c) {
  auto oid = op.path.object_id();
  if (oid && (*oid == 0 || *oid == 21 || *oid == 23))
    c.Fail(StatusCode::kUnauthorized,
           std::string(OperationName(op.kind)) + " on " + op.path.ToString() +
               ": the Security, OSCORE and COSE Objects are not accessible to an LwM2M Server (the client answers "
               "4.01)",
           "Core TS 1.2 §6.3");
}

void NotAllowed(const Operation& op, Ctx& c, const std::string& why, const char* rule) {
  c.Fail(StatusCode::kMethodNotAllowed,
         std::string(OperationName(op.kind)) + " on " + op.path.ToString() + ": " + why, rule);
}

// ---------------------------------------------------------------- client -> server

void ClassifyFromClient(const CoapMessage& m, const ClassifyOptions& o, Classification& out, Ctx& c) {
  std::vector<std::string> segs;
  for (const auto* opt : m.FindOptions(CoapOption::kUriPath)) segs.push_back(Text(opt->value));
  Operation op;
  op.content_format = m.GetContentFormat();
  op.accept = m.GetAccept();
  op.payload = m.payload;
  c.path = m.UriPath();

  auto finish = [&] { out.operation = std::move(op); };

  if (segs.size() == 1 && segs[0] == "bs" && m.code == CoapCode::kPost) {
    op.kind = OperationKind::kBootstrapRequest;
    if (!o.bootstrap_server) c.Note("Bootstrap-Request sent to a server not marked as Bootstrap-Server", kT642);
    for (const Query& q : SplitQueries(m)) {
      if (q.name == "ep" && q.value && !op.registration.endpoint) {
        if (q.value->empty()) c.Fail(StatusCode::kBadRequest, "endpoint client name 'ep=' is empty", kT642);
        op.registration.endpoint = *q.value;
      } else if (q.name == "pct" && q.value && !op.preferred_content_format) {
        if (!IsDigits(*q.value) || q.value->size() > 5 || std::stoul(*q.value) > 0xFFFF) {
          c.Fail(StatusCode::kBadRequest, "preferred content format 'pct=" + *q.value + "' is not a number", kT642);
          continue;
        }
        op.preferred_content_format = static_cast<ContentFormat>(std::stoul(*q.value));
        if (!IsOneOf(*op.preferred_content_format, kHierarchical))
          c.Fail(StatusCode::kBadRequest,
                 "preferred content format " + CfText(*op.preferred_content_format) + " is not one of " +
                     CfList(kHierarchical),
                 "Core TS 1.2 §6.1.7.1");
      } else {
        op.extra_queries.push_back(q.text);
        c.Warn("unknown or repeated query parameter '" + q.text + "' in Bootstrap-Request", kT642);
      }
    }
    if (!op.registration.endpoint) {
      if (o.authenticated_identity)
        c.Note("Bootstrap-Request without ep: the security identity names the client", "Core TS 1.2 §6.1.7.1");
      else
        c.Fail(StatusCode::kBadRequest, "Bootstrap-Request without ep and without an authenticated identity",
               "Core TS 1.2 §6.1.7.1");
    }
    NoPayload(op, c, kT642);
    return finish();
  }
  if (segs.size() == 1 && segs[0] == "bspack" && m.code == CoapCode::kGet) {
    op.kind = OperationKind::kBootstrapPackRequest;
    for (const Query& q : SplitQueries(m)) {
      if (q.name == "ep" && q.value && !op.registration.endpoint) {
        op.registration.endpoint = *q.value;
      } else if (q.name == "acc" && q.value && !op.bootstrap_accounts) {
        op.bootstrap_accounts = *q.value;
      } else {
        op.extra_queries.push_back(q.text);
        c.Warn("unknown or repeated query parameter '" + q.text + "' in Bootstrap-Pack-Request", kT642);
      }
    }
    if (!op.registration.endpoint && !o.authenticated_identity)
      c.Fail(StatusCode::kBadRequest, "Bootstrap-Pack-Request without ep and without an authenticated identity",
             "Core TS 1.2 §6.1.7.7");
    if (!op.accept)
      c.Warn("Bootstrap-Pack-Request without Accept; the pack is SenML CBOR, SenML JSON or LwM2M CBOR",
             "Core TS 1.2 §6.1.7.7");
    else if (!IsOneOf(*op.accept, kCompositeRead))
      c.Fail(StatusCode::kNotAcceptable,
             "Bootstrap-Pack-Request accepts " + CfText(*op.accept) + "; allowed: " + CfList(kCompositeRead),
             "Core TS 1.2 §6.1.7.7");
    NoPayload(op, c, kT642);
    return finish();
  }
  if (!segs.empty() && segs[0] == "rd") {
    if (segs.size() == 1 && m.code == CoapCode::kPost) {
      op.kind = OperationKind::kRegister;
      ParseRegistrationQueries(m, op, true, c);
      const RegistrationParams& r = op.registration;
      if (!r.endpoint) {
        if (o.authenticated_identity)
          c.Note("Register without ep: the security identity names the client", "Core TS 1.2 §6.2.1");
        else
          c.Fail(StatusCode::kBadRequest,
                 "Register without the endpoint client name (ep), which a client without an authenticated identity "
                 "must send",
                 "Core TS 1.2 §6.2.1");
      }
      if (!r.lwm2m_version)
        c.Warn("Register without lwm2m: a server takes the client for LwM2M 1.0", "Core TS 1.2 §6.2.1");
      if (!r.lifetime) c.Warn("Register without lt: a server applies its default lifetime", "Core TS 1.2 §6.2.1");
      if (op.payload.empty() && !r.profile_id)
        c.Warn("Register with neither an object list nor a Profile ID: a server that cannot find the list "
               "answers 4.09",
               "Core TS 1.2 §6.2.1");
    } else if (segs.size() >= 2 && (m.code == CoapCode::kPost || m.code == CoapCode::kDelete)) {
      op.location = m.UriPath();
      if (m.code == CoapCode::kPost) {
        op.kind = OperationKind::kUpdate;
        ParseRegistrationQueries(m, op, false, c);
      } else {
        op.kind = OperationKind::kDeregister;
        NoQueries(m, op, c, kT643);
        NoPayload(op, c, kT643);
      }
    } else {
      c.Fail(StatusCode::kMethodNotAllowed,
             CoapCodeName(m.code) + " " + m.UriPath() + " is no Registration operation (Register is POST /rd, "
             "Update POST and De-register DELETE on the location)",
             kT643);
      return;
    }
    if (op.kind != OperationKind::kDeregister && !op.payload.empty()) {
      // The TS gives the payload as link format; without the option the format is indeterminate
      // (RFC 7252 §5.10.3) and deployed 1.0 clients omit it (lwm2m-node-lib 1.4.0 does). A server
      // takes the payload as link format; the diagnostic lets a case flag the omission.
      if (!m.HasOption(CoapOption::kContentFormat))
        c.Warn(std::string(OperationName(op.kind)) +
                   " payload without a Content-Format; taken as link format (40), which it must be",
               "Core TS 1.2 §6.2.1");
      else if (op.content_format != ContentFormat::kLinkFormat)
        c.Fail(StatusCode::kUnsupportedContentFormat,
               std::string(OperationName(op.kind)) + " payload in " +
                   (op.content_format ? CfText(*op.content_format) : std::string("an unreadable Content-Format")) +
                   "; it must be link format (40)",
               "Core TS 1.2 §6.2.1");
      DecodeLinks(op, &c);
      CheckObjectLinks(op, c);
    }
    return finish();
  }
  if (segs.size() == 1 && segs[0] == "dp" && m.code == CoapCode::kPost) {
    op.kind = OperationKind::kSend;
    NoQueries(m, op, c, kT645);
    RequireContentFormat(m, op, c, kCompositeRead, "Core TS 1.2 §6.4.6");
    if (op.payload.empty()) c.Fail(StatusCode::kBadRequest, "Send with an empty payload", "Core TS 1.2 §6.4.6");
    return finish();
  }
  c.Fail(StatusCode::kNotFound,
         CoapCodeName(m.code) + " " + m.UriPath() +
             " from a client is no LwM2M operation (Bootstrap-Request POST /bs, Bootstrap-Pack-Request GET /bspack, "
             "Register POST /rd, Update/De-register on /rd/..., Send POST /dp)",
         kT643);
}

// ---------------------------------------------------------------- server -> client

// Parses the Uri-Path (after the alternate path) as an LwM2M path.
bool TargetPath(const CoapMessage& m, const ClassifyOptions& o, bool use_alternate, Operation& op, Ctx& c) {
  std::vector<std::string> segs;
  for (const auto* opt : m.FindOptions(CoapOption::kUriPath)) segs.push_back(Text(opt->value));
  if (use_alternate && !o.alternate_path.empty() && o.alternate_path != "/") {
    CoapMessage alt = CoapMessage::Request(CoapCode::kGet, o.alternate_path);
    std::vector<std::string> prefix;
    for (const auto* opt : alt.FindOptions(CoapOption::kUriPath)) prefix.push_back(Text(opt->value));
    if (segs.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), segs.begin())) {
      segs.erase(segs.begin(), segs.begin() + static_cast<long>(prefix.size()));
    } else {
      c.Fail(StatusCode::kNotFound,
             "request to " + m.UriPath() + " lacks the client's alternate path " + o.alternate_path,
             "Transport TS 1.2 §6.4.1");
    }
  }
  std::string text;
  for (const auto& s : segs) {
    if (s.find('/') != std::string::npos) {
      c.path = m.UriPath();
      c.Fail(StatusCode::kNotFound, "Uri-Path segment '" + s + "' contains '/', so it names no LwM2M path",
             "RFC 7252 §5.10.1");
      return false;
    }
    text += "/" + s;
  }
  if (text.empty()) text = "/";
  c.path = text;
  auto p = Path::Parse(text);
  if (!p) {
    c.Fail(StatusCode::kMethodNotAllowed, "target " + text + " is no LwM2M path: " + p.status().message(),
           "Transport TS 1.2 §6.4.4");
    return false;
  }
  op.path = *p;
  return true;
}

void ClassifyFromBootstrapServer(const CoapMessage& m, const ClassifyOptions& o, Classification& out, Ctx& c) {
  Operation op;
  op.content_format = m.GetContentFormat();
  op.accept = m.GetAccept();
  op.payload = m.payload;
  std::vector<std::string> segs;
  for (const auto* opt : m.FindOptions(CoapOption::kUriPath)) segs.push_back(Text(opt->value));
  if (m.code == CoapCode::kPost) {
    c.path = m.UriPath();
    if (segs.size() == 1 && segs[0] == "bs") {
      op.kind = OperationKind::kBootstrapFinish;
      NoQueries(m, op, c, kT642);
      NoPayload(op, c, "Core TS 1.2 §6.1.7.2");
      out.operation = std::move(op);
      return;
    }
    c.Fail(StatusCode::kMethodNotAllowed,
           "POST " + m.UriPath() + " from a Bootstrap-Server: its only POST is Bootstrap-Finish on /bs", kT642);
    return;
  }
  if (m.code != CoapCode::kGet && m.code != CoapCode::kPut && m.code != CoapCode::kDelete) {
    c.path = m.UriPath();
    c.Fail(StatusCode::kMethodNotAllowed, CoapCodeName(m.code) + " is no Bootstrap operation", kT642);
    return;
  }
  bool path_ok = TargetPath(m, o, false, op, c);
  const Path::Level level = op.path.level();
  if (m.code == CoapCode::kGet) {
    if (m.HasOption(CoapOption::kObserve)) c.Warn("Observe option on a Bootstrap GET: no observation in bootstrap", kT642);
    NoQueries(m, op, c, kT642);
    NoPayload(op, c, kT642);
    if (op.accept == ContentFormat::kLinkFormat) {
      op.kind = OperationKind::kBootstrapDiscover;
      if (path_ok && level > Path::Level::kObject)
        c.Fail(StatusCode::kBadRequest, "Bootstrap-Discover on " + op.path.ToString() + ": only / or /o",
               "Core TS 1.2 §6.1.7.3");
    } else {
      op.kind = OperationKind::kBootstrapRead;
      auto oid = op.path.object_id();
      if (path_ok && (level == Path::Level::kRoot || level > Path::Level::kObjectInstance || (*oid != 1 && *oid != 2)))
        c.Fail(StatusCode::kMethodNotAllowed,
               "Bootstrap-Read on " + op.path.ToString() +
                   ": only the Server (/1) and Access Control (/2) Objects and their instances",
               "Core TS 1.2 §6.1.7.4");
      if (op.accept && !IsOneOf(*op.accept, kHierarchical))
        c.Warn("Bootstrap-Read accepts " + CfText(*op.accept) + "; the TS lists " + CfList(kHierarchical), kT642);
    }
  } else if (m.code == CoapCode::kPut) {
    op.kind = OperationKind::kBootstrapWrite;
    NoQueries(m, op, c, kT642);
    if (path_ok && level == Path::Level::kRoot)
      c.Fail(StatusCode::kBadRequest, "Bootstrap-Write on /: the target is /o, /o/i or /o/i/r", "Core TS 1.2 §6.1.7.5");
    else if (path_ok && level == Path::Level::kResourceInstance)
      c.Warn("Bootstrap-Write on a Resource Instance: the TS lists /o, /o/i and /o/i/r", "Core TS 1.2 §6.1.7.5");
    if (path_ok && level == Path::Level::kObject)
      RequireContentFormat(m, op, c, kHierarchical, "Core TS 1.2 §6.1.7.5");
    else
      RequireContentFormat(m, op, c, {}, "Core TS 1.2 §6.1.7.5");
  } else {
    op.kind = OperationKind::kBootstrapDelete;
    NoQueries(m, op, c, kT642);
    NoPayload(op, c, kT642);
    if (path_ok && level > Path::Level::kObjectInstance)
      c.Fail(StatusCode::kBadRequest, "Bootstrap-Delete on " + op.path.ToString() + ": only /, /o or /o/i",
             "Core TS 1.2 §6.1.7.6");
  }
  out.operation = std::move(op);
}

void ClassifyFromServer(const CoapMessage& m, const ClassifyOptions& o, Classification& out, Ctx& c) {
  Operation op;
  op.content_format = m.GetContentFormat();
  op.accept = m.GetAccept();
  op.payload = m.payload;
  if (m.code == CoapCode::kPatch) {
    c.path = m.UriPath();
    c.Fail(StatusCode::kMethodNotAllowed, "PATCH is no LwM2M operation (Write-Composite is iPATCH)", kT644);
    return;
  }
  if (m.code > CoapCode::kIPatch) {
    c.path = m.UriPath();
    c.Fail(StatusCode::kMethodNotAllowed, "method " + CoapCodeName(m.code) + " is no LwM2M operation", kT644);
    return;
  }
  bool path_ok = TargetPath(m, o, true, op, c);
  const Path::Level level = op.path.level();
  const bool root = path_ok && level == Path::Level::kRoot;
  std::optional<uint32_t> observe = m.Observe();
  if (m.HasOption(CoapOption::kObserve) && !observe)
    c.Fail(StatusCode::kBadRequest, "Observe option value longer than 3 bytes", "RFC 7641 §2");

  switch (m.code) {
    case CoapCode::kGet: {
      if (m.HasOption(CoapOption::kObserve) && observe != 1u) {
        op.kind = OperationKind::kObserve;
        if (observe && *observe != 0)
          c.Fail(StatusCode::kBadRequest,
                 "Observe " + std::to_string(*observe) + " in a request: only 0 (register) and 1 (deregister) exist",
                 "RFC 7641 §2");
        if (root) NotAllowed(op, c, "observation needs an Object, Object Instance, Resource or Resource Instance",
                             "Core TS 1.2 §6.4.1");
        ParseAttributeQueries(m, op, o, c, "Core TS 1.2 §6.4.1");
        NoPayload(op, c, kT645);
      } else if (observe == 1u) {
        op.kind = OperationKind::kCancelObservation;
        if (root) NotAllowed(op, c, "an observation is never on the root", "Core TS 1.2 §6.4.3");
        NoQueries(m, op, c, kT645);
        NoPayload(op, c, kT645);
      } else if (op.accept == ContentFormat::kLinkFormat) {
        op.kind = OperationKind::kDiscover;
        if (root) NotAllowed(op, c, "Discover needs an Object, Object Instance or Resource (Bootstrap-Discover is "
                                    "the one on /)", "Core TS 1.2 §6.3.2");
        else if (path_ok && level == Path::Level::kResourceInstance)
          c.Warn("Discover on a Resource Instance: the TS lists /o, /o/i and /o/i/r", kT644);
        for (const Query& q : SplitQueries(m)) {
          if (q.name == "depth" && !op.depth) {
            if (!q.value || q.value->size() != 1 || (*q.value)[0] < '0' || (*q.value)[0] > '3')
              c.Fail(StatusCode::kBadRequest, "'" + q.text + "': depth is 0, 1, 2 or 3", "Core TS 1.2 §6.3.2");
            else
              op.depth = static_cast<uint8_t>((*q.value)[0] - '0');
          } else {
            op.extra_queries.push_back(q.text);
            c.Warn("unknown or repeated query parameter '" + q.text + "' in Discover", kT644);
          }
        }
        NoPayload(op, c, kT644);
      } else {
        op.kind = OperationKind::kRead;
        if (root) NotAllowed(op, c, "Read needs an Object, Object Instance, Resource or Resource Instance "
                                    "(Read-Composite reads from /)", "Core TS 1.2 §6.3.1");
        NoQueries(m, op, c, kT644);
        NoPayload(op, c, kT644);
      }
      break;
    }
    case CoapCode::kFetch: {
      const char* rule;
      if (observe == 0u) {
        op.kind = OperationKind::kObserveComposite;
        rule = "Core TS 1.2 §6.4.4";
        ParseAttributeQueries(m, op, o, c, rule);
      } else if (observe == 1u) {
        op.kind = OperationKind::kCancelObserveComposite;
        rule = "Core TS 1.2 §6.4.5";
        NoQueries(m, op, c, kT645);
      } else {
        op.kind = OperationKind::kReadComposite;
        rule = "Core TS 1.2 §6.3.8";
        if (observe)
          c.Fail(StatusCode::kBadRequest,
                 "Observe " + std::to_string(*observe) + " in a request: only 0 (register) and 1 (deregister) exist",
                 "RFC 7641 §2");
        NoQueries(m, op, c, kT644);
      }
      if (path_ok && !root) NotAllowed(op, c, "composite operations address / and list their paths in the payload",
                                       rule);
      RequireContentFormat(m, op, c, kPathLists, rule);
      if (op.payload.empty())
        c.Fail(StatusCode::kBadRequest, std::string(OperationName(op.kind)) + " without a path list", rule);
      if (op.accept && !IsOneOf(*op.accept, kCompositeRead))
        c.Warn(std::string(OperationName(op.kind)) + " accepts " + CfText(*op.accept) + "; composite responses use " +
                   CfList(kCompositeRead),
               rule);
      break;
    }
    case CoapCode::kIPatch: {
      op.kind = OperationKind::kWriteComposite;
      if (path_ok && !root) NotAllowed(op, c, "Write-Composite addresses / and names its targets in the payload",
                                       "Core TS 1.2 §6.3.9");
      NoQueries(m, op, c, kT644);
      RequireContentFormat(m, op, c, kCompositeWrite, "Core TS 1.2 §6.3.9");
      if (op.payload.empty()) c.Fail(StatusCode::kBadRequest, "Write-Composite without values", "Core TS 1.2 §6.3.9");
      break;
    }
    case CoapCode::kPut: {
      bool has_queries = m.HasOption(CoapOption::kUriQuery);
      if (has_queries && op.payload.empty()) {
        op.kind = OperationKind::kWriteAttributes;
        if (root) NotAllowed(op, c, "attributes attach to an Object, Object Instance, Resource or Resource Instance",
                             "Core TS 1.2 §6.3.4");
        ParseAttributeQueries(m, op, o, c, "Core TS 1.2 §6.3.4");
        if (op.content_format) c.Warn("Write-Attributes with a Content-Format but no payload", kT644);
      } else {
        op.kind = OperationKind::kWrite;
        op.write_mode = WriteMode::kReplace;
        if (root) NotAllowed(op, c, "Write replaces an Object Instance, Resource or Resource Instance",
                             "Core TS 1.2 §6.3.3");
        else if (path_ok && level == Path::Level::kObject)
          NotAllowed(op, c, "Write on an Object is not supported over CoAP", kT644);
        NoQueries(m, op, c, kT644);
        RequireContentFormat(m, op, c, {}, "Core TS 1.2 §6.3.3");
      }
      break;
    }
    case CoapCode::kPost: {
      if (!path_ok) {
        op.kind = OperationKind::kExecute;
        break;
      }
      if (root) {
        c.Fail(StatusCode::kMethodNotAllowed, "POST / is no LwM2M operation (Create is POST /o)", kT644);
        return;
      }
      if (level == Path::Level::kObject) {
        op.kind = OperationKind::kCreate;
        NoQueries(m, op, c, kT644);
        RequireContentFormat(m, op, c, kHierarchical, "Core TS 1.2 §6.3.6");
        break;
      }
      if (level == Path::Level::kObjectInstance) {
        op.kind = OperationKind::kWrite;
        op.write_mode = WriteMode::kPartialUpdate;
        NoQueries(m, op, c, kT644);
        RequireContentFormat(m, op, c, kHierarchical, "Core TS 1.2 §6.3.3");
        break;
      }
      // A Resource (or Resource Instance): Execute, or a partial update of a Multiple Resource.
      std::optional<bool> multiple;
      bool executable = IsExecutable(o, op.path, multiple);
      bool known = multiple.has_value();
      bool textual = !op.content_format || *op.content_format == ContentFormat::kTextPlain;
      bool execute = known ? executable : textual;
      if (execute) {
        op.kind = OperationKind::kExecute;
        if (level == Path::Level::kResourceInstance)
          NotAllowed(op, c, "Execute targets a Resource, not a Resource Instance", "Core TS 1.2 §6.3.5");
        if (!textual)
          c.Fail(StatusCode::kUnsupportedContentFormat,
                 "Execute arguments in " + CfText(*op.content_format) + "; they are text/plain",
                 "Core TS 1.2 §6.3.5");
        for (const std::string& q : m.UriQueries()) {
          op.extra_queries.push_back(q);
          c.Warn("query '" + q + "' on Execute: arguments belong in the payload (Transport TS 1.2 shows "
                 "/1/x/8?0=U for the binding of a Registration Update Trigger)",
                 "Core TS 1.2 §6.3.5");
        }
        auto args = ParseExecuteArguments(Text(op.payload));
        if (args)
          op.arguments = *args;
        else
          c.Fail(StatusCode::kBadRequest, "Execute payload is no argument list: " + args.status().message(),
                 "Core TS 1.2 §6.3.5");
      } else {
        op.kind = OperationKind::kWrite;
        op.write_mode = WriteMode::kPartialUpdate;
        if (known && !*multiple)
          NotAllowed(op, c, "the Resource is single-instance and not executable: POST is neither Execute nor a "
                            "partial update (which adds instances to a Multiple Resource)",
                     "Core TS 1.2 §6.3.3");
        if (level == Path::Level::kResourceInstance)
          NotAllowed(op, c, "a partial update targets an Object Instance or a Multiple Resource", "Core TS 1.2 §6.3.3");
        NoQueries(m, op, c, kT644);
        RequireContentFormat(m, op, c, kHierarchical, "Core TS 1.2 §6.3.3");
      }
      break;
    }
    case CoapCode::kDelete: {
      op.kind = OperationKind::kDelete;
      if (path_ok && (level == Path::Level::kRoot || level == Path::Level::kObject || level == Path::Level::kResource))
        NotAllowed(op, c, "Delete targets an Object Instance or a Resource Instance (Bootstrap-Delete is the one on "
                          "/ and /o)",
                   "Core TS 1.2 §6.3.7");
      NoQueries(m, op, c, kT644);
      NoPayload(op, c, kT644);
      break;
    }
    default:
      c.Fail(StatusCode::kMethodNotAllowed, "method " + CoapCodeName(m.code) + " is no LwM2M operation", kT644);
      return;
  }
  if (path_ok) CheckSecurityObjects(op, c);
  out.operation = std::move(op);
}

// ---------------------------------------------------------------- responses

// Whether the request of `op` carries a payload that Block1 can split.
bool CarriesPayload(OperationKind k) {
  switch (k) {
    case OperationKind::kBootstrapWrite:
    case OperationKind::kRegister:
    case OperationKind::kUpdate:
    case OperationKind::kReadComposite:
    case OperationKind::kWrite:
    case OperationKind::kWriteComposite:
    case OperationKind::kExecute:
    case OperationKind::kCreate:
    case OperationKind::kObserveComposite:
    case OperationKind::kCancelObserveComposite:
    case OperationKind::kSend: return true;
    default: return false;
  }
}

// Create: does the payload name the Object Instance? TLV: an Object Instance TLV
// (type bits 00) first; other formats through their codec. nullopt: cannot tell.
std::optional<bool> CreateNamesInstance(const Operation& op) {
  if (op.payload.empty() || !op.content_format) return std::nullopt;
  if (*op.content_format == ContentFormat::kTlv) return (op.payload[0] >> 6) == 0;
  const Codec* codec = FindCodec(*op.content_format);
  if (!codec) return std::nullopt;
  CodecContext ctx;
  ctx.request_path = op.path;
  DecodeResult r = codec->Decode(op.payload, ctx);
  if (r.HasErrors() || r.content.records.empty()) return std::nullopt;
  for (const Record& rec : r.content.records)
    if (rec.path.level() < Path::Level::kObjectInstance) return false;
  return true;
}

}  // namespace

// ---------------------------------------------------------------- public API

std::string_view OperationName(OperationKind k) { return Info(k).name; }
std::string_view OperationKey(OperationKind k) { return Info(k).key; }
Interface InterfaceOf(OperationKind k) { return Info(k).interface; }
Direction DirectionOf(OperationKind k) { return Info(k).direction; }
uint8_t ExpectedSuccessCode(OperationKind k) { return Info(k).success; }

std::optional<OperationKind> ParseOperationKind(std::string_view text) {
  std::string t = Lower(text);
  for (const auto& i : kKinds)
    if (t == i.key || t == Lower(i.name)) return i.kind;
  return std::nullopt;
}

Result<std::vector<ExecuteArgument>> ParseExecuteArguments(std::string_view s) {
  std::vector<ExecuteArgument> args;
  if (s.empty()) return args;
  size_t i = 0;
  auto at = [&](size_t pos) { return " at offset " + std::to_string(pos); };
  auto show = [&](size_t pos) {
    char c = s[pos];
    if (c >= 0x20 && c < 0x7F) return "'" + std::string(1, c) + "'";
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(c));
    return std::string(buf);
  };
  while (true) {
    if (i >= s.size()) return BadRequest("argument list ends with ','; a digit 0-9 must follow" + at(i));
    if (s[i] < '0' || s[i] > '9') return BadRequest("expected an argument digit 0-9" + at(i) + ", found " + show(i));
    ExecuteArgument a;
    a.digit = static_cast<uint8_t>(s[i] - '0');
    for (const auto& prev : args)
      if (prev.digit == a.digit)
        return BadRequest("argument " + std::to_string(a.digit) + at(i) + " is given twice (each digit at most once)");
    ++i;
    if (i < s.size() && s[i] == '=') {
      ++i;
      if (i >= s.size() || s[i] != '\'')
        return BadRequest("argument " + std::to_string(a.digit) + ": a value starts with \"'\"" + at(i));
      ++i;
      std::string value;
      while (true) {
        if (i >= s.size())
          return BadRequest("argument " + std::to_string(a.digit) + ": the value has no closing \"'\"" + at(i));
        char c = s[i];
        if (c == '\'') break;
        unsigned char u = static_cast<unsigned char>(c);
        bool ok = u == 0x21 || (u >= 0x23 && u <= 0x26) || (u >= 0x28 && u <= 0x5B) || (u >= 0x5D && u <= 0x7E);
        if (!ok)
          return BadRequest("argument " + std::to_string(a.digit) + ": character " + show(i) + at(i) +
                            " is not allowed in a value (only ! # $ % & ( through [ and ] through ~)");
        value.push_back(c);
        ++i;
      }
      ++i;  // the closing quote
      a.value = std::move(value);
    }
    args.push_back(std::move(a));
    if (i == s.size()) return args;
    if (s[i] != ',') return BadRequest("expected ',' between arguments" + at(i) + ", found " + show(i));
    ++i;
  }
}

std::string FormatExecuteArguments(const std::vector<ExecuteArgument>& args) {
  std::string s;
  for (const auto& a : args) {
    if (!s.empty()) s += ",";
    s += static_cast<char>('0' + a.digit % 10);
    if (a.value) s += "='" + *a.value + "'";
  }
  return s;
}

// ---- factories

namespace {

Operation Make(OperationKind kind, Path path = {}) {
  Operation op;
  op.kind = kind;
  op.path = std::move(path);
  return op;
}

// An operation whose payload is `payload` in `format` (Write, Create, composites, Send).
Operation MakeWithPayload(OperationKind kind, Path path, ContentFormat format, Bytes payload) {
  Operation op = Make(kind, std::move(path));
  op.content_format = format;
  op.payload = std::move(payload);
  return op;
}

// The Register/Update query parameters (Core TS 1.2 §6.2.1, §6.2.2), in the
// order we write them; `register_op` adds ep and lwm2m, which Update omits.
std::vector<std::string> RegistrationQueries(const RegistrationParams& r, bool register_op) {
  std::vector<std::string> q;
  if (register_op && r.endpoint) q.push_back("ep=" + *r.endpoint);
  if (r.lifetime) q.push_back("lt=" + std::to_string(*r.lifetime));
  if (register_op && r.lwm2m_version) q.push_back("lwm2m=" + *r.lwm2m_version);
  if (r.binding) q.push_back("b=" + *r.binding);
  if (r.queue_mode) q.push_back("Q");
  if (r.sms) q.push_back("sms=" + *r.sms);
  if (r.profile_id) q.push_back("pid=" + *r.profile_id);
  return q;
}

// Register and Update carry their object links as a link-format payload.
void AttachLinks(Operation& op, std::string_view links) {
  if (links.empty()) return;
  op.content_format = ContentFormat::kLinkFormat;
  op.payload = ToBytes(links);
  DecodeLinks(op, nullptr);
}

}  // namespace

Operation Operation::BootstrapRequest(std::string endpoint, std::optional<ContentFormat> pct) {
  Operation op = Make(OperationKind::kBootstrapRequest);
  op.registration.endpoint = std::move(endpoint);
  op.preferred_content_format = pct;
  return op;
}

Operation Operation::BootstrapPackRequest(std::string endpoint, ContentFormat accept) {
  Operation op = Make(OperationKind::kBootstrapPackRequest);
  op.registration.endpoint = std::move(endpoint);
  op.accept = accept;
  return op;
}

Operation Operation::BootstrapWrite(Path path, ContentFormat format, Bytes payload) {
  return MakeWithPayload(OperationKind::kBootstrapWrite, std::move(path), format, std::move(payload));
}

Operation Operation::BootstrapRead(Path path, std::optional<ContentFormat> accept) {
  Operation op = Make(OperationKind::kBootstrapRead, std::move(path));
  op.accept = accept;
  return op;
}

Operation Operation::BootstrapDiscover(Path path) {
  Operation op = Make(OperationKind::kBootstrapDiscover, std::move(path));
  op.accept = ContentFormat::kLinkFormat;
  return op;
}

Operation Operation::BootstrapDelete(Path path) { return Make(OperationKind::kBootstrapDelete, std::move(path)); }

Operation Operation::BootstrapFinish() { return Make(OperationKind::kBootstrapFinish); }

Operation Operation::Register(std::string endpoint, std::optional<uint32_t> lifetime, std::string lwm2m_version,
                              std::optional<std::string> binding, std::string_view links) {
  Operation op = Make(OperationKind::kRegister);
  op.registration.endpoint = std::move(endpoint);
  op.registration.lifetime = lifetime;
  op.registration.lwm2m_version = std::move(lwm2m_version);
  op.registration.binding = std::move(binding);
  AttachLinks(op, links);
  return op;
}

Operation Operation::Update(std::string location, RegistrationParams params, std::string_view links) {
  Operation op = Make(OperationKind::kUpdate);
  op.location = std::move(location);
  op.registration = std::move(params);
  AttachLinks(op, links);
  return op;
}

Operation Operation::Deregister(std::string location) {
  Operation op = Make(OperationKind::kDeregister);
  op.location = std::move(location);
  return op;
}

Operation Operation::Read(Path path, std::optional<ContentFormat> accept) {
  Operation op = Make(OperationKind::kRead, std::move(path));
  op.accept = accept;
  return op;
}

Operation Operation::ReadComposite(ContentFormat format, Bytes paths, std::optional<ContentFormat> accept) {
  Operation op = MakeWithPayload(OperationKind::kReadComposite, {}, format, std::move(paths));
  op.accept = accept;
  return op;
}

Operation Operation::Discover(Path path, std::optional<uint8_t> depth) {
  Operation op = Make(OperationKind::kDiscover, std::move(path));
  op.depth = depth;
  op.accept = ContentFormat::kLinkFormat;
  return op;
}

Operation Operation::Write(Path path, WriteMode mode, ContentFormat format, Bytes payload) {
  Operation op = MakeWithPayload(OperationKind::kWrite, std::move(path), format, std::move(payload));
  op.write_mode = mode;
  return op;
}

Operation Operation::WriteComposite(ContentFormat format, Bytes payload) {
  return MakeWithPayload(OperationKind::kWriteComposite, {}, format, std::move(payload));
}

Operation Operation::WriteAttributes(Path path, NotificationAttributes attributes) {
  Operation op = Make(OperationKind::kWriteAttributes, std::move(path));
  op.attributes = std::move(attributes);
  return op;
}

Operation Operation::Execute(Path path, std::vector<ExecuteArgument> arguments) {
  Operation op = Make(OperationKind::kExecute, std::move(path));
  op.arguments = std::move(arguments);
  op.payload = ToBytes(FormatExecuteArguments(op.arguments));
  if (!op.payload.empty()) op.content_format = ContentFormat::kTextPlain;
  return op;
}

Operation Operation::Create(Path object, ContentFormat format, Bytes payload) {
  return MakeWithPayload(OperationKind::kCreate, std::move(object), format, std::move(payload));
}

Operation Operation::Delete(Path path) { return Make(OperationKind::kDelete, std::move(path)); }

Operation Operation::Observe(Path path, NotificationAttributes attributes, std::optional<ContentFormat> accept) {
  Operation op = Make(OperationKind::kObserve, std::move(path));
  op.attributes = std::move(attributes);
  op.accept = accept;
  return op;
}

Operation Operation::ObserveComposite(ContentFormat format, Bytes paths, NotificationAttributes attributes,
                                      std::optional<ContentFormat> accept) {
  Operation op = MakeWithPayload(OperationKind::kObserveComposite, {}, format, std::move(paths));
  op.attributes = std::move(attributes);
  op.accept = accept;
  return op;
}

Operation Operation::CancelObservation(Path path) { return Make(OperationKind::kCancelObservation, std::move(path)); }

Operation Operation::CancelObserveComposite(ContentFormat format, Bytes paths) {
  return MakeWithPayload(OperationKind::kCancelObserveComposite, {}, format, std::move(paths));
}

Operation Operation::Send(ContentFormat format, Bytes payload) {
  return MakeWithPayload(OperationKind::kSend, {}, format, std::move(payload));
}

// ---- ToCoap

CoapMessage Operation::ToCoap(std::string_view alternate_path) const {
  CoapMessage m;
  m.type = CoapType::kConfirmable;
  std::string uri;
  std::vector<std::string> queries;
  auto dm_path = [&] {
    std::string p = path.ToString();
    if (!alternate_path.empty() && alternate_path != "/") return std::string(alternate_path) + (p == "/" ? "" : p);
    return p;
  };
  auto registration_queries = [&](bool register_op) {
    for (auto& q : RegistrationQueries(registration, register_op)) queries.push_back(std::move(q));
  };
  auto attribute_queries = [&] {
    for (auto& q : FormatNotificationAttributes(attributes)) queries.push_back(q);
    for (auto& q : attributes.unknown) queries.push_back(q);
  };
  switch (kind) {
    case OperationKind::kBootstrapRequest:
      m.code = CoapCode::kPost;
      uri = "/bs";
      if (registration.endpoint) queries.push_back("ep=" + *registration.endpoint);
      if (preferred_content_format)
        queries.push_back("pct=" + std::to_string(static_cast<uint16_t>(*preferred_content_format)));
      break;
    case OperationKind::kBootstrapPackRequest:
      m.code = CoapCode::kGet;
      uri = "/bspack";
      if (registration.endpoint) queries.push_back("ep=" + *registration.endpoint);
      if (bootstrap_accounts) queries.push_back("acc=" + *bootstrap_accounts);
      break;
    case OperationKind::kBootstrapWrite: m.code = CoapCode::kPut; uri = path.ToString(); break;
    case OperationKind::kBootstrapRead: m.code = CoapCode::kGet; uri = path.ToString(); break;
    case OperationKind::kBootstrapDiscover: m.code = CoapCode::kGet; uri = path.ToString(); break;
    case OperationKind::kBootstrapDelete: m.code = CoapCode::kDelete; uri = path.ToString(); break;
    case OperationKind::kBootstrapFinish: m.code = CoapCode::kPost; uri = "/bs"; break;
    case OperationKind::kRegister:
      m.code = CoapCode::kPost;
      uri = "/rd";
      registration_queries(true);
      break;
    case OperationKind::kUpdate:
      m.code = CoapCode::kPost;
      uri = location;
      registration_queries(false);
      break;
    case OperationKind::kDeregister: m.code = CoapCode::kDelete; uri = location; break;
    case OperationKind::kRead: m.code = CoapCode::kGet; uri = dm_path(); break;
    case OperationKind::kReadComposite: m.code = CoapCode::kFetch; uri = dm_path(); break;
    case OperationKind::kDiscover:
      m.code = CoapCode::kGet;
      uri = dm_path();
      if (depth) queries.push_back("depth=" + std::to_string(*depth));
      break;
    case OperationKind::kWrite:
      m.code = write_mode == WriteMode::kReplace ? CoapCode::kPut : CoapCode::kPost;
      uri = dm_path();
      break;
    case OperationKind::kWriteComposite: m.code = CoapCode::kIPatch; uri = dm_path(); break;
    case OperationKind::kWriteAttributes:
      m.code = CoapCode::kPut;
      uri = dm_path();
      attribute_queries();
      break;
    case OperationKind::kExecute: m.code = CoapCode::kPost; uri = dm_path(); break;
    case OperationKind::kCreate: m.code = CoapCode::kPost; uri = dm_path(); break;
    case OperationKind::kDelete: m.code = CoapCode::kDelete; uri = dm_path(); break;
    case OperationKind::kObserve:
    case OperationKind::kObserveComposite:
    case OperationKind::kCancelObservation:
    case OperationKind::kCancelObserveComposite: {
      // Observe 0 registers, 1 deregisters (RFC 7641 §2); the composites are FETCH (Core TS 1.2 §6.4.4, §6.4.5).
      const bool composite =
          kind == OperationKind::kObserveComposite || kind == OperationKind::kCancelObserveComposite;
      const bool cancel = kind == OperationKind::kCancelObservation || kind == OperationKind::kCancelObserveComposite;
      m.code = composite ? CoapCode::kFetch : CoapCode::kGet;
      uri = dm_path();
      m.AddUintOption(CoapOption::kObserve, cancel ? 1 : 0);
      if (!cancel) attribute_queries();
      break;
    }
    case OperationKind::kSend: m.code = CoapCode::kPost; uri = "/dp"; break;
  }
  m.SetUriPath(uri);
  for (const auto& q : queries) m.AddQuery(q);
  for (const auto& q : extra_queries) m.AddQuery(q);
  if (content_format) m.SetContentFormat(*content_format);
  if (accept)
    m.SetAccept(*accept);
  else if (kind == OperationKind::kDiscover || kind == OperationKind::kBootstrapDiscover)
    m.SetAccept(ContentFormat::kLinkFormat);
  m.payload = payload;
  return m;
}

std::string Operation::Summary() const {
  std::string s(OperationName(kind));
  switch (kind) {
    case OperationKind::kBootstrapRequest:
    case OperationKind::kBootstrapPackRequest:
    case OperationKind::kRegister:
    case OperationKind::kUpdate:
    case OperationKind::kDeregister:
      if (!location.empty()) s += " " + location;
      for (const auto& q : RegistrationQueries(registration, true)) s += " " + q;
      if (preferred_content_format) s += " pct=" + std::to_string(static_cast<uint16_t>(*preferred_content_format));
      if (links_decoded) s += " links=" + std::to_string(links.size());
      break;
    case OperationKind::kBootstrapFinish:
    case OperationKind::kSend:
      break;
    default:
      s += " " + path.ToString();
      break;
  }
  if (kind == OperationKind::kWrite) s += write_mode == WriteMode::kReplace ? " replace" : " partial-update";
  if (depth) s += " depth=" + std::to_string(*depth);
  std::string attrs = ToQueryString(attributes);
  if (!attrs.empty()) s += " ?" + attrs;
  if (!arguments.empty()) s += " args=" + FormatExecuteArguments(arguments);
  if (content_format) s += " cf=" + std::to_string(static_cast<uint16_t>(*content_format));
  if (accept) s += " accept=" + std::to_string(static_cast<uint16_t>(*accept));
  if (!payload.empty() && kind != OperationKind::kExecute) s += " payload=" + std::to_string(payload.size()) + "B";
  return s;
}

// ---- classification

Result<Operation> Classification::result() const {
  if (!status.ok()) return status;
  if (!operation) return BadRequest("no LwM2M operation");
  return *operation;
}

Classification Classify(const CoapMessage& m, const ClassifyOptions& o) {
  Classification out;
  Ctx c;
  c.path = m.UriPath();
  if (!m.IsRequest()) {
    c.Fail(StatusCode::kBadRequest, CoapCodeName(m.code) + " is no request, so no LwM2M operation", "RFC 7252 §5.1");
  } else if (o.direction == Direction::kClientToServer) {
    ClassifyFromClient(m, o, out, c);
  } else if (o.bootstrap_server) {
    ClassifyFromBootstrapServer(m, o, out, c);
  } else {
    if (m.UriPath() == "/bs" && m.code == CoapCode::kPost)
      c.Note("POST /bs from a server not marked as Bootstrap-Server looks like Bootstrap-Finish", kT642);
    ClassifyFromServer(m, o, out, c);
  }
  // Transport TS 1.2 §6.8.1: operations are Confirmable, except Notify, Execute and
  // (1.2.1) Send, which may be Non-confirmable.
  if (out.operation && m.type == CoapType::kNonConfirmable && out.operation->kind != OperationKind::kExecute &&
      out.operation->kind != OperationKind::kSend)
    c.Warn(std::string(OperationName(out.operation->kind)) +
               " sent Non-confirmable; only Notify, Execute and Send may be NON",
           "Transport TS 1.2 §6.8.1");
  out.status = c.status;
  out.diagnostics = c.d.Take();
  return out;
}

std::vector<Diagnostic> Validate(const Operation& op, const ClassifyOptions& options) {
  ClassifyOptions o = options;
  o.direction = DirectionOf(op.kind);
  if (InterfaceOf(op.kind) == Interface::kBootstrap && o.direction == Direction::kServerToClient)
    o.bootstrap_server = true;
  if (op.kind == OperationKind::kBootstrapRequest || op.kind == OperationKind::kBootstrapPackRequest)
    o.bootstrap_server = true;
  Classification c = Classify(op.ToCoap(o.alternate_path), o);
  std::vector<Diagnostic> out = std::move(c.diagnostics);
  if (c.operation && c.operation->kind != op.kind)
    out.insert(out.begin(), Diagnostic{Severity::kError, std::nullopt, op.path.ToString(),
                                       std::string(OperationName(op.kind)) + " on " + op.path.ToString() +
                                           " would be received as " + std::string(OperationName(c.operation->kind)),
                                       Info(op.kind).rule});
  else if (!c.operation)
    out.insert(out.begin(), Diagnostic{Severity::kError, std::nullopt, op.path.ToString(),
                                       std::string(OperationName(op.kind)) + " on " + op.path.ToString() +
                                           " maps to no LwM2M operation",
                                       Info(op.kind).rule});
  return out;
}

std::string_view ResponseKindName(ResponseKind k) {
  switch (k) {
    case ResponseKind::kSuccess: return "success";
    case ResponseKind::kNotify: return "notify";
    case ResponseKind::kContinue: return "continue";
    case ResponseKind::kError: return "error";
    case ResponseKind::kUnexpected: return "unexpected";
    case ResponseKind::kEmptyAck: return "empty-ack";
    case ResponseKind::kReset: return "reset";
  }
  return "?";
}

const std::vector<uint8_t>& ListedErrorCodes(OperationKind k) {
  using namespace CoapCode;
  static const std::vector<uint8_t> kBsRequest{kBadRequest, kUnsupportedContentFormat};
  static const std::vector<uint8_t> kBsPack{kBadRequest, kUnauthorized, kNotFound, kMethodNotAllowed, kNotAcceptable};
  static const std::vector<uint8_t> kBsWrite{kBadRequest, kUnsupportedContentFormat};
  static const std::vector<uint8_t> kBsRead{kBadRequest, kUnauthorized, kNotFound, kMethodNotAllowed, kNotAcceptable};
  static const std::vector<uint8_t> kBsDiscover{kBadRequest, kNotFound};
  static const std::vector<uint8_t> kBsDelete{kBadRequest};
  static const std::vector<uint8_t> kBsFinish{kBadRequest, kNotAcceptable};
  static const std::vector<uint8_t> kRegister{kBadRequest, kUnauthorized, kForbidden, kConflict, kPreconditionFailed};
  static const std::vector<uint8_t> kUpdate{kBadRequest, kNotFound};
  static const std::vector<uint8_t> kRead{kBadRequest, kUnauthorized, kNotFound, kMethodNotAllowed, kNotAcceptable};
  static const std::vector<uint8_t> kComposite{kBadRequest,       kUnauthorized,  kNotFound,
                                               kMethodNotAllowed, kNotAcceptable, kUnsupportedContentFormat};
  static const std::vector<uint8_t> kDiscover{kBadRequest, kUnauthorized, kNotFound, kMethodNotAllowed};
  static const std::vector<uint8_t> kWrite{kBadRequest,    kUnauthorized,           kNotFound,
                                           kMethodNotAllowed, kNotAcceptable,       kRequestEntityIncomplete,
                                           kRequestEntityTooLarge, kUnsupportedContentFormat};
  static const std::vector<uint8_t> kCreate{kBadRequest,    kUnauthorized, kNotFound, kMethodNotAllowed,
                                            kNotAcceptable, kUnsupportedContentFormat};
  static const std::vector<uint8_t> kSend{kBadRequest, kNotFound};
  switch (k) {
    case OperationKind::kBootstrapRequest: return kBsRequest;
    case OperationKind::kBootstrapPackRequest: return kBsPack;
    case OperationKind::kBootstrapWrite: return kBsWrite;
    case OperationKind::kBootstrapRead: return kBsRead;
    case OperationKind::kBootstrapDiscover: return kBsDiscover;
    case OperationKind::kBootstrapDelete: return kBsDelete;
    case OperationKind::kBootstrapFinish: return kBsFinish;
    case OperationKind::kRegister: return kRegister;
    case OperationKind::kUpdate:
    case OperationKind::kDeregister: return kUpdate;
    case OperationKind::kRead:
    case OperationKind::kObserve:
    case OperationKind::kCancelObservation: return kRead;
    case OperationKind::kReadComposite:
    case OperationKind::kObserveComposite:
    case OperationKind::kCancelObserveComposite: return kComposite;
    case OperationKind::kDiscover:
    case OperationKind::kWriteAttributes:
    case OperationKind::kExecute:
    case OperationKind::kDelete: return kDiscover;
    case OperationKind::kWrite:
    case OperationKind::kWriteComposite: return kWrite;
    case OperationKind::kCreate: return kCreate;
    case OperationKind::kSend: return kSend;
  }
  return kBsDelete;
}

ResponseClassification ClassifyResponse(const Operation& req, const CoapMessage& resp) {
  ResponseClassification r;
  Diagnostics d;
  const std::string opname(OperationName(req.kind));
  const std::string code = CoapCodeName(resp.code);
  const std::string expected = CoapCodeName(ExpectedSuccessCode(req.kind));
  const std::string path = req.location.empty() ? req.path.ToString() : req.location;
  const char* rule = Info(req.kind).rule;
  const char* table = InterfaceOf(req.kind) == Interface::kBootstrap              ? "Transport TS 1.2 Table 6.7-1"
                      : InterfaceOf(req.kind) == Interface::kRegistration         ? "Transport TS 1.2 Table 6.7-2"
                      : InterfaceOf(req.kind) == Interface::kDeviceManagement     ? "Transport TS 1.2 Table 6.7-3"
                                                                                  : "Transport TS 1.2 Table 6.7-4";
  auto done = [&] {
    r.diagnostics = d.Take();
    return r;
  };
  if (resp.type == CoapType::kReset) {
    r.kind = ResponseKind::kReset;
    return done();
  }
  if (resp.IsEmpty()) {
    r.kind = resp.type == CoapType::kAcknowledgement ? ResponseKind::kEmptyAck : ResponseKind::kUnexpected;
    if (r.kind == ResponseKind::kUnexpected)
      d.Error(std::nullopt, path, "an Empty " + std::string(resp.type == CoapType::kConfirmable ? "CON" : "NON") +
                                      " message is no response to " + opname, "RFC 7252 §4.1");
    return done();
  }
  if (!resp.IsResponse()) {
    r.kind = ResponseKind::kUnexpected;
    d.Error(std::nullopt, path, code + " is no response code; " + opname + " expects " + expected, "RFC 7252 §5.2");
    return done();
  }
  const int cls = resp.code >> 5;
  if (cls == 4 || cls == 5) {
    r.kind = ResponseKind::kError;
    if (cls == 4) {
      const auto& listed = ListedErrorCodes(req.kind);
      bool ok = std::find(listed.begin(), listed.end(), resp.code) != listed.end() ||
                resp.code == CoapCode::kBadOption ||
                (CarriesPayload(req.kind) &&
                 (resp.code == CoapCode::kRequestEntityIncomplete || resp.code == CoapCode::kRequestEntityTooLarge));
      if (!ok) {
        std::string list;
        for (uint8_t x : listed) list += (list.empty() ? "" : ", ") + CoapCodeName(x);
        d.Warning(std::nullopt, path, code + " is not among the codes listed for " + opname + " (" + list + ")",
                  table);
      }
    }
    return done();
  }
  if (resp.code == CoapCode::kContinue) {
    if (CarriesPayload(req.kind)) {
      r.kind = ResponseKind::kContinue;
      if (!resp.HasOption(CoapOption::kBlock1))
        d.Warning(std::nullopt, path, "2.31 Continue without a Block1 option", "RFC 7959 §2.3");
    } else {
      r.kind = ResponseKind::kUnexpected;
      d.Error(std::nullopt, path, "2.31 Continue to " + opname + ", which carries no request payload",
              "RFC 7959 §2.9.1");
    }
    return done();
  }
  const bool observing = req.kind == OperationKind::kObserve || req.kind == OperationKind::kObserveComposite;
  if (resp.code != ExpectedSuccessCode(req.kind)) {
    r.kind = ResponseKind::kUnexpected;
    d.Error(std::nullopt, path, opname + " expects " + expected + ", got " + code, table);
    return done();
  }
  r.kind = ResponseKind::kSuccess;
  if (observing) {
    r.observe = resp.Observe();
    if (resp.HasOption(CoapOption::kObserve))
      r.kind = ResponseKind::kNotify;
    else
      d.Warning(std::nullopt, path,
                "2.05 to " + opname + " without an Observe option: the observation was not established and no "
                "notifications follow",
                "RFC 7641 §3.1");
  } else if (resp.HasOption(CoapOption::kObserve) && (req.kind == OperationKind::kCancelObservation ||
                                                       req.kind == OperationKind::kCancelObserveComposite)) {
    d.Warning(std::nullopt, path, "the response to " + opname + " still carries an Observe option", "RFC 7641 §3.6");
  }

  // Content checks of 2.05 responses.
  if (resp.code == CoapCode::kContent) {
    auto cf = resp.GetContentFormat();
    bool discover = req.kind == OperationKind::kDiscover || req.kind == OperationKind::kBootstrapDiscover;
    if (!resp.payload.empty() && !resp.HasOption(CoapOption::kContentFormat)) {
      d.Error(std::nullopt, path, opname + " response with a payload but no Content-Format", "Core TS 1.2 §7.5");
    } else if (discover && !resp.payload.empty() && cf != ContentFormat::kLinkFormat) {
      d.Error(std::nullopt, path,
              opname + " response in " + ContentFormatLabel(static_cast<uint16_t>(
                                               resp.UintOption(CoapOption::kContentFormat).value_or(0xFFFF))) +
                  "; it must be link format (40)",
              rule);
    } else if (!discover && req.accept && cf && *cf != *req.accept && !resp.payload.empty()) {
      d.Error(std::nullopt, path,
              opname + " asked for " + CfText(*req.accept) + " and got " + CfText(*cf) +
                  "; a client that cannot answer in the accepted format answers 4.06",
              "Core TS 1.2 §7.5");
    }
  }

  if (req.kind == OperationKind::kRegister) {
    auto segs = resp.FindOptions(CoapOption::kLocationPath);
    r.location = resp.LocationPath();
    if (segs.empty())
      d.Error(std::nullopt, path, "2.01 to Register without a Location-Path", kT643);
    else if (Text(segs[0]->value) != "rd")
      d.Error(std::nullopt, path, "Register location " + r.location + " is not under /rd", kT643);
    else if (segs.size() == 1)
      d.Warning(std::nullopt, path, "Register location is /rd itself; a registration gets its own location under /rd",
                kT643);
  }
  if (req.kind == OperationKind::kCreate) {
    std::string loc = resp.LocationPath();
    if (!loc.empty()) {
      auto p = Path::Parse(loc);
      if (!p || p->level() != Path::Level::kObjectInstance || p->object_id() != req.path.object_id() ||
          p->prefix() != req.path.prefix())
        d.Error(std::nullopt, path,
                "Create location " + loc + " is not an instance /" +
                    (req.path.object_id() ? std::to_string(*req.path.object_id()) : std::string("o")) +
                    "/i of the Object created in",
                "Core TS 1.2 §6.3.6");
      else
        r.created = *p;
    } else {
      std::optional<bool> named = CreateNamesInstance(req);
      if (named == false)
        d.Error(std::nullopt, path,
                "2.01 to a Create whose payload names no instance, without the Location-Path of the instance the "
                "client chose",
                "Core TS 1.2 §6.3.6");
      else if (!named)
        d.Info(std::nullopt, path,
               "2.01 without a Location-Path: correct only if the Create payload named the instance", "Core TS 1.2 §6.3.6");
    }
  }
  return done();
}

}  // namespace lwm2m
