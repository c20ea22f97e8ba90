// test_support.h: helpers shared by the coap/ tests: certificates made at test
// time with the openssl CLI (no private key is committed), a silent UDP peer,
// and a recorder for the wire hook.
//   TestCerts certs = MakeTestCerts();   // ca, server and client PEM
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "coap/context.h"

namespace lwm2m::coap::testing {

struct TestCerts {
  std::string ca_cert;
  std::string server_cert, server_key;
  std::string client_cert, client_key;
  std::string error;  // non-empty when the openssl CLI failed
};
// An EC P-256 CA and a server and a client certificate signed by it, made in a
// temporary directory that is removed again.
TestCerts MakeTestCerts();
// The same with chosen subject CNs (for endpoint-name checks: Transport TS 1.2 wants the
// client certificate's CN to be the endpoint name). `server_san` is an openssl
// subjectAltName value such as "IP:127.0.0.1,IP:::1" or "DNS:lwm2m.example"; the client
// certificate carries no subjectAltName.
TestCerts MakeTestCerts(const std::string& client_cn, const std::string& server_cn,
                        const std::string& server_san = "IP:127.0.0.1,IP:::1");

// A bound UDP socket that never answers (for retransmission timeouts).
class SilentUdpPeer {
 public:
  explicit SilentUdpPeer(const std::string& ip = "127.0.0.1");
  ~SilentUdpPeer();
  Address address() const { return address_; }
  // Datagrams that arrived so far (drained without answering).
  std::vector<Bytes> Drain();

 private:
  int fd_ = -1;
  Address address_;
};

// A raw UDP socket for sending hand-made datagrams.
class RawUdp {
 public:
  explicit RawUdp(const std::string& ip = "127.0.0.1");
  ~RawUdp();
  Address address() const { return address_; }
  bool SendTo(const Address& to, const Bytes& datagram);
  std::vector<Bytes> Drain();

 private:
  int fd_ = -1;
  Address address_;
};

struct WireLog {
  std::vector<WireEvent> events;
  WireHook Hook() {
    return [this](const WireEvent& e) { events.push_back(e); };
  }
  size_t Count(Direction d, uint8_t code, std::optional<CoapType> type = std::nullopt) const;
};

// Every method body builds a CoapMessage the same way in tests.
CoapMessage Response(uint8_t code, std::string_view payload = {});
Bytes ToBytes(std::string_view s);

}  // namespace lwm2m::coap::testing
