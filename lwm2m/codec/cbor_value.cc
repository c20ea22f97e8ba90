// cbor_value.cc: strict CBOR loading (RFC 8949 §3, well-formedness per
// Appendix C) in front of libcbor, LwM2M Value <-> CBOR item mapping (Core TS
// 1.2 §7.4.6) and preferred serialization (RFC 8949 §4.1, §4.2.2).
#include "lwm2m/codec/cbor_value.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

namespace lwm2m {
namespace {

constexpr const char* kRfcWellFormed = "RFC 8949 §3";

struct Frame {
  uint8_t major;       // 2/3 (indefinite string), 4, 5, 6
  bool indefinite;
  uint64_t remaining;  // definite: data items still expected
  uint64_t seen;       // indefinite: data items seen so far
};

const char* MajorName(uint8_t major) {
  static const char* const kNames[] = {"unsigned integer", "negative integer", "byte string",
                                       "text string",      "array",            "map",
                                       "tag",              "simple/float"};
  return kNames[major & 7];
}

// Walks the heads of the first data item without building anything; returns
// its end offset, or nullopt after adding an error diagnostic. Iterative, so
// hostile nesting cannot exhaust the stack; declared lengths are compared with
// the bytes left before anything is allocated.
std::optional<size_t> ScanItem(std::span<const uint8_t> d, Diagnostics& diags, std::string_view fmt,
                               size_t max_depth) {
  const std::string f(fmt);
  const size_t n = d.size();
  std::vector<Frame> stack;
  size_t pos = 0;
  auto fail = [&](size_t off, const std::string& msg,
                  const char* rule = kRfcWellFormed) -> std::optional<size_t> {
    diags.Error(off, "", f + ": " + msg, rule);
    return std::nullopt;
  };
  if (n == 0) return fail(0, "empty payload, one CBOR data item expected");

  for (;;) {
    if (pos >= n) {
      return fail(pos, "truncated: data item expected at offset " + std::to_string(pos) +
                           " but the payload ends (" + std::to_string(stack.size()) +
                           " enclosing item(s) unfinished)");
    }
    const size_t head = pos;
    const uint8_t ib = d[pos];
    const uint8_t major = ib >> 5;
    const uint8_t ai = ib & 0x1F;
    bool completed = true;  // whether this head completes a data item by itself

    if (ib == 0xFF) {
      if (stack.empty() || !stack.back().indefinite) {
        return fail(head, "break (0xff) at offset " + std::to_string(head) +
                              " outside an indefinite-length item");
      }
      const Frame& top = stack.back();
      if (top.major == 5 && top.seen % 2 != 0) {
        return fail(head, "indefinite-length map ends at offset " + std::to_string(head) +
                              " after a key without a value");
      }
      stack.pop_back();
      ++pos;
    } else {
      if (!stack.empty() && stack.back().indefinite &&
          (stack.back().major == 2 || stack.back().major == 3) && (major != stack.back().major || ai == 31)) {
        return fail(head, std::string("chunk at offset ") + std::to_string(head) + " of an indefinite-length " +
                              MajorName(stack.back().major) + " is a " + MajorName(major) +
                              (ai == 31 ? " of indefinite length" : "") +
                              "; chunks must be definite-length strings of the same major type",
                    "RFC 8949 §3.2.3");
      }
      if (ai >= 28 && ai <= 30) {
        return fail(head, "reserved additional information " + std::to_string(ai) + " in initial byte 0x" +
                              HexEncode({ib}) + " at offset " + std::to_string(head));
      }
      ++pos;
      uint64_t arg = ai;
      if (ai >= 24 && ai <= 27) {
        const size_t len = size_t{1} << (ai - 24);
        if (n - pos < len) {
          return fail(head, "truncated head at offset " + std::to_string(head) + ": " + std::to_string(len) +
                                "-byte argument, " + std::to_string(n - pos) + " byte(s) left");
        }
        arg = 0;
        for (size_t k = 0; k < len; ++k) arg = (arg << 8) | d[pos + k];
        pos += len;
      }
      const uint64_t left = n - pos;
      auto push = [&](Frame fr) -> bool {
        if (stack.size() + 1 > max_depth) {
          fail(head, "nesting deeper than " + std::to_string(max_depth) + " levels at offset " +
                         std::to_string(head));
          return false;
        }
        stack.push_back(fr);
        return true;
      };
      if (ai == 31) {
        if (major == 0 || major == 1 || major == 6) {
          return fail(head, std::string("indefinite length (additional information 31) is not allowed for a ") +
                                MajorName(major) + " at offset " + std::to_string(head));
        }
        // major 7 with ai 31 is the break, handled above.
        if (!push({major, true, 0, 0})) return std::nullopt;
        completed = false;
      } else {
        switch (major) {
          case 0:
          case 1:
            break;
          case 2:
          case 3:
            if (arg > left) {
              return fail(head, std::string(MajorName(major)) + " at offset " + std::to_string(head) +
                                    " declares " + std::to_string(arg) + " bytes, runs " +
                                    std::to_string(arg - left) + " bytes past the end");
            }
            if (major == 3) {
              if (auto bad = FindInvalidUtf8(d.subspan(pos, static_cast<size_t>(arg)))) {
                return fail(pos + *bad, "text string at offset " + std::to_string(head) +
                                            " has invalid UTF-8 at offset " + std::to_string(pos + *bad),
                            "RFC 8949 §3.1");
              }
            }
            pos += static_cast<size_t>(arg);
            break;
          case 4:
          case 5: {
            // Every element takes at least one byte: a count above the bytes
            // left cannot be satisfied, and must not be allocated.
            const bool is_map = major == 5;
            if (arg > left || (is_map && arg > left / 2)) {
              return fail(head, std::string(is_map ? "map" : "array") + " at offset " + std::to_string(head) +
                                    " declares " + std::to_string(arg) + (is_map ? " pairs" : " items") +
                                    " but only " + std::to_string(left) + " bytes follow");
            }
            if (arg > 0) {
              if (!push({major, false, is_map ? arg * 2 : arg, 0})) return std::nullopt;
              completed = false;
            }
            break;
          }
          case 6:
            if (!push({6, false, 1, 0})) return std::nullopt;
            completed = false;
            break;
          case 7:
            if (ai < 20) {
              return fail(head, "unassigned simple value " + std::to_string(ai) + " at offset " +
                                    std::to_string(head) + " is not supported");
            }
            if (ai == 24) {
              if (arg < 32) {
                return fail(head, "simple value " + std::to_string(arg) + " at offset " + std::to_string(head) +
                                      " uses the two-byte form, which is only for values 32..255",
                            "RFC 8949 §3.3");
              }
              return fail(head, "unassigned simple value " + std::to_string(arg) + " at offset " +
                                    std::to_string(head) + " is not supported");
            }
            break;
          default:
            break;
        }
      }
    }
    if (!completed) continue;
    // One data item finished: account for it in the enclosing frames.
    while (!stack.empty()) {
      Frame& top = stack.back();
      if (top.indefinite) {
        ++top.seen;
        break;
      }
      if (--top.remaining > 0) break;
      stack.pop_back();
    }
    if (stack.empty()) return pos;
  }
}

// Exact half-precision bits of `d`, if `d` is a binary16 value (incl. ±0, ±inf; not NaN).
std::optional<uint16_t> ExactHalf(double d) {
  const uint16_t sign = std::signbit(d) ? 0x8000 : 0;
  const double a = std::fabs(d);
  if (a == 0) return sign;
  if (std::isinf(a)) return static_cast<uint16_t>(sign | 0x7C00);
  if (a < std::ldexp(1.0, -14)) {  // subnormal: k * 2^-24, k in 1..1023
    const double k = std::ldexp(a, 24);
    if (k != std::floor(k)) return std::nullopt;
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(k));
  }
  int e = 0;
  const double m = std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1)
  const int exp = e - 1;               // a = (2m) * 2^exp
  if (exp > 15) return std::nullopt;
  const double frac = (2 * m - 1) * 1024;
  if (frac != std::floor(frac)) return std::nullopt;
  return static_cast<uint16_t>(sign | ((exp + 15) << 10) | static_cast<uint16_t>(frac));
}

