// link_format.cc: CoRE Link Format codec (RFC 6690 §2) and the LwM2M rules on
// link lists (Register/Update, Discover, Bootstrap-Discover).
#include "lwm2m/codec/link_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "lwm2m/codec/codec.h"

namespace lwm2m {

namespace {

constexpr const char* kRfc6690 = "RFC 6690 §2";

bool IsAlpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

// RFC 5987 attr-char (parmname).
bool IsAttrChar(unsigned char c) {
  if (IsAlpha(c) || IsDigit(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '&': case '+': case '-': case '.':
    case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// RFC 6690 ptokenchar.
bool IsPtokenChar(unsigned char c) {
  if (IsAlpha(c) || IsDigit(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '(': case ')':
    case '*': case '+': case '-': case '.': case '/': case ':': case '<': case '=':
    case '>': case '?': case '@': case '[': case ']': case '^': case '_': case '`':
    case '{': case '|': case '}': case '~':
      return true;
    default:
      return false;
  }
}

// RFC 3986 characters that may appear in a URI-Reference (unreserved,
// reserved and '%' of pct-encoded).
bool IsUriChar(unsigned char c) {
  if (IsAlpha(c) || IsDigit(c)) return true;
  switch (c) {
    case '-': case '.': case '_': case '~':                                  // unreserved
    case ':': case '/': case '?': case '#': case '[': case ']': case '@':    // gen-delims
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*':   // sub-delims
    case '+': case ',': case ';': case '=': case '%':
      return true;
    default:
      return false;
  }
}

bool IsHex(unsigned char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string Printable(unsigned char c) {
  if (c >= 0x21 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  static const char* hex = "0123456789abcdef";
  return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
}

std::string Lower(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

class Parser {
 public:
  explicit Parser(std::string_view t) : t_(t) {}

  LinkParseResult Run() {
    SkipWhitespace("at the start of the payload");
    if (pos_ == t_.size()) return Finish();
    while (true) {
      bool ok = ParseLinkValue();
      if (!ok) {
        // Resume after the next ',' outside a quoted-string.
        if (!SkipToComma()) break;
        SkipWhitespace("after ','");
        if (pos_ == t_.size()) {
          d_.Error(pos_, "", "link-format: ',' at the end of the payload is not followed by a link-value",
                   kRfc6690);
          break;
        }
        continue;
      }
      size_t ws = pos_;
      bool had_ws = SkipWhitespaceQuiet();
      if (pos_ == t_.size()) {
        if (had_ws)
          d_.Warning(ws, "", "link-format: whitespace after the last link-value (not allowed by the ABNF)",
                     kRfc6690);
        break;
      }
      if (t_[pos_] != ',') {
        d_.Error(pos_, "",
                 "link-format: expected ',' between link-values, found " + Printable(t_[pos_]) +
                     (t_[pos_] == '<' ? " (a missing ',')" : ""),
                 kRfc6690);
        if (!SkipToComma()) break;
      } else {
        if (had_ws)
          d_.Warning(ws, "", "link-format: whitespace before ',' (not allowed by the ABNF)", kRfc6690);
        ++pos_;
      }
      SkipWhitespace("after ','");
      if (pos_ == t_.size()) {
        d_.Error(pos_ - 1, "", "link-format: trailing ',' at the end of the payload (a link-value must follow)",
                 kRfc6690);
        break;
      }
    }
    return Finish();
  }

 private:
  LinkParseResult Finish() {
    LinkParseResult r;
    r.links = std::move(links_);
    r.diagnostics = d_.Take();
    return r;
  }

  bool SkipWhitespaceQuiet() {
    size_t start = pos_;
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\r' || t_[pos_] == '\n'))
      ++pos_;
    return pos_ != start;
  }

  void SkipWhitespace(const char* where) {
    size_t start = pos_;
    if (SkipWhitespaceQuiet())
      d_.Warning(start, "",
                 std::string("link-format: whitespace ") + where +
                     " (not allowed by the ABNF; the Core TS examples write \", \")",
                 kRfc6690);
  }

  // Moves past the next ',' that is outside a quoted-string. False at the end.
  bool SkipToComma() {
    bool in_quote = false;
    bool in_target = false;
    char prev = pos_ > 0 ? t_[pos_ - 1] : '\0';
    while (pos_ < t_.size()) {
      char c = t_[pos_++];
      if (in_quote) {
        if (c == '\\' && pos_ < t_.size()) ++pos_;
        else if (c == '"') in_quote = false;
      } else if (in_target) {
        if (c == '>') in_target = false;
      } else if (c == '"' && prev == '=') {
        // Only a '"' right after '=' opens a quoted-string; a stray one is skipped.
        in_quote = true;
      } else if (c == '<') {
        in_target = true;
      } else if (c == ',') {
        return true;
      }
      prev = c;
    }
    return false;
  }

  bool ParseLinkValue() {
    size_t start = pos_;
    if (t_[pos_] != '<') {
      d_.Error(pos_, "",
               "link-format: link-value does not start with '<' (found " + Printable(t_[pos_]) + ")", kRfc6690);
      return false;
    }
    ++pos_;
    size_t target_start = pos_;
    size_t close = t_.find('>', pos_);
    if (close == std::string_view::npos) {
      d_.Error(start, "", "link-format: '<' at offset " + std::to_string(start) + " has no closing '>'",
               kRfc6690);
      pos_ = t_.size();
      return false;
    }
    Link link;
    link.target = std::string(t_.substr(target_start, close - target_start));
    for (size_t i = target_start; i < close; ++i) {
      unsigned char c = static_cast<unsigned char>(t_[i]);
      if (c == '%') {
        if (i + 2 >= close || !IsHex(t_[i + 1]) || !IsHex(t_[i + 2]))
          d_.Error(i, "", "link-format: '%' in URI-Reference <" + link.target + "> is not followed by two hex digits",
                   "RFC 3986 §2.1");
      } else if (!IsUriChar(c)) {
        d_.Error(i, "", "link-format: " + Printable(c) + " is not allowed in URI-Reference <" + link.target + ">",
                 "RFC 3986 §2");
      }
    }
    if (link.target.empty())
      d_.Warning(start, "", "link-format: empty URI-Reference '<>' (it names the context, not an LwM2M path)",
                 kRfc6690);
    pos_ = close + 1;
    std::set<std::string> seen;
    while (pos_ < t_.size() && t_[pos_] == ';') {
      ++pos_;
      size_t name_start = pos_;
      while (pos_ < t_.size() && IsAttrChar(t_[pos_])) ++pos_;
      // ext-name-star = parmname "*" (RFC 8288 / RFC 5987), e.g. title*.
      if (pos_ < t_.size() && t_[pos_] == '*' && pos_ > name_start) ++pos_;
      LinkParam p;
      p.name = std::string(t_.substr(name_start, pos_ - name_start));
      if (p.name.empty()) {
        d_.Error(name_start, "",
                 "link-format: empty parameter name after ';' in the link to <" + link.target + ">" +
                     (pos_ < t_.size() ? " (found " + Printable(t_[pos_]) + ")" : ""),
                 kRfc6690);
        links_.push_back(std::move(link));
        return false;
      }
      if (pos_ < t_.size() && t_[pos_] == '=') {
        ++pos_;
        if (pos_ < t_.size() && t_[pos_] == '"') {
          size_t q = pos_++;
          std::string v;
          bool closed = false;
          while (pos_ < t_.size()) {
            unsigned char c = static_cast<unsigned char>(t_[pos_]);
            if (c == '"') {
              closed = true;
              ++pos_;
              break;
            }
            if (c == '\\') {
              // quoted-pair = "\" CHAR (any US-ASCII octet).
              if (pos_ + 1 >= t_.size()) break;
              unsigned char e = static_cast<unsigned char>(t_[pos_ + 1]);
              if (e > 0x7f)
                d_.Error(pos_, "", "link-format: '\\' escapes a non-ASCII byte in parameter " + p.name,
                         "RFC 2616 §2.2 quoted-pair");
              v += static_cast<char>(e);
              pos_ += 2;
              continue;
            }
            if (c < 0x20 && c != '\t') {
              d_.Error(pos_, "", "link-format: control " + Printable(c) + " inside the quoted value of " + p.name,
                       "RFC 2616 §2.2 qdtext");
            }
            v += static_cast<char>(c);
            ++pos_;
          }
          if (!closed) {
            d_.Error(q, "",
                     "link-format: quoted value of parameter " + p.name + " in the link to <" + link.target +
                         "> is not terminated",
                     kRfc6690);
            p.value = std::move(v);
            p.quoted = true;
            link.params.push_back(std::move(p));
            links_.push_back(std::move(link));
            pos_ = t_.size();
            return false;
          }
          p.value = std::move(v);
          p.quoted = true;
        } else {
          size_t v_start = pos_;
          while (pos_ < t_.size() && IsPtokenChar(t_[pos_])) ++pos_;
          if (pos_ == v_start) {
            d_.Error(v_start, "",
                     "link-format: parameter " + p.name + " in the link to <" + link.target +
                         "> has '=' but no value" +
                         (pos_ < t_.size() ? " (found " + Printable(t_[pos_]) + ")" : ""),
                     kRfc6690);
          }
          p.value = std::string(t_.substr(v_start, pos_ - v_start));
        }
      }
      std::string key = Lower(p.name);
      if (!seen.insert(key).second)
        d_.Warning(name_start, "",
                   "link-format: parameter " + p.name + " appears more than once in the link to <" +
                       link.target + ">",
                   "RFC 8288 §3.4.1 (RFC 6690 §2)");
      CheckRfc6690Param(p, name_start, link.target);
      link.params.push_back(std::move(p));
    }
    links_.push_back(std::move(link));
    if (pos_ < t_.size() && t_[pos_] != ',' && t_[pos_] != ' ' && t_[pos_] != '\t' && t_[pos_] != '\r' &&
        t_[pos_] != '\n') {
      d_.Error(pos_, "",
               "link-format: unexpected " + Printable(t_[pos_]) + " in the link to <" + links_.back().target +
                   "> (expected ';' or ',')",
               kRfc6690);
      return false;
    }
    return true;
  }

  // The RFC 6690 registered parameters with a fixed syntax.
  void CheckRfc6690Param(const LinkParam& p, size_t at, const std::string& target) {
    std::string n = Lower(p.name);
    auto where = " in the link to <" + target + ">";
    if ((n == "anchor" || n == "title") && p.value && !p.quoted)
      d_.Error(at, "", "link-format: " + n + " must be a quoted-string" + where, kRfc6690);
    if (n == "sz" && p.value && !p.quoted) {
      const std::string& v = *p.value;
      bool ok = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return IsDigit(c); }) &&
                (v == "0" || v[0] != '0');
      if (!ok) d_.Error(at, "", "link-format: sz=" + v + " is not a cardinal" + where, kRfc6690);
    }
    if (n == "sz" && p.quoted) d_.Error(at, "", "link-format: sz must not be quoted" + where, kRfc6690);
  }

  std::string_view t_;
  size_t pos_ = 0;
  std::vector<Link> links_;
  Diagnostics d_;
};

bool NeedsQuotes(const std::string& v) {
  if (v.empty()) return true;
  for (char c : v)
    if (!IsPtokenChar(static_cast<unsigned char>(c))) return true;
  return false;
}

// ---- LwM2M helpers ----

bool ParseUint(std::string_view s, uint64_t max, uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s)
    if (!IsDigit(c)) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out <= max;
}

bool IsAtLeast11(std::string_view version) { return CompareVersions(version, "1.1") >= 0; }

bool IsNumericSegment(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return IsDigit(c); });
}

}  // namespace

LinkParseResult ParseLinkFormat(std::string_view text) { return Parser(text).Run(); }

Result<std::string> SerializeLinkFormat(const std::vector<Link>& links) {
  std::string out;
  for (size_t i = 0; i < links.size(); ++i) {
    const Link& l = links[i];
    for (char c : l.target) {
      if (!IsUriChar(static_cast<unsigned char>(c)))
        return BadRequest("link-format: link " + std::to_string(i) + " target '" + l.target + "' contains " +
                          Printable(static_cast<unsigned char>(c)) + ", not allowed in a URI-Reference");
    }
    if (i) out += ',';
    out += '<';
    out += l.target;
    out += '>';
    for (const LinkParam& p : l.params) {
      if (p.name.empty())
        return BadRequest("link-format: link <" + l.target + "> has a parameter with an empty name");
      for (size_t k = 0; k < p.name.size(); ++k) {
        unsigned char c = static_cast<unsigned char>(p.name[k]);
        if (!IsAttrChar(c) && !(c == '*' && k + 1 == p.name.size() && k > 0))
          return BadRequest("link-format: parameter name '" + p.name + "' of link <" + l.target + "> contains " +
                            Printable(c));
      }
      out += ';';
      out += p.name;
      if (!p.value) continue;
      std::string n = Lower(p.name);
      bool quote = p.quoted || NeedsQuotes(*p.value) || n == "anchor" || n == "title";
      out += '=';
      if (!quote) {
        out += *p.value;
        continue;
      }
      out += '"';
      for (char c : *p.value) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    }
  }
  return out;
}

Result<Path> LinkTargetPath(std::string_view target, std::string_view alternate_path) {
  std::string_view t = target;
  if (!alternate_path.empty() && alternate_path != "/") {
    std::string_view alt = alternate_path;
    if (alt.back() == '/') alt.remove_suffix(1);
    if (t.substr(0, alt.size()) != alt || (t.size() > alt.size() && t[alt.size()] != '/'))
      return BadRequest("link target '" + std::string(target) + "' is not under the alternate path '" +
                        std::string(alternate_path) + "'");
    t.remove_prefix(alt.size());
    if (t.empty()) t = "/";
  }
  if (t.size() > 1 && t.back() == '/') t.remove_suffix(1);
  auto p = Path::Parse(t);
  if (!p) return BadRequest("link target '" + std::string(target) + "': " + p.status().message());
  return p;
}

LwM2mAttributes ReadLwM2mAttributes(const Link& link, Diagnostics& d, std::optional<size_t> offset,
                                    const AttributeTarget& target) {
  LwM2mAttributes a;
  auto add = [&](Diagnostic diag) {
    if (!diag.offset) diag.offset = offset;
    d.Add(std::move(diag));
  };
  LinkAttributes la = ParseLinkAttributes(link);
  for (auto& diag : la.diagnostics) add(std::move(diag));
  for (auto& diag : ValidateNotificationAttributes(la.notification, target)) add(std::move(diag));
  a.notification = std::move(la.notification);
  a.properties = std::move(la.properties);
  bool rt_seen = false, ct_seen = false;
  for (const LinkParam& p : link.params) {
    if (p.name == "rt" && !rt_seen) {
      rt_seen = true;
      if (!p.value) {
        add({Severity::kError, offset, link.target, "link <" + link.target + ">: rt has no value", "RFC 6690 §3.1"});
        continue;
      }
      a.rt = *p.value;
    } else if (p.name == "ct" && !ct_seen) {
      ct_seen = true;
      // RFC 7252 §7.2.1: one number, or a quoted space-separated list.
      const std::string v = p.value.value_or("");
      std::vector<uint16_t> list;
      bool ok = p.value.has_value();
      size_t i = 0;
      uint64_t u = 0;
      while (ok && i <= v.size()) {
        size_t sp = v.find(' ', i);
        std::string_view item = std::string_view(v).substr(i, sp == std::string::npos ? std::string::npos : sp - i);
        if (!ParseUint(item, 65535, u)) ok = false;
        else list.push_back(static_cast<uint16_t>(u));
        if (sp == std::string::npos) break;
        i = sp + 1;
      }
      std::string shown = p.value ? (p.quoted ? "\"" + v + "\"" : v) : "";
      if (!ok) {
        add({Severity::kError, offset, link.target,
             "link <" + link.target + ">: ct=" + shown +
                 " is not a Content-Format number or a quoted space-separated list of them",
             "RFC 7252 §7.2.1"});
        continue;
      }
      if (list.size() > 1 && !p.quoted) {
        add({Severity::kError, offset, link.target,
             "link <" + link.target + ">: ct=" + shown + " lists several formats unquoted (a list must be quoted)",
             "RFC 7252 §7.2.1"});
        continue;
      }
      a.ct = std::move(list);
    }
  }
  return a;
}

// ---- Register / Update ----

namespace {

// Finds the alternate path link (`</x>;rt="oma.lwm2m"`), if any.
const Link* FindAlternatePathLink(const std::vector<Link>& links) {
  for (const Link& l : links) {
    const LinkParam* rt = l.Find("rt");
    if (rt && rt->value) {
      // rt may be a space-separated list of relation types.
      std::string_view v = *rt->value;
      size_t i = 0;
      while (i <= v.size()) {
        size_t sp = v.find(' ', i);
        if (v.substr(i, sp == std::string_view::npos ? std::string_view::npos : sp - i) == "oma.lwm2m") return &l;
        if (sp == std::string_view::npos) break;
        i = sp + 1;
      }
    }
  }
  return nullptr;
}

std::string AlternatePathOf(const std::vector<Link>& links) {
  const Link* alt = FindAlternatePathLink(links);
  if (!alt || alt->target == "/" || alt->target.empty()) return "";
  std::string t = alt->target;
  if (t.size() > 1 && t.back() == '/') t.pop_back();
  return t;
}

}  // namespace

std::vector<Diagnostic> CheckRegisterPayload(const std::vector<Link>& links, std::string_view lwm2m_version) {
  Diagnostics d;
  const char* kReg = "Core TS 1.2 §6.2.1";
  const Link* alt_link = FindAlternatePathLink(links);
  std::string alt = AlternatePathOf(links);
  if (alt_link) {
    std::string_view t = alt_link->target;
    size_t i = 1;
    if (t.empty() || t[0] != '/')
      d.Error(std::nullopt, alt_link->target, "alternate path </" + alt_link->target + "> does not start with '/'",
              "Transport TS 1.2 §6.4.1");
    while (i < t.size()) {
      size_t sl = t.find('/', i);
      std::string_view seg = t.substr(i, sl == std::string_view::npos ? std::string_view::npos : sl - i);
      if (IsNumericSegment(seg)) {
        d.Error(std::nullopt, alt_link->target,
                "alternate path <" + alt_link->target + "> has the numeric segment '" + std::string(seg) +
                    "' (it MUST NOT contain one)",
                "Transport TS 1.2 §6.4.1");
        break;
      }
      if (sl == std::string_view::npos) break;
      i = sl + 1;
    }
  }
  std::map<uint16_t, std::vector<const Link*>> instance_links;  // oid -> instance links
  std::map<uint16_t, const Link*> object_links;
  std::set<std::string> targets;
  bool at_least_11 = IsAtLeast11(lwm2m_version);
  for (const Link& l : links) {
    Diagnostics attr;
    LwM2mAttributes a = ReadLwM2mAttributes(l, attr);
    d.Append(attr.list());
    if (!targets.insert(l.target).second)
      d.Warning(std::nullopt, l.target, "link <" + l.target + "> is listed more than once", kReg);
    if (&l == alt_link) continue;
    if (l.target == "/") {
      // The root link carries ct (and rt) only.
      continue;
    }
    auto path = LinkTargetPath(l.target, alt);
    if (!path) {
      d.Error(std::nullopt, l.target, "Register link <" + l.target + ">: " + path.status().message(), kReg);
      continue;
    }
    if (path->IsRoot()) continue;
    if (!path->prefix().empty()) {
      d.Error(std::nullopt, l.target,
              "Register link <" + l.target + "> has a non-numeric segment '" + path->prefix() +
                  "' (LwM2M Gateway end-device objects are not registered)",
              "Gateway TS 1.1 §5");
      continue;
    }
    if (l.target.size() > 1 && l.target.back() == '/')
      d.Warning(std::nullopt, l.target, "link <" + l.target + "> ends with '/'", kReg);
    if (path->size() > 2) {
      d.Error(std::nullopt, l.target,
              "Register link <" + l.target + "> names a Resource; only Objects and Object Instances are listed",
              kReg);
      continue;
    }
    uint16_t oid = (*path)[0];
    if (oid == 0 || oid == 21) {
      d.Error(std::nullopt, l.target,
              std::string("Register link <") + l.target + "> lists the " + (oid == 0 ? "Security" : "OSCORE") +
                  " Object, which MUST NOT be part of the Registration Objects and Object Instances list",
              "Core TS 1.1 §6.2.1 (1.2 §6.2.1)");
    } else if (oid == 23) {
      // A warning only: the rule came with 1.2.1, and "1.2" does not tell 1.2.0 from 1.2.1.
      d.Warning(std::nullopt, l.target,
                "Register link <" + l.target + "> lists the COSE Object (/23), which a 1.2.1+ Client MUST NOT register",
                "Core TS 1.2.1 §6.2.1 ([FL], unverified against the PDF)");
    }
    if (path->size() == 1) object_links[oid] = &l;
    else instance_links[oid].push_back(&l);
    if (const LinkParam* ver = l.Find("ver"); ver && ver->value && a.properties.ver) {
      if (!at_least_11 && !ver->quoted)
        d.Warning(std::nullopt, l.target,
                  "ver=" + *ver->value + " is unquoted; a 1.0 Client writes ver=\"x.y\"",
                  "research §2.1 (Anjay anjay_corelnk.c: 1.0 quotes ver)");
      if (at_least_11 && ver->quoted)
        d.Warning(std::nullopt, l.target,
                  "ver=\"" + *ver->value + "\" is quoted; a 1.1+ Client writes ver=x.y",
                  "research §2.1 (Anjay anjay_corelnk.c: 1.1+ does not quote ver)");
    }
    for (const LinkParam& p : l.params) {
      if (p.name != "ver")
        d.Info(std::nullopt, l.target, "Register link <" + l.target + "> carries parameter " + p.name +
                   " (only ver is defined on Object and Object Instance links)", kReg);
    }
  }
  for (auto& [oid, ls] : instance_links) {
    int with_ver = 0;
    for (const Link* l : ls)
      if (l->Find("ver")) ++with_ver;
    if (with_ver && ls.size() > 1)
      d.Warning(std::nullopt, "/" + std::to_string(oid),
                "ver is on an Object Instance link of /" + std::to_string(oid) +
                    ", which has several instances (it belongs on the Object link)",
                "Core TS 1.2 §7.2.3");
    if (with_ver && object_links.count(oid) && object_links[oid]->Find("ver"))
      d.Warning(std::nullopt, "/" + std::to_string(oid), "ver is given on both the Object and an instance link",
                "Core TS 1.2 §7.2.3");
  }
  for (const Link& l : links) {
    if (&l == alt_link || l.target == "/" || alt.empty()) continue;
    if (l.target.rfind(alt + "/", 0) != 0)
      d.Error(std::nullopt, l.target,
              "link <" + l.target + "> does not start with the alternate path " + alt, "Transport TS 1.2 §6.4.1");
  }
  return d.Take();
}

RegisterPayload ExtractRegisterPayload(const std::vector<Link>& links) {
  RegisterPayload r;
  r.alternate_path = AlternatePathOf(links);
  std::map<uint16_t, RegisteredObject> objs;
  std::map<uint16_t, std::vector<std::string>> instance_versions;
  const Link* alt_link = FindAlternatePathLink(links);
  for (const Link& l : links) {
    Diagnostics ignore;
    if (l.target == "/" || alt_link == &l) {
      LwM2mAttributes a = ReadLwM2mAttributes(l, ignore);
      if (!a.ct.empty() && r.content_formats.empty()) r.content_formats = a.ct;
      continue;
    }
    auto path = LinkTargetPath(l.target, r.alternate_path);
    if (!path || path->IsRoot() || !path->prefix().empty() || path->size() > 2) continue;
    LwM2mAttributes a = ReadLwM2mAttributes(l, ignore);
    RegisteredObject& o = objs[(*path)[0]];
    o.id = (*path)[0];
    if (path->size() == 1) {
      if (a.properties.ver) o.version = a.properties.ver;
    } else {
      uint16_t iid = (*path)[1];
      if (std::find(o.instances.begin(), o.instances.end(), iid) == o.instances.end()) o.instances.push_back(iid);
      if (a.properties.ver) instance_versions[o.id].push_back(*a.properties.ver);
    }
  }
  for (auto& [id, o] : objs) {
    std::sort(o.instances.begin(), o.instances.end());
    if (!o.version && !instance_versions[id].empty()) o.version = instance_versions[id].front();
    r.objects.push_back(o);
  }
  return r;
}

// ---- Discover ----

std::vector<Diagnostic> CheckDiscoverPayload(const std::vector<Link>& links, const Path& request_path,
                                             const ModelRegistry* models, std::string_view lwm2m_version) {
  Diagnostics d;
  const char* kDisc = "Core TS 1.2 §6.3.2";
  bool at_least_11 = IsAtLeast11(lwm2m_version);
  for (const Link& l : links) {
    auto path = LinkTargetPath(l.target);
    if (!path) {
      Diagnostics attr;
      (void)ReadLwM2mAttributes(l, attr);
      d.Append(attr.list());
      d.Error(std::nullopt, l.target, "Discover link <" + l.target + ">: " + path.status().message(), kDisc);
      continue;
    }
    const ResourceModel* rm = models && path->size() >= 3 ? models->FindResource(*path) : nullptr;
    // Level and type rules of gt/lt/st and edge come with the target (attributes.h).
    AttributeTarget target;
    target.path = *path;
    if (rm) target.type = rm->type;
    Diagnostics attr;
    LwM2mAttributes a = ReadLwM2mAttributes(l, attr, std::nullopt, target);
    d.Append(attr.list());
    if (!request_path.WithoutPrefix().IsPrefixOf(path->WithoutPrefix()))
      d.Error(std::nullopt, l.target,
              "Discover link <" + l.target + "> is not under the request path " + request_path.ToString(), kDisc);
    if (a.properties.dim) {
      if (path->size() != 3)
        d.Error(std::nullopt, l.target, "dim is only reported on Resource links", kDisc);
      else if (rm && !rm->multiple)
        d.Error(std::nullopt, l.target, "dim on Single-Instance Resource " + path->ToString() + " (" + rm->name + ")",
                kDisc);
    } else if (rm && rm->multiple && path->size() == 3 && at_least_11) {
      d.Warning(std::nullopt, l.target, "Multiple-Instance Resource link without dim", kDisc);
    }
    if (path->size() == 4 && models) {
      const ResourceModel* r = models->FindResource(*path);
      if (r && !r->multiple)
        d.Error(std::nullopt, l.target, "Resource Instance link under Single-Instance Resource " + r->name, kDisc);
    }
    if (a.properties.ver && path->size() != 1 && path->size() != 2)
      d.Warning(std::nullopt, l.target, "ver on a link that is not an Object or Object Instance link",
                "Core TS 1.2 §7.2.3");
  }
  return d.Take();
}

// ---- Bootstrap-Discover ----

std::vector<Diagnostic> CheckBootstrapDiscoverPayload(const std::vector<Link>& links, std::string_view lwm2m_version) {
  Diagnostics d;
  const char* kBs = "Core TS 1.2 §6.1.7.3";
  bool at_least_11 = IsAtLeast11(lwm2m_version);
  bool root_seen = false;
  for (size_t i = 0; i < links.size(); ++i) {
    const Link& l = links[i];
    Diagnostics attr;
    LwM2mAttributes a = ReadLwM2mAttributes(l, attr);
    d.Append(attr.list());
    if (l.target == "/") {
      root_seen = true;
      if (i != 0) d.Warning(std::nullopt, l.target, "the root link </> is not the first link", kBs);
      if (!a.properties.lwm2m) {
        d.Error(std::nullopt, l.target, "the root link </> has no lwm2m=<version>", kBs);
      } else {
        const LinkParam* p = l.Find("lwm2m");
        if (CompareVersions(*a.properties.lwm2m, lwm2m_version) != 0)
          d.Warning(std::nullopt, l.target,
                    "lwm2m=" + *a.properties.lwm2m + " differs from the enabler version " + std::string(lwm2m_version), kBs);
        if (p && p->quoted && at_least_11)
          d.Info(std::nullopt, l.target, "lwm2m=\"" + *a.properties.lwm2m + "\" is quoted (the 1.1+ examples write it unquoted)",
                 kBs);
      }
      continue;
    }
    auto path = LinkTargetPath(l.target);
    if (!path || path->IsRoot() || !path->prefix().empty()) {
      d.Error(std::nullopt, l.target,
              "Bootstrap-Discover link <" + l.target + "> is not an Object or Object Instance link" +
                  (path ? std::string() : ": " + path.status().message()),
              kBs);
      continue;
    }
    if (path->size() > 2)
      d.Error(std::nullopt, l.target, "Bootstrap-Discover lists Objects and Object Instances only", kBs);
    if (l.target.size() > 1 && l.target.back() == '/')
      d.Info(std::nullopt, l.target, "link <" + l.target + "> ends with '/' (as in the Core TS examples)", kBs);
    uint16_t oid = (*path)[0];
    bool instance = path->size() == 2;
    if (a.properties.ssid && !(instance && (oid == 0 || oid == 1 || oid == 21)))
      d.Error(std::nullopt, l.target, "ssid is only reported on Security, Server and OSCORE Object Instance links",
              kBs);
    if (a.properties.uri && !(instance && oid == 0))
      d.Error(std::nullopt, l.target, "uri is only reported on Security Object Instance links", kBs);
    if (instance && oid == 0 && a.properties.ssid && !a.properties.uri)
      d.Warning(std::nullopt, l.target, "Security instance with ssid has no uri", kBs);
  }
  if (at_least_11 && !root_seen)
    d.Error(std::nullopt, "/", "no root link </>;lwm2m=<version> (1.1+ Bootstrap-Discover starts with it)", kBs);
  return d.Take();
}

// ---- Codec ----

namespace {

class LinkFormatCodec : public Codec {
 public:
  ContentFormat format() const override { return ContentFormat::kLinkFormat; }
  std::string_view name() const override { return "link"; }

  DecodeResult Decode(std::span<const uint8_t> payload, const CodecContext&) const override {
    std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
    LinkParseResult p = ParseLinkFormat(text);
    DecodeResult r;
    r.diagnostics = std::move(p.diagnostics);
    Diagnostics attr;
    for (const Link& l : p.links) (void)ReadLwM2mAttributes(l, attr);
    for (auto& diag : attr.list()) r.diagnostics.push_back(std::move(diag));
    r.content.links = std::move(p.links);
    return r;
  }

  Result<Bytes> Encode(const Content& content, const CodecContext&) const override {
    if (!content.records.empty())
      return NotAcceptable("link-format carries links, not resource values (" + std::to_string(content.records.size()) +
                           " records given)");
    auto s = SerializeLinkFormat(content.links);
    if (!s) return s.status();
    return Bytes(s->begin(), s->end());
  }
};

}  // namespace

std::unique_ptr<Codec> MakeLinkFormatCodec() { return std::make_unique<LinkFormatCodec>(); }

}  // namespace lwm2m
