// value.cc: LwM2M data types and their text/plain representation
// (Core TS 1.2 Appendix C and §7.4.1).
#include "lwm2m/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace lwm2m {

namespace {
const std::string kEmptyString;
const Bytes kEmptyBytes;

std::string Lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

template <typename T>
bool ParseDecimal(std::string_view s, T& out) {
  if (s.empty()) return false;
  if (s[0] == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

std::string_view DataTypeName(DataType t) {
  switch (t) {
    case DataType::kNone: return "none";
    case DataType::kString: return "String";
    case DataType::kInteger: return "Integer";
    case DataType::kUnsignedInteger: return "Unsigned Integer";
    case DataType::kFloat: return "Float";
    case DataType::kBoolean: return "Boolean";
    case DataType::kOpaque: return "Opaque";
    case DataType::kTime: return "Time";
    case DataType::kObjlnk: return "Objlnk";
    case DataType::kCorelnk: return "Corelnk";
  }
  return "?";
}

std::optional<DataType> ParseDataType(std::string_view name) {
  std::string n = Lower(name);
  if (n == "none" || n.empty()) return DataType::kNone;
  if (n == "string") return DataType::kString;
  if (n == "integer" || n == "int") return DataType::kInteger;
  if (n == "unsigned integer" || n == "unsigned" || n == "uint" || n == "unsignedinteger")
    return DataType::kUnsignedInteger;
  if (n == "float") return DataType::kFloat;
  if (n == "boolean" || n == "bool") return DataType::kBoolean;
  if (n == "opaque") return DataType::kOpaque;
  if (n == "time") return DataType::kTime;
  if (n == "objlnk") return DataType::kObjlnk;
  if (n == "corelnk") return DataType::kCorelnk;
  return std::nullopt;
}

Value Value::String(std::string s) { Value v; v.type_ = DataType::kString; v.v_ = std::move(s); return v; }
Value Value::Integer(int64_t i) { Value v; v.type_ = DataType::kInteger; v.v_ = i; return v; }
Value Value::UnsignedInteger(uint64_t u) { Value v; v.type_ = DataType::kUnsignedInteger; v.v_ = u; return v; }
Value Value::Float(double d) { Value v; v.type_ = DataType::kFloat; v.v_ = d; return v; }
Value Value::Boolean(bool b) { Value v; v.type_ = DataType::kBoolean; v.v_ = b; return v; }
Value Value::Opaque(Bytes b) { Value v; v.type_ = DataType::kOpaque; v.v_ = std::move(b); return v; }
Value Value::Time(int64_t t) { Value v; v.type_ = DataType::kTime; v.v_ = t; return v; }
Value Value::ObjectLink(Objlnk l) { Value v; v.type_ = DataType::kObjlnk; v.v_ = l; return v; }
Value Value::Corelnk(std::string s) { Value v; v.type_ = DataType::kCorelnk; v.v_ = std::move(s); return v; }

const std::string& Value::AsString() const {
  auto* p = std::get_if<std::string>(&v_);
  return p ? *p : kEmptyString;
}
int64_t Value::AsInteger() const {
  auto* p = std::get_if<int64_t>(&v_);
  return p ? *p : 0;
}
uint64_t Value::AsUnsigned() const {
  auto* p = std::get_if<uint64_t>(&v_);
  return p ? *p : 0;
}
double Value::AsFloat() const {
  auto* p = std::get_if<double>(&v_);
  return p ? *p : 0.0;
}
bool Value::AsBoolean() const {
  auto* p = std::get_if<bool>(&v_);
  return p ? *p : false;
}
const Bytes& Value::AsOpaque() const {
  auto* p = std::get_if<Bytes>(&v_);
  return p ? *p : kEmptyBytes;
}
Objlnk Value::AsObjlnk() const {
  auto* p = std::get_if<Objlnk>(&v_);
  return p ? *p : Objlnk{};
}

namespace {
std::string FloatText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, p);
}
}  // namespace

std::string Value::ToText() const {
  switch (type_) {
    case DataType::kNone: return "";
    case DataType::kString:
    case DataType::kCorelnk: return AsString();
    case DataType::kInteger:
    case DataType::kTime: return std::to_string(AsInteger());
    case DataType::kUnsignedInteger: return std::to_string(AsUnsigned());
    case DataType::kFloat: return FloatText(AsFloat());
    case DataType::kBoolean: return AsBoolean() ? "1" : "0";
    case DataType::kOpaque: return Base64Encode(AsOpaque());
    case DataType::kObjlnk: {
      auto l = AsObjlnk();
      return std::to_string(l.object_id) + ":" + std::to_string(l.instance_id);
    }
  }
  return "";
}

Result<Value> Value::FromText(std::string_view t, DataType type) {
  auto bad = [&](const char* what) {
    return BadRequest("'" + std::string(t.substr(0, 64)) + "' is not " + what);
  };
  switch (type) {
    case DataType::kNone:
      if (!t.empty()) return bad("empty (the resource carries no value)");
      return Value();
    case DataType::kString: return Value::String(std::string(t));
    case DataType::kCorelnk: return Value::Corelnk(std::string(t));
    case DataType::kInteger: {
      int64_t v;
      if (!ParseDecimal(t, v)) return bad("a 64-bit signed decimal integer");
      return Value::Integer(v);
    }
    case DataType::kTime: {
      int64_t v;
      if (!ParseDecimal(t, v)) return bad("a Time (decimal seconds since 1970-01-01)");
      return Value::Time(v);
    }
    case DataType::kUnsignedInteger: {
      uint64_t v;
      if (t.empty() || t[0] == '-' || !ParseDecimal(t, v)) return bad("a 64-bit unsigned decimal integer");
      return Value::UnsignedInteger(v);
    }
    case DataType::kFloat: {
      if (t == "NaN") return Value::Float(std::numeric_limits<double>::quiet_NaN());
      if (t == "Infinity" || t == "+Infinity") return Value::Float(std::numeric_limits<double>::infinity());
      if (t == "-Infinity") return Value::Float(-std::numeric_limits<double>::infinity());
      double d;
      std::string_view s = t;
      if (!s.empty() && s[0] == '+') s.remove_prefix(1);
      if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '.'))
        return bad("a decimal floating-point number");
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (ec != std::errc() || p != s.data() + s.size()) return bad("a decimal floating-point number");
      return Value::Float(d);
    }
    case DataType::kBoolean:
      if (t == "1") return Value::Boolean(true);
      if (t == "0") return Value::Boolean(false);
      return bad("a Boolean ('0' or '1')");
    case DataType::kOpaque: {
      auto b = Base64Decode(t);
      if (!b) return BadRequest("Opaque in text/plain must be base64: " + b.status().message());
      return Value::Opaque(std::move(*b));
    }
    case DataType::kObjlnk: {
      size_t colon = t.find(':');
      if (colon == std::string_view::npos) return bad("an Objlnk ('ObjectID:InstanceID')");
      uint32_t o, i;
      if (!ParseDecimal(t.substr(0, colon), o) || !ParseDecimal(t.substr(colon + 1), i) || o > 65535 ||
          i > 65535)
        return bad("an Objlnk ('ObjectID:InstanceID', each 0..65535)");
      return Value::ObjectLink({static_cast<uint16_t>(o), static_cast<uint16_t>(i)});
    }
  }
  return bad("a known data type");
}

