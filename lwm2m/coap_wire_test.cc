// coap_wire_test.cc: byte-exact CoAP framing over UDP (RFC 7252 §3) and TCP
// (RFC 8323 §3.2), known-answer vectors from RFC 7252 Appendix A and RFC 7959
// §3, and one negative case per diagnostic of the strict parsers.
#include "lwm2m/coap_wire.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

namespace lwm2m {
namespace {

Bytes B(std::initializer_list<int> v) {
  Bytes out;
  for (int x : v) out.push_back(static_cast<uint8_t>(x));
  return out;
}
Bytes S(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// True when some diagnostic of `severity` has `needle` in its message.
bool Has(const std::vector<Diagnostic>& ds, Severity severity, std::string_view needle) {
  for (const auto& d : ds)
    if (d.severity == severity && d.message.find(needle) != std::string::npos) return true;
  return false;
}
std::string Dump(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += d.ToString() + "\n";
  return s;
}
const Diagnostic* Find(const std::vector<Diagnostic>& ds, std::string_view needle) {
  for (const auto& d : ds)
    if (d.message.find(needle) != std::string::npos) return &d;
  return nullptr;
}

// Encodes `m` and expects exactly `bytes`; parses `bytes` and expects `m` with no diagnostics
// other than `allowed_info` infos.
void ExpectUdpVector(const CoapMessage& m, const Bytes& bytes) {
  auto enc = EncodeUdp(m);
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  EXPECT_EQ(HexEncode(*enc), HexEncode(bytes));
  WireParseResult r = ParseUdp(bytes);
  EXPECT_FALSE(r.HasErrors()) << Dump(r.diagnostics);
  EXPECT_EQ(r.message, m) << r.message.Summary() << " vs " << m.Summary();
  EXPECT_EQ(r.size, bytes.size());
}

void ExpectTcpVector(const CoapMessage& m, const Bytes& bytes) {
  auto enc = EncodeTcp(m);
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  EXPECT_EQ(HexEncode(*enc), HexEncode(bytes));
  WireParseResult r = ParseTcp(bytes);
  EXPECT_FALSE(r.HasErrors()) << Dump(r.diagnostics);
  CoapMessage expected = m;
  expected.type = CoapType::kConfirmable;  // TCP has no type or message id
  expected.message_id = 0;
  EXPECT_EQ(r.message, expected) << r.message.Summary();
  EXPECT_EQ(r.size, bytes.size());
  EXPECT_EQ(TcpFrameSize(bytes), bytes.size());
}

CoapMessage Msg(CoapType type, uint8_t code, uint16_t mid, Bytes token = {}) {
  CoapMessage m;
  m.type = type;
  m.code = code;
  m.message_id = mid;
  m.token = std::move(token);
  return m;
}

// ---------------------------------------------------------------- RFC 7252 Appendix A

// RFC 7252 Appendix A, Figure 16: "This request is a total of 16 bytes long",
// header 1|0|0|GET=1|MID=0x7d34, option delta 11 length 11 "temperature".
TEST(CoapWireUdp, Rfc7252Figure16ConfirmableGet) {
  CoapMessage m = Msg(CoapType::kConfirmable, CoapCode::kGet, 0x7d34);
  m.SetUriPath("/temperature");
  Bytes bytes = Cat({B({0x40, 0x01, 0x7d, 0x34, 0xbb}), S("temperature")});
  ASSERT_EQ(bytes.size(), 16u);
  ExpectUdpVector(m, bytes);
}

// Figure 16 response: ACK 2.05=69 MID=0x7d34, marker, "22.3 C": "is 11 bytes long".
TEST(CoapWireUdp, Rfc7252Figure16PiggybackedResponse) {
  CoapMessage m = Msg(CoapType::kAcknowledgement, CoapCode::kContent, 0x7d34);
  m.payload = S("22.3 C");
  Bytes bytes = Cat({B({0x60, 0x45, 0x7d, 0x34, 0xff}), S("22.3 C")});
  ASSERT_EQ(bytes.size(), 11u);
  ExpectUdpVector(m, bytes);
}

// Figure 17: the same with Token 0x20, "increasing the sizes to 17 and 12 bytes".
TEST(CoapWireUdp, Rfc7252Figure17WithToken) {
  CoapMessage req = Msg(CoapType::kConfirmable, CoapCode::kGet, 0x7d35, B({0x20}));
  req.SetUriPath("/temperature");
  Bytes req_bytes = Cat({B({0x41, 0x01, 0x7d, 0x35, 0x20, 0xbb}), S("temperature")});
  ASSERT_EQ(req_bytes.size(), 17u);
  ExpectUdpVector(req, req_bytes);

  CoapMessage resp = Msg(CoapType::kAcknowledgement, CoapCode::kContent, 0x7d35, B({0x20}));
  resp.payload = S("22.3 C");
  Bytes resp_bytes = Cat({B({0x61, 0x45, 0x7d, 0x35, 0x20, 0xff}), S("22.3 C")});
  ASSERT_EQ(resp_bytes.size(), 12u);
  ExpectUdpVector(resp, resp_bytes);
}

// Figure 20: Empty ACK (T=ACK, Code=0.00, MID=0x7d38) and the separate CON 2.05 MID=0xad7b, Token 0x53.
TEST(CoapWireUdp, Rfc7252Figure20SeparateResponse) {
  ExpectUdpVector(Msg(CoapType::kAcknowledgement, CoapCode::kEmpty, 0x7d38), B({0x60, 0x00, 0x7d, 0x38}));
  CoapMessage resp = Msg(CoapType::kConfirmable, CoapCode::kContent, 0xad7b, B({0x53}));
  resp.payload = S("22.3 C");
  ExpectUdpVector(resp, Cat({B({0x41, 0x45, 0xad, 0x7b, 0x53, 0xff}), S("22.3 C")}));
  ExpectUdpVector(Msg(CoapType::kAcknowledgement, CoapCode::kEmpty, 0xad7b), B({0x60, 0x00, 0xad, 0x7b}));
}

// Figure 21: the client rejects the unexpected CON response with RST, Code=0.00, MID=0xad7c.
TEST(CoapWireUdp, Rfc7252Figure21Reset) {
  ExpectUdpVector(Msg(CoapType::kReset, CoapCode::kEmpty, 0xad7c), B({0x70, 0x00, 0xad, 0x7c}));
}

// Figure 22: NON GET MID=0x7d40 Token 0x75, and NON 2.05 MID=0xad7d Token 0x75.
TEST(CoapWireUdp, Rfc7252Figure22NonConfirmable) {
  CoapMessage req = Msg(CoapType::kNonConfirmable, CoapCode::kGet, 0x7d40, B({0x75}));
  req.SetUriPath("/temperature");
  ExpectUdpVector(req, Cat({B({0x51, 0x01, 0x7d, 0x40, 0x75, 0xbb}), S("temperature")}));
  CoapMessage resp = Msg(CoapType::kNonConfirmable, CoapCode::kContent, 0xad7d, B({0x75}));
  resp.payload = S("22.3 C");
  ExpectUdpVector(resp, Cat({B({0x51, 0x45, 0xad, 0x7d, 0x75, 0xff}), S("22.3 C")}));
}

// Figure 23: server C answers NON 4.04 MID=0x952a Token 0x86 with no payload.
TEST(CoapWireUdp, Rfc7252Figure23NotFound) {
  ExpectUdpVector(Msg(CoapType::kNonConfirmable, CoapCode::kNotFound, 0x952a, B({0x86})),
                  B({0x51, 0x84, 0x95, 0x2a, 0x86}));
}

// ---------------------------------------------------------------- RFC 7959 §3

// RFC 7959 §3: "a Block2 Option value of 33 would be shown as 2:2/0/32 and a Block1
// Option value of 59 would be shown as 1:3/1/128".
TEST(CoapWireBlock, Rfc7959Section3OptionValues) {
  auto b33 = DecodeBlockOption(B({33}));
  ASSERT_TRUE(b33.has_value());
  EXPECT_EQ(b33->num, 2u);
  EXPECT_FALSE(b33->more);
  EXPECT_EQ(b33->size(), 32u);
  auto b59 = DecodeBlockOption(B({59}));
  ASSERT_TRUE(b59.has_value());
  EXPECT_EQ(b59->num, 3u);
  EXPECT_TRUE(b59->more);
  EXPECT_EQ(b59->size(), 128u);
  EXPECT_EQ(EncodeBlockOption({2, false, 1}), B({33}));
  EXPECT_EQ(EncodeBlockOption({3, true, 3}), B({59}));
  // RFC 7959 §2.2: "when all of NUM, M, and SZX happen to be zero, a zero-byte integer will be sent".
  EXPECT_TRUE(EncodeBlockOption({0, false, 0}).empty());
  // Figure 1, 3-byte form: NUM 0x12345 (20 bits).
  EXPECT_EQ(EncodeBlockOption({0x12345, true, 6}), B({0x12, 0x34, 0x5e}));
  EXPECT_FALSE(DecodeBlockOption(B({1, 2, 3, 4})).has_value());
}

// RFC 7959 Figure 2 (Simple Block-Wise GET): "CON [MID=1234], GET, /status" and
// "ACK [MID=1234], 2.05 Content, 2:0/1/128"; then "CON [MID=1235], GET, /status, 2:1/0/128".
// Block2 is option 23: after no option the delta 23 needs nibble 13 + 1 byte (10); after
// Uri-Path (11) it is 12. 2:0/1/128 = 0<<4|8|3 = 0x0b; 2:1/0/128 = 1<<4|3 = 0x13.
// The RFC gives no payload bytes; 128 bytes of 'x' stand in for the first block.
TEST(CoapWireBlock, Rfc7959Figure2SimpleBlockwiseGet) {
  CoapMessage get1 = Msg(CoapType::kConfirmable, CoapCode::kGet, 1234);
  get1.SetUriPath("/status");
  ExpectUdpVector(get1, Cat({B({0x40, 0x01, 0x04, 0xd2, 0xb6}), S("status")}));

  CoapMessage ack1 = Msg(CoapType::kAcknowledgement, CoapCode::kContent, 1234);
  ack1.SetBlock2({0, true, 3});
  ack1.payload = Bytes(128, 'x');
  ExpectUdpVector(ack1, Cat({B({0x60, 0x45, 0x04, 0xd2, 0xd1, 0x0a, 0x0b, 0xff}), Bytes(128, 'x')}));

  CoapMessage get2 = Msg(CoapType::kConfirmable, CoapCode::kGet, 1235);
  get2.SetUriPath("/status");
  get2.SetBlock2({1, false, 3});
  ExpectUdpVector(get2, Cat({B({0x40, 0x01, 0x04, 0xd3, 0xb6}), S("status"), B({0xc1, 0x13})}));
  auto b = ParseUdp(*EncodeUdp(get2)).message.Block2();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->num, 1u);
  EXPECT_EQ(b->size(), 128u);
}

// ---------------------------------------------------------------- LwM2M Register

// A Register as in Transport TS 1.2 §6.4.3 (POST /rd?ep=...&lt=...&lwm2m=...&b=U, CF 40).
// Computed by hand:
//   44            Ver 1, T=CON(0), TKL 4
//   02            POST
//   00 01         MID 0x0001
//   a1 b2 c3 d4   token
//   b2 72 64      Uri-Path (11): delta 11, length 2, "rd"
//   11 28         Content-Format (12): delta 1, length 1, 40 = 0x28
//   3d 0e ...     Uri-Query (15): delta 3, length 27 = 13 + 0x0e, "ep=urn:imei:490154203237518"
//   08 ...        Uri-Query: delta 0, length 8, "lt=86400"
//   09 ...        Uri-Query: delta 0, length 9, "lwm2m=1.2"
//   03 ...        Uri-Query: delta 0, length 3, "b=U"
//   ff ...        payload marker, "</1/0>,</3/0>"
TEST(CoapWireUdp, Lwm2mRegisterKnownBytes) {
  CoapMessage m = CoapMessage::Request(CoapCode::kPost, "/rd?ep=urn:imei:490154203237518&lt=86400&lwm2m=1.2&b=U");
  m.message_id = 1;
  m.token = B({0xa1, 0xb2, 0xc3, 0xd4});
  m.SetContentFormat(ContentFormat::kLinkFormat);
  m.payload = S("</1/0>,</3/0>");
  Bytes bytes = Cat({B({0x44, 0x02, 0x00, 0x01, 0xa1, 0xb2, 0xc3, 0xd4}), B({0xb2}), S("rd"), B({0x11, 0x28}),
                     B({0x3d, 0x0e}), S("ep=urn:imei:490154203237518"), B({0x08}), S("lt=86400"), B({0x09}),
                     S("lwm2m=1.2"), B({0x03}), S("b=U"), B({0xff}), S("</1/0>,</3/0>")});
  ASSERT_EQ(bytes.size(), 79u);
  ExpectUdpVector(m, bytes);
  WireParseResult r = ParseUdp(bytes);
  EXPECT_EQ(r.message.UriPath(), "/rd");
  EXPECT_EQ(r.message.Query("ep"), "urn:imei:490154203237518");
  EXPECT_EQ(r.message.GetContentFormat(), ContentFormat::kLinkFormat);
  EXPECT_EQ(r.option_offsets, (std::vector<size_t>{8, 11, 13, 42, 51, 61}));
}

// Option delta and length extensions (RFC 7252 §3.1): No-Response (258) needs nibble 13
// and 258-13 = 245; an experimental option 2048 after it needs nibble 14 and
// 2048-258-269 = 1521 = 0x05f1; a 300-byte value needs length nibble 14 and 300-269 = 31.
TEST(CoapWireUdp, EncodesExtendedDeltasAndLengths) {
  CoapMessage m = Msg(CoapType::kNonConfirmable, CoapCode::kPost, 0x0203);
  m.AddUintOption(CoapOption::kNoResponse, 26);
  m.AddOption(2048, Bytes(300, 0xab));
  Bytes bytes = Cat({B({0x50, 0x02, 0x02, 0x03, 0xd1, 245, 26, 0xee, 0x05, 0xf1, 0x00, 0x1f}), Bytes(300, 0xab)});
  ExpectUdpVector(m, bytes);
}

// ---------------------------------------------------------------- RFC 8323 §3.2

// RFC 8323 §3.2 Figure 4: Len|TKL, Code, Token, Options, Payload, where Len counts
// the bytes from the first option on. GET /temperature with Token 0x20 over TCP:
// options bb+"temperature" = 12 bytes -> Len 12, TKL 1 -> 0xc1.
TEST(CoapWireTcp, Rfc8323Figure4ShortFrames) {
  CoapMessage req = Msg(CoapType::kConfirmable, CoapCode::kGet, 0, B({0x20}));
  req.SetUriPath("/temperature");
  ExpectTcpVector(req, Cat({B({0xc1, 0x01, 0x20, 0xbb}), S("temperature")}));
  CoapMessage resp = Msg(CoapType::kConfirmable, CoapCode::kContent, 0, B({0x20}));
  resp.payload = S("22.3 C");
  ExpectTcpVector(resp, Cat({B({0x71, 0x45, 0x20, 0xff}), S("22.3 C")}));
  // An Empty message over TCP is one byte of Len|TKL and the code (RFC 8323 §3.2, §5).
  ExpectTcpVector(Msg(CoapType::kConfirmable, CoapCode::kEmpty, 0), B({0x00, 0x00}));
}

// Figures 5-7: Len 13 (8-bit Extended Length = length - 13), 14 (16-bit, - 269),
// 15 (32-bit, - 65805).
TEST(CoapWireTcp, Rfc8323Figures5To7ExtendedLength) {
  CoapMessage m13 = Msg(CoapType::kConfirmable, CoapCode::kContent, 0);
  m13.payload = Bytes(20, 'a');  // 21 bytes with the marker -> 0xd0, 21-13 = 8
  ExpectTcpVector(m13, Cat({B({0xd0, 0x08, 0x45, 0xff}), Bytes(20, 'a')}));
  CoapMessage m14 = Msg(CoapType::kConfirmable, CoapCode::kContent, 0, B({0x01, 0x02}));
  m14.payload = Bytes(299, 'b');  // 300 -> 0xe2, 300-269 = 0x001f
  ExpectTcpVector(m14, Cat({B({0xe2, 0x00, 0x1f, 0x45, 0x01, 0x02, 0xff}), Bytes(299, 'b')}));
  CoapMessage m15 = Msg(CoapType::kConfirmable, CoapCode::kContent, 0);
  m15.payload = Bytes(65805, 'c');  // 65806 -> 0xf0, 65806-65805 = 1
  ExpectTcpVector(m15, Cat({B({0xf0, 0x00, 0x00, 0x00, 0x01, 0x45, 0xff}), Bytes(65805, 'c')}));
}

// RFC 8323 §5.3.1: a CSM (7.01) with Max-Message-Size (option 2) 1152 = 0x0480.
TEST(CoapWireTcp, EncodesCsmSignal) {
  CoapMessage csm = Msg(CoapType::kConfirmable, CoapCode::kCsm, 0);
  csm.AddUintOption(2, 1152);
  ExpectTcpVector(csm, B({0x30, 0xe1, 0x22, 0x04, 0x80}));
  EXPECT_EQ(CoapCodeName(CoapCode::kCsm), "7.01 CSM");
}

TEST(CoapWireTcp, ParsesOneFrameOfAStreamAndReportsItsSize) {
  Bytes two = Cat({B({0x00, 0xe2}), B({0x71, 0x45, 0x20, 0xff}), S("22.3 C")});  // Ping, then a response
  WireParseResult first = ParseTcp(two);
  EXPECT_FALSE(first.HasErrors()) << Dump(first.diagnostics);
  EXPECT_EQ(first.message.code, CoapCode::kPing);
  EXPECT_EQ(first.size, 2u);
  WireParseResult second = ParseTcp(std::span<const uint8_t>(two).subspan(first.size));
  EXPECT_EQ(second.message.payload, S("22.3 C"));
  EXPECT_EQ(TcpFrameSize(B({0xd0})), std::nullopt);  // extended length byte still missing
  EXPECT_EQ(TcpFrameSize(B({0xd1, 0x02})), 1u + 1 + 1 + 1 + 15);
  EXPECT_EQ(TcpFrameSize({}), std::nullopt);
}

TEST(CoapWireTcp, RejectsFrameCutShort) {
  WireParseResult r = ParseTcp(Cat({B({0x71, 0x45, 0x20, 0xff}), S("22.3")}));
  EXPECT_TRUE(r.truncated);
  EXPECT_TRUE(Has(r.diagnostics, Severity::kError, "frame of 10 bytes (Len 7) is cut short: only 8 bytes"))
      << Dump(r.diagnostics);
  WireParseResult h = ParseTcp(B({0xe0, 0x00}));
  EXPECT_TRUE(h.truncated);
  EXPECT_TRUE(Has(h.diagnostics, Severity::kError, "ends inside the frame header")) << Dump(h.diagnostics);
}

TEST(CoapWireTcp, RejectsTkl9) {
  WireParseResult r = ParseTcp(Cat({B({0x09, 0x45}), Bytes(9, 1)}));
  EXPECT_TRUE(Has(r.diagnostics, Severity::kError, "token length (TKL) 9 is reserved")) << Dump(r.diagnostics);
}

TEST(CoapWireTcp, SignalCodesAreFineOnTcpButReservedOnUdp) {
  EXPECT_FALSE(ParseTcp(B({0x00, 0xe2})).HasErrors());
  WireParseResult udp = ParseUdp(B({0x40, 0xe2, 0x00, 0x01}));
  EXPECT_TRUE(Has(udp.diagnostics, Severity::kError, "reserved class 7")) << Dump(udp.diagnostics);
}

TEST(CoapWireTcp, EncodeOptionsOverrideLength) {
  CoapMessage m = Msg(CoapType::kConfirmable, CoapCode::kContent, 0);
  m.payload = S("ab");
  auto bytes = EncodeTcp(m, {.tcp_length = 7});
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, Cat({B({0x70, 0x45, 0xff}), S("ab")}));
  EXPECT_TRUE(ParseTcp(*bytes).truncated);
}

// ---------------------------------------------------------------- UDP framing errors

TEST(CoapWireUdp, RejectsDatagramShorterThanHeader) {
  WireParseResult r = ParseUdp(B({0x40, 0x01, 0x00}));
  EXPECT_TRUE(r.truncated);
  const Diagnostic* d = Find(r.diagnostics, "datagram of 3 bytes is shorter than the 4-byte CoAP header");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->offset, 0u);
  EXPECT_EQ(d->rule, "RFC 7252 §3");
}

