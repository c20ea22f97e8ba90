// action.cc: shell, HTTP and control-channel upper-tester actions, each bounded by a timeout.
#include "harness/iut/action.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
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
constexpr size_t kMaxOutput = 1u << 20;

int MsLeft(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(ms, 0, 1 << 30));
}

std::string Tail(const std::string& s, size_t n = 2000) { return s.size() <= n ? s : "..." + s.substr(s.size() - n); }

bool IsUnsupportedError(const nlohmann::json& reply) {
  if (!reply.is_object() || !reply.contains("ok") || reply["ok"] != false) return false;
  auto it = reply.find("error");
  return it != reply.end() && it->is_string() && it->get<std::string>().starts_with("unsupported");
}

// Fills ok/unsupported/exit_code/output from a {"ok":...} reply.
void FromReply(ActionResult& r, const nlohmann::json& reply) {
  r.reply = reply;
  if (IsUnsupportedError(reply)) {
    r.unsupported = true;
    r.exit_code = 1;
    r.output = reply["error"].get<std::string>();
  } else if (reply.is_object() && reply.contains("ok") && reply["ok"] == false) {
    r.exit_code = 1;
    auto it = reply.find("error");
    r.output = it != reply.end() && it->is_string() ? it->get<std::string>() : reply.dump();
  } else {
    r.ok = true;
    r.exit_code = 0;
  }
}

