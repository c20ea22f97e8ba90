// lwm2m_cbor.cc: LwM2M CBOR (11544). See lwm2m_cbor.h for the format, the
// diagnostics and the canonical encoding.
#include "lwm2m/codec/lwm2m_cbor.h"

#include <algorithm>
#include <memory>
#include <set>

#include "lwm2m/codec/cbor_value.h"

namespace lwm2m {

namespace {

constexpr const char* kFmt = "LwM2M CBOR";
constexpr const char* kRule = "Core TS 1.2.2 §7.5.4";
constexpr const char* kGwRule = "Gateway TS 1.1 §9";
constexpr size_t kMaxDepth = 32;

// One CBOR head: initial byte and argument.
struct Head {
  uint8_t major = 0;
  uint8_t ai = 0;
  uint64_t arg = 0;
  bool indefinite = false;
  size_t offset = 0;
  size_t end = 0;  // offset after the head (and after the bytes of a definite string)
};

// ---- RFC 3339 date/time (tag 0) for Time resources ----

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// "2013-05-02T10:40:15Z", "...T10:40:15.5+02:00" -> seconds since the epoch (fraction dropped).
std::optional<int64_t> ParseRfc3339(std::string_view s) {
  auto num = [&](size_t at, size_t len) -> std::optional<unsigned> {
    if (at + len > s.size()) return std::nullopt;
    unsigned v = 0;
    for (size_t i = at; i < at + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return v;
  };
  auto Y = num(0, 4), Mo = num(5, 2), D = num(8, 2), h = num(11, 2), mi = num(14, 2), sec = num(17, 2);
  if (!Y || !Mo || !D || !h || !mi || !sec || s.size() < 20 || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  if (*Mo < 1 || *Mo > 12 || *D < 1 || *D > 31 || *h > 23 || *mi > 59 || *sec > 60) return std::nullopt;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    auto oh = num(i + 1, 2), om = num(i + 4, 2);
    if (!oh || !om || i + 3 >= s.size() || s[i + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
    offset = (s[i] == '+' ? 1 : -1) * static_cast<int64_t>(*oh * 3600 + *om * 60);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return DaysFromCivil(*Y, *Mo, *D) * 86400 + *h * 3600 + *mi * 60 + *sec - offset;
}


// cbor_is_null() of libcbor 0.8 asserts on float items; this one does not.
bool IsNull(const cbor_item_t* item) {
  return cbor_isa_float_ctrl(item) && cbor_float_ctrl_is_ctrl(item) && cbor_ctrl_value(item) == CBOR_CTRL_NULL;
}

// ---- Decoder ----

class Decoder {
 public:
  Decoder(std::span<const uint8_t> d, const CodecContext& ctx) : d_(d), ctx_(ctx) {}

  DecodeResult Run() {
    DecodeResult out;
    if (d_.empty()) {
      diags_.Error(0, "", std::string(kFmt) + ": empty payload, one CBOR map expected", kRule);
      out.diagnostics = diags_.Take();
      return out;
    }
    // Well-formedness of the whole payload first (offsets, truncation, UTF-8,
    // nesting); the walk below then only reports LwM2M CBOR rules, and stops
    // quietly where the CBOR itself is broken.
    {
      CborItem whole = CborLoad(d_, diags_, kFmt, kMaxDepth);
      malformed_ = diags_.HasErrors();
    }
    Head h;
    if (!ReadHead(0, h)) return Finish(out);
    if (h.major != 5) {
      diags_.Error(0, "", std::string(kFmt) + ": the payload is a " + MajorName(h.major) +
                              ", not a map of path ids to values",
                   kRule);
      return Finish(out);
    }
    Walk(0, {}, "", /*top=*/true, out.content.records);
    return Finish(out);
  }

 private:
  struct PathIds {
    std::string prefix;
    std::vector<uint32_t> ids;
  };

  DecodeResult& Finish(DecodeResult& out) {
    if (!non_preferred_.empty())
      diags_.Info(first_non_preferred_, "",
                  std::string(kFmt) + ": " + std::to_string(non_preferred_.size()) +
                      " CBOR head(s) use a longer argument than needed, first at offset " +
                      std::to_string(first_non_preferred_) + " (not preferred serialization)",
                  "RFC 8949 §4.2.1");
    if (!indefinite_.empty())
      diags_.Info(first_indefinite_, "",
                  std::string(kFmt) + ": " + std::to_string(indefinite_.size()) +
                      " indefinite-length item(s), first at offset " + std::to_string(first_indefinite_) +
                      " (the LwM2M CBOR grammar allows them)",
                  kRule);
    out.diagnostics = diags_.Take();
    return out;
  }

  static const char* MajorName(uint8_t major) {
    static const char* const kNames[] = {"unsigned integer", "negative integer", "byte string", "text string",
                                         "array",            "map",              "tag",         "simple value or float"};
    return kNames[major & 7];
  }

  void Malformed(size_t at, const std::string& msg) {
    if (!malformed_) diags_.Error(at, "", std::string(kFmt) + ": " + msg, "RFC 8949 §3");
    malformed_ = true;
    stop_ = true;
  }

  // Reads the head at `pos`; strings' end includes their bytes (definite ones).
  bool ReadHead(size_t pos, Head& h) {
    if (stop_) return false;
    if (pos >= d_.size()) {
      Malformed(pos, "payload ends at offset " + std::to_string(pos) + " where a data item is expected");
      return false;
    }
    uint8_t ib = d_[pos];
    h = Head{};
    h.offset = pos;
    h.major = ib >> 5;
    h.ai = ib & 31;
    size_t p = pos + 1;
    if (h.ai < 24) {
      h.arg = h.ai;
    } else if (h.ai <= 27) {
      size_t len = size_t{1} << (h.ai - 24);
      if (d_.size() - p < len) {
        Malformed(pos, "head at offset " + std::to_string(pos) + " is truncated");
        return false;
      }
      for (size_t k = 0; k < len; ++k) h.arg = (h.arg << 8) | d_[p + k];
      p += len;
      if (h.major != 7) {
        static const uint64_t kMin[] = {24, 0x100, 0x10000, 0x100000000ull};
        if (h.arg < kMin[h.ai - 24] && non_preferred_.insert(pos).second) {
          if (non_preferred_.size() == 1) first_non_preferred_ = pos;
        }
      }
    } else if (h.ai == 31) {
      h.indefinite = true;
      if (h.major != 7 && indefinite_.insert(pos).second && indefinite_.size() == 1) first_indefinite_ = pos;
    } else {
      Malformed(pos, "reserved additional information " + std::to_string(h.ai) + " at offset " + std::to_string(pos));
      return false;
    }
    if ((h.major == 2 || h.major == 3) && !h.indefinite) {
      if (d_.size() - p < h.arg) {
        Malformed(pos, "string at offset " + std::to_string(pos) + " runs past the end");
        return false;
      }
      p += static_cast<size_t>(h.arg);
    }
    h.end = p;
    return true;
  }

  bool IsBreak(size_t pos) const { return pos < d_.size() && d_[pos] == 0xFF; }

  // The offset after the data item at `pos`, or nullopt (malformed).
  std::optional<size_t> Skip(size_t pos, size_t depth = 0) {
    if (depth > kMaxDepth) {
      Malformed(pos, "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
      return std::nullopt;
    }
    Head h;
    if (!ReadHead(pos, h)) return std::nullopt;
    size_t p = h.end;
    switch (h.major) {
      case 0:
      case 1:
        return p;
      case 2:
      case 3:
      case 4:
      case 5:
        if (h.indefinite) {
          while (!IsBreak(p)) {
            auto n = Skip(p, depth + 1);
            if (!n) return std::nullopt;
            p = *n;
          }
          return p + 1;
        }
        if (h.major <= 3) return p;
        for (uint64_t k = 0; k < (h.major == 5 ? h.arg * 2 : h.arg); ++k) {
          auto n = Skip(p, depth + 1);
          if (!n) return std::nullopt;
          p = *n;
        }
        return p;
      case 6:
        return Skip(p, depth + 1);
      default:
        if (h.indefinite) {
          Malformed(pos, "break outside an indefinite-length item");
          return std::nullopt;
        }
        return p;
    }
  }

  std::string Show(const PathIds& p) const {
    std::string s = p.prefix.empty() ? "" : "/" + p.prefix;
    for (uint32_t id : p.ids) s += "/" + std::to_string(id);
    return s.empty() ? "/" : s;
  }

  // Parses the key at `pos` into `key`; returns the offset after it, or nullopt
  // (after a diagnostic) when the key cannot be used; `skip_to` is then where
  // the key ends, so that the caller can skip its value.
  std::optional<size_t> ReadKey(size_t pos, bool top, const PathIds& base, PathIds& key, size_t& skip_to) {
    Head h;
    if (!ReadHead(pos, h)) return std::nullopt;
    auto bad = [&](const std::string& msg, const char* rule) -> std::optional<size_t> {
      diags_.Error(pos, Show(base), std::string(kFmt) + ": key at offset " + std::to_string(pos) + " " + msg, rule);
      auto n = Skip(pos);
      skip_to = n.value_or(d_.size());
      return std::nullopt;
    };
    if (h.major == 0) {
      key.ids.push_back(h.arg > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<uint32_t>(h.arg));
      return h.end;
    }
    if (h.major == 3) {
      if (!top || !base.prefix.empty() || !base.ids.empty())
        return bad("is a text string; only the first key of the top-level map may be an LwM2M Gateway prefix",
                   kGwRule);
      auto s = ReadText(h);
      if (!s) return std::nullopt;
      if (s->empty()) return bad("is an empty Gateway prefix", kGwRule);
      key.prefix = *s;
      return h.end;
    }
    if (h.major == 4) {
      size_t p = h.end;
      uint64_t n = 0;
      while (h.indefinite ? !IsBreak(p) : n < h.arg) {
        Head e;
        if (!ReadHead(p, e)) return std::nullopt;
        if (e.major == 3 && n == 0 && top && base.prefix.empty() && base.ids.empty()) {
          auto s = ReadText(e);
          if (!s) return std::nullopt;
          if (s->empty()) return bad("starts with an empty Gateway prefix", kGwRule);
          key.prefix = *s;
        } else if (e.major == 0) {
          key.ids.push_back(e.arg > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<uint32_t>(e.arg));
        } else {
          std::string what = e.major == 3 ? std::string("a text string (a Gateway prefix is only allowed first, in "
                                                        "the top-level map)")
                                          : std::string("a ") + MajorName(e.major);
          return bad("is an array whose element " + std::to_string(n) + " is " + what +
                         "; key arrays hold unsigned integer ids",
                     e.major == 3 ? kGwRule : kRule);
        }
        auto next = Skip(p);
        if (!next) return std::nullopt;
        p = *next;
        ++n;
      }
      if (h.indefinite) ++p;
      if (key.ids.empty() && key.prefix.empty())
        return bad("is an empty array; a key array holds at least one id", kRule);
      if (key.ids.empty())
        return bad("holds only a Gateway prefix; write the prefix as a text key", kGwRule);
      return p;
    }
    return bad(std::string("is a ") + MajorName(h.major) +
                   (h.major == 1 ? " " + std::to_string(-1 - static_cast<int64_t>(std::min<uint64_t>(h.arg, INT64_MAX)))
                                 : "") +
                   "; LwM2M CBOR keys are unsigned integer ids or arrays of them",
               kRule);
  }

  std::optional<std::string> ReadText(const Head& h) {
    if (!h.indefinite) {
      size_t start = h.end - static_cast<size_t>(h.arg);
      return std::string(reinterpret_cast<const char*>(d_.data() + start), static_cast<size_t>(h.arg));
    }
    std::string s;
    size_t p = h.end;
    while (!IsBreak(p)) {
      Head c;
      if (!ReadHead(p, c)) return std::nullopt;
      if (c.major != 3 || c.indefinite) {
        Malformed(p, "bad chunk in an indefinite-length text string");
        return std::nullopt;
      }
      s.append(reinterpret_cast<const char*>(d_.data() + c.end - c.arg), static_cast<size_t>(c.arg));
      p = c.end;
    }
    return s;
  }

  // Walks the map at `pos` whose entries extend `base`.
  std::optional<size_t> Walk(size_t pos, const PathIds& base, const std::string& via, bool top,
                             std::vector<Record>& out) {
    Head h;
    if (!ReadHead(pos, h)) return std::nullopt;
    size_t p = h.end;
    std::vector<PathIds> keys;  // this map's keys, for duplicates
    uint64_t n = 0;
    while (h.indefinite ? !IsBreak(p) : n < h.arg) {
      if (stop_) return std::nullopt;
      if (p >= d_.size()) {
        Malformed(p, "map at offset " + std::to_string(pos) + " is truncated");
        return std::nullopt;
      }
      ++n;
      size_t key_off = p;
      PathIds key;
      size_t skip_to = p;
      auto after_key = ReadKey(p, top, base, key, skip_to);
      if (!after_key) {
        if (stop_) return std::nullopt;
        auto v = Skip(skip_to);
        if (!v) return std::nullopt;
        p = *v;
        continue;
      }
      p = *after_key;
      PathIds full = base;
      if (!key.prefix.empty()) full.prefix = key.prefix;
      for (uint32_t id : key.ids) full.ids.push_back(id);
      std::string shown = Show(full);
      bool dup = false;
      for (const auto& k : keys) {
        if (k.prefix == key.prefix && k.ids == key.ids) {
          diags_.Error(key_off, shown,
                       std::string(kFmt) + ": duplicate key at offset " + std::to_string(key_off) + " in the map" +
                           (via.empty() ? "" : " of " + via) + " (a map's keys must be unique)",
                       "RFC 8949 §5.6");
          dup = true;
          break;
        }
      }
      keys.push_back(key);
      bool usable = !dup;
      if (usable && full.ids.size() > 4) {
        diags_.Error(key_off, shown,
                     std::string(kFmt) + ": key at offset " + std::to_string(key_off) + " makes the path " + shown +
                         " deeper than four ids (Object/Instance/Resource/Resource Instance)",
                     kRule);
        usable = false;
      }
      if (usable) usable = CheckIds(full, base.ids.size(), key_off);
      Head vh;
      if (!ReadHead(p, vh)) return std::nullopt;
      if (usable && vh.major == 5 && NoteContainer(full, key_off)) {
        if ((!vh.indefinite && vh.arg == 0) || (vh.indefinite && IsBreak(vh.end))) {
          diags_.Error(p, shown,
                       std::string(kFmt) + ": empty map at offset " + std::to_string(p) + " for " + shown +
                           " (the grammar requires at least one entry)",
                       kRule);
        } else {
          // Walked, not skipped: a truncated map still yields the values before the cut.
          auto end = Walk(p, full, shown, false, out);
          if (!end) return std::nullopt;
          p = *end;
          continue;
        }
      }
      auto value_end = Skip(p);
      if (!value_end) return std::nullopt;
      if (usable && vh.major != 5) Leaf(full, key_off, p, *value_end, out);
      p = *value_end;
    }
    if (h.indefinite) ++p;
    if (n == 0) {
      if (top)
        diags_.Warning(pos, "", std::string(kFmt) + ": the payload is an empty map (no values; the grammar requires at "
                                                    "least one entry)",
                       kRule);
      else
        diags_.Error(pos, via, std::string(kFmt) + ": empty map at offset " + std::to_string(pos), kRule);
    }
    return p;
  }

  // Ids above 65534 (65535 only as the instance of a Create on an Object).
  bool CheckIds(const PathIds& full, size_t from, size_t at) {
    for (size_t i = from; i < full.ids.size(); ++i) {
      uint32_t id = full.ids[i];
      if (id < Path::kReservedId) continue;
      std::string shown = Show(full);
      if (id == Path::kReservedId && i == 1 && ctx_.request_path.size() == 1 &&
          ctx_.request_path.prefix() == full.prefix && full.ids[0] == ctx_.request_path[0] &&
          full.ids[0] != Path::kReservedId) {
        if (!unassigned_noted_)
          diags_.Info(at, shown,
                      std::string(kFmt) + ": Object Instance id 65535 means \"no reference to an Object Instance\": "
                                          "the Client assigns the id (valid only in a Create)",
                      "Core TS 1.2.1 §7.5.4");
        unassigned_noted_ = true;
        continue;
      }
      diags_.Error(at, shown,
                   std::string(kFmt) + ": id " + std::to_string(id) + " in " + shown +
                       (id == Path::kReservedId ? " is reserved (MAX_ID 65535 is no valid id here)"
                                                : " is above 65535 (ids are 16-bit)"),
                   id == Path::kReservedId ? "Core TS 1.2 §7.1" : kRule);
      return false;
    }
    return true;
  }

  Path ToPath(const PathIds& p) const {
    Path out;
    for (size_t i = 0; i < p.ids.size(); ++i) {
      uint16_t id = static_cast<uint16_t>(p.ids[i]);
      if (i == 1 && id == Path::kReservedId) out = Path::UnassignedInstance(out[0]);
      else out = out.Child(id);
    }
    return out.WithPrefix(p.prefix);
  }

  // Records that `full` is a container (a map); false after a conflict.
  bool NoteContainer(const PathIds& full, size_t at) {
    if (full.ids.empty()) return true;  // a prefix alone
    Path path = ToPath(full);
    if (leaves_.count(path)) {
      diags_.Error(at, path.ToString(),
                   std::string(kFmt) + ": " + path.ToString() + " is given both as a value and as a map of ids",
                   kRule);
      return false;
    }
    containers_.insert(path);
    return true;
  }

  void Leaf(const PathIds& full, size_t key_off, size_t pos, size_t end, std::vector<Record>& out) {
    std::string shown = Show(full);
    if (full.ids.empty()) {
      diags_.Error(key_off, shown,
                   std::string(kFmt) + ": Gateway prefix \"" + full.prefix + "\" maps to a value, not to ids",
                   kGwRule);
      return;
    }
    Path path = ToPath(full);
    std::string ps = path.ToString();
    // A path given twice, or as both a value and a container, anywhere in the payload.
    if (leaves_.count(path)) {
      diags_.Error(key_off, ps, std::string(kFmt) + ": " + ps + " is given twice", kRule);
      return;
    }
    bool conflict = containers_.count(path) > 0;
    for (Path a = path.Parent(); !conflict && a.size() > 0; a = a.Parent()) conflict = leaves_.count(a) > 0;
    if (!conflict) {
      auto it = leaves_.lower_bound(path);
      conflict = it != leaves_.end() && path.IsPrefixOf(*it);
    }
    if (conflict) {
      diags_.Error(key_off, ps,
                   std::string(kFmt) + ": " + ps + " has a value and also values below or above it in the tree",
                   kRule);
      return;
    }
    leaves_.insert(path);
    if (!UnderRequest(path))
      diags_.Error(key_off, ps, std::string(kFmt) + ": " + ps + " is not under the request path " +
                                    ctx_.request_path.ToString(),
                   kRule);
    Diagnostics leaf_diags;
    CborItem item = CborLoad(d_.subspan(pos, end - pos), leaf_diags, kFmt, kMaxDepth);
    if (!item) {
      if (!malformed_) Malformed(pos, "value at offset " + std::to_string(pos) + " is not well-formed");
      return;
    }
    bool is_null = IsNull(item.get());
    if (path.size() < 3) {
      if (is_null) {
        diags_.Warning(pos, ps, std::string(kFmt) + ": null for " + ps +
                                    ", which is not a Resource (read as an empty container)",
                       kRule);
        out.push_back({path, Value(), std::nullopt});
      } else {
        diags_.Error(pos, ps, std::string(kFmt) + ": value at offset " + std::to_string(pos) + " for " + ps +
                                  ", which is not a Resource or Resource Instance (" + CborDescribe(item.get()) + ")",
                     kRule);
      }
      return;
    }
    const ResourceModel* rm = ctx_.models ? ctx_.models->FindResource(path) : nullptr;
    Result<Value> value = Value();
    if (rm) {
      if (path.size() == 4 && !rm->multiple)
        diags_.Warning(key_off, ps, std::string(kFmt) + ": " + rm->name +
                                        " is a Single-Instance Resource but " + ps + " names a Resource Instance",
                       kRule);
      if (path.size() == 3 && rm->multiple && !is_null)
        diags_.Warning(key_off, ps, std::string(kFmt) + ": " + rm->name +
                                        " is a Multiple-Instance Resource but gets a single value, not a map of "
                                        "Resource Instances",
                       "Core TS 1.2.2 §7.5.4.2");
      if (is_null) {
        if (rm->type != DataType::kNone)
          diags_.Warning(pos, ps, std::string(kFmt) + ": null for " + std::string(DataTypeName(rm->type)) +
                                      " resource " + rm->name + " (null is the \"none\" type of executable resources)",
                         "Core TS 1.2 Appendix C Table C-2");
        out.push_back({path, Value(), std::nullopt});
        return;
      }
      if (rm->type == DataType::kNone) {
        diags_.Error(pos, ps, std::string(kFmt) + ": executable resource " + rm->name + " carries a value (" +
                                  CborDescribe(item.get()) + ")",
                     "Core TS 1.2 Appendix C Table C-2");
        value = ValueFromCbor(item.get(), DataType::kNone, ps);
      } else if (rm->type == DataType::kTime && cbor_typeof(item.get()) == CBOR_TYPE_TAG &&
                 cbor_tag_value(item.get()) == 0) {
        value = TimeFromTag0(item.get(), ps);
      } else {
        value = ValueFromCbor(item.get(), rm->type, ps);
        if (!value) {
          diags_.Error(pos, ps, std::string(kFmt) + ": " + rm->name + ": " + value.status().message(),
                       "Core TS 1.2 Appendix C Table C-2");
          value = ValueFromCbor(item.get(), DataType::kNone, ps);
          if (!value) return;
        }
      }
    } else {
      if (!no_model_noted_)
        diags_.Info(pos, ps, std::string(kFmt) + ": no object model for " + ps +
                                 "; values keep their CBOR types",
                    "");
      no_model_noted_ = true;
      value = ValueFromCbor(item.get(), DataType::kNone, ps);
    }
    if (!value) {
      diags_.Error(pos, ps, std::string(kFmt) + ": " + value.status().message(), kRule);
      return;
    }
    out.push_back({path, std::move(*value), std::nullopt});
  }

  // The root request path without prefix (Read-Composite, Send) covers every
  // prefix; otherwise the path must lie under it, prefix included.
  bool UnderRequest(const Path& path) const {
    const Path& rp = ctx_.request_path;
    return (rp.IsRoot() && rp.prefix().empty()) || rp.IsPrefixOf(path);
  }

  Result<Value> TimeFromTag0(const cbor_item_t* item, const std::string& ps) {
    CborItem inner(cbor_tag_item(item));
    if (!inner || !cbor_isa_string(inner.get()) || !cbor_string_is_definite(inner.get()))
      return BadRequest("CBOR: " + ps + ": tag 0 must enclose a date/time text string (RFC 8949 §3.4.1)");
    std::string s(reinterpret_cast<const char*>(cbor_string_handle(inner.get())), cbor_string_length(inner.get()));
    auto t = ParseRfc3339(s);
    if (!t) return BadRequest("CBOR: " + ps + ": tag 0 text \"" + s + "\" is not an RFC 3339 date/time");
    return Value::Time(*t);
  }

  std::span<const uint8_t> d_;
  const CodecContext& ctx_;
  Diagnostics diags_;
  bool malformed_ = false;
  bool stop_ = false;
  bool no_model_noted_ = false;
  bool unassigned_noted_ = false;
  std::set<size_t> non_preferred_, indefinite_;  // head offsets (heads are read more than once)
  size_t first_non_preferred_ = 0, first_indefinite_ = 0;
  std::set<Path> leaves_, containers_;
};

// ---- Encoder ----

struct Node {
  bool is_prefix = false;
  std::string prefix;
  uint16_t id = 0;
  size_t level = 0;  // number of ids down to and including this node
  bool has_value = false;
  Value value;
  std::vector<std::unique_ptr<Node>> children;  // in order of first appearance

  Node* Child(bool pfx, const std::string& text, uint16_t cid, size_t lvl) {
    for (auto& c : children)
      if (c->is_prefix == pfx && (pfx ? c->prefix == text : c->id == cid)) return c.get();
    auto n = std::make_unique<Node>();
    n->is_prefix = pfx;
    n->prefix = text;
    n->id = cid;
    n->level = lvl;
    children.push_back(std::move(n));
    return children.back().get();
  }
};

void AppendKeyPart(Bytes& out, const Node* n) {
  if (n->is_prefix) {
    CborAppendHead(out, 3, n->prefix.size());
    out.insert(out.end(), n->prefix.begin(), n->prefix.end());
  } else {
    CborAppendHead(out, 0, n->id);
  }
}

void EncodeMap(const Node& parent, Bytes& out) {
  CborAppendHead(out, 5, parent.children.size());
  for (const auto& c : parent.children) {
    std::vector<const Node*> chain{c.get()};
    // Extend through nodes without a value and with one child; a Resource's
    // instances always form a map of their own (Core TS 1.2.2 §7.5.4.2).
    while (!chain.back()->has_value && chain.back()->children.size() == 1 &&
           !(chain.back()->level == 3 && !chain.back()->is_prefix))
      chain.push_back(chain.back()->children.front().get());
    if (chain.size() == 1) {
      AppendKeyPart(out, chain[0]);
    } else {
      CborAppendHead(out, 4, chain.size());
      for (const Node* n : chain) AppendKeyPart(out, n);
    }
    const Node* last = chain.back();
    if (last->has_value) {
      CborItem item = CborFromValue(last->value);
      Bytes v = CborSerialize(item.get());
      out.insert(out.end(), v.begin(), v.end());
    } else {
      EncodeMap(*last, out);
    }
  }
}

Result<Bytes> EncodeLwm2mCbor(const Content& content) {
  if (!content.links.empty()) return NotAcceptable(std::string(kFmt) + " carries resource values, not links");
  if (content.records.empty())
    return BadRequest(std::string(kFmt) + ": no records; the grammar needs at least one entry (Core TS 1.2.2 §7.5.4)");
  Node root;
  for (size_t i = 0; i < content.records.size(); ++i) {
    const Record& r = content.records[i];
    std::string ps = r.path.ToString();
    std::string which = "record " + std::to_string(i + 1) + " (" + ps + ")";
    if (r.time)
      return NotAcceptable(std::string(kFmt) + ": " + which + " has a timestamp; LwM2M CBOR carries none");
    if (r.path.IsRoot()) return BadRequest(std::string(kFmt) + ": " + which + " names no Object");
    if (!r.value.is_none() && r.path.size() < 3)
      return BadRequest(std::string(kFmt) + ": " + which + " gives a value to an Object or Object Instance");
    Node* n = &root;
    if (!r.path.prefix().empty()) n = n->Child(true, r.path.prefix(), 0, 0);
    for (size_t k = 0; k < r.path.size(); ++k) {
      if (n->has_value)
        return BadRequest(std::string(kFmt) + ": " + which + " lies below a path that has a value");
      n = n->Child(false, "", r.path[k], k + 1);
    }
    if (n->has_value) return BadRequest(std::string(kFmt) + ": " + which + " is given twice");
    if (!n->children.empty())
      return BadRequest(std::string(kFmt) + ": " + which + " has a value and also values below it");
    n->has_value = true;
    n->value = r.value;
  }
  Bytes out;
  EncodeMap(root, out);
  return out;
}

class Lwm2mCborCodec : public Codec {
 public:
  ContentFormat format() const override { return ContentFormat::kLwm2mCbor; }
  std::string_view name() const override { return "lwm2m-cbor"; }
  DecodeResult Decode(std::span<const uint8_t> payload, const CodecContext& ctx) const override {
    return Decoder(payload, ctx).Run();
  }
  Result<Bytes> Encode(const Content& content, const CodecContext& ctx) const override {
    (void)ctx;
    return EncodeLwm2mCbor(content);
  }
};

}  // namespace

std::unique_ptr<Codec> MakeLwm2mCborCodec() { return std::make_unique<Lwm2mCborCodec>(); }

}  // namespace lwm2m
