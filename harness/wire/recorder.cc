#include "harness/wire/recorder.h"

#include <cerrno>
#include <cstring>

namespace lwm2m::wire {
namespace {

// pcapng block types and option codes (draft-ietf-opsawg-pcapng §4, §10.1).
constexpr uint32_t kBlockShb = 0x0A0D0D0A;
constexpr uint32_t kBlockIdb = 0x00000001;
constexpr uint32_t kBlockEpb = 0x00000006;
constexpr uint32_t kBlockDsb = 0x0000000A;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr uint16_t kOptEnd = 0;
constexpr uint16_t kOptComment = 1;
constexpr uint16_t kShbUserAppl = 4;
constexpr uint16_t kIfName = 2;
constexpr uint16_t kIfTsresol = 9;
constexpr uint32_t kRawInterface = 0;
constexpr uint32_t kUpperPduInterface = 1;

// Exported PDU tags (wsutil/exported_pdu_tlvs.h): big-endian 16-bit type and length.
constexpr uint16_t kExpPduEnd = 0;
constexpr uint16_t kExpPduDissectorName = 12;
constexpr uint16_t kExpPduIpv4Src = 20;
constexpr uint16_t kExpPduIpv4Dst = 21;
constexpr uint16_t kExpPduIpv6Src = 22;
constexpr uint16_t kExpPduIpv6Dst = 23;
constexpr uint16_t kExpPduPortType = 24;
constexpr uint16_t kExpPduSrcPort = 25;
constexpr uint16_t kExpPduDstPort = 26;
constexpr uint32_t kExpPduPtTcp = 2;
constexpr uint32_t kExpPduPtUdp = 3;

constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpPsh = 0x08, kTcpAck = 0x10;
constexpr size_t kMaxSegment = 65000;  // keeps IPv4 total length and IPv6 payload length in 16 bits

// Host-order writers (the SHB's byte-order magic declares the order) and big-endian ones (packets).
template <typename T>
void PutHost(std::string& s, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  s.append(b, sizeof(T));
}
void PutBe16(std::string& s, uint16_t v) {
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v & 0xFF));
}
void PutBe32(std::string& s, uint32_t v) {
  PutBe16(s, static_cast<uint16_t>(v >> 16));
  PutBe16(s, static_cast<uint16_t>(v & 0xFFFF));
}
void Pad4(std::string& s) {
  while (s.size() % 4 != 0) s.push_back('\0');
}
void PutOption(std::string& s, uint16_t code, const std::string& value) {
  PutHost<uint16_t>(s, code);
  PutHost<uint16_t>(s, static_cast<uint16_t>(value.size()));
  s += value;
  Pad4(s);
}
void PutEndOfOptions(std::string& s) {
  PutHost<uint16_t>(s, kOptEnd);
  PutHost<uint16_t>(s, 0);
}

// RFC 1071 one's complement sum over big-endian 16-bit words.
uint32_t SumWords(const std::string& s, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < s.size(); i += 2)
    sum += (static_cast<uint8_t>(s[i]) << 8) | static_cast<uint8_t>(s[i + 1]);
  if (s.size() % 2) sum += static_cast<uint8_t>(s.back()) << 8;
  return sum;
}
uint16_t FoldChecksum(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xFFFF);
}

