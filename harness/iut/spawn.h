// spawn.h (internal): starting a /bin/sh -c command in its own process group with chosen
// stdin/stdout/stderr, environment overrides and working directory; fork-safe in threaded code.
//   auto pid = Spawn({.command = "exec sleep 1", .stdout_fd = fd, .stderr_fd = fd});
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "lwm2m/result.h"

namespace lwm2m::iut {

struct SpawnOptions {
  std::string command;                      // run as /bin/sh -c command
  std::map<std::string, std::string> env;  // added to (or replacing in) the harness's environment
  std::string cwd;                          // "" = unchanged
  int stdin_fd = -1;                        // -1: /dev/null
  int stdout_fd = -1;                       // -1: /dev/null
  int stderr_fd = -1;                       // -1: /dev/null
};

// The child's pid, which is also its process group id. Every other descriptor is closed in the child.
Result<pid_t> Spawn(const SpawnOptions& options);

// Exit code, or 128 + signal number, from a waitpid() status.
int DecodeWaitStatus(int status);

// True while a process other than a zombie is in process group `pgid` (scans /proc; the container's
// PID 1 may never reap orphans, so kill(-pgid, 0) alone would count zombies as alive).
bool ProcessGroupAlive(pid_t pgid);

// Opens a pidfd for `pid` (Linux >= 5.3), or -1 when the kernel has none.
int OpenPidFd(pid_t pid);

}  // namespace lwm2m::iut
