// value.h: LwM2M resource values and data types (Core TS 1.2 Appendix C):
// String, Integer, Unsigned Integer, Float, Boolean, Opaque, Time, Objlnk,
// Corelnk and None (executable resources carry no value), with the text/plain
// representation of each (Core TS 1.2 §7.4.1) and conversions between them.
//   Value v = Value::Integer(21);
//   v.ConvertTo(DataType::kFloat)->AsFloat() == 21.0;
//   Value::FromText("3:0", DataType::kObjlnk)->AsObjlnk().object_id == 3;
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lwm2m/result.h"

namespace lwm2m {

using Bytes = std::vector<uint8_t>;

enum class DataType : uint8_t {
  kNone,  // no value: executable resources, or a path given without a value
  kString,
  kInteger,
  kUnsignedInteger,
  kFloat,
  kBoolean,
  kOpaque,
  kTime,
  kObjlnk,
  kCorelnk,
};

// The DDF spelling: "String", "Integer", "Unsigned Integer", "Float",
// "Boolean", "Opaque", "Time", "Objlnk", "Corelnk", "none".
std::string_view DataTypeName(DataType t);
// Accepts the DDF spelling case-insensitively, plus "unsigned" and "uint".
std::optional<DataType> ParseDataType(std::string_view name);

// Object Link: ObjectID:ObjectInstanceID (Core TS 1.2 Appendix C).
struct Objlnk {
  uint16_t object_id = 0;
  uint16_t instance_id = 0;
  auto operator<=>(const Objlnk&) const = default;
};

class Value {
 public:
  Value() = default;  // DataType::kNone
  static Value String(std::string s);
  static Value Integer(int64_t v);
  static Value UnsignedInteger(uint64_t v);
  static Value Float(double v);
  static Value Boolean(bool v);
  static Value Opaque(Bytes v);
  static Value Time(int64_t seconds_since_epoch);
  static Value ObjectLink(Objlnk v);
  static Value Corelnk(std::string s);

  DataType type() const { return type_; }
  bool is_none() const { return type_ == DataType::kNone; }

  // Accessors; calling one that does not match type() returns a neutral value
  // ("" / 0 / false / empty), never throws.
  const std::string& AsString() const;  // kString, kCorelnk
  int64_t AsInteger() const;            // kInteger, kTime
  uint64_t AsUnsigned() const;          // kUnsignedInteger
  double AsFloat() const;               // kFloat
  bool AsBoolean() const;               // kBoolean
  const Bytes& AsOpaque() const;        // kOpaque
  Objlnk AsObjlnk() const;              // kObjlnk

  // text/plain representation (Core TS 1.2 §7.4.1): decimal integers, floats
  // in shortest round-trip form, Boolean "0"/"1", Opaque as base64, Objlnk
  // "3:0", Time as decimal seconds. None gives "".
  std::string ToText() const;
  // Parses the text/plain representation of `type`. Errors say what is wrong.
  static Result<Value> FromText(std::string_view text, DataType type);

  // Conversion between data types where the TS allows a lossless reading:
  // Integer<->Unsigned<->Float (range- and exactness-checked), Integer<->Time,
  // String<->Corelnk, Boolean from Integer 0/1, anything -> String via ToText,
  // String -> anything via FromText. Returns 4.00 with the reason otherwise.
  Result<Value> ConvertTo(DataType type) const;

  // "Integer 21", "String \"abc\"", "Opaque 3 bytes 0a0b0c".
  std::string DebugString() const;

  bool operator==(const Value& o) const;

 private:
  DataType type_ = DataType::kNone;
  std::variant<std::monostate, std::string, int64_t, uint64_t, double, bool, Bytes, Objlnk> v_;
};

// Base64 (RFC 4648 §4, with padding) used for Opaque in text formats.
std::string Base64Encode(const Bytes& data);
// Accepts padded or unpadded input; rejects characters outside the alphabet.
Result<Bytes> Base64Decode(std::string_view text);
// Base64url (RFC 4648 §5, no padding), as SenML JSON "vd" requires (RFC 8428 §5).
std::string Base64UrlEncode(const Bytes& data);
Result<Bytes> Base64UrlDecode(std::string_view text);

std::string HexEncode(const Bytes& data);  // lower-case, no separators
// Accepts upper or lower case, optional spaces, ':' and "0x" prefix.
Result<Bytes> HexDecode(std::string_view text);

// Offset of the first byte of the first sequence that is not UTF-8 (RFC 3629
// §3-§4: no overlong forms, no surrogates U+D800..U+DFFF, nothing above
// U+10FFFF, no truncated sequence), or nullopt when all of it is UTF-8.
//   FindInvalidUtf8("ab\xC0\x80") == 2;  FindInvalidUtf8("\xE2\x82\xAC") == std::nullopt
std::optional<size_t> FindInvalidUtf8(std::span<const uint8_t> data);
std::optional<size_t> FindInvalidUtf8(std::string_view text);

}  // namespace lwm2m