Result<Value> Value::ConvertTo(DataType to) const {
  if (to == type_) return *this;
  auto cannot = [&](const std::string& why) {
    return BadRequest("cannot convert " + DebugString() + " to " + std::string(DataTypeName(to)) +
                      (why.empty() ? "" : ": " + why));
  };
  if (to == DataType::kString) {
    if (type_ == DataType::kNone) return cannot("no value");
    return Value::String(ToText());
  }
  if (type_ == DataType::kString) return FromText(AsString(), to);
  switch (to) {
    case DataType::kNone: return cannot("");
    case DataType::kCorelnk:
      return cannot("");
    case DataType::kInteger:
    case DataType::kTime: {
      int64_t v;
      if (type_ == DataType::kInteger || type_ == DataType::kTime) {
        v = AsInteger();
      } else if (type_ == DataType::kUnsignedInteger) {
        if (AsUnsigned() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
          return cannot("out of range");
        v = static_cast<int64_t>(AsUnsigned());
      } else if (type_ == DataType::kFloat) {
        double d = AsFloat();
        if (!std::isfinite(d) || d != std::trunc(d)) return cannot("not an integral value");
        if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) return cannot("out of range");
        v = static_cast<int64_t>(d);
      } else if (type_ == DataType::kBoolean && to == DataType::kInteger) {
        v = AsBoolean() ? 1 : 0;
      } else {
        return cannot("");
      }
      return to == DataType::kTime ? Value::Time(v) : Value::Integer(v);
    }
    case DataType::kUnsignedInteger: {
      if (type_ == DataType::kInteger || type_ == DataType::kTime) {
        if (AsInteger() < 0) return cannot("negative");
        return Value::UnsignedInteger(static_cast<uint64_t>(AsInteger()));
      }
      if (type_ == DataType::kFloat) {
        double d = AsFloat();
        if (!std::isfinite(d) || d != std::trunc(d)) return cannot("not an integral value");
        if (d < 0 || d >= 18446744073709551616.0) return cannot("out of range");
        return Value::UnsignedInteger(static_cast<uint64_t>(d));
      }
      if (type_ == DataType::kBoolean) return Value::UnsignedInteger(AsBoolean() ? 1 : 0);
      return cannot("");
    }
    case DataType::kFloat: {
      if (type_ == DataType::kInteger || type_ == DataType::kTime) {
        int64_t i = AsInteger();
        double d = static_cast<double>(i);
        if (d >= 9223372036854775808.0 || static_cast<int64_t>(d) != i) return cannot("not exact in a double");
        return Value::Float(d);
      }
      if (type_ == DataType::kUnsignedInteger) {
        uint64_t u = AsUnsigned();
        double d = static_cast<double>(u);
        if (d >= 18446744073709551616.0 || static_cast<uint64_t>(d) != u) return cannot("not exact in a double");
        return Value::Float(d);
      }
      return cannot("");
    }
    case DataType::kBoolean: {
      if (type_ == DataType::kInteger && (AsInteger() == 0 || AsInteger() == 1))
        return Value::Boolean(AsInteger() == 1);
      if (type_ == DataType::kUnsignedInteger && AsUnsigned() <= 1) return Value::Boolean(AsUnsigned() == 1);
      return cannot("");
    }
    case DataType::kOpaque:
      return cannot("");
    case DataType::kObjlnk:
      return cannot("");
    case DataType::kString:
      break;
  }
  return cannot("");
}

