// chaos_iut_test.cc: the launcher and actions stay bounded against lwm2m-chaos-iut in every mode.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "harness/iut/action.h"
#include "harness/iut/iut_process.h"
#include "harness/iut/spawn.h"

namespace lwm2m::iut {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string kChaos = LWM2M_CHAOS_IUT_BIN;

// A UDP socket on 127.0.0.1:0 standing in for the tester's server.
struct UdpPeer {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int port = 0;
  UdpPeer() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    int big = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  }
  ~UdpPeer() { close(fd); }
  std::string uri() const { return "coap://127.0.0.1:" + std::to_string(port); }
  // The next datagram within `timeout`, with its sender.
  std::optional<std::string> Receive(std::chrono::milliseconds timeout, sockaddr_in* from = nullptr) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
    char buf[4096];
    sockaddr_in f{};
    socklen_t fl = sizeof f;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&f), &fl);
    if (n < 0) return std::nullopt;
    if (from) *from = f;
    return std::string(buf, static_cast<size_t>(n));
  }
};

LaunchSpec Chaos(const std::string& args) {
  LaunchSpec s;
  s.command = kChaos + " " + args;
  s.stop_timeout = 300ms;
  return s;
}

std::string Log(const std::string& name) {
  std::string p = ::testing::TempDir() + "/chaos_" + name + ".log";
  std::filesystem::remove(p);
  return p;
}

TEST(ChaosIut, StopKillsAHangThatIgnoresSigtermWithinStopTimeout) {
  LaunchSpec s = Chaos("--mode hang");
  s.command = "exec " + s.command;
  s.ready_pattern = "ready mode=hang";
  auto p = IutProcess::Start(s, {}, Log("hang"));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->WaitReady(10s));  // its SIGTERM handler is in place from here on
  auto t0 = Clock::now();
  (*p)->Stop();
  auto took = Clock::now() - t0;
  EXPECT_EQ((*p)->exit_status(), 128 + 9) << "a SIGTERM-ignoring process needs SIGKILL";
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 2300ms);
}

TEST(ChaosIut, StopKillsAHangBehindAShellWithinStopTimeout) {
  // Without "exec", /bin/sh is the group leader and dies of SIGTERM at once; its child does not.
  LaunchSpec s = Chaos("--mode hang; echo never");
  s.command = "echo starting; " + s.command;
  s.ready_pattern = "ready mode=hang";
  std::string log = Log("hang-sh");
  auto p = IutProcess::Start(s, {}, log);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->WaitReady(10s));
  const pid_t group = (*p)->pid();
  auto t0 = Clock::now();
  (*p)->Stop();
  auto took = Clock::now() - t0;
  EXPECT_EQ((*p)->exit_status(), 128 + 15);  // the shell's
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 2300ms);
  EXPECT_FALSE(ProcessGroupAlive(group));
}

