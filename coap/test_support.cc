// test_support.cc: see test_support.h.
#include "coap/test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lwm2m::coap::testing {

namespace {

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int BoundUdp(const std::string& ip, Address& out) {
  bool v6 = ip.find(':') != std::string::npos;
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  sockaddr_storage ss{};
  socklen_t len;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    inet_pton(AF_INET6, ip.c_str(), &a->sin6_addr);
    len = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    inet_pton(AF_INET, ip.c_str(), &a->sin_addr);
    len = sizeof(sockaddr_in);
  }
  bind(fd, reinterpret_cast<sockaddr*>(&ss), len);
  socklen_t got = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &got);
  out.ip = ip;
  out.port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return fd;
}

std::vector<Bytes> DrainFd(int fd) {
  std::vector<Bytes> out;
  uint8_t buf[65536];
  while (true) {
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) break;
    out.emplace_back(buf, buf + n);
  }
  return out;
}

}  // namespace

TestCerts MakeTestCerts() { return MakeTestCerts("lwm2m-test-client", "lwm2m-test-server"); }

TestCerts MakeTestCerts(const std::string& client_cn, const std::string& server_cn, const std::string& server_san) {
  TestCerts c;
  char tmpl[] = "/tmp/coap-certs-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    c.error = "mkdtemp failed";
    return c;
  }
  std::filesystem::path dir(tmpl);
  std::string d = dir.string();
  std::ofstream(dir / "server.cnf") << "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyAgreement\n"
                                       "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=" << server_san << "\n";
  std::ofstream(dir / "client.cnf") << "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyAgreement\n"
                                       "extendedKeyUsage=serverAuth,clientAuth\n";
  // The CNs go to openssl inside single quotes: keep them to characters that need no escaping.
  for (const std::string* cn : {&client_cn, &server_cn}) {
    if (cn->empty() || cn->find_first_of("'/\\\n") != std::string::npos) {
      c.error = "test CN must be non-empty, without quotes, slashes or newlines";
      std::filesystem::remove_all(dir);
      return c;
    }
  }
  std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
  std::string cmd =
      "cd " + d + " && openssl req -x509" + ec + "-keyout ca.key -out ca.crt -subj /CN=lwm2m-harness-test-ca -days 2" +
      " && openssl req" + ec + "-keyout server.key -out server.csr -subj '/CN=" + server_cn + "'" +
      " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2"
      " -extfile server.cnf" +
      " && openssl req" + ec + "-keyout client.key -out client.csr -subj '/CN=" + client_cn + "'" +
      " && openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2"
      " -extfile client.cnf";
  cmd = "(" + cmd + ") > /dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    c.error = "openssl CLI failed";
  } else {
    c.ca_cert = ReadFile(dir / "ca.crt");
    c.server_cert = ReadFile(dir / "server.crt");
    c.server_key = ReadFile(dir / "server.key");
    c.client_cert = ReadFile(dir / "client.crt");
    c.client_key = ReadFile(dir / "client.key");
  }
  std::filesystem::remove_all(dir);
  return c;
}

SilentUdpPeer::SilentUdpPeer(const std::string& ip) { fd_ = BoundUdp(ip, address_); }
SilentUdpPeer::~SilentUdpPeer() { close(fd_); }
std::vector<Bytes> SilentUdpPeer::Drain() { return DrainFd(fd_); }

RawUdp::RawUdp(const std::string& ip) { fd_ = BoundUdp(ip, address_); }
RawUdp::~RawUdp() { close(fd_); }
std::vector<Bytes> RawUdp::Drain() { return DrainFd(fd_); }
bool RawUdp::SendTo(const Address& to, const Bytes& datagram) {
  sockaddr_storage ss{};
  socklen_t len;
  if (to.ip.find(':') != std::string::npos) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(to.port);
    inet_pton(AF_INET6, to.ip.c_str(), &a->sin6_addr);
    len = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(to.port);
    inet_pton(AF_INET, to.ip.c_str(), &a->sin_addr);
    len = sizeof(sockaddr_in);
  }
  return ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&ss), len) ==
         static_cast<ssize_t>(datagram.size());
}

size_t WireLog::Count(Direction d, uint8_t code, std::optional<CoapType> type) const {
  size_t n = 0;
  for (const auto& e : events) {
    if (e.direction == d && e.parsed.message.code == code && (!type || e.parsed.message.type == *type)) ++n;
  }
  return n;
}

CoapMessage Response(uint8_t code, std::string_view payload) {
  CoapMessage m;
  m.code = code;
  m.payload.assign(payload.begin(), payload.end());
  return m;
}

Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

}  // namespace lwm2m::coap::testing
