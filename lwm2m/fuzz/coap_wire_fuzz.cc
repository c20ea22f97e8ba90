// coap_wire_fuzz.cc: libFuzzer target for the CoAP UDP and TCP parsers and the
// LwM2M operation classifier that reads what they parse. A message that parses
// without error must encode back to exactly the bytes it came from (UDP).
#include <cstdlib>
#include <span>

#include "lwm2m/coap_wire.h"
#include "lwm2m/operation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  lwm2m::WireParseResult udp = lwm2m::ParseUdp(in);
  if (!udp.HasErrors()) {
    auto again = lwm2m::EncodeUdp(udp.message);
    if (!again.ok() || *again != lwm2m::Bytes(data, data + size)) std::abort();
  }
  if (udp.message.IsRequest()) {
    (void)lwm2m::Classify(udp.message, {.direction = lwm2m::Direction::kClientToServer});
    (void)lwm2m::Classify(udp.message, {.direction = lwm2m::Direction::kServerToClient});
  }
  lwm2m::WireParseResult tcp = lwm2m::ParseTcp(in);
  (void)tcp;
  return 0;
}
