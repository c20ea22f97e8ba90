// chaos_iut.cc: `lwm2m-chaos-iut`, a deliberately broken IUT for the harness's own tests: it
// crashes, hangs (ignoring SIGTERM), sends malformed CoAP, floods, or never answers. Plain POSIX
// sockets; the CoAP it does send follows RFC 7252 §3 by hand so that it depends on nothing.
//   lwm2m-chaos-iut --mode register-then-crash --server coap://127.0.0.1:5683 --endpoint chaos
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage =
    "usage: lwm2m-chaos-iut --mode MODE [--server coap://HOST:PORT] [--endpoint NAME] [--port PORT]\n"
    "                       [--count N] [--seed N]\n"
    "modes:\n"
    "  crash                abort() at start; with --port: after the first datagram received\n"
    "  register-then-crash  send a CoAP Register to --server, abort() on the first datagram back (or after 10 s)\n"
    "  hang                 ignore SIGTERM/SIGINT/SIGHUP and block forever (only SIGKILL ends it)\n"
    "  garbage              send --count (20) malformed CoAP datagrams to --server, answer every datagram\n"
    "                       (and every stdin line) with garbage\n"
    "  flood                send --count (10000) datagrams to --server as fast as possible and print a line\n"
    "                       for each on stdout, then idle\n"
    "  silent               read stdin and never answer anything\n"
    "  exit-127             exit with status 127 (\"unsupported\") at once\n"
    "Prints \"chaos-iut: ready mode=MODE\" on stdout once its signal handling is in place.\n";

struct Options {
  std::string mode, server, endpoint = "chaos";
  int port = -1;
  long count = -1;
  unsigned seed = 1;
};

void Say(const std::string& s) {
  std::string line = "chaos-iut: " + s + "\n";
  (void)!write(STDOUT_FILENO, line.data(), line.size());
}

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr, "lwm2m-chaos-iut: %s\n%s", why.c_str(), kUsage);
  std::exit(2);
}

[[noreturn]] void IdleForever() {
  for (;;) pause();
}

// coap://host:port -> socket address (numeric hosts or names via getaddrinfo).
bool Resolve(const std::string& uri, sockaddr_storage& out, socklen_t& len) {
  if (uri.rfind("coap://", 0) != 0) return false;
  std::string rest = uri.substr(7);
  rest = rest.substr(0, rest.find('/'));
  std::string host, port = "5683";
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string::npos) return false;
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else {
    size_t colon = rest.rfind(':');
    host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_DGRAM;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || !res) return false;
  std::memcpy(&out, res->ai_addr, res->ai_addrlen);
  len = res->ai_addrlen;
  freeaddrinfo(res);
  return true;
}

void AddOption(std::vector<uint8_t>& m, int& last, int number, const std::string& value) {
  auto nibble = [](size_t v, std::vector<uint8_t>& ext) -> uint8_t {
    if (v < 13) return static_cast<uint8_t>(v);
    if (v < 269) {
      ext.push_back(static_cast<uint8_t>(v - 13));
      return 13;
    }
    ext.push_back(static_cast<uint8_t>((v - 269) >> 8));
    ext.push_back(static_cast<uint8_t>((v - 269) & 0xff));
    return 14;
  };
  std::vector<uint8_t> ext_delta, ext_len;
  uint8_t d = nibble(static_cast<size_t>(number - last), ext_delta);
  uint8_t l = nibble(value.size(), ext_len);
  m.push_back(static_cast<uint8_t>(d << 4 | l));
  m.insert(m.end(), ext_delta.begin(), ext_delta.end());
  m.insert(m.end(), ext_len.begin(), ext_len.end());
  m.insert(m.end(), value.begin(), value.end());
  last = number;
}

