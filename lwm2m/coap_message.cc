// coap_message.cc: the abstract CoAP message of coap_message.h (RFC 7252 §3, §5.10,
// RFC 7959 §2.2, RFC 8323 §5).
#include "lwm2m/coap_message.h"

#include <algorithm>
#include <cstdio>

namespace lwm2m {

namespace {

// RFC 7252 §12.1.2, RFC 7959 §2.9, RFC 8132 §6, RFC 8323 §11.1, RFC 9175.
const char* ResponseName(uint8_t code) {
  switch (code) {
    case 0x41: return "Created";
    case 0x42: return "Deleted";
    case 0x43: return "Valid";
    case 0x44: return "Changed";
    case 0x45: return "Content";
    case 0x5F: return "Continue";
    case 0x80: return "Bad Request";
    case 0x81: return "Unauthorized";
    case 0x82: return "Bad Option";
    case 0x83: return "Forbidden";
    case 0x84: return "Not Found";
    case 0x85: return "Method Not Allowed";
    case 0x86: return "Not Acceptable";
    case 0x88: return "Request Entity Incomplete";
    case 0x89: return "Conflict";
    case 0x8C: return "Precondition Failed";
    case 0x8D: return "Request Entity Too Large";
    case 0x8F: return "Unsupported Content-Format";
    case 0x96: return "Unprocessable Entity";
    case 0x9D: return "Too Many Requests";
    case 0xA0: return "Internal Server Error";
    case 0xA1: return "Not Implemented";
    case 0xA2: return "Bad Gateway";
    case 0xA3: return "Service Unavailable";
    case 0xA4: return "Gateway Timeout";
    case 0xA5: return "Proxying Not Supported";
    case 0xA8: return "Hop Limit Reached";
    case 0xE1: return "CSM";
    case 0xE2: return "Ping";
    case 0xE3: return "Pong";
    case 0xE4: return "Release";
    case 0xE5: return "Abort";
    default: return nullptr;
  }
}

std::string CodeDigits(uint8_t code) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%u.%02u", static_cast<unsigned>(code >> 5), static_cast<unsigned>(code & 0x1F));
  return buf;
}

Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

std::string ToText(const Bytes& b) { return std::string(b.begin(), b.end()); }

void SplitInto(std::string_view text, char sep, std::vector<std::string_view>& out) {
  while (true) {
    size_t p = text.find(sep);
    out.push_back(text.substr(0, p));
    if (p == std::string_view::npos) break;
    text = text.substr(p + 1);
  }
}

}  // namespace

std::string CoapCodeName(uint8_t code) {
  switch (code) {
    case CoapCode::kEmpty: return "0.00 Empty";
    case CoapCode::kGet: return "GET";
    case CoapCode::kPost: return "POST";
    case CoapCode::kPut: return "PUT";
    case CoapCode::kDelete: return "DELETE";
    case CoapCode::kFetch: return "FETCH";
    case CoapCode::kPatch: return "PATCH";
    case CoapCode::kIPatch: return "iPATCH";
    default: break;
  }
  const char* name = ResponseName(code);
  return name ? CodeDigits(code) + " " + name : CodeDigits(code);
}

std::string CoapOptionName(uint16_t number) {
  switch (number) {
    case CoapOption::kIfMatch: return "If-Match";
    case CoapOption::kUriHost: return "Uri-Host";
    case CoapOption::kETag: return "ETag";
    case CoapOption::kIfNoneMatch: return "If-None-Match";
    case CoapOption::kObserve: return "Observe";
    case CoapOption::kUriPort: return "Uri-Port";
    case CoapOption::kLocationPath: return "Location-Path";
    case CoapOption::kOscore: return "OSCORE";
    case CoapOption::kUriPath: return "Uri-Path";
    case CoapOption::kContentFormat: return "Content-Format";
    case CoapOption::kMaxAge: return "Max-Age";
    case CoapOption::kUriQuery: return "Uri-Query";
    case CoapOption::kAccept: return "Accept";
    case CoapOption::kLocationQuery: return "Location-Query";
    case CoapOption::kBlock2: return "Block2";
    case CoapOption::kBlock1: return "Block1";
    case CoapOption::kSize2: return "Size2";
    case CoapOption::kProxyUri: return "Proxy-Uri";
    case CoapOption::kProxyScheme: return "Proxy-Scheme";
    case CoapOption::kSize1: return "Size1";
    case CoapOption::kEcho: return "Echo";
    case CoapOption::kNoResponse: return "No-Response";
    case CoapOption::kRequestTag: return "Request-Tag";
    default: return "Option " + std::to_string(number);
  }
}

