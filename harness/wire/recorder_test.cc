// Recorder tests: the pcapng files are checked by reading them back with tshark (Wireshark 4.0),
// the same reader users will open them with.
#include "harness/wire/recorder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <thread>

#include "harness/wire/test_support.h"
#include "lwm2m/coap_wire.h"

namespace lwm2m::wire {
namespace {

using namespace lwm2m::wire::testing;

#define REQUIRE_TSHARK() \
  if (!TsharkAvailable()) GTEST_SKIP() << "tshark is not installed (Debian: apt-get install tshark)"

const auto kT0 = std::chrono::system_clock::time_point(std::chrono::seconds(1764000000));

Bytes CoapGet(const std::string& uri, uint16_t mid, Bytes token, CoapTransport t = CoapTransport::kUdp) {
  CoapMessage m = CoapMessage::Request(CoapCode::kGet, uri);
  m.message_id = mid;
  m.token = std::move(token);
  Result<Bytes> b = Encode(m, t);
  return b.ok() ? *b : Bytes{};
}

Bytes CoapContent(uint16_t mid, Bytes token, CoapTransport t = CoapTransport::kUdp) {
  CoapMessage m;
  m.type = CoapType::kAcknowledgement;
  m.code = CoapCode::kContent;
  m.message_id = mid;
  m.token = std::move(token);
  m.payload = B("ACME");
  Result<Bytes> b = Encode(m, t);
  return b.ok() ? *b : Bytes{};
}

std::vector<std::string> Fields(const std::string& file, std::vector<std::string> fields,
                                std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"-r", file, "-T", "fields", "-E", "separator=|"};
  args.insert(args.end(), extra.begin(), extra.end());
  for (auto& f : fields) {
    args.push_back("-e");
    args.push_back(f);
  }
  TsharkResult r = RunTshark(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("damaged"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("rror"), std::string::npos) << r.err;
  return Lines(r.out);
}

TEST(WireRecorder, FramesAreNumberedFromOneAndCountedAcrossLinkTypes) {
  TempDir dir;
  auto rec = Recorder::Open(dir.File("a.pcapng"));
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  Recorder& r = **rec;
  EXPECT_EQ(r.frames(), 0u);
  EXPECT_EQ(r.RecordUdp({"127.0.0.1", 1}, {"127.0.0.1", 2}, B("x"), kT0), 1u);
  EXPECT_EQ(r.RecordCoap(Transport::kUdp, {"127.0.0.1", 1}, {"127.0.0.1", 2}, CoapGet("/3/0", 1, {}), kT0), 2u);
  r.AddKeyLog("CLIENT_RANDOM 00 11\n");  // not a frame
  EXPECT_EQ(r.RecordTcp({"127.0.0.1", 1}, {"127.0.0.1", 2}, B("y"), kT0), 3u);
  EXPECT_EQ(r.frames(), 3u);
  EXPECT_TRUE(r.Close().ok());
  EXPECT_TRUE(r.Close().ok());  // idempotent
  EXPECT_EQ(r.RecordUdp({"127.0.0.1", 1}, {"127.0.0.1", 2}, B("x"), kT0), 0u);
}

TEST(WireRecorder, RejectsAddressesThatAreNoIpLiteralsWithoutWriting) {
  TempDir dir;
  auto rec = Recorder::Open(dir.File("a.pcapng"));
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ((*rec)->RecordUdp({"localhost", 1}, {"127.0.0.1", 2}, B("x"), kT0), 0u);
  EXPECT_EQ((*rec)->RecordUdp({"127.0.0.1", 1}, {"::1", 2}, B("x"), kT0), 0u);  // mixed families
  EXPECT_EQ((*rec)->RecordCoap(Transport::kUdp, {"::1", 1}, {"10.0.0.1", 2}, B("x"), kT0), 0u);
  EXPECT_EQ((*rec)->frames(), 0u);
}

TEST(WireRecorder, OpenFailsWithThePathForAnUnwritableFile) {
  auto rec = Recorder::Open("/nonexistent-dir/x.pcapng");
  ASSERT_FALSE(rec.ok());
  EXPECT_NE(rec.status().message().find("/nonexistent-dir/x.pcapng"), std::string::npos);
}

TEST(WireRecorder, FileStartsWithSectionHeaderAndTwoInterfaces) {
  TempDir dir;
  const std::string path = dir.File("a.pcapng");
  ASSERT_TRUE(Recorder::Open(path).ok());
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GE(bytes.size(), 28u);
  auto u32 = [&](size_t at) {
    uint32_t v;
    std::memcpy(&v, &bytes[at], 4);
    return v;
  };
  EXPECT_EQ(u32(0), 0x0A0D0D0Au);
  EXPECT_EQ(u32(8), 0x1A2B3C4Du);
  const uint32_t shb_len = u32(4);
  EXPECT_EQ(shb_len % 4, 0u);
  EXPECT_EQ(u32(shb_len - 4), shb_len);  // trailing length repeats the leading one
  EXPECT_EQ(u32(shb_len), 1u);           // IDB
  const uint32_t idb_len = u32(shb_len + 4);
  EXPECT_EQ(bytes[shb_len + 8] | bytes[shb_len + 9] << 8, 101);  // LINKTYPE_RAW
  EXPECT_EQ(u32(shb_len + idb_len), 1u);
  EXPECT_EQ(bytes[shb_len + idb_len + 8] | bytes[shb_len + idb_len + 9] << 8, 252);  // upper PDU
  EXPECT_EQ(shb_len + idb_len + u32(shb_len + idb_len + 4), bytes.size());
}

TEST(WireRecorder, UdpOverIpv4DissectsWithCommentPortsChecksumsAndCoap) {
  REQUIRE_TSHARK();
  TempDir dir;
  const std::string path = dir.File("udp.pcapng");
  {
    auto rec = Recorder::Open(path);
    ASSERT_TRUE(rec.ok());
    (*rec)->SetComment("case=reg-101 step=3");
    (*rec)->RecordUdp({"127.0.0.1", 40001}, {"127.0.0.1", 5683}, CoapGet("/3/0/9", 0x1234, {0xAB}), kT0);
    (*rec)->SetComment("");
    (*rec)->RecordUdp({"127.0.0.1", 5683}, {"127.0.0.1", 40001}, CoapContent(0x1234, {0xAB}),
                      kT0 + std::chrono::nanoseconds(1500), "dropped by fault");
  }
  auto lines = Fields(path,
                      {"frame.comment", "ip.src", "udp.srcport", "udp.dstport", "coap.code", "coap.opt.uri_path",
                       "udp.checksum.status", "ip.checksum.status", "frame.time_epoch"},
                      {"-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE"});
  ASSERT_EQ(lines.size(), 2u);
  // Status 1 is "Good" (proto.h PROTO_CHECKSUM_E_GOOD).
  EXPECT_EQ(lines[0], "case=reg-101 step=3|127.0.0.1|40001|5683|1|3,0,9|1|1|1764000000.000000000");
  EXPECT_EQ(lines[1], "dropped by fault|127.0.0.1|5683|40001|69||1|1|1764000000.000001500");
}

TEST(WireRecorder, UdpOverIpv6DissectsWithAGoodChecksum) {
  REQUIRE_TSHARK();
  TempDir dir;
  const std::string path = dir.File("udp6.pcapng");
  {
    auto rec = Recorder::Open(path);
    ASSERT_TRUE(rec.ok());
    (*rec)->RecordUdp({"::1", 40001}, {"::1", 5683}, CoapGet("/3/0", 7, {}), kT0);
  }
  auto lines = Fields(path, {"ipv6.src", "ipv6.dst", "udp.srcport", "coap.code", "udp.checksum.status"},
                      {"-o", "udp.check_checksum:TRUE"});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "::1|::1|40001|1|1");
}

TEST(WireRecorder, ExportedCoapPdusCarryAddressesAndPortsSoResponsesMatchRequests) {
  REQUIRE_TSHARK();
  TempDir dir;
  const std::string path = dir.File("coap.pcapng");
  {
    auto rec = Recorder::Open(path);
    ASSERT_TRUE(rec.ok());
    (*rec)->SetComment("case=read-201 step=1");
    (*rec)->RecordCoap(Transport::kUdp, {"127.0.0.1", 56830}, {"127.0.0.2", 40000}, CoapGet("/3/0/0", 0x77, {1, 2}),
                       kT0);
    (*rec)->RecordCoap(Transport::kUdp, {"127.0.0.2", 40000}, {"127.0.0.1", 56830}, CoapContent(0x77, {1, 2}), kT0);
  }
  auto lines = Fields(path, {"frame.comment", "exported_pdu.prot_name", "_ws.col.Source", "_ws.col.Destination",
                             "exported_pdu.src_port", "exported_pdu.dst_port", "coap.code", "coap.opt.uri_path",
                             "coap.response_to"},
                      {"-2"});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "case=read-201 step=1|coap|127.0.0.1|127.0.0.2|56830|40000|1|3,0,0|");
  EXPECT_EQ(lines[1], "case=read-201 step=1|coap|127.0.0.2|127.0.0.1|40000|56830|69||1");
}

