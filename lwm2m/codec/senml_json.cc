// senml_json.cc: SenML JSON front end (RFC 8428 §5, RFC 8259) on nlohmann-json's
// SAX interface, and the SenML JSON codec (110).
#include "lwm2m/codec/senml_json.h"

#include <charconv>
#include <cmath>
#include <iterator>
#include <nlohmann/json.hpp>

namespace lwm2m {
namespace {

using Json = nlohmann::json;

// An input iterator over the payload that publishes how many bytes the JSON
// lexer has consumed, so SAX events can be given byte offsets.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* p, const char* base, size_t* consumed) : p_(p), base_(base), consumed_(consumed) {}
  reference operator*() const { return *p_; }
  CountingIterator& operator++() {
    ++p_;
    *consumed_ = static_cast<size_t>(p_ - base_);
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator t = *this;
    ++*this;
    return t;
  }
  bool operator==(const CountingIterator& o) const { return p_ == o.p_; }
  bool operator!=(const CountingIterator& o) const { return p_ != o.p_; }

 private:
  const char* p_;
  const char* base_;
  size_t* consumed_;
};

// Builds the pack from SAX events. Depth 1 is inside the top-level array,
// depth 2 inside a record; anything deeper is a field value that is not a
// SenML value and is only counted.
class PackSax final : public nlohmann::json_sax<Json> {
 public:
  PackSax(const SenmlOptions& o, Diagnostics& d, const size_t* consumed, size_t size)
      : o_(o), d_(d), consumed_(consumed), size_(size) {}

