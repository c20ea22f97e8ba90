#include "harness/wire/relay.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/time.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace lwm2m::wire {
namespace {

using Clock = std::chrono::steady_clock;
using SysClock = std::chrono::system_clock;

// The two ways a datagram can travel through the relay.
enum class Leg : uint8_t { kToTarget, kToListen };

constexpr size_t kUdpBuffer = 65536;         // above the largest UDP payload (65527 bytes over IPv6)
constexpr size_t kTcpRead = 65000;           // one recorded segment per read
constexpr size_t kTcpBackpressure = 4 << 20; // stop reading a side while the other's queue is this full
constexpr size_t kMaxBindings = 1024;        // upstream UDP sockets (including retired ones)
constexpr int kReadsPerWakeup = 256;
constexpr std::chrono::milliseconds kDefaultReorderHold{1000};

std::string ErrnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

void SetBuffers(int fd) {
  int size = 1 << 20;  // best effort: the kernel caps it at rmem_max / wmem_max
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

Result<SocketAddress> LocalAddress(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return InternalError(ErrnoText("getsockname"));
  return FromSockaddr(ss);
}

struct ActiveFault {
  Fault fault;
  uint32_t seen = 0;
  std::mt19937_64 rng;
  bool done = false;
};

// What the matching faults do to one datagram.
struct Actions {
  bool drop = false;
  bool rebind = false;
  bool duplicate = false;
  bool reorder = false;
  std::chrono::milliseconds delay{0};
  std::chrono::milliseconds reorder_hold = kDefaultReorderHold;
  std::optional<size_t> corrupt;
  std::string notes;
  void Note(const std::string& n) { notes += (notes.empty() ? "" : "; ") + n; }
};

std::string Hex2(uint8_t b) {
  static const char* kDigits = "0123456789abcdef";
  return std::string("0x") + kDigits[b >> 4] + kDigits[b & 15];
}

}  // namespace

std::string ToString(Fault::Kind k) {
  switch (k) {
    case Fault::Kind::kDrop: return "drop";
    case Fault::Kind::kDelay: return "delay";
    case Fault::Kind::kDuplicate: return "duplicate";
    case Fault::Kind::kReorder: return "reorder";
    case Fault::Kind::kCorrupt: return "corrupt";
    case Fault::Kind::kBlackhole: return "blackhole";
    case Fault::Kind::kRebind: return "rebind";
    case Fault::Kind::kNone: return "none";
  }
  return "?";
}

struct Relay::Impl {
  RelayConfig config;
  Recorder* recorder = nullptr;
  int listen_fd = -1;
  int wake_fd = -1;
  SocketAddress listen_addr;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::once_flag stop_once;

  mutable std::mutex mu;  // guards the members up to the thread-only section
  mutable std::condition_variable stats_cv;
  std::vector<ActiveFault> faults;
  RelayStats stats;
  std::vector<SocketAddress> upstream_snapshot;
  bool release_held = false;

  // ---- relay thread only ----
  struct Binding {
    int fd = -1;
    SocketAddress local;  // as the target sees it
    SocketAddress peer;   // the initiator on the listen side
    bool retired = false;
  };
  std::vector<std::unique_ptr<Binding>> bindings;
  std::map<SocketAddress, Binding*> active;  // initiator -> its current binding
  struct Pending {
    Clock::time_point due;
    Leg leg;
    Binding* binding;
    Bytes data;
    bool reorder_hold;
  };
  std::deque<Pending> pending;

  struct Chunk {
    Clock::time_point due;
    Bytes data;
    bool hold = false;  // kReorder: goes out after the next chunk
  };
  struct Conn {
    int fd[2] = {-1, -1};  // [0] the initiator's (accepted) socket, [1] the socket to the target
    SocketAddress up_local;
    std::deque<Chunk> out[2];  // out[i]: bytes waiting to be written to fd[i]
    size_t out_bytes[2] = {0, 0};
    bool eof[2] = {false, false};
    bool shut[2] = {false, false};
    bool dead = false;
  };
  std::vector<std::unique_ptr<Conn>> conns;