TEST(WireRecorder, ExportedCoapOverIpv6AndTcpFraming) {
  REQUIRE_TSHARK();
  TempDir dir;
  const std::string path = dir.File("coap6.pcapng");
  {
    auto rec = Recorder::Open(path);
    ASSERT_TRUE(rec.ok());
    (*rec)->RecordCoap(Transport::kUdp, {"::1", 5683}, {"::1", 40000}, CoapGet("/1/0", 1, {}), kT0);
    (*rec)->RecordCoap(Transport::kTcp, {"127.0.0.1", 41000}, {"127.0.0.1", 5683},
                       CoapGet("/3/0", 0, {9}, CoapTransport::kTcp), kT0);
  }
  auto lines = Fields(path, {"exported_pdu.prot_name", "_ws.col.Source", "exported_pdu.port_type", "coap.code",
                             "coap.opt.uri_path", "coap.token"});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "coap|::1|3|1|1,0|");
  EXPECT_EQ(lines[1], "coap_tcp_tls|127.0.0.1|2|1|3,0|09");
}

TEST(WireRecorder, TcpConversationHasConsistentSequenceNumbers) {
  REQUIRE_TSHARK();
  TempDir dir;
  const std::string path = dir.File("tcp.pcapng");
  const SocketAddress client{"127.0.0.1", 41000}, server{"127.0.0.1", 5683};
  {
    auto rec = Recorder::Open(path);
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ((*rec)->RecordTcpOpen(client, server, kT0), 1u);
    EXPECT_EQ((*rec)->RecordTcp(client, server, CoapGet("/3/0", 0, {9}, CoapTransport::kTcp), kT0), 4u);
    (*rec)->RecordTcp(server, client, CoapContent(0, {9}, CoapTransport::kTcp), kT0);
    (*rec)->RecordTcp(client, server, B("ab"), kT0);
    (*rec)->RecordTcpClose(client, server, kT0);
    (*rec)->RecordTcpClose(server, client, kT0);
  }
  auto lines = Fields(path, {"tcp.flags.str", "tcp.seq", "tcp.ack", "tcp.len", "tcp.checksum.status", "coap.code"},
                      {"-o", "tcp.check_checksum:TRUE", "-o", "tcp.relative_sequence_numbers:TRUE"});
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[0].substr(0, lines[0].find('|')), "··········S·");
  EXPECT_NE(lines[3].find("|1|1|"), std::string::npos) << lines[3];  // first data: relative seq 1, ack 1
  EXPECT_NE(lines[3].find("|1|1"), std::string::npos);
  EXPECT_EQ(lines[3].substr(lines[3].rfind('|') + 1), "1");   // GET dissected on port 5683
  EXPECT_EQ(lines[4].substr(lines[4].rfind('|') + 1), "69");  // 2.05
  // No TCP analysis complaint (lost segment, ACKed unseen segment, retransmission...).
  TsharkResult flags = RunTshark({"-r", path, "-Y", "tcp.analysis.flags && !tcp.analysis.window_update"});
  EXPECT_EQ(flags.out, "");
}

