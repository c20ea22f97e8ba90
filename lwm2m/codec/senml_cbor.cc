// senml_cbor.cc: SenML CBOR front end (RFC 8428 §6) on cbor_value.h / libcbor,
// and the SenML CBOR codec (112).
#include "lwm2m/codec/senml_cbor.h"

#include <cstdlib>
#include <limits>

#include "lwm2m/codec/cbor_value.h"

namespace lwm2m {
namespace {

constexpr const char* kRfcCbor = "RFC 8428 §6";

// Offsets of records and of their keys, found by walking the item heads
// (libcbor keeps none). The payload was already checked by CborLoad; every
// read is still bounded.
class HeadWalker {
 public:
  explicit HeadWalker(std::span<const uint8_t> d) : d_(d) {}

  struct Offsets {
    std::vector<size_t> records;
    std::vector<std::vector<size_t>> keys;
  };

  Offsets Walk() {
    Offsets o;
    uint8_t major;
    uint64_t arg;
    bool indef;
    if (!Head(major, arg, indef) || major != 4) return o;
    for (uint64_t i = 0; indef || i < arg; ++i) {
      if (pos_ >= d_.size()) break;
      if (indef && d_[pos_] == 0xFF) break;
      o.records.push_back(pos_);
      o.keys.emplace_back();
      if ((d_[pos_] >> 5) == 5) {
        uint8_t m;
        uint64_t pairs;
        bool map_indef;
        if (!Head(m, pairs, map_indef)) break;
        for (uint64_t k = 0; map_indef || k < pairs; ++k) {
          if (pos_ >= d_.size()) return o;
          if (map_indef && d_[pos_] == 0xFF) {
            ++pos_;
            break;
          }
          o.keys.back().push_back(pos_);
          if (!Skip(0) || !Skip(0)) return o;
        }
      } else if (!Skip(0)) {
        break;
      }
    }
    return o;
  }

 private:
  bool Head(uint8_t& major, uint64_t& arg, bool& indef) {
    if (pos_ >= d_.size()) return false;
    const uint8_t ib = d_[pos_++];
    major = ib >> 5;
    const uint8_t ai = ib & 0x1F;
    indef = false;
    if (ai < 24) {
      arg = ai;
    } else if (ai <= 27) {
      const size_t len = size_t{1} << (ai - 24);
      if (d_.size() - pos_ < len) return false;
      arg = 0;
      for (size_t k = 0; k < len; ++k) arg = (arg << 8) | d_[pos_ + k];
      pos_ += len;
    } else if (ai == 31) {
      indef = true;
      arg = 0;
    } else {
      return false;
    }
    return true;
  }

  bool Skip(int depth) {
    if (depth > 64) return false;
    uint8_t major;
    uint64_t arg;
    bool indef;
    if (!Head(major, arg, indef)) return false;
    switch (major) {
      case 0:
      case 1:
      case 7:
        return true;
      case 2:
      case 3:
        if (indef) {
          while (pos_ < d_.size() && d_[pos_] != 0xFF)
            if (!Skip(depth + 1)) return false;
          ++pos_;
          return pos_ <= d_.size();
        }
        if (arg > d_.size() - pos_) return false;
        pos_ += static_cast<size_t>(arg);
        return true;
      case 4:
      case 5: {
        if (indef) {
          while (pos_ < d_.size() && d_[pos_] != 0xFF)
            if (!Skip(depth + 1)) return false;
          ++pos_;
          return pos_ <= d_.size();
        }
        const uint64_t items = major == 5 ? arg * 2 : arg;
        if (items > d_.size()) return false;
        for (uint64_t k = 0; k < items; ++k)
          if (!Skip(depth + 1)) return false;
        return true;
      }
      case 6:
        return Skip(depth + 1);
    }
    return false;
  }

