#include "harness/wire/test_support.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lwm2m::wire::testing {
namespace {

int BoundSocket(const std::string& ip, int type, SocketAddress* out) {
  sockaddr_storage ss{};
  Result<socklen_t> len = ToSockaddr({ip, 0}, &ss);
  if (!len) return -1;
  int fd = ::socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), *len) != 0) {
    ::close(fd);
    return -1;
  }
  sockaddr_storage bound{};
  socklen_t blen = sizeof(bound);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &blen);
  *out = FromSockaddr(bound);
  int size = 1 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  return fd;
}

void SendDatagram(int fd, const SocketAddress& to, const Bytes& data) {
  sockaddr_storage ss{};
  Result<socklen_t> len = ToSockaddr(to, &ss);
  if (len) ::sendto(fd, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&ss), *len);
}

void Wake(int fd) {
  uint64_t one = 1;
  ssize_t n = ::write(fd, &one, sizeof(one));
  (void)n;
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/wire-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data())) path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty() && !std::getenv("WIRE_TEST_KEEP")) std::filesystem::remove_all(path_, ec);
}

UdpEchoPeer::UdpEchoPeer(const std::string& ip, bool echo) : echo_(echo) {
  fd_ = BoundSocket(ip, SOCK_DGRAM, &address_);
  wake_ = ::eventfd(0, EFD_CLOEXEC);
  thread_ = std::thread([this] { Run(); });
}

UdpEchoPeer::~UdpEchoPeer() {
  Wake(wake_);
  thread_.join();
  ::close(fd_);
  ::close(wake_);
}

void UdpEchoPeer::Run() {
  Bytes buf(65536);
  for (;;) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents) return;
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss), &len);
    if (n < 0) continue;
    Datagram d{FromSockaddr(ss), Bytes(buf.begin(), buf.begin() + n)};
    if (echo_) ::sendto(fd_, d.data.data(), d.data.size(), 0, reinterpret_cast<sockaddr*>(&ss), len);
    {
      std::lock_guard lock(mu_);
      received_.push_back(std::move(d));
    }
    cv_.notify_all();
  }
}

std::vector<Datagram> UdpEchoPeer::received() const {
  std::lock_guard lock(mu_);
  return received_;
}

bool UdpEchoPeer::WaitFor(const std::function<bool(const std::vector<Datagram>&)>& pred,
                          std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return pred(received_); });
}

bool UdpEchoPeer::WaitForCount(size_t n, std::chrono::milliseconds timeout) const {
  return WaitFor([n](const std::vector<Datagram>& r) { return r.size() >= n; }, timeout);
}

void UdpEchoPeer::SendTo(const SocketAddress& to, const Bytes& data) { SendDatagram(fd_, to, data); }

UdpClient::UdpClient(const std::string& ip) { fd_ = BoundSocket(ip, SOCK_DGRAM, &address_); }
UdpClient::~UdpClient() { ::close(fd_); }

void UdpClient::SendTo(const SocketAddress& to, const Bytes& data) { SendDatagram(fd_, to, data); }

std::optional<Datagram> UdpClient::Receive(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
  Bytes buf(65536);
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss), &len);
  if (n < 0) return std::nullopt;
  buf.resize(static_cast<size_t>(n));
  return Datagram{FromSockaddr(ss), std::move(buf)};
}

TcpEchoServer::TcpEchoServer() {
  fd_ = BoundSocket("127.0.0.1", SOCK_STREAM, &address_);
  ::listen(fd_, 16);
  wake_ = ::eventfd(0, EFD_CLOEXEC);
  thread_ = std::thread([this] { Run(); });
}

TcpEchoServer::~TcpEchoServer() {
  Wake(wake_);
  thread_.join();
  ::close(fd_);
  ::close(wake_);
}

void TcpEchoServer::Run() {
  std::vector<int> conns;
  Bytes buf(65536);
  for (;;) {
    std::vector<pollfd> fds = {{wake_, POLLIN, 0}, {fd_, POLLIN, 0}};
    for (int c : conns) fds.push_back({c, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[0].revents) break;
    if (fds[1].revents) {
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) {
        conns.push_back(c);
        ++connections_;
      }
    }
    for (size_t i = 2; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      ssize_t n = ::recv(fds[i].fd, buf.data(), buf.size(), 0);
      if (n <= 0) {
        ::close(fds[i].fd);
        std::erase(conns, fds[i].fd);
        continue;
      }
      for (ssize_t off = 0; off < n;) {
        ssize_t w = ::send(fds[i].fd, buf.data() + off, static_cast<size_t>(n - off), MSG_NOSIGNAL);
        if (w <= 0) break;
        off += w;
      }
    }
  }
  for (int c : conns) ::close(c);
}

TcpClient::TcpClient(const SocketAddress& to) {
  sockaddr_storage ss{};
  Result<socklen_t> len = ToSockaddr(to, &ss);
  if (!len) return;
  fd_ = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&ss), *len) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

TcpClient::~TcpClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool TcpClient::Send(const Bytes& data) {
  for (size_t off = 0; off < data.size();) {
    ssize_t w = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (w <= 0) return false;
    off += static_cast<size_t>(w);
  }
  return true;
}

Bytes TcpClient::ReadExactly(size_t n, std::chrono::milliseconds timeout) {
  Bytes out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Bytes buf(65536);
  while (out.size() < n) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t r = ::recv(fd_, buf.data(), std::min(buf.size(), n - out.size()), 0);
    if (r <= 0) break;
    out.insert(out.end(), buf.begin(), buf.begin() + r);
  }
  return out;
}

bool TcpClient::WaitForEof(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char c;
  return ::recv(fd_, &c, 1, 0) == 0;
}

void TcpClient::ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

bool TsharkAvailable() { return ::access("/usr/bin/tshark", X_OK) == 0 || std::system("command -v tshark >/dev/null 2>&1") == 0; }

TsharkResult RunTshark(const std::vector<std::string>& args) { return RunTool("tshark", args); }

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TsharkResult RunTool(const std::string& tool, const std::vector<std::string>& args) {
  TsharkResult r;
  TempDir dir;
  const std::string out = dir.File("out"), err = dir.File("err");
  std::string cmd = "timeout -k 5 60 " + tool;
  for (const std::string& a : args) {
    std::string q = "'";
    for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += " " + q + "'";
  }
  cmd += " >'" + out + "' 2>'" + err + "' </dev/null";
  int status = std::system(cmd.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  return lines;
}

Bytes B(const std::string& s) { return Bytes(s.begin(), s.end()); }

}  // namespace lwm2m::wire::testing
