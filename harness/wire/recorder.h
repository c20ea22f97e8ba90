// recorder.h: a thread-safe pcapng writer for the harness's captures (draft-ietf-opsawg-pcapng:
// SHB, IDB, EPB with opt_comment, Decryption Secrets Block). Raw relay traffic is written as
// synthetic IPv4/IPv6 + UDP/TCP packets (LINKTYPE_RAW 101, interface 0); decrypted CoAP as
// Wireshark exported PDUs (LINKTYPE_WIRESHARK_UPPER_PDU 252, interface 1, wsutil/exported_pdu_tlvs.h).
//   auto rec = Recorder::Open("out/case/capture.pcapng");
//   (*rec)->SetComment("case=reg-101 step=3");
//   uint32_t frame = (*rec)->RecordUdp({"127.0.0.1", 40000}, {"127.0.0.1", 5683}, bytes, now);
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "harness/wire/address.h"
#include "lwm2m/result.h"
#include "lwm2m/value.h"

namespace lwm2m::wire {

// pcapng / libpcap constants (verified against /usr/include/wireshark: wsutil/exported_pdu_tlvs.h,
// wiretap/secrets-types.h of Wireshark 4.0.17, and with tshark 4.0.17 in recorder_test.cc).
inline constexpr uint32_t kLinktypeRaw = 101;           // raw IPv4/IPv6, no link header
inline constexpr uint32_t kLinktypeUpperPdu = 252;      // LINKTYPE_WIRESHARK_UPPER_PDU
inline constexpr uint32_t kSecretsTypeTlsKeyLog = 0x544c534b;  // "TLSK"
// Dissector names registered by Wireshark 4.0's packet-coap.c.
inline constexpr const char* kCoapUdpDissector = "coap";
inline constexpr const char* kCoapTcpDissector = "coap_tcp_tls";

class Recorder {
 public:
  // Creates (truncates) the file and writes the section header and both interface descriptions.
  static Result<std::unique_ptr<Recorder>> Open(const std::string& path);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Attached (opt_comment) to every following packet until changed; "" attaches none.
  void SetComment(std::string comment);
  std::string comment() const;

  // Raw traffic as it crossed the relay; returns the frame number (1-based), 0 after Close() or on
  // an invalid address. `note` is appended to the comment of this one packet ("dropped by fault").
  // TCP payloads over 65000 bytes are split into several segments (the first frame is returned);
  // sequence and acknowledgement numbers are synthetic but consistent per 4-tuple.
  uint32_t RecordUdp(const SocketAddress& src, const SocketAddress& dst, const Bytes& payload,
                     std::chrono::system_clock::time_point t, const std::string& note = {});
  uint32_t RecordTcp(const SocketAddress& src, const SocketAddress& dst, const Bytes& payload,
                     std::chrono::system_clock::time_point t, const std::string& note = {});
  // TCP connection set-up (SYN, SYN-ACK, ACK from `client`) and close (FIN-ACK from `src`), so that
  // Wireshark's TCP analysis sees whole conversations. Return the first frame written.
  uint32_t RecordTcpOpen(const SocketAddress& client, const SocketAddress& server,
                         std::chrono::system_clock::time_point t, const std::string& note = {});
  uint32_t RecordTcpClose(const SocketAddress& src, const SocketAddress& dst,
                          std::chrono::system_clock::time_point t, const std::string& note = {});

  // One decrypted CoAP message as an exported PDU: dissector "coap" (UDP/DTLS framing) or
  // "coap_tcp_tls" (RFC 8323 framing), IPv4/IPv6 src/dst, port type UDP (3) / TCP (2), ports.
  uint32_t RecordCoap(Transport transport, const SocketAddress& src, const SocketAddress& dst,
                      const Bytes& coap_message, std::chrono::system_clock::time_point t,
                      const std::string& note = {});

  // NSS key log lines ("CLIENT_RANDOM <hex> <hex>\n...") as a Decryption Secrets Block. Wireshark
  // applies a DSB to the packets after it: add the keys as soon as the handshake produced them.
  void AddKeyLog(const std::string& nss_keylog_lines);

  uint32_t frames() const;
  const std::string& path() const { return path_; }
  // Flushes and closes; the first write error of the whole capture, if any. Idempotent.
  Status Close();

 private:
  struct TcpFlow {
    uint32_t next_seq = 0;
  };
  using FlowKey = std::tuple<SocketAddress, SocketAddress>;

  Recorder(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
  // Writes one block (type, body) with both length fields; the caller holds mu_.
  void WriteBlockLocked(uint32_t type, const std::string& body);
  uint32_t WriteEpbLocked(uint32_t interface_id, const std::string& packet,
                          std::chrono::system_clock::time_point t, const std::string& note);
  uint32_t WriteTcpSegmentLocked(const SocketAddress& src, const SocketAddress& dst, uint8_t flags,
                                 const uint8_t* data, size_t size,
                                 std::chrono::system_clock::time_point t, const std::string& note);
  TcpFlow& FlowLocked(const SocketAddress& src, const SocketAddress& dst);

  mutable std::mutex mu_;
  std::FILE* file_ = nullptr;
  std::string path_;
  std::string comment_;
  uint32_t frames_ = 0;
  uint16_t ip_id_ = 1;
  Status error_;
  std::map<FlowKey, TcpFlow> flows_;
};

}  // namespace lwm2m::wire