TEST(CoapWireUdp, RejectsVersionOtherThanOne) {
  for (uint8_t first : {0x00, 0x80, 0xc0}) {
    WireParseResult r = ParseUdp(B({first, 0x01, 0x00, 0x01}));
    EXPECT_TRUE(Has(r.diagnostics, Severity::kError, "is not 1; a message with an unknown version"))
        << int(first) << Dump(r.diagnostics);
  }
  auto bytes = EncodeUdp(Msg(CoapType::kConfirmable, CoapCode::kGet, 1), {.version = 2});
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*bytes)[0], 0x80);
}

TEST(CoapWireUdp, RejectsTokenLength9To15) {
  for (int tkl = 9; tkl <= 15; ++tkl) {
    Bytes bytes = Cat({B({0x40 | tkl, 0x01, 0x00, 0x01}), Bytes(tkl, 0x77)});
    WireParseResult r = ParseUdp(bytes);
    EXPECT_TRUE(Has(r.diagnostics, Severity::kError, "token length (TKL) " + std::to_string(tkl) + " is reserved"))
        << Dump(r.diagnostics);
    EXPECT_EQ(r.message.token.size(), static_cast<size_t>(tkl));
  }
  // The encoder writes a 9-byte token as TKL 9 on purpose (raw steps).
  CoapMessage m = Msg(CoapType::kConfirmable, CoapCode::kGet, 1, Bytes(9, 0x77));
  auto bytes = EncodeUdp(m);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*bytes)[0], 0x49);
  EXPECT_FALSE(EncodeUdp(Msg(CoapType::kConfirmable, CoapCode::kGet, 1, Bytes(16, 1))).ok());
}

