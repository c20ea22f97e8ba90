// senml_common.h: the SenML semantics shared by SenML JSON (110), SenML CBOR
// (112), SenML-ETCH JSON (320) and SenML-ETCH CBOR (322): a neutral SenML Pack
// (records as lists of labelled fields, as a front end parsed them) resolved
// into LwM2M Records (RFC 8428 §4, RFC 8790 §3, Core TS 1.2 §7.4.4/§7.4.5),
// and LwM2M Records turned into a canonical SenML Pack for encoding.
// The JSON and CBOR front ends (senml_json.h, senml_cbor.h) only translate
// syntax; every LwM2M and SenML rule lives here, written once.
//   SenmlPack pack = *ParseSenmlJson(bytes, kSenmlJsonOptions, diags);
//   Content c = ResolveSenmlPack(pack, {.request_path = *Path::Parse("/3/0")}, kSenmlJsonOptions, diags);
//
// Records are numbered from 1 in messages, as RFC 8428 §9 numbers them.
//
// Canonical encoding (BuildSenmlPack), deterministic, records in the order given:
//  * names: with request path P not root and every record strictly below P,
//    the first record carries bn = P + "/" and every record n = the rest
//    ("bn":"/3/0/","n":"6/0"), as in the Core TS Device example; when every
//    record is P itself (one resource, or a time series of it) the first record
//    carries bn = P and no record has n; otherwise (root P, records outside P,
//    or a mix of P and below) no bn and n = the full path ("n":"/3/0/9").
//  * fields in the order bn, n, value, t; value label by type: Integer,
//    Unsigned Integer, Float, Time -> v; String, Corelnk -> vs; Boolean -> vb;
//    Opaque -> vd; Objlnk -> vlo ("oid:iid"). Times as an absolute "t" on each
//    timed record (no bt), which round-trips exactly.
//  * a record without value is written name-only (a Read-/Observe-Composite
//    path list, or a Fetch Pack); in SenML-ETCH, when some records carry values,
//    the pack is a Patch Pack and a value-less record is written "v": null
//    (removal, RFC 8790 §3.2).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lwm2m/codec/codec.h"

