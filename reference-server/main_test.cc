// main_test.cc: the lwm2m-ref-server executable: it reports its bound port, logs one line per
// event (a Register and a De-register from a coap::Context here), and exits 0 on SIGINT.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "coap/context.h"

namespace {

using namespace std::chrono_literals;
using namespace lwm2m;

class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    fd_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
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
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  bool reaped_ = false;
  std::string buf_;
};

TEST(RefServerMain, LogsEventsAndExitsCleanlyOnSigint) {
  Child child({LWM2M_REF_SERVER_BIN, "--port", "0"});
  ASSERT_GT(child.pid(), 0);
  std::string first = child.ReadLine(10s);
  ASSERT_EQ(first.rfind("listening udp 127.0.0.1:", 0), 0u) << first;
  auto port = static_cast<uint16_t>(std::stoi(first.substr(first.rfind(':') + 1)));
  ASSERT_NE(port, 0);

  coap::Context client;
  auto s = client.Connect(coap::Transport::kUdp, {"127.0.0.1", port});
  ASSERT_TRUE(s.ok());
  CoapMessage reg = CoapMessage::Request(CoapCode::kPost, "/rd?ep=cli1&lt=300&lwm2m=1.2");
  reg.SetContentFormat(ContentFormat::kLinkFormat);
  std::string links = "</1/0>,</3/0>";
  reg.payload.assign(links.begin(), links.end());
  std::optional<coap::Reply> reply;
  ASSERT_TRUE((*s)->Send(reg, [&](const coap::Reply& r) { reply = r; }).ok());
  ASSERT_TRUE(client.RunUntil([&] { return reply.has_value(); }, 5s));
  ASSERT_TRUE(reply->ok());
  EXPECT_EQ(reply->response.code, CoapCode::kCreated);
  std::string location = reply->response.LocationPath();

  std::string l1 = child.ReadLine(5s), l2 = child.ReadLine(5s);
  EXPECT_EQ(l1.rfind("request ep=cli1", 0), 0u) << l1;
  EXPECT_NE(l1.find("answered 2.01"), std::string::npos) << l1;
  EXPECT_EQ(l2.rfind("registered ep=cli1 location=" + location, 0), 0u) << l2;
  EXPECT_NE(l2.find("lwm2m=1.2"), std::string::npos) << l2;

  reply.reset();
  ASSERT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kDelete, location), [&](const coap::Reply& r) { reply = r; }).ok());
  ASSERT_TRUE(client.RunUntil([&] { return reply.has_value(); }, 5s));
  EXPECT_EQ(reply->response.code, CoapCode::kDeleted);
  child.ReadLine(5s);
  EXPECT_EQ(child.ReadLine(5s).rfind("deregistered ep=cli1", 0), 0u);

  ASSERT_EQ(kill(child.pid(), SIGINT), 0);
  EXPECT_EQ(child.Wait(10s), 0);
}

TEST(RefServerMain, RejectsUnpairedPskOptions) {
  Child child({LWM2M_REF_SERVER_BIN, "--dtls-port", "0", "--psk-identity", "a"});
  EXPECT_EQ(child.Wait(10s), 2);
}

}  // namespace
