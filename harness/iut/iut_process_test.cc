// iut_process_test.cc: launching, readiness, log capture, exit status, stopping, control channel.
#include "harness/iut/iut_process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <poll.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/iut/spawn.h"
#include "harness/iut/test_child.h"

namespace lwm2m::iut {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string LogPath(const std::string& name) {
  std::string p = ::testing::TempDir() + "/iut_process_" + name + ".log";
  std::filesystem::remove(p);
  return p;
}

LaunchSpec Spec(const std::string& command) {
  LaunchSpec s;
  s.command = command;
  s.stop_timeout = 2000ms;
  return s;
}

TEST(IutProcess, ReadyPatternAndLogCaptureOfStdoutAndStderr) {
  LaunchSpec s = Spec("echo to-stderr >&2; echo listening on {host}:4711; exec cat");
  s.ready_pattern = "listening on ([0-9.]+):([0-9]+)";
  std::string log = LogPath("ready");
  auto p = IutProcess::Start(s, {{"host", "127.0.0.1"}}, log);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_TRUE((*p)->WaitReady(10s));
  EXPECT_EQ((*p)->ready_match(), (std::vector<std::string>{"listening on 127.0.0.1:4711", "127.0.0.1", "4711"}));
  EXPECT_EQ((*p)->ready_uri(), std::nullopt);  // no ready_uri in the spec
  EXPECT_TRUE((*p)->running());
  EXPECT_EQ((*p)->exit_status(), std::nullopt);
  (*p)->Stop();
  EXPECT_EQ((*p)->exit_status(), 128 + SIGTERM);
  std::string text = ReadFile(log);
  EXPECT_THAT(text, HasSubstr("[harness] started pid"));
  EXPECT_THAT(text, HasSubstr("listening on 127.0.0.1:4711\n"));
  EXPECT_THAT(text, HasSubstr("to-stderr\n"));
  EXPECT_THAT(text, HasSubstr("[harness] stop: SIGTERM"));
  EXPECT_THAT(text, HasSubstr("exited: killed by signal 15"));
}

TEST(IutProcess, ReadyUriIsBuiltFromTheReadyGroups) {
  LaunchSpec s = Spec("echo 'bound udp 127.0.0.1 40123'; exec cat");
  s.ready_pattern = "bound udp ([0-9.]+) ([0-9]+)";
  s.ready_uri = "coap://{match.1}:{match.2}";
  auto p = IutProcess::Start(s, {}, "");
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->WaitReady(10s));
  EXPECT_EQ((*p)->ready_uri(), "coap://127.0.0.1:40123");
  s.command = "exec cat";  // never ready: no URI, never a guess
  auto q = IutProcess::Start(s, {}, "");
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE((*q)->WaitReady(50ms));
  EXPECT_EQ((*q)->ready_uri(), std::nullopt);
}

