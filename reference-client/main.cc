// main.cc: `lwm2m-ref-client`, the reference LwM2M 1.2 Client as a process: YAML configuration or
// flags, readable log lines on stderr, a JSON-lines control channel on stdin (replies and events as
// JSON lines on stdout), De-register on SIGINT/SIGTERM, exit 127 when stdin closes after only
// unsupported commands.
//   lwm2m-ref-client --server coap://127.0.0.1:5683 --endpoint demo
#include <CLI/CLI.hpp>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>

#include "reference-client/control.h"

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }
}  // namespace

int main(int argc, char** argv) {
  using namespace lwm2m;
  using namespace lwm2m::refclient;
  CLI::App app{
      "Reference LwM2M 1.2 Client (Core TS 1.2 §6.1-§6.5): bootstrap, registration, device management,\n"
      "observations, Send, firmware update. Logs on stderr; JSON commands on stdin, replies and events\n"
      "as JSON lines on stdout. Without --config: registers with --server (default coap://127.0.0.1:5683)."};
  std::string config_file, server = "", bootstrap, endpoint, psk_identity, psk_key, version;
  std::vector<std::string> faults;
  std::optional<uint32_t> lifetime;
  std::optional<double> time_scale;
  bool quiet = false;
  app.add_option("--config", config_file, "YAML configuration file (example below)")->check(CLI::ExistingFile);
  app.add_option("--server", server, "LwM2M Server URI: coap://, coaps://, coap+tcp://, coaps+tcp://");
  app.add_option("--bootstrap", bootstrap, "Bootstrap-Server URI (client-initiated bootstrap)");
  app.add_option("--endpoint", endpoint, "Endpoint Client Name (default demo)");
  app.add_option("--psk-identity", psk_identity, "PSK identity for coaps:// (server and bootstrap)");
  app.add_option("--psk-key", psk_key, "PSK key in hex");
  app.add_option("--lwm2m-version", version, "enabler version claimed: 1.0, 1.1 or 1.2");
  app.add_option("--lifetime", lifetime, "registration lifetime in seconds (default 300)");
  app.add_option("--time-scale", time_scale, "multiply every LwM2M timer by this (e.g. 0.01)");
  app.add_option("--fault", faults, "deliberate deviation from the TS (repeatable; see README.md)");
  app.add_flag("--quiet", quiet, "no log lines on stderr");
  app.footer("Example configuration file:\n\n" + std::string(ExampleClientConfig()) + "\n" +
             std::string(ClientControl::Help()));
  CLI11_PARSE(app, argc, argv);

  ClientConfig cfg;
  if (!config_file.empty()) {
    auto loaded = LoadClientConfigFile(config_file);
    if (!loaded.ok()) {
      std::cerr << "error: " << loaded.status().message() << "\n";
      return 2;
    }
    cfg = std::move(*loaded);
  } else {
    cfg.endpoint = "demo";
  }
  if (!endpoint.empty()) cfg.endpoint = endpoint;
  if (!version.empty()) {
    if (version != "1.0" && version != "1.1" && version != "1.2") {
      std::cerr << "error: --lwm2m-version must be 1.0, 1.1 or 1.2\n";
      return 2;
    }
    cfg.lwm2m_version = version;
  }
  if (time_scale) {
    if (!(*time_scale > 0)) {
      std::cerr << "error: --time-scale must be positive\n";
      return 2;
    }
    cfg.time_scale = *time_scale;
  }
  for (const auto& f : faults) cfg.faults.push_back(f);
  AccountSecurity sec;
  if (!psk_key.empty() || !psk_identity.empty()) {
    auto key = HexDecode(psk_key);
    if (!key.ok() || key->empty() || psk_identity.empty()) {
      std::cerr << "error: --psk-identity and --psk-key (hex) go together\n";
      return 2;
    }
    sec.mode = 0;
    sec.psk_identity = psk_identity;
    sec.psk_key = *key;
  }
  if (config_file.empty() && server.empty() && bootstrap.empty()) server = "coap://127.0.0.1:5683";
  if (!server.empty()) {
    if (server.find("://") == std::string::npos) {
      std::cerr << "error: --server must be a URI such as coap://127.0.0.1:5683\n";
      return 2;
    }
    ServerAccount a;
    a.ssid = 101;
    a.uri = server;
    a.lifetime = lifetime.value_or(300);
    a.mute_send = false;
    if (server.rfind("coaps", 0) == 0) a.security = sec;
    if (server.rfind("coap+tcp", 0) == 0 || server.rfind("coaps+tcp", 0) == 0) a.binding = "T";
    cfg.factory.present = true;
    cfg.factory.servers.clear();
    cfg.factory.servers.push_back(a);
  } else if (lifetime) {
    for (auto& a : cfg.factory.servers) a.lifetime = *lifetime;
  }
  if (!bootstrap.empty()) {
    BootstrapAccount b;
    b.uri = bootstrap;
    if (bootstrap.rfind("coaps", 0) == 0) b.security = sec;
    cfg.factory.present = true;
    cfg.factory.bootstrap = b;
  }
  for (const auto& f : cfg.faults) {
    const auto& known = KnownClientFaults();
    if (std::find(known.begin(), known.end(), f) == known.end())
      std::cerr << "note: fault '" << f << "' is not one of the network side's; passed to the data model\n";
  }

  Lwm2mClient client(ClientOptions{.config = cfg});
  ClientControl control(client);
  auto out = [](const ControlJson& j) {
    std::cout << j.dump(-1, ' ', false, ControlJson::error_handler_t::replace) << "\n" << std::flush;
  };
  client.SetEventCallback([&](const ClientEvent& e) {
    if (!quiet) std::cerr << "lwm2m-ref-client: " << e.Summary() << "\n";
    if (e.kind != ClientEventKind::kLog && e.kind != ClientEventKind::kRequest) out(ClientControl::EventJson(e));
  });
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  if (Status st = client.Start(); !st.ok()) {
    std::cerr << "error: " << st.message() << "\n";
    return 2;
  }

  std::string buf;
  bool stdin_open = true;
  int exit_code = 0;
  while (!g_stop && !control.quit_requested()) {
    if (stdin_open) {
      pollfd p{STDIN_FILENO, POLLIN, 0};
      while (poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP))) {
        char chunk[4096];
        ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
        if (n <= 0) {
          stdin_open = false;
          break;
        }
        buf.append(chunk, static_cast<size_t>(n));
        if (buf.size() > (1u << 20)) buf.clear();  // a runaway line: drop it rather than grow
      }
      for (size_t nl; (nl = buf.find('\n')) != std::string::npos;) {
        std::string line = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        std::cout << control.HandleLine(line) << "\n" << std::flush;
      }
      if (!stdin_open) {
        if (!buf.empty() && buf.find_first_not_of(" \t\r") != std::string::npos)
          std::cout << control.HandleLine(buf) << "\n" << std::flush;
        buf.clear();
        // "Unsupported" is part of the contract: a test made only of unknown verbs exits 127.
        if (control.handled() > 0 && control.unsupported() == control.handled()) {
          exit_code = 127;
          break;
        }
      }
    }
    client.Poll(std::chrono::milliseconds(20));
  }
  client.Stop(/*deregister=*/true, std::chrono::seconds(3));
  if (!quiet) std::cerr << "lwm2m-ref-client: stopped\n";
  return exit_code;
}
