// link_format.h: CoRE Link Format (Content-Format 40, RFC 6690 §2 ABNF) as
// LwM2M uses it for Register/Update, Discover and Bootstrap-Discover payloads
// (Core TS 1.2 §6.2.1, §6.3.2, §6.1.7.3 as numbered in 1.2.2), plus typed access
// to the LwM2M attributes and the rules each operation puts on the link list.
//   LinkParseResult r = ParseLinkFormat("</>;rt=\"oma.lwm2m\",</1/0>,</3/0>");
//   auto diags = CheckRegisterPayload(r.links, "1.2");
//   RegisterPayload reg = ExtractRegisterPayload(r.links);   // reg.objects[0].id == 1
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/attributes.h"
#include "lwm2m/content.h"
#include "lwm2m/diagnostic.h"
#include "lwm2m/model.h"
#include "lwm2m/path.h"
#include "lwm2m/result.h"

namespace lwm2m {

// ---- RFC 6690 syntax ----

struct LinkParseResult {
  std::vector<Link> links;
  std::vector<Diagnostic> diagnostics;
  bool HasErrors() const { return lwm2m::HasErrors(diagnostics); }
};

// Parses a link-format document strictly against the RFC 6690 §2 ABNF. Every
// deviation is a Diagnostic with its byte offset; the parser then resumes at
// the next ',' so later links are still returned. Whitespace around ',' is a
// warning (the ABNF has none, but the Core TS examples write ", ").
LinkParseResult ParseLinkFormat(std::string_view text);

// Canonical serialization: links joined by ',' (no spaces), parameters in the
// order given. A value is written quoted when LinkParam::quoted is set, when it
// is not a valid ptoken (spaces, ',', ';', '"', empty...), or when RFC 6690
// requires a quoted-string (anchor, title); '"' and '\' are escaped. Errors
// (4.00) name the link whose target or parameter name cannot be written.
Result<std::string> SerializeLinkFormat(const std::vector<Link>& links);

// ---- LwM2M attributes (Core TS 1.2 §7.3; values and rules from attributes.h) ----

// The LwM2M attributes of one link, typed: the <NOTIFICATION> and <PROPERTIES>
// classes as attributes.h reads them, plus the RFC 6690/7252 parameters LwM2M
// uses on the root and alternate-path links. Unknown parameters are ignored.
struct LwM2mAttributes {
  NotificationAttributes notification;  // pmin, pmax, gt, lt, st, epmin, epmax, edge, con, hqmax
  PropertiesAttributes properties;      // dim, ver, ssid, uri, lwm2m
  std::optional<std::string> rt;        // resource type, e.g. "oma.lwm2m"
  std::vector<uint16_t> ct;             // content formats (one, or a quoted space-separated list)
};

// Reads the LwM2M attributes of `link` (ParseLinkAttributes of attributes.h,
// plus rt and ct) and checks them (ValidateNotificationAttributes: lt < gt,
// lt + 2*st < gt, and with `target` the level and type rules). Every problem
// becomes a diagnostic; `offset` locates the link in the payload (nullopt when
// unknown). A malformed value leaves its attribute unset.
LwM2mAttributes ReadLwM2mAttributes(const Link& link, Diagnostics& diags,
                                    std::optional<size_t> offset = std::nullopt, const AttributeTarget& target = {});

// The LwM2M path a link target names: "/3/0/7" -> Path{3,0,7}; with an
// alternate path ("/lwm2m/3/0" under "/lwm2m") it is stripped first. A trailing
// '/' ("/0/1/", as in the Core TS Bootstrap-Discover examples) is tolerated.
// Errors (4.00) say which segment is wrong.
Result<Path> LinkTargetPath(std::string_view target, std::string_view alternate_path = "");

// ---- Operation rules ----

// One object of a Register/Update payload.
struct RegisteredObject {
  uint16_t id = 0;
  std::optional<std::string> version;  // `ver` on the object link, or on its only instance link
  std::vector<uint16_t> instances;     // ascending
  bool operator==(const RegisteredObject&) const = default;
};

struct RegisterPayload {
  std::string alternate_path;          // "" unless a `</x>;rt="oma.lwm2m"` link declares one
  std::vector<uint16_t> content_formats;  // `ct` of the root/alternate-path link
  std::vector<RegisteredObject> objects;  // ascending ids
};

// The LwM2M rules for the link list of a Register or Update (Core TS 1.2
// §6.2.1 and §7.2.3; Transport TS 1.2 §6.4.1): only root/alternate-path,
// Object and Object Instance links; no /0 or /21 (nor /23, 1.2.1); the
// alternate path has no numeric segment and prefixes every other link; `ver`
// syntax and quoting for the enabler version; `ct` a list of numbers.
std::vector<Diagnostic> CheckRegisterPayload(const std::vector<Link>& links, std::string_view lwm2m_version);

// The objects, instances and versions a Register/Update payload declares.
// Links that are not Object or Object Instance links are skipped.
RegisterPayload ExtractRegisterPayload(const std::vector<Link>& links);

// Rules for a Discover response (Core TS 1.2 §6.3.2): every link lies under
// `request_path`; `dim` only on Resource links (and, with models, only on
// Multiple Resources); Resource Instance links only under Multiple Resources;
// gt/lt/st only on Resource or Resource Instance links; edge only there too.
std::vector<Diagnostic> CheckDiscoverPayload(const std::vector<Link>& links, const Path& request_path,
                                             const ModelRegistry* models, std::string_view lwm2m_version);

// Rules for a Bootstrap-Discover response (Core TS 1.2 §6.1.7.3): a root link
// `</>;lwm2m=X.Y` first (1.1+), links at Object or Object Instance level, `ssid`
// and `uri` well-formed and only on /0, /1 (ssid also /21) instance links.
std::vector<Diagnostic> CheckBootstrapDiscoverPayload(const std::vector<Link>& links,
                                                      std::string_view lwm2m_version);

}  // namespace lwm2m