constexpr const char* kKeyLog =
    "CLIENT_RANDOM 5a2e61b4c5d3e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819 "
    "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\n";

TEST(WireRecorder, KeyLogBlockIsAcceptedAndDoesNotCountAsAFrame) {
  REQUIRE_TSHARK();
  TempDir dir;
  const std::string path = dir.File("dsb.pcapng");
  {
    auto rec = Recorder::Open(path);
    ASSERT_TRUE(rec.ok());
    (*rec)->AddKeyLog(kKeyLog);
    (*rec)->RecordUdp({"127.0.0.1", 40001}, {"127.0.0.1", 5684}, B("\x16\xfe\xfd"), kT0);
  }
  auto lines = Fields(path, {"frame.number", "udp.dstport"});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "1|5684");
  TsharkResult info = RunTool("capinfos", {path});
  EXPECT_NE(info.out.find("Number of decryption secrets in file: 1"), std::string::npos) << info.out << info.err;
}

TEST(WireRecorder, KeyLogBlockIsByteForByteWhatEditcapInjects) {
  REQUIRE_TSHARK();
  TempDir dir;
  const std::string plain = dir.File("plain.pcapng"), ours = dir.File("ours.pcapng"), theirs = dir.File("e.pcapng");
  const std::string keys = dir.File("keys.log");
  std::ofstream(keys) << kKeyLog;
  ASSERT_TRUE(Recorder::Open(plain).ok());
  {
    auto rec = Recorder::Open(ours);
    ASSERT_TRUE(rec.ok());
    (*rec)->AddKeyLog(kKeyLog);
  }
  TsharkResult r = RunTool("editcap", {"--inject-secrets", "tls," + keys, plain, theirs});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Ours: SHB, IDB, IDB, DSB. editcap: SHB, DSB, IDB, IDB. Compare the DSBs.
  const auto a = ReadFile(ours), b = ReadFile(theirs), p = ReadFile(plain);
  ASSERT_GT(a.size(), p.size());
  const std::vector<uint8_t> our_dsb(a.begin() + static_cast<long>(p.size()), a.end());
  uint32_t shb_len;
  std::memcpy(&shb_len, &b[4], 4);
  ASSERT_GE(b.size(), shb_len + our_dsb.size());
  const std::vector<uint8_t> their_dsb(b.begin() + shb_len, b.begin() + shb_len + static_cast<long>(our_dsb.size()));
  EXPECT_EQ(our_dsb, their_dsb);
}