  ~Impl() {
    for (auto& b : bindings) CloseFd(b->fd);
    for (auto& c : conns) {
      CloseFd(c->fd[0]);
      CloseFd(c->fd[1]);
    }
    CloseFd(listen_fd);
    CloseFd(wake_fd);
  }

  Direction DirectionOf(Leg leg) const {
    const bool to_target = leg == Leg::kToTarget;
    const bool iut_initiates = config.iut_side == IutSide::kListen;
    return to_target == iut_initiates ? Direction::kFromIut : Direction::kToIut;
  }

  void Wake() {
    uint64_t one = 1;
    ssize_t n = ::write(wake_fd, &one, sizeof(one));
    (void)n;
  }

  // Counts the datagram against every fault and returns what to do with it (locks mu).
  Actions Decide(Leg leg, size_t size) {
    std::lock_guard lock(mu);
    Actions a;
    const Direction dir = DirectionOf(leg);
    if (dir == Direction::kFromIut) ++stats.from_iut;
    else ++stats.to_iut;
    for (ActiveFault& af : faults) {
      const Fault& f = af.fault;
      if (af.done || f.kind == Fault::Kind::kNone) continue;
      if (f.kind == Fault::Kind::kRebind) {
        if (leg != Leg::kToTarget) continue;
        if (++af.seen >= f.index.value_or(1)) {
          a.rebind = true;
          af.done = true;
        }
        continue;
      }
      if (f.direction != Direction::kBoth && f.direction != dir) continue;
      ++af.seen;
      bool applies = false;
      if (f.kind == Fault::Kind::kBlackhole) {
        applies = af.seen >= f.index.value_or(1);
      } else if (!f.index && f.rate > 0) {
        const double u = static_cast<double>(af.rng() >> 11) * 0x1.0p-53;
        applies = u < f.rate;
      } else {
        const uint32_t start = f.index.value_or(1);
        applies = af.seen >= start && (f.count == 0 || af.seen < start + f.count);
        if (f.count != 0 && af.seen + 1 >= start + f.count) af.done = true;
      }
      if (!applies) continue;
      switch (f.kind) {
        case Fault::Kind::kDrop:
          a.drop = true;
          a.Note("dropped by fault");
          break;
        case Fault::Kind::kBlackhole:
          a.drop = true;
          a.Note("dropped by fault (blackhole)");
          break;
        case Fault::Kind::kDelay:
          a.delay = std::max(a.delay, f.delay);
          a.Note("delayed " + std::to_string(f.delay.count()) + " ms by fault");
          break;
        case Fault::Kind::kDuplicate:
          a.duplicate = true;
          a.Note("duplicated by fault");
          break;
        case Fault::Kind::kReorder:
          a.reorder = true;
          if (f.delay.count() > 0) a.reorder_hold = f.delay;
          a.Note("held by fault: sent after the next datagram (reorder)");
          break;
        case Fault::Kind::kCorrupt:
          if (size == 0) break;
          a.corrupt = f.offset ? std::optional<size_t>(*f.offset) : std::optional<size_t>(af.rng() % size);
          if (*a.corrupt >= size) a.corrupt.reset();
          break;
        default:
          break;
      }
    }
    std::erase_if(faults, [](const ActiveFault& af) { return af.done; });
    if (a.drop) {
      ++stats.dropped;
      // A dropped datagram is not also delayed, duplicated, corrupted or reordered.
      a.delay = {};
      a.duplicate = a.reorder = false;
      a.corrupt.reset();
    }
    if (a.delay.count() > 0) ++stats.delayed;
    if (a.duplicate) ++stats.duplicated;
    if (a.reorder) ++stats.reordered;
    if (a.corrupt) ++stats.corrupted;
    if (a.rebind) ++stats.rebinds;
    stats_cv.notify_all();
    return a;
  }

  void Record(Transport t, const SocketAddress& src, const SocketAddress& dst, const Bytes& data,
              const std::string& note) {
    if (!recorder) return;
    if (t == Transport::kUdp) recorder->RecordUdp(src, dst, data, SysClock::now(), note);
    else recorder->RecordTcp(src, dst, data, SysClock::now(), note);
  }

