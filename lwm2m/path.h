// path.h: LwM2M paths (Core TS 1.2 §6.1: /ObjectID/ObjectInstanceID/ResourceID/
// ResourceInstanceID), with the optional LwM2M Gateway prefix (`/dev1/3/0`,
// Gateway TS §5). Every id is 0..65534; 65535 is reserved (Core TS 1.2 §7.1).
//   auto p = Path::Parse("/3/0/1");   // p->level() == Path::Level::kResource
//   Path{3, 0}.IsPrefixOf(*p);        // true
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "lwm2m/result.h"

namespace lwm2m {

class Path {
 public:
  enum class Level : uint8_t { kRoot = 0, kObject, kObjectInstance, kResource, kResourceInstance };
  static constexpr uint32_t kMaxId = 65534;       // largest usable id
  static constexpr uint32_t kReservedId = 65535;  // never a valid id in a path

  Path() = default;  // the root path "/"
  // Path{3, 0, 1}: our own invariant; more than 4 ids or an id of 65535 aborts.
  Path(std::initializer_list<uint16_t> ids);

  // Parses "/", "/3", "/3/0", "/3/0/1", "/3/0/1/2", and with a gateway prefix
  // "/dev1/3/0". Rejects empty segments, trailing '/', signs, leading zeros,
  // ids above 65534, more than four ids, and text that is not a path; the
  // error message says which segment and why.
  static Result<Path> Parse(std::string_view text);

  // /object_id/65535: the Object Instance of an LwM2M CBOR Create payload that
  // names no instance ("no reference to an Object Instance", Core TS 1.2.1
  // §7.5.4; the Client assigns the id). Only codecs build it; Parse() and the
  // id constructor still reject 65535. Add Resources with Child().
  static Path UnassignedInstance(uint16_t object_id) {
    Path p{object_id};
    p.ids_[1] = kReservedId;
    p.size_ = 2;
    return p;
  }

  Level level() const { return static_cast<Level>(size_); }
  size_t size() const { return size_; }  // number of ids (0 for root)
  bool IsRoot() const { return size_ == 0; }
  uint16_t operator[](size_t i) const { return ids_[i]; }

  std::optional<uint16_t> object_id() const { return Get(0); }
  std::optional<uint16_t> object_instance_id() const { return Get(1); }
  std::optional<uint16_t> resource_id() const { return Get(2); }
  std::optional<uint16_t> resource_instance_id() const { return Get(3); }

  // The LwM2M Gateway prefix ("dev1" in "/dev1/3/0"), or "" when there is none.
  const std::string& prefix() const { return prefix_; }
  Path WithPrefix(std::string prefix) const;
  Path WithoutPrefix() const { return WithPrefix(""); }

  // True when this path is an ancestor of or equal to `other` (same prefix).
  bool IsPrefixOf(const Path& other) const;
  Path Parent() const;                 // root's parent is root
  Path Child(uint16_t id) const;       // aborts when level() is kResourceInstance
  Path Truncated(size_t n) const;      // the first n ids

  std::string ToString() const;  // "/3/0/1", "/" for root, "/dev1/3/0"

  // Ordering: by prefix, then id by id, shorter (ancestor) first.
  std::strong_ordering operator<=>(const Path& o) const;
  bool operator==(const Path& o) const = default;

 private:
  std::optional<uint16_t> Get(size_t i) const {
    return i < size_ ? std::optional<uint16_t>(ids_[i]) : std::nullopt;
  }
  std::string prefix_;
  std::array<uint16_t, 4> ids_{};
  uint8_t size_ = 0;
};

// Parses one id segment ("0".."65534"); used by codecs that carry ids as text.
Result<uint16_t> ParseId(std::string_view text);

}  // namespace lwm2m