// RFC 8949 §4.2.2: the shortest of half/single/double that preserves the value.
void AppendFloat(Bytes& out, double d) {
  if (std::isnan(d)) {
    out.insert(out.end(), {0xF9, 0x7E, 0x00});
    return;
  }
  if (auto h = ExactHalf(d)) {
    out.push_back(0xF9);
    out.push_back(static_cast<uint8_t>(*h >> 8));
    out.push_back(static_cast<uint8_t>(*h));
    return;
  }
  const float f = static_cast<float>(d);
  if (static_cast<double>(f) == d) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    out.push_back(0xFA);
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(bits >> s));
    return;
  }
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  out.push_back(0xFB);
  for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(bits >> s));
}

void Serialize(const cbor_item_t* item, Bytes& out, size_t depth) {
  if (!item || depth > 1000) return;
  switch (cbor_typeof(item)) {
    case CBOR_TYPE_UINT:
      CborAppendHead(out, 0, cbor_get_int(item));
      break;
    case CBOR_TYPE_NEGINT:
      CborAppendHead(out, 1, cbor_get_int(item));
      break;
    case CBOR_TYPE_BYTESTRING:
    case CBOR_TYPE_STRING: {
      const std::string s = CborStringBytes(item);
      CborAppendHead(out, cbor_isa_string(item) ? 3 : 2, s.size());
      out.insert(out.end(), s.begin(), s.end());
      break;
    }
    case CBOR_TYPE_ARRAY: {
      const size_t size = cbor_array_size(item);
      cbor_item_t** h = cbor_array_handle(item);
      CborAppendHead(out, 4, size);
      for (size_t i = 0; i < size; ++i) Serialize(h[i], out, depth + 1);
      break;
    }
    case CBOR_TYPE_MAP: {
      const size_t size = cbor_map_size(item);
      struct cbor_pair* h = cbor_map_handle(item);
      CborAppendHead(out, 5, size);
      for (size_t i = 0; i < size; ++i) {
        Serialize(h[i].key, out, depth + 1);
        Serialize(h[i].value, out, depth + 1);
      }
      break;
    }
    case CBOR_TYPE_TAG: {
      CborAppendHead(out, 6, cbor_tag_value(item));
      cbor_item_t* inner = cbor_tag_item(item);  // takes a reference
      Serialize(inner, out, depth + 1);
      if (inner) cbor_decref(&inner);
      break;
    }
    case CBOR_TYPE_FLOAT_CTRL:
      if (cbor_float_ctrl_is_ctrl(item)) {
        CborAppendHead(out, 7, cbor_ctrl_value(item));
      } else {
        AppendFloat(out, cbor_float_get_float(item));
      }
      break;
  }
}