CoapMessage CoapMessage::Request(uint8_t code, std::string_view uri) {
  CoapMessage m;
  m.code = code;
  std::string_view path = uri, query;
  if (size_t q = uri.find('?'); q != std::string_view::npos) {
    path = uri.substr(0, q);
    query = uri.substr(q + 1);
  }
  m.SetUriPath(path);
  if (!query.empty()) {
    std::vector<std::string_view> parts;
    SplitInto(query, '&', parts);
    for (std::string_view p : parts) m.AddOption(CoapOption::kUriQuery, p);
  }
  return m;
}

void CoapMessage::AddOption(uint16_t number, Bytes value) {
  auto it = std::upper_bound(options.begin(), options.end(), number,
                             [](uint16_t n, const CoapOptionValue& o) { return n < o.number; });
  options.insert(it, CoapOptionValue{number, std::move(value)});
}

void CoapMessage::AddOption(uint16_t number, std::string_view text) { AddOption(number, ToBytes(text)); }

namespace {
Bytes MinimalUint(uint32_t value) {
  Bytes b;
  for (int shift = 24; shift >= 0; shift -= 8) {
    uint8_t byte = static_cast<uint8_t>(value >> shift);
    if (!b.empty() || byte != 0) b.push_back(byte);
  }
  return b;
}
}  // namespace

void CoapMessage::AddUintOption(uint16_t number, uint32_t value) { AddOption(number, MinimalUint(value)); }

void CoapMessage::RemoveOption(uint16_t number) {
  std::erase_if(options, [number](const CoapOptionValue& o) { return o.number == number; });
}

bool CoapMessage::HasOption(uint16_t number) const { return FindOption(number) != nullptr; }

const CoapOptionValue* CoapMessage::FindOption(uint16_t number) const {
  for (const auto& o : options)
    if (o.number == number) return &o;
  return nullptr;
}

std::vector<const CoapOptionValue*> CoapMessage::FindOptions(uint16_t number) const {
  std::vector<const CoapOptionValue*> out;
  for (const auto& o : options)
    if (o.number == number) out.push_back(&o);
  return out;
}

std::optional<uint32_t> CoapMessage::UintOption(uint16_t number) const {
  const CoapOptionValue* o = FindOption(number);
  if (!o || o->value.size() > 4) return std::nullopt;
  uint32_t v = 0;
  for (uint8_t b : o->value) v = v << 8 | b;
  return v;
}

std::string CoapMessage::UriPath() const {
  std::string s;
  for (const auto& o : options)
    if (o.number == CoapOption::kUriPath) s += "/" + ToText(o.value);
  return s.empty() ? "/" : s;
}

void CoapMessage::SetUriPath(std::string_view path) {
  RemoveOption(CoapOption::kUriPath);
  // RFC 7252 §6.4 step 8: an empty path or a single "/" adds no Uri-Path option;
  // otherwise every segment (also an empty one, as in "/a//b") is one option.
  if (path.empty() || path == "/") return;
  if (path.front() == '/') path.remove_prefix(1);
  std::vector<std::string_view> segments;
  SplitInto(path, '/', segments);
  for (std::string_view s : segments) AddOption(CoapOption::kUriPath, s);
}

std::vector<std::string> CoapMessage::UriQueries() const {
  std::vector<std::string> out;
  for (const auto& o : options)
    if (o.number == CoapOption::kUriQuery) out.push_back(ToText(o.value));
  return out;
}

std::optional<std::string> CoapMessage::Query(std::string_view name) const {
  for (const auto& o : options) {
    if (o.number != CoapOption::kUriQuery) continue;
    std::string_view q(reinterpret_cast<const char*>(o.value.data()), o.value.size());
    size_t eq = q.find('=');
    if (q.substr(0, eq) != name) continue;
    return eq == std::string_view::npos ? std::string() : std::string(q.substr(eq + 1));
  }
  return std::nullopt;
}

void CoapMessage::AddQuery(std::string_view name_equals_value) { AddOption(CoapOption::kUriQuery, name_equals_value); }