  std::span<const uint8_t> d_;
  size_t pos_ = 0;
};

std::optional<int64_t> SignedOf(const cbor_item_t* item) {
  const uint64_t v = cbor_get_int(item);
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return cbor_isa_uint(item) ? static_cast<int64_t>(v) : -1 - static_cast<int64_t>(v);
}

std::string IntegerText(const cbor_item_t* item) {
  const uint64_t v = cbor_get_int(item);
  if (cbor_isa_uint(item)) return std::to_string(v);
  if (v == std::numeric_limits<uint64_t>::max()) return "-18446744073709551616";
  return "-" + std::to_string(v + 1);
}

// A decimal fraction, tag 4 [exponent, mantissa] (RFC 8949 §3.4.4), which
// RFC 8428 §6 allows for numbers; converted by strtod for correct rounding.
std::optional<double> DecimalFraction(const cbor_item_t* content) {
  if (!content || !cbor_isa_array(content) || cbor_array_size(content) != 2) return std::nullopt;
  cbor_item_t** h = cbor_array_handle(content);
  if (!h[0] || !h[1] || !cbor_is_int(h[0]) || !cbor_is_int(h[1])) return std::nullopt;
  const auto exponent = SignedOf(h[0]);
  if (!exponent) return std::nullopt;
  const std::string text = IntegerText(h[1]) + "e" + std::to_string(*exponent);
  return std::strtod(text.c_str(), nullptr);
}

class Reader {
 public:
  Reader(const SenmlOptions& o, Diagnostics& d) : o_(o), d_(d) {}

  SenmlValue ValueOf(const cbor_item_t* it, std::optional<size_t> off) {
    switch (cbor_typeof(it)) {
      case CBOR_TYPE_UINT:
        return SenmlNumber::Unsigned(cbor_get_int(it));
      case CBOR_TYPE_NEGINT: {
        if (auto v = SignedOf(it)) return SenmlNumber::Integer(*v);
        return SenmlNumber::Float(-1.0 - static_cast<double>(cbor_get_int(it)));
      }
      case CBOR_TYPE_STRING:
      case CBOR_TYPE_BYTESTRING: {
        bool indefinite = false;
        std::string s = CborStringBytes(it, &indefinite);
        const bool text = cbor_isa_string(it);
        if (indefinite) {
          d_.Warning(off, "",
                     Msg(std::string("an indefinite-length ") + (text ? "text" : "byte") +
                         " string; SenML uses definite-length strings"),
                     kRfcCbor);
        }
        if (text) return s;
        return Bytes(s.begin(), s.end());
      }
      case CBOR_TYPE_FLOAT_CTRL:
        if (!cbor_float_ctrl_is_ctrl(it)) return SenmlNumber::Float(cbor_float_get_float(it));
        if (cbor_is_bool(it)) return cbor_get_bool(it);
        if (cbor_is_null(it)) return SenmlNull{};
        return SenmlOther{CborDescribe(it)};
      case CBOR_TYPE_TAG: {
        if (cbor_tag_value(it) == 4) {
          CborItem content(cbor_tag_item(it));
          if (auto d = DecimalFraction(content.get())) return SenmlNumber::Float(*d);
          return SenmlOther{"tag 4 that is not [exponent, mantissa] with 64-bit integers"};
        }
        return SenmlOther{CborDescribe(it)};
      }
      default:
        return SenmlOther{CborDescribe(it)};
    }
  }

  SenmlField FieldOf(const cbor_item_t* key, const cbor_item_t* value, std::optional<size_t> off) {
    SenmlField f;
    f.offset = off;
    if (cbor_is_int(key)) {
      const auto k = SignedOf(key);
      f.label = k ? SenmlLabelFromCborKey(*k) : SenmlLabel::kUnknown;
      f.name = f.label != SenmlLabel::kUnknown ? std::string(SenmlLabelName(f.label)) : IntegerText(key);
    } else if (cbor_isa_string(key)) {
      bool indefinite = false;
      f.name = CborStringBytes(key, &indefinite);
      f.label = f.name == "vlo" ? SenmlLabel::kObjlnkValue : SenmlLabel::kUnknown;
      const SenmlLabel as_json = SenmlLabelFromName(f.name);
      if (f.label == SenmlLabel::kUnknown && as_json != SenmlLabel::kUnknown) {
        f.note = "in SenML CBOR this label is the integer key " + std::to_string(*SenmlLabelCborKey(as_json)) +
                 ", RFC 8428 §6";
      }
    } else {
      f.name = CborDescribe(key);
      f.note = "SenML CBOR map keys are integers or text strings";
    }
    f.value = ValueOf(value, off);
    return f;
  }