namespace lwm2m {

enum class SenmlSyntax : uint8_t { kJson, kCbor };

struct SenmlOptions {
  SenmlSyntax syntax = SenmlSyntax::kJson;
  bool etch = false;             // SenML-ETCH (RFC 8790): Fetch and Patch Packs
  std::string_view format_name;  // "SenML JSON", used as the prefix of every message
};

inline constexpr SenmlOptions kSenmlJsonOptions{SenmlSyntax::kJson, false, "SenML JSON"};
inline constexpr SenmlOptions kSenmlCborOptions{SenmlSyntax::kCbor, false, "SenML CBOR"};
inline constexpr SenmlOptions kSenmlEtchJsonOptions{SenmlSyntax::kJson, true, "SenML-ETCH JSON"};
inline constexpr SenmlOptions kSenmlEtchCborOptions{SenmlSyntax::kCbor, true, "SenML-ETCH CBOR"};

// The SenML labels of RFC 8428 Table 1, plus "vlo" (Objlnk, Core TS 1.2
// §7.4.4; in CBOR the text key "vlo", RFC 8428 §6 keeps integer keys closed).
enum class SenmlLabel : uint8_t {
  kBaseVersion,
  kBaseName,
  kBaseTime,
  kBaseUnit,
  kBaseValue,
  kBaseSum,
  kName,
  kUnit,
  kValue,
  kStringValue,
  kBooleanValue,
  kSum,
  kTime,
  kUpdateTime,
  kDataValue,
  kObjlnkValue,
  kUnknown,
};

std::string_view SenmlLabelName(SenmlLabel label);       // "bn"; "?" for kUnknown
std::optional<int> SenmlLabelCborKey(SenmlLabel label);  // -2 for bn; nullopt for vlo
SenmlLabel SenmlLabelFromName(std::string_view name);    // JSON member names, "vlo"
SenmlLabel SenmlLabelFromCborKey(int64_t key);           // RFC 8428 Table 4
bool IsSenmlValueLabel(SenmlLabel label);                // v, vs, vb, vd, vlo

// A number as written: JSON keeps integers apart from numbers with a fraction
// or exponent; CBOR keeps major types 0/1 apart from floats (and tag 4).
struct SenmlNumber {
  enum class Kind : uint8_t { kInteger, kUnsigned, kFloat };
  Kind kind = Kind::kInteger;
  int64_t i = 0;   // kInteger
  uint64_t u = 0;  // kUnsigned
  double f = 0;    // kFloat
  static SenmlNumber Integer(int64_t v) { return {Kind::kInteger, v, 0, 0}; }
  static SenmlNumber Unsigned(uint64_t v) { return {Kind::kUnsigned, 0, v, 0}; }
  static SenmlNumber Float(double v) { return {Kind::kFloat, 0, 0, v}; }
  double AsDouble() const;
  std::string ToString() const;  // "21", "21.5"
  bool operator==(const SenmlNumber&) const = default;
};

struct SenmlNull {
  bool operator==(const SenmlNull&) const = default;
};
// A value no SenML field can have (a JSON object or array, a CBOR tag or map),
// kept as its description for messages ("array", "tag 1").
struct SenmlOther {
  std::string description;
  bool operator==(const SenmlOther&) const = default;
};
// Text strings as std::string, byte strings (CBOR only) as Bytes.
using SenmlValue = std::variant<SenmlNull, SenmlNumber, std::string, Bytes, bool, SenmlOther>;
std::string DescribeSenmlValue(const SenmlValue& v);  // "number 5", "string \"abc\"", "null"

struct SenmlField {
  SenmlLabel label = SenmlLabel::kUnknown;
  std::string name;  // the label as written: "bn", "-2", "foo_", "vlo"
  SenmlValue value;
  std::optional<size_t> offset;  // where the label starts in the payload
  std::string note;              // front-end remark appended to messages about this field
  bool operator==(const SenmlField& o) const { return label == o.label && name == o.name && value == o.value; }
};

struct SenmlRecord {
  std::vector<SenmlField> fields;
  std::optional<size_t> offset;  // where the record starts
  bool is_map = true;            // false: the array element is not a map/object
  std::string what;              // !is_map: what it is instead ("number 5", "array")
  bool operator==(const SenmlRecord& o) const { return fields == o.fields && is_map == o.is_map && what == o.what; }
};

struct SenmlPack {
  std::vector<SenmlRecord> records;
  bool operator==(const SenmlPack&) const = default;
};

// Resolves a parsed pack into LwM2M Records: base name + name as absolute
// LwM2M paths, base time + time, values typed by ctx.models when the resource
// is known, else by label. Every departure from RFC 8428 / RFC 8790 / Core TS
// 1.2 becomes a Diagnostic naming the record (from 1), its path and offset.
// Records that cannot be resolved are left out; the rest are returned.
Content ResolveSenmlPack(const SenmlPack& pack, const CodecContext& ctx, const SenmlOptions& options,
                         Diagnostics& diags);

// The canonical pack for `content` (see the top of this file). 4.00 when a
// record cannot be written (value above resource level, invalid UTF-8,
// values mixed with value-less records outside SenML-ETCH), 4.06 for a JSON
// Float that is NaN or infinite, or for links.
Result<SenmlPack> BuildSenmlPack(const Content& content, const CodecContext& ctx, const SenmlOptions& options);

// The codec behind all four content formats: a front end (parse and write
// functions) plus the shared semantics. Used by the Make*Codec factories.
class SenmlCodec final : public Codec {
 public:
  // Returns nullopt after an error diagnostic when nothing could be parsed.
  using ParseFn = std::optional<SenmlPack> (*)(std::span<const uint8_t>, const SenmlOptions&, Diagnostics&);
  using WriteFn = Result<Bytes> (*)(const SenmlPack&, const SenmlOptions&);

  SenmlCodec(ContentFormat format, std::string_view name, SenmlOptions options, ParseFn parse, WriteFn write)
      : format_(format), name_(name), options_(options), parse_(parse), write_(write) {}

  ContentFormat format() const override { return format_; }
  std::string_view name() const override { return name_; }
  DecodeResult Decode(std::span<const uint8_t> payload, const CodecContext& ctx) const override;
  Result<Bytes> Encode(const Content& content, const CodecContext& ctx) const override;

 private:
  ContentFormat format_;
  std::string_view name_;
  SenmlOptions options_;
  ParseFn parse_;
  WriteFn write_;
};

}  // namespace lwm2m
