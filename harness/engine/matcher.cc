// matcher.cc: observed facts and check evaluation (see matcher.h).
#include "harness/engine/matcher.h"

#include <algorithm>
#include <regex>

#include "harness/engine/loader.h"
#include "lwm2m/codec/codec.h"
#include "lwm2m/model.h"

namespace lwm2m::engine {
namespace {

std::string Printable(const Bytes& b) {
  bool text = std::all_of(b.begin(), b.end(), [](uint8_t c) { return c >= 0x20 && c < 0x7f; });
  if (text) return std::string(b.begin(), b.end());
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) s += hex[c >> 4], s += hex[c & 15];
  return s;
}

std::string Hex(const Bytes& b) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) s += hex[c >> 4], s += hex[c & 15];
  return s;
}

std::string OptionKey(uint16_t n) {
  std::string name = CoapOptionName(n);
  return "option." + name;
}

void AddCommon(Observed& o, const CoapMessage& m) {
  static const char* types[] = {"CON", "NON", "ACK", "RST"};
  o.facts["type"] = types[static_cast<int>(m.type) & 3];
  o.facts["token-length"] = std::to_string(m.token.size());
  if (auto f = m.GetContentFormat()) o.facts["content-format"] = std::string(FindContentFormat(*f) ? FindContentFormat(*f)->name : std::to_string(static_cast<int>(*f)));
  if (auto a = m.GetAccept()) o.facts["accept"] = std::string(FindContentFormat(*a) ? FindContentFormat(*a)->name : std::to_string(static_cast<int>(*a)));
  if (!m.payload.empty()) {
    o.facts["payload"] = Printable(m.payload);
    o.facts["payload-hex"] = Hex(m.payload);
  }
  for (const auto& opt : m.options) {
    std::string k = OptionKey(opt.number);
    std::string v;
    if (opt.number == CoapOption::kUriPath || opt.number == CoapOption::kUriQuery ||
        opt.number == CoapOption::kLocationPath || opt.number == CoapOption::kLocationQuery)
      v = std::string(opt.value.begin(), opt.value.end());
    else if (opt.value.size() <= 4) {
      uint32_t x = 0;
      for (uint8_t c : opt.value) x = x << 8 | c;
      v = std::to_string(x);
    } else {
      v = Hex(opt.value);
    }
    auto it = o.facts.find(k);
    if (it == o.facts.end()) o.facts[k] = v;
    else it->second += "," + v;
  }
  if (auto obs = m.Observe()) o.facts["observe"] = std::to_string(*obs);
}

}  // namespace

void AddContentFacts(Observed& o, const Content& content, bool decodes) {
  o.facts["decodes"] = decodes ? "true" : "false";
  for (const auto& r : content.records) {
    if (r.value.is_none()) continue;
    o.facts["value." + r.path.ToString()] = r.value.ToText();
  }
  for (const auto& l : content.links) {
    std::string full = "<" + l.target + ">";
    o.links.push_back(full);
    for (const auto& p : l.params) {
      full += ";" + p.name;
      if (p.value) full += "=" + (p.quoted ? "\"" + *p.value + "\"" : *p.value);
    }
    o.links.push_back(full);
  }
}

Observed ObserveRequest(const CoapMessage& m, const std::optional<Classification>& c) {
  Observed o;
  AddCommon(o, m);
  o.facts["method"] = CoapCodeName(m.code);
  o.facts["code"] = CodeText(m.code);
  o.facts["path"] = m.UriPath();
  std::string q;
  for (const auto& item : m.UriQueries()) {
    q += (q.empty() ? "" : "&") + item;
    size_t eq = item.find('=');
    o.facts["query." + item.substr(0, eq)] = eq == std::string::npos ? "" : item.substr(eq + 1);
  }
  o.facts["query"] = q;
  if (c && c->operation) {
    o.facts["op"] = std::string(OperationKey(c->operation->kind));
    for (const auto& l : c->operation->links) {
      Content ct;
      ct.links.push_back(l);
      AddContentFacts(o, ct, true);
    }
    o.facts.erase("decodes");
  }
  if (m.GetContentFormat() == ContentFormat::kLinkFormat && o.links.empty() && !m.payload.empty()) {
    if (const Codec* codec = FindCodec(ContentFormat::kLinkFormat)) {
      DecodeResult r = codec->Decode(m.payload, {});
      AddContentFacts(o, r.content, !r.HasErrors());
    }
  }
  return o;
}

