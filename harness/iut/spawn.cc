// spawn.cc: fork + execve of /bin/sh with only async-signal-safe calls in the child.
#include "harness/iut/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

extern char** environ;

namespace lwm2m::iut {

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

int OpenPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
  long fd = syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) {
    fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
    return static_cast<int>(fd);
  }
#endif
  (void)pid;
  return -1;
}

bool ProcessGroupAlive(pid_t pgid) {
  if (pgid <= 0 || kill(-pgid, 0) != 0) return false;
  DIR* d = opendir("/proc");
  if (!d) return true;
  bool alive = false;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    FILE* f = std::fopen(path, "r");
    if (!f) continue;
    char buf[512];
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    const char* close_paren = std::strrchr(buf, ')');  // the command name may contain anything
    char state = 0;
    int ppid = 0, pgrp = 0;
    if (close_paren && std::sscanf(close_paren + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 && pgrp == pgid &&
        state != 'Z' && state != 'X') {
      alive = true;
      break;
    }
  }
  closedir(d);
  return alive;
}

Result<pid_t> Spawn(const SpawnOptions& o) {
  if (!o.cwd.empty()) {
    struct stat st {};
    if (stat(o.cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      return NotFound("working directory '" + o.cwd + "' does not exist");
  }
  // Everything the child needs is built before fork(): the child may only call async-signal-safe functions.
  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    std::string_view key = kv.substr(0, kv.find('='));
    if (!o.env.count(std::string(key))) env_strings.emplace_back(kv);
  }
  for (const auto& [k, v] : o.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", cmd = o.command, arg0 = "sh";
  char* argv[] = {arg0.data(), dash_c.data(), cmd.data(), nullptr};
  const char* cwd = o.cwd.empty() ? nullptr : o.cwd.c_str();

  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) return InternalError(std::string("/dev/null: ") + std::strerror(errno));
  int in = o.stdin_fd >= 0 ? o.stdin_fd : devnull;
  int out = o.stdout_fd >= 0 ? o.stdout_fd : devnull;
  int err = o.stderr_fd >= 0 ? o.stderr_fd : devnull;

  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(devnull);
    return InternalError(std::string("fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    setpgid(0, 0);
    // dup2 clears FD_CLOEXEC on the copies; the order copes with in/out/err sharing numbers 0-2.
    int fds[3] = {fcntl(in, F_DUPFD_CLOEXEC, 3), fcntl(out, F_DUPFD_CLOEXEC, 3), fcntl(err, F_DUPFD_CLOEXEC, 3)};
    for (int i = 0; i < 3; ++i)
      if (fds[i] < 0 || dup2(fds[i], i) < 0) _exit(126);
#ifdef SYS_close_range
    syscall(SYS_close_range, 3u, ~0u, 0u);
#endif
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int s = 1; s < 32; ++s)
      if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
    if (cwd && chdir(cwd) != 0) {
      const char msg[] = "lwm2m-harness: cannot change to the working directory\n";
      (void)!write(2, msg, sizeof msg - 1);
      _exit(126);
    }
    execve(sh.c_str(), argv, envp.data());
    const char msg[] = "lwm2m-harness: cannot execute /bin/sh\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(126);
  }
  setpgid(pid, pid);  // also in the parent, so that kill(-pid) works at once
  close(devnull);
  return pid;
}

}  // namespace lwm2m::iut