TEST(CoapWireUdp, RejectsTokenRunningPastTheEnd) {
  WireParseResult r = ParseUdp(B({0x44, 0x01, 0x00, 0x01, 0xaa, 0xbb}));
  const Diagnostic* d = Find(r.diagnostics, "token of 4 bytes at offset 4 runs 2 bytes past the end");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->offset, 4u);
  EXPECT_TRUE(r.truncated);
  // A TKL override in the encoder produces exactly this mismatch.
  auto bytes = EncodeUdp(Msg(CoapType::kConfirmable, CoapCode::kGet, 1, B({0xaa, 0xbb})), {.token_length = 4});
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, B({0x44, 0x01, 0x00, 0x01, 0xaa, 0xbb}));
}

TEST(CoapWireUdp, RejectsReservedDeltaNibble15) {
  // Uri-Path "a" at offset 4, then 0xf1 at offset 6: delta 15 but not the payload marker.
  WireParseResult r = ParseUdp(B({0x40, 0x01, 0x00, 0x01, 0xb1, 'a', 0xf1, 'b'}));
  const Diagnostic* d = Find(r.diagnostics, "option header byte 0xf1 at offset 6 has delta nibble 15");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->severity, Severity::kError);
  EXPECT_EQ(d->offset, 6u);
  EXPECT_EQ(r.message.UriPath(), "/a");  // what came before is kept
}