std::string FormatDouble(double d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  // Prefer the shortest representation that round-trips.
  for (int prec = 1; prec <= 17; ++prec) {
    char tmp[40];
    std::snprintf(tmp, sizeof tmp, "%.*g", prec, d);
    if (std::strtod(tmp, nullptr) == d || std::isnan(d)) return tmp;
  }
  return buf;
}

Status WrongType(const cbor_item_t* item, DataType expected, std::string_view path) {
  return BadRequest("CBOR: " + std::string(path) + " is " + std::string(DataTypeName(expected)) + " but the item is " +
                    CborDescribe(item));
}

// Signed value of an integer item, if it fits int64.
std::optional<int64_t> IntegerOf(const cbor_item_t* item) {
  const uint64_t v = cbor_get_int(item);
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return cbor_isa_uint(item) ? static_cast<int64_t>(v) : -1 - static_cast<int64_t>(v);
}

}  // namespace

std::string CborStringBytes(const cbor_item_t* item, bool* indefinite) {
  std::string out;
  const bool text = cbor_isa_string(item);
  const bool definite = text ? cbor_string_is_definite(item) : cbor_bytestring_is_definite(item);
  if (definite) {
    const size_t len = text ? cbor_string_length(item) : cbor_bytestring_length(item);
    const unsigned char* h = text ? cbor_string_handle(item) : cbor_bytestring_handle(item);
    if (h && len) out.assign(reinterpret_cast<const char*>(h), len);
    return out;
  }
  if (indefinite) *indefinite = true;
  const size_t count = text ? cbor_string_chunk_count(item) : cbor_bytestring_chunk_count(item);
  cbor_item_t** chunks = text ? cbor_string_chunks_handle(item) : cbor_bytestring_chunks_handle(item);
  for (size_t i = 0; i < count && chunks; ++i) {
    if (chunks[i] && (text ? cbor_isa_string(chunks[i]) : cbor_isa_bytestring(chunks[i]))) {
      out += CborStringBytes(chunks[i]);
    }
  }
  return out;
}

