// coap_wire.h: byte-exact CoAP encoders and strict parsers with diagnostics, for
// CoAP over UDP/DTLS (RFC 7252 §3) and over TCP/TLS (RFC 8323 §3.2). Parsers
// never trust the bytes: they return what they could decode and a Diagnostic
// (with byte offset and the clause broken) for every rule the message breaks.
//   WireParseResult r = ParseUdp(datagram);
//   if (r.HasErrors()) for (auto& d : r.diagnostics) std::cout << d.ToString() << "\n";
//   Result<Bytes> bytes = EncodeUdp(r.message);   // the same bytes back
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lwm2m/coap_message.h"
#include "lwm2m/diagnostic.h"
#include "lwm2m/result.h"

namespace lwm2m {

enum class CoapTransport : uint8_t {
  kUdp,  // RFC 7252 §3 framing (also DTLS and SMS)
  kTcp,  // RFC 8323 §3.2 framing (TCP and TLS): no type, no message id
};

// Knobs for writing deliberately wrong messages (the harness's `raw` steps).
// With the defaults the encoders write a conforming message.
struct WireEncodeOptions {
  std::optional<uint8_t> version;       // UDP: the 2-bit Ver field (default 1)
  std::optional<uint8_t> token_length;  // the TKL nibble written instead of token.size()
  bool payload_marker_when_empty = false;  // write 0xFF even when the payload is empty
  std::optional<uint32_t> tcp_length;   // TCP: the Len value written instead of the true length
  // An option number below its predecessor is written with the delta taken modulo
  // 65536 (nibble 14 + 16 bits), so that options go on the wire in the order given:
  // a receiver that sums deltas in 16 bits reads the intended number, a strict one
  // sees an option number above 65535. Without it such an order is refused.
  bool wrap_descending_deltas = false;
};

// Writes the message exactly as given: options in the order of `options` (a
// message built with AddOption is sorted), option values byte for byte (a uint
// with leading zeros stays so), a token of 9-15 bytes with that TKL. Fails (4.00)
// only for what the wire cannot express: an option number below its
// predecessor (deltas are unsigned, RFC 7252 §3.1) unless wrap_descending_deltas,
// a token over 15 bytes, an option value over 65804 bytes.
Result<Bytes> EncodeUdp(const CoapMessage& m, const WireEncodeOptions& o = {});
Result<Bytes> EncodeTcp(const CoapMessage& m, const WireEncodeOptions& o = {});
Result<Bytes> Encode(const CoapMessage& m, CoapTransport t, const WireEncodeOptions& o = {});

struct WireParseResult {
  CoapMessage message;                  // everything that could be decoded
  std::vector<Diagnostic> diagnostics;  // offsets are from the first byte of the message
  std::vector<size_t> option_offsets;   // offset of each option's first byte, as message.options
  size_t size = 0;                      // bytes this message occupies (TCP: the frame)
  bool truncated = false;               // the buffer ended before the message did
  bool HasErrors() const { return lwm2m::HasErrors(diagnostics); }
};

// One UDP datagram. Errors: datagram under 4 bytes, version != 1, TKL 9-15, a
// token or option running past the end, reserved nibble 15 in an option
// header, an option number above 65535, a payload marker with no payload, an
// Empty message with anything after the message id; then CheckMessage.
WireParseResult ParseUdp(std::span<const uint8_t> datagram);
// One frame from the start of `stream` (bytes after the frame are left; see
// `size`). A stream that ends inside the frame gives `truncated` and an error.
WireParseResult ParseTcp(std::span<const uint8_t> stream);
WireParseResult Parse(std::span<const uint8_t> bytes, CoapTransport t);

// The size of the frame at the start of a TCP stream, from its header, or
// nullopt while the header itself is incomplete (RFC 8323 §3.2).
std::optional<size_t> TcpFrameSize(std::span<const uint8_t> stream);

// Rules above the framing, for any message (also one libcoap parsed):
//  - code class 1, 6 (and 7 on UDP) reserved (error), class 3 unassigned (warning);
//  - UDP type vs code: ACK carrying a request, RST or NON that is not as Table 1 of RFC 7252 §4.3 allows;
//  - Empty message with token, options or payload (error);
//  - a non-repeatable option repeated (warning), Block1/Block2 repeated (warning);
//  - an option value length outside its range (critical option: error, else warning),
//    e.g. Content-Format or Accept over 2 bytes;
//  - a uint option with leading zero bytes (warning, RFC 7252 §3.2);
//  - Uri-Path/Location-Path "." or ".." (warning), string options that are not UTF-8 (warning);
//  - Block1/Block2 SZX 7 (error on UDP; BERT info on TCP);
//  - a critical option this harness does not know (info).
// `option_offsets`, when given, has one offset per option and is used in the diagnostics.
std::vector<Diagnostic> CheckMessage(const CoapMessage& m, CoapTransport t,
                                     const std::vector<size_t>* option_offsets = nullptr);

}  // namespace lwm2m
