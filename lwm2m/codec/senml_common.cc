// senml_common.cc: SenML record resolution and canonical pack building, shared
// by SenML JSON/CBOR and SenML-ETCH JSON/CBOR (RFC 8428 §4-§6, RFC 8790 §3,
// Core TS 1.2 §7.4.4/§7.4.5 and Appendix C).
#include "lwm2m/codec/senml_common.h"

#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace lwm2m {
namespace {

constexpr const char* kRfcBase = "RFC 8428 §4.1";
constexpr const char* kRfcRegular = "RFC 8428 §4.2";
constexpr const char* kRfcExtensions = "RFC 8428 §4.4";
constexpr const char* kRfcNames = "RFC 8428 §4.5.1";
constexpr const char* kRfcUnits = "RFC 8428 §4.5.2";
constexpr const char* kRfcTime = "RFC 8428 §4.5.3";
constexpr const char* kRfcValues = "RFC 8428 §4.5.4";
constexpr const char* kRfcJson = "RFC 8428 §5";
constexpr const char* kRfcCbor = "RFC 8428 §6";
constexpr const char* kEtchFetch = "RFC 8790 §3.1";
constexpr const char* kEtchPatch = "RFC 8790 §3.2";
constexpr const char* kTsJson = "Core TS 1.2 §7.4.4";
constexpr const char* kTsCbor = "Core TS 1.2 §7.4.5";
constexpr const char* kTsTypes = "Core TS 1.2 Appendix C";
constexpr double kRelativeTimeLimit = 268435456.0;  // 2^28 (RFC 8428 §4.5.3)
constexpr uint64_t kSenmlVersion = 10;              // RFC 8428 §4.4

struct LabelInfo {
  SenmlLabel label;
  std::string_view name;
  std::optional<int> cbor;
};

constexpr LabelInfo kLabels[] = {
    {SenmlLabel::kBaseVersion, "bver", -1},
    {SenmlLabel::kBaseName, "bn", -2},
    {SenmlLabel::kBaseTime, "bt", -3},
    {SenmlLabel::kBaseUnit, "bu", -4},
    {SenmlLabel::kBaseValue, "bv", -5},
    {SenmlLabel::kBaseSum, "bs", -6},
    {SenmlLabel::kName, "n", 0},
    {SenmlLabel::kUnit, "u", 1},
    {SenmlLabel::kValue, "v", 2},
    {SenmlLabel::kStringValue, "vs", 3},
    {SenmlLabel::kBooleanValue, "vb", 4},
    {SenmlLabel::kSum, "s", 5},
    {SenmlLabel::kTime, "t", 6},
    {SenmlLabel::kUpdateTime, "ut", 7},
    {SenmlLabel::kDataValue, "vd", 8},
    {SenmlLabel::kObjlnkValue, "vlo", std::nullopt},
};

// A string for a message: quoted, control bytes as \xNN, cut after `max`
// bytes at a UTF-8 character boundary.
std::string ShortenQuoted(std::string_view s, size_t max = 40, char quote = '"') {
  static const char* kHex = "0123456789abcdef";
  size_t cut = s.size();
  if (cut > max) {
    cut = max;
    while (cut > 0 && (static_cast<uint8_t>(s[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out(1, quote);
  for (size_t i = 0; i < cut; ++i) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + (cut < s.size() ? "..." : "") + quote;
}

// Shortest round-trip form; "NaN", "Infinity", "-Infinity" as Value::ToText writes them.
std::string DoubleText(double d) { return Value::Float(d).ToText(); }

// RFC 8428 §4.5.1 name characters. The first-character rule (a letter or
// digit) is not applied: LwM2M names are absolute paths that start with '/'
// (Core TS 1.2 §7.4.4).
std::optional<size_t> BadNameChar(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == ':' || c == '.' || c == '/' || c == '_';
    if (!ok) return i;
  }
  return std::nullopt;
}

std::string_view LevelName(const Path& p) {
  switch (p.level()) {
    case Path::Level::kRoot:
      return "the root";
    case Path::Level::kObject:
      return "an Object";
    case Path::Level::kObjectInstance:
      return "an Object Instance";
    case Path::Level::kResource:
      return "a Resource";
    case Path::Level::kResourceInstance:
      return "a Resource Instance";
  }
  return "?";
}

// The value label Core TS 1.2 §7.4.4 assigns to a data type.
SenmlLabel LabelForType(DataType t) {
  switch (t) {
    case DataType::kInteger:
    case DataType::kUnsignedInteger:
    case DataType::kFloat:
    case DataType::kTime:
      return SenmlLabel::kValue;
    case DataType::kString:
    case DataType::kCorelnk:
      return SenmlLabel::kStringValue;
    case DataType::kBoolean:
      return SenmlLabel::kBooleanValue;
    case DataType::kOpaque:
      return SenmlLabel::kDataValue;
    case DataType::kObjlnk:
      return SenmlLabel::kObjlnkValue;
    case DataType::kNone:
      break;
  }
  return SenmlLabel::kUnknown;
}

// The LwM2M type a number has when no model says otherwise: integers stay
// integers (Unsigned only above the signed range), the rest is Float.
Value NaturalNumber(const SenmlNumber& n) {
  switch (n.kind) {
    case SenmlNumber::Kind::kInteger:
      return Value::Integer(n.i);
    case SenmlNumber::Kind::kUnsigned:
      if (n.u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Value::UnsignedInteger(n.u);
      return Value::Integer(static_cast<int64_t>(n.u));
    case SenmlNumber::Kind::kFloat:
      return Value::Float(n.f);
  }
  return Value::Float(n.AsDouble());
}

// A SenML number as a numeric LwM2M type; the error text says why it is not one.
Result<Value> NumberAs(const SenmlNumber& n, DataType t) {
  using K = SenmlNumber::Kind;
  constexpr double kTwo63 = 9223372036854775808.0;
  constexpr double kTwo64 = 18446744073709551616.0;
  switch (t) {
    case DataType::kFloat:
      if (n.kind == K::kFloat) return Value::Float(n.f);
      if (n.kind == K::kInteger) {
        const double d = static_cast<double>(n.i);
        if (d >= kTwo63 || static_cast<int64_t>(d) != n.i) return BadRequest("not exact as a Float");
        return Value::Float(d);
      } else {
        const double d = static_cast<double>(n.u);
        if (d >= kTwo64 || static_cast<uint64_t>(d) != n.u) return BadRequest("not exact as a Float");
        return Value::Float(d);
      }
    case DataType::kInteger:
    case DataType::kTime: {
      int64_t v;
      if (n.kind == K::kInteger) {
        v = n.i;
      } else if (n.kind == K::kUnsigned) {
        if (n.u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
          return BadRequest("above the 64-bit signed range");
        v = static_cast<int64_t>(n.u);
      } else {
        if (!std::isfinite(n.f) || n.f != std::trunc(n.f)) return BadRequest("not an integral value");
        if (n.f < -kTwo63 || n.f >= kTwo63) return BadRequest("outside the 64-bit signed range");
        v = static_cast<int64_t>(n.f);
      }
      return t == DataType::kTime ? Value::Time(v) : Value::Integer(v);
    }
    case DataType::kUnsignedInteger:
      if (n.kind == K::kUnsigned) return Value::UnsignedInteger(n.u);
      if (n.kind == K::kInteger) {
        if (n.i < 0) return BadRequest("negative");
        return Value::UnsignedInteger(static_cast<uint64_t>(n.i));
      }
      if (!std::isfinite(n.f) || n.f != std::trunc(n.f)) return BadRequest("not an integral value");
      if (n.f < 0) return BadRequest("negative");
      if (n.f >= kTwo64) return BadRequest("above the 64-bit unsigned range");
      return Value::UnsignedInteger(static_cast<uint64_t>(n.f));
    default:
      break;
  }
  return BadRequest("not a numeric type");
}

// bv + v (RFC 8428 §4.5.4), exact for integers that fit.
SenmlNumber AddNumbers(const SenmlNumber& a, const SenmlNumber& b) {
  using K = SenmlNumber::Kind;
  if (a.kind != K::kFloat && b.kind != K::kFloat) {
    const __int128 x = a.kind == K::kInteger ? __int128(a.i) : __int128(a.u);
    const __int128 y = b.kind == K::kInteger ? __int128(b.i) : __int128(b.u);
    const __int128 s = x + y;
    if (s >= __int128(std::numeric_limits<int64_t>::min()) && s < 0) return SenmlNumber::Integer(int64_t(s));
    if (s >= 0 && s <= __int128(std::numeric_limits<uint64_t>::max())) return SenmlNumber::Unsigned(uint64_t(s));
  }
  return SenmlNumber::Float(a.AsDouble() + b.AsDouble());
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// One record on its way to becoming a Record.
struct Resolved {
  size_t number = 0;  // from 1
  std::optional<size_t> offset;
  Record record;
  bool has_value = false;  // carries a (typed) value
  bool removal = false;    // SenML-ETCH "v": null
};

class Resolver {
 public:
  Resolver(const CodecContext& ctx, const SenmlOptions& o, Diagnostics& d) : ctx_(ctx), o_(o), d_(d) {}

  Content Run(const SenmlPack& pack) {
    Classify(pack);
    std::vector<Resolved> resolved;
    for (size_t i = 0; i < pack.records.size(); ++i) {
      if (auto r = ResolveRecord(pack.records[i], i)) resolved.push_back(std::move(*r));
    }
    PackChecks(pack, resolved);
    Content c;
    for (auto& r : resolved) c.records.push_back(std::move(r.record));
    return c;
  }

 private:
  std::string Msg(const std::string& m) const { return std::string(o_.format_name) + ": " + m; }
  const char* SyntaxRule() const { return o_.syntax == SenmlSyntax::kJson ? kRfcJson : kRfcCbor; }
  const char* TsRule() const { return o_.syntax == SenmlSyntax::kJson ? kTsJson : kTsCbor; }
  void Error(std::optional<size_t> off, const std::string& path, const std::string& m, const char* rule) {
    d_.Error(off, path, Msg(m), rule);
  }
  void Warning(std::optional<size_t> off, const std::string& path, const std::string& m, const char* rule) {
    d_.Warning(off, path, Msg(m), rule);
  }
  void Info(std::optional<size_t> off, const std::string& path, const std::string& m, const char* rule) {
    d_.Info(off, path, Msg(m), rule);
  }
  static std::string Rec(size_t n) { return "record " + std::to_string(n); }
  static std::string Label(const SenmlField& f) { return ShortenQuoted(f.name, 24, '\''); }
  static std::string WithNote(const std::string& m, const SenmlField& f) {
    return f.note.empty() ? m : m + " (" + f.note + ")";
  }

  // Which kind of pack this is decides whether records need values.
  void Classify(const SenmlPack& pack) {
    for (const auto& r : pack.records) {
      if (!r.is_map) continue;
      for (const auto& f : r.fields)
        if (IsSenmlValueLabel(f.label)) any_value_label_ = true;
    }
    patch_pack_ = o_.etch && any_value_label_;
    fetch_pack_ = o_.etch && !any_value_label_;
    path_list_ = !o_.etch && !any_value_label_;
  }

  void TypeError(const SenmlField& f, size_t n, const std::string& path, const char* want) {
    Error(f.offset, path,
          WithNote(Rec(n) + ": " + Label(f) + " must be " + want + ", found " + DescribeSenmlValue(f.value), f),
          SyntaxRule());
  }

  std::optional<Resolved> ResolveRecord(const SenmlRecord& raw, size_t index) {
    const size_t n = index + 1;
    if (!raw.is_map) {
      Error(raw.offset, "",
            Rec(n) + " is " + raw.what + ", not a " + (o_.syntax == SenmlSyntax::kJson ? "JSON object" : "CBOR map"),
            SyntaxRule());
      return std::nullopt;
    }

    // A label twice in one record: JSON (RFC 8259 §4) and CBOR (RFC 8949 §5.6)
    // leave the meaning open; SenML gives none. The first one is used.
    std::vector<const SenmlField*> fields;
    std::set<std::string> seen;
    for (const auto& f : raw.fields) {
      const std::string key = f.label == SenmlLabel::kUnknown ? "?" + f.name : std::string(SenmlLabelName(f.label));
      if (!seen.insert(key).second) {
        Error(f.offset, "", Rec(n) + " has label " + Label(f) + " more than once; only the first is used",
              o_.syntax == SenmlSyntax::kJson ? "RFC 8259 §4" : "RFC 8949 §5.6");
        continue;
      }
      fields.push_back(&f);
    }

    std::optional<std::string> name;
    std::optional<double> t;
    std::vector<const SenmlField*> values;
    bool drop = false;
    for (const SenmlField* fp : fields) {
      const SenmlField& f = *fp;
      const auto* num = std::get_if<SenmlNumber>(&f.value);
      const auto* str = std::get_if<std::string>(&f.value);
      if (fetch_pack_ &&
          (f.label == SenmlLabel::kBaseVersion || f.label == SenmlLabel::kBaseValue ||
           f.label == SenmlLabel::kBaseSum || f.label == SenmlLabel::kSum || f.label == SenmlLabel::kUpdateTime)) {
        Warning(f.offset, "",
                Rec(n) + ": " + Label(f) +
                    " is not a Fetch Record field (only n, bn, t, bt, u, bu select records); ignored",
                kEtchFetch);
        continue;
      }
      switch (f.label) {
        case SenmlLabel::kBaseVersion:
          BaseVersion(f, index);
          break;
        case SenmlLabel::kBaseName:
          if (!str) {
            TypeError(f, n, "", "a string");
            break;
          }
          if (bn_ && *bn_ == *str) {
            Info(f.offset, "", Rec(n) + " repeats the base name " + ShortenQuoted(*str) + " already in effect",
                 kRfcBase);
          }
          bn_ = *str;
          break;
        case SenmlLabel::kBaseTime:
          if (!num) {
            TypeError(f, n, "", "a number");
          } else if (!std::isfinite(num->AsDouble())) {
            Error(f.offset, "", Rec(n) + ": 'bt' is " + num->ToString() + ", not a finite number", SyntaxRule());
          } else {
            bt_ = num->AsDouble();
          }
          break;
        case SenmlLabel::kBaseUnit:
        case SenmlLabel::kUnit:
          if (!str) {
            TypeError(f, n, "", "a string");
          } else {
            Info(f.offset, "",
                 Rec(n) + ": unit " + Label(f) + " = " + ShortenQuoted(*str) +
                     " is ignored; LwM2M takes units from the object model",
                 kRfcUnits);
          }
          break;
        case SenmlLabel::kBaseValue:
          if (!num) {
            TypeError(f, n, "", "a number");
          } else {
            bv_ = *num;
            Warning(f.offset, "",
                    Rec(n) + ": base value 'bv' = " + num->ToString() +
                        " is not used by LwM2M; it is added to every 'v' from this record on",
                    kRfcValues);
          }
          break;
        case SenmlLabel::kBaseSum:
        case SenmlLabel::kSum:
          if (!num) TypeError(f, n, "", "a number");
          Warning(f.offset, "", Rec(n) + ": sum " + Label(f) + " is not supported by LwM2M; ignored", TsRule());
          break;
        case SenmlLabel::kName:
          if (!str) {
            TypeError(f, n, "", "a string");
            drop = true;
          } else {
            name = *str;
          }
          break;
        case SenmlLabel::kTime:
          if (!num) {
            TypeError(f, n, "", "a number");
          } else if (!std::isfinite(num->AsDouble())) {
            Error(f.offset, "", Rec(n) + ": 't' is " + num->ToString() + ", not a finite number", SyntaxRule());
          } else {
            t = num->AsDouble();
          }
          break;
        case SenmlLabel::kUpdateTime:
          if (!num) {
            TypeError(f, n, "", "a number");
          } else {
            Info(f.offset, "", Rec(n) + ": update time 'ut' is ignored by LwM2M", kRfcRegular);
          }
          break;
        case SenmlLabel::kValue:
        case SenmlLabel::kStringValue:
        case SenmlLabel::kBooleanValue:
        case SenmlLabel::kDataValue:
        case SenmlLabel::kObjlnkValue:
          values.push_back(&f);
          break;
        case SenmlLabel::kUnknown:
          if (!f.name.empty() && f.name.back() == '_') {
            Error(f.offset, "",
                  WithNote(Rec(n) + ": label " + Label(f) +
                               " ends with '_', so it must be understood, and it is not a SenML or LwM2M label",
                           f),
                  kRfcExtensions);
          } else {
            Warning(f.offset, "",
                    WithNote(Rec(n) + ": unknown label " + Label(f) +
                                 " is ignored (LwM2M uses bn, bt, n, t, v, vs, vb, vd, vlo)",
                             f),
                    kRfcExtensions);
          }
          break;
      }
    }
    if (values.size() > 1) {
      std::string labels;
      for (const auto* v : values) labels += (labels.empty() ? "" : ", ") + Label(*v);
      Error(values[1]->offset, "",
            Rec(n) + " has " + std::to_string(values.size()) + " value labels (" + labels +
                "); a record carries exactly one value",
            kRfcRegular);
      return std::nullopt;
    }
    if (drop) return std::nullopt;

    // Name: bn + n (RFC 8428 §4.5.1), an absolute LwM2M path (Core TS 1.2 §7.4.4).
    const std::string base = bn_.value_or("");
    if (!name && base.empty()) {
      Error(raw.offset, "", Rec(n) + " has no name: neither 'n' nor a base name in effect", kRfcRegular);
      return std::nullopt;
    }
    const std::string full = base + name.value_or("");
    std::string parts;
    if (!base.empty()) parts = "bn " + ShortenQuoted(base);
    if (name) parts += std::string(parts.empty() ? "" : " + ") + "n " + ShortenQuoted(*name);
    if (!base.empty() && name) parts += " = " + ShortenQuoted(full, 80);
    if (full.empty()) {
      Error(raw.offset, "", Rec(n) + " has an empty name (" + parts + ")", kRfcRegular);
      return std::nullopt;
    }
    if (auto bad = BadNameChar(full)) {
      const unsigned char c = static_cast<unsigned char>(full[*bad]);
      std::string shown =
          c >= 0x21 && c < 0x7F ? std::string("'") + static_cast<char>(c) + "'" : "byte 0x" + HexEncode({c});
      Error(raw.offset, "",
            Rec(n) + ": name " + parts + " has " + shown + " at position " + std::to_string(*bad) +
                ", outside the SenML name characters A-Z a-z 0-9 - : . / _",
            kRfcNames);
      return std::nullopt;
    }
    Result<Path> parsed = Path::Parse(full);
    if (!parsed) {
      std::string why = parsed.status().message();
      Error(raw.offset, "", Rec(n) + ": " + parts + " is not an LwM2M path: " + why, TsRule());
      return std::nullopt;
    }
    Resolved out;
    out.number = n;
    out.offset = raw.offset;
    out.record.path = *parsed;
    const std::string ptext = parsed->ToString();

    if (bt_ || t) {
      const double time = bt_.value_or(0) + t.value_or(0);
      out.record.time = time;
      if (time < kRelativeTimeLimit) {
        if (relative_times_++ == 0) {
          first_relative_ = n;
          first_relative_time_ = time;
        }
      }
    }

    if (values.size() == 1) {
      const SenmlField& vf = *values[0];
      if (o_.etch && vf.label == SenmlLabel::kValue && std::holds_alternative<SenmlNull>(vf.value)) {
        out.removal = true;
        Info(vf.offset, ptext, Rec(n) + " removes " + ptext + " (\"v\": null)", kEtchPatch);
      } else {
        std::optional<Value> v = TypeValue(vf, *parsed, n, ptext);
        if (!v) return std::nullopt;
        out.record.value = std::move(*v);
        out.has_value = true;
      }
      if (parsed->size() < 3) {
        Error(vf.offset, ptext,
              Rec(n) + ": " + ptext + " is " + std::string(LevelName(*parsed)) + " but the record " +
                  (out.removal ? "removes it" : "carries a value") +
                  "; values need a Resource or Resource Instance path /o/i/r or /o/i/r/ri",
              TsRule());
        return std::nullopt;
      }
    }

    if (!ctx_.request_path.IsRoot() && !ctx_.request_path.IsPrefixOf(*parsed)) {
      Warning(raw.offset, ptext,
              Rec(n) + ": " + ptext + " is not under the request path " + ctx_.request_path.ToString(), TsRule());
    }
    return out;
  }

  void BaseVersion(const SenmlField& f, size_t index) {
    const size_t n = index + 1;
    const auto* num = std::get_if<SenmlNumber>(&f.value);
    uint64_t v = 0;
    bool ok = false;
    if (num) {
      if (num->kind == SenmlNumber::Kind::kUnsigned && num->u > 0) {
        v = num->u, ok = true;
      } else if (o_.syntax == SenmlSyntax::kJson && num->kind == SenmlNumber::Kind::kInteger && num->i > 0) {
        v = static_cast<uint64_t>(num->i), ok = true;
      }
    }
    if (!ok) {
      TypeError(f, n, "",
                o_.syntax == SenmlSyntax::kCbor ? "a positive unsigned integer (the only bver SenML CBOR allows)"
                                                : "a positive integer");
      return;
    }
    if (index > 0) {
      if (v != version_) {
        Error(f.offset, "",
              Rec(n) + " changes the SenML version from " + std::to_string(version_) + " to " + std::to_string(v) +
                  "; all records of a Pack must have the same version, given once in the first record",
              kRfcExtensions);
      } else {
        Warning(f.offset, "",
                Rec(n) + " repeats 'bver' " + std::to_string(v) + "; the version belongs in the first record only",
                kRfcExtensions);
        return;
      }
    }
    version_ = v;
    if (v > kSenmlVersion) {
      Error(f.offset, "",
            Rec(n) + ": SenML version " + std::to_string(v) + " is newer than version 10 of RFC 8428; a receiver " +
                "must not use this Pack",
            kRfcExtensions);
    } else if (v < kSenmlVersion) {
      Warning(f.offset, "",
              Rec(n) + ": SenML version " + std::to_string(v) + " predates version 10 of RFC 8428, which LwM2M uses",
              kRfcExtensions);
    }
  }

  // The value of the single value field, typed by the model when the
  // resource is known, else by its label. nullopt (after an error) when the
  // field does not hold what its label requires.
  std::optional<Value> TypeValue(const SenmlField& f, const Path& path, size_t n, const std::string& ptext) {
    const std::string where = Rec(n) + " (" + ptext + ")";
    std::optional<Value> natural;
    std::optional<SenmlNumber> number;
    switch (f.label) {
      case SenmlLabel::kValue: {
        const auto* num = std::get_if<SenmlNumber>(&f.value);
        if (!num) {
          const bool null = std::holds_alternative<SenmlNull>(f.value);
          Error(f.offset, ptext,
                WithNote(where + ": 'v' must be a number, found " + DescribeSenmlValue(f.value) +
                             (null ? " (a null value removes a record only in SenML-ETCH, RFC 8790 §3.2)" : ""),
                         f),
                SyntaxRule());
          return std::nullopt;
        }
        number = bv_ ? AddNumbers(*bv_, *num) : *num;
        natural = NaturalNumber(*number);
        break;
      }
      case SenmlLabel::kStringValue: {
        const auto* s = std::get_if<std::string>(&f.value);
        if (!s) {
          Error(f.offset, ptext, WithNote(where + ": 'vs' must be a string, found " + DescribeSenmlValue(f.value), f),
                SyntaxRule());
          return std::nullopt;
        }
        natural = Value::String(*s);
        break;
      }
      case SenmlLabel::kBooleanValue: {
        const auto* b = std::get_if<bool>(&f.value);
        if (!b) {
          Error(f.offset, ptext,
                WithNote(where + ": 'vb' must be true or false, found " + DescribeSenmlValue(f.value), f),
                SyntaxRule());
          return std::nullopt;
        }
        natural = Value::Boolean(*b);
        break;
      }
      case SenmlLabel::kDataValue: {
        auto bytes = DataValue(f, ptext, where);
        if (!bytes) return std::nullopt;
        natural = Value::Opaque(std::move(*bytes));
        break;
      }
      case SenmlLabel::kObjlnkValue: {
        const auto* s = std::get_if<std::string>(&f.value);
        if (!s) {
          Error(
              f.offset, ptext,
              WithNote(where + ": 'vlo' must be a string \"ObjectID:InstanceID\", found " + DescribeSenmlValue(f.value),
                       f),
              TsRule());
          return std::nullopt;
        }
        if (EqualsIgnoreCase(*s, "FFFF:FFFF")) {
          // The Core TS SenML JSON example writes the null link this way.
          Warning(f.offset, ptext,
                  where + ": 'vlo' " + ShortenQuoted(*s) +
                      " is hexadecimal; Objlnk is two decimal ids, the null link is \"65535:65535\"",
                  kTsTypes);
          natural = Value::ObjectLink({65535, 65535});
          break;
        }
        Result<Value> v = Value::FromText(*s, DataType::kObjlnk);
        if (!v) {
          Error(f.offset, ptext, where + ": 'vlo' " + ShortenQuoted(*s) + " is not \"ObjectID:InstanceID\"", kTsTypes);
          return std::nullopt;
        }
        natural = *v;
        break;
      }
      default:
        return std::nullopt;
    }

    const ResourceModel* rm = ctx_.models && path.size() >= 3 ? ctx_.models->FindResource(path) : nullptr;
    if (!rm || rm->type == DataType::kNone) return natural;
    const SenmlLabel want = LabelForType(rm->type);
    const std::string type_name(DataTypeName(rm->type));
    if (want != f.label) {
      Error(f.offset, ptext,
            where + " is " + type_name + " in the object model, which SenML carries in '" +
                std::string(SenmlLabelName(want)) + "', but the record uses " + Label(f),
            TsRule());
      return natural;
    }
    if (number) {
      Result<Value> v = NumberAs(*number, rm->type);
      if (!v) {
        Error(f.offset, ptext,
              where + " is " + type_name + " in the object model but 'v' is " + number->ToString() + ", " +
                  v.status().message(),
              kTsTypes);
        return natural;
      }
      return *v;
    }
    if (rm->type == DataType::kCorelnk) return Value::Corelnk(natural->AsString());
    return natural;
  }

  // "vd": base64url without padding in JSON (RFC 8428 §5), a byte string in CBOR (§6).
  std::optional<Bytes> DataValue(const SenmlField& f, const std::string& ptext, const std::string& where) {
    if (o_.syntax == SenmlSyntax::kCbor) {
      if (const auto* b = std::get_if<Bytes>(&f.value)) return *b;
      Error(f.offset, ptext,
            WithNote(where + ": 'vd' must be a byte string in CBOR, found " + DescribeSenmlValue(f.value), f),
            kRfcCbor);
      return std::nullopt;
    }
    const auto* s = std::get_if<std::string>(&f.value);
    if (!s) {
      Error(f.offset, ptext, where + ": 'vd' must be a base64url string, found " + DescribeSenmlValue(f.value),
            kRfcJson);
      return std::nullopt;
    }
    std::string text = *s;
    bool padded = false, standard = false;
    while (!text.empty() && text.back() == '=') text.pop_back(), padded = true;
    for (char& c : text) {
      if (c == '+')
        c = '-', standard = true;
      else if (c == '/')
        c = '_', standard = true;
    }
    if (padded) {
      Error(f.offset, ptext, where + ": 'vd' " + ShortenQuoted(*s) + " ends with '=' padding, which SenML omits",
            kRfcJson);
    }
    if (standard) {
      Error(f.offset, ptext,
            where + ": 'vd' " + ShortenQuoted(*s) +
                " uses '+' or '/' of the standard base64 alphabet; SenML uses the URL-safe alphabet (RFC 4648 §5)",
            kRfcJson);
    }
    Result<Bytes> b = Base64UrlDecode(text);
    if (!b) {
      Error(f.offset, ptext, where + ": 'vd' " + ShortenQuoted(*s) + " is not base64url: " + b.status().message(),
            kRfcJson);
      return std::nullopt;
    }
    return std::move(*b);
  }

  void PackChecks(const SenmlPack& pack, std::vector<Resolved>& resolved) {
    // Value-less records: a path list (FETCH), or missing values.
    if (path_list_ && !pack.records.empty()) {
      Info(std::nullopt, "",
           "no record carries a value: the pack is read as a path list (a Read-Composite or Observe-Composite "
           "request)",
           TsRule());
    }
    if (o_.etch && pack.records.empty()) {
      Error(std::nullopt, "", "the pack has no record; a Fetch Pack needs at least one", kEtchFetch);
    }
    std::vector<Resolved> kept;
    for (auto& r : resolved) {
      if (!r.has_value && !r.removal && (patch_pack_ || (!o_.etch && any_value_label_))) {
        const std::string p = r.record.path.ToString();
        if (patch_pack_) {
          Error(r.offset, p, Rec(r.number) + " (" + p + ") has no value; every Patch Record needs one", kEtchPatch);
        } else {
          Error(r.offset, p,
                Rec(r.number) + " (" + p + ") has no value; SenML records carry exactly one (only a pure path list, " +
                    "with no value anywhere, may leave them out)",
                kRfcRegular);
        }
        continue;
      }
      kept.push_back(std::move(r));
    }
    resolved.swap(kept);

    // The same resolved name twice (at the same time) is contradictory.
    std::map<std::string, size_t> first;
    kept.clear();
    for (auto& r : resolved) {
      const std::string p = r.record.path.ToString();
      const std::string key = p + "@" + (r.record.time ? DoubleText(*r.record.time) : "-");
      auto [it, inserted] = first.emplace(key, r.number);
      if (!inserted) {
        const std::string at = r.record.time ? " at time " + DoubleText(*r.record.time) : "";
        const std::string m = Rec(r.number) + " resolves to " + p + at + ", already given by " + Rec(it->second);
        if (r.has_value || r.removal) {
          Error(r.offset, p, m + "; it is left out", TsRule());
        } else {
          Warning(r.offset, p, m + "; the duplicate path is left out", TsRule());
        }
        continue;
      }
      kept.push_back(std::move(r));
    }
    resolved.swap(kept);

    if (relative_times_ > 0) {
      Info(std::nullopt, "",
           std::to_string(relative_times_) + " record(s) carry a time below 2^28 (first: " + Rec(first_relative_) +
               ", time " + DoubleText(first_relative_time_) +
               "), which is relative to the time of sending; kept as given, not resolved against a clock",
           kRfcTime);
    }
  }

  const CodecContext& ctx_;
  const SenmlOptions& o_;
  Diagnostics& d_;
  bool any_value_label_ = false;
  bool patch_pack_ = false;
  bool fetch_pack_ = false;
  bool path_list_ = false;
  std::optional<std::string> bn_;
  std::optional<double> bt_;
  std::optional<SenmlNumber> bv_;
  uint64_t version_ = kSenmlVersion;
  size_t relative_times_ = 0;
  size_t first_relative_ = 0;
  double first_relative_time_ = 0;
};

std::string RelativeName(const Path& base, const Path& p) {
  std::string s;
  for (size_t i = base.size(); i < p.size(); ++i) s += (s.empty() ? "" : "/") + std::to_string(p[i]);
  return s;
}

SenmlField MakeField(SenmlLabel label, SenmlValue value) {
  SenmlField f;
  f.label = label;
  f.name = std::string(SenmlLabelName(label));
  f.value = std::move(value);
  return f;
}

}  // namespace

std::string_view SenmlLabelName(SenmlLabel label) {
  for (const auto& l : kLabels)
    if (l.label == label) return l.name;
  return "?";
}

std::optional<int> SenmlLabelCborKey(SenmlLabel label) {
  for (const auto& l : kLabels)
    if (l.label == label) return l.cbor;
  return std::nullopt;
}

SenmlLabel SenmlLabelFromName(std::string_view name) {
  for (const auto& l : kLabels)
    if (l.name == name) return l.label;
  return SenmlLabel::kUnknown;
}

SenmlLabel SenmlLabelFromCborKey(int64_t key) {
  for (const auto& l : kLabels)
    if (l.cbor && *l.cbor == key) return l.label;
  return SenmlLabel::kUnknown;
}

bool IsSenmlValueLabel(SenmlLabel l) {
  return l == SenmlLabel::kValue || l == SenmlLabel::kStringValue || l == SenmlLabel::kBooleanValue ||
         l == SenmlLabel::kDataValue || l == SenmlLabel::kObjlnkValue;
}

double SenmlNumber::AsDouble() const {
  switch (kind) {
    case Kind::kInteger:
      return static_cast<double>(i);
    case Kind::kUnsigned:
      return static_cast<double>(u);
    case Kind::kFloat:
      return f;
  }
  return 0;
}

std::string SenmlNumber::ToString() const {
  switch (kind) {
    case Kind::kInteger:
      return std::to_string(i);
    case Kind::kUnsigned:
      return std::to_string(u);
    case Kind::kFloat:
      return DoubleText(f);
  }
  return "";
}

std::string DescribeSenmlValue(const SenmlValue& v) {
  struct Visitor {
    std::string operator()(const SenmlNull&) const { return "null"; }
    std::string operator()(const SenmlNumber& n) const { return "number " + n.ToString(); }
    std::string operator()(const std::string& s) const { return "string " + ShortenQuoted(s); }
    std::string operator()(const Bytes& b) const { return "byte string (" + std::to_string(b.size()) + " bytes)"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const SenmlOther& o) const { return o.description; }
  };
  return std::visit(Visitor{}, v);
}

Content ResolveSenmlPack(const SenmlPack& pack, const CodecContext& ctx, const SenmlOptions& options,
                         Diagnostics& diags) {
  return Resolver(ctx, options, diags).Run(pack);
}

Result<SenmlPack> BuildSenmlPack(const Content& content, const CodecContext& ctx, const SenmlOptions& o) {
  const std::string fmt(o.format_name);
  if (!content.links.empty()) return NotAcceptable(fmt + ": links cannot be written in SenML");
  const auto& recs = content.records;
  bool any_value = false;
  std::optional<size_t> first_none;
  for (size_t i = 0; i < recs.size(); ++i) {
    const Record& r = recs[i];
    const std::string where = fmt + ": record " + std::to_string(i + 1) + " (" + r.path.ToString() + ")";
    if (r.value.is_none()) {
      if (!first_none) first_none = i;
    } else {
      any_value = true;
      if (r.path.size() < 3) {
        return BadRequest(where + " carries a value but is " + std::string(LevelName(r.path)) +
                          "; SenML values need /o/i/r or /o/i/r/ri [" + kTsJson + "]");
      }
    }
    if (auto bad = BadNameChar(r.path.ToString())) {
      return BadRequest(where + ": the name has a character outside A-Z a-z 0-9 - : . / _ [" + kRfcNames + "]");
    }
    const DataType t = r.value.type();
    if ((t == DataType::kString || t == DataType::kCorelnk) && FindInvalidUtf8(r.value.AsString())) {
      return BadRequest(where + ": the string is not valid UTF-8 [" + std::string(kRfcJson) + "]");
    }
    if (t == DataType::kFloat && o.syntax == SenmlSyntax::kJson && !std::isfinite(r.value.AsFloat())) {
      return NotAcceptable(where + ": Float " + DoubleText(r.value.AsFloat()) + " has no JSON number [" + kRfcJson +
                           "]");
    }
    if (r.time && !std::isfinite(*r.time)) {
      return BadRequest(where + ": time " + DoubleText(*r.time) + " is not a finite number");
    }
  }
  if (any_value && first_none && !o.etch) {
    return BadRequest(fmt + ": record " + std::to_string(*first_none + 1) + " (" + recs[*first_none].path.ToString() +
                      ") has no value, others have; outside SenML-ETCH a pack either gives every record a value " +
                      "or is a path list [" + kRfcRegular + "]");
  }
  const bool patch = o.etch && any_value;
  if (o.etch && recs.empty()) {
    return BadRequest(fmt + ": a Fetch or Patch Pack needs at least one record [" + std::string(kEtchFetch) + "]");
  }
  for (size_t i = 0; patch && i < recs.size(); ++i) {
    if (recs[i].value.is_none() && recs[i].path.size() < 3) {
      return BadRequest(fmt + ": record " + std::to_string(i + 1) + " (" + recs[i].path.ToString() +
                        ") would be removed with \"v\": null, but only Resources and Resource Instances can be [" +
                        kEtchPatch + "]");
    }
  }

  enum class Style { kFull, kBaseIsPath, kBasePlusRest } style = Style::kFull;
  const Path& base = ctx.request_path;
  if (!base.IsRoot() && !recs.empty()) {
    bool all_equal = true, all_below = true;
    for (const auto& r : recs) {
      if (!(r.path == base)) all_equal = false;
      if (!(base.IsPrefixOf(r.path) && r.path.size() > base.size())) all_below = false;
    }
    if (all_equal)
      style = Style::kBaseIsPath;
    else if (all_below)
      style = Style::kBasePlusRest;
  }

  SenmlPack pack;
  for (size_t i = 0; i < recs.size(); ++i) {
    const Record& r = recs[i];
    SenmlRecord out;
    if (i == 0 && style == Style::kBaseIsPath) out.fields.push_back(MakeField(SenmlLabel::kBaseName, base.ToString()));
    if (i == 0 && style == Style::kBasePlusRest)
      out.fields.push_back(MakeField(SenmlLabel::kBaseName, base.ToString() + "/"));
    if (style == Style::kFull) out.fields.push_back(MakeField(SenmlLabel::kName, r.path.ToString()));
    if (style == Style::kBasePlusRest) out.fields.push_back(MakeField(SenmlLabel::kName, RelativeName(base, r.path)));
    const Value& v = r.value;
    switch (v.type()) {
      case DataType::kNone:
        if (patch) out.fields.push_back(MakeField(SenmlLabel::kValue, SenmlNull{}));
        break;
      case DataType::kInteger:
      case DataType::kTime:
        out.fields.push_back(MakeField(SenmlLabel::kValue, SenmlNumber::Integer(v.AsInteger())));
        break;
      case DataType::kUnsignedInteger:
        out.fields.push_back(MakeField(SenmlLabel::kValue, SenmlNumber::Unsigned(v.AsUnsigned())));
        break;
      case DataType::kFloat:
        out.fields.push_back(MakeField(SenmlLabel::kValue, SenmlNumber::Float(v.AsFloat())));
        break;
      case DataType::kString:
      case DataType::kCorelnk:
        out.fields.push_back(MakeField(SenmlLabel::kStringValue, v.AsString()));
        break;
      case DataType::kBoolean:
        out.fields.push_back(MakeField(SenmlLabel::kBooleanValue, v.AsBoolean()));
        break;
      case DataType::kOpaque:
        out.fields.push_back(MakeField(SenmlLabel::kDataValue, v.AsOpaque()));
        break;
      case DataType::kObjlnk:
        out.fields.push_back(MakeField(SenmlLabel::kObjlnkValue, v.ToText()));
        break;
    }
    if (r.time) {
      const double t = *r.time;
      if (t == std::trunc(t) && t >= -9007199254740992.0 && t <= 9007199254740992.0) {
        out.fields.push_back(MakeField(SenmlLabel::kTime, SenmlNumber::Integer(static_cast<int64_t>(t))));
      } else {
        out.fields.push_back(MakeField(SenmlLabel::kTime, SenmlNumber::Float(t)));
      }
    }
    pack.records.push_back(std::move(out));
  }
  return pack;
}

DecodeResult SenmlCodec::Decode(std::span<const uint8_t> payload, const CodecContext& ctx) const {
  Diagnostics d;
  const std::string fmt(options_.format_name);
  const std::string_view ver = ctx.lwm2m_version;
  if (ver == "1.0") {
    d.Warning(std::nullopt, "", fmt + ": LwM2M 1.0 has no SenML formats (they came with LwM2M 1.1)",
              options_.syntax == SenmlSyntax::kJson ? kTsJson : kTsCbor);
  } else if (options_.etch && ver == "1.1") {
    d.Warning(std::nullopt, "", fmt + ": SenML-ETCH is a LwM2M 1.2 format; LwM2M 1.1 uses SenML JSON/CBOR for FETCH",
              "Core TS 1.2 §7.4");
  }
  DecodeResult r;
  if (payload.empty()) {
    if (options_.etch) {
      d.Error(0, "", fmt + ": empty payload; a Fetch or Patch Pack is an array of at least one record", kEtchFetch);
    } else {
      d.Warning(0, "", fmt + ": empty payload is not a SenML Pack (an array of records); read as no records",
                options_.syntax == SenmlSyntax::kJson ? kRfcJson : kRfcCbor);
    }
    r.diagnostics = d.Take();
    return r;
  }
  if (std::optional<SenmlPack> pack = parse_(payload, options_, d)) {
    r.content = ResolveSenmlPack(*pack, ctx, options_, d);
  }
  r.diagnostics = d.Take();
  return r;
}

Result<Bytes> SenmlCodec::Encode(const Content& content, const CodecContext& ctx) const {
  Result<SenmlPack> pack = BuildSenmlPack(content, ctx, options_);
  if (!pack) return pack.status();
  return write_(*pack, options_);
}

}  // namespace lwm2m