void CborAppendHead(Bytes& out, uint8_t major, uint64_t arg) {
  const uint8_t mt = static_cast<uint8_t>(major << 5);
  if (arg < 24) {
    out.push_back(static_cast<uint8_t>(mt | arg));
  } else if (arg <= 0xFF) {
    out.push_back(mt | 24);
    out.push_back(static_cast<uint8_t>(arg));
  } else if (arg <= 0xFFFF) {
    out.push_back(mt | 25);
    for (int s = 8; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(arg >> s));
  } else if (arg <= 0xFFFFFFFFu) {
    out.push_back(mt | 26);
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(arg >> s));
  } else {
    out.push_back(mt | 27);
    for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(arg >> s));
  }
}

CborItem CborLoad(std::span<const uint8_t> data, Diagnostics& diags, std::string_view format_name,
                  size_t max_depth) {
  const std::optional<size_t> end = ScanItem(data, diags, format_name, max_depth);
  if (!end) return nullptr;
  struct cbor_load_result res {};
  CborItem item(cbor_load(data.data(), *end, &res));
  if (!item || res.error.code != CBOR_ERR_NONE) {
    static const char* const kWhat[] = {"no error", "not enough data", "no data", "malformed item",
                                        "out of memory", "syntax error"};
    const int code = static_cast<int>(res.error.code);
    diags.Error(res.error.position, "",
                std::string(format_name) + ": libcbor rejected the item at offset " +
                    std::to_string(res.error.position) + " (" +
                    (code >= 0 && code < 6 ? kWhat[code] : "unknown error") + ")",
                kRfcWellFormed);
    return nullptr;
  }
  if (*end < data.size()) {
    diags.Error(*end, "",
                std::string(format_name) + ": " + std::to_string(data.size() - *end) +
                    " trailing byte(s) after the CBOR data item ending at offset " + std::to_string(*end),
                "RFC 8949 §5.1");
  }
  return item;
}

