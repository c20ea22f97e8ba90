// test_child.h: a child process for tests of our executables (lwm2m-ref-server, lwm2m-ref-client):
// argv[0] is the path, stdin and stdout are pipes, every read and wait is bounded.
//   Child c({binary, "--port", "0"}); c.WriteLine(R"({"id":1,"cmd":"list"})");
//   nlohmann::json reply = c.ReadJson([](const auto& j) { return j.contains("id"); }, 5s);
#pragma once

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lwm2m::coap::testing {

class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    int fds[2], in[2];
    if (pipe(fds) != 0 || pipe(in) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      dup2(in[0], STDIN_FILENO);
      close(fds[0]);
      close(fds[1]);
      close(in[0]);
      close(in[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    close(in[0]);
    fd_ = fds[0];
    in_ = in[1];
  }
  void WriteLine(const std::string& line) {
    std::string l = line + "\n";
    ASSERT_EQ(write(in_, l.data(), l.size()), static_cast<ssize_t>(l.size()));
  }
  // The next output line that parses as JSON and satisfies pred, or null after `timeout`.
  nlohmann::json ReadJson(const std::function<bool(const nlohmann::json&)>& pred, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      std::string line = ReadLine(left);
      if (line.empty()) break;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded() && pred(j)) return j;
    }
    return nullptr;
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
    if (in_ >= 0) close(in_);
  }
  // The next output line, or "" after `timeout`.
  std::string ReadLine(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return "";
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char tmp[512];
      ssize_t n = read(fd_, tmp, sizeof tmp);
      if (n <= 0) return "";
      buf_.append(tmp, static_cast<size_t>(n));
    }
  }
  // Waits up to `timeout` for the exit; the exit status, or -1.
  int Wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      pollfd p{fd_, POLLIN, 0};
      poll(&p, 1, 20);  // also drains the pipe so the child never blocks on a full one
      char tmp[512];
      if (p.revents & POLLIN) (void)!read(fd_, tmp, sizeof tmp);
    }
    return -1;
  }
  void CloseStdin() {
    if (in_ >= 0) close(in_);
    in_ = -1;
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  int in_ = -1;
  bool reaped_ = false;
  std::string buf_;
};

}  // namespace lwm2m::coap::testing