TEST(CoapWireUdp, RejectsReservedLengthNibble15) {
  WireParseResult r = ParseUdp(B({0x40, 0x01, 0x00, 0x01, 0xbf, 'a'}));
  const Diagnostic* d = Find(r.diagnostics, "has length nibble 15, reserved");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->offset, 4u);
  EXPECT_EQ(d->rule, "RFC 7252 §3.1");
}

TEST(CoapWireUdp, RejectsOptionValueRunningPastTheEnd) {
  WireParseResult r = ParseUdp(B({0x40, 0x01, 0x00, 0x01, 0xb5, 'a', 'b'}));
  const Diagnostic* d = Find(r.diagnostics, "option Uri-Path (11) at offset 4: length 5 runs 3 bytes past the end");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->severity, Severity::kError);
  EXPECT_TRUE(r.message.options.empty());
}

TEST(CoapWireUdp, RejectsExtendedDeltaRunningPastTheEnd) {
  WireParseResult r = ParseUdp(B({0x40, 0x01, 0x00, 0x01, 0xe0, 0x01}));
  EXPECT_TRUE(Has(r.diagnostics, Severity::kError, "option at offset 4: extended delta of 2 bytes runs past the end"))
      << Dump(r.diagnostics);
  WireParseResult l = ParseUdp(B({0x40, 0x01, 0x00, 0x01, 0x1d}));
  EXPECT_TRUE(Has(l.diagnostics, Severity::kError, "extended length of 1 byte runs past the end"))
      << Dump(l.diagnostics);
}