TEST(IutProcess, WaitReadyIsFalseWhenTheProcessExitsFirst) {
  LaunchSpec s = Spec("echo starting; exit 3");
  s.ready_pattern = "never printed";
  auto p = IutProcess::Start(s, {}, LogPath("exit3"));
  ASSERT_TRUE(p.ok());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE((*p)->WaitReady(10s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);  // returned on exit, not at the timeout
  EXPECT_EQ((*p)->WaitExit(5s), 3);
  EXPECT_FALSE((*p)->running());
}

TEST(IutProcess, WaitReadyTimesOutWhileTheProcessRuns) {
  LaunchSpec s = Spec("exec cat");
  s.ready_pattern = "ready";
  auto p = IutProcess::Start(s, {}, LogPath("notready"));
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE((*p)->WaitReady(100ms));
  EXPECT_TRUE((*p)->running());
}

TEST(IutProcess, NoReadyPatternMeansReadyAtOnce) {
  auto p = IutProcess::Start(Spec("exec cat"), {}, "");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE((*p)->WaitReady(0ms));
}

TEST(IutProcess, SignalDeathIsReportedAs128PlusSignal) {
  auto p = IutProcess::Start(Spec("kill -KILL $$"), {}, LogPath("sigkill"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->WaitExit(5s), 128 + 9);
}

TEST(IutProcess, EnvAndWorkingDirectoryAreExpanded) {
  std::string dir = ::testing::TempDir() + "/iut_process_cwd";
  std::filesystem::create_directories(dir);
  LaunchSpec s = Spec("echo \"ep=$IUT_EP\"; pwd");
  s.env = {{"IUT_EP", "{endpoint}"}};
  s.cwd = "{case_dir}";
  std::string log = LogPath("env");
  auto p = IutProcess::Start(s, {{"endpoint", "a b'c"}, {"case_dir", dir}}, log);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->WaitExit(5s), 0);
  (*p)->Stop();
  std::string text = ReadFile(log);
  EXPECT_THAT(text, HasSubstr("ep=a b'c\n"));
  EXPECT_THAT(text, HasSubstr(std::filesystem::canonical(dir).string() + "\n"));
}

TEST(IutProcess, StartErrorsAreValues) {
  auto a = IutProcess::Start(Spec("run {nope}"), {{"nopf", "x"}}, "");
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(a.status().message(), HasSubstr("unknown variable {nope}"));
  LaunchSpec s = Spec("true");
  s.cwd = "/nonexistent/dir";
  auto b = IutProcess::Start(s, {}, "");
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.status().message(), HasSubstr("/nonexistent/dir"));
  auto c = IutProcess::Start(Spec("true"), {}, "/nonexistent/dir/iut.log");
  EXPECT_FALSE(c.ok());
}

TEST(IutProcess, StopIsIdempotentAndKillsTheWholeGroup) {
  std::string log = LogPath("group");
  LaunchSpec s = Spec("sleep 300 & echo \"child $!\"; exec cat");
  s.ready_pattern = "child ([0-9]+)";
  auto p = IutProcess::Start(s, {}, log);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->WaitReady(10s));
  pid_t child = std::stoi((*p)->ready_match().at(1));
  int child_fd = OpenPidFd(child);
  ASSERT_GE(child_fd, 0);
  pollfd pfd{child_fd, POLLIN, 0};
  EXPECT_EQ(poll(&pfd, 1, 0), 0);  // still running
  (*p)->Stop();
  (*p)->Stop();
  // The background sleep belonged to the group: Stop() ended it too (a pidfd turns readable on exit).
  bool gone = poll(&pfd, 1, 5000) == 1;
  close(child_fd);
  EXPECT_TRUE(gone);
}

TEST(IutProcess, ControlRoundTripWithEvents) {
  LaunchSpec s = Spec(testing_child::ControlChildCommand());
  s.control_channel = true;
  s.ready_pattern = "child started";
  std::string log = LogPath("control");
  auto p = IutProcess::Start(s, {}, log);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->WaitReady(20s));
  auto r = (*p)->Control({{"cmd", "ping"}, {"n", 7}}, 10s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["ok"], true);
  EXPECT_EQ((*r)["pong"], 7);
  EXPECT_EQ((*r)["id"], 1);
  auto r2 = (*p)->Control({{"cmd", "ping"}, {"n", 8}, {"id", "mine"}}, 10s);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ((*r2)["id"], "mine");
  auto events = (*p)->TakeEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["event"], "pinged");
  EXPECT_EQ(events[1]["n"], 8);
  EXPECT_TRUE((*p)->TakeEvents().empty());
  auto anon = (*p)->Control({{"cmd", "noid"}}, 10s);
  ASSERT_TRUE(anon.ok()) << anon.status().ToString();
  EXPECT_EQ((*anon)["anon"], 1);
  auto fail = (*p)->Control({{"cmd", "fail"}}, 10s);
  ASSERT_TRUE(fail.ok());
  EXPECT_EQ((*fail)["error"], "it broke");
  (*p)->Stop();
  std::string text = ReadFile(log);
  EXPECT_THAT(text, HasSubstr("[harness] > {\"cmd\":\"ping\",\"id\":1,\"n\":7}"));
  EXPECT_THAT(text, HasSubstr("log text, not JSON"));
}

