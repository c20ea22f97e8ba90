// address.h: the transport and socket-address vocabulary of the wire (relay and recorder),
// plus conversions to and from POSIX sockaddr.
//   SocketAddress a{"127.0.0.1", 5683};
//   std::string s = ToString(a);   // "127.0.0.1:5683"; "[::1]:5683" for IPv6
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "lwm2m/result.h"

namespace lwm2m::wire {

enum class Transport : uint8_t { kUdp, kTcp };

// An IP literal ("127.0.0.1" or "::1") and a port. No host names: the wire never resolves.
struct SocketAddress {
  std::string ip;
  uint16_t port = 0;
  bool IsIpv6() const { return ip.find(':') != std::string::npos; }
  friend bool operator==(const SocketAddress&, const SocketAddress&) = default;
  friend auto operator<=>(const SocketAddress&, const SocketAddress&) = default;
};

std::string ToString(const SocketAddress& a);
std::string ToString(Transport t);  // "udp", "tcp"

// The 4 or 16 address bytes in network order; 4.00 for a string that is no IP literal.
Result<std::string> AddressBytes(const SocketAddress& a);

// sockaddr conversions; ToSockaddr fails (4.00) on a non-literal IP.
Result<socklen_t> ToSockaddr(const SocketAddress& a, sockaddr_storage* out);
SocketAddress FromSockaddr(const sockaddr_storage& s);

}  // namespace lwm2m::wire