// Wraps a transport segment (with a zero checksum at `checksum_offset`) in an IPv4 or IPv6 header and
// fills in both checksums. Empty on an address that is no IP literal or on mixed families.
std::string IpPacket(const SocketAddress& src, const SocketAddress& dst, uint8_t proto,
                     std::string segment, size_t checksum_offset, uint16_t ip_id) {
  Result<std::string> s = AddressBytes(src);
  Result<std::string> d = AddressBytes(dst);
  if (!s || !d || s->size() != d->size()) return {};
  std::string pseudo = *s + *d;
  if (s->size() == 4) {
    pseudo.push_back(0);
    pseudo.push_back(static_cast<char>(proto));
    PutBe16(pseudo, static_cast<uint16_t>(segment.size()));
  } else {
    PutBe32(pseudo, static_cast<uint32_t>(segment.size()));
    pseudo.append(3, '\0');
    pseudo.push_back(static_cast<char>(proto));
  }
  uint16_t sum = FoldChecksum(SumWords(segment, SumWords(pseudo)));
  if (proto == kProtoUdp && sum == 0) sum = 0xFFFF;  // RFC 768: zero means "no checksum"
  segment[checksum_offset] = static_cast<char>(sum >> 8);
  segment[checksum_offset + 1] = static_cast<char>(sum & 0xFF);

  std::string ip;
  if (s->size() == 4) {
    ip.push_back(0x45);
    ip.push_back(0);
    PutBe16(ip, static_cast<uint16_t>(20 + segment.size()));
    PutBe16(ip, ip_id);
    PutBe16(ip, 0x4000);  // DF
    ip.push_back(64);
    ip.push_back(static_cast<char>(proto));
    PutBe16(ip, 0);
    ip += *s + *d;
    uint16_t hsum = FoldChecksum(SumWords(ip));
    ip[10] = static_cast<char>(hsum >> 8);
    ip[11] = static_cast<char>(hsum & 0xFF);
  } else {
    PutBe32(ip, 0x60000000);
    PutBe16(ip, static_cast<uint16_t>(segment.size()));
    ip.push_back(static_cast<char>(proto));
    ip.push_back(64);
    ip += *s + *d;
  }
  return ip + segment;
}

uint32_t InitialSequence(const SocketAddress& src, const SocketAddress& dst) {
  // FNV-1a over the flow, so each flow has its own but reproducible ISN.
  uint32_t h = 2166136261u;
  for (char c : ToString(src) + ">" + ToString(dst)) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return h;
}

std::string Joined(const std::string& comment, const std::string& note) {
  if (note.empty()) return comment;
  if (comment.empty()) return note;
  return comment + "; " + note;
}

}  // namespace

Result<std::unique_ptr<Recorder>> Recorder::Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return InternalError("pcapng: cannot create " + path + ": " + std::strerror(errno));
  std::unique_ptr<Recorder> r(new Recorder(f, path));
  std::lock_guard lock(r->mu_);
  std::string shb;
  PutHost<uint32_t>(shb, kByteOrderMagic);
  PutHost<uint16_t>(shb, 1);  // major
  PutHost<uint16_t>(shb, 0);  // minor
  PutHost<int64_t>(shb, -1);  // section length: not given
  PutOption(shb, kShbUserAppl, "lwm2m-harness wire");
  PutEndOfOptions(shb);
  r->WriteBlockLocked(kBlockShb, shb);
  for (auto [linktype, name] : {std::pair<uint32_t, const char*>{kLinktypeRaw, "relay"},
                                std::pair<uint32_t, const char*>{kLinktypeUpperPdu, "coap-plaintext"}}) {
    std::string idb;
    PutHost<uint16_t>(idb, static_cast<uint16_t>(linktype));
    PutHost<uint16_t>(idb, 0);
    PutHost<uint32_t>(idb, 0);  // snaplen: no limit
    PutOption(idb, kIfName, name);
    PutOption(idb, kIfTsresol, std::string(1, '\x09'));  // 10^-9 s
    PutEndOfOptions(idb);
    r->WriteBlockLocked(kBlockIdb, idb);
  }
  if (!r->error_.ok()) return r->error_;
  return r;
}

Recorder::~Recorder() { (void)Close(); }

void Recorder::SetComment(std::string comment) {
  std::lock_guard lock(mu_);
  comment_ = std::move(comment);
}

std::string Recorder::comment() const {
  std::lock_guard lock(mu_);
  return comment_;
}

uint32_t Recorder::frames() const {
  std::lock_guard lock(mu_);
  return frames_;
}

void Recorder::WriteBlockLocked(uint32_t type, const std::string& body) {
  if (!file_) return;
  std::string block;
  const uint32_t total = static_cast<uint32_t>(12 + body.size());
  PutHost<uint32_t>(block, type);
  PutHost<uint32_t>(block, total);
  block += body;
  PutHost<uint32_t>(block, total);
  if (std::fwrite(block.data(), 1, block.size(), file_) != block.size() || std::fflush(file_) != 0) {
    if (error_.ok()) error_ = InternalError("pcapng: write to " + path_ + " failed: " + std::strerror(errno));
  }
}