std::string CoapMessage::LocationPath() const {
  std::string s;
  for (const auto& o : options)
    if (o.number == CoapOption::kLocationPath) s += "/" + ToText(o.value);
  return s;
}

namespace {
// Content-Format and Accept: one uint option holding a content-format number (RFC 7252 §5.10.3, §5.10.4).
std::optional<ContentFormat> FormatOption(const CoapMessage& m, uint16_t number) {
  auto v = m.UintOption(number);
  if (!v || *v > 0xFFFF) return std::nullopt;
  return static_cast<ContentFormat>(*v);
}
void SetFormatOption(CoapMessage& m, uint16_t number, ContentFormat f) {
  m.RemoveOption(number);
  m.AddUintOption(number, static_cast<uint16_t>(f));
}
}  // namespace

std::optional<ContentFormat> CoapMessage::GetContentFormat() const {
  return FormatOption(*this, CoapOption::kContentFormat);
}
void CoapMessage::SetContentFormat(ContentFormat f) { SetFormatOption(*this, CoapOption::kContentFormat, f); }

std::optional<ContentFormat> CoapMessage::GetAccept() const { return FormatOption(*this, CoapOption::kAccept); }
void CoapMessage::SetAccept(ContentFormat f) { SetFormatOption(*this, CoapOption::kAccept, f); }

std::optional<BlockOption> CoapMessage::Block1() const {
  const CoapOptionValue* o = FindOption(CoapOption::kBlock1);
  return o ? DecodeBlockOption(o->value) : std::nullopt;
}

std::optional<BlockOption> CoapMessage::Block2() const {
  const CoapOptionValue* o = FindOption(CoapOption::kBlock2);
  return o ? DecodeBlockOption(o->value) : std::nullopt;
}

void CoapMessage::SetBlock1(BlockOption b) {
  RemoveOption(CoapOption::kBlock1);
  AddOption(CoapOption::kBlock1, EncodeBlockOption(b));
}

void CoapMessage::SetBlock2(BlockOption b) {
  RemoveOption(CoapOption::kBlock2);
  AddOption(CoapOption::kBlock2, EncodeBlockOption(b));
}

std::string CoapMessage::Summary() const {
  static const char* const kTypes[] = {"CON", "NON", "ACK", "RST"};
  std::string s = kTypes[static_cast<uint8_t>(type) & 3];
  s += " " + CoapCodeName(code);
  char mid[16];
  std::snprintf(mid, sizeof mid, " mid=0x%04x", message_id);
  s += mid;
  if (!token.empty()) s += " token=" + HexEncode(token);
  if (IsRequest()) {
    s += " " + UriPath();
    auto queries = UriQueries();
    for (size_t i = 0; i < queries.size(); ++i) s += (i == 0 ? "?" : "&") + queries[i];
  }
  std::string location = LocationPath();
  if (!location.empty()) s += " location=" + location;
  if (auto obs = Observe()) s += " observe=" + std::to_string(*obs);
  if (auto cf = UintOption(CoapOption::kContentFormat)) s += " cf=" + std::to_string(*cf);
  if (auto accept = UintOption(CoapOption::kAccept)) s += " accept=" + std::to_string(*accept);
  auto block = [&](const char* name, std::optional<BlockOption> b) {
    if (b) s += std::string(" ") + name + "=" + std::to_string(b->num) + "/" + (b->more ? "1" : "0") + "/" +
                 std::to_string(b->size());
  };
  block("block1", Block1());
  block("block2", Block2());
  if (!payload.empty()) s += " payload=" + std::to_string(payload.size()) + "B";
  return s;
}

Bytes EncodeBlockOption(BlockOption b) {
  // RFC 7959 §2.2: NUM | M | SZX as a minimal-length uint (NUM 0, M 0, SZX 0 is empty).
  uint32_t v = b.num << 4 | (b.more ? 8u : 0u) | (b.szx & 7u);
  return MinimalUint(v);
}

std::optional<BlockOption> DecodeBlockOption(const Bytes& value) {
  if (value.size() > 3) return std::nullopt;
  uint32_t v = 0;
  for (uint8_t b : value) v = v << 8 | b;
  BlockOption o;
  o.num = v >> 4;
  o.more = (v & 8) != 0;
  o.szx = static_cast<uint8_t>(v & 7);
  return o;
}

}  // namespace lwm2m