TEST(CoapWireUdp, RejectsOptionNumberAbove65535) {
  WireParseResult r = ParseUdp(B({0x40, 0x01, 0x00, 0x01, 0xe0, 0xff, 0xff}));
  EXPECT_TRUE(Has(r.diagnostics, Severity::kError, "delta 65804 gives option number 65804, above 65535"))
      << Dump(r.diagnostics);
}

TEST(CoapWireUdp, RejectsPayloadMarkerWithEmptyPayload) {
  WireParseResult r = ParseUdp(B({0x60, 0x45, 0x00, 0x01, 0xff}));
  const Diagnostic* d = Find(r.diagnostics, "payload marker 0xff at offset 4 is followed by an empty payload");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->severity, Severity::kError);
  EXPECT_EQ(d->rule, "RFC 7252 §3");
  // The encoder writes the marker on request, to produce this error.
  auto bytes = EncodeUdp(Msg(CoapType::kAcknowledgement, CoapCode::kContent, 1), {.payload_marker_when_empty = true});
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, B({0x60, 0x45, 0x00, 0x01, 0xff}));
}

TEST(CoapWireUdp, RejectsEmptyMessageWithContent) {
  WireParseResult token = ParseUdp(B({0x61, 0x00, 0x00, 0x01, 0x99}));
  const Diagnostic* d = Find(token.diagnostics, "Empty message (code 0.00) has 1 byte after the message id");
  ASSERT_NE(d, nullptr) << Dump(token.diagnostics);
  EXPECT_EQ(d->offset, 4u);
  EXPECT_EQ(token.diagnostics.size(), 1u) << Dump(token.diagnostics);
  WireParseResult payload = ParseUdp(B({0x60, 0x00, 0x00, 0x01, 0xff, 'x'}));
  EXPECT_TRUE(Has(payload.diagnostics, Severity::kError, "Empty message (code 0.00) has 2 bytes"));
  // The same rule on an already-parsed message (e.g. from libcoap), without offsets into bytes.
  CoapMessage m = Msg(CoapType::kAcknowledgement, CoapCode::kEmpty, 1);
  m.AddOption(CoapOption::kUriPath, "x");
  EXPECT_TRUE(Has(CheckMessage(m, CoapTransport::kUdp), Severity::kError, "Empty message (code 0.00) carries options"));
}