std::string ScalarString(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

Variables ActionVariables(const Variables& vars, const std::string& name, const nlohmann::json& merged) {
  Variables v = vars;
  v["action"] = name;
  v["arg_json"] = merged.dump();
  for (const auto& [k, val] : merged.items()) v["arg." + k] = ScalarString(val);
  return v;
}

Result<ActionResult> RunShell(const std::string& name, const ActionSpec& spec, const Variables& vars,
                              const nlohmann::json& merged, std::chrono::milliseconds timeout) {
  auto cmd = Expand(spec.command, ActionVariables(vars, name, merged), true);
  if (!cmd.ok()) return BadRequest(fmt::format("action '{}' (line {}): {}", name, spec.line, cmd.status().message()));
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return InternalError(std::string("pipe: ") + std::strerror(errno));
  SpawnOptions so;
  so.command = *cmd;
  so.env = {{"LWM2M_ACTION", name}, {"LWM2M_ARGS", merged.dump()}};
  so.stdout_fd = so.stderr_fd = pipefd[1];
  auto pid = Spawn(so);
  close(pipefd[1]);
  if (!pid.ok()) {
    close(pipefd[0]);
    return pid.status();
  }
  int pidfd = OpenPidFd(*pid);
  const auto deadline = Clock::now() + timeout;
  std::string output;
  bool out_open = true, exited = false, timed_out = false;
  int status = 0;
  auto try_reap = [&] {
    pid_t r = waitpid(*pid, &status, WNOHANG);
    if (r == *pid) exited = true;
  };
  char buf[16384];
  while (!exited || out_open) {
    pollfd pfd[2];
    int n = 0;
    if (out_open) pfd[n++] = {pipefd[0], POLLIN, 0};
    if (!exited && pidfd >= 0) pfd[n++] = {pidfd, POLLIN, 0};
    int left = MsLeft(deadline);
    // After the shell exited, a background job may keep the pipe open: read what is there, briefly.
    int wait_ms = exited ? std::min(left, 50) : (pidfd < 0 ? std::min(left, 20) : left);
    int r = poll(pfd, n, wait_ms);
    if (r < 0 && errno == EINTR) continue;
    if (out_open && r > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t got = read(pipefd[0], buf, sizeof buf);
      if (got > 0) {
        if (output.size() < kMaxOutput) output.append(buf, std::min<size_t>(got, kMaxOutput - output.size()));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        out_open = false;
      }
    }
    if (!exited) try_reap();
    if (exited && r == 0) break;  // output quiet for 50 ms after exit
    if (MsLeft(deadline) == 0) {
      timed_out = !exited;
      break;
    }
  }
  close(pipefd[0]);
  if (pidfd >= 0) close(pidfd);
  if (timed_out) {
    kill(-*pid, SIGKILL);
    while (waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
    }
    return TimeoutError(fmt::format("action '{}' did not finish within {} ms (killed): {}{}", name, timeout.count(),
                                    *cmd, output.empty() ? "" : "\n" + Tail(output)));
  }
  ActionResult res;
  res.exit_code = DecodeWaitStatus(status);
  res.output = output;
  res.ok = res.exit_code == 0;
  if (res.exit_code == 127) {
    // /bin/sh itself uses 127 for "command not found": that is a broken IUT file, not an answer.
    static const std::regex kNotFound(R"((^|\n)(/bin/)?sh: [0-9]+: [^\n]*: not found)");
    if (std::regex_search(output.substr(0, 4096), kNotFound))
      return NotFound(fmt::format("action '{}' (line {}): command not found: {}", name, spec.line, Tail(output, 500)));
    res.unsupported = true;
  }
  return res;
}

struct Url {
  std::string host;
  int port = 80;
  std::string target = "/";
};

Result<Url> ParseLoopbackUrl(const std::string& url) {
  if (!url.starts_with("http://")) return BadRequest("'" + url + "' is not an http:// URL");
  std::string rest = url.substr(7);
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  Url u;
  if (slash != std::string::npos) u.target = rest.substr(slash);
  std::string port;
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string::npos) return BadRequest("'" + url + "': unterminated [IPv6] host");
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    size_t colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (!port.empty()) {
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (*end || p <= 0 || p > 65535) return BadRequest("'" + url + "': bad port '" + port + "'");
    u.port = static_cast<int>(p);
  }
  if (u.host == "localhost") u.host = "127.0.0.1";
  in_addr a4{};
  bool loop4 = inet_pton(AF_INET, u.host.c_str(), &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
  if (!loop4 && u.host != "::1")
    return BadRequest("'" + url + "': HTTP actions go to loopback only (127.0.0.0/8, localhost, [::1])");
  return u;
}

// A minimal HTTP/1.1 exchange (Connection: close) bounded by `deadline`.
Result<std::pair<int, std::string>> HttpExchange(const Url& u, const std::string& method, const std::string& body,
                                                 Clock::time_point deadline, const std::string& what) {
  bool v6 = u.host == "::1";
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return InternalError(std::string("socket: ") + std::strerror(errno));
  sockaddr_storage ss{};
  socklen_t len;
  if (v6) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(static_cast<uint16_t>(u.port));
    s6->sin6_addr = in6addr_loopback;
    len = sizeof *s6;
  } else {
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(static_cast<uint16_t>(u.port));
    inet_pton(AF_INET, u.host.c_str(), &s4->sin_addr);
    len = sizeof *s4;
  }
  auto fail = [&](Status s) {
    close(fd);
    return s;
  };
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS)
    return fail(InternalError(fmt::format("{}: connect to {}:{}: {}", what, u.host, u.port, std::strerror(errno))));
  std::string req = fmt::format(
      "{} {} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
      "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
      method, u.target, v6 ? "[::1]" : u.host, u.port, body.size(), body);
  size_t off = 0;
  while (off < req.size()) {
    pollfd p{fd, POLLOUT, 0};
    int r = poll(&p, 1, MsLeft(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return fail(TimeoutError(fmt::format("{}: could not send the request in time", what)));
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    if (soerr)
      return fail(InternalError(fmt::format("{}: connect to {}:{}: {}", what, u.host, u.port, std::strerror(soerr))));
    ssize_t w = send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (w < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (w < 0) return fail(InternalError(fmt::format("{}: send: {}", what, std::strerror(errno))));
    off += static_cast<size_t>(w);
  }
  std::string resp;
  char buf[16384];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, MsLeft(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return fail(TimeoutError(fmt::format("{}: no complete HTTP response in time", what)));
    ssize_t got = recv(fd, buf, sizeof buf, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (got <= 0) break;
    resp.append(buf, static_cast<size_t>(got));
    if (resp.size() > kMaxOutput) return fail(BadRequest(fmt::format("{}: HTTP response larger than 1 MiB", what)));
    // Stop early once a Content-Length body is complete (servers may keep the connection open).
    size_t hend = resp.find("\r\n\r\n");
    if (hend != std::string::npos) {
      static const std::regex kLen(R"((^|\r\n)content-length:[ \t]*([0-9]+))", std::regex::icase);
      std::smatch m;
      std::string head = resp.substr(0, hend);
      if (std::regex_search(head, m, kLen) && resp.size() - hend - 4 >= std::stoul(m[2].str())) break;
    }
  }
  close(fd);
  static const std::regex kStatus(R"(^HTTP/1\.[01] ([0-9]{3}))");
  std::smatch m;
  std::string first = resp.substr(0, resp.find("\r\n"));
  if (!std::regex_search(first, m, kStatus))
    return BadRequest(fmt::format("{}: not an HTTP response: '{}'", what, first.substr(0, 100)));
  int code = std::stoi(m[1].str());
  size_t hend = resp.find("\r\n\r\n");
  std::string head = hend == std::string::npos ? resp : resp.substr(0, hend);
  std::string raw = hend == std::string::npos ? "" : resp.substr(hend + 4);
  static const std::regex kChunked(R"((^|\r\n)transfer-encoding:[^\r\n]*chunked)", std::regex::icase);
  static const std::regex kLen(R"((^|\r\n)content-length:[ \t]*([0-9]+))", std::regex::icase);
  std::string bodyout;
  if (std::regex_search(head, kChunked)) {
    size_t pos = 0;
    for (;;) {
      size_t eol = raw.find("\r\n", pos);
      if (eol == std::string::npos) break;
      size_t n = std::strtoul(raw.substr(pos, eol - pos).c_str(), nullptr, 16);
      if (n == 0 || eol + 2 + n > raw.size()) break;
      bodyout += raw.substr(eol + 2, n);
      pos = eol + 2 + n + 2;
    }
  } else if (std::regex_search(head, m, kLen)) {
    bodyout = raw.substr(0, std::min<size_t>(raw.size(), std::stoul(m[2].str())));
  } else {
    bodyout = raw;
  }
  return std::make_pair(code, bodyout);
}

Result<ActionResult> RunHttp(const std::string& name, const ActionSpec& spec, const Variables& vars,
                             const nlohmann::json& merged, std::chrono::milliseconds timeout) {
  std::string method = "POST", tmpl = spec.command;
  if (size_t sp = tmpl.find(' '); sp != std::string::npos) {
    method = tmpl.substr(0, sp);
    tmpl = tmpl.substr(sp + 1);
  }
  auto url = ExpandWith(tmpl, ActionVariables(vars, name, merged), &PercentEncode);
  if (!url.ok()) return BadRequest(fmt::format("action '{}' (line {}): {}", name, spec.line, url.status().message()));
  auto u = ParseLoopbackUrl(*url);
  if (!u.ok()) return BadRequest(fmt::format("action '{}' (line {}): {}", name, spec.line, u.status().message()));
  nlohmann::json body = merged;
  body["cmd"] = name;
  auto ex = HttpExchange(*u, method, body.dump(), Clock::now() + timeout, fmt::format("action '{}' ({})", name, *url));
  if (!ex.ok()) return ex.status();
  ActionResult r;
  auto [code, text] = *ex;
  r.output = text;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_discarded()) r.reply = j;
  if (code == 501) {
    r.unsupported = true;
    r.exit_code = code;
  } else if (code >= 200 && code < 300) {
    if (j.is_object() && j.contains("ok")) {
      FromReply(r, j);
      r.output = text;
    } else {
      r.ok = true;
    }
  } else {
    r.exit_code = code;
  }
  return r;
}

Result<ActionResult> RunControl(const IutDescription& iut, const std::string& name, const std::string& verb,
                                const nlohmann::json& merged, std::chrono::milliseconds timeout, IutProcess* process) {
  if (!process || !iut.HasControlChannel())
    return BadRequest(fmt::format("action '{}' needs the control channel, but the IUT {}", name,
                                  process ? "has none (launch: control-channel: true)" : "is not running"));
  nlohmann::json request = merged;
  request["cmd"] = verb;
  auto reply = process->Control(request, timeout);
  if (!reply.ok()) {
    // "when it is the whole test, the process exits 127": a dead IUT with status 127 is an answer.
    auto st = process->exit_status();
    if (!st && !IsTimeout(reply.status())) st = process->WaitExit(std::chrono::milliseconds(200));
    if (st && *st == 127) {
      ActionResult r;
      r.unsupported = true;
      r.exit_code = 127;
      r.output = fmt::format("the IUT exited with status 127 on '{}'", verb);
      return r;
    }
    return reply.status();
  }
  ActionResult r;
  FromReply(r, *reply);
  return r;
}

}  // namespace

Result<ActionResult> RunAction(const IutDescription& iut, const std::string& name, const Variables& vars,
                               const nlohmann::json& args, std::chrono::milliseconds timeout, IutProcess* process) {
  if (!args.is_null() && !args.is_object()) return BadRequest("action '" + name + "': arguments must be a JSON object");
  auto it = iut.actions.find(name);
  if (it == iut.actions.end()) {
    if (iut.HasControlChannel() && process) return RunControl(iut, name, name, args.is_null() ? nlohmann::json::object() : args, timeout, process);
    ActionResult r;
    r.unsupported = true;
    r.exit_code = 127;
    r.output = "action '" + name + "' is not described in " + iut.file;
    return r;
  }
  const ActionSpec& spec = it->second;
  nlohmann::json merged = spec.args.is_object() ? spec.args : nlohmann::json::object();
  if (args.is_object())
    for (const auto& [k, v] : args.items()) merged[k] = v;
  std::chrono::milliseconds t = spec.timeout.value_or(timeout);
  switch (spec.kind) {
    case ActionSpec::Kind::kShell: return RunShell(name, spec, vars, merged, t);
    case ActionSpec::Kind::kHttp: return RunHttp(name, spec, vars, merged, t);
    case ActionSpec::Kind::kControl: return RunControl(iut, name, spec.command, merged, t, process);
  }
  return InternalError("unknown action kind");
}

}  // namespace lwm2m::iut
