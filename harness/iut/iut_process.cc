// iut_process.cc: the launcher. One reader thread per IUT drains stdout/stderr into the log,
// matches the ready pattern, routes control-channel lines, and reaps the process (via a pidfd).
#include "harness/iut/iut_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <regex>

#include "harness/iut/spawn.h"

namespace lwm2m::iut {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxMatchBytes = 4096;     // std::regex recurses: match only a line's head
constexpr size_t kMaxQueuedReplies = 1000;

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace

Result<std::unique_ptr<IutProcess>> IutProcess::Start(const LaunchSpec& spec, const Variables& vars,
                                                       const std::string& log_path) {
  auto command = Expand(spec.command, vars, true);
  if (!command.ok()) return BadRequest("launch command: " + command.status().message());
  SpawnOptions so;
  so.command = *command;
  for (const auto& [k, v] : spec.env) {
    auto value = Expand(v, vars, false);
    if (!value.ok()) return BadRequest("launch env " + k + ": " + value.status().message());
    so.env[k] = *value;
  }
  if (!spec.cwd.empty()) {
    auto cwd = Expand(spec.cwd, vars, false);
    if (!cwd.ok()) return BadRequest("launch cwd: " + cwd.status().message());
    so.cwd = *cwd;
  }
  std::unique_ptr<IutProcess> p(new IutProcess());
  if (!spec.ready_pattern.empty()) {
    try {
      p->ready_re_ = std::make_unique<std::regex>(spec.ready_pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return BadRequest("ready pattern '" + spec.ready_pattern + "': " + e.what());
    }
  }
  p->spec_ = spec;
  p->command_ = *command;
  if (!log_path.empty()) {
    p->log_fd_ = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (p->log_fd_ < 0) return InternalError("cannot open the IUT log '" + log_path + "': " + std::strerror(errno));
  }
  // stdin is a socket so that writing to an IUT that closed it gives EPIPE, never SIGPIPE.
  int in[2], out[2], err[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0)
    return InternalError(std::string("socketpair: ") + std::strerror(errno));
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]), close(in[1]);
    return InternalError(std::string("pipe: ") + std::strerror(errno));
  }
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(in[0]), close(in[1]), close(out[0]), close(out[1]);
    return InternalError(std::string("pipe: ") + std::strerror(errno));
  }
  so.stdin_fd = in[1];
  so.stdout_fd = out[1];
  so.stderr_fd = err[1];
  auto pid = Spawn(so);
  close(in[1]), close(out[1]), close(err[1]);
  if (!pid.ok()) {
    close(in[0]), close(out[0]), close(err[0]);
    return pid.status();
  }
  p->pid_ = *pid;
  p->stdin_fd_ = in[0];
  p->stdout_fd_ = out[0];
  p->stderr_fd_ = err[0];
  fcntl(p->stdin_fd_, F_SETFL, fcntl(p->stdin_fd_, F_GETFL) | O_NONBLOCK);
  p->pid_fd_ = OpenPidFd(p->pid_);
  if (pipe2(p->wake_fd_, O_CLOEXEC | O_NONBLOCK) != 0) p->wake_fd_[0] = p->wake_fd_[1] = -1;
  p->Note(fmt::format("started pid {}: {}", p->pid_, p->command_));
  p->reader_ = std::thread([raw = p.get()] { raw->ReaderLoop(); });
  return p;
}

IutProcess::~IutProcess() {
  Stop();
  CloseFd(stdout_fd_);
  CloseFd(stderr_fd_);
  CloseFd(pid_fd_);
  CloseFd(wake_fd_[0]);
  CloseFd(wake_fd_[1]);
  CloseFd(log_fd_);
}

void IutProcess::Note(const std::string& text) {
  std::string line = "[harness] " + text;
  if (line.size() > 4096) line = line.substr(0, 4096) + "...";
  line += '\n';
  WriteLog(line.data(), line.size());
}

