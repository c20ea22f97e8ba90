// coap_wire.cc: CoAP wire encoding and strict parsing (RFC 7252 §3, §4, §5.4,
// §5.10; RFC 7959 §2; RFC 7641 §2; RFC 8323 §3.2, §5, §6; RFC 9175).
#include "lwm2m/coap_wire.h"

#include <algorithm>
#include <string>

namespace lwm2m {

namespace {

constexpr const char* kRfc7252Sec3 = "RFC 7252 §3";
constexpr const char* kRfc7252Sec31 = "RFC 7252 §3.1";
constexpr const char* kRfc8323Sec32 = "RFC 8323 §3.2";

// "1 byte", "3 bytes".
std::string Count(size_t n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

std::string Hex2(uint8_t b) {
  static const char* d = "0123456789abcdef";
  return std::string{"0x"} + d[b >> 4] + d[b & 15];
}

// ---------------------------------------------------------------- encoding

// Writes the 4-bit nibble and extension for an option delta or length (RFC 7252 §3.1).
void Nibble(uint32_t v, uint8_t& nibble, Bytes& ext) {
  if (v < 13) {
    nibble = static_cast<uint8_t>(v);
  } else if (v < 269) {
    nibble = 13;
    ext.push_back(static_cast<uint8_t>(v - 13));
  } else {
    nibble = 14;
    uint32_t e = v - 269;
    ext.push_back(static_cast<uint8_t>(e >> 8));
    ext.push_back(static_cast<uint8_t>(e));
  }
}

constexpr uint32_t kMaxNibbleValue = 269 + 0xFFFF;

Status EncodeOptionsAndPayload(const CoapMessage& m, const WireEncodeOptions& o, Bytes& out) {
  uint32_t prev = 0;
  for (size_t i = 0; i < m.options.size(); ++i) {
    const CoapOptionValue& opt = m.options[i];
    if (opt.number < prev && !o.wrap_descending_deltas)
      return BadRequest("option " + CoapOptionName(opt.number) + " (" + std::to_string(opt.number) +
                        ") follows option " + std::to_string(prev) +
                        ": option deltas are unsigned, so options are written in ascending order (RFC 7252 §3.1)");
    if (opt.value.size() > kMaxNibbleValue)
      return BadRequest("option " + CoapOptionName(opt.number) + " value of " + std::to_string(opt.value.size()) +
                        " bytes exceeds the 65804 bytes an option length can express (RFC 7252 §3.1)");
    uint8_t dn = 0, ln = 0;
    Bytes dext, lext;
    Nibble(opt.number >= prev ? opt.number - prev : 65536u + opt.number - prev, dn, dext);
    Nibble(static_cast<uint32_t>(opt.value.size()), ln, lext);
    out.push_back(static_cast<uint8_t>(dn << 4 | ln));
    out.insert(out.end(), dext.begin(), dext.end());
    out.insert(out.end(), lext.begin(), lext.end());
    out.insert(out.end(), opt.value.begin(), opt.value.end());
    prev = opt.number;
  }
  if (!m.payload.empty() || o.payload_marker_when_empty) out.push_back(0xFF);
  out.insert(out.end(), m.payload.begin(), m.payload.end());
  return Status::Ok();
}

Status CheckToken(const CoapMessage& m, const WireEncodeOptions& o) {
  if (m.token.size() > 15)
    return BadRequest("token of " + std::to_string(m.token.size()) +
                      " bytes cannot be written: TKL is a 4-bit field (RFC 7252 §3)");
  if (o.token_length && *o.token_length > 15)
    return BadRequest("TKL " + std::to_string(*o.token_length) + " does not fit in 4 bits");
  return Status::Ok();
}

// ---------------------------------------------------------------- option table

enum class Format : uint8_t { kEmpty, kOpaque, kUint, kString };

struct OptionInfo {
  uint16_t number;
  Format format;
  uint32_t min_len, max_len;
  bool repeatable;
  const char* rule;
};

// RFC 7252 §5.10 Table 4, RFC 7641 §2, RFC 7959 §2.1 and §4, RFC 8613 §2,
// RFC 7967 §2, RFC 8768 §3, RFC 9175 §2.2.1 and §3.2.1.
constexpr OptionInfo kOptions[] = {
    {1, Format::kOpaque, 0, 8, true, "RFC 7252 §5.10"},      // If-Match
    {3, Format::kString, 1, 255, false, "RFC 7252 §5.10"},   // Uri-Host
    {4, Format::kOpaque, 1, 8, true, "RFC 7252 §5.10"},      // ETag
    {5, Format::kEmpty, 0, 0, false, "RFC 7252 §5.10"},      // If-None-Match
    {6, Format::kUint, 0, 3, false, "RFC 7641 §2"},          // Observe
    {7, Format::kUint, 0, 2, false, "RFC 7252 §5.10"},       // Uri-Port
    {8, Format::kString, 0, 255, true, "RFC 7252 §5.10"},    // Location-Path
    {9, Format::kOpaque, 0, 255, false, "RFC 8613 §2"},      // OSCORE
    {11, Format::kString, 0, 255, true, "RFC 7252 §5.10"},   // Uri-Path
    {12, Format::kUint, 0, 2, false, "RFC 7252 §5.10"},      // Content-Format
    {14, Format::kUint, 0, 4, false, "RFC 7252 §5.10"},      // Max-Age
    {15, Format::kString, 0, 255, true, "RFC 7252 §5.10"},   // Uri-Query
    {16, Format::kUint, 1, 1, false, "RFC 8768 §3"},         // Hop-Limit
    {17, Format::kUint, 0, 2, false, "RFC 7252 §5.10"},      // Accept
    {20, Format::kString, 0, 255, true, "RFC 7252 §5.10"},   // Location-Query
    {23, Format::kUint, 0, 3, false, "RFC 7959 §2.1"},       // Block2
    {27, Format::kUint, 0, 3, false, "RFC 7959 §2.1"},       // Block1
    {28, Format::kUint, 0, 4, false, "RFC 7959 §4"},         // Size2
    {35, Format::kString, 1, 1034, false, "RFC 7252 §5.10"}, // Proxy-Uri
    {39, Format::kString, 1, 255, false, "RFC 7252 §5.10"},  // Proxy-Scheme
    {60, Format::kUint, 0, 4, false, "RFC 7252 §5.10"},      // Size1
    {252, Format::kOpaque, 1, 40, false, "RFC 9175 §2.2.1"}, // Echo
    {258, Format::kUint, 0, 1, false, "RFC 7967 §2"},        // No-Response
    {292, Format::kOpaque, 0, 8, true, "RFC 9175 §3.2.1"},   // Request-Tag
};

const OptionInfo* FindOptionInfo(uint16_t number) {
  for (const auto& i : kOptions)
    if (i.number == number) return &i;
  return nullptr;
}

bool IsCritical(uint16_t number) { return (number & 1) != 0; }  // RFC 7252 §5.4.6

std::string OptionLabel(uint16_t number) {
  std::string name = CoapOptionName(number);
  if (name.rfind("Option ", 0) == 0) return name;
  return name + " (" + std::to_string(number) + ")";
}

// ---------------------------------------------------------------- parsing

// Parses options and payload in data[pos, end); a framing error is reported and ends parsing.
// `frame_complete` is false when the buffer ended early (then a trailing marker is no error).
void ParseOptionsAndPayload(std::span<const uint8_t> data, size_t pos, size_t end, bool frame_complete,
                            WireParseResult& r, Diagnostics& d) {
  uint32_t number = 0;
  while (pos < end) {
    const size_t start = pos;
    uint8_t b = data[pos++];
    if (b == 0xFF) {
      if (pos == end) {
        if (frame_complete)
          d.Error(start, "",
                  "payload marker 0xff at offset " + std::to_string(start) +
                      " is followed by an empty payload, a message format error",
                  kRfc7252Sec3);
      } else {
        r.message.payload.assign(data.begin() + pos, data.begin() + end);
      }
      return;
    }
    uint8_t dn = b >> 4, ln = b & 15;
    if (dn == 15) {
      d.Error(start, "",
              "option header byte " + Hex2(b) + " at offset " + std::to_string(start) +
                  " has delta nibble 15, reserved for the payload marker (a message format error)",
              kRfc7252Sec31);
      return;
    }
    if (ln == 15) {
      d.Error(start, "",
              "option header byte " + Hex2(b) + " at offset " + std::to_string(start) +
                  " has length nibble 15, reserved (a message format error)",
              kRfc7252Sec31);
      return;
    }
    auto extended = [&](uint8_t nibble, const char* what, uint32_t& value) -> bool {
      if (nibble < 13) {
        value = nibble;
        return true;
      }
      size_t n = nibble == 13 ? 1 : 2;
      if (pos + n > end) {
        d.Error(start, "",
                std::string("option at offset ") + std::to_string(start) + ": extended " + what + " of " +
                    std::to_string(n) + (n == 1 ? " byte" : " bytes") + " runs past the end of the message",
                kRfc7252Sec31);
        return false;
      }
      value = n == 1 ? 13u + data[pos] : 269u + (uint32_t{data[pos]} << 8 | data[pos + 1]);
      pos += n;
      return true;
    };
    uint32_t delta = 0, length = 0;
    if (!extended(dn, "delta", delta) || !extended(ln, "length", length)) return;
    number += delta;
    if (number > 0xFFFF) {
      d.Error(start, "",
              "option at offset " + std::to_string(start) + ": delta " + std::to_string(delta) +
                  " gives option number " + std::to_string(number) + ", above 65535",
              kRfc7252Sec31);
      return;
    }
    if (pos + length > end) {
      d.Error(start, "",
              "option " + OptionLabel(static_cast<uint16_t>(number)) + " at offset " + std::to_string(start) +
                  ": length " + std::to_string(length) + " runs " + Count(pos + length - end, "byte") +
                  " past the end of the message",
              kRfc7252Sec31);
      return;
    }
    r.message.options.push_back(
        CoapOptionValue{static_cast<uint16_t>(number), Bytes(data.begin() + pos, data.begin() + pos + length)});
    r.option_offsets.push_back(start);
    pos += length;
  }
}

void CheckOption(const CoapMessage& m, size_t index, std::optional<size_t> at, CoapTransport t, Diagnostics& d,
                 std::vector<uint16_t>& seen) {
  const CoapOptionValue& o = m.options[index];
  const OptionInfo* info = FindOptionInfo(o.number);
  std::string label = OptionLabel(o.number);
  if (!info) {
    if (IsCritical(o.number))
      d.Info(at, "",
             "critical option " + label +
                 " is not one this harness knows; a receiver that does not know it must reject the message "
                 "(4.02 Bad Option for a CON request)",
             "RFC 7252 §5.4.1");
    return;
  }
  bool repeated = false;
  for (uint16_t n : seen) repeated |= n == o.number;
  seen.push_back(o.number);
  if (repeated && !info->repeatable)
    d.Warning(at, "",
              "option " + label + " is not repeatable but occurs more than once; every occurrence after the "
              "first must be treated as an unrecognized option",
              o.number == CoapOption::kBlock1 || o.number == CoapOption::kBlock2 ? "RFC 7959 §2.1"
                                                                                 : "RFC 7252 §5.4.5");
  size_t len = o.value.size();
  if (len < info->min_len || len > info->max_len) {
    std::string msg = "option " + label + " has a " + std::to_string(len) + "-byte value, outside its range of " +
                      std::to_string(info->min_len) + "-" + std::to_string(info->max_len) +
                      " bytes; it must be treated as an unrecognized option";
    if (IsCritical(o.number))
      d.Error(at, "", msg + " (critical: the message is rejected, 4.02 for a CON request)", "RFC 7252 §5.4.3");
    else
      d.Warning(at, "", msg + " (elective: ignored)", "RFC 7252 §5.4.3");
  }
  if (info->format == Format::kUint && !o.value.empty() && o.value[0] == 0)
    d.Warning(at, "",
              "uint option " + label + " value " + HexEncode(o.value) +
                  " has a leading zero byte; a sender should use as few bytes as possible",
              "RFC 7252 §3.2");
  if (info->format == Format::kString && FindInvalidUtf8(o.value))
    d.Warning(at, "", "string option " + label + " value " + HexEncode(o.value) + " is not valid UTF-8",
              "RFC 7252 §3.2");
  if (o.number == CoapOption::kUriPath || o.number == CoapOption::kLocationPath) {
    std::string v(o.value.begin(), o.value.end());
    if (v == "." || v == "..")
      d.Warning(at, "", "option " + label + " has the value \"" + v + "\", which must not be used",
                o.number == CoapOption::kUriPath ? "RFC 7252 §5.10.1" : "RFC 7252 §5.10.7");
  }
  if ((o.number == CoapOption::kBlock1 || o.number == CoapOption::kBlock2) && len <= 3) {
    auto b = DecodeBlockOption(o.value);
    if (b && b->szx == 7) {
      if (t == CoapTransport::kUdp)
        d.Error(at, "",
                "option " + label + " has SZX 7, which is reserved (must lead to 4.00 Bad Request in a request)",
                "RFC 7959 §2.2");
      else
        d.Info(at, "", "option " + label + " has SZX 7: BERT, valid only if both peers indicated it in CSM",
               "RFC 8323 §6");
    }
  }
}

}  // namespace

// ---------------------------------------------------------------- public API

Result<Bytes> EncodeUdp(const CoapMessage& m, const WireEncodeOptions& o) {
  if (Status s = CheckToken(m, o); !s.ok()) return s;
  Bytes out;
  uint8_t ver = o.version.value_or(1) & 3;
  uint8_t tkl = o.token_length.value_or(static_cast<uint8_t>(m.token.size()));
  out.push_back(static_cast<uint8_t>(ver << 6 | (static_cast<uint8_t>(m.type) & 3) << 4 | tkl));
  out.push_back(m.code);
  out.push_back(static_cast<uint8_t>(m.message_id >> 8));
  out.push_back(static_cast<uint8_t>(m.message_id));
  out.insert(out.end(), m.token.begin(), m.token.end());
  if (Status s = EncodeOptionsAndPayload(m, o, out); !s.ok()) return s;
  return out;
}

Result<Bytes> EncodeTcp(const CoapMessage& m, const WireEncodeOptions& o) {
  if (Status s = CheckToken(m, o); !s.ok()) return s;
  Bytes body;
  if (Status s = EncodeOptionsAndPayload(m, o, body); !s.ok()) return s;
  uint64_t len = o.tcp_length ? *o.tcp_length : body.size();
  uint8_t tkl = o.token_length.value_or(static_cast<uint8_t>(m.token.size()));
  Bytes out;
  // RFC 8323 §3.2: Len 0-12 inline; 13, 14, 15 announce an 8-, 16- or 32-bit extended length.
  if (len < 13) {
    out.push_back(static_cast<uint8_t>(len << 4 | tkl));
  } else if (len < 269) {
    out.push_back(static_cast<uint8_t>(13 << 4 | tkl));
    out.push_back(static_cast<uint8_t>(len - 13));
  } else if (len < 65805) {
    out.push_back(static_cast<uint8_t>(14 << 4 | tkl));
    uint64_t e = len - 269;
    out.push_back(static_cast<uint8_t>(e >> 8));
    out.push_back(static_cast<uint8_t>(e));
  } else {
    if (len - 65805 > 0xFFFFFFFFull) return BadRequest("TCP message length does not fit in 32 bits");
    out.push_back(static_cast<uint8_t>(15 << 4 | tkl));
    uint64_t e = len - 65805;
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(e >> shift));
  }
  out.push_back(m.code);
  out.insert(out.end(), m.token.begin(), m.token.end());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Result<Bytes> Encode(const CoapMessage& m, CoapTransport t, const WireEncodeOptions& o) {
  return t == CoapTransport::kUdp ? EncodeUdp(m, o) : EncodeTcp(m, o);
}

WireParseResult ParseUdp(std::span<const uint8_t> data) {
  WireParseResult r;
  Diagnostics d;
  r.size = data.size();
  if (data.size() < 4) {
    r.truncated = true;
    d.Error(0, "",
            "datagram of " + Count(data.size(), "byte") + " is shorter than the 4-byte CoAP header",
            kRfc7252Sec3);
    r.diagnostics = d.Take();
    return r;
  }
  CoapMessage& m = r.message;
  uint8_t ver = data[0] >> 6;
  uint8_t tkl = data[0] & 15;
  m.type = static_cast<CoapType>((data[0] >> 4) & 3);
  m.code = data[1];
  m.message_id = static_cast<uint16_t>(data[2] << 8 | data[3]);
  if (ver != 1)
    d.Error(0, "",
            "version " + std::to_string(ver) + " in header byte " + Hex2(data[0]) +
                " is not 1; a message with an unknown version must be silently ignored",
            kRfc7252Sec3);
  if (tkl > 8)
    d.Error(0, "",
            "token length (TKL) " + std::to_string(tkl) +
                " is reserved (9-15 must be processed as a message format error; the RFC 8974 extended "
                "lengths 13 and 14 need prior negotiation)",
            kRfc7252Sec3);
  if (4 + size_t{tkl} > data.size()) {
    r.truncated = true;
    d.Error(4, "",
            "token of " + Count(tkl, "byte") + " at offset 4 runs " +
                Count(4 + tkl - data.size(), "byte") + " past the end of the datagram",
            kRfc7252Sec3);
    m.token.assign(data.begin() + 4, data.end());
    r.diagnostics = d.Take();
    return r;
  }
  m.token.assign(data.begin() + 4, data.begin() + 4 + tkl);
  if (m.code == CoapCode::kEmpty && data.size() > 4)
    d.Error(4, "",
            "Empty message (code 0.00) has " + Count(data.size() - 4, "byte") +
                " after the message id; it must have none (a message format error)",
            "RFC 7252 §4.1");
  ParseOptionsAndPayload(data, 4 + tkl, data.size(), true, r, d);
  for (auto& x : CheckMessage(m, CoapTransport::kUdp, &r.option_offsets)) {
    // The framing check above already reported an Empty message with content.
    if (m.code == CoapCode::kEmpty && x.rule == "RFC 7252 §4.1") continue;
    d.Add(std::move(x));
  }
  r.diagnostics = d.Take();
  return r;
}

std::optional<size_t> TcpFrameSize(std::span<const uint8_t> s) {
  if (s.empty()) return std::nullopt;
  uint8_t len = s[0] >> 4, tkl = s[0] & 15;
  size_t ext = len < 13 ? 0 : len == 13 ? 1 : len == 14 ? 2 : 4;
  if (s.size() < 1 + ext) return std::nullopt;
  uint64_t body = len;
  if (len == 13) body = 13 + s[1];
  if (len == 14) body = 269 + (uint64_t{s[1]} << 8 | s[2]);
  if (len == 15) body = 65805 + (uint64_t{s[1]} << 24 | uint64_t{s[2]} << 16 | uint64_t{s[3]} << 8 | s[4]);
  return static_cast<size_t>(1 + ext + 1 + tkl + body);
}

WireParseResult ParseTcp(std::span<const uint8_t> data) {
  WireParseResult r;
  Diagnostics d;
  auto frame = TcpFrameSize(data);
  uint8_t len_nibble = data.empty() ? 0 : data[0] >> 4;
  size_t ext = len_nibble < 13 ? 0 : len_nibble == 13 ? 1 : len_nibble == 14 ? 2 : 4;
  if (!frame || data.size() < ext + 2) {
    r.truncated = true;
    r.size = data.size();
    d.Error(0, "",
            "stream of " + std::to_string(data.size()) + " bytes ends inside the frame header (" +
                std::to_string(ext + 2) + " bytes before the token)",
            kRfc8323Sec32);
    r.diagnostics = d.Take();
    return r;
  }
  CoapMessage& m = r.message;
  uint8_t tkl = data[0] & 15;
  m.code = data[1 + ext];
  size_t token_at = 2 + ext;
  size_t body_at = token_at + tkl;
  r.size = *frame;
  if (tkl > 8)
    d.Error(0, "",
            "token length (TKL) " + std::to_string(tkl) +
                " is reserved (9-15 must be processed as a message format error)",
            kRfc8323Sec32);
  if (data.size() < *frame) {
    r.truncated = true;
    d.Error(0, "",
            "frame of " + std::to_string(*frame) + " bytes (Len " + std::to_string(*frame - body_at) +
                ") is cut short: only " + std::to_string(data.size()) + " bytes are available",
            kRfc8323Sec32);
  }
  size_t end = std::min(*frame, data.size());
  if (token_at + tkl > end) {
    m.token.assign(data.begin() + token_at, data.begin() + end);
    r.diagnostics = d.Take();
    return r;
  }
  m.token.assign(data.begin() + token_at, data.begin() + body_at);
  ParseOptionsAndPayload(data, body_at, end, !r.truncated, r, d);
  d.Append(CheckMessage(m, CoapTransport::kTcp, &r.option_offsets));
  r.diagnostics = d.Take();
  return r;
}

WireParseResult Parse(std::span<const uint8_t> bytes, CoapTransport t) {
  return t == CoapTransport::kUdp ? ParseUdp(bytes) : ParseTcp(bytes);
}

std::vector<Diagnostic> CheckMessage(const CoapMessage& m, CoapTransport t, const std::vector<size_t>* offsets) {
  Diagnostics d;
  auto at = [&](size_t i) -> std::optional<size_t> {
    if (offsets && i < offsets->size()) return (*offsets)[i];
    return std::nullopt;
  };
  const int cls = m.code >> 5;
  const std::string code = CoapCodeName(m.code);
  if (cls == 1 || cls == 6 || (cls == 7 && t == CoapTransport::kUdp))
    d.Error(1, "",
            "code " + code + " has reserved class " + std::to_string(cls) +
                (cls == 7 ? " (signaling codes exist only on reliable transports, RFC 8323 §5)" : "") +
                "; the message must be rejected",
            "RFC 7252 §4.2");
  else if (cls == 3)
    d.Warning(1, "", "code " + code + " has class 3, which no specification assigns", kRfc7252Sec3);
  else if (cls == 0 && m.code > CoapCode::kIPatch)
    d.Info(1, "", "request code " + code + " is not a method this harness knows", "RFC 7252 §12.1.1");
  else if (cls == 7 && (m.code & 0x1F) > 5)
    d.Warning(1, "", "signaling code " + code + " is not defined", "RFC 8323 §11.1");

  if (m.IsEmpty()) {
    if (!m.token.empty() || !m.options.empty() || !m.payload.empty())
      d.Error(4, "",
              "Empty message (code 0.00) carries " +
                  std::string(!m.token.empty() ? "a token" : !m.options.empty() ? "options" : "a payload") +
                  "; it must have nothing after the message id (a message format error)",
              "RFC 7252 §4.1");
  }

  if (t == CoapTransport::kUdp) {
    const bool request = m.IsRequest();
    switch (m.type) {
      case CoapType::kAcknowledgement:
        if (request)
          d.Error(0, "", "Acknowledgement carries request " + code + "; an ACK carries a response or is Empty",
                  "RFC 7252 §4.2");
        break;
      case CoapType::kReset:
        if (!m.IsEmpty())
          d.Error(0, "", "Reset message carries " + code + "; a Reset must be Empty", "RFC 7252 §4.2");
        break;
      case CoapType::kNonConfirmable:
        if (m.IsEmpty())
          d.Error(0, "", "Non-confirmable message is Empty; a NON always carries a request or response",
                  "RFC 7252 §4.3");
        break;
      case CoapType::kConfirmable:
        if (m.IsEmpty())
          d.Info(0, "", "Empty Confirmable message: a CoAP ping, to be answered with a Reset", "RFC 7252 §4.3");
        break;
    }
  }

  // Signaling messages (7.xx) number their options per signal (RFC 8323 §5.3-5.6); the
  // request/response option table does not apply to them.
  if (cls == 7) return d.Take();
  std::vector<uint16_t> seen;
  for (size_t i = 0; i < m.options.size(); ++i) CheckOption(m, i, at(i), t, d, seen);
  return d.Take();
}

}  // namespace lwm2m
