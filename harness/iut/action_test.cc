// action_test.cc: upper-tester actions over shell, control channel and HTTP (a loopback listener).
#include "harness/iut/action.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <thread>

#include "harness/iut/test_child.h"

namespace lwm2m::iut {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

IutDescription ShellIut(std::map<std::string, std::string> shell_actions) {
  IutDescription iut;
  iut.file = "t.yaml";
  iut.name = "t";
  for (auto& [name, cmd] : shell_actions) {
    ActionSpec a;
    a.kind = ActionSpec::Kind::kShell;
    a.command = cmd;
    a.line = 7;
    iut.actions[name] = a;
  }
  return iut;
}

TEST(RunAction, ShellSuccessWithArgumentsAndEnvironment) {
  auto iut = ShellIut({{"set", "echo set {arg.path}={arg.value} ep={endpoint} $LWM2M_ACTION $LWM2M_ARGS"}});
  auto r = RunAction(iut, "set", {{"endpoint", "e1"}}, {{"path", "/3303/0/5700"}, {"value", 25.5}}, 10s, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->ok);
  EXPECT_FALSE(r->unsupported);
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->output, "set /3303/0/5700=25.5 ep=e1 set {\"path\":\"/3303/0/5700\",\"value\":25.5}\n");
}

TEST(RunAction, ShellHostileArgumentIsNotExecuted) {
  std::string marker = ::testing::TempDir() + "/iut_action_pwned";
  std::filesystem::remove(marker);
  auto iut = ShellIut({{"set", "echo {arg.value}"}});
  auto r = RunAction(iut, "set", {}, {{"value", "'; touch " + marker + "; echo '"}}, 10s, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok);
  EXPECT_FALSE(std::filesystem::exists(marker));
  EXPECT_EQ(r->output, "'; touch " + marker + "; echo '\n");
}

TEST(RunAction, ShellExitCodes) {
  auto iut = ShellIut({{"a", "exit 127"}, {"b", "echo nope >&2; exit 3"}, {"c", "no-such-command-xyz --now"}});
  auto a = RunAction(iut, "a", {}, {}, 10s, nullptr);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->unsupported);
  EXPECT_EQ(a->exit_code, 127);
  auto b = RunAction(iut, "b", {}, {}, 10s, nullptr);
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->ok);
  EXPECT_FALSE(b->unsupported);
  EXPECT_EQ(b->exit_code, 3);
  EXPECT_EQ(b->output, "nope\n");
  auto c = RunAction(iut, "c", {}, {}, 10s, nullptr);  // /bin/sh's own 127 is a broken IUT file
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(c.status().message(), HasSubstr("action 'c' (line 7): command not found"));
}

TEST(RunAction, ShellTimeoutKillsTheActionInTime) {
  auto iut = ShellIut({{"slow", "echo started; sleep 300"}});
  auto t0 = std::chrono::steady_clock::now();
  auto r = RunAction(iut, "slow", {}, {}, 300ms, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsTimeout(r.status()));
  EXPECT_THAT(r.status().message(), HasSubstr("did not finish within 300 ms (killed)"));
  EXPECT_THAT(r.status().message(), HasSubstr("started"));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

TEST(RunAction, ShellBackgroundJobHoldingTheOutputDoesNotBlock) {
  auto iut = ShellIut({{"bg", "sleep 5 & echo launched"}});
  auto t0 = std::chrono::steady_clock::now();
  auto r = RunAction(iut, "bg", {}, {}, 3s, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->ok);
  EXPECT_EQ(r->output, "launched\n");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST(RunAction, UndescribedActionWithoutControlChannelIsUnsupported) {
  auto iut = ShellIut({});
  auto r = RunAction(iut, "reboot", {}, {}, 1s, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->unsupported);
  EXPECT_EQ(r->output, "action 'reboot' is not described in t.yaml");
}

TEST(RunAction, BadTemplateIsAnError) {
  auto iut = ShellIut({{"x", "run {nope}"}});
  auto r = RunAction(iut, "x", {{"endpoint", "e"}}, {}, 1s, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("action 'x' (line 7): unknown variable {nope}"));
}

class ControlActions : public ::testing::Test {
 protected:
  void SetUp() override {
    iut_.file = "t.yaml";
    iut_.launch = LaunchSpec{};
    iut_.launch->command = testing_child::ControlChildCommand();
    iut_.launch->control_channel = true;
    iut_.launch->ready_pattern = "child started";
    ActionSpec reg;
    reg.kind = ActionSpec::Kind::kControl;
    reg.command = "ping";
    reg.args = {{"n", 1}, {"fixed", "yes"}};
    iut_.actions["register"] = reg;
    auto p = IutProcess::Start(*iut_.launch, {}, "");
    ASSERT_TRUE(p.ok());
    process_ = std::move(*p);
    ASSERT_TRUE(process_->WaitReady(20s));
  }
  IutDescription iut_;
  std::unique_ptr<IutProcess> process_;
};

TEST_F(ControlActions, VerbAndMergedArgumentsReachTheIut) {
  auto r = RunAction(iut_, "register", {}, {{"n", 2}}, 10s, process_.get());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->ok);
  EXPECT_EQ(r->reply["pong"], 2);
  EXPECT_EQ(r->reply["args"]["fixed"], "yes");
  EXPECT_EQ(r->reply["args"]["cmd"], "ping");
}

TEST_F(ControlActions, UnsupportedReplyAndFailureAreTold) {
  auto u = RunAction(iut_, "factory-reset", {}, {}, 10s, process_.get());  // not listed: goes to the channel
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_TRUE(u->unsupported);
  EXPECT_EQ(u->output, "unsupported: factory-reset");
  auto f = RunAction(iut_, "fail", {}, {}, 10s, process_.get());
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->ok);
  EXPECT_FALSE(f->unsupported);
  EXPECT_EQ(f->exit_code, 1);
  EXPECT_EQ(f->output, "it broke");
}