Observed ObserveResponse(const CoapMessage& m, const Path& request_path) {
  Observed o;
  AddCommon(o, m);
  o.facts["code"] = CodeText(m.code);
  std::string loc = m.LocationPath();
  if (!loc.empty()) o.facts["location"] = loc;
  if (!m.payload.empty()) {
    auto cf = m.GetContentFormat().value_or(ContentFormat::kTextPlain);
    if (const Codec* codec = FindCodec(cf)) {
      CodecContext ctx;
      ctx.request_path = request_path;
      ctx.models = &ModelRegistry::Builtin();
      DecodeResult r = codec->Decode(m.payload, ctx);
      AddContentFacts(o, r.content, !r.HasErrors());
      for (const auto& d : r.diagnostics)
        if (d.severity == Severity::kError) o.decode_errors.push_back(d.ToString());
    } else {
      o.facts["decodes"] = "false";
      o.decode_errors.push_back("no codec for content format " + ContentFormatLabel(static_cast<uint16_t>(cf)));
    }
  }
  return o;
}

CheckOutcome Evaluate(const Check& c, const Observed& o, const std::map<std::string, std::string>& vars) {
  CheckOutcome out;
  std::vector<std::string> exp;
  for (const auto& e : c.expected) {
    std::string x = Expand(e, vars);
    // "link-format", "40", "application/link-format" all name the same format.
    if (c.key == "content-format" || c.key == "accept")
      if (auto f = ParseContentFormat(x))
        if (const ContentFormatInfo* i = FindContentFormat(*f)) x = std::string(i->name);
    exp.push_back(x);
  }
  auto quote = [](const std::string& s) { return "\"" + s + "\""; };
  auto join = [&](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + quote(x);
    return "[" + s + "]";
  };
  if (c.key == "links") {
    out.actual = "links = " + [&] {
      std::string s;
      for (size_t i = 1; i < o.links.size(); i += 2) s += (s.empty() ? "" : ",") + o.links[i];
      return s.empty() ? std::string("(none)") : s;
    }();
    for (const auto& e : exp) {
      bool has = std::find(o.links.begin(), o.links.end(), e) != o.links.end();
      if (c.kind == Check::Kind::kExcludes && has) {
        out.ok = false;
        out.expected = "links exclude " + e;
      } else if (c.kind != Check::Kind::kExcludes && !has) {
        out.ok = false;
        out.expected = "links include " + e;
      }
      if (!out.ok) return out;
    }
    out.expected = std::string("links ") + (c.kind == Check::Kind::kExcludes ? "exclude " : "include ") + join(exp);
    return out;
  }
  auto it = o.facts.find(c.key);
  std::optional<std::string> actual;
  if (it != o.facts.end()) actual = it->second;
  out.actual = c.key + (actual ? " = " + quote(*actual) : " absent");
  switch (c.kind) {
    case Check::Kind::kEquals:
      out.expected = c.key + " = " + quote(exp.empty() ? "" : exp[0]);
      out.ok = actual && *actual == exp[0];
      break;
    case Check::Kind::kNotEquals:
      out.expected = c.key + " != " + quote(exp.empty() ? "" : exp[0]);
      out.ok = !actual || *actual != exp[0];
      break;
    case Check::Kind::kPresent:
      out.expected = c.key + " present";
      out.ok = actual.has_value();
      break;
    case Check::Kind::kAbsent:
      out.expected = c.key + " absent";
      out.ok = !actual.has_value();
      break;
    case Check::Kind::kMatches:
      out.expected = c.key + " matches /" + (exp.empty() ? "" : exp[0]) + "/";
      try {
        out.ok = actual && std::regex_search(*actual, std::regex(exp[0]));
      } catch (const std::regex_error&) {
        out.ok = false;
        out.actual += " (the pattern is not a valid regular expression)";
      }
      break;
    case Check::Kind::kOneOf:
      out.expected = c.key + " one of " + join(exp);
      out.ok = actual && std::find(exp.begin(), exp.end(), *actual) != exp.end();
      break;
    case Check::Kind::kIncludes:
    case Check::Kind::kExcludes: {
      bool inc = c.kind == Check::Kind::kIncludes;
      out.expected = c.key + (inc ? " contains " : " does not contain ") + join(exp);
      out.ok = true;
      for (const auto& e : exp) {
        bool has = actual && actual->find(e) != std::string::npos;
        if (has != inc) out.ok = false;
      }
      break;
    }
  }
  return out;
}

}  // namespace lwm2m::engine