TEST(WireRecorder, ConcurrentWritersLoseNothing) {
  TempDir dir;
  const std::string path = dir.File("mt.pcapng");
  auto rec = Recorder::Open(path);
  ASSERT_TRUE(rec.ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        if (i % 2) (*rec)->RecordUdp({"127.0.0.1", static_cast<uint16_t>(1000 + t)}, {"127.0.0.1", 2}, B("x"), kT0);
        else (*rec)->RecordTcp({"127.0.0.1", static_cast<uint16_t>(1000 + t)}, {"127.0.0.1", 2}, B("y"), kT0);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ((*rec)->frames(), 2000u);
  ASSERT_TRUE((*rec)->Close().ok());
  if (!TsharkAvailable()) return;
  auto lines = Fields(path, {"frame.number"});
  EXPECT_EQ(lines.size(), 2000u);
}

TEST(WireRecorder, LargeTcpPayloadIsSplitIntoSegments) {
  TempDir dir;
  auto rec = Recorder::Open(dir.File("big.pcapng"));
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ((*rec)->RecordTcp({"127.0.0.1", 1}, {"127.0.0.1", 2}, Bytes(150000, 0x41), kT0), 1u);
  EXPECT_EQ((*rec)->frames(), 3u);
  EXPECT_EQ((*rec)->RecordUdp({"127.0.0.1", 1}, {"127.0.0.1", 2}, Bytes(70000, 0x41), kT0), 0u);
}

}  // namespace
}  // namespace lwm2m::wire