  void ApplyCorrupt(Actions& a, Bytes& data) {
    if (!a.corrupt) return;
    const uint8_t before = data[*a.corrupt];
    data[*a.corrupt] ^= 0xFF;
    a.Note("corrupted by fault: byte " + std::to_string(*a.corrupt) + " " + Hex2(before) + "->" +
           Hex2(data[*a.corrupt]));
  }

  void PublishBindings() {
    std::vector<SocketAddress> snapshot;
    for (auto& [peer, b] : active) snapshot.push_back(b->local);
    std::lock_guard lock(mu);
    upstream_snapshot = std::move(snapshot);
  }

  // ---------------- UDP ----------------

  Binding* NewBinding(const SocketAddress& peer) {
    if (bindings.size() >= kMaxBindings) return nullptr;
    sockaddr_storage ss{};
    Result<socklen_t> len = ToSockaddr(config.target, &ss);
    if (!len) return nullptr;
    int fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return nullptr;
    SetBuffers(fd);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), *len) != 0) {
      ::close(fd);
      return nullptr;
    }
    Result<SocketAddress> local = LocalAddress(fd);
    if (!local) {
      ::close(fd);
      return nullptr;
    }
    auto b = std::make_unique<Binding>();
    b->fd = fd;
    b->local = *local;
    b->peer = peer;
    bindings.push_back(std::move(b));
    active[peer] = bindings.back().get();
    PublishBindings();
    return bindings.back().get();
  }

  void SendUdp(Leg leg, Binding* b, const Bytes& data) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      ssize_t n;
      if (leg == Leg::kToTarget) {
        n = ::send(b->fd, data.data(), data.size(), MSG_NOSIGNAL);
      } else {
        sockaddr_storage ss{};
        Result<socklen_t> len = ToSockaddr(b->peer, &ss);
        if (!len) return;
        n = ::sendto(listen_fd, data.data(), data.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&ss), *len);
      }
      // A connected UDP socket reports an earlier ICMP "port unreachable" on the next send, which
      // then fails: send again once.
      if (n >= 0 || errno != ECONNREFUSED) return;
    }
  }

  void ReleaseHeldUdp(Leg leg) {
    for (auto it = pending.begin(); it != pending.end();) {
      if (it->leg == leg && it->reorder_hold) {
        SendUdp(it->leg, it->binding, it->data);
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
  }

  void ForwardUdp(Leg leg, Binding* b, const Bytes& data, const Actions& a) {
    const auto now = Clock::now();
    int copies = a.duplicate ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      if (a.reorder) {
        pending.push_back({now + std::max(a.delay, a.reorder_hold), leg, b, data, true});
      } else if (a.delay.count() > 0) {
        pending.push_back({now + a.delay, leg, b, data, false});
      } else {
        SendUdp(leg, b, data);
        ReleaseHeldUdp(leg);
      }
    }
  }

  void OnUdpFromInitiator(const SocketAddress& peer, Bytes data) {
    Actions a = Decide(Leg::kToTarget, data.size());
    Binding* b = nullptr;
    if (auto it = active.find(peer); it != active.end()) b = it->second;
    if (b && a.rebind) {
      b->retired = true;
      active.erase(peer);
      b = nullptr;
    }
    if (!b) b = NewBinding(peer);
    if (a.rebind && b) a.Note("rebound by fault: new source port " + std::to_string(b->local.port));
    if (!b) {
      Record(Transport::kUdp, peer, config.target, data, "not forwarded: no upstream socket could be opened");
      return;
    }
    ForwardUdpRecorded(Leg::kToTarget, b, b->local, config.target, data, a);
  }

  void OnUdpFromTarget(Binding* b, const SocketAddress& from, Bytes data) {
    if (b->retired) {
      Record(Transport::kUdp, from, b->local, data, "arrived at a source port retired by a rebind: not forwarded");
      return;
    }
    Actions a = Decide(Leg::kToListen, data.size());
    ForwardUdpRecorded(Leg::kToListen, b, from, b->local, data, a);
  }

  // Records the datagram as it arrived (with the notes of what the faults did), then forwards it.
  void ForwardUdpRecorded(Leg leg, Binding* b, const SocketAddress& src, const SocketAddress& dst,
                          const Bytes& original, Actions& a) {
    Bytes data = original;
    ApplyCorrupt(a, data);
    Record(Transport::kUdp, src, dst, original, a.notes);
    if (a.drop) return;
    if (a.duplicate) Record(Transport::kUdp, src, dst, data, "duplicate injected by fault");
    ForwardUdp(leg, b, data, a);
  }

  void ReadUdp(int fd, Binding* b) {
    Bytes buf(kUdpBuffer);
    for (int i = 0; i < kReadsPerWakeup; ++i) {
      sockaddr_storage ss{};
      socklen_t len = sizeof(ss);
      ssize_t n = ::recvfrom(fd, buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss), &len);
      if (n < 0) {
        if (errno == EINTR || errno == ECONNREFUSED) continue;
        return;  // EAGAIN or a socket error: nothing more now
      }
      Bytes data(buf.begin(), buf.begin() + n);
      if (b) OnUdpFromTarget(b, FromSockaddr(ss), std::move(data));
      else OnUdpFromInitiator(FromSockaddr(ss), std::move(data));
      if (stopping) return;
    }
  }

  // ---------------- TCP ----------------

  void Accept() {
    for (int i = 0; i < 16; ++i) {
      sockaddr_storage ss{};
      socklen_t len = sizeof(ss);
      int down = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (down < 0) return;
      sockaddr_storage ts{};
      Result<socklen_t> tlen = ToSockaddr(config.target, &ts);
      int up = tlen ? ::socket(ts.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0) : -1;
      // The target is a local tester (or IUT): a blocking connect returns at once; SO_SNDTIMEO bounds
      // it (Linux applies it to connect) should the target be elsewhere.
      timeval bound{2, 0};
      if (up >= 0) ::setsockopt(up, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof(bound));
      if (up < 0 || ::connect(up, reinterpret_cast<sockaddr*>(&ts), *tlen) != 0) {
        if (up >= 0) ::close(up);
        ::close(down);
        continue;
      }
      SetNonBlocking(up);
      auto c = std::make_unique<Conn>();
      c->fd[0] = down;
      c->fd[1] = up;
      c->up_local = LocalAddress(up).ok() ? *LocalAddress(up) : SocketAddress{};
      if (recorder) recorder->RecordTcpOpen(c->up_local, config.target, SysClock::now());
      conns.push_back(std::move(c));
    }
  }

  void Abort(Conn& c) {
    linger l{1, 0};  // close with RST
    for (int fd : c.fd) ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    c.dead = true;
  }

  void Enqueue(Conn& c, int to, Chunk chunk) {
    auto& q = c.out[to];
    c.out_bytes[to] += chunk.data.size();
    if (!q.empty() && q.back().hold) {
      // The held chunk goes out after this one.
      Chunk held = std::move(q.back());
      q.pop_back();
      held.hold = false;
      held.due = std::min(held.due, chunk.due);
      q.push_back(std::move(chunk));
      q.push_back(std::move(held));
    } else {
      q.push_back(std::move(chunk));
    }
  }

  void ReadTcp(Conn& c, int from) {
    const Leg leg = from == 0 ? Leg::kToTarget : Leg::kToListen;
    const int to = 1 - from;
    Bytes buf(kTcpRead);
    ssize_t n = ::recv(c.fd[from], buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) c.dead = true;
      return;
    }
    const SocketAddress src = from == 0 ? c.up_local : config.target;
    const SocketAddress dst = from == 0 ? config.target : c.up_local;
    if (n == 0) {
      c.eof[from] = true;
      if (recorder) recorder->RecordTcpClose(src, dst, SysClock::now());
      return;
    }
    buf.resize(static_cast<size_t>(n));
    Actions a = Decide(leg, buf.size());
    if (a.rebind) {
      a.Note("connection aborted by fault (rebind)");
      Record(Transport::kTcp, src, dst, buf, a.notes);
      Abort(c);
      return;
    }
    Bytes data = buf;
    ApplyCorrupt(a, data);
    Record(Transport::kTcp, src, dst, buf, a.notes);
    if (a.drop) return;
    const auto now = Clock::now();
    const int copies = a.duplicate ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      Chunk chunk{now + a.delay, data, a.reorder && i == copies - 1};
      if (chunk.hold) chunk.due = now + std::max(a.delay, a.reorder_hold);
      Enqueue(c, to, std::move(chunk));
    }
  }

  void WriteTcp(Conn& c, int to) {
    auto& q = c.out[to];
    const auto now = Clock::now();
    while (!q.empty() && q.front().due <= now) {
      Bytes& d = q.front().data;
      ssize_t n = ::send(c.fd[to], d.data(), d.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) c.dead = true;
        return;
      }
      c.out_bytes[to] -= static_cast<size_t>(n);
      if (static_cast<size_t>(n) < d.size()) {
        d.erase(d.begin(), d.begin() + n);
        return;
      }
      q.pop_front();
    }
  }

  void Housekeep(Conn& c) {
    for (int from = 0; from < 2; ++from) {
      const int to = 1 - from;
      if (c.eof[from] && c.out[to].empty() && !c.shut[to]) {
        ::shutdown(c.fd[to], SHUT_WR);
        c.shut[to] = true;
      }
    }
    if (c.eof[0] && c.eof[1] && c.out[0].empty() && c.out[1].empty()) c.dead = true;
  }

  // ---------------- loop ----------------

  void ReleaseAllHeld() {
    const auto now = Clock::now();
    for (Pending& p : pending)
      if (p.reorder_hold) p.due = now;
    for (auto& c : conns)
      for (auto& q : c->out)
        for (Chunk& ch : q)
          if (ch.hold) {
            ch.hold = false;
            ch.due = now;
          }
  }

  void RunPending() {
    const auto now = Clock::now();
    // In order of arrival among those due, so two delayed datagrams keep their order.
    for (auto it = pending.begin(); it != pending.end();) {
      if (it->due <= now) {
        SendUdp(it->leg, it->binding, it->data);
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
  }

  int PollTimeoutMs() const {
    std::optional<Clock::time_point> next;
    auto consider = [&next](Clock::time_point t) {
      if (!next || t < *next) next = t;
    };
    for (const Pending& p : pending) consider(p.due);
    for (const auto& c : conns)
      for (const auto& q : c->out)
        if (!q.empty()) consider(q.front().due);
    if (!next) return -1;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(ms, 0, 60000));
  }

  void Run() {
    std::vector<pollfd> fds;
    // What each pollfd is: -1 listen, -2 wake, >= 0 a binding index or (TCP) conn index * 2 + side.
    std::vector<long> what;
    while (!stopping) {
      {
        std::lock_guard lock(mu);
        if (release_held) {
          release_held = false;
          ReleaseAllHeld();
        }
      }
      RunPending();
      for (auto& c : conns) {
        if (!c->dead) {
          WriteTcp(*c, 0);
          WriteTcp(*c, 1);
          Housekeep(*c);
        }
      }
      std::erase_if(conns, [](const std::unique_ptr<Conn>& c) {
        if (!c->dead) return false;
        CloseFd(c->fd[0]);
        CloseFd(c->fd[1]);
        return true;
      });

      fds.clear();
      what.clear();
      fds.push_back({wake_fd, POLLIN, 0});
      what.push_back(-2);
      fds.push_back({listen_fd, POLLIN, 0});
      what.push_back(-1);
      for (size_t i = 0; i < bindings.size(); ++i) {
        fds.push_back({bindings[i]->fd, POLLIN, 0});
        what.push_back(static_cast<long>(i));
      }
      const auto now = Clock::now();
      for (size_t i = 0; i < conns.size(); ++i) {
        Conn& c = *conns[i];
        for (int side = 0; side < 2; ++side) {
          short ev = 0;
          if (!c.eof[side] && c.out_bytes[1 - side] < kTcpBackpressure) ev |= POLLIN;
          if (!c.out[side].empty() && c.out[side].front().due <= now) ev |= POLLOUT;
          // Nothing wanted: leave the fd out (-1), or a half-closed socket's POLLHUP would spin the loop.
          fds.push_back({ev ? c.fd[side] : -1, ev, 0});
          what.push_back(static_cast<long>(i * 2 + side));
        }
      }
      int r = ::poll(fds.data(), fds.size(), PollTimeoutMs());
      if (r < 0) {
        if (errno == EINTR) continue;
        break;
      }
      for (size_t k = 0; k < fds.size() && !stopping; ++k) {
        const short re = fds[k].revents;
        if (re == 0) continue;
        if (what[k] == -2) {
          uint64_t v;
          ssize_t n = ::read(wake_fd, &v, sizeof(v));
          (void)n;
        } else if (what[k] == -1) {
          if (config.transport == Transport::kUdp) ReadUdp(listen_fd, nullptr);
          else Accept();
        } else if (config.transport == Transport::kUdp) {
          ReadUdp(fds[k].fd, bindings[static_cast<size_t>(what[k])].get());
        } else {
          Conn& c = *conns[static_cast<size_t>(what[k]) / 2];
          const int side = static_cast<int>(what[k] % 2);
          if (c.dead) continue;
          if (!c.eof[side] && (re & (POLLIN | POLLHUP | POLLERR))) ReadTcp(c, side);
          if (!c.dead && (re & POLLOUT)) WriteTcp(c, side);
        }
      }
    }
  }
};