TEST(CoapWireUdp, RejectsReservedCodeClasses) {
  for (uint8_t code : {CoapCode::Make(1, 0), CoapCode::Make(6, 3), CoapCode::Make(7, 1)}) {
    WireParseResult r = ParseUdp(B({0x40, code, 0x00, 0x01}));
    const Diagnostic* d = Find(r.diagnostics, "has reserved class " + std::to_string(code >> 5));
    ASSERT_NE(d, nullptr) << int(code) << Dump(r.diagnostics);
    EXPECT_EQ(d->severity, Severity::kError);
    EXPECT_EQ(d->offset, 1u);
  }
  EXPECT_TRUE(Has(ParseUdp(B({0x40, 0x61, 0x00, 0x01})).diagnostics, Severity::kWarning, "class 3"));
  EXPECT_TRUE(Has(ParseUdp(B({0x40, 0x09, 0x00, 0x01})).diagnostics, Severity::kInfo, "request code 0.09"));
}

TEST(CoapWireUdp, RejectsTypeCodeCombinationsOfTable1) {
  EXPECT_TRUE(Has(ParseUdp(B({0x60, 0x01, 0x00, 0x01})).diagnostics, Severity::kError,
                  "Acknowledgement carries request GET"));
  EXPECT_TRUE(Has(ParseUdp(B({0x70, 0x45, 0x00, 0x01})).diagnostics, Severity::kError,
                  "Reset message carries 2.05 Content; a Reset must be Empty"));
  EXPECT_TRUE(Has(ParseUdp(B({0x50, 0x00, 0x00, 0x01})).diagnostics, Severity::kError,
                  "Non-confirmable message is Empty"));
  WireParseResult ping = ParseUdp(B({0x40, 0x00, 0x00, 0x01}));
  EXPECT_FALSE(ping.HasErrors());
  EXPECT_TRUE(Has(ping.diagnostics, Severity::kInfo, "CoAP ping"));
}

// ---------------------------------------------------------------- option rules

TEST(CoapWireOptions, ReportsUnknownCriticalOptionAsInfo) {
  // Option 2049 (odd: critical) with a 1-byte value: delta 2049 -> nibble 14, 2049-269 = 0x06f4.
  WireParseResult r = ParseUdp(B({0x40, 0x01, 0x00, 0x01, 0xe1, 0x06, 0xf4, 0x00}));
  const Diagnostic* d = Find(r.diagnostics, "critical option Option 2049 is not one this harness knows");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->severity, Severity::kInfo);
  EXPECT_EQ(d->offset, 4u);
  // An unknown elective option (2048) is silently allowed.
  EXPECT_TRUE(ParseUdp(B({0x40, 0x01, 0x00, 0x01, 0xe1, 0x06, 0xf3, 0x00})).diagnostics.empty());
}

