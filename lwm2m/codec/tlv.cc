// tlv.cc: OMA LwM2M TLV (Core TS 1.2 §7.4.3), decoder with diagnostics and a
// minimal, byte-exact encoder.
//
// Type byte (Core TS 1.2 §7.4.3, Table 7.4.3-1):
//   bits 7-6 identifier type: 00 Object Instance, 01 Resource Instance,
//            10 Multiple Resource, 11 Resource with Value
//   bit 5    identifier length: 0 = 8 bits, 1 = 16 bits
//   bits 4-3 length type: 00 = length in bits 2-0, 01/10/11 = 8/16/24-bit length field
//   bits 2-0 value length when bits 4-3 are 00
#include "lwm2m/codec/tlv.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <string>

namespace lwm2m {
namespace {

constexpr const char* kRule = "Core TS 1.2 §7.4.3";
constexpr const char* kRuleTypes = "Core TS 1.2 §7.4.3, Table 7.4.3-2";

enum class Kind : uint8_t { kObjectInstance = 0, kResourceInstance = 1, kMultipleResource = 2, kResource = 3 };

std::string KindName(Kind k) {
  switch (k) {
    case Kind::kObjectInstance: return "Object Instance";
    case Kind::kResourceInstance: return "Resource Instance";
    case Kind::kMultipleResource: return "Multiple Resource";
    case Kind::kResource: return "Resource";
  }
  return "?";
}

std::string N(size_t v) { return std::to_string(v); }

size_t MinimalSignedSize(int64_t v) {
  if (v >= INT8_MIN && v <= INT8_MAX) return 1;
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

size_t MinimalUnsignedSize(uint64_t v) {
  if (v <= 0xFF) return 1;
  if (v <= 0xFFFF) return 2;
  if (v <= 0xFFFFFFFFu) return 4;
  return 8;
}

struct Header {
  Kind kind;
  uint16_t id;
  size_t offset;        // of the type byte
  size_t value_offset;  // first value byte
  size_t length;        // value length
  size_t end() const { return value_offset + length; }
};

// ---------------------------------------------------------------------------
// Decoder

class TlvDecoder {
 public:
  TlvDecoder(std::span<const uint8_t> data, const CodecContext& ctx) : d_(data), ctx_(ctx) {}

  DecodeResult Run() {
    const Path& base = ctx_.request_path;
    switch (base.level()) {
      case Path::Level::kRoot:
        diags_.Error(std::nullopt, base.ToString(),
                     "TLV: a TLV payload cannot be decoded at the root path: it has no Object ID field", kRule);
        break;
      case Path::Level::kObject:
        DecodeObject(base);
        break;
      case Path::Level::kObjectInstance:
        DecodeAtInstance(base);
        break;
      case Path::Level::kResource:
        DecodeAtResource(base);
        break;
      case Path::Level::kResourceInstance:
        DecodeAtResourceInstance(base);
        break;
    }
    DecodeResult r;
    r.content.records = std::move(records_);
    r.diagnostics = diags_.Take();
    return r;
  }

 private:
  // Reads one TLV header at `pos`, which must lie before `end`. `inside` names
  // the container for messages ("the payload", "Object Instance TLV at offset 0").
  std::optional<Header> ReadHeader(size_t pos, size_t end, const std::string& inside, const std::string& path) {
    const uint8_t type = d_[pos];
    Header h{static_cast<Kind>(type >> 6), 0, pos, 0, 0};
    const size_t id_len = (type & 0x20) ? 2 : 1;
    const size_t len_len = (type >> 3) & 0x03;
    size_t p = pos + 1;
    if (end - p < id_len) {
      diags_.Error(pos, path,
                   "TLV: truncated identifier: the " + KindName(h.kind) + " TLV at offset " + N(pos) + " needs a " +
                       N(id_len * 8) + "-bit identifier but " + inside + " has " + N(end - p) + " byte(s) left",
                   kRule);
      return std::nullopt;
    }
    h.id = id_len == 2 ? static_cast<uint16_t>((d_[p] << 8) | d_[p + 1]) : d_[p];
    p += id_len;
    if (len_len > 0) {
      if (end - p < len_len) {
        diags_.Error(pos, path,
                     "TLV: truncated length: the " + KindName(h.kind) + " TLV at offset " + N(pos) + " needs a " +
                         N(len_len * 8) + "-bit length field but " + inside + " has " + N(end - p) +
                         " byte(s) left",
                     kRule);
        return std::nullopt;
      }
      for (size_t k = 0; k < len_len; ++k) h.length = (h.length << 8) | d_[p + k];
      p += len_len;
      if (type & 0x07) {
        diags_.Info(pos, path,
                    "TLV: type byte 0x" + HexEncode({type}) + " at offset " + N(pos) + " has bits 2-0 = " +
                        N(type & 0x07) + " although a length field is present; they are ignored",
                    kRule);
      }
    } else {
      h.length = type & 0x07;
    }
    h.value_offset = p;
    if (h.length > end - p) {
      diags_.Error(pos, path,
                   "TLV: length " + N(h.length) + " of the " + KindName(h.kind) + " TLV at offset " + N(pos) +
                       " (id " + N(h.id) + ") runs " + N(h.length - (end - p)) + " byte(s) past the end of " + inside,
                   kRule);
      return std::nullopt;
    }
    if (id_len == 2 && h.id < 256) {
      diags_.Info(pos, path,
                  "TLV: identifier " + N(h.id) + " at offset " + N(pos) +
                      " uses 16 bits; 8 bits would do (not minimal)",
                  kRule);
    }
    const size_t minimal_len_len = h.length < 8 ? 0 : h.length <= 0xFF ? 1 : h.length <= 0xFFFF ? 2 : 3;
    if (len_len > minimal_len_len) {
      diags_.Info(pos, path,
                  "TLV: length " + N(h.length) + " at offset " + N(pos) + " uses a" + (len_len == 1 ? "n " : " ") +
                      N(len_len * 8) + "-bit length field; " +
                      (minimal_len_len == 0 ? std::string("bits 2-0 of the type byte")
                                            : (minimal_len_len == 1 ? "an " : "a ") + N(minimal_len_len * 8) +
                                                  "-bit field") +
                      " would do (not minimal)",
                  kRule);
    }
    return h;
  }

  // Every TLV of [begin, end); stops at the first malformed header (the rest of
  // the container cannot be delimited). TLVs with the reserved id 65535 are
  // reported and dropped.
  std::vector<Header> ReadAll(size_t begin, size_t end, const std::string& inside, const std::string& path) {
    std::vector<Header> out;
    size_t pos = begin;
    while (pos < end) {
      auto h = ReadHeader(pos, end, inside, path);
      if (!h) break;
      pos = h->end();
      if (h->id == Path::kReservedId) {
        diags_.Error(h->offset, path,
                     "TLV: the " + KindName(h->kind) + " TLV at offset " + N(h->offset) +
                         " has identifier 65535, which is reserved (Core TS 1.2 §7.1); it is skipped",
                     kRule);
        continue;
      }
      out.push_back(*h);
    }
    return out;
  }

  std::string Inside(const Header& h, const Path& p) {
    return "the " + KindName(h.kind) + " TLV at offset " + N(h.offset) + " (" + p.ToString() + ")";
  }

  void Duplicate(const Header& h, const Path& p, std::set<uint16_t>& seen) {
    if (!seen.insert(h.id).second) {
      diags_.Error(h.offset, p.ToString(),
                   "TLV: duplicate " + KindName(h.kind) + " id " + N(h.id) + " at offset " + N(h.offset) + " (" +
                       p.ToString() + " appears twice)",
                   kRule);
    }
  }

  void WrongType(const Header& h, const std::string& where, const std::string& expected) {
    diags_.Error(h.offset, where,
                 "TLV: " + KindName(h.kind) + " TLV (id " + N(h.id) + ") at offset " + N(h.offset) +
                     " cannot appear " + expected + "; it is skipped",
                 kRule);
  }

  // ---- per request-path level ----

  void DecodeObject(const Path& base) {
    const auto tlvs = ReadAll(0, d_.size(), "the payload", base.ToString());
    std::set<uint16_t> instances;
    const ObjectModel* om = ctx_.models ? ctx_.models->Find(base[0]) : nullptr;
    bool noted_unwrapped = false;
    std::set<uint16_t> unwrapped_resources;
    for (const Header& h : tlvs) {
      if (h.kind == Kind::kObjectInstance) {
        const Path ip = base.Child(h.id);
        Duplicate(h, ip, instances);
        DecodeInstanceContent(h.value_offset, h.end(), ip, Inside(h, ip));
      } else if (h.kind == Kind::kResource || h.kind == Kind::kMultipleResource) {
        // Core TS 1.2 §7.4.3: the Object Instance TLV MAY be omitted for a
        // single-instance Object; the resources then belong to instance 0.
        const Path ip = base.Child(0);
        if (!noted_unwrapped) {
          noted_unwrapped = true;
          instances.insert(0);
          if (om && !om->multiple) {
            diags_.Info(h.offset, base.ToString(),
                        "TLV: Resource TLVs at object level without an Object Instance TLV; accepted because Object " +
                            N(base[0]) + " is single-instance (instance 0 assumed)",
                        kRule);
          } else {
            diags_.Error(h.offset, base.ToString(),
                         "TLV: " + KindName(h.kind) + " TLV at offset " + N(h.offset) +
                             " at object level without an Object Instance TLV; only a single-instance Object may " +
                             "omit it, and Object " + N(base[0]) +
                             (om ? " is multiple-instance" : " has no model") + " (decoded as instance 0)",
                         kRule);
          }
        }
        DecodeResourceTlv(h, ip, unwrapped_resources);
      } else {
        WrongType(h, base.ToString(), "at object level (expected Object Instance TLVs)");
      }
    }
  }

  void DecodeAtInstance(const Path& base) {
    if (d_.empty()) {
      records_.push_back({base, Value(), std::nullopt});  // an empty Object Instance
      return;
    }
    // A single Object Instance TLV wrapping the resources is tolerated when its id matches.
    if (d_.size() >= 2 && static_cast<Kind>(d_[0] >> 6) == Kind::kObjectInstance) {
      const auto tlvs = ReadAll(0, d_.size(), "the payload", base.ToString());
      std::set<uint16_t> seen;
      for (const Header& h : tlvs) {
        if (h.kind != Kind::kObjectInstance) {
          WrongType(h, base.ToString(), "next to an Object Instance TLV at an object-instance path");
          continue;
        }
        const Path ip = base.Parent().Child(h.id);
        Duplicate(h, ip, seen);
        if (h.id != base[1]) {
          diags_.Error(h.offset, base.ToString(),
                       "TLV: Object Instance TLV id " + N(h.id) + " at offset " + N(h.offset) +
                           " does not match the request path " + base.ToString(),
                       kRule);
        } else {
          diags_.Warning(h.offset, base.ToString(),
                         "TLV: payload for an object-instance path is wrapped in an Object Instance TLV; Resource "
                         "TLVs are expected directly",
                         kRule);
        }
        DecodeInstanceContent(h.value_offset, h.end(), ip, Inside(h, ip));
      }
      return;
    }
    DecodeInstanceContent(0, d_.size(), base, "the payload");
  }

  void DecodeAtResource(const Path& base) {
    const Path ip = base.Parent();
    const ResourceModel* rm = Model(base, 0);
    if (d_.empty()) {
      if (rm && rm->multiple) {
        records_.push_back({base, Value(), std::nullopt});  // a Multiple Resource without instances
      } else {
        diags_.Error(0, base.ToString(),
                     "TLV: empty payload for the resource path " + base.ToString() +
                         (rm ? " (a single-instance Resource needs a Resource TLV)" : " (no model says it is multiple)"),
                     kRule);
      }
      return;
    }
    const auto tlvs = ReadAll(0, d_.size(), "the payload", base.ToString());
    if (tlvs.empty()) return;
    const Header& first = tlvs.front();
    if (first.kind == Kind::kResourceInstance) {
      diags_.Warning(first.offset, base.ToString(),
                     "TLV: Resource Instance TLVs at the resource path " + base.ToString() +
                         " without a Multiple Resource TLV around them",
                     kRule);
      std::set<uint16_t> seen;
      for (const Header& h : tlvs) {
        if (h.kind != Kind::kResourceInstance) {
          WrongType(h, base.ToString(), "among Resource Instance TLVs");
          continue;
        }
        const Path rip = base.Child(h.id);
        Duplicate(h, rip, seen);
        records_.push_back({rip, DecodeValue(h, rip, rm), std::nullopt});
      }
      return;
    }
    std::set<uint16_t> seen;
    if (first.kind == Kind::kObjectInstance) {
      if (first.id != base[1]) {
        diags_.Error(first.offset, base.ToString(),
                     "TLV: Object Instance TLV id " + N(first.id) + " at offset " + N(first.offset) +
                         " does not match the request path " + base.ToString(),
                     kRule);
      } else {
        diags_.Warning(first.offset, base.ToString(),
                       "TLV: payload for a resource path is wrapped in an Object Instance TLV", kRule);
      }
      const Path wip = base.Truncated(1).Child(first.id);
      const auto inner = ReadAll(first.value_offset, first.end(), Inside(first, wip), wip.ToString());
      for (const Header& h : inner) {
        if (h.kind != Kind::kResource && h.kind != Kind::kMultipleResource) {
          WrongType(h, wip.ToString(), "inside an Object Instance TLV");
          continue;
        }
        CheckResourceId(h, base);
        DecodeResourceTlv(h, wip, seen);
      }
    } else {
      CheckResourceId(first, base);
      DecodeResourceTlv(first, ip, seen);
    }
    if (first.end() < d_.size()) {
      diags_.Error(first.end(), base.ToString(),
                   "TLV: " + N(d_.size() - first.end()) + " trailing byte(s) after the " + KindName(first.kind) +
                       " TLV ending at offset " + N(first.end()) + "; a resource path carries one TLV",
                   kRule);
    }
  }

  void DecodeAtResourceInstance(const Path& base) {
    const Path rp = base.Parent();
    const ResourceModel* rm = Model(rp, 0);
    if (d_.empty()) {
      diags_.Error(0, base.ToString(), "TLV: empty payload for the resource instance path " + base.ToString(), kRule);
      return;
    }
    const auto h = ReadHeader(0, d_.size(), "the payload", base.ToString());
    if (!h) return;
    if (h->kind == Kind::kMultipleResource) {
      diags_.Error(h->offset, base.ToString(),
                   "TLV: a Multiple Resource TLV (id " + N(h->id) + ") at offset 0 cannot stand for the Resource "
                   "Instance " + base.ToString() + " (a Resource Instance contains no TLVs)",
                   kRule);
    } else if (h->kind != Kind::kResourceInstance) {
      WrongType(*h, base.ToString(), "at a resource-instance path (expected a Resource Instance TLV)");
    } else if (h->id == Path::kReservedId) {
      diags_.Error(0, base.ToString(), "TLV: Resource Instance TLV with reserved identifier 65535", kRule);
    } else {
      if (h->id != base[3]) {
        diags_.Error(0, base.ToString(),
                     "TLV: Resource Instance TLV id " + N(h->id) + " at offset 0 does not match the request path " +
                         base.ToString(),
                     kRule);
      }
      const Path rip = rp.Child(h->id);
      records_.push_back({rip, DecodeValue(*h, rip, rm), std::nullopt});
    }
    if (h->end() < d_.size()) {
      diags_.Error(h->end(), base.ToString(),
                   "TLV: " + N(d_.size() - h->end()) + " trailing byte(s) after the TLV ending at offset " +
                       N(h->end()) + "; a resource-instance path carries one TLV",
                   kRule);
    }
  }

  void CheckResourceId(const Header& h, const Path& base) {
    if (h.id != base[2]) {
      diags_.Error(h.offset, base.ToString(),
                   "TLV: " + KindName(h.kind) + " TLV id " + N(h.id) + " at offset " + N(h.offset) +
                       " does not match the request path " + base.ToString(),
                   kRule);
    }
  }

  // ---- containers ----

  void DecodeInstanceContent(size_t begin, size_t end, const Path& ip, const std::string& inside) {
    if (begin == end) {
      records_.push_back({ip, Value(), std::nullopt});  // Object Instance without Resources
      return;
    }
    std::set<uint16_t> seen;
    for (const Header& h : ReadAll(begin, end, inside, ip.ToString())) {
      if (h.kind == Kind::kResource || h.kind == Kind::kMultipleResource) {
        DecodeResourceTlv(h, ip, seen);
      } else {
        WrongType(h, ip.ToString(),
                  h.kind == Kind::kObjectInstance ? "inside an Object Instance (Object Instance TLVs do not nest)"
                                                  : "directly inside an Object Instance (expected Resource or "
                                                    "Multiple Resource TLVs)");
      }
    }
  }

  void DecodeResourceTlv(const Header& h, const Path& ip, std::set<uint16_t>& seen) {
    const Path rp = ip.Child(h.id);
    Duplicate(h, rp, seen);
    const ResourceModel* rm = Model(rp, h.offset);
    if (h.kind == Kind::kResource) {
      if (rm && rm->multiple) {
        diags_.Warning(h.offset, rp.ToString(),
                       "TLV: " + rp.ToString() + " is a Multiple Resource in the model but is sent as a single "
                       "Resource TLV at offset " + N(h.offset),
                       kRule);
      }
      records_.push_back({rp, DecodeValue(h, rp, rm), std::nullopt});
      return;
    }
    if (rm && !rm->multiple) {
      diags_.Warning(h.offset, rp.ToString(),
                     "TLV: " + rp.ToString() + " is a single-instance Resource in the model but is sent as a "
                     "Multiple Resource TLV at offset " + N(h.offset),
                     kRule);
    }
    if (h.length == 0) {
      records_.push_back({rp, Value(), std::nullopt});  // Multiple Resource without instances
      return;
    }
    std::set<uint16_t> ri_seen;
    for (const Header& c : ReadAll(h.value_offset, h.end(), Inside(h, rp), rp.ToString())) {
      if (c.kind == Kind::kMultipleResource) {
        diags_.Error(c.offset, rp.ToString(),
                     "TLV: Multiple Resource TLV (id " + N(c.id) + ") at offset " + N(c.offset) + " nested inside " +
                         Inside(h, rp) + "; only Resource Instance TLVs may appear there; it is skipped",
                     kRule);
        continue;
      }
      if (c.kind != Kind::kResourceInstance) {
        WrongType(c, rp.ToString(), "inside a Multiple Resource TLV (expected Resource Instance TLVs)");
        continue;
      }
      const Path rip = rp.Child(c.id);
      Duplicate(c, rip, ri_seen);
      records_.push_back({rip, DecodeValue(c, rip, rm), std::nullopt});
    }
  }

  // The model of a resource path; notes once per resource when there is none.
  const ResourceModel* Model(const Path& rp, size_t offset) {
    const ResourceModel* rm = ctx_.models ? ctx_.models->FindResource(rp) : nullptr;
    if (!rm && noted_.insert(rp.ToString()).second) {
      diags_.Info(offset, rp.ToString(),
                  ctx_.models ? "TLV: no model for " + rp.ToString() + "; its value is kept as Opaque"
                              : "TLV: no object models given; the value of " + rp.ToString() + " is kept as Opaque",
                  kRule);
    }
    return rm;
  }

  // ---- values (Core TS 1.2 §7.4.3, Table 7.4.3-2) ----

  Value DecodeValue(const Header& h, const Path& p, const ResourceModel* rm) {
    const uint8_t* v = d_.data() + h.value_offset;
    const size_t len = h.length;
    const std::string path = p.ToString();
    const Value raw = Value::Opaque(Bytes(v, v + len));
    if (!rm) return raw;
    auto bad = [&](const std::string& msg) {
      diags_.Error(h.value_offset, path,
                   "TLV: " + msg + "; the value at offset " + N(h.value_offset) + " is kept as Opaque", kRuleTypes);
      return raw;
    };
    const std::string tname(DataTypeName(rm->type));
    switch (rm->type) {
      case DataType::kString:
      case DataType::kCorelnk: {
        std::string s(reinterpret_cast<const char*>(v), len);
        if (auto badpos = FindInvalidUtf8(std::span<const uint8_t>(v, len))) {
          diags_.Warning(h.value_offset + *badpos, path,
                         "TLV: " + tname + " value of " + path + " has invalid UTF-8 at offset " +
                             N(h.value_offset + *badpos),
                         kRuleTypes);
        }
        return rm->type == DataType::kString ? Value::String(std::move(s)) : Value::Corelnk(std::move(s));
      }
      case DataType::kInteger:
      case DataType::kTime: {
        if (len != 1 && len != 2 && len != 4 && len != 8) {
          return bad("invalid " + tname + " length " + N(len) + " for " + path + " (must be 1, 2, 4 or 8 bytes)");
        }
        uint64_t u = (v[0] & 0x80) ? ~uint64_t{0} : 0;  // sign extension
        for (size_t k = 0; k < len; ++k) u = (u << 8) | v[k];
        const int64_t x = static_cast<int64_t>(u);
        if (MinimalSignedSize(x) < len) {
          diags_.Warning(h.value_offset, path,
                         "TLV: " + tname + " " + std::to_string(x) + " of " + path + " at offset " +
                             N(h.value_offset) + " uses " + N(len) + " bytes; the minimal encoding is " +
                             N(MinimalSignedSize(x)) + " byte(s)",
                         kRuleTypes);
        }
        return rm->type == DataType::kTime ? Value::Time(x) : Value::Integer(x);
      }
      case DataType::kUnsignedInteger: {
        if (len != 1 && len != 2 && len != 4 && len != 8) {
          return bad("invalid Unsigned Integer length " + N(len) + " for " + path + " (must be 1, 2, 4 or 8 bytes)");
        }
        uint64_t u = 0;
        for (size_t k = 0; k < len; ++k) u = (u << 8) | v[k];
        if (MinimalUnsignedSize(u) < len) {
          diags_.Warning(h.value_offset, path,
                         "TLV: Unsigned Integer " + std::to_string(u) + " of " + path + " at offset " +
                             N(h.value_offset) + " uses " + N(len) + " bytes; the minimal encoding is " +
                             N(MinimalUnsignedSize(u)) + " byte(s)",
                         kRuleTypes);
        }
        return Value::UnsignedInteger(u);
      }
      case DataType::kFloat: {
        if (len == 4) {
          uint32_t b = 0;
          for (size_t k = 0; k < 4; ++k) b = (b << 8) | v[k];
          float f;
          std::memcpy(&f, &b, 4);
          return Value::Float(f);
        }
        if (len == 8) {
          uint64_t b = 0;
          for (size_t k = 0; k < 8; ++k) b = (b << 8) | v[k];
          double d;
          std::memcpy(&d, &b, 8);
          return Value::Float(d);
        }
        return bad("invalid Float length " + N(len) + " for " + path + " (must be 4 or 8 bytes)");
      }
      case DataType::kBoolean:
        if (len != 1) return bad("invalid Boolean length " + N(len) + " for " + path + " (must be 1 byte)");
        if (v[0] > 1) return bad("Boolean value " + N(v[0]) + " of " + path + " is neither 0 nor 1");
        return Value::Boolean(v[0] == 1);
      case DataType::kObjlnk:
        if (len != 4) return bad("invalid Objlnk length " + N(len) + " for " + path + " (must be 4 bytes)");
        return Value::ObjectLink({static_cast<uint16_t>((v[0] << 8) | v[1]), static_cast<uint16_t>((v[2] << 8) | v[3])});
      case DataType::kOpaque:
        return raw;
      case DataType::kNone:
        if (len == 0) return Value();
        diags_.Warning(h.value_offset, path,
                       "TLV: " + path + " carries no value in the model (executable) but has " + N(len) +
                           " value byte(s) (kept as Opaque)",
                       kRuleTypes);
        return raw;
    }
    return raw;
  }

  std::span<const uint8_t> d_;
  const CodecContext& ctx_;
  Diagnostics diags_;
  std::vector<Record> records_;
  std::set<std::string> noted_;
};

// ---------------------------------------------------------------------------
// Encoder

void AppendTlv(Bytes& out, Kind kind, uint16_t id, const Bytes& value) {
  const size_t len = value.size();
  uint8_t type = static_cast<uint8_t>(static_cast<uint8_t>(kind) << 6);
  if (id > 0xFF) type |= 0x20;
  size_t len_len = 0;
  if (len < 8) {
    type |= static_cast<uint8_t>(len);
  } else if (len <= 0xFF) {
    type |= 0x08, len_len = 1;
  } else if (len <= 0xFFFF) {
    type |= 0x10, len_len = 2;
  } else {
    type |= 0x18, len_len = 3;
  }
  out.push_back(type);
  if (id > 0xFF) out.push_back(static_cast<uint8_t>(id >> 8));
  out.push_back(static_cast<uint8_t>(id));
  for (size_t k = len_len; k > 0; --k) out.push_back(static_cast<uint8_t>(len >> ((k - 1) * 8)));
  out.insert(out.end(), value.begin(), value.end());
}

void AppendBigEndian(Bytes& out, uint64_t v, size_t n) {
  for (size_t k = n; k > 0; --k) out.push_back(static_cast<uint8_t>(v >> ((k - 1) * 8)));
}

Bytes EncodeValue(const Value& v) {
  Bytes out;
  switch (v.type()) {
    case DataType::kNone:
      break;
    case DataType::kString:
    case DataType::kCorelnk:
      out.assign(v.AsString().begin(), v.AsString().end());
      break;
    case DataType::kInteger:
    case DataType::kTime: {
      const int64_t x = v.AsInteger();
      AppendBigEndian(out, static_cast<uint64_t>(x), MinimalSignedSize(x));
      break;
    }
    case DataType::kUnsignedInteger:
      AppendBigEndian(out, v.AsUnsigned(), MinimalUnsignedSize(v.AsUnsigned()));
      break;
    case DataType::kFloat: {
      const double d = v.AsFloat();
      const float f = static_cast<float>(d);
      if (static_cast<double>(f) == d || std::isnan(d)) {
        uint32_t b;
        std::memcpy(&b, &f, 4);
        AppendBigEndian(out, b, 4);
      } else {
        uint64_t b;
        std::memcpy(&b, &d, 8);
        AppendBigEndian(out, b, 8);
      }
      break;
    }
    case DataType::kBoolean:
      out.push_back(v.AsBoolean() ? 1 : 0);
      break;
    case DataType::kOpaque:
      out = v.AsOpaque();
      break;
    case DataType::kObjlnk:
      AppendBigEndian(out, v.AsObjlnk().object_id, 2);
      AppendBigEndian(out, v.AsObjlnk().instance_id, 2);
      break;
  }
  return out;
}

struct EncInstance {  // a Resource Instance
  uint16_t id;
  Value value;
};
struct EncResource {
  uint16_t id;
  bool multiple = false;
  bool has_value = false;
  Value value;
  std::vector<EncInstance> instances;
};
struct EncObjectInstance {
  uint16_t id;
  std::vector<EncResource> resources;
  EncResource* Find(uint16_t rid) {
    for (auto& r : resources)
      if (r.id == rid) return &r;
    return nullptr;
  }
};

constexpr size_t kMaxTlvLength = 0xFFFFFF;  // 24-bit length field

Result<Bytes> EncodeResource(const EncResource& r, const CodecContext& ctx, const Path& rp) {
  Bytes out;
  if (!r.multiple) {
    Bytes v = EncodeValue(r.value);
    if (v.size() > kMaxTlvLength) {
      return Status(StatusCode::kRequestEntityTooLarge, "TLV: value of " + rp.ToString() + " exceeds 16 MiB");
    }
    AppendTlv(out, Kind::kResource, r.id, v);
    return out;
  }
  if (!r.has_value && r.instances.empty()) {
    // A resource record without a value: an empty Multiple Resource, unless
    // the model says the resource is single-instance (then an empty Resource TLV).
    const ResourceModel* rm = ctx.models ? ctx.models->FindResource(rp) : nullptr;
    AppendTlv(out, (rm && !rm->multiple) ? Kind::kResource : Kind::kMultipleResource, r.id, {});
    return out;
  }
  Bytes inner;
  for (const auto& ri : r.instances) AppendTlv(inner, Kind::kResourceInstance, ri.id, EncodeValue(ri.value));
  if (inner.size() > kMaxTlvLength) {
    return Status(StatusCode::kRequestEntityTooLarge, "TLV: Multiple Resource " + rp.ToString() + " exceeds 16 MiB");
  }
  AppendTlv(out, Kind::kMultipleResource, r.id, inner);
  return out;
}

class TlvCodec final : public Codec {
 public:
  ContentFormat format() const override { return ContentFormat::kTlv; }
  std::string_view name() const override { return "tlv"; }

  DecodeResult Decode(std::span<const uint8_t> payload, const CodecContext& ctx) const override {
    return TlvDecoder(payload, ctx).Run();
  }

  Result<Bytes> Encode(const Content& content, const CodecContext& ctx) const override {
    const Path& base = ctx.request_path;
    if (base.IsRoot()) {
      return NotAcceptable("TLV: cannot encode at the root path: TLV has no Object ID field (Core TS 1.2 §7.4.3)");
    }
    if (!content.links.empty()) return NotAcceptable("TLV: cannot carry links");
    std::vector<EncObjectInstance> instances;
    auto instance = [&](uint16_t iid) -> EncObjectInstance& {
      for (auto& i : instances)
        if (i.id == iid) return i;
      instances.push_back({iid, {}});
      return instances.back();
    };
    for (const Record& rec : content.records) {
      const Path& p = rec.path;
      const std::string ps = p.ToString();
      if (!base.IsPrefixOf(p)) {
        return BadRequest("TLV: record " + ps + " is not under the request path " + base.ToString());
      }
      if (p.level() == Path::Level::kObject) {
        if (!rec.value.is_none()) return BadRequest("TLV: record " + ps + " has a value at object level");
        continue;  // an Object without instances: nothing to write
      }
      EncObjectInstance& oi = instance(p[1]);
      if (p.level() == Path::Level::kObjectInstance) {
        if (!rec.value.is_none()) return BadRequest("TLV: record " + ps + " has a value at object-instance level");
        continue;
      }
      EncResource* r = oi.Find(p[2]);
      if (!r) {
        oi.resources.push_back({p[2]});
        r = &oi.resources.back();
        r->multiple = p.level() == Path::Level::kResourceInstance || rec.value.is_none();
      }
      if (p.level() == Path::Level::kResource) {
        if (rec.value.is_none()) {
          if (r->has_value) return BadRequest("TLV: record " + ps + " is both a value and a Multiple Resource");
          r->multiple = true;
          continue;
        }
        if (r->multiple || r->has_value) {
          return BadRequest("TLV: record " + ps + " appears twice or as both a Resource and a Multiple Resource");
        }
        r->has_value = true;
        r->value = rec.value;
      } else {
        if (!r->multiple) {
          return BadRequest("TLV: record " + ps + " is a Resource Instance of a resource that also has a value");
        }
        r->instances.push_back({p[3], rec.value});
      }
    }

    Bytes out;
    switch (base.level()) {
      case Path::Level::kRoot:
        break;
      case Path::Level::kObject:
        for (const auto& oi : instances) {
          Bytes inner;
          for (const auto& r : oi.resources) {
            auto b = EncodeResource(r, ctx, Path{base[0], oi.id, r.id});
            if (!b) return b.status();
            inner.insert(inner.end(), b->begin(), b->end());
          }
          if (inner.size() > kMaxTlvLength) {
            return Status(StatusCode::kRequestEntityTooLarge, "TLV: Object Instance exceeds 16 MiB");
          }
          AppendTlv(out, Kind::kObjectInstance, oi.id, inner);
        }
        break;
      case Path::Level::kObjectInstance:
        for (const auto& oi : instances) {
          for (const auto& r : oi.resources) {
            auto b = EncodeResource(r, ctx, base.Child(r.id));
            if (!b) return b.status();
            out.insert(out.end(), b->begin(), b->end());
          }
        }
        break;
      case Path::Level::kResource: {
        if (instances.empty() || instances[0].resources.empty()) {
          return BadRequest("TLV: no record for the resource path " + base.ToString());
        }
        auto b = EncodeResource(instances[0].resources[0], ctx, base);
        if (!b) return b.status();
        out = std::move(*b);
        break;
      }
      case Path::Level::kResourceInstance: {
        if (content.records.size() != 1 || content.records[0].path != base) {
          return BadRequest("TLV: a resource-instance path " + base.ToString() +
                            " takes exactly one record at that path");
        }
        AppendTlv(out, Kind::kResourceInstance, base[3], EncodeValue(content.records[0].value));
        break;
      }
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<Codec> MakeTlvCodec() { return std::make_unique<TlvCodec>(); }

}  // namespace lwm2m
