// summary.h: one-line descriptions of what crossed the wire, for logs and failure messages:
// a bounded hex dump and a CoAP summary (RFC 7252 / RFC 8323 framing, parsed by lwm2m/coap_wire.h).
//   HexDump({0x40, 0x01, 0x12, 0x34})          // "40 01 12 34"
//   Summarize(Transport::kUdp, datagram)       // "CON GET mid=4660 ... (12 bytes)" or "not CoAP: ..."
#pragma once

#include <cstddef>
#include <string>

#include "harness/wire/address.h"
#include "lwm2m/value.h"

namespace lwm2m::wire {

// Space-separated lowercase hex of the first `max_bytes` bytes, then "... (N bytes)" when cut.
std::string HexDump(const Bytes& data, size_t max_bytes = 64);

// CoapMessage::Summary() of the parsed message plus its size; for bytes that do not parse, "not CoAP:"
// with the first diagnostic and a hex dump. Never throws, whatever the bytes.
std::string Summarize(Transport t, const Bytes& data);

}  // namespace lwm2m::wire
