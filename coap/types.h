// types.h: the value types of the coap/ layer: transports (RFC 7252 UDP/DTLS,
// RFC 8323 TCP/TLS), security configuration (PSK RFC 4279 / certificates),
// RFC 7252 §4.8 transmission parameters, and the WireEvent that the wire hook
// reports for every CoAP message sent or received. No libcoap type appears here.
//   Security s = Security::Psk("node1", {0x01, 0x02});
//   s.cipher_list = "PSK-AES128-CCM8";  // LwM2M mandatory suite, Transport TS 1.2 §5.2.8
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "lwm2m/coap_message.h"
#include "lwm2m/coap_wire.h"

namespace lwm2m::coap {

enum class Transport : uint8_t { kUdp, kDtls, kTcp, kTls };
const char* TransportName(Transport t);  // "udp", "dtls", "tcp", "tls"
inline bool IsSecure(Transport t) { return t == Transport::kDtls || t == Transport::kTls; }
inline bool IsReliable(Transport t) { return t == Transport::kTcp || t == Transport::kTls; }

// RPK (RFC 7250) is absent: libcoap 4.3.1's OpenSSL variant does not support it (its GnuTLS
// variant does; see Context::RpkSupported and coap/README.md).
enum class SecurityMode : uint8_t { kNoSec, kPsk, kCertificate };
const char* SecurityModeName(SecurityMode m);  // "nosec", "psk", "x509"

// A numeric IP address and port: "127.0.0.1:5683", "[::1]:5684".
struct Address {
  std::string ip;
  uint16_t port = 0;
  std::string ToString() const;
  bool operator==(const Address&) const = default;
};

// RFC 7252 §4.8 transmission parameters plus session timers. Unset fields keep
// libcoap's defaults (ACK_TIMEOUT 2 s, ACK_RANDOM_FACTOR 1.5, MAX_RETRANSMIT 4,
// NSTART 1; no idle or handshake limit of ours).
// libcoap 4.3.1 refuses ACK_TIMEOUT < 1 s and MAX_RETRANSMIT 0 (see Session::SetTiming).
struct Timing {
  std::optional<std::chrono::milliseconds> ack_timeout;  // >= 1000 ms, millisecond resolution
  std::optional<double> ack_random_factor;  // >= 1.0
  std::optional<uint16_t> max_retransmit;    // libcoap also caps DTLS handshake flight retries with it
  std::optional<uint16_t> nstart;
  // Close a session with no message sent or received for this long.
  std::optional<std::chrono::milliseconds> idle_timeout;
  // Fail a session whose (D)TLS handshake (or TCP connect + CSM) is not done by then.
  std::optional<std::chrono::milliseconds> handshake_timeout;
};

enum class TlsVersion : uint8_t { kAny, kTls12, kTls13 };  // TLS over TCP; DTLS is always 1.2 with OpenSSL 3.0

// Credentials and (D)TLS knobs. A client uses psk_identity/psk_key or its
// certificate; a server chooses the key per identity with psk_lookup (nullopt
// rejects the identity, failing the handshake).
struct Security {
  SecurityMode mode = SecurityMode::kNoSec;
  std::string psk_identity;
  Bytes psk_key;
  std::function<std::optional<Bytes>(std::string_view identity)> psk_lookup;
  std::string psk_hint;  // server, (D)TLS 1.2 only
  // Certificates in PEM text. With ca_pem set and verify_peer, the peer's chain must lead to it.
  // A server Security of either mode may carry both PSK and certificate credentials: each
  // client's handshake then decides (Session::security() says which it used).
  std::string certificate_pem, private_key_pem, ca_pem;
  bool verify_peer = true;
  // Client only: the server's name. Sent as SNI (RFC 6066; not for IP literals, which SNI
  // forbids) and, in certificate mode, checked against the server's certificate as RFC 6125
  // says: a DNS name against the DNS subjectAltNames (the subject CN when there are none), an
  // IP literal against the IP subjectAltNames. Empty: no SNI and no name check.
  std::string server_name;
  // OpenSSL cipher list for TLS <= 1.2 and DTLS 1.2, e.g. "PSK-AES128-CCM8"; empty keeps libcoap's.
  std::string cipher_list;
  TlsVersion tls_version = TlsVersion::kAny;

  static Security NoSec() { return {}; }
  static Security Psk(std::string identity, Bytes key);
  static Security PskServer(std::function<std::optional<Bytes>(std::string_view)> lookup);
  static Security Certificate(std::string cert_pem, std::string key_pem, std::string ca_pem);
};

enum class Direction : uint8_t { kSent, kReceived };

// One CoAP message as it crossed the wire (after decryption, before
// encryption): each UDP datagram / DTLS record, each TCP/TLS frame, including
// retransmissions, empty ACKs, RSTs, CSM/Ping/Pong signals and single blocks.
struct WireEvent {
  Direction direction = Direction::kSent;
  Transport transport = Transport::kUdp;
  SecurityMode security = SecurityMode::kNoSec;
  std::string psk_identity;  // the identity the (D)TLS session authenticated with, "" otherwise
  std::string peer_common_name;  // the subject CN of the peer's certificate, "" without one
  Address local, remote;
  std::chrono::system_clock::time_point wall_time;
  std::chrono::steady_clock::time_point steady_time;
  Bytes bytes;              // exactly the CoAP message bytes
  WireParseResult parsed;   // strict parse of `bytes` (lwm2m/coap_wire.h), diagnostics included
};
using WireHook = std::function<void(const WireEvent&)>;

// NSS key log line ("CLIENT_RANDOM <hex> <hex>" or a TLS 1.3 secret label line).
using KeyLogSink = std::function<void(std::string_view line)>;

}  // namespace lwm2m::coap