TEST(CoapWireOptions, WarnsOnRepeatedNonRepeatableOption) {
  // Content-Format 0 twice (the second with delta 0), Uri-Path twice is fine.
  WireParseResult r = ParseUdp(B({0x40, 0x02, 0x00, 0x01, 0xb1, 'a', 0x01, 'b', 0x10, 0x00}));
  const Diagnostic* d = Find(r.diagnostics, "option Content-Format (12) is not repeatable but occurs more than once");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->severity, Severity::kWarning);
  EXPECT_EQ(d->offset, 9u);
  EXPECT_EQ(r.diagnostics.size(), 1u) << Dump(r.diagnostics);
  CoapMessage m = Msg(CoapType::kConfirmable, CoapCode::kPut, 1);
  m.SetBlock1({0, true, 2});
  m.AddOption(CoapOption::kBlock1, EncodeBlockOption({1, false, 2}));
  EXPECT_TRUE(Has(CheckMessage(m, CoapTransport::kUdp), Severity::kWarning, "Block1 (27) is not repeatable"));
}

TEST(CoapWireOptions, WarnsOnDotSegments) {
  CoapMessage m = CoapMessage::Request(CoapCode::kGet, "/3/../0");
  m.message_id = 1;
  WireParseResult r = ParseUdp(*EncodeUdp(m));
  const Diagnostic* d = Find(r.diagnostics, "option Uri-Path (11) has the value \"..\"");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->severity, Severity::kWarning);
  EXPECT_EQ(d->offset, 6u);
  CoapMessage resp = Msg(CoapType::kAcknowledgement, CoapCode::kCreated, 1);
  resp.AddOption(CoapOption::kLocationPath, ".");
  EXPECT_TRUE(Has(CheckMessage(resp, CoapTransport::kUdp), Severity::kWarning, "Location-Path (8) has the value \".\""));
}

TEST(CoapWireOptions, WarnsOnNonMinimalUintAndKeepsTheBytes) {
  // Content-Format 40 written as 00 28.
  Bytes bytes = B({0x60, 0x45, 0x00, 0x01, 0xc2, 0x00, 0x28, 0xff, '1'});
  WireParseResult r = ParseUdp(bytes);
  const Diagnostic* d = Find(r.diagnostics, "uint option Content-Format (12) value 0028 has a leading zero byte");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->severity, Severity::kWarning);
  EXPECT_EQ(r.message.GetContentFormat(), ContentFormat::kLinkFormat);
  EXPECT_EQ(*EncodeUdp(r.message), bytes);  // written back exactly as given
}

TEST(CoapWireOptions, ChecksValueLengthRanges) {
  // Content-Format (elective) with 3 bytes: warning; Accept (critical) with 3 bytes: error.
  WireParseResult cf = ParseUdp(B({0x60, 0x45, 0x00, 0x01, 0xc3, 0x01, 0x00, 0x00}));
  EXPECT_TRUE(Has(cf.diagnostics, Severity::kWarning, "Content-Format (12) has a 3-byte value, outside its range of 0-2"))
      << Dump(cf.diagnostics);
  EXPECT_FALSE(cf.HasErrors());
  WireParseResult acc = ParseUdp(B({0x40, 0x01, 0x00, 0x01, 0xd3, 0x04, 0x01, 0x00, 0x00}));
  EXPECT_TRUE(Has(acc.diagnostics, Severity::kError, "Accept (17) has a 3-byte value, outside its range of 0-2"))
      << Dump(acc.diagnostics);
  CoapMessage m = Msg(CoapType::kConfirmable, CoapCode::kGet, 1);
  m.AddOption(CoapOption::kIfNoneMatch, "x");
  m.AddOption(CoapOption::kETag, Bytes{});
  auto ds = CheckMessage(m, CoapTransport::kUdp);
  EXPECT_TRUE(Has(ds, Severity::kError, "If-None-Match (5) has a 1-byte value, outside its range of 0-0"));
  EXPECT_TRUE(Has(ds, Severity::kWarning, "ETag (4) has a 0-byte value, outside its range of 1-8"));
}

TEST(CoapWireOptions, RejectsBlockSzx7OnUdpOnly) {
  CoapMessage m = Msg(CoapType::kConfirmable, CoapCode::kPut, 1);
  m.SetBlock1({0, true, 7});
  WireParseResult udp = ParseUdp(*EncodeUdp(m));
  EXPECT_TRUE(Has(udp.diagnostics, Severity::kError, "Block1 (27) has SZX 7, which is reserved")) << Dump(udp.diagnostics);
  WireParseResult tcp = ParseTcp(*EncodeTcp(m));
  EXPECT_FALSE(tcp.HasErrors()) << Dump(tcp.diagnostics);
  EXPECT_TRUE(Has(tcp.diagnostics, Severity::kInfo, "BERT"));
}