TEST_F(ControlActions, Exit127IsUnsupported) {
  auto r = RunAction(iut_, "die", {}, {{"code", 127}}, 10s, process_.get());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->unsupported);
  EXPECT_EQ(r->exit_code, 127);
}

TEST_F(ControlActions, DeathWithOtherStatusIsAnError) {
  auto r = RunAction(iut_, "die", {}, {{"code", 9}}, 10s, process_.get());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("status 9"));
}

TEST_F(ControlActions, ControlActionWithoutProcessIsAnError) {
  auto r = RunAction(iut_, "register", {}, {}, 1s, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("is not running"));
}

// A one-connection HTTP server on 127.0.0.1:0 that answers with `response` (or never, if empty)
// and hands back the request it read. Bounded: gives up after 10 s.
class HttpListener {
 public:
  explicit HttpListener(std::string response) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(listen(fd_, 1), 0);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    request_ = std::async(std::launch::async, [this, response] {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 10000) != 1) return std::string("(no connection)");
      int c = accept(fd_, nullptr, nullptr);
      std::string req;
      char buf[4096];
      for (;;) {
        pollfd q{c, POLLIN, 0};
        if (poll(&q, 1, 10000) != 1) break;
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
        size_t h = req.find("\r\n\r\n");
        size_t cl = req.find("Content-Length: ");
        if (h != std::string::npos && cl != std::string::npos && req.size() >= h + 4 + std::stoul(req.substr(cl + 16)))
          break;
      }
      if (!response.empty()) {
        (void)send(c, response.data(), response.size(), MSG_NOSIGNAL);
      } else {
        pollfd q{c, POLLIN, 0};
        (void)poll(&q, 1, 10000);  // hold the connection silently until the client gives up
      }
      close(c);
      return req;
    });
  }
  ~HttpListener() { close(fd_); }
  int port() const { return port_; }
  std::string Request() { return request_.get(); }

 private:
  int fd_ = -1, port_ = 0;
  std::future<std::string> request_;
};

IutDescription HttpIut(const std::string& url) {
  IutDescription iut;
  iut.file = "t.yaml";
  ActionSpec a;
  a.kind = ActionSpec::Kind::kHttp;
  a.command = url;
  iut.actions["reboot"] = a;
  return iut;
}

TEST(RunActionHttp, PostsJsonAndReadsTheReply) {
  std::string body = R"({"ok":true,"rebooted":1})";
  HttpListener l("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                 "\r\n\r\n" + body);
  auto iut = HttpIut("http://127.0.0.1:" + std::to_string(l.port()) + "/iut/{action}?ep={endpoint}");
  auto r = RunAction(iut, "reboot", {{"endpoint", "a b"}}, {{"delay", 1}}, 10s, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->ok);
  EXPECT_EQ(r->reply["rebooted"], 1);
  std::string req = l.Request();
  EXPECT_THAT(req, HasSubstr("POST /iut/reboot?ep=a%20b HTTP/1.1\r\n"));
  EXPECT_THAT(req, HasSubstr("Content-Type: application/json\r\n"));
  EXPECT_THAT(req, HasSubstr(R"({"cmd":"reboot","delay":1})"));
}

TEST(RunActionHttp, NotImplementedIsUnsupported) {
  HttpListener l("HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n");
  auto r = RunAction(HttpIut("http://127.0.0.1:" + std::to_string(l.port()) + "/x"), "reboot", {}, {}, 10s, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->unsupported);
  EXPECT_EQ(r->exit_code, 501);
}

TEST(RunActionHttp, ServerErrorAndChunkedBody) {
  HttpListener l("HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto r = RunAction(HttpIut("GET http://localhost:" + std::to_string(l.port()) + "/x"), "reboot", {}, {}, 10s, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->exit_code, 500);
  EXPECT_EQ(r->output, "hello world");
  EXPECT_THAT(l.Request(), HasSubstr("GET /x HTTP/1.1"));
}

TEST(RunActionHttp, SilentServerTimesOut) {
  HttpListener l("");
  auto t0 = std::chrono::steady_clock::now();
  auto r = RunAction(HttpIut("http://127.0.0.1:" + std::to_string(l.port()) + "/x"), "reboot", {}, {}, 300ms, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsTimeout(r.status())) << r.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

TEST(RunActionHttp, OnlyLoopback) {
  auto r = RunAction(HttpIut("http://192.0.2.1:80/x"), "reboot", {}, {}, 1s, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("loopback only"));
}

TEST(RunActionHttp, RefusedConnectionIsAnError) {
  int port;
  {
    HttpListener l("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    port = l.port();
    // Connect once so the listener finishes, then it closes.
    auto r = RunAction(HttpIut("http://127.0.0.1:" + std::to_string(port) + "/"), "reboot", {}, {}, 10s, nullptr);
    ASSERT_TRUE(r.ok());
    l.Request();
  }
  auto r = RunAction(HttpIut("http://127.0.0.1:" + std::to_string(port) + "/"), "reboot", {}, {}, 2s, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("connect to 127.0.0.1"));
}

}  // namespace
}  // namespace lwm2m::iut