void IutProcess::WriteLog(const char* data, size_t n) {
  std::lock_guard<std::mutex> lock(log_mu_);
  if (log_fd_ < 0) {
    log_bytes_ += n;
    return;
  }
  if (log_truncated_) return;
  if (log_bytes_ + n > kMaxLogBytes) {
    log_truncated_ = true;
    std::string msg = fmt::format("\n[harness] log truncated at {} bytes; further output is discarded\n", log_bytes_);
    (void)!write(log_fd_, msg.data(), msg.size());
    return;
  }
  while (n > 0) {
    ssize_t w = write(log_fd_, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    data += w;
    n -= static_cast<size_t>(w);
    log_bytes_ += static_cast<size_t>(w);
  }
}

size_t IutProcess::log_bytes() {
  std::lock_guard<std::mutex> lock(log_mu_);
  return log_bytes_;
}

void IutProcess::OnLine(std::string& line, bool from_stdout) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  bool need_ready;
  {
    std::lock_guard<std::mutex> lock(mu_);
    need_ready = !ready_ && !spec_.ready_pattern.empty();
  }
  if (need_ready) {
    std::string head = line.substr(0, kMaxMatchBytes);
    std::smatch m;
    if (std::regex_search(head, m, *ready_re_)) {
      std::lock_guard<std::mutex> lock(mu_);
      ready_ = true;
      ready_match_.clear();
      for (const auto& g : m) ready_match_.push_back(g.str());
      cv_.notify_all();
    }
  }
  if (!from_stdout || !spec_.control_channel) return;
  size_t start = line.find_first_not_of(" \t");
  if (start == std::string::npos || line[start] != '{') return;
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (j.contains("id") || (j.contains("ok") && !j.contains("event"))) {
    j["\x01seq"] = ++reply_seq_;  // internal: arrival order, for replies that lack an id
    replies_.push_back(std::move(j));
    if (replies_.size() > kMaxQueuedReplies) replies_.pop_front();
  } else if (j.contains("event")) {
    events_.push_back(std::move(j));
    if (events_.size() > kMaxQueuedEvents) {
      events_.pop_front();
      ++dropped_events_;
    }
  }
  cv_.notify_all();
}

void IutProcess::Reap(bool block) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (exit_status_) return;
  }
  int status = 0;
  pid_t r;
  do r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r != pid_) return;
  int code = DecodeWaitStatus(status);
  Note(WIFSIGNALED(status) ? fmt::format("exited: killed by signal {} (status {})", WTERMSIG(status), code)
                           : fmt::format("exited: status {}", code));
  std::lock_guard<std::mutex> lock(mu_);
  exit_status_ = code;
  cv_.notify_all();
}