TEST(CoapWireOptions, WarnsOnInvalidUtf8InStringOption) {
  CoapMessage m = Msg(CoapType::kConfirmable, CoapCode::kGet, 1);
  m.AddOption(CoapOption::kUriQuery, B({'a', 0xc3, 0x28}));
  m.AddOption(CoapOption::kUriQuery, S("ok=\xc3\xa9"));
  auto ds = CheckMessage(m, CoapTransport::kUdp);
  EXPECT_TRUE(Has(ds, Severity::kWarning, "Uri-Query (15) value 61c328 is not valid UTF-8")) << Dump(ds);
  EXPECT_EQ(ds.size(), 1u) << Dump(ds);
}

// ---------------------------------------------------------------- encoder edge cases

TEST(CoapWireEncode, RefusesDescendingOptionNumbers) {
  CoapMessage m = Msg(CoapType::kConfirmable, CoapCode::kGet, 1);
  m.options.push_back({CoapOption::kUriQuery, S("a")});
  m.options.push_back({CoapOption::kUriPath, S("b")});  // below its predecessor, as a raw step might
  auto r = EncodeUdp(m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kBadRequest);
  EXPECT_NE(r.status().message().find("Uri-Path (11) follows option 15"), std::string::npos) << r.status().message();
}

// With wrap_descending_deltas, Uri-Path (11) after Uri-Query (15) gets delta 65532 =
// nibble 14 + (65532 - 269 = 0xfeef): a 16-bit receiver reads 11, a strict one refuses it.
TEST(CoapWireEncode, WrapsDescendingDeltasOnRequest) {
  CoapMessage m = Msg(CoapType::kConfirmable, CoapCode::kGet, 1);
  m.options.push_back({CoapOption::kUriQuery, S("a")});
  m.options.push_back({CoapOption::kUriPath, S("b")});
  auto bytes = EncodeUdp(m, {.wrap_descending_deltas = true});
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes, B({0x40, 0x01, 0x00, 0x01, 0xd1, 0x02, 'a', 0xe1, 0xfe, 0xef, 'b'}));
  WireParseResult r = ParseUdp(*bytes);
  EXPECT_TRUE(Has(r.diagnostics, Severity::kError, "delta 65532 gives option number 65547, above 65535"))
      << Dump(r.diagnostics);
  EXPECT_EQ(r.message.UriQueries(), (std::vector<std::string>{"a"}));
}

TEST(CoapWireEncode, WritesOptionsInTheOrderGiven) {
  // Repeats in the order given (Uri-Path "b" before "a"), as a raw step wrote them.
  CoapMessage m = Msg(CoapType::kConfirmable, CoapCode::kGet, 1);
  m.options.push_back({CoapOption::kUriPath, S("b")});
  m.options.push_back({CoapOption::kUriPath, S("a")});
  EXPECT_EQ(*EncodeUdp(m), B({0x40, 0x01, 0x00, 0x01, 0xb1, 'b', 0x01, 'a'}));
}

// ---------------------------------------------------------------- robustness

// For random datagrams: parsing never reads out of bounds (ASan run), and every
// datagram that parses without errors is re-encoded to exactly the same bytes.
TEST(CoapWireRobustness, ErrorFreeParsesReEncodeToTheSameBytes) {
  std::mt19937 rng(7252);
  int clean = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes b(rng() % 24);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    if (b.size() >= 1) b[0] = static_cast<uint8_t>(0x40 | (b[0] & 0x30) | (b[0] & 0x03));  // ver 1, TKL 0-3
    WireParseResult r = ParseUdp(b);
    EXPECT_LE(r.message.token.size(), 15u);
    if (!r.HasErrors()) {
      ++clean;
      auto again = EncodeUdp(r.message);
      ASSERT_TRUE(again.ok());
      ASSERT_EQ(HexEncode(*again), HexEncode(b)) << r.message.Summary();
    }
    WireParseResult t = ParseTcp(b);
    if (!t.HasErrors() && !t.truncated) {
      auto again = EncodeTcp(t.message);
      ASSERT_TRUE(again.ok());
      ASSERT_EQ(HexEncode(*again), HexEncode(Bytes(b.begin(), b.begin() + t.size)));
    }
  }
  EXPECT_GT(clean, 100);
}

TEST(CoapWireRobustness, EveryPrefixOfAValidMessageIsDiagnosedOrShorter) {
  CoapMessage m = CoapMessage::Request(CoapCode::kPost, "/rd?ep=node&lt=60");
  m.token = B({1, 2, 3});
  m.payload = S("</3/0>");
  Bytes full = *EncodeUdp(m);
  for (size_t n = 0; n < full.size(); ++n) {
    WireParseResult r = ParseUdp(std::span<const uint8_t>(full.data(), n));
    EXPECT_TRUE(r.HasErrors() || !(r.message == m)) << n;
  }
}

}  // namespace
}  // namespace lwm2m