Result<Value> ValueFromCbor(const cbor_item_t* item, DataType expected, std::string_view path) {
  if (!item) return BadRequest("CBOR: " + std::string(path) + ": no data item");
  const cbor_type t = cbor_typeof(item);
  const bool is_int = t == CBOR_TYPE_UINT || t == CBOR_TYPE_NEGINT;
  const bool is_float = t == CBOR_TYPE_FLOAT_CTRL && !cbor_float_ctrl_is_ctrl(item);
  switch (expected) {
    case DataType::kNone: {
      if (t == CBOR_TYPE_UINT) {
        const uint64_t v = cbor_get_int(item);
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Value::UnsignedInteger(v);
        return Value::Integer(static_cast<int64_t>(v));
      }
      if (t == CBOR_TYPE_NEGINT) {
        if (auto v = IntegerOf(item)) return Value::Integer(*v);
        return BadRequest("CBOR: " + std::string(path) + ": " + CborDescribe(item) + " is below the Integer range");
      }
      if (t == CBOR_TYPE_BYTESTRING) {
        const std::string s = CborStringBytes(item);
        return Value::Opaque(Bytes(s.begin(), s.end()));
      }
      if (t == CBOR_TYPE_STRING) return Value::String(CborStringBytes(item));
      if (is_float) return Value::Float(cbor_float_get_float(item));
      if (cbor_is_bool(item)) return Value::Boolean(cbor_get_bool(item));
      if (cbor_is_null(item)) return Value();
      if (t == CBOR_TYPE_TAG && cbor_tag_value(item) == 1) {
        CborItem inner(cbor_tag_item(item));
        return ValueFromCbor(inner.get(), DataType::kTime, path);
      }
      return BadRequest("CBOR: " + std::string(path) + ": " + CborDescribe(item) +
                        " has no LwM2M data type");
    }
    case DataType::kInteger:
    case DataType::kTime: {
      if (expected == DataType::kTime && t == CBOR_TYPE_TAG) {
        if (cbor_tag_value(item) != 1) return WrongType(item, expected, path);
        CborItem inner(cbor_tag_item(item));
        if (inner && cbor_typeof(inner.get()) == CBOR_TYPE_TAG) return WrongType(inner.get(), expected, path);
        return ValueFromCbor(inner.get(), DataType::kTime, path);
      }
      if (!is_int) return WrongType(item, expected, path);
      auto v = IntegerOf(item);
      if (!v) {
        return BadRequest("CBOR: " + std::string(path) + ": " + CborDescribe(item) + " is out of the " +
                          std::string(DataTypeName(expected)) + " range (64-bit signed)");
      }
      return expected == DataType::kTime ? Value::Time(*v) : Value::Integer(*v);
    }
    case DataType::kUnsignedInteger:
      if (t != CBOR_TYPE_UINT) return WrongType(item, expected, path);
      return Value::UnsignedInteger(cbor_get_int(item));
    case DataType::kFloat: {
      if (is_float) return Value::Float(cbor_float_get_float(item));
      if (!is_int) return WrongType(item, expected, path);
      const uint64_t n = cbor_get_int(item);
      const double d = static_cast<double>(n);
      // Exact only if the conversion back gives the same integer (2^64 itself is out of range).
      if (d >= 18446744073709551616.0 || static_cast<uint64_t>(d) != n) {
        return BadRequest("CBOR: " + std::string(path) + ": " + CborDescribe(item) +
                          " cannot be represented exactly as a Float");
      }
      return Value::Float(t == CBOR_TYPE_UINT ? d : -1.0 - d);
    }
    case DataType::kBoolean:
      // libcbor 0.8's cbor_is_bool() asserts on float items: rule them out first.
      if (t != CBOR_TYPE_FLOAT_CTRL || is_float || !cbor_is_bool(item)) return WrongType(item, expected, path);
      return Value::Boolean(cbor_get_bool(item));
    case DataType::kString:
    case DataType::kCorelnk:
      if (t != CBOR_TYPE_STRING) return WrongType(item, expected, path);
      return expected == DataType::kString ? Value::String(CborStringBytes(item))
                                           : Value::Corelnk(CborStringBytes(item));
    case DataType::kOpaque: {
      if (t != CBOR_TYPE_BYTESTRING) return WrongType(item, expected, path);
      const std::string s = CborStringBytes(item);
      return Value::Opaque(Bytes(s.begin(), s.end()));
    }
    case DataType::kObjlnk: {
      if (t != CBOR_TYPE_STRING) return WrongType(item, expected, path);
      const std::string s = CborStringBytes(item);
      Result<Value> v = Value::FromText(s, DataType::kObjlnk);
      if (!v) {
        return BadRequest("CBOR: " + std::string(path) + ": Objlnk text \"" + s + "\" is not \"oid:iid\" (" +
                          v.status().message() + ")");
      }
      return v;
    }
  }
  return WrongType(item, expected, path);
}