void IutProcess::ReaderLoop() {
  std::vector<char> buf(64 * 1024);
  int fds[2] = {stderr_fd_, stdout_fd_};  // index 1 = stdout
  bool open[2] = {true, true};
  bool draining = false;
  for (int drain_passes = 0;;) {
    bool reaped, stopping;
    {
      std::lock_guard<std::mutex> lock(mu_);
      reaped = exit_status_.has_value();
      stopping = stopped_;
    }
    if (stopping) draining = true;
    pollfd pfd[4];
    int n = 0, idx_pid = -1, idx_wake = -1;
    int idx[2] = {-1, -1};
    for (int i = 0; i < 2; ++i)
      if (open[i]) idx[i] = n, pfd[n++] = {fds[i], POLLIN, 0};
    if (!reaped && pid_fd_ >= 0) idx_pid = n, pfd[n++] = {pid_fd_, POLLIN, 0};
    if (wake_fd_[0] >= 0 && !draining) idx_wake = n, pfd[n++] = {wake_fd_[0], POLLIN, 0};
    int timeout = draining ? 0 : (!reaped && pid_fd_ < 0) || wake_fd_[0] < 0 ? 20 : -1;
    int r = poll(pfd, n, timeout);
    if (r < 0 && errno == EINTR) continue;
    bool any_data = false;
    for (int i = 0; i < 2; ++i) {
      if (idx[i] < 0 || !(pfd[idx[i]].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(fds[i], buf.data(), buf.size());
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        open[i] = false;
        if (!line_[i].empty()) OnLine(line_[i], i == 1), line_[i].clear();
        std::lock_guard<std::mutex> lock(mu_);
        (i == 1 ? stdout_closed_ : stderr_closed_) = true;
        cv_.notify_all();
        continue;
      }
      any_data = true;
      WriteLog(buf.data(), static_cast<size_t>(got));
      std::string_view chunk(buf.data(), static_cast<size_t>(got));
      while (!chunk.empty()) {
        size_t nl = chunk.find('\n');
        std::string_view part = chunk.substr(0, nl);
        if (!line_cut_[i]) {
          size_t room = kMaxLineBytes - std::min(kMaxLineBytes, line_[i].size());
          line_[i].append(part.substr(0, room));
          if (part.size() > room) line_cut_[i] = true;
        }
        if (nl == std::string_view::npos) break;
        OnLine(line_[i], i == 1);
        line_[i].clear();
        line_cut_[i] = false;
        chunk.remove_prefix(nl + 1);
      }
    }
    if (idx_wake >= 0 && (pfd[idx_wake].revents & POLLIN)) {
      char tmp[64];
      while (read(wake_fd_[0], tmp, sizeof tmp) > 0) {
      }
    }
    if (!reaped && (pid_fd_ < 0 || (idx_pid >= 0 && (pfd[idx_pid].revents & POLLIN)))) Reap(false);
    // After Stop(): read what is buffered, but not forever (a process outside the group may hold the pipe).
    if (draining && (!any_data || ++drain_passes > 64)) break;
    if (!open[0] && !open[1] && (reaped || Reaped())) {
      // Block on the wake pipe (or until Stop()) instead of spinning.
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopped_; });
      break;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  reader_done_ = true;
  cv_.notify_all();
}

bool IutProcess::Reaped() {
  std::lock_guard<std::mutex> lock(mu_);
  return exit_status_.has_value();
}

bool IutProcess::running() {
  std::lock_guard<std::mutex> lock(mu_);
  return !exit_status_.has_value();
}

std::optional<int> IutProcess::exit_status() {
  std::lock_guard<std::mutex> lock(mu_);
  return exit_status_;
}

bool IutProcess::WaitReady(std::chrono::milliseconds timeout) {
  if (spec_.ready_pattern.empty()) return true;
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [&] {
    return ready_ || stopped_ || (exit_status_ && stdout_closed_ && stderr_closed_);
  });
  return ready_;
}

std::vector<std::string> IutProcess::ready_match() {
  std::lock_guard<std::mutex> lock(mu_);
  return ready_match_;
}

std::optional<std::string> IutProcess::ready_uri() {
  std::vector<std::string> m = ready_match();
  if (spec_.ready_uri.empty() || m.empty()) return std::nullopt;
  Variables groups;
  for (size_t g = 0; g < m.size(); ++g) groups["match." + std::to_string(g)] = m[g];
  auto r = Expand(spec_.ready_uri, groups, false);
  if (!r.ok()) return std::nullopt;
  return *r;
}

std::optional<int> IutProcess::WaitExit(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return exit_status_.has_value(); });
  return exit_status_;
}

