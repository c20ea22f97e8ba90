// runner.cc: executes cases (see runner.h). Client IUTs face the reference Lwm2mServer (its request
// hook answers what a step says, its event stream feeds the waits); server IUTs face a CoAP tester
// client. Everything the IUT sends is untrusted: every wait is bounded and a dead IUT ends the step.
#include "harness/engine/runner.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "coap/context.h"
#include "harness/engine/loader.h"
#include "harness/engine/matcher.h"
#include "lwm2m/codec/codec.h"
#include "lwm2m/model.h"
#include "reference-server/server.h"

#ifdef LWM2M_ENGINE_HAVE_WIRE
#include "harness/wire/recorder.h"
#include "harness/wire/relay.h"
#endif

namespace lwm2m::engine {
namespace fs = std::filesystem;
using report::Verdict;
using SteadyClock = std::chrono::steady_clock;

report::Verdict Runner::Fold(const std::vector<report::StepResult>& steps) {
  Verdict v = Verdict::kPass;
  for (const auto& s : steps) v = report::Worst(v, s.verdict);
  return v;
}

namespace {

std::string Hex(const Bytes& b) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) s += hex[c >> 4], s += hex[c & 15];
  return s;
}

std::optional<Bytes> Unhex(std::string_view s) {
  Bytes out;
  std::string t;
  for (char c : s)
    if (!isspace(static_cast<unsigned char>(c))) t += c;
  if (t.size() % 2) return std::nullopt;
  for (size_t i = 0; i < t.size(); i += 2) {
    auto v = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int a = v(t[i]), b = v(t[i + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    out.push_back(static_cast<uint8_t>(a << 4 | b));
  }
  return out;
}

std::string Seconds(Duration d) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.3gs", d.count() / 1000.0);
  return buf;
}

std::string Num(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Options as a case writes them: uint options (Content-Format, Accept, Observe, Max-Age, Size1/2,
// Block1/2; RFC 7252 §5.10) from a number or a format name, the others as text.
void AddOptionText(CoapMessage& m, uint16_t num, const std::string& text) {
  static const std::set<uint16_t> uints = {CoapOption::kObserve, CoapOption::kUriPort, CoapOption::kContentFormat,
                                           CoapOption::kMaxAge, CoapOption::kAccept, CoapOption::kBlock2,
                                           CoapOption::kBlock1, CoapOption::kSize2, CoapOption::kSize1};
  if (uints.count(num)) {
    if (!text.empty() && std::all_of(text.begin(), text.end(), ::isdigit) && text.size() < 10) {
      m.AddUintOption(num, static_cast<uint32_t>(std::stoul(text)));
      return;
    }
    if (num == CoapOption::kContentFormat || num == CoapOption::kAccept)
      if (auto f = ParseContentFormat(text)) {
        m.AddUintOption(num, static_cast<uint32_t>(*f));
        return;
      }
  }
  m.AddOption(num, std::string_view(text));
}

// A free loopback UDP port for an IUT server (closed again; the IUT binds it right after).
uint16_t FreeUdpPort() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

std::string MessageSummary(const CoapMessage& m) {
  static const char* types[] = {"CON", "NON", "ACK", "RST"};
  std::string s = types[static_cast<int>(m.type) & 3];
  if (m.IsRequest()) {
    s += " " + CoapCodeName(m.code) + " " + m.UriPath();
    auto q = m.UriQueries();
    for (size_t i = 0; i < q.size(); ++i) s += (i ? "&" : "?") + q[i];
  } else if (!m.IsEmpty()) {
    s += " " + CoapCodeName(m.code);
    std::string loc = m.LocationPath();
    if (!loc.empty()) s += " Location " + loc;
  }
  if (auto o = m.Observe()) s += " Obs=" + std::to_string(*o);
  if (auto f = m.GetContentFormat()) s += " cf=" + std::to_string(static_cast<int>(*f));
  if (!m.payload.empty()) s += " (" + std::to_string(m.payload.size()) + " B)";
  return s;
}

// Values from the YAML as typed by the object models (Core TS 1.2 Appendix C data types).
Result<Content> ContentFromValues(const std::vector<std::pair<std::string, std::string>>& values, const Vars& vars) {
  Content c;
  for (const auto& [p, text] : values) {
    auto path = Path::Parse(Expand(p, vars));
    if (!path) return path.status();
    DataType type = DataType::kString;
    if (const ResourceModel* rm = ModelRegistry::Builtin().FindResource(*path)) type = rm->type;
    auto v = Value::FromText(Expand(text, vars), type);
    if (!v) return Status(v.status().code(), p + ": " + v.status().message());
    c.records.push_back({*path, *v, std::nullopt});
  }
  return c;
}

struct StepState {
  report::StepResult r;
  uint32_t frame_mark = 0;
};

class CaseRun {
 public:
  CaseRun(const Case& kase, IutDriver& driver, const RunOptions& opt, const std::vector<std::string>& faults,
          const std::string& folder)
      : kase_(kase), driver_(driver), opt_(opt), faults_(faults) {
    result_.id = kase.id;
    result_.ets = kase.ets;
    result_.file = kase.file;
    result_.summary = kase.summary;
    result_.area = kase.area;
    result_.iut_role = IutRoleName(kase.role);
    result_.requirements = kase.requirements;
    if (!opt.out_dir.empty()) {
      case_dir_ = (fs::path(opt.out_dir) / folder).string();
      std::error_code ec;
      fs::create_directories(case_dir_, ec);
    }
    t0_ = SteadyClock::now();
  }

  report::CaseResult Run() {
    if (auto missing = driver_.Missing(kase_.requires_features)) {
      result_.verdict = Verdict::kUnsupported;
      result_.reason = "the IUT does not support '" + *missing + "' (ICS)";
      return Finish();
    }
    if (kase_.role == IutRole::kBootstrapServer || kase_.role != driver_.info().role) {
      result_.verdict = Verdict::kUnsupported;
      result_.reason = std::string("case for a ") + IutRoleName(kase_.role) + " IUT; the IUT is a " +
                       IutRoleName(driver_.info().role);
      return Finish();
    }
    OpenRecorder();
    Status s = kase_.role == IutRole::kClient ? SetUpClientIut() : SetUpServerIut();
    if (!s.ok()) {
      result_.verdict = Verdict::kError;
      result_.reason = "set-up: " + s.message();
      setup_failed_ = true;
      return Finish();
    }
    for (const Step& st : kase_.steps) {
      if (opt_.stop && opt_.stop->load()) {
        result_.reason = "interrupted before step " + std::to_string(st.index);
        AddStep(Begin(st), Verdict::kError, "not run: the run was interrupted");
        break;
      }
      StepState ss = Begin(st);
      RunStep(st, ss);
      bool fatal = ss.r.verdict == Verdict::kError || ss.r.verdict == Verdict::kTimeout ||
                   ss.r.verdict == Verdict::kFail || ss.r.verdict == Verdict::kUnsupported;
      result_.steps.push_back(ss.r);
      if (fatal) break;  // later steps depend on this one
    }
    return Finish();
  }

  bool setup_failed() const { return setup_failed_; }

 private:
  // ------------------------------------------------------------------ plumbing

  double Now() const { return std::chrono::duration<double>(SteadyClock::now() - t0_).count(); }
  Duration Bound(const Step& st, Duration def) const {
    Duration d = st.within.count() > 0 ? st.within : def;
    return Duration(static_cast<int64_t>(d.count() * opt_.time_scale));
  }

  StepState Begin(const Step& st) {
    StepState ss;
    ss.r.index = st.index;
    ss.r.title = st.title;
    ss.r.file = st.loc.file;
    ss.r.line = st.loc.line;
    ss.r.start_s = Now();
    std::lock_guard<std::mutex> l(mu_);
    ss.frame_mark = frames_;
#ifdef LWM2M_ENGINE_HAVE_WIRE
    if (recorder_) recorder_->SetComment("case=" + kase_.id + " step=" + std::to_string(st.index));
#endif
    return ss;
  }

  void Set(StepState& ss, Verdict v, std::string message, std::string expected = {}, std::string actual = {}) {
    ss.r.verdict = v;
    ss.r.message = std::move(message);
    ss.r.expected = std::move(expected);
    ss.r.actual = std::move(actual);
    ss.r.end_s = Now();
    std::lock_guard<std::mutex> l(mu_);
    for (uint32_t f = ss.frame_mark + 1; f <= frames_ && ss.r.frames.size() < 32; ++f) ss.r.frames.push_back(f);
  }
  void AddStep(StepState ss, Verdict v, std::string message) {
    Set(ss, v, std::move(message));
    result_.steps.push_back(ss.r);
  }

  void OpenRecorder() {
#ifdef LWM2M_ENGINE_HAVE_WIRE
    if (case_dir_.empty() || !opt_.record) return;
    auto r = wire::Recorder::Open((fs::path(case_dir_) / "capture.pcapng").string());
    if (r) {
      recorder_ = std::move(*r);
      result_.capture = (fs::path(fs::path(case_dir_).filename()) / "capture.pcapng").string();
    }
#endif
  }

  // Every CoAP message the tester sends or receives (decrypted): the sequence diagram and the
  // exported PDUs of the capture.
  void OnWire(const coap::WireEvent& e) {
    bool sent = e.direction == coap::Direction::kSent;
    report::WireMessage m;
    m.t_s = std::chrono::duration<double>(e.steady_time - t0_).count();
    m.from = sent ? "tester" : "IUT";
    m.to = sent ? "IUT" : "tester";
    m.summary = MessageSummary(e.parsed.message);
    if (e.parsed.HasErrors()) m.summary += " [malformed]";
    std::lock_guard<std::mutex> l(mu_);
#ifdef LWM2M_ENGINE_HAVE_WIRE
    if (recorder_) {
      wire::SocketAddress local{e.local.ip, e.local.port}, remote{e.remote.ip, e.remote.port};
      wire::Transport t = coap::IsReliable(e.transport) ? wire::Transport::kTcp : wire::Transport::kUdp;
      uint32_t f = sent ? recorder_->RecordCoap(t, local, remote, e.bytes, e.wall_time)
                        : recorder_->RecordCoap(t, remote, local, e.bytes, e.wall_time);
      if (f) frames_ = std::max(frames_, f);
      m.frame = f;
    } else {
      m.frame = ++frames_;
    }
#else
    m.frame = ++frames_;
#endif
    result_.messages.push_back(std::move(m));
  }
  void OnKeyLog(std::string_view line) {
#ifdef LWM2M_ENGINE_HAVE_WIRE
    std::lock_guard<std::mutex> l(mu_);
    if (recorder_) recorder_->AddKeyLog(std::string(line) + "\n");
#else
    (void)line;
#endif
  }
  void SyncFrames() {
#ifdef LWM2M_ENGINE_HAVE_WIRE
    std::lock_guard<std::mutex> l(mu_);
    if (recorder_) frames_ = std::max(frames_, recorder_->frames());
#endif
  }

  Status StartRelay(const coap::Address& target, bool iut_is_target, std::string& host, uint16_t& port) {
    host = target.ip;
    port = target.port;
#ifdef LWM2M_ENGINE_HAVE_WIRE
    if (!opt_.relay) return Status::Ok();
    wire::RelayConfig rc;
    rc.transport = kase_.setup.transport == "tcp" ? wire::Transport::kTcp : wire::Transport::kUdp;
    rc.listen = {"127.0.0.1", 0};
    rc.target = {target.ip, target.port};
    rc.iut_side = iut_is_target ? wire::IutSide::kTarget : wire::IutSide::kListen;
    auto r = wire::Relay::Start(rc, recorder_.get());
    if (!r) return Status(r.status().code(), "relay: " + r.status().message());
    relay_ = std::move(*r);
    host = relay_->listen_address().ip;
    port = relay_->listen_address().port;
#else
    (void)iut_is_target;
#endif
    return Status::Ok();
  }

  void BaseVars() {
    const IutInfo& info = driver_.info();
    endpoint_ = info.endpoint.empty() ? "harness-" + kase_.id : info.endpoint;
    vars_["endpoint"] = endpoint_;
    vars_["iut.endpoint"] = endpoint_;
    vars_["iut.name"] = info.name;
    vars_["psk_identity"] = info.psk_identity.empty() ? endpoint_ : info.psk_identity;
    vars_["psk_key_hex"] = info.psk_key_hex.empty() ? "000102030405060708090a0b0c0d0e0f" : info.psk_key_hex;
    vars_["iut.psk_identity"] = vars_["psk_identity"];
    vars_["case_dir"] = case_dir_.empty() ? "." : fs::absolute(case_dir_).string();
    vars_["case.id"] = kase_.id;
    char ts[32];
    snprintf(ts, sizeof ts, "%g", opt_.time_scale);
    vars_["time_scale"] = ts;
    vars_["bootstrap_uri"] = "";
    if (kase_.setup.lifetime) vars_["lifetime"] = std::to_string(*kase_.setup.lifetime);
    for (const auto& [k, v] : kase_.setup.timers) vars_["timer." + k] = v;
  }

  Status LaunchIut() {
    std::vector<std::string> faults = opt_.faults;
    faults.insert(faults.end(), kase_.setup.iut_faults.begin(), kase_.setup.iut_faults.end());
    faults.insert(faults.end(), faults_.begin(), faults_.end());
    auto inst = driver_.Launch(vars_, case_dir_, faults);
    if (!inst) return inst.status();
    iut_ = std::move(*inst);
    if (!iut_->log_file().empty()) result_.iut_log = iut_->log_file();
    Status ready = iut_->WaitReady(Duration(static_cast<int64_t>(10000 * std::max(1.0, opt_.time_scale))));
    if (!ready.ok()) return Status(ready.code(), "the IUT did not become ready: " + ready.message());
    return Status::Ok();
  }

  // ------------------------------------------------------------------ client IUT (tester = Lwm2mServer)

  Status SetUpClientIut() {
    BaseVars();
    refserver::ServerConfig cfg;
    bool psk = kase_.setup.security == "psk";
    cfg.udp = !psk;
    cfg.dtls = psk;
    if (!kase_.setup.server_versions.empty()) cfg.supported_versions = kase_.setup.server_versions;
    if (psk) {
      auto key = Unhex(vars_["psk_key_hex"]);
      if (!key) return BadRequest("psk_key_hex of the IUT file is not hex");
      cfg.psk_keys[vars_["psk_identity"]] = *key;
    }
    server_ = std::make_unique<refserver::Lwm2mServer>(cfg);
    server_->context().SetWireHook([this](const coap::WireEvent& e) { OnWire(e); });
    server_->context().SetKeyLog([this](std::string_view l) { OnKeyLog(l); });
    server_->SetRequestHook([this](const coap::Peer& p, const CoapMessage& m, const Classification& c,
                                   coap::Responder& r) { return Hook(p, m, c, r); });
    Status s = server_->Start();
    if (!s.ok()) return Status(s.code(), "tester server: " + s.message());
    auto addr = server_->address(psk ? coap::Transport::kDtls : coap::Transport::kUdp);
    if (!addr) return InternalError("tester server has no address");
    std::string host;
    uint16_t port = 0;
    if (Status rs = StartRelay(*addr, false, host, port); !rs.ok()) return rs;
    std::string uri = std::string(psk ? "coaps" : "coap") + "://" + host + ":" + std::to_string(port);
    vars_["server_uri"] = uri;
    vars_["tester.uri"] = uri;
    vars_["host"] = host;
    vars_["port"] = std::to_string(port);
    if (Status ls = LaunchIut(); !ls.ok()) return ls;
    if (coap::Context* ctx = iut_->context()) server_->AddPeerContext(ctx);
    return Status::Ok();
  }

  // Answers an incoming request as the current expect step says; false lets the server's own
  // logic answer (the reply equals what a conforming server sends, or no step awaits this request).
  bool Hook(const coap::Peer& peer, const CoapMessage& m, const Classification& c, coap::Responder& r) {
    auto key = std::make_pair(peer.remote.ToString(), m.message_id);
    if (silenced_.count(key)) {  // a retransmission of a request the step chose not to answer
      r.Drop();
      return true;
    }
    if (!expect_ || expect_applied_ || !c.operation || !expect_->expect_op ||
        c.operation->kind != *expect_->expect_op || !expect_->reply)
      return false;
    const Reply& rep = *expect_->reply;
    expect_applied_ = true;
    if (rep.silence) {
      silenced_.insert(key);
      r.Drop();
      return true;
    }
    if (rep.reset) {
      r.Reset();
      return true;
    }
    bool plain = rep.options.empty() && !rep.location && !rep.payload && !rep.content_format;
    if (plain && rep.code && *rep.code == ExpectedSuccessCode(c.operation->kind)) return false;
    CoapMessage resp;
    resp.code = rep.code.value_or(CoapCode::kInternalServerError);
    for (const auto& [num, val] : rep.options) AddOptionText(resp, num, Expand(val, vars_));
    if (rep.location) {
      std::string loc = Expand(*rep.location, vars_);
      size_t i = 0;
      while (i < loc.size()) {
        size_t j = loc.find('/', i);
        if (j == i) { ++i; continue; }
        std::string seg = loc.substr(i, j == std::string::npos ? std::string::npos : j - i);
        resp.AddOption(CoapOption::kLocationPath, std::string_view(seg));
        if (j == std::string::npos) break;
        i = j + 1;
      }
    }
    if (rep.content_format) resp.SetContentFormat(*rep.content_format);
    if (rep.payload) {
      std::string p = Expand(*rep.payload, vars_);
      resp.payload = Bytes(p.begin(), p.end());
    }
    r.Respond(resp);
    return true;
  }

  enum class WaitEnd { kOk, kTimeout, kIutDied, kStopped };

  // Steps the tester until pred() holds or the bound passes, watching the IUT and the stop flag.
  WaitEnd Pump(const std::function<bool()>& pred, Duration bound) {
    auto start = SteadyClock::now();
    auto deadline = start + bound;
    WaitEnd end = WaitEnd::kTimeout;
    while (true) {
      Drain();
      if (pred()) { end = WaitEnd::kOk; break; }
      if (opt_.stop && opt_.stop->load()) { end = WaitEnd::kStopped; break; }
      if (iut_ && !iut_->Alive()) {
        // Take what it sent before dying, then report.
        PumpOnce(Duration(20));
        Drain();
        end = pred() ? WaitEnd::kOk : WaitEnd::kIutDied;
        break;
      }
      auto now = SteadyClock::now();
      if (now >= deadline) break;
      PumpOnce(std::min<Duration>(Duration(50), std::chrono::duration_cast<Duration>(deadline - now) + Duration(1)));
    }
    wait_s_ += std::chrono::duration<double>(SteadyClock::now() - start).count();
    SyncFrames();
    return end;
  }
  void PumpOnce(Duration d) {
    if (server_) {
      server_->RunUntil([] { return false; }, d);
    } else if (tester_) {
      if (iut_ && iut_->context()) coap::RunUntil({tester_.get(), iut_->context()}, [] { return false; }, d);
      else tester_->RunOnce(d);
    }
  }
  void Drain() {
    if (!server_) return;
    for (auto& e : server_->TakeEvents()) events_.push_back(std::move(e));
  }
  std::string WaitFailure(WaitEnd w, const std::string& what, Duration bound) {
    switch (w) {
      case WaitEnd::kIutDied: return "the IUT " + (iut_ ? iut_->ExitText() : std::string("stopped")) + " while awaiting " + what;
      case WaitEnd::kStopped: return "interrupted while awaiting " + what;
      default: return "no " + what + " within " + Seconds(bound);
    }
  }
  Verdict WaitVerdict(WaitEnd w) {
    return w == WaitEnd::kTimeout ? Verdict::kTimeout : Verdict::kError;
  }

  // The first unconsumed event matching pred (consumed, with its retransmissions).
  std::optional<refserver::ServerEvent> TakeEvent(const std::function<bool(const refserver::ServerEvent&)>& pred) {
    for (auto it = events_.begin(); it != events_.end(); ++it) {
      if (it->kind == refserver::ServerEventKind::kRequest) {
        auto key = std::make_pair(it->remote.ToString(), it->message.message_id);
        if (consumed_.count(key)) continue;
      }
      if (!pred(*it)) continue;
      refserver::ServerEvent e = std::move(*it);
      events_.erase(it);
      if (e.kind == refserver::ServerEventKind::kRequest) consumed_.insert({e.remote.ToString(), e.message.message_id});
      return e;
    }
    return std::nullopt;
  }

  void Capture(const std::string& as, const Observed& o) {
    if (as.empty()) return;
    for (const auto& [k, v] : o.facts) vars_[as + "." + k] = v;
  }

  // Evaluates checks; false (and the step set to FAIL) on the first failures.
  bool RunChecks(StepState& ss, const std::vector<Check>& checks, const Observed& o, const std::string& what) {
    std::string exp, act;
    for (const Check& c : checks) {
      CheckOutcome out = Evaluate(c, o, vars_);
      if (!out.ok) {
        exp += (exp.empty() ? "" : "; ") + out.expected;
        act += (act.empty() ? "" : "; ") + out.actual;
      }
    }
    if (exp.empty()) return true;
    Set(ss, Verdict::kFail, what + ": check failed", exp, act);
    return false;
  }

  void RunStep(const Step& st, StepState& ss) {
    switch (st.kind) {
      case StepKind::kExpectRequest: return kase_.role == IutRole::kClient ? ExpectRequestClient(st, ss) : ExpectRequestServer(st, ss);
      case StepKind::kSend: return kase_.role == IutRole::kClient ? SendClient(st, ss) : SendServer(st, ss);
      case StepKind::kRaw: return Raw(st, ss);
      case StepKind::kNotifications: return Notifications(st, ss);
      case StepKind::kAction: return Action(st, ss);
      case StepKind::kWire: return WireFault(st, ss);
      case StepKind::kWait: return Wait(st, ss);
      case StepKind::kState: return State(st, ss);
    }
  }

  void ExpectRequestClient(const Step& st, StepState& ss) {
    Duration bound = Bound(st, Duration(10000));
    OperationKind op = *st.expect_op;
    expect_ = &st;
    expect_applied_ = false;
    std::optional<refserver::ServerEvent> ev;
    auto match = [&](const refserver::ServerEvent& e) {
      return e.kind == refserver::ServerEventKind::kRequest && e.classification && e.classification->operation &&
             e.classification->operation->kind == op;
    };
    WaitEnd w = Pump([&] { return (ev = TakeEvent(match)).has_value(); }, bound);
    expect_ = nullptr;
    std::string what = std::string(OperationName(op)) + " request from the IUT";
    if (w != WaitEnd::kOk) {
      // What did arrive instead, as evidence.
      std::string seen;
      for (const auto& e : events_)
        if (e.kind == refserver::ServerEventKind::kRequest) seen += (seen.empty() ? "" : ", ") + MessageSummary(e.message);
      Set(ss, WaitVerdict(w), WaitFailure(w, what, bound), std::string(OperationName(op)),
          seen.empty() ? "nothing" : seen);
      return;
    }
    Observed o = ObserveRequest(ev->message, ev->classification);
    o.facts["answered"] = ev->answered ? CodeText(ev->answered) : "by the step";
    if (op == OperationKind::kRegister || op == OperationKind::kUpdate) {
      Drain();
      std::string ep = o.facts.count("query.ep") ? o.facts["query.ep"] : ev->psk_identity;
      if (!ev->endpoint.empty()) ep = ev->endpoint;
      if (const refserver::Registration* reg = server_->FindByEndpoint(ep)) {
        o.facts["location"] = reg->location;
        if (op == OperationKind::kRegister) endpoint_ = ep;
      }
    }
    Capture(st.as, o);
    if (!RunChecks(ss, st.checks, o, what)) return;
    std::string msg = "received " + MessageSummary(ev->message);
    if (st.reply && ev->answered && !expect_applied_) msg += " (answered " + CodeText(ev->answered) + " by the reference server)";
    Set(ss, Verdict::kPass, msg);
  }

  bool EnsureEndpoint(StepState& ss) {
    Drain();
    if (!server_->FindByEndpoint(endpoint_)) {
      auto regs = server_->Registrations();
      if (regs.empty()) {
        Set(ss, Verdict::kFail, "the IUT is not registered (no successful Register before this step)");
        return false;
      }
      endpoint_ = regs.front().endpoint;
    }
    return true;
  }

  void SendClient(const Step& st, StepState& ss) {
    if (!EnsureEndpoint(ss)) return;
    const SendSpec& s = st.send;
    Duration bound = Bound(st, Duration(5000));
    refserver::RequestOptions ro;
    ro.accept = s.accept;
    ro.format = s.format;
    ro.timeout = bound;
    if (!s.confirmable) ro.type = CoapType::kNonConfirmable;
    if (s.payload) ro.raw_payload = Bytes(s.payload->begin(), s.payload->end());
    if (s.payload_hex) {
      auto b = Unhex(*s.payload_hex);
      if (!b) return Set(ss, Verdict::kError, "payload-hex is not hex");
      ro.raw_payload = *b;
    }
    auto path = Path::Parse(Expand(s.path, vars_));
    if (!path) return Set(ss, Verdict::kError, "bad path after expansion: " + path.status().message());
    std::vector<Path> paths;
    for (const auto& p : s.paths) {
      auto pp = Path::Parse(Expand(p, vars_));
      if (!pp) return Set(ss, Verdict::kError, "bad path: " + pp.status().message());
      paths.push_back(*pp);
    }
    auto attrs = ParseNotificationAttributes(s.attributes).attributes;
    auto content = ContentFromValues(s.values, vars_);
    if (!content) return Set(ss, Verdict::kError, "values: " + content.status().message());
    auto start = SteadyClock::now();
    Result<refserver::OperationResult> r = InternalError("operation not available towards a client");
    switch (s.op) {
      case OperationKind::kRead: r = server_->Read(endpoint_, *path, ro); break;
      case OperationKind::kDiscover: r = server_->Discover(endpoint_, *path, s.depth, ro); break;
      case OperationKind::kWrite:
        r = server_->Write(endpoint_, *path, *content, s.partial ? WriteMode::kPartialUpdate : WriteMode::kReplace, ro);
        break;
      case OperationKind::kWriteAttributes: r = server_->WriteAttributes(endpoint_, *path, attrs, ro); break;
      case OperationKind::kExecute: {
        auto args = ParseExecuteArguments(Expand(s.arguments, vars_));
        if (!args) return Set(ss, Verdict::kError, "arguments: " + args.status().message());
        r = server_->Execute(endpoint_, *path, *args, ro);
        break;
      }
      case OperationKind::kCreate: r = server_->Create(endpoint_, *path, *content, ro); break;
      case OperationKind::kDelete: r = server_->Delete(endpoint_, *path, ro); break;
      case OperationKind::kObserve: r = server_->Observe(endpoint_, *path, attrs, ro); break;
      case OperationKind::kObserveComposite: r = server_->ObserveComposite(endpoint_, paths, attrs, ro); break;
      case OperationKind::kReadComposite: r = server_->ReadComposite(endpoint_, paths, ro); break;
      case OperationKind::kWriteComposite: r = server_->WriteComposite(endpoint_, *content, ro); break;
      case OperationKind::kCancelObservation:
      case OperationKind::kCancelObserveComposite: {
        std::string of = vars_.count("observe.token") ? "observe" : "observe-composite";
        auto tok = Unhex(vars_[of + ".token"]);
        if (!tok || tok->empty()) return Set(ss, Verdict::kError, "no earlier observe step to cancel");
        r = server_->CancelObservation(endpoint_, *tok, coap::Session::CancelBy::kGet, bound);
        break;
      }
      default:
        return Set(ss, Verdict::kError, std::string(OperationName(s.op)) + " is not sent by a server");
    }
    wait_s_ += std::chrono::duration<double>(SteadyClock::now() - start).count();
    SyncFrames();
    Drain();
    std::string what = std::string(OperationName(s.op)) + " " + path->ToString();
    if (!r) {
      if (st.response.none) return Set(ss, Verdict::kPass, "no response, as expected");
      if (iut_ && !iut_->Alive())
        return Set(ss, Verdict::kError, "the IUT " + iut_->ExitText() + " during " + what);
      if (r.status().code() == StatusCode::kNotFound)
        return Set(ss, Verdict::kFail, "the IUT is not registered: " + r.status().message());
      return Set(ss, Verdict::kTimeout, "no response to " + what + " within " + Seconds(bound) + " (" +
                                            r.status().message() + ")",
                 ResponseText(st.response), "no response");
    }
    if (s.op == OperationKind::kObserve || s.op == OperationKind::kObserveComposite) {
      observe_time_[st.as] = SteadyClock::now();
      vars_[st.as + ".token"] = Hex(r->token);
      observe_path_[st.as] = *path;
    }
    Observed o = ObserveResponse(r->response, *path);
    if (r->response.type == CoapType::kReset) o.facts["type"] = "RST";
    Capture(st.as, o);
    JudgeResponse(st, ss, o, what, MessageSummary(r->response));
  }

  static std::string ResponseText(const ResponseExpect& e) {
    std::string s;
    if (e.code) s += "code " + CodeText(*e.code);
    if (!e.codes.empty()) {
      s += "code one of";
      for (auto c : e.codes) s += " " + CodeText(c);
    }
    if (e.content_format) s += std::string(s.empty() ? "" : ", ") + "content-format " +
                               std::string(FindContentFormat(*e.content_format) ? FindContentFormat(*e.content_format)->name : "?");
    if (e.reset) s += "RST";
    if (s.empty()) s = "a response";
    return s;
  }

  void JudgeResponse(const Step& st, StepState& ss, const Observed& o, const std::string& what, const std::string& got) {
    const ResponseExpect& e = st.response;
    auto fact = [&](const std::string& k) { auto it = o.facts.find(k); return it == o.facts.end() ? std::string("absent") : it->second; };
    if (e.none) return Set(ss, Verdict::kFail, what + ": expected no response", "no response", got);
    if (e.reset) {
      if (fact("type") != "RST") return Set(ss, Verdict::kFail, what + ": expected RST", "RST", got);
      return Set(ss, Verdict::kPass, "RST as expected");
    }
    if (e.code && fact("code") != CodeText(*e.code))
      return Set(ss, Verdict::kFail, what + ": wrong response code", "code " + CodeText(*e.code), "code " + fact("code") + " (" + got + ")");
    if (!e.codes.empty()) {
      bool any = false;
      for (auto c : e.codes) any = any || fact("code") == CodeText(c);
      if (!any) return Set(ss, Verdict::kFail, what + ": wrong response code", ResponseText(e), "code " + fact("code"));
    }
    if (e.content_format) {
      std::string want(FindContentFormat(*e.content_format) ? FindContentFormat(*e.content_format)->name : std::to_string(static_cast<int>(*e.content_format)));
      if (fact("content-format") != want)
        return Set(ss, Verdict::kFail, what + ": wrong Content-Format", "content-format " + want, "content-format " + fact("content-format"));
    }
    if (e.decodes) {
      bool ok = fact("decodes") == "true";
      if (ok != *e.decodes) {
        std::string errs;
        for (const auto& d : o.decode_errors) errs += (errs.empty() ? "" : "; ") + d;
        return Set(ss, Verdict::kFail, what + ": payload " + (ok ? "decodes" : "does not decode"),
                   *e.decodes ? "a payload that decodes" : "a payload that does not decode", errs.empty() ? fact("decodes") : errs);
      }
    }
    if (!RunChecks(ss, e.checks, o, what)) return;
    Set(ss, Verdict::kPass, got);
  }

  void Notifications(const Step& st, StepState& ss) {
    if (!server_) return Set(ss, Verdict::kError, "notifications are awaited from a client IUT only");
    const NotificationSpec& ns = st.notifications;
    auto tok = Unhex(vars_[ns.of + ".token"]);
    if (!tok || tok->empty()) return Set(ss, Verdict::kError, "no observation '" + ns.of + "' to take notifications from");
    double per = ns.pmax_s ? *ns.pmax_s + ns.tolerance_s : 5.0;
    Duration bound = Bound(st, Duration(static_cast<int64_t>((per * ns.count + 1) * 1000)));
    std::vector<std::pair<SteadyClock::time_point, refserver::ServerEvent>> got;
    auto pred = [&] {
      while (auto e = TakeEvent([&](const refserver::ServerEvent& e) {
               return e.kind == refserver::ServerEventKind::kNotification && e.token == *tok;
             }))
        got.push_back({e->time, std::move(*e)});
      return static_cast<int>(got.size()) >= ns.count;
    };
    WaitEnd w = Pump(pred, bound);
    std::string what = std::to_string(ns.count) + " notification(s) of " + ns.of;
    if (w != WaitEnd::kOk)
      return Set(ss, WaitVerdict(w), WaitFailure(w, what, bound) + " (got " + std::to_string(got.size()) + ")",
                 std::to_string(ns.count) + " notifications", std::to_string(got.size()));
    auto prev = observe_time_.count(ns.of) ? observe_time_[ns.of] : SteadyClock::now();
    std::string intervals;
    for (size_t i = 0; i < got.size(); ++i) {
      double dt = std::chrono::duration<double>(got[i].first - prev).count();
      prev = got[i].first;
      char buf[32];
      snprintf(buf, sizeof buf, "%.2fs", dt);
      intervals += (intervals.empty() ? "" : ", ") + std::string(buf);
      double scale = opt_.time_scale;
      // The Observe response is the first notification (RFC 7641 §4.2), so pmin and pmax bound the
      // gap to it as well as every later gap (Core TS 1.2 §5.1.2, §7.3.1).
      if (ns.pmin_s && dt < (*ns.pmin_s - ns.tolerance_s) * std::min(1.0, scale))
        return Set(ss, Verdict::kFail, "notification " + std::to_string(i + 1) + " came before pmin",
                   "interval >= " + Num(*ns.pmin_s) + "s - " + Num(ns.tolerance_s) + "s", "intervals " + intervals);
      if (ns.pmax_s && dt > (*ns.pmax_s + ns.tolerance_s) * std::max(1.0, scale))
        return Set(ss, Verdict::kFail, "notification " + std::to_string(i + 1) + " came after pmax",
                   "interval <= " + Num(*ns.pmax_s) + "s + " + Num(ns.tolerance_s) + "s", "intervals " + intervals);
      Observed o;
      AddContentFacts(o, got[i].second.content, !HasErrors(got[i].second.diagnostics));
      if (auto obs = got[i].second.observe) o.facts["observe"] = std::to_string(*obs);
      if (got[i].second.content_format)
        o.facts["content-format"] = std::string(FindContentFormat(*got[i].second.content_format) ? FindContentFormat(*got[i].second.content_format)->name : "?");
      if (got[i].second.out_of_order)
        return Set(ss, Verdict::kFail, "notification " + std::to_string(i + 1) + " is not fresher than the previous one (RFC 7641 §4.4)");
      if (ns.edge) {
        bool want = *ns.edge, seen = false, okv = true;
        for (const auto& r : got[i].second.content.records)
          if (r.value.type() == DataType::kBoolean) seen = true, okv = okv && r.value.ToText() == (want ? "true" : "false");
        if (seen && !okv)
          return Set(ss, Verdict::kFail, "notification " + std::to_string(i + 1) + " breaks the edge attribute",
                     std::string(want ? "rising" : "falling") + " edge values only", "a " + std::string(want ? "false" : "true") + " value");
      }
      if (!RunChecks(ss, ns.checks, o, "notification " + std::to_string(i + 1))) return;
      Capture(st.as, o);
    }
    Set(ss, Verdict::kPass, std::to_string(got.size()) + " notifications, intervals " + intervals);
  }

  void Wait(const Step& st, StepState& ss) {
    Duration bound = Bound(st, Duration(5000));
    if (st.event == "exit") {
      auto start = SteadyClock::now();
      while (iut_ && iut_->Alive() && SteadyClock::now() - start < bound) PumpOnce(Duration(50));
      if (iut_ && iut_->Alive()) return Set(ss, Verdict::kTimeout, "the IUT did not exit within " + Seconds(bound));
      return Set(ss, Verdict::kPass, "the IUT " + (iut_ ? iut_->ExitText() : std::string("exited")));
    }
    if (!server_) return Set(ss, Verdict::kError, "event '" + st.event + "' is a client-IUT event");
    static const std::map<std::string, refserver::ServerEventKind> kinds = {
        {"registered", refserver::ServerEventKind::kRegistered}, {"updated", refserver::ServerEventKind::kUpdated},
        {"deregistered", refserver::ServerEventKind::kDeregistered}, {"expired", refserver::ServerEventKind::kExpired},
        {"notification", refserver::ServerEventKind::kNotification}, {"request", refserver::ServerEventKind::kRequest}};
    auto kind = kinds.at(st.event);
    std::optional<refserver::ServerEvent> ev;
    WaitEnd w = Pump([&] { return (ev = TakeEvent([&](const refserver::ServerEvent& e) { return e.kind == kind; })).has_value(); }, bound);
    if (w != WaitEnd::kOk) return Set(ss, WaitVerdict(w), WaitFailure(w, "'" + st.event + "' event", bound), st.event, "nothing");
    if (!ev->location.empty()) vars_[st.as + ".location"] = ev->location;
    if (!ev->endpoint.empty()) vars_[st.as + ".endpoint"] = ev->endpoint;
    Set(ss, Verdict::kPass, ev->Summary());
  }

  void Action(const Step& st, StepState& ss) {
    if (!iut_) return Set(ss, Verdict::kError, "no IUT instance");
    Vars args;
    for (const auto& [k, v] : st.action_args) args[k] = Expand(v, vars_);
    Duration bound = Bound(st, Duration(10000));
    ActionOutcome a = iut_->Action(st.action, args, bound);
    if (a.unsupported) return Set(ss, Verdict::kUnsupported, "the IUT does not support the action '" + st.action + "'" + (a.detail.empty() ? "" : ": " + a.detail));
    if (!a.ok) return Set(ss, Verdict::kError, "action '" + st.action + "' failed: " + a.detail);
    Set(ss, Verdict::kPass, "action '" + st.action + "' done" + (a.detail.empty() ? "" : ": " + a.detail));
  }

  void WireFault(const Step& st, StepState& ss) {
#ifdef LWM2M_ENGINE_HAVE_WIRE
    if (!relay_) return Set(ss, Verdict::kInconclusive, "no relay in this run (--no-relay): the wire fault cannot be applied");
    if (st.wire.count("clear")) {
      relay_->ClearFaults();
      return Set(ss, Verdict::kPass, "faults cleared");
    }
    wire::Fault f;
    static const std::map<std::string, wire::Fault::Kind> kinds = {
        {"drop", wire::Fault::Kind::kDrop}, {"delay", wire::Fault::Kind::kDelay}, {"duplicate", wire::Fault::Kind::kDuplicate},
        {"reorder", wire::Fault::Kind::kReorder}, {"corrupt", wire::Fault::Kind::kCorrupt}, {"blackhole", wire::Fault::Kind::kBlackhole},
        {"rebind", wire::Fault::Kind::kRebind}};
    std::string kind;
    for (const auto& [k, v] : st.wire)
      if (kinds.count(k)) kind = k;
    if (kind.empty()) return Set(ss, Verdict::kError, "wire step names no fault (drop, delay, duplicate, reorder, corrupt, blackhole, rebind)");
    f.kind = kinds.at(kind);
    const std::string& v = st.wire.at(kind);
    if (kind == "delay") {
      auto d = ParseDuration(v);
      f.delay = d ? Duration(static_cast<int64_t>(d->count() * opt_.time_scale)) : Duration(0);
    } else if (!v.empty() && std::all_of(v.begin(), v.end(), ::isdigit)) {
      f.index = static_cast<uint32_t>(std::stoul(v));
    }
    if (st.wire.count("direction")) {
      const std::string& d = st.wire.at("direction");
      f.direction = d == "to-iut" ? wire::Direction::kToIut : d == "from-iut" ? wire::Direction::kFromIut : wire::Direction::kBoth;
    }
    if (st.wire.count("rate")) f.rate = std::stod(st.wire.at("rate")), f.index.reset();
    f.seed = st.wire.count("seed") ? std::stoull(st.wire.at("seed")) : opt_.seed;
    if (st.wire.count("count")) f.count = static_cast<uint32_t>(std::stoul(st.wire.at("count")));
    relay_->Inject(f);
    Set(ss, Verdict::kPass, "fault injected: " + st.title.substr(5));
#else
    Set(ss, Verdict::kInconclusive, "built without lwm2m_wire: the wire fault '" + st.title + "' cannot be applied");
#endif
  }

  void State(const Step& st, StepState& ss) {
    if (!iut_) return Set(ss, Verdict::kError, "no IUT instance");
    nlohmann::json j = nlohmann::json::parse(Expand(st.state_json, vars_), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Set(ss, Verdict::kError, "state command is not a JSON object");
    nlohmann::json expect = j.contains("expect") ? j["expect"] : nlohmann::json::object();
    j.erase("expect");
    j.erase("within");
    ActionOutcome a = iut_->Control(j, Bound(st, Duration(5000)));
    if (a.unsupported) return Set(ss, Verdict::kUnsupported, "the IUT has no control channel for state checks: " + a.detail);
    if (!a.ok) return Set(ss, Verdict::kError, "control command failed: " + a.detail);
    std::string exp, act;
    for (auto it = expect.begin(); it != expect.end(); ++it) {
      nlohmann::json::json_pointer ptr("/" + [&] { std::string k = it.key(); std::replace(k.begin(), k.end(), '.', '/'); return k; }());
      std::string want = it->is_string() ? it->get<std::string>() : it->dump();
      std::string have = "absent";
      if (a.reply.contains(ptr)) have = a.reply[ptr].is_string() ? a.reply[ptr].get<std::string>() : a.reply[ptr].dump();
      if (have != want) exp += it.key() + " = " + want + "; ", act += it.key() + " = " + have + "; ";
    }
    if (!exp.empty()) return Set(ss, Verdict::kFail, "IUT state differs", exp, act);
    Set(ss, Verdict::kPass, "state: " + a.reply.dump());
  }

  void Raw(const Step& st, StepState& ss) {
    CoapMessage m = CoapMessage::Request(*st.raw_code, Expand(st.raw_uri.empty() ? "/" : st.raw_uri, vars_));
    m.type = st.raw_type == "NON" ? CoapType::kNonConfirmable : CoapType::kConfirmable;
    if (st.reply)
      for (const auto& [num, val] : st.reply->options) AddOptionText(m, num, Expand(val, vars_));
    if (st.send.format) m.SetContentFormat(*st.send.format);
    if (st.send.payload) { std::string p = Expand(*st.send.payload, vars_); m.payload = Bytes(p.begin(), p.end()); }
    if (st.send.payload_hex) {
      auto b = Unhex(*st.send.payload_hex);
      if (!b) return Set(ss, Verdict::kError, "payload-hex is not hex");
      m.payload = *b;
    }
    std::shared_ptr<coap::Session> session;
    if (server_) {
      if (!EnsureEndpoint(ss)) return;
      session = server_->FindByEndpoint(endpoint_)->session;
    } else {
      session = session_;
    }
    if (!session) return Set(ss, Verdict::kError, "no session to the IUT");
    Path req_path;
    if (auto p = Path::Parse(m.UriPath())) req_path = *p;
    SendAndJudge(st, ss, session, m, req_path);
  }

  void SendAndJudge(const Step& st, StepState& ss, const std::shared_ptr<coap::Session>& session, const CoapMessage& m,
                    const Path& req_path) {
    std::optional<coap::Reply> reply;
    auto sent = session->Send(m, [&reply](const coap::Reply& r) { reply = r; });
    if (!sent) return Set(ss, Verdict::kError, "could not send: " + sent.status().message());
    Duration bound = Bound(st, Duration(5000));
    WaitEnd w = Pump([&] { return reply.has_value(); }, bound);
    std::string what = MessageSummary(m);
    if (w != WaitEnd::kOk) {
      if (st.response.none && w == WaitEnd::kTimeout) return Set(ss, Verdict::kPass, "no response, as expected");
      return Set(ss, WaitVerdict(w), WaitFailure(w, "response to " + what, bound), ResponseText(st.response), "no response");
    }
    Observed o;
    if (reply->outcome == coap::Outcome::kReset) {
      o.facts["type"] = "RST";
    } else if (reply->outcome != coap::Outcome::kResponse) {
      if (st.response.none) return Set(ss, Verdict::kPass, "no response, as expected");
      return Set(ss, Verdict::kTimeout, std::string("no response to ") + what + ": " + coap::OutcomeName(reply->outcome) +
                                            (reply->detail.empty() ? "" : " (" + reply->detail + ")"),
                 ResponseText(st.response), coap::OutcomeName(reply->outcome));
    } else {
      o = ObserveResponse(reply->response, req_path);
    }
    Capture(st.as, o);
    JudgeResponse(st, ss, o, what, reply->outcome == coap::Outcome::kResponse ? MessageSummary(reply->response) : "RST");
  }

  // ------------------------------------------------------------------ server IUT (tester = CoAP client)

  Status SetUpServerIut() {
    BaseVars();
    tester_endpoint_ = "harness-" + kase_.id;
    vars_["tester.endpoint"] = tester_endpoint_;
    coap::Address iut_addr;
    if (driver_.info().uri) {
      auto u = coap::ParseUri(*driver_.info().uri);
      if (!u) return u.status();
      iut_addr = u->second;
      vars_["port"] = std::to_string(iut_addr.port);
      vars_["host"] = iut_addr.ip;
    } else {
      uint16_t port = FreeUdpPort();
      if (!port) return InternalError("no free UDP port");
      iut_addr = {"127.0.0.1", port};
      vars_["port"] = std::to_string(port);
      vars_["host"] = "127.0.0.1";
    }
    vars_["server_uri"] = "coap://" + iut_addr.ip + ":" + vars_["port"];
    if (Status ls = LaunchIut(); !ls.ok()) return ls;
    std::string host;
    uint16_t port = 0;
    if (Status rs = StartRelay(iut_addr, true, host, port); !rs.ok()) return rs;
    tester_ = std::make_unique<coap::Context>();
    tester_->SetWireHook([this](const coap::WireEvent& e) { OnWire(e); });
    tester_->SetKeyLog([this](std::string_view l) { OnKeyLog(l); });
    tester_->SetRequestHandler([this](const coap::Peer& p, const CoapMessage& m, coap::Responder& r) { OnIutRequest(p, m, r); });
    auto s = tester_->Connect("coap://" + host + ":" + std::to_string(port));
    if (!s) return Status(s.status().code(), "tester client: " + s.status().message());
    session_ = *s;
    return Status::Ok();
  }

  // A request from the IUT server to the tester client (DM/IR): answered as the step says, else
  // with a small default (2.05 empty Read of known objects is not invented: 4.04).
  void OnIutRequest(const coap::Peer&, const CoapMessage& m, coap::Responder& r) {
    ClassifyOptions co;
    co.direction = Direction::kServerToClient;
    Classification c = Classify(m, co);
    incoming_.push_back({m, c});
    if (expect_ && expect_->reply && !expect_applied_ && c.operation && expect_->expect_op &&
        c.operation->kind == *expect_->expect_op) {
      expect_applied_ = true;
      const Reply& rep = *expect_->reply;
      if (rep.silence) return r.Drop();
      if (rep.reset) return r.Reset();
      CoapMessage resp;
      resp.code = rep.code.value_or(CoapCode::kChanged);
      for (const auto& [num, val] : rep.options) AddOptionText(resp, num, Expand(val, vars_));
      if (rep.content_format) resp.SetContentFormat(*rep.content_format);
      if (rep.payload) { std::string p = Expand(*rep.payload, vars_); resp.payload = Bytes(p.begin(), p.end()); }
      return r.Respond(resp);
    }
    CoapMessage resp;
    resp.code = c.ok() ? CoapCode::kNotFound : static_cast<uint8_t>(c.status.code());
    r.Respond(resp);
  }

  void ExpectRequestServer(const Step& st, StepState& ss) {
    Duration bound = Bound(st, Duration(10000));
    OperationKind op = *st.expect_op;
    expect_ = &st;
    expect_applied_ = false;
    std::optional<std::pair<CoapMessage, Classification>> got;
    auto pred = [&] {
      for (auto it = incoming_.begin(); it != incoming_.end(); ++it)
        if (it->second.operation && it->second.operation->kind == op) {
          got = *it;
          incoming_.erase(it);
          return true;
        }
      return false;
    };
    WaitEnd w = Pump(pred, bound);
    expect_ = nullptr;
    std::string what = std::string(OperationName(op)) + " request from the IUT";
    if (w != WaitEnd::kOk) return Set(ss, WaitVerdict(w), WaitFailure(w, what, bound), std::string(OperationName(op)), "nothing");
    Observed o = ObserveRequest(got->first, got->second);
    Capture(st.as, o);
    if (!RunChecks(ss, st.checks, o, what)) return;
    Set(ss, Verdict::kPass, "received " + MessageSummary(got->first));
  }

  void SendServer(const Step& st, StepState& ss) {
    const SendSpec& s = st.send;
    CoapMessage m;
    std::string loc = vars_.count("register.location") ? vars_["register.location"] : "";
    switch (s.op) {
      case OperationKind::kRegister:
        m = CoapMessage::Request(CoapCode::kPost, "/rd");
        break;
      case OperationKind::kUpdate:
        m = CoapMessage::Request(CoapCode::kPost, Expand(s.path != "/" ? s.path : loc, vars_));
        break;
      case OperationKind::kDeregister:
        m = CoapMessage::Request(CoapCode::kDelete, Expand(s.path != "/" ? s.path : loc, vars_));
        break;
      case OperationKind::kSend:
        m = CoapMessage::Request(CoapCode::kPost, "/dp");
        break;
      case OperationKind::kBootstrapRequest:
        m = CoapMessage::Request(CoapCode::kPost, "/bs");
        break;
      default:
        return Set(ss, Verdict::kError, std::string(OperationName(s.op)) + " is not sent by a client");
    }
    if ((s.op == OperationKind::kUpdate || s.op == OperationKind::kDeregister) && m.UriPath() == "/")
      return Set(ss, Verdict::kFail, "no registration location to address (the Register step did not get one)");
    for (const auto& q : s.query) m.AddQuery(Expand(q, vars_));
    if (s.payload) {
      std::string p = Expand(*s.payload, vars_);
      m.payload = Bytes(p.begin(), p.end());
    } else if (s.op == OperationKind::kRegister) {
      std::string p = "</1/0>,</3/0>";
      m.payload = Bytes(p.begin(), p.end());
    }
    if (s.payload_hex) {
      auto b = Unhex(*s.payload_hex);
      if (!b) return Set(ss, Verdict::kError, "payload-hex is not hex");
      m.payload = *b;
    }
    if (s.format) m.SetContentFormat(*s.format);
    else if (s.op == OperationKind::kRegister || (s.op == OperationKind::kUpdate && !m.payload.empty()))
      m.SetContentFormat(ContentFormat::kLinkFormat);
    if (!s.confirmable) m.type = CoapType::kNonConfirmable;
    if (!session_) return Set(ss, Verdict::kError, "no session to the IUT");
    SendAndJudge(st, ss, session_, m, Path());
  }

  // ------------------------------------------------------------------ the end of a case

  report::CaseResult Finish() {
    if (iut_) {
      if (!iut_->Alive() && result_.reason.empty()) exit_note_ = "the IUT " + iut_->ExitText();
      // Keep answering while the IUT stops: a client that de-registers on SIGTERM gets its 2.02
      // instead of retransmitting until the stop timeout.
      std::atomic<bool> stopped{false};
      std::thread stopper([&] {
        iut_->Stop();
        stopped = true;
      });
      auto until = SteadyClock::now() + std::chrono::seconds(15);
      while (!stopped && SteadyClock::now() < until) PumpOnce(Duration(20));
      stopper.join();
    }
#ifdef LWM2M_ENGINE_HAVE_WIRE
    if (relay_) relay_->Stop();
#endif
    server_.reset();
    session_.reset();
    tester_.reset();
#ifdef LWM2M_ENGINE_HAVE_WIRE
    {
      std::lock_guard<std::mutex> l(mu_);
      if (recorder_) (void)recorder_->Close();
    }
#endif
    if (!result_.steps.empty() || result_.verdict == Verdict::kPass) {
      if (result_.verdict != Verdict::kUnsupported && result_.verdict != Verdict::kError)
        result_.verdict = Runner::Fold(result_.steps);
      for (auto& s : result_.steps)
        if (s.verdict != Verdict::kPass && result_.reason.empty()) {
          result_.reason = s.file + ":" + std::to_string(s.line) + ": step " + std::to_string(s.index) + " (" + s.title + "): " + s.message;
          if (!s.expected.empty()) result_.reason += " — expected " + s.expected + ", actual " + s.actual;
        }
    }
    if (result_.verdict == Verdict::kPass && result_.steps.empty() && kase_.steps.size() > 0 && result_.reason.empty())
      result_.verdict = Verdict::kError, result_.reason = "no step ran";
    // Highlight the message a failing step is about: the last frame in its evidence.
    for (const auto& s : result_.steps)
      if (report::IsFailure(s.verdict) && !s.frames.empty())
        for (auto& m : result_.messages)
          if (m.frame == s.frames.back()) m.highlight = true;
    result_.duration_s = Now();
    result_.wait_s = wait_s_;
    if (!case_dir_.empty()) {
      WriteStepsJson();
      std::string folder = fs::path(case_dir_).filename().string();
      if (!result_.iut_log.empty() && result_.iut_log.find('/') == std::string::npos)
        result_.iut_log = folder + "/" + result_.iut_log;
      result_.steps_json = folder + "/steps.json";
    }
    (void)exit_note_;
    return result_;
  }

  void WriteStepsJson() {
    nlohmann::json j;
    j["case"] = result_.id;
    j["file"] = result_.file;
    j["verdict"] = report::VerdictName(result_.verdict);
    j["reason"] = result_.reason;
    j["steps"] = nlohmann::json::array();
    for (const auto& s : result_.steps)
      j["steps"].push_back({{"index", s.index}, {"title", s.title}, {"file", s.file}, {"line", s.line},
                            {"verdict", report::VerdictName(s.verdict)}, {"message", s.message},
                            {"expected", s.expected}, {"actual", s.actual}, {"frames", s.frames},
                            {"start_s", s.start_s}, {"end_s", s.end_s}});
    j["messages"] = nlohmann::json::array();
    for (const auto& m : result_.messages)
      j["messages"].push_back({{"t_s", m.t_s}, {"from", m.from}, {"to", m.to}, {"summary", m.summary},
                               {"frame", m.frame}, {"highlight", m.highlight}});
    std::string text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    fs::path p = fs::path(case_dir_) / "steps.json", tmp = p;
    tmp += ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary);
      out << text;
    }
    std::error_code ec;
    fs::rename(tmp, p, ec);
  }

  const Case& kase_;
  IutDriver& driver_;
  const RunOptions& opt_;
  std::vector<std::string> faults_;
  report::CaseResult result_;
  std::string case_dir_;
  SteadyClock::time_point t0_;
  Vars vars_;
  std::string endpoint_, tester_endpoint_, exit_note_;
  std::unique_ptr<IutInstance> iut_;
  std::unique_ptr<refserver::Lwm2mServer> server_;
  std::unique_ptr<coap::Context> tester_;
  std::shared_ptr<coap::Session> session_;
  std::deque<refserver::ServerEvent> events_;
  std::deque<std::pair<CoapMessage, Classification>> incoming_;
  std::set<std::pair<std::string, uint16_t>> consumed_, silenced_;
  const Step* expect_ = nullptr;
  bool expect_applied_ = false;
  std::map<std::string, SteadyClock::time_point> observe_time_;
  std::map<std::string, Path> observe_path_;
  double wait_s_ = 0;
  bool setup_failed_ = false;
  std::mutex mu_;
  uint32_t frames_ = 0;
#ifdef LWM2M_ENGINE_HAVE_WIRE
  std::unique_ptr<wire::Recorder> recorder_;
  std::unique_ptr<wire::Relay> relay_;
#endif
};

}  // namespace

std::optional<std::string> IutDriver::Missing(const std::vector<std::string>& required) const {
  const auto& f = info().features;
  for (const auto& r : required) {
    bool ok = false;
    size_t i = 0;
    while (i <= r.size()) {  // "a|b": either
      size_t j = r.find('|', i);
      std::string alt = r.substr(i, j == std::string::npos ? std::string::npos : j - i);
      if (f.count(alt) || f.count("format:" + alt)) ok = true;
      if (j == std::string::npos) break;
      i = j + 1;
    }
    if (!ok) return r;
  }
  return std::nullopt;
}

report::CaseResult Runner::RunCase(const Case& c, const std::vector<std::string>& extra_faults,
                                   const std::string& folder_suffix) {
  CaseRun run(c, driver_, options_, extra_faults, c.id + folder_suffix);
  return run.Run();
}

report::RunResult Runner::RunAll(const std::vector<Case>& cases, const std::vector<report::Listener*>& listeners,
                                 report::RunResult run) {
  auto t0 = SteadyClock::now();
  for (auto* l : listeners) l->OnRunStart(run);
  int jobs = driver_.info().per_case ? std::max(1, options_.jobs) : 1;
  std::vector<std::optional<report::CaseResult>> results(cases.size());
  std::mutex mu;
  std::condition_variable cv;
  size_t next = 0;
  auto worker = [&] {
    while (true) {
      size_t i;
      {
        std::lock_guard<std::mutex> l(mu);
        if (next >= cases.size() || (options_.stop && options_.stop->load())) return;
        i = next++;
      }
      report::CaseResult r = RunCase(cases[i]);
      std::lock_guard<std::mutex> l(mu);
      results[i] = std::move(r);
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (int k = 0; k < jobs; ++k) threads.emplace_back(worker);
  // Listeners are fed in case order from this thread.
  for (size_t i = 0; i < cases.size(); ++i) {
    std::unique_lock<std::mutex> l(mu);
    auto stopped = [&] { return options_.stop && options_.stop->load(); };
    while (!results[i] && !(stopped() && next <= i)) cv.wait_for(l, std::chrono::milliseconds(100));
    if (!results[i]) break;
    report::CaseResult r = *results[i];
    l.unlock();
    if (auto it = options_.expected_failures.find(r.id); it != options_.expected_failures.end()) {
      if (report::IsFailure(r.verdict)) {
        r.expected_failure = true;
        r.expected_failure_reason = it->second;
      } else if (r.verdict == Verdict::kPass) {
        r.stale_expectation = true;
        r.expected_failure_reason = it->second;
      }
    }
    for (auto* li : listeners) li->OnCaseStart(r);
    for (const auto& s : r.steps)
      for (auto* li : listeners) li->OnStep(r, s);
    for (auto* li : listeners) li->OnCaseEnd(r);
    run.cases.push_back(std::move(r));
  }
  for (auto& t : threads) t.join();
  if (options_.stop && options_.stop->load()) {
    run.interrupted = true;
    if (run.interrupt_reason.empty()) run.interrupt_reason = "interrupted (SIGINT/SIGTERM)";
  }
  run.duration_s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  report::ComputeTotals(run);
  return run;
}

}  // namespace lwm2m::engine
