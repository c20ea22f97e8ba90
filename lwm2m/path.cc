// path.cc: LwM2M path parsing and formatting (Core TS 1.2 §6.1, §7.1).
#include "lwm2m/path.h"

#include <cctype>
#include <cstdlib>

namespace lwm2m {

Path::Path(std::initializer_list<uint16_t> ids) {
  if (ids.size() > 4) std::abort();
  for (uint16_t id : ids) {
    if (id == kReservedId) std::abort();
    ids_[size_++] = id;
  }
}

Result<uint16_t> ParseId(std::string_view s) {
  if (s.empty()) return BadRequest("empty path segment");
  if (s.size() > 1 && s[0] == '0') return BadRequest("id '" + std::string(s) + "' has a leading zero");
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return BadRequest("id '" + std::string(s) + "' is not a decimal number");
    v = v * 10 + static_cast<uint32_t>(c - '0');
    if (v > 0xFFFFFu) break;
  }
  if (v == Path::kReservedId) return BadRequest("id 65535 is reserved (Core TS 1.2 §7.1)");
  if (v > Path::kMaxId) return BadRequest("id '" + std::string(s) + "' is above 65534");
  return static_cast<uint16_t>(v);
}

Result<Path> Path::Parse(std::string_view text) {
  if (text.empty()) return BadRequest("empty path");
  if (text[0] != '/') return BadRequest("path '" + std::string(text) + "' does not start with '/'");
  Path p;
  if (text == "/") return p;
  if (text.back() == '/') return BadRequest("path '" + std::string(text) + "' ends with '/'");
  std::string_view rest = text.substr(1);
  bool first = true;
  while (true) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg.empty()) return BadRequest("path '" + std::string(text) + "' has an empty segment");
    bool numeric = seg.find_first_not_of("0123456789") == std::string_view::npos;
    if (first && !numeric) {
      // LwM2M Gateway prefix: a non-numeric first segment (Gateway TS §5.3).
      // We accept a letter followed by URI unreserved characters (RFC 3986 §2.3),
      // so that a mistyped id ("-1", "+3", "0x1") is never taken for a prefix.
      if (!std::isalpha(static_cast<unsigned char>(seg[0])))
        return BadRequest("path segment '" + std::string(seg) +
                          "' is neither an id nor a gateway prefix (which starts with a letter)");
      for (char c : seg) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_' && c != '~')
          return BadRequest("gateway prefix '" + std::string(seg) + "' contains an invalid character '" +
                            std::string(1, c) + "'");
      }
      p.prefix_ = std::string(seg);
    } else {
      if (p.size_ == 4)
        return BadRequest("path '" + std::string(text) + "' has more than four ids");
      auto id = ParseId(seg);
      if (!id) return BadRequest("path '" + std::string(text) + "': " + id.status().message());
      p.ids_[p.size_++] = *id;
    }
    first = false;
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return p;
}

Path Path::WithPrefix(std::string prefix) const {
  Path p = *this;
  p.prefix_ = std::move(prefix);
  return p;
}

bool Path::IsPrefixOf(const Path& o) const {
  if (prefix_ != o.prefix_ || size_ > o.size_) return false;
  for (size_t i = 0; i < size_; ++i)
    if (ids_[i] != o.ids_[i]) return false;
  return true;
}

Path Path::Parent() const { return Truncated(size_ == 0 ? 0 : size_ - 1); }

Path Path::Child(uint16_t id) const {
  if (size_ == 4 || id == kReservedId) std::abort();
  Path p = *this;
  p.ids_[p.size_++] = id;
  return p;
}

Path Path::Truncated(size_t n) const {
  Path p = *this;
  if (n < p.size_) {
    for (size_t i = n; i < 4; ++i) p.ids_[i] = 0;
    p.size_ = static_cast<uint8_t>(n);
  }
  return p;
}

std::string Path::ToString() const {
  std::string s;
  if (!prefix_.empty()) s += "/" + prefix_;
  for (size_t i = 0; i < size_; ++i) s += "/" + std::to_string(ids_[i]);
  if (s.empty()) s = "/";
  return s;
}

std::strong_ordering Path::operator<=>(const Path& o) const {
  if (auto c = prefix_ <=> o.prefix_; c != 0) return c;
  for (size_t i = 0; i < size_ && i < o.size_; ++i)
    if (auto c = ids_[i] <=> o.ids_[i]; c != 0) return c;
  return size_ <=> o.size_;
}

}  // namespace lwm2m