uint32_t Recorder::WriteEpbLocked(uint32_t interface_id, const std::string& packet,
                                  std::chrono::system_clock::time_point t, const std::string& note) {
  if (!file_ || packet.empty()) return 0;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  const uint64_t ts = ns < 0 ? 0 : static_cast<uint64_t>(ns);
  std::string epb;
  PutHost<uint32_t>(epb, interface_id);
  PutHost<uint32_t>(epb, static_cast<uint32_t>(ts >> 32));
  PutHost<uint32_t>(epb, static_cast<uint32_t>(ts & 0xFFFFFFFF));
  PutHost<uint32_t>(epb, static_cast<uint32_t>(packet.size()));
  PutHost<uint32_t>(epb, static_cast<uint32_t>(packet.size()));
  epb += packet;
  Pad4(epb);
  std::string text = Joined(comment_, note);
  if (!text.empty()) {
    if (text.size() > 60000) text.resize(60000);
    PutOption(epb, kOptComment, text);
    PutEndOfOptions(epb);
  }
  WriteBlockLocked(kBlockEpb, epb);
  return ++frames_;
}

uint32_t Recorder::RecordUdp(const SocketAddress& src, const SocketAddress& dst, const Bytes& payload,
                             std::chrono::system_clock::time_point t, const std::string& note) {
  std::lock_guard lock(mu_);
  if (payload.size() > kMaxSegment) return 0;
  std::string udp;
  PutBe16(udp, src.port);
  PutBe16(udp, dst.port);
  PutBe16(udp, static_cast<uint16_t>(8 + payload.size()));
  PutBe16(udp, 0);
  udp.append(payload.begin(), payload.end());
  std::string packet = IpPacket(src, dst, kProtoUdp, std::move(udp), 6, ip_id_++);
  return WriteEpbLocked(kRawInterface, packet, t, note);
}

Recorder::TcpFlow& Recorder::FlowLocked(const SocketAddress& src, const SocketAddress& dst) {
  auto [it, inserted] = flows_.try_emplace(FlowKey{src, dst});
  if (inserted) it->second.next_seq = InitialSequence(src, dst);
  return it->second;
}

uint32_t Recorder::WriteTcpSegmentLocked(const SocketAddress& src, const SocketAddress& dst, uint8_t flags,
                                         const uint8_t* data, size_t size,
                                         std::chrono::system_clock::time_point t, const std::string& note) {
  TcpFlow& out = FlowLocked(src, dst);
  TcpFlow& back = FlowLocked(dst, src);
  std::string tcp;
  PutBe16(tcp, src.port);
  PutBe16(tcp, dst.port);
  PutBe32(tcp, out.next_seq);
  PutBe32(tcp, (flags & kTcpAck) ? back.next_seq : 0);
  tcp.push_back(0x50);  // data offset: 5 words, no options
  tcp.push_back(static_cast<char>(flags));
  PutBe16(tcp, 65535);  // window
  PutBe16(tcp, 0);      // checksum, filled in by IpPacket
  PutBe16(tcp, 0);      // urgent pointer
  tcp.append(reinterpret_cast<const char*>(data), size);
  std::string packet = IpPacket(src, dst, kProtoTcp, std::move(tcp), 16, ip_id_++);
  if (packet.empty()) return 0;
  out.next_seq += static_cast<uint32_t>(size) + ((flags & kTcpSyn) ? 1 : 0) + ((flags & kTcpFin) ? 1 : 0);
  return WriteEpbLocked(kRawInterface, packet, t, note);
}