 private:
  std::string Msg(const std::string& m) const { return std::string(o_.format_name) + ": " + m; }
  const SenmlOptions& o_;
  Diagnostics& d_;
};

// The CBOR key for a field: RFC 8428 Table 4 integers, text for the others ("vlo").
CborItem KeyItem(const SenmlField& f) {
  if (auto k = SenmlLabelCborKey(f.label)) return CborFromValue(Value::Integer(*k));
  return CborItem(cbor_build_stringn(f.name.data(), f.name.size()));
}

CborItem ValueItem(const SenmlValue& v) {
  if (const auto* n = std::get_if<SenmlNumber>(&v)) {
    switch (n->kind) {
      case SenmlNumber::Kind::kInteger:
        return CborFromValue(Value::Integer(n->i));
      case SenmlNumber::Kind::kUnsigned:
        return CborFromValue(Value::UnsignedInteger(n->u));
      case SenmlNumber::Kind::kFloat:
        return CborFromValue(Value::Float(n->f));
    }
  }
  if (const auto* s = std::get_if<std::string>(&v)) return CborItem(cbor_build_stringn(s->data(), s->size()));
  if (const auto* b = std::get_if<Bytes>(&v)) return CborItem(cbor_build_bytestring(b->data(), b->size()));
  if (const auto* x = std::get_if<bool>(&v)) return CborItem(cbor_build_bool(*x));
  if (std::holds_alternative<SenmlNull>(v)) return CborItem(cbor_new_null());
  return nullptr;
}

}  // namespace

std::optional<SenmlPack> ParseSenmlCbor(std::span<const uint8_t> payload, const SenmlOptions& options,
                                        Diagnostics& diags) {
  const std::string fmt(options.format_name);
  CborItem root = CborLoad(payload, diags, fmt);
  if (!root) return std::nullopt;
  if (!cbor_isa_array(root.get())) {
    diags.Error(0, "", fmt + ": the payload is a " + CborDescribe(root.get()) + ", not an array of records", kRfcCbor);
    return std::nullopt;
  }
  if (cbor_array_is_indefinite(root.get())) {
    diags.Warning(0, "",
                  fmt +
                      ": the records are in an indefinite-length array; outside SensML streams SenML uses a "
                      "definite-length array",
                  kRfcCbor);
  }
  const HeadWalker::Offsets offsets = HeadWalker(payload).Walk();
  Reader reader(options, diags);
  SenmlPack pack;
  const size_t n = cbor_array_size(root.get());
  cbor_item_t** items = cbor_array_handle(root.get());
  for (size_t i = 0; items && i < n; ++i) {
    const cbor_item_t* it = items[i];
    SenmlRecord r;
    if (i < offsets.records.size()) r.offset = offsets.records[i];
    if (!it || !cbor_isa_map(it)) {
      r.is_map = false;
      r.what = CborDescribe(it);
      pack.records.push_back(std::move(r));
      continue;
    }
    const size_t pairs = cbor_map_size(it);
    struct cbor_pair* h = cbor_map_handle(it);
    for (size_t k = 0; h && k < pairs; ++k) {
      std::optional<size_t> off;
      if (i < offsets.keys.size() && k < offsets.keys[i].size()) off = offsets.keys[i][k];
      if (!h[k].key || !h[k].value) continue;
      r.fields.push_back(reader.FieldOf(h[k].key, h[k].value, off));
    }
    pack.records.push_back(std::move(r));
  }
  return pack;
}

Result<Bytes> WriteSenmlCbor(const SenmlPack& pack, const SenmlOptions& options) {
  const std::string fmt(options.format_name);
  CborItem array(cbor_new_definite_array(pack.records.size()));
  if (!array) return InternalError(fmt + ": out of memory");
  for (const SenmlRecord& r : pack.records) {
    CborItem map(cbor_new_definite_map(r.fields.size()));
    if (!map) return InternalError(fmt + ": out of memory");
    for (const SenmlField& f : r.fields) {
      CborItem key = KeyItem(f);
      CborItem value = ValueItem(f.value);
      if (!key || !value) return InternalError(fmt + ": field '" + f.name + "' has no CBOR form");
      // cbor_map_add and cbor_array_push take their own references.
      if (!cbor_map_add(map.get(), cbor_pair{key.get(), value.get()})) return InternalError(fmt + ": out of memory");
    }
    if (!cbor_array_push(array.get(), map.get())) return InternalError(fmt + ": out of memory");
  }
  return CborSerialize(array.get());
}

std::unique_ptr<Codec> MakeSenmlCborCodec() {
  return std::make_unique<SenmlCodec>(ContentFormat::kSenmlCbor, "senml-cbor", kSenmlCborOptions, ParseSenmlCbor,
                                      WriteSenmlCbor);
}

}  // namespace lwm2m