  bool null() override { return Scalar(SenmlNull{}); }
  bool boolean(bool b) override { return Scalar(b); }
  bool number_integer(number_integer_t v) override { return Scalar(SenmlNumber::Integer(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Scalar(SenmlNumber::Unsigned(v)); }
  bool number_float(number_float_t v, const string_t& text) override {
    if (depth_ == 2 && text.find('E') != string_t::npos) {
      d_.Warning(TokenStart(text.size() + 1), "",
                 Msg("number " + text + " in record " + std::to_string(pack_.records.size() + 1) +
                     " has an upper-case 'E'; SenML requires a lower-case exponent 'e'"),
                 "RFC 8428 §5");
    }
    return Scalar(SenmlNumber::Float(v));
  }
  bool string(string_t& s) override { return Scalar(std::string(s)); }
  bool binary(binary_t&) override { return Scalar(SenmlOther{"binary value"}); }

  bool start_object(std::size_t) override { return Open(true); }
  bool start_array(std::size_t) override { return Open(false); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }

  bool key(string_t& k) override {
    if (depth_ == 2 && record_is_object_) {
      key_ = k;
      key_offset_ = TokenStart(k.size() + 2);
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    const size_t off = std::min(position > 0 ? position - 1 : 0, size_);
    d_.Error(off, "", Msg("JSON syntax error at offset " + std::to_string(off) + Describe(ex.what())), "RFC 8259");
    return false;
  }

  bool saw_array() const { return saw_array_; }
  SenmlPack& pack() { return pack_; }

 private:
  std::string Msg(const std::string& m) const { return std::string(o_.format_name) + ": " + m; }
  std::optional<size_t> TokenStart(size_t len) const { return *consumed_ >= len ? *consumed_ - len : 0; }

  // nlohmann's "[json.exception.parse_error.101] parse error at line 1, column
  // 5: syntax error while parsing value - unexpected ','" as " (line 1, column
  // 5) while parsing value: unexpected ','", bytes above 0x7e as \xNN.
  static std::string Describe(std::string_view what) {
    static const char* kHex = "0123456789abcdef";
    std::string w;
    for (char ch : what) {
      const auto c = static_cast<unsigned char>(ch);
      if (c >= 0x20 && c < 0x7F) {
        w += ch;
      } else {
        w += "\\x";
        w += kHex[c >> 4];
        w += kHex[c & 15];
      }
    }
    if (w.rfind("[json.exception", 0) == 0) {
      if (auto p = w.find("] "); p != std::string::npos) w = w.substr(p + 2);
    }
    std::string loc;
    if (w.rfind("parse error at ", 0) == 0) {
      if (auto p = w.find(": "); p != std::string::npos) {
        loc = " (" + w.substr(15, p - 15) + ")";
        w = w.substr(p + 2);
      }
    }
    constexpr std::string_view kWhile = "syntax error while parsing ";
    if (w.rfind(kWhile, 0) == 0) {
      if (auto p = w.find(" - "); p != std::string::npos) {
        return loc + " while parsing " + w.substr(kWhile.size(), p - kWhile.size()) + ": " + w.substr(p + 3);
      }
    }
    return loc + ": " + w;
  }

  void NotArray(const std::string& what) {
    d_.Error(0, "", Msg("the payload is " + what + ", not an array of records"), "RFC 8428 §5");
  }

  bool Scalar(SenmlValue v) {
    if (depth_ == 0) {
      NotArray("a single " + DescribeSenmlValue(v));
      return false;
    }
    if (depth_ == 1) {
      SenmlRecord r;
      r.is_map = false;
      r.what = DescribeSenmlValue(v);
      pack_.records.push_back(std::move(r));
    } else if (depth_ == 2 && record_is_object_) {
      AddField(std::move(v));
    }
    return true;
  }

  void AddField(SenmlValue v) {
    SenmlField f;
    f.label = SenmlLabelFromName(key_);
    f.name = key_;
    f.value = std::move(v);
    f.offset = key_offset_;
    current_.fields.push_back(std::move(f));
  }

  bool Open(bool object) {
    const size_t here = *consumed_ > 0 ? *consumed_ - 1 : 0;
    if (depth_ == 0) {
      if (object) {
        NotArray("a JSON object");
        return false;
      }
      saw_array_ = true;
    } else if (depth_ == 1) {
      record_is_object_ = object;
      if (object) {
        current_ = SenmlRecord{};
        current_.offset = here;
      } else {
        SenmlRecord r;
        r.is_map = false;
        r.what = "an array";
        r.offset = here;
        pack_.records.push_back(std::move(r));
      }
    } else if (depth_ == 2 && record_is_object_) {
      AddField(SenmlOther{object ? "an object" : "an array"});
    }
    ++depth_;
    return true;
  }

  bool Close() {
    --depth_;
    if (depth_ == 1 && record_is_object_) {
      pack_.records.push_back(std::move(current_));
      current_ = SenmlRecord{};
      record_is_object_ = false;
    }
    return true;
  }

  const SenmlOptions& o_;
  Diagnostics& d_;
  const size_t* consumed_;
  size_t size_;
  SenmlPack pack_;
  SenmlRecord current_;
  bool record_is_object_ = false;
  bool saw_array_ = false;
  int depth_ = 0;
  std::string key_;
  std::optional<size_t> key_offset_;
};

void AppendJsonString(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

// Shortest round-trip form; a value without '.' or exponent gets ".0" so that
// it stays a Float when read back without a model.
std::string FloatToken(double d) {
  char buf[40];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, p);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

std::optional<SenmlPack> ParseSenmlJson(std::span<const uint8_t> payload, const SenmlOptions& options,
                                        Diagnostics& diags) {
  size_t consumed = 0;
  const char* base = reinterpret_cast<const char*>(payload.data());
  PackSax sax(options, diags, &consumed, payload.size());
  try {
    Json::sax_parse(CountingIterator(base, base, &consumed), CountingIterator(base + payload.size(), base, &consumed),
                    &sax, nlohmann::detail::input_format_t::json, /*strict=*/true);
  } catch (const std::exception& e) {
    diags.Error(consumed, "", std::string(options.format_name) + ": JSON parser failed: " + e.what(), "RFC 8259");
  }
  if (!sax.saw_array()) return std::nullopt;
  return std::move(sax.pack());
}

Result<Bytes> WriteSenmlJson(const SenmlPack& pack, const SenmlOptions& options) {
  std::string out = "[";
  for (size_t i = 0; i < pack.records.size(); ++i) {
    if (i) out += ',';
    out += '{';
    const auto& fields = pack.records[i].fields;
    for (size_t j = 0; j < fields.size(); ++j) {
      const SenmlField& f = fields[j];
      if (j) out += ',';
      AppendJsonString(out, f.name);
      out += ':';
      if (const auto* n = std::get_if<SenmlNumber>(&f.value)) {
        if (n->kind == SenmlNumber::Kind::kFloat) {
          if (!std::isfinite(n->f)) {
            return NotAcceptable(std::string(options.format_name) + ": " + n->ToString() + " has no JSON number");
          }
          out += FloatToken(n->f);
        } else {
          out += n->ToString();
        }
      } else if (const auto* s = std::get_if<std::string>(&f.value)) {
        AppendJsonString(out, *s);
      } else if (const auto* b = std::get_if<Bytes>(&f.value)) {
        AppendJsonString(out, Base64UrlEncode(*b));  // RFC 8428 §5: base64url, no padding
      } else if (const auto* v = std::get_if<bool>(&f.value)) {
        out += *v ? "true" : "false";
      } else if (std::holds_alternative<SenmlNull>(f.value)) {
        out += "null";
      } else {
        return InternalError(std::string(options.format_name) + ": field '" + f.name + "' has no JSON form");
      }
    }
    out += '}';
  }
  out += ']';
  return Bytes(out.begin(), out.end());
}

std::unique_ptr<Codec> MakeSenmlJsonCodec() {
  return std::make_unique<SenmlCodec>(ContentFormat::kSenmlJson, "senml-json", kSenmlJsonOptions, ParseSenmlJson,
                                      WriteSenmlJson);
}

}  // namespace lwm2m