uint32_t Recorder::RecordTcp(const SocketAddress& src, const SocketAddress& dst, const Bytes& payload,
                             std::chrono::system_clock::time_point t, const std::string& note) {
  std::lock_guard lock(mu_);
  uint32_t first = 0;
  size_t offset = 0;
  do {
    const size_t n = std::min(kMaxSegment, payload.size() - offset);
    uint32_t frame = WriteTcpSegmentLocked(src, dst, kTcpAck | kTcpPsh, payload.data() + offset, n, t, note);
    if (frame == 0) return first;
    if (first == 0) first = frame;
    offset += n;
  } while (offset < payload.size());
  return first;
}

uint32_t Recorder::RecordTcpOpen(const SocketAddress& client, const SocketAddress& server,
                                 std::chrono::system_clock::time_point t, const std::string& note) {
  std::lock_guard lock(mu_);
  flows_.erase(FlowKey{client, server});
  flows_.erase(FlowKey{server, client});
  uint32_t first = WriteTcpSegmentLocked(client, server, kTcpSyn, nullptr, 0, t, note);
  WriteTcpSegmentLocked(server, client, kTcpSyn | kTcpAck, nullptr, 0, t, note);
  WriteTcpSegmentLocked(client, server, kTcpAck, nullptr, 0, t, note);
  return first;
}

uint32_t Recorder::RecordTcpClose(const SocketAddress& src, const SocketAddress& dst,
                                  std::chrono::system_clock::time_point t, const std::string& note) {
  std::lock_guard lock(mu_);
  return WriteTcpSegmentLocked(src, dst, kTcpFin | kTcpAck, nullptr, 0, t, note);
}

uint32_t Recorder::RecordCoap(Transport transport, const SocketAddress& src, const SocketAddress& dst,
                              const Bytes& coap_message, std::chrono::system_clock::time_point t,
                              const std::string& note) {
  Result<std::string> s = AddressBytes(src);
  Result<std::string> d = AddressBytes(dst);
  if (!s || !d || s->size() != d->size()) return 0;
  const bool v6 = s->size() == 16;
  std::string pdu;
  auto tag = [&pdu](uint16_t type, const std::string& value) {
    PutBe16(pdu, type);
    PutBe16(pdu, static_cast<uint16_t>(value.size()));
    pdu += value;
  };
  auto be32 = [](uint32_t v) {
    std::string out;
    PutBe32(out, v);
    return out;
  };
  // NUL-padded to a multiple of 4 as Wireshark's own exporter writes it; the padding counts in the
  // length and readers stop at the first NUL (exported_pdu_tlvs.h: "zero, one, or more null bytes").
  std::string name = transport == Transport::kUdp ? kCoapUdpDissector : kCoapTcpDissector;
  name.resize((name.size() + 3) & ~size_t{3}, '\0');
  tag(kExpPduDissectorName, name);
  tag(v6 ? kExpPduIpv6Src : kExpPduIpv4Src, *s);
  tag(v6 ? kExpPduIpv6Dst : kExpPduIpv4Dst, *d);
  tag(kExpPduPortType, be32(transport == Transport::kUdp ? kExpPduPtUdp : kExpPduPtTcp));
  tag(kExpPduSrcPort, be32(src.port));
  tag(kExpPduDstPort, be32(dst.port));
  tag(kExpPduEnd, {});
  pdu.append(coap_message.begin(), coap_message.end());
  std::lock_guard lock(mu_);
  return WriteEpbLocked(kUpperPduInterface, pdu, t, note);
}

void Recorder::AddKeyLog(const std::string& nss_keylog_lines) {
  if (nss_keylog_lines.empty()) return;
  std::string dsb;
  PutHost<uint32_t>(dsb, kSecretsTypeTlsKeyLog);
  PutHost<uint32_t>(dsb, static_cast<uint32_t>(nss_keylog_lines.size()));
  dsb += nss_keylog_lines;
  Pad4(dsb);
  std::lock_guard lock(mu_);
  WriteBlockLocked(kBlockDsb, dsb);
}

Status Recorder::Close() {
  std::lock_guard lock(mu_);
  if (file_) {
    if (std::fclose(file_) != 0 && error_.ok())
      error_ = InternalError("pcapng: closing " + path_ + " failed: " + std::strerror(errno));
    file_ = nullptr;
  }
  return error_;
}

}  // namespace lwm2m::wire
