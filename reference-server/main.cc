// main.cc: `lwm2m-ref-server`, the reference LwM2M 1.2 Server (and optionally a Bootstrap-Server)
// as a process, configured by YAML and flags, driven by a JSON-lines control channel on stdin
// (and optionally 127.0.0.1 TCP). Output: one JSON object per line; exits 0 on SIGINT/SIGTERM.
//   lwm2m-ref-server --config ref-server.yaml --control-port 7000
#include <CLI/CLI.hpp>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "reference-server/control.h"
#include "reference-server/server_config.h"

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

struct LineSource {
  int fd = -1;
  std::string buf;
  bool open = true;
};
}  // namespace

int main(int argc, char** argv) {
  using namespace lwm2m;
  using namespace lwm2m::refserver;
  using json = nlohmann::ordered_json;
  CLI::App app{
      "Reference LwM2M 1.2 Server (Core TS 1.2 §6.2-§6.4), optionally with a Bootstrap-Server (§6.1).\n"
      "Prints one JSON object per line (listening endpoints, events, command replies) and reads JSON\n"
      "commands, one per line, on stdin and on --control-port. Flags override the --config file."};
  std::string config_file;
  RefServerOverrides o;
  app.add_option("--config", config_file, "YAML configuration file (example below)")->check(CLI::ExistingFile);
  app.add_option("--ip", o.ip, "address to bind (numeric)");
  app.add_option("--port", o.udp_port, "CoAP/UDP port (0: any, -1: none); default 5683 without a config");
  app.add_option("--dtls-port", o.dtls_port, "CoAP/DTLS port, PSK and/or certificates (0: any)");
  app.add_option("--tcp-port", o.tcp_port, "CoAP/TCP port (0: any)");
  app.add_option("--tls-port", o.tls_port, "CoAP/TLS port, PSK and/or certificates (0: any)");
  app.add_option("--psk-identity", o.psk_identities, "PSK identity (repeatable, paired with --psk-key)");
  app.add_option("--psk-key", o.psk_keys, "PSK key in hex (repeatable)");
  app.add_option("--cert", o.cert_file,
                 "X.509 server certificate (PEM) for DTLS/TLS; a client's ep must be its certificate's CN");
  app.add_option("--key", o.key_file, "private key (PEM) of --cert");
  app.add_option("--ca", o.ca_file, "CA certificate (PEM) that client certificates must chain to");
  app.add_option("--version", o.versions, "supported LwM2M versions (default 1.0 1.1 1.2)");
  app.add_option("--default-lifetime", o.default_lifetime_s, "lifetime when Register has no lt");
  app.add_flag("--no-nosec", o.no_nosec, "refuse Register over unsecured transports (4.03)");
  app.add_option("--control-port", o.control_port, "JSON control channel on 127.0.0.1 TCP (0: any)");
  app.add_option("--bootstrap-port", o.bootstrap_port, "also run a Bootstrap-Server on this UDP port");
  app.add_option("--bootstrap-plans", o.bootstrap_plans_file, "Bootstrap plans YAML file");
  app.footer("Example configuration file:\n\n" + std::string(ExampleRefServerConfig()) + "\n" +
             std::string(ControlChannel::Help()));
  CLI11_PARSE(app, argc, argv);

  RefServerConfig cfg = DefaultRefServerConfig();
  if (!config_file.empty()) {
    auto loaded = LoadRefServerConfigFile(config_file);
    if (!loaded.ok()) {
      std::cerr << "error: " << loaded.status().message() << "\n";
      return 2;
    }
    cfg = std::move(*loaded);
  }
  if (Status st = ApplyOverrides(cfg, o); !st.ok()) {
    std::cerr << "error: " << st.message() << "\n";
    return 2;
  }

  std::vector<int> control_clients;
  auto out = [&](const json& j) {
    std::string line = j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    std::cout << line << std::flush;
    for (int fd : control_clients) (void)!send(fd, line.data(), line.size(), MSG_NOSIGNAL);
  };

  Lwm2mServer server(cfg.server);
  if (Status st = server.Start(); !st.ok()) {
    std::cerr << "error: " << st.ToString() << "\n";
    return 1;
  }
  std::unique_ptr<BootstrapServer> bs;
  if (cfg.bootstrap) {
    bs = std::make_unique<BootstrapServer>(*cfg.bootstrap);
    if (Status st = bs->Start(); !st.ok()) {
      std::cerr << "error: bootstrap server: " << st.ToString() << "\n";
      return 1;
    }
  }
  for (auto t : {coap::Transport::kUdp, coap::Transport::kDtls, coap::Transport::kTcp, coap::Transport::kTls})
    if (auto a = server.address(t))
      out({{"event", "listening"}, {"role", "server"}, {"transport", std::string(coap::TransportName(t))},
           {"address", a->ToString()}});
  if (bs) {
    if (auto a = bs->udp_address()) out({{"event", "listening"}, {"role", "bootstrap"}, {"transport", "udp"}, {"address", a->ToString()}});
    if (auto a = bs->dtls_address()) out({{"event", "listening"}, {"role", "bootstrap"}, {"transport", "dtls"}, {"address", a->ToString()}});
    if (auto a = bs->tcp_address()) out({{"event", "listening"}, {"role", "bootstrap"}, {"transport", "tcp"}, {"address", a->ToString()}});
    if (auto a = bs->tls_address()) out({{"event", "listening"}, {"role", "bootstrap"}, {"transport", "tls"}, {"address", a->ToString()}});
  }

  int listen_fd = -1;
  if (cfg.control_port) {
    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(*cfg.control_port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (listen_fd < 0 || bind(listen_fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || listen(listen_fd, 4) != 0 ||
        getsockname(listen_fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
      std::cerr << "error: control port " << *cfg.control_port << ": " << std::strerror(errno) << "\n";
      return 1;
    }
    out({{"event", "listening"}, {"role", "control"}, {"transport", "tcp"},
         {"address", "127.0.0.1:" + std::to_string(ntohs(sa.sin_port))}});
  }

  ControlChannel control(server, bs.get());
  server.SetEventCallback([&](const ServerEvent& e) { out(ControlChannel::EventJson(e)); });
  if (bs) bs->SetEventListener([&](const BootstrapEvent& e) { out(ControlChannel::EventJson(e)); });

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<LineSource> sources;
  sources.push_back({STDIN_FILENO, "", true});

  auto reply = [&](int fd, const std::string& line) {
    std::string text = control.HandleLine(line) + "\n";
    if (fd == STDIN_FILENO) std::cout << text << std::flush;
    else (void)!send(fd, text.data(), text.size(), MSG_NOSIGNAL);
  };

  while (!g_stop && !control.shutdown_requested()) {
    server.Poll(std::chrono::milliseconds(bs ? 20 : 40));
    if (bs) bs->Poll(std::chrono::milliseconds(20));
    (void)server.TakeEvents();  // printed by the callback already
    // Command input: poll without waiting (the servers' polls above bound the idle wait).
    std::vector<pollfd> pfds;
    for (auto& s : sources) pfds.push_back({s.open ? s.fd : -1, POLLIN, 0});
    if (listen_fd >= 0) pfds.push_back({listen_fd, POLLIN, 0});
    if (poll(pfds.data(), pfds.size(), 0) <= 0) continue;
    for (size_t i = 0; i < sources.size() && !control.shutdown_requested(); ++i) {
      auto& s = sources[i];
      if (!s.open || !(pfds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char tmp[4096];
      ssize_t n = read(s.fd, tmp, sizeof tmp);
      if (n <= 0) {
        s.open = false;  // EOF does not stop the server
        if (s.fd != STDIN_FILENO) {
          std::erase(control_clients, s.fd);
          close(s.fd);
        }
        continue;
      }
      s.buf.append(tmp, static_cast<size_t>(n));
      if (s.buf.size() > (1u << 20) && s.buf.find('\n') == std::string::npos) {
        s.buf.clear();
        std::string text = R"({"ok":false,"error":"command line longer than 1 MiB, discarded"})" "\n";
        if (s.fd == STDIN_FILENO) std::cout << text << std::flush;
        else (void)!send(s.fd, text.data(), text.size(), MSG_NOSIGNAL);
      }
      size_t nl;
      while ((nl = s.buf.find('\n')) != std::string::npos && !control.shutdown_requested()) {
        std::string line = s.buf.substr(0, nl);
        s.buf.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        reply(s.fd, line);
      }
    }
    if (listen_fd >= 0 && (pfds.back().revents & POLLIN)) {
      int fd = accept(listen_fd, nullptr, nullptr);
      if (fd >= 0) {
        sources.push_back({fd, "", true});
        control_clients.push_back(fd);
      }
    }
    std::erase_if(sources, [](const LineSource& s) { return !s.open && s.fd != STDIN_FILENO; });
  }
  for (int fd : control_clients) close(fd);
  if (listen_fd >= 0) close(listen_fd);
  out({{"event", "stopped"}});
  return 0;
}
