// relay.h: the wire between the IUT and the tester: a UDP or TCP relay on its own thread that records
// every datagram (or TCP read) to a Recorder before faults apply, and injects deterministic faults on
// command: drop, delay, duplicate, reorder, corrupt, blackhole, and a NAT rebinding (new source port).
//   auto relay = Relay::Start({.transport = Transport::kUdp, .target = server_addr}, recorder.get());
//   iut_config.server_uri = "coap://" + ToString((*relay)->listen_address());
//   (*relay)->Inject({.kind = Fault::Kind::kDrop, .direction = Direction::kFromIut, .index = 2});
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "harness/wire/address.h"
#include "harness/wire/recorder.h"
#include "lwm2m/result.h"

namespace lwm2m::wire {

enum class Direction : uint8_t { kToIut, kFromIut, kBoth };

// Counting rules: a fault counts the datagrams (TCP: reads) travelling in `direction` from the moment
// it is injected.
//  - index mode (`index` set, or neither index nor rate): applies to datagrams index..index+count-1
//    (count 0: every one from index on); without index it starts with the next datagram;
//  - rate mode (`rate` > 0, no index): applies to each datagram with probability `rate`, drawn from a
//    generator seeded by `seed` (same seed, same traffic: same choices); `count` is ignored;
//  - kBlackhole drops everything from `index` (default: the next) on until ClearFaults();
//  - kRebind applies once, to a datagram travelling toward the relay's target (it is the target that
//    sees the new source port), whatever `direction` says; on TCP it aborts the connection (RST both
//    ways), as a NAT losing its mapping does;
//  - kReorder holds the datagram until the next one in the same direction has been sent (or at most
//    `delay`, default 1 s), so the two arrive swapped;
//  - kCorrupt XORs 0xFF into the byte at `offset` (default: one chosen by the seeded generator).
// Several faults may match one datagram: drop/blackhole win; corrupt, duplicate, delay and reorder combine.
struct Fault {
  enum class Kind : uint8_t { kDrop, kDelay, kDuplicate, kReorder, kCorrupt, kBlackhole, kRebind, kNone } kind =
      Kind::kNone;
  Direction direction = Direction::kBoth;
  std::optional<uint32_t> index;  // the Nth datagram (1-based) in `direction` counted from injection
  double rate = 0;
  uint64_t seed = 0;
  uint32_t count = 1;
  std::chrono::milliseconds delay{0};
  std::optional<uint32_t> offset;  // kCorrupt: byte to flip (addition to the engine's sketch)
};

std::string ToString(Fault::Kind k);  // "drop", "delay", ...

// Which side of the relay the IUT is on. kListen: the IUT talks to listen_address() (an IUT client,
// the tester server is the target). kTarget: the tester talks to listen_address() and the IUT is the
// target (an IUT server behind the relay).
enum class IutSide : uint8_t { kListen, kTarget };

struct RelayConfig {
  Transport transport = Transport::kUdp;
  SocketAddress listen{"127.0.0.1", 0};  // what the initiating peer talks to (port 0: kernel-chosen)
  SocketAddress target;                  // the responding peer (the tester's endpoint for an IUT client)
  IutSide iut_side = IutSide::kListen;
};

struct RelayStats {
  uint64_t to_iut = 0, from_iut = 0, dropped = 0, delayed = 0, duplicated = 0, corrupted = 0, rebinds = 0;
  uint64_t reordered = 0;  // addition
};

// Capture: the relay records the leg between its upstream socket and the target, i.e. the addresses
// the target sees (src = the upstream socket bound for that initiator, dst = target, and back), so a
// rebind shows as a new source port. A datagram is recorded when it arrives, before faults apply, and
// the packet comment says what a fault did to it ("dropped by fault drop#1"); an injected duplicate
// is recorded again as its own frame. Traffic that reaches an upstream socket retired by a rebind is
// recorded and not forwarded. For UDP there is one upstream socket per initiator address.
class Relay {
 public:
  // Binds the listen socket (and for TCP listens); fails with the errno text. `recorder` may be null
  // and must outlive the relay.
  static Result<std::unique_ptr<Relay>> Start(const RelayConfig& config, Recorder* recorder);
  ~Relay();  // stops
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  SocketAddress listen_address() const;  // with the bound port
  // The upstream sockets' addresses as the target sees them, one per initiator (addition).
  std::vector<SocketAddress> upstream_addresses() const;
  void Inject(const Fault& f);  // takes effect for the next datagram
  // Removes every fault; datagrams held by kReorder are sent now, delayed ones still on time.
  void ClearFaults();
  RelayStats stats() const;
  // Waits (bounded) until `pred` holds for the stats; counters move when a datagram arrives, before it
  // is forwarded (addition).
  bool WaitForStats(const std::function<bool(const RelayStats&)>& pred, std::chrono::milliseconds timeout) const;
  void Stop();  // prompt: wakes the relay thread and joins it; idempotent

  struct Impl;

 private:
  explicit Relay(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lwm2m::wire