// A confirmable Register (Core TS 1.2 §6.2.1, Transport TS §6.4): POST /rd?ep=..&lt=..&lwm2m=1.2.
std::vector<uint8_t> Register(const std::string& endpoint, uint16_t mid) {
  std::vector<uint8_t> m = {0x44, 0x02, static_cast<uint8_t>(mid >> 8), static_cast<uint8_t>(mid), 0xc4, 0x05, 0x11, 0x7e};
  int last = 0;
  AddOption(m, last, 11, "rd");                         // Uri-Path
  AddOption(m, last, 12, std::string(1, '\x28'));       // Content-Format 40 (link format)
  AddOption(m, last, 15, "ep=" + endpoint);             // Uri-Query
  AddOption(m, last, 15, "lt=30");
  AddOption(m, last, 15, "lwm2m=1.2");
  std::string payload = "</1/0>,</3/0>";
  m.push_back(0xff);
  m.insert(m.end(), payload.begin(), payload.end());
  return m;
}

std::vector<uint8_t> Garbage(std::mt19937& rng) {
  auto byte = [&] { return static_cast<uint8_t>(rng() & 0xff); };
  std::vector<uint8_t> m;
  switch (rng() % 8) {
    case 0:  // random bytes
      for (unsigned n = 1 + rng() % 64; n > 0; --n) m.push_back(byte());
      break;
    case 1:  // shorter than the 4-byte header
      m = {0x40, byte()};
      break;
    case 2:  // version 0, 2 or 3 (RFC 7252 §3: must be 1)
      m = {static_cast<uint8_t>(((rng() % 3 == 0 ? 0 : 2 + rng() % 2) << 6) | 0x00), 0x01, byte(), byte()};
      break;
    case 3:  // token length 9-15 (reserved, §3)
      m = {static_cast<uint8_t>(0x40 | (9 + rng() % 7)), 0x01, byte(), byte(), 1, 2, 3, 4, 5, 6, 7, 8, 9};
      break;
    case 4:  // option delta nibble 15 without the payload marker (§3.1: message format error)
      m = {0x40, 0x01, byte(), byte(), 0xf3, 'a', 'b', 'c'};
      break;
    case 5:  // payload marker followed by no payload (§3: message format error)
      m = {0x40, 0x02, byte(), byte(), 0xff};
      break;
    case 6:  // option length running past the end of the datagram
      m = {0x40, 0x02, byte(), byte(), 0xbc, 'r', 'd'};
      break;
    default:  // a "response" with a random class-7 code and random payload
      m = {0x60, static_cast<uint8_t>(0xe0 | (rng() & 0x1f)), byte(), byte(), 0xff};
      for (unsigned n = 1 + rng() % 16; n > 0; --n) m.push_back(byte());
      break;
  }
  return m;
}