Relay::Relay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Relay::~Relay() { Stop(); }

Result<std::unique_ptr<Relay>> Relay::Start(const RelayConfig& config, Recorder* recorder) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->recorder = recorder;
  sockaddr_storage ss{};
  Result<socklen_t> len = ToSockaddr(config.listen, &ss);
  if (!len) return len.status();
  if (sockaddr_storage ts{}; !ToSockaddr(config.target, &ts).ok() || config.target.port == 0)
    return BadRequest("relay: target " + ToString(config.target) + " is not an IP literal with a port");
  const int type = config.transport == Transport::kUdp ? SOCK_DGRAM : SOCK_STREAM;
  impl->listen_fd = ::socket(ss.ss_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (impl->listen_fd < 0) return InternalError(ErrnoText("relay: socket"));
  if (config.transport == Transport::kTcp) {
    int one = 1;
    ::setsockopt(impl->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  } else {
    SetBuffers(impl->listen_fd);
  }
  if (::bind(impl->listen_fd, reinterpret_cast<sockaddr*>(&ss), *len) != 0)
    return InternalError(ErrnoText("relay: bind " + ToString(config.listen)));
  if (config.transport == Transport::kTcp && ::listen(impl->listen_fd, 64) != 0)
    return InternalError(ErrnoText("relay: listen"));
  Result<SocketAddress> bound = LocalAddress(impl->listen_fd);
  if (!bound) return bound.status();
  impl->listen_addr = *bound;
  impl->wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (impl->wake_fd < 0) return InternalError(ErrnoText("relay: eventfd"));
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<Relay>(new Relay(std::move(impl)));
}

SocketAddress Relay::listen_address() const { return impl_->listen_addr; }

std::vector<SocketAddress> Relay::upstream_addresses() const {
  std::lock_guard lock(impl_->mu);
  return impl_->upstream_snapshot;
}

void Relay::Inject(const Fault& f) {
  if (f.kind == Fault::Kind::kNone) return;
  ActiveFault af;
  af.fault = f;
  af.rng.seed(f.seed);
  std::lock_guard lock(impl_->mu);
  impl_->faults.push_back(std::move(af));
}

void Relay::ClearFaults() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->faults.clear();
    impl_->release_held = true;
  }
  impl_->Wake();
}

RelayStats Relay::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

bool Relay::WaitForStats(const std::function<bool(const RelayStats&)>& pred,
                         std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mu);
  return impl_->stats_cv.wait_for(lock, timeout, [&] { return pred(impl_->stats); });
}

void Relay::Stop() {
  std::call_once(impl_->stop_once, [this] {
    impl_->stopping = true;
    impl_->Wake();
    if (impl_->thread.joinable()) impl_->thread.join();
  });
}

}  // namespace lwm2m::wire
