// process_driver.cc: IUTs launched from their IUT file (see process_driver.h).
#include "harness/engine/process_driver.h"

#include <filesystem>

#include "harness/iut/iut.h"

namespace lwm2m::engine {
namespace {

class ProcessInstance : public IutInstance {
 public:
  ProcessInstance(const iut::IutDescription& d, iut::Variables vars, std::unique_ptr<iut::IutProcess> p,
                  std::string log)
      : desc_(d), vars_(std::move(vars)), proc_(std::move(p)), log_(std::move(log)) {}
  ~ProcessInstance() override { Stop(); }

  Status WaitReady(Duration timeout) override {
    if (!proc_) return Status::Ok();
    Duration t = desc_.launch ? std::max(desc_.launch->ready_timeout, timeout) : timeout;
    if (proc_->WaitReady(t)) return Status::Ok();
    if (!proc_->running()) return InternalError("it " + ExitText() + " before it was ready (see iut.log)");
    return InternalError("no line matching the ready pattern within " + std::to_string(t.count()) + " ms");
  }
  bool Alive() override { return !proc_ || proc_->running(); }
  std::string ExitText() override {
    if (!proc_) return "is not a process";
    auto s = proc_->exit_status();
    if (!s) return "is running";
    if (*s > 128) return "was killed by signal " + std::to_string(*s - 128);
    return "exited with status " + std::to_string(*s);
  }
  ActionOutcome Action(const std::string& name, const Vars& args, Duration timeout) override {
    nlohmann::json a = nlohmann::json::object();
    for (const auto& [k, v] : args) a[k] = v;
    auto r = iut::RunAction(desc_, name, vars_, a, timeout, proc_.get());
    ActionOutcome o;
    if (!r) {
      o.detail = r.status().message();
      return o;
    }
    o.unsupported = r->unsupported;
    o.ok = r->ok;
    o.detail = r->output.substr(0, 500);
    o.reply = r->reply;
    return o;
  }
  ActionOutcome Control(const nlohmann::json& command, Duration timeout) override {
    ActionOutcome o;
    if (!proc_ || !desc_.HasControlChannel()) {
      o.unsupported = true;
      o.detail = "the IUT file declares no control channel";
      return o;
    }
    auto r = proc_->Control(command, timeout);
    if (!r) {
      o.detail = r.status().message();
      return o;
    }
    o.reply = *r;
    o.ok = !r->contains("ok") || (*r)["ok"] == true;
    if (!o.ok && r->contains("error") && (*r)["error"].is_string()) {
      o.detail = (*r)["error"].get<std::string>();
      if (o.detail.rfind("unsupported", 0) == 0) o.unsupported = true;
    }
    return o;
  }
  void Stop() override {
    if (proc_) proc_->Stop();
  }
  std::string log_file() const override { return log_; }

 private:
  const iut::IutDescription& desc_;
  iut::Variables vars_;
  std::unique_ptr<iut::IutProcess> proc_;
  std::string log_;
};

class ProcessDriver : public IutDriver {
 public:
  ProcessDriver(iut::IutDescription d, ProcessDriverOptions o) : desc_(std::move(d)), opt_(std::move(o)) {
    info_ = InfoFromDescription(desc_);
  }
  const IutInfo& info() const override { return info_; }
  std::optional<std::string> Missing(const std::vector<std::string>& required) const override {
    return desc_.Missing(required);
  }
  Result<std::unique_ptr<IutInstance>> Launch(const Vars& vars, const std::string& case_dir,
                                              const std::vector<std::string>& faults) override {
    iut::VariableInputs in;
    auto get = [&](const char* k) { auto it = vars.find(k); return it == vars.end() ? std::string() : it->second; };
    in.server_uri = get("server_uri");
    in.bootstrap_uri = get("bootstrap_uri");
    in.endpoint = get("endpoint");
    in.psk_identity = get("psk_identity");
    in.psk_key_hex = get("psk_key_hex");
    in.host = get("host").empty() ? "127.0.0.1" : get("host");
    in.port = get("port").empty() ? 0 : std::stoi(get("port"));
    in.build_dir = opt_.build_dir;
    in.source_dir = opt_.source_dir;
    in.case_dir = get("case_dir");
    in.time_scale = get("time_scale").empty() ? 1.0 : std::stod(get("time_scale"));
    in.faults = faults;
    iut::Variables v = iut::MakeVariables(desc_, in);
    for (const auto& [k, val] : vars)
      if (!v.count(k)) v[k] = val;
    if (!desc_.launch) {
      // An IUT reached at a fixed address: nothing to start.
      return std::unique_ptr<IutInstance>(new ProcessInstance(desc_, v, nullptr, ""));
    }
    std::string log = case_dir.empty() ? "" : (std::filesystem::path(case_dir) / "iut.log").string();
    auto p = iut::IutProcess::Start(*desc_.launch, v, log);
    if (!p) return Status(p.status().code(), "could not launch the IUT: " + p.status().message());
    return std::unique_ptr<IutInstance>(new ProcessInstance(desc_, v, std::move(*p), log.empty() ? "" : "iut.log"));
  }

 private:
  iut::IutDescription desc_;
  ProcessDriverOptions opt_;
  IutInfo info_;
};

}  // namespace

IutInfo InfoFromDescription(const iut::IutDescription& d) {
  IutInfo i;
  i.name = d.name;
  i.file = d.file;
  i.role = d.role == iut::Role::kClient ? IutRole::kClient
           : d.role == iut::Role::kServer ? IutRole::kServer
                                          : IutRole::kBootstrapServer;
  i.features = d.Features();
  if (!d.endpoint.empty()) i.endpoint = d.endpoint;
  i.psk_identity = d.psk_identity;
  i.psk_key_hex = d.psk_key_hex;
  i.per_case = !d.launch || d.launch->per_case;
  i.uri = d.uri;
  return i;
}

std::unique_ptr<IutDriver> MakeProcessDriver(iut::IutDescription description, ProcessDriverOptions options) {
  return std::make_unique<ProcessDriver>(std::move(description), std::move(options));
}

}  // namespace lwm2m::engine
