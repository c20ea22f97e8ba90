// registration_bench.cc: Register throughput, latency and memory of the reference LwM2M Server
// (Core TS 1.2 §6.2.1, Transport TS 1.2 §6.4.3) over CoAP/UDP on 127.0.0.1. N distinct endpoints
// register from a few pipelined client sessions of one in-process coap::Context. Prints figures.
//   build/bench/registration_bench [registrations]      (default 2000)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "coap/context.h"
#include "reference-server/server.h"

namespace {

using namespace std::chrono_literals;
namespace CoapCode = lwm2m::CoapCode;
using lwm2m::CoapMessage;
using lwm2m::ContentFormat;
using SteadyClock = std::chrono::steady_clock;

constexpr int kSessions = 8;
constexpr int kInFlightPerSession = 4;
// No reply at all for this long is a failure (Register timed out).
constexpr auto kStallTimeout = 10s;

// VmRSS of this process in bytes (Linux /proc/self/status, "VmRSS:  1234 kB"); -1 if unreadable.
long ReadRssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6) * 1024;
  }
  return -1;
}

CoapMessage RegisterMsg(long i) {
  static constexpr std::string_view kLinks = "</1/0>,</3/0>";
  CoapMessage m = CoapMessage::Request(CoapCode::kPost,
                                       "/rd?ep=bench-" + std::to_string(i) + "&lt=300&lwm2m=1.2&b=U");
  m.payload.assign(kLinks.begin(), kLinks.end());
  m.SetContentFormat(ContentFormat::kLinkFormat);
  return m;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t idx = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(idx, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 2000;
  if (n <= 0) n = 1;

  lwm2m::refserver::Lwm2mServer server({.udp = true});
  if (auto st = server.Start(); !st.ok()) {
    std::fprintf(stderr, "server start failed: %s\n", st.ToString().c_str());
    return 2;
  }
  auto addr = server.address(lwm2m::coap::Transport::kUdp);
  if (!addr) {
    std::fprintf(stderr, "server has no UDP address\n");
    return 2;
  }
  lwm2m::coap::Context client;
  server.AddPeerContext(&client);
  std::vector<std::shared_ptr<lwm2m::coap::Session>> sessions;
  for (int s = 0; s < kSessions; ++s) {
    auto sess = client.Connect(lwm2m::coap::Transport::kUdp, *addr);
    if (!sess.ok()) {
      std::fprintf(stderr, "connect failed: %s\n", sess.status().ToString().c_str());
      return 2;
    }
    sessions.push_back(*sess);
  }

  // Everything sized by N on the benchmark side is allocated before the first RSS reading.
  std::vector<double> latency_us(static_cast<size_t>(n), -1.0);
  std::vector<int> in_flight(kSessions, 0);
  long next = 0, done = 0, failed = 0, registered_events = 0;
  std::string first_failure;

  const long rss_before = ReadRssBytes();
  const auto t0 = SteadyClock::now();
  while (done < n) {
    for (int s = 0; s < kSessions && next < n; ++s) {
      while (in_flight[s] < kInFlightPerSession && next < n) {
        const long i = next++;
        const auto sent_at = SteadyClock::now();
        ++in_flight[s];
        auto r = sessions[s]->Send(RegisterMsg(i), [&, i, s, sent_at](const lwm2m::coap::Reply& reply) {
          --in_flight[s];
          ++done;
          latency_us[i] = std::chrono::duration<double, std::micro>(SteadyClock::now() - sent_at).count();
          if (!reply.ok() || reply.response.code != CoapCode::kCreated) {
            ++failed;
            if (first_failure.empty())
              first_failure = "bench-" + std::to_string(i) + ": " +
                              (reply.ok() ? "code " + std::to_string(reply.response.code >> 5) + "." +
                                                std::to_string(reply.response.code & 0x1F)
                                          : std::string(lwm2m::coap::OutcomeName(reply.outcome)) + " " +
                                                reply.detail);
          }
        });
        if (!r.ok()) {
          --in_flight[s];
          ++done;
          ++failed;
          if (first_failure.empty()) first_failure = "bench-" + std::to_string(i) + ": send: " + r.status().ToString();
        }
      }
    }
    const long before = done;
    // Bounded: returns once any reply arrived, or after kStallTimeout without one.
    server.RunUntil([&] { return done > before; }, kStallTimeout);
    // Consume the event queue as an application would, so it does not count as per-client memory.
    for (const auto& e : server.TakeEvents())
      if (e.kind == lwm2m::refserver::ServerEventKind::kRegistered) ++registered_events;
    if (done == before) {
      std::fprintf(stderr, "stalled: no reply for %lld s with %ld of %ld done\n",
                   static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(kStallTimeout).count()),
                   done, n);
      break;
    }
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  const long rss_after = ReadRssBytes();

  const long timed_out = n - done;
  const size_t registrations = server.Registrations().size();
  std::vector<double> sorted;
  sorted.reserve(latency_us.size());
  for (double v : latency_us)
    if (v >= 0) sorted.push_back(v);
  std::sort(sorted.begin(), sorted.end());

  std::printf("registration_bench: %ld Register (POST /rd, 2 links) over CoAP/UDP 127.0.0.1, "
              "%d client sessions x %d in flight\n", n, kSessions, kInFlightPerSession);
  std::printf("  %-34s %12.0f\n", "registrations/s", seconds > 0 ? static_cast<double>(done) / seconds : 0.0);
  std::printf("  %-34s %12.3f\n", "total s", seconds);
  std::printf("  %-34s %12.1f\n", "latency p50 us", Percentile(sorted, 0.50));
  std::printf("  %-34s %12.1f\n", "latency p99 us", Percentile(sorted, 0.99));
  std::printf("  %-34s %12.1f\n", "latency max us", sorted.empty() ? 0.0 : sorted.back());
  if (rss_before >= 0 && rss_after >= 0)
    std::printf("  %-34s %12.0f   (VmRSS delta / N; includes the benchmark's client side)\n",
                "memory per registered client B", static_cast<double>(rss_after - rss_before) / static_cast<double>(n));
  else
    std::printf("  %-34s %12s\n", "memory per registered client B", "n/a");
  std::printf("  %-34s %12ld   (before %ld kB, after %ld kB)\n", "VmRSS delta kB", (rss_after - rss_before) / 1024,
              rss_before / 1024, rss_after / 1024);
  std::printf("  %-34s %12zu   (kRegistered events %ld)\n", "registrations held", registrations,
              registered_events);
  std::printf("  %-34s %12ld\n", "failed", failed);
  std::printf("  %-34s %12ld\n", "timed out", timed_out);
  if (!first_failure.empty()) std::printf("  first failure: %s\n", first_failure.c_str());

  const bool ok = failed == 0 && timed_out == 0 && registrations == static_cast<size_t>(n);
  return ok ? 0 : 1;
}