TEST(ChaosIut, CrashAtStartIsExitStatus134) {
  auto p = IutProcess::Start(Chaos("--mode crash"), {}, Log("crash"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->WaitExit(10s), 128 + 6);
}

TEST(ChaosIut, RegisterThenCrashSendsARegisterAndAbortsOnTheAnswer) {
  UdpPeer server;
  auto p = IutProcess::Start(Chaos("--mode register-then-crash --server {server_uri} --endpoint {endpoint}"),
                             {{"server_uri", server.uri()}, {"endpoint", "chaos-ep"}}, Log("regcrash"));
  ASSERT_TRUE(p.ok());
  sockaddr_in from{};
  auto reg = server.Receive(10s, &from);
  ASSERT_TRUE(reg.has_value());
  ASSERT_GE(reg->size(), 8u);
  EXPECT_EQ(static_cast<uint8_t>((*reg)[0]), 0x44);  // ver 1, CON, TKL 4
  EXPECT_EQ((*reg)[1], 0x02);                        // POST
  EXPECT_THAT(*reg, HasSubstr("ep=chaos-ep"));
  EXPECT_THAT(*reg, HasSubstr("lwm2m=1.2"));
  const char ack[] = {0x60, 0x41, (*reg)[2], (*reg)[3]};  // ACK 2.01 Created
  sendto(server.fd, ack, sizeof ack, 0, reinterpret_cast<sockaddr*>(&from), sizeof from);
  EXPECT_EQ((*p)->WaitExit(10s), 134);
}

TEST(ChaosIut, Exit127IsUnsupportedThroughAShellAction) {
  IutDescription iut;
  iut.file = "chaos.yaml";
  ActionSpec a;
  a.command = kChaos + " --mode exit-127";
  iut.actions["reboot"] = a;
  auto r = RunAction(iut, "reboot", {}, {}, 10s, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->unsupported);
  EXPECT_EQ(r->exit_code, 127);
  EXPECT_THAT(r->output, HasSubstr("unsupported"));
}

TEST(ChaosIut, Exit127AsALaunchedIutIsUnsupportedOnControl) {
  IutDescription iut;
  iut.file = "chaos.yaml";
  iut.launch = Chaos("--mode exit-127");
  iut.launch->control_channel = true;
  auto p = IutProcess::Start(*iut.launch, {}, Log("exit127"));
  ASSERT_TRUE(p.ok());
  auto r = RunAction(iut, "register", {}, {}, 10s, p->get());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->unsupported);
}

TEST(ChaosIut, FloodDoesNotBlockTheLogReader) {
  UdpPeer server;
  LaunchSpec s = Chaos("--mode flood --count 20000 --server {server_uri}");
  s.ready_pattern = "flood done 20000";
  s.control_channel = true;  // every flood line also goes through the JSON router
  std::string log = Log("flood");
  auto p = IutProcess::Start(s, {{"server_uri", server.uri()}}, log);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE((*p)->WaitReady(60s));
  EXPECT_GT((*p)->log_bytes(), 20000u * 90);  // ~1.9 MB: far more than a pipe buffer holds
  EXPECT_GT(std::filesystem::file_size(log), 20000u * 90);
  int received = 0;
  while (server.Receive(0ms)) ++received;
  EXPECT_GT(received, 0);
  EXPECT_TRUE((*p)->TakeEvents().empty());
  auto t0 = Clock::now();
  (*p)->Stop();
  EXPECT_LT(Clock::now() - t0, 2s);
  EXPECT_EQ((*p)->exit_status(), 128 + 15);
}

TEST(ChaosIut, GarbageDatagramsArriveAndGarbageRepliesDoNotPassForAnAnswer) {
  UdpPeer server;
  LaunchSpec s = Chaos("--mode garbage --count 30 --seed 7 --server {server_uri}");
  s.ready_pattern = "ready mode=garbage";
  s.control_channel = true;
  auto p = IutProcess::Start(s, {{"server_uri", server.uri()}}, Log("garbage"));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->WaitReady(10s));
  int received = 0;
  while (server.Receive(received == 0 ? 5000ms : 200ms)) ++received;
  EXPECT_EQ(received, 30);
  auto r = (*p)->Control({{"cmd", "register"}}, 300ms);  // it answers with malformed lines only
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsTimeout(r.status())) << r.status().ToString();
  EXPECT_TRUE((*p)->TakeEvents().empty());
}

TEST(ChaosIut, SilentNeverAnswersAndControlTimesOut) {
  LaunchSpec s = Chaos("--mode silent");
  s.ready_pattern = "ready mode=silent";
  s.control_channel = true;
  auto p = IutProcess::Start(s, {}, Log("silent"));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->WaitReady(10s));
  auto t0 = Clock::now();
  auto r = (*p)->Control({{"cmd", "register"}}, 250ms);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsTimeout(r.status()));
  EXPECT_LT(Clock::now() - t0, 3s);
  EXPECT_TRUE((*p)->running());
}

TEST(ChaosIut, UnknownModeIsAUsageError) {
  auto p = IutProcess::Start(Chaos("--mode nonsense"), {}, Log("usage"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->WaitExit(10s), 2);
}

}  // namespace
}  // namespace lwm2m::iut