std::string Value::DebugString() const {
  std::string n(DataTypeName(type_));
  switch (type_) {
    case DataType::kNone: return "none";
    case DataType::kString:
    case DataType::kCorelnk: {
      std::string s = AsString();
      if (s.size() > 60) s = s.substr(0, 57) + "...";
      return n + " \"" + s + "\"";
    }
    case DataType::kOpaque: {
      const Bytes& b = AsOpaque();
      Bytes head(b.begin(), b.begin() + static_cast<long>(std::min<size_t>(b.size(), 16)));
      return n + " " + std::to_string(b.size()) + " bytes " + HexEncode(head) + (b.size() > 16 ? "..." : "");
    }
    default: return n + " " + ToText();
  }
}

bool Value::operator==(const Value& o) const {
  if (type_ != o.type_) return false;
  if (type_ == DataType::kFloat) {
    double a = AsFloat(), b = o.AsFloat();
    return a == b || (std::isnan(a) && std::isnan(b));
  }
  return v_ == o.v_;
}

// ---- base64 and hex ----

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string B64Enc(const Bytes& d, const char* alpha, bool pad) {
  std::string out;
  out.reserve((d.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < d.size(); i += 3) {
    uint32_t n = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
    out += alpha[(n >> 18) & 63];
    out += alpha[(n >> 12) & 63];
    out += alpha[(n >> 6) & 63];
    out += alpha[n & 63];
  }
  if (i < d.size()) {
    uint32_t n = d[i] << 16;
    if (i + 1 < d.size()) n |= d[i + 1] << 8;
    out += alpha[(n >> 18) & 63];
    out += alpha[(n >> 12) & 63];
    if (i + 1 < d.size()) out += alpha[(n >> 6) & 63];
    else if (pad) out += '=';
    if (pad) out += '=';
  }
  return out;
}

Result<Bytes> B64Dec(std::string_view t, const char* alpha, bool allow_pad) {
  int map[256];
  for (int& m : map) m = -1;
  for (int i = 0; i < 64; ++i) map[static_cast<unsigned char>(alpha[i])] = i;
  size_t len = t.size();
  size_t pads = 0;
  while (len > 0 && t[len - 1] == '=') { --len; ++pads; }
  if (pads > 0 && !allow_pad) return BadRequest("base64url must not be padded with '='");
  if (pads > 2) return BadRequest("too much '=' padding");
  if (pads > 0 && (len + pads) % 4 != 0) return BadRequest("padded base64 length is not a multiple of 4");
  if (len % 4 == 1) return BadRequest("base64 length " + std::to_string(len) + " is impossible");
  Bytes out;
  out.reserve(len * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; ++i) {
    int v = map[static_cast<unsigned char>(t[i])];
    if (v < 0) return BadRequest("character '" + std::string(1, t[i]) + "' at " + std::to_string(i) +
                                 " is not in the base64 alphabet");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((acc >> bits) & 0xFF));
    }
  }
  return out;
}
}  // namespace

