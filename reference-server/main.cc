// main.cc: `lwm2m-ref-server`, the reference LwM2M 1.2 Server as a process. Prints one
// "listening <transport> <address>" line per endpoint, then one line per event; exits 0 on SIGINT/SIGTERM.
//   lwm2m-ref-server --port 5683 --dtls-port 5684 --psk-identity node1 --psk-key 0102030405060708
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "reference-server/server.h"

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }
}  // namespace

int main(int argc, char** argv) {
  using namespace lwm2m;
  using namespace lwm2m::refserver;
  CLI::App app{"Reference LwM2M 1.2 Server (Core TS 1.2 §6.2-§6.4)"};
  std::string ip = "127.0.0.1";
  int port = -1, dtls_port = -1, tcp_port = -1;
  std::vector<std::string> identities, keys;
  std::vector<std::string> versions;
  uint32_t default_lifetime = 86400;
  bool no_nosec = false;
  app.add_option("--ip", ip, "address to bind (numeric)");
  app.add_option("--port", port, "CoAP/UDP port (0: any); omitted: no UDP endpoint unless no other is given");
  app.add_option("--dtls-port", dtls_port, "CoAP/DTLS-PSK port (0: any)");
  app.add_option("--tcp-port", tcp_port, "CoAP/TCP port (0: any)");
  app.add_option("--psk-identity", identities, "PSK identity (repeatable, paired with --psk-key)");
  app.add_option("--psk-key", keys, "PSK key in hex (repeatable)");
  app.add_option("--version", versions, "supported LwM2M versions (default 1.0 1.1 1.2)");
  app.add_option("--default-lifetime", default_lifetime, "lifetime when Register has no lt");
  app.add_flag("--no-nosec", no_nosec, "refuse Register over unsecured transports (4.03)");
  CLI11_PARSE(app, argc, argv);

  if (identities.size() != keys.size()) {
    std::cerr << "error: --psk-identity and --psk-key must be given the same number of times\n";
    return 2;
  }
  ServerConfig cfg;
  cfg.ip = ip;
  cfg.udp = port >= 0 || (dtls_port < 0 && tcp_port < 0);
  cfg.udp_port = static_cast<uint16_t>(port > 0 ? port : 0);
  cfg.dtls = dtls_port >= 0;
  cfg.dtls_port = static_cast<uint16_t>(dtls_port > 0 ? dtls_port : 0);
  cfg.tcp = tcp_port >= 0;
  cfg.tcp_port = static_cast<uint16_t>(tcp_port > 0 ? tcp_port : 0);
  cfg.allow_nosec = !no_nosec;
  cfg.default_lifetime_s = default_lifetime;
  if (!versions.empty()) cfg.supported_versions = versions;
  for (size_t i = 0; i < identities.size(); ++i) {
    auto key = HexDecode(keys[i]);
    if (!key.ok()) {
      std::cerr << "error: --psk-key " << keys[i] << ": " << key.status().ToString() << "\n";
      return 2;
    }
    cfg.psk_keys[identities[i]] = *key;
  }

  Lwm2mServer server(cfg);
  Status st = server.Start();
  if (!st.ok()) {
    std::cerr << "error: " << st.ToString() << "\n";
    return 1;
  }
  for (auto t : {coap::Transport::kUdp, coap::Transport::kDtls, coap::Transport::kTcp})
    if (auto a = server.address(t)) std::cout << "listening " << coap::TransportName(t) << " " << a->ToString() << "\n";
  std::cout.flush();
  server.SetEventCallback([](const ServerEvent& e) { std::cout << e.Summary() << std::endl; });

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) {
    server.Poll(std::chrono::milliseconds(100));
    (void)server.TakeEvents();  // printed by the callback already
  }
  std::cout << "stopped" << std::endl;
  return 0;
}
