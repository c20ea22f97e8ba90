// iut_process.h: a launched IUT. It runs in its own process group; its stdout and stderr are
// appended to a log file (and scanned for the ready pattern and, with a control channel, for the
// JSON-lines upper tester of testcases/iut/UPPER-TESTER.md); its stdin stays open for requests.
// Nothing here blocks unbounded: a flooding, silent, hung or crashing IUT gives a value, not a hang.
//   auto p = IutProcess::Start(*iut.launch, vars, case_dir + "/iut.log");
//   if (p && (*p)->WaitReady(iut.launch->ready_timeout)) auto r = (*p)->Control({{"cmd", "register"}}, 5s);
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "harness/iut/iut_description.h"
#include "harness/iut/template.h"
#include "lwm2m/result.h"

namespace lwm2m::iut {

class IutProcess {
 public:
  // Bounds against a misbehaving IUT.
  static constexpr size_t kMaxLogBytes = 64u << 20;   // log file; the rest is drained, not written
  static constexpr size_t kMaxLineBytes = 1u << 20;   // a longer stdout line is cut for matching
  static constexpr size_t kMaxQueuedEvents = 10000;   // older events are dropped (counted)

  // Expands spec.command (shell-quoted), env and cwd with `vars`, starts it, appends its output to
  // `log_path` ("" = no log). Errors: an unknown variable, a missing cwd, fork failure.
  static Result<std::unique_ptr<IutProcess>> Start(const LaunchSpec& spec, const Variables& vars,
                                                   const std::string& log_path);
  ~IutProcess();  // Stop()
  IutProcess(const IutProcess&) = delete;
  IutProcess& operator=(const IutProcess&) = delete;

  int pid() const { return pid_; }
  const std::string& command() const { return command_; }  // as expanded
  bool running();
  std::optional<int> exit_status();  // exit code, or 128 + signal number; nullopt while running
  // True once a stdout/stderr line matched ready_pattern (at once when there is none); false when
  // the timeout passed or the process exited first.
  bool WaitReady(std::chrono::milliseconds timeout);
  // The line that matched ready_pattern and its regex groups ([0] = whole match), once ready.
  std::vector<std::string> ready_match();
  // spec.ready_uri expanded with the ready groups as {match.0}..{match.9}; nullopt before ready,
  // without a ready_uri, or when it names a group the pattern did not have.
  std::optional<std::string> ready_uri();
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);

  // One upper-tester request: adds "id" when absent, writes one line to stdin, waits for the reply
  // line carrying that id. Errors: no control channel (4.00), timeout (IsTimeout: 5.04), the IUT
  // exited or closed its stdin (5.00, with the exit status).
  Result<nlohmann::json> Control(nlohmann::json request, std::chrono::milliseconds timeout);
  std::vector<nlohmann::json> TakeEvents();  // {"event":...} lines received so far, oldest first
  // Waits until an event for which `match` is true arrives (it and earlier ones stay queued).
  std::optional<nlohmann::json> WaitEvent(const std::function<bool(const nlohmann::json&)>& match,
                                          std::chrono::milliseconds timeout);
  size_t dropped_events();
  size_t log_bytes();  // bytes of IUT output written to the log so far

  // SIGTERM to the process group, SIGKILL after stop_timeout (and to stragglers of the group);
  // waits until no process of the group is left (zombies aside); closes stdin. Idempotent.
  // Bounded by stop_timeout + 4 s.
  void Stop();

  // A line into the log, prefixed "[harness] " (the log shows what the harness did and when).
  void Note(const std::string& text);

 private:
  IutProcess() = default;
  void ReaderLoop();
  void OnLine(std::string& line, bool from_stdout);
  void WriteLog(const char* data, size_t n);
  void Reap(bool block);
  bool Reaped();
  void KillGroup(int sig);

  LaunchSpec spec_;
  std::unique_ptr<std::regex> ready_re_;
  std::string command_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1, stdout_fd_ = -1, stderr_fd_ = -1, log_fd_ = -1, pid_fd_ = -1, wake_fd_[2] = {-1, -1};
  std::thread reader_;
  std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::optional<int> exit_status_;
  bool ready_ = false, stopped_ = false, reader_done_ = false, stdout_closed_ = false, stderr_closed_ = false;
  uint64_t reply_seq_ = 0;
  std::vector<std::string> ready_match_;
  std::deque<nlohmann::json> events_, replies_;
  size_t dropped_events_ = 0, log_bytes_ = 0;
  bool log_truncated_ = false;
  int64_t next_id_ = 1;
  std::string line_[2];  // partial stderr/stdout lines
  bool line_cut_[2] = {false, false};
  std::mutex write_mu_;  // one writer on stdin at a time
  std::mutex log_mu_;
};

}  // namespace lwm2m::iut