CborItem CborFromValue(const Value& v) {
  auto build_int = [](int64_t x) -> cbor_item_t* {
    const bool neg = x < 0;
    const uint64_t m = neg ? static_cast<uint64_t>(-1 - x) : static_cast<uint64_t>(x);
    if (m <= 0xFF) return neg ? cbor_build_negint8(static_cast<uint8_t>(m)) : cbor_build_uint8(static_cast<uint8_t>(m));
    if (m <= 0xFFFF)
      return neg ? cbor_build_negint16(static_cast<uint16_t>(m)) : cbor_build_uint16(static_cast<uint16_t>(m));
    if (m <= 0xFFFFFFFFu)
      return neg ? cbor_build_negint32(static_cast<uint32_t>(m)) : cbor_build_uint32(static_cast<uint32_t>(m));
    return neg ? cbor_build_negint64(m) : cbor_build_uint64(m);
  };
  switch (v.type()) {
    case DataType::kNone:
      return CborItem(cbor_new_null());
    case DataType::kInteger:
    case DataType::kTime:
      return CborItem(build_int(v.AsInteger()));
    case DataType::kUnsignedInteger: {
      const uint64_t m = v.AsUnsigned();
      if (m <= 0xFF) return CborItem(cbor_build_uint8(static_cast<uint8_t>(m)));
      if (m <= 0xFFFF) return CborItem(cbor_build_uint16(static_cast<uint16_t>(m)));
      if (m <= 0xFFFFFFFFu) return CborItem(cbor_build_uint32(static_cast<uint32_t>(m)));
      return CborItem(cbor_build_uint64(m));
    }
    case DataType::kFloat: {
      const double d = v.AsFloat();
      // The width recorded in the item is informative; CborSerialize picks the shortest exact one.
      if (!std::isnan(d) && ExactHalf(d)) return CborItem(cbor_build_float2(static_cast<float>(d)));
      if (std::isnan(d) || static_cast<double>(static_cast<float>(d)) == d)
        return CborItem(cbor_build_float4(static_cast<float>(d)));
      return CborItem(cbor_build_float8(d));
    }
    case DataType::kBoolean:
      return CborItem(cbor_build_bool(v.AsBoolean()));
    case DataType::kString:
    case DataType::kCorelnk: {
      const std::string& s = v.AsString();
      return CborItem(cbor_build_stringn(s.data(), s.size()));
    }
    case DataType::kOpaque: {
      const Bytes& b = v.AsOpaque();
      return CborItem(cbor_build_bytestring(b.data(), b.size()));
    }
    case DataType::kObjlnk: {
      const std::string s = v.ToText();
      return CborItem(cbor_build_stringn(s.data(), s.size()));
    }
  }
  return CborItem(cbor_new_null());
}

Bytes CborSerialize(const cbor_item_t* item) {
  Bytes out;
  Serialize(item, out, 0);
  return out;
}

std::string CborDescribe(const cbor_item_t* item) {
  if (!item) return "no item";
  switch (cbor_typeof(item)) {
    case CBOR_TYPE_UINT:
      return "unsigned integer " + std::to_string(cbor_get_int(item));
    case CBOR_TYPE_NEGINT: {
      const uint64_t n = cbor_get_int(item);
      if (n == std::numeric_limits<uint64_t>::max()) return "negative integer -18446744073709551616";
      return "negative integer -" + std::to_string(n + 1);
    }
    case CBOR_TYPE_BYTESTRING:
      return "byte string (" + std::to_string(CborStringBytes(item).size()) + " bytes)";
    case CBOR_TYPE_STRING:
      return "text string (" + std::to_string(CborStringBytes(item).size()) + " bytes)";
    case CBOR_TYPE_ARRAY:
      return "array (" + std::to_string(cbor_array_size(item)) + " items)";
    case CBOR_TYPE_MAP:
      return "map (" + std::to_string(cbor_map_size(item)) + " pairs)";
    case CBOR_TYPE_TAG:
      return "tag " + std::to_string(cbor_tag_value(item));
    case CBOR_TYPE_FLOAT_CTRL:
      if (!cbor_float_ctrl_is_ctrl(item)) return "float " + FormatDouble(cbor_float_get_float(item));
      if (cbor_is_bool(item)) return cbor_get_bool(item) ? "true" : "false";
      if (cbor_is_null(item)) return "null";
      if (cbor_is_undef(item)) return "undefined";
      return "simple value " + std::to_string(cbor_ctrl_value(item));
  }
  return "unknown item";
}

}  // namespace lwm2m