int OpenSocket(const Options& o, sockaddr_storage& server, socklen_t& server_len, bool& have_server) {
  have_server = false;
  int family = AF_INET;
  if (!o.server.empty()) {
    if (!Resolve(o.server, server, server_len)) Usage("cannot resolve --server '" + o.server + "' (coap://host:port)");
    have_server = true;
    family = server.ss_family;
  }
  int fd = socket(family, SOCK_DGRAM, 0);
  if (fd < 0) {
    std::perror("socket");
    std::exit(1);
  }
  if (o.port >= 0) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(o.port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      std::perror("bind");
      std::exit(1);
    }
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--mode") o.mode = value();
    else if (a == "--server") o.server = value();
    else if (a == "--endpoint") o.endpoint = value();
    else if (a == "--port") o.port = std::atoi(value().c_str());
    else if (a == "--count") o.count = std::atol(value().c_str());
    else if (a == "--seed") o.seed = static_cast<unsigned>(std::strtoul(value().c_str(), nullptr, 10));
    else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      Usage("unknown argument '" + a + "'");
    }
  }
  signal(SIGPIPE, SIG_IGN);
  std::mt19937 rng(o.seed);

  if (o.mode == "exit-127") {
    std::fputs("chaos-iut: unsupported\n", stderr);
    return 127;
  }
  if (o.mode == "crash" && o.port < 0) {
    Say("crashing at start");
    std::abort();
  }
  if (o.mode == "hang") {
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    Say("ready mode=hang");
    IdleForever();
  }
  if (o.mode == "silent") {
    Say("ready mode=silent");
    char buf[4096];
    for (;;) {
      ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
      if (n == 0 || (n < 0 && errno != EINTR)) IdleForever();
    }
  }

  sockaddr_storage server{};
  socklen_t server_len = 0;
  bool have_server = false;
  if (o.mode == "crash") {
    int fd = OpenSocket(o, server, server_len, have_server);
    Say("ready mode=crash");
    char buf[2048];
    while (recv(fd, buf, sizeof buf, 0) < 0 && errno == EINTR) {
    }
    Say("got a datagram, crashing");
    std::abort();
  }
  if (o.mode == "register-then-crash") {
    if (o.server.empty()) Usage("register-then-crash needs --server");
    int fd = OpenSocket(o, server, server_len, have_server);
    auto reg = Register(o.endpoint, static_cast<uint16_t>(rng()));
    if (sendto(fd, reg.data(), reg.size(), 0, reinterpret_cast<sockaddr*>(&server), server_len) < 0) std::perror("sendto");
    Say("ready mode=register-then-crash: sent Register");
    pollfd p{fd, POLLIN, 0};
    (void)poll(&p, 1, 10000);
    Say("crashing");
    std::abort();
  }
  if (o.mode == "flood") {
    int fd = OpenSocket(o, server, server_len, have_server);
    long count = o.count < 0 ? 10000 : o.count;
    Say("ready mode=flood");
    std::string pad(80, 'x');
    std::string out;
    for (long i = 0; i < count; ++i) {
      if (have_server) {
        auto m = (i % 2) ? Register(o.endpoint, static_cast<uint16_t>(i)) : Garbage(rng);
        (void)sendto(fd, m.data(), m.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&server), server_len);
      }
      out += "chaos-iut: flood " + std::to_string(i) + " " + pad + "\n";
      if (out.size() > 16384) {
        (void)!write(STDOUT_FILENO, out.data(), out.size());
        out.clear();
      }
    }
    (void)!write(STDOUT_FILENO, out.data(), out.size());
    Say("flood done " + std::to_string(count));
    IdleForever();
  }
  if (o.mode == "garbage") {
    int fd = OpenSocket(o, server, server_len, have_server);
    long count = o.count < 0 ? 20 : o.count;
    if (have_server)
      for (long i = 0; i < count; ++i) {
        auto m = Garbage(rng);
        (void)sendto(fd, m.data(), m.size(), 0, reinterpret_cast<sockaddr*>(&server), server_len);
      }
    Say("ready mode=garbage: sent " + std::to_string(have_server ? count : 0) + " garbage datagrams");
    bool stdin_open = true;
    std::vector<uint8_t> buf(2048);
    for (;;) {
      pollfd p[2] = {{fd, POLLIN, 0}, {stdin_open ? STDIN_FILENO : -1, POLLIN, 0}};
      if (poll(p, 2, -1) < 0) continue;
      if (p[0].revents & POLLIN) {
        sockaddr_storage from{};
        socklen_t fl = sizeof from;
        if (recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &fl) >= 0) {
          auto m = Garbage(rng);
          (void)sendto(fd, m.data(), m.size(), 0, reinterpret_cast<sockaddr*>(&from), fl);
        }
      }
      if (p[1].revents & (POLLIN | POLLHUP)) {
        ssize_t n = read(STDIN_FILENO, buf.data(), buf.size());
        if (n <= 0) {
          stdin_open = false;
          continue;
        }
        // Control-channel garbage: a truncated object, a wrong id, and raw bytes.
        std::string junk = "{\"id\":\n{\"id\":-999999,\"ok\":\"maybe\"}\n\x01\xff\xfe not json\n";
        (void)!write(STDOUT_FILENO, junk.data(), junk.size());
      }
    }
  }
  Usage(o.mode.empty() ? "--mode is required" : "unknown mode '" + o.mode + "'");
}