Result<nlohmann::json> IutProcess::Control(nlohmann::json request, std::chrono::milliseconds timeout) {
  if (!spec_.control_channel)
    return BadRequest("the IUT has no control channel (its launch section lacks 'control-channel: true')");
  if (!request.is_object()) return BadRequest("a control request must be a JSON object");
  const auto deadline = Clock::now() + timeout;
  uint64_t seq0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!request.contains("id")) request["id"] = next_id_++;
    seq0 = reply_seq_;
    if (exit_status_) return InternalError(fmt::format("the IUT exited (status {}) before {}", *exit_status_, request.dump()));
    if (stopped_) return InternalError("the IUT was stopped");
  }
  const nlohmann::json id = request["id"];
  const std::string what = request.contains("cmd") ? request["cmd"].dump() : request.dump();
  std::string line = request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  Note("> " + line);
  line += '\n';
  {
    std::lock_guard<std::mutex> wlock(write_mu_);
    size_t off = 0;
    while (off < line.size()) {
      ssize_t w = send(stdin_fd_, line.data() + off, line.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) {
        off += static_cast<size_t>(w);
        continue;
      }
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0)
          return TimeoutError(fmt::format("the IUT did not read its stdin: request {} not written within {} ms", what,
                                          timeout.count()));
        pollfd p{stdin_fd_, POLLOUT, 0};
        (void)poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 100)));
        continue;
      }
      auto st = exit_status();
      return InternalError(fmt::format("the IUT closed its stdin{} before request {}",
                                       st ? fmt::format(" (exited with status {})", *st) : "", what));
    }
  }
  std::unique_lock<std::mutex> lock(mu_);
  auto find = [&]() -> std::deque<nlohmann::json>::iterator {
    for (auto it = replies_.begin(); it != replies_.end(); ++it) {
      if (it->contains("id") ? (*it)["id"] == id : (*it)["\x01seq"].get<uint64_t>() > seq0) return it;
    }
    return replies_.end();
  };
  cv_.wait_until(lock, deadline, [&] {
    return find() != replies_.end() || stopped_ || (exit_status_ && stdout_closed_);
  });
  if (auto it = find(); it != replies_.end()) {
    nlohmann::json reply = std::move(*it);
    replies_.erase(it);
    reply.erase("\x01seq");
    lock.unlock();
    Note("< " + reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return reply;
  }
  if (exit_status_)
    return InternalError(fmt::format("the IUT exited with status {} without replying to {}", *exit_status_, what));
  if (stopped_) return InternalError("the IUT was stopped while waiting for the reply to " + what);
  return TimeoutError(fmt::format("no reply to {} within {} ms", what, timeout.count()));
}

std::vector<nlohmann::json> IutProcess::TakeEvents() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<nlohmann::json> out(std::make_move_iterator(events_.begin()), std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

std::optional<nlohmann::json> IutProcess::WaitEvent(const std::function<bool(const nlohmann::json&)>& match,
                                                    std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  std::optional<nlohmann::json> found;
  cv_.wait_for(lock, timeout, [&] {
    for (const auto& e : events_)
      if (match(e)) {
        found = e;
        return true;
      }
    return stopped_ || (exit_status_ && stdout_closed_);
  });
  return found;
}

size_t IutProcess::dropped_events() {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_events_;
}

void IutProcess::KillGroup(int sig) {
  if (pid_ > 0) kill(-pid_, sig);
}

void IutProcess::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_ || pid_ < 0) return;
  }
  const auto deadline = Clock::now() + spec_.stop_timeout;
  if (running() || ProcessGroupAlive(pid_)) {
    Note(fmt::format("stop: SIGTERM to process group {}", pid_));
    KillGroup(SIGTERM);
    (void)WaitExit(spec_.stop_timeout);
    // The leader may be a /bin/sh that died at once while its child ignores SIGTERM: wait for the
    // whole group, polling /proc (no event tells when a group empties), within the same budget.
    while (ProcessGroupAlive(pid_) && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (running() || ProcessGroupAlive(pid_)) {
      Note(fmt::format("stop: still running after {} ms, SIGKILL to process group {}", spec_.stop_timeout.count(), pid_));
      KillGroup(SIGKILL);
      if (!WaitExit(std::chrono::seconds(2))) Note("stop: the process did not exit even after SIGKILL");
      // SIGKILL is delivered asynchronously: Stop() returns once the group is really gone.
      const auto kill_deadline = Clock::now() + std::chrono::seconds(2);
      while (ProcessGroupAlive(pid_) && Clock::now() < kill_deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  {
    std::lock_guard<std::mutex> wlock(write_mu_);
    CloseFd(stdin_fd_);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }
  if (wake_fd_[1] >= 0) (void)!write(wake_fd_[1], "x", 1);
  if (reader_.joinable()) reader_.join();
}

}  // namespace lwm2m::iut
