// test_support.h: loopback peers and a tshark runner for the wire's tests (not part of lwm2m_wire).
//   UdpEchoPeer target;                    // echoes every datagram, remembers what it saw
//   ASSERT_TRUE(target.WaitForCount(3, 2s));
//   TsharkResult r = RunTshark({"-r", path, "-T", "fields", "-e", "coap.code"});
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/wire/address.h"
#include "lwm2m/value.h"

namespace lwm2m::wire::testing {

using namespace std::chrono_literals;

// A fresh directory under $TMPDIR (or /tmp), removed with its files by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct Datagram {
  SocketAddress from;
  Bytes data;
};

// A UDP peer on loopback port 0 with its own thread; echoes (when `echo`) and records every datagram.
class UdpEchoPeer {
 public:
  explicit UdpEchoPeer(const std::string& ip = "127.0.0.1", bool echo = true);
  ~UdpEchoPeer();
  SocketAddress address() const { return address_; }
  std::vector<Datagram> received() const;
  // Bounded waits; false on timeout.
  bool WaitForCount(size_t n, std::chrono::milliseconds timeout) const;
  bool WaitFor(const std::function<bool(const std::vector<Datagram>&)>& pred, std::chrono::milliseconds timeout) const;
  void SendTo(const SocketAddress& to, const Bytes& data);

 private:
  void Run();
  int fd_ = -1;
  int wake_ = -1;
  bool echo_;
  SocketAddress address_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<Datagram> received_;
  std::thread thread_;
};

// A UDP socket on loopback port 0 driven by the test thread.
class UdpClient {
 public:
  explicit UdpClient(const std::string& ip = "127.0.0.1");
  ~UdpClient();
  SocketAddress address() const { return address_; }
  void SendTo(const SocketAddress& to, const Bytes& data);
  std::optional<Datagram> Receive(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  SocketAddress address_;
};

// A TCP echo server on loopback port 0: echoes each connection until EOF, then closes it.
class TcpEchoServer {
 public:
  TcpEchoServer();
  ~TcpEchoServer();
  SocketAddress address() const { return address_; }
  size_t connections() const { return connections_; }

 private:
  void Run();
  int fd_ = -1;
  int wake_ = -1;
  SocketAddress address_;
  std::atomic<size_t> connections_{0};
  std::thread thread_;
};

// A blocking TCP client with bounded reads.
class TcpClient {
 public:
  explicit TcpClient(const SocketAddress& to);
  ~TcpClient();
  bool connected() const { return fd_ >= 0; }
  bool Send(const Bytes& data);
  // Reads until `n` bytes arrived, EOF or the timeout; returns what arrived.
  Bytes ReadExactly(size_t n, std::chrono::milliseconds timeout);
  // True when the peer closed (read returns 0) within the timeout.
  bool WaitForEof(std::chrono::milliseconds timeout);
  void ShutdownWrite();

 private:
  int fd_ = -1;
};

bool TsharkAvailable();
struct TsharkResult {
  int exit_code = -1;
  std::string out;   // stdout
  std::string err;   // stderr (tshark warns about running as root there)
};
// Runs tshark (or another Wireshark tool: capinfos, editcap) with a 60 s bound (coreutils `timeout`).
TsharkResult RunTshark(const std::vector<std::string>& args);
TsharkResult RunTool(const std::string& tool, const std::vector<std::string>& args);
std::vector<uint8_t> ReadFile(const std::string& path);
std::vector<std::string> Lines(const std::string& text);

Bytes B(const std::string& s);

}  // namespace lwm2m::wire::testing
