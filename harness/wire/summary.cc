#include "harness/wire/summary.h"

#include "lwm2m/coap_wire.h"

namespace lwm2m::wire {

std::string HexDump(const Bytes& data, size_t max_bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  const size_t n = std::min(data.size(), max_bytes);
  out.reserve(n * 3 + 24);
  for (size_t i = 0; i < n; ++i) {
    if (i) out.push_back(' ');
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 15]);
  }
  if (n < data.size()) out += " ... (" + std::to_string(data.size()) + " bytes)";
  return out;
}

std::string Summarize(Transport t, const Bytes& data) {
  WireParseResult r = Parse(data, t == Transport::kUdp ? CoapTransport::kUdp : CoapTransport::kTcp);
  if (r.HasErrors()) {
    std::string first;
    for (const Diagnostic& d : r.diagnostics) {
      if (d.severity == Severity::kError) {
        first = d.ToString();
        break;
      }
    }
    return "not CoAP: " + first + " [" + HexDump(data, 32) + "]";
  }
  return r.message.Summary() + " (" + std::to_string(data.size()) + " bytes)";
}

}  // namespace lwm2m::wire
