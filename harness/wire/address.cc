#include "harness/wire/address.h"

#include <arpa/inet.h>

#include <cstring>

namespace lwm2m::wire {

std::string ToString(const SocketAddress& a) {
  if (a.IsIpv6()) return "[" + a.ip + "]:" + std::to_string(a.port);
  return a.ip + ":" + std::to_string(a.port);
}

std::string ToString(Transport t) { return t == Transport::kUdp ? "udp" : "tcp"; }

Result<std::string> AddressBytes(const SocketAddress& a) {
  if (a.IsIpv6()) {
    in6_addr v6{};
    if (inet_pton(AF_INET6, a.ip.c_str(), &v6) != 1) return BadRequest("wire: '" + a.ip + "' is not an IPv6 literal");
    return std::string(reinterpret_cast<const char*>(&v6), 16);
  }
  in_addr v4{};
  if (inet_pton(AF_INET, a.ip.c_str(), &v4) != 1) return BadRequest("wire: '" + a.ip + "' is not an IPv4 literal");
  return std::string(reinterpret_cast<const char*>(&v4), 4);
}

Result<socklen_t> ToSockaddr(const SocketAddress& a, sockaddr_storage* out) {
  std::memset(out, 0, sizeof(*out));
  Result<std::string> bytes = AddressBytes(a);
  if (!bytes) return bytes.status();
  if (a.IsIpv6()) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(out);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(a.port);
    std::memcpy(&s6->sin6_addr, bytes->data(), 16);
    return static_cast<socklen_t>(sizeof(sockaddr_in6));
  }
  auto* s4 = reinterpret_cast<sockaddr_in*>(out);
  s4->sin_family = AF_INET;
  s4->sin_port = htons(a.port);
  std::memcpy(&s4->sin_addr, bytes->data(), 4);
  return static_cast<socklen_t>(sizeof(sockaddr_in));
}

SocketAddress FromSockaddr(const sockaddr_storage& s) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (s.ss_family == AF_INET6) {
    const auto* s6 = reinterpret_cast<const sockaddr_in6*>(&s);
    inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof(buf));
    return {buf, ntohs(s6->sin6_port)};
  }
  const auto* s4 = reinterpret_cast<const sockaddr_in*>(&s);
  inet_ntop(AF_INET, &s4->sin_addr, buf, sizeof(buf));
  return {buf, ntohs(s4->sin_port)};
}

}  // namespace lwm2m::wire