std::string Base64Encode(const Bytes& d) { return B64Enc(d, kB64, true); }
Result<Bytes> Base64Decode(std::string_view t) { return B64Dec(t, kB64, true); }
std::string Base64UrlEncode(const Bytes& d) { return B64Enc(d, kB64Url, false); }
Result<Bytes> Base64UrlDecode(std::string_view t) { return B64Dec(t, kB64Url, false); }

std::string HexEncode(const Bytes& d) {
  static const char* h = "0123456789abcdef";
  std::string s;
  s.reserve(d.size() * 2);
  for (uint8_t b : d) {
    s += h[b >> 4];
    s += h[b & 15];
  }
  return s;
}

Result<Bytes> HexDecode(std::string_view t) {
  Bytes out;
  int hi = -1;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == ' ' || c == ':' || c == '\n' || c == '\t' || c == '\r') continue;
    if (c == '0' && i + 1 < t.size() && (t[i + 1] == 'x' || t[i + 1] == 'X') && hi < 0) {
      ++i;
      continue;
    }
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else return BadRequest("character '" + std::string(1, c) + "' at " + std::to_string(i) + " is not hex");
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  if (hi >= 0) return BadRequest("odd number of hex digits");
  return out;
}

std::optional<size_t> FindInvalidUtf8(std::span<const uint8_t> d) {
  size_t i = 0;
  while (i < d.size()) {
    const uint8_t c = d[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Lead byte: sequence length, smallest code point that needs it, payload bits.
    size_t len;
    uint32_t min, cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return i;  // a continuation byte, or F8..FF
    }
    if (d.size() - i < len) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((d[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (d[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::nullopt;
}

std::optional<size_t> FindInvalidUtf8(std::string_view text) {
  return FindInvalidUtf8(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

}  // namespace lwm2m