TEST(IutProcess, ControlTimesOutOnSilence) {
  LaunchSpec s = Spec(testing_child::ControlChildCommand());
  s.control_channel = true;
  s.ready_pattern = "child started";
  auto p = IutProcess::Start(s, {}, LogPath("silent"));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->WaitReady(20s));
  auto t0 = std::chrono::steady_clock::now();
  auto r = (*p)->Control({{"cmd", "silent"}}, 200ms);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsTimeout(r.status())) << r.status().ToString();
  EXPECT_THAT(r.status().message(), HasSubstr("no reply to \"silent\" within 200 ms"));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  // The channel still works afterwards.
  auto ok = (*p)->Control({{"cmd", "ping"}}, 10s);
  EXPECT_TRUE(ok.ok());
}

TEST(IutProcess, ControlReportsADeadProcess) {
  LaunchSpec s = Spec(testing_child::ControlChildCommand());
  s.control_channel = true;
  s.ready_pattern = "child started";
  auto p = IutProcess::Start(s, {}, LogPath("dead"));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->WaitReady(20s));
  auto r = (*p)->Control({{"cmd", "die"}, {"code", 5}}, 10s);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(IsTimeout(r.status()));
  EXPECT_THAT(r.status().message(), HasSubstr("exited with status 5"));
  auto again = (*p)->Control({{"cmd", "ping"}}, 1s);
  ASSERT_FALSE(again.ok());
  EXPECT_THAT(again.status().message(), HasSubstr("status 5"));
}

TEST(IutProcess, ControlNeedsAControlChannel) {
  auto p = IutProcess::Start(Spec("exec cat"), {}, "");
  ASSERT_TRUE(p.ok());
  auto r = (*p)->Control({{"cmd", "ping"}}, 1s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kBadRequest);
}

TEST(IutProcess, ControlWriteIsBoundedWhenTheIutNeverReadsStdin) {
  LaunchSpec s = Spec("exec sleep 300");
  s.control_channel = true;
  auto p = IutProcess::Start(s, {}, "");
  ASSERT_TRUE(p.ok());
  std::string big(64 * 1024, 'x');
  auto t0 = std::chrono::steady_clock::now();
  Status last;
  for (int i = 0; i < 20 && last.ok(); ++i) {
    auto r = (*p)->Control({{"cmd", "noop"}, {"pad", big}}, 100ms);
    last = r.status();
  }
  EXPECT_TRUE(IsTimeout(last));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
}

TEST(IutProcess, WaitEventFindsAMatchingEvent) {
  LaunchSpec s = Spec("echo '{{\"event\":\"a\"}}'; echo '{{\"event\":\"registered\",\"ep\":\"x\"}}'; exec cat");
  s.control_channel = true;
  auto p = IutProcess::Start(s, {}, "");
  ASSERT_TRUE(p.ok());
  auto e = (*p)->WaitEvent([](const nlohmann::json& j) { return j["event"] == "registered"; }, 10s);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ((*e)["ep"], "x");
  EXPECT_EQ((*p)->TakeEvents().size(), 2u);
  EXPECT_FALSE((*p)->WaitEvent([](const nlohmann::json& j) { return j["event"] == "never"; }, 50ms).has_value());
}

TEST(IutProcess, HugeLineWithoutNewlineDoesNotStallTheReader) {
  LaunchSpec s = Spec("head -c 3000000 /dev/zero | tr '\\0' 'a'; echo; echo done-marker; exec cat");
  s.ready_pattern = "^done-marker$";
  s.control_channel = true;
  auto p = IutProcess::Start(s, {}, LogPath("hugeline"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE((*p)->WaitReady(20s));
  EXPECT_GT((*p)->log_bytes(), 3000000u);
}

}  // namespace
}  // namespace lwm2m::iut
