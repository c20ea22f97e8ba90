#include "reference-client/dm/software.h"

#include "lwm2m/operation.h"

namespace lwm2m::refclient {

std::optional<SoftwareManagement::Failure> SoftwareManagement::ParseFailure(std::string_view n) {
  if (n.empty() || n == "none") return Failure::kNone;
  if (n == "out-of-storage") return Failure::kOutOfStorage;
  if (n == "out-of-memory") return Failure::kOutOfMemory;
  if (n == "connection-lost") return Failure::kConnectionLost;
  if (n == "integrity") return Failure::kIntegrity;
  if (n == "unsupported-package") return Failure::kUnsupportedPackage;
  if (n == "invalid-uri") return Failure::kInvalidUri;
  if (n == "device-error") return Failure::kDeviceError;
  if (n == "install-failed") return Failure::kInstallFailed;
  if (n == "uninstall-failed") return Failure::kUninstallFailed;
  return std::nullopt;
}

SoftwareManagement::SoftwareManagement(DataModel& dm, uint16_t instance) : dm_(dm), iid_(instance) {
  if (!dm_.Exists(Path{9, iid_})) {
    (void)dm_.CreateInstance(9, iid_);
    (void)dm_.SetValue(Path{9, iid_, 0}, Value::String(""));
    (void)dm_.SetValue(Path{9, iid_, 1}, Value::String(""));
    (void)dm_.SetValue(Path{9, iid_, 12}, Value::Boolean(false));
    (void)dm_.SetValue(Path{9, iid_, 21}, Value::UnsignedInteger(0));
  }
  if (!dm_.GetValue(Path{9, iid_, 7})) Set(kInitial, kResultInitial);
  dm_.SetWriteHook(Path{9, iid_, 2}, [this](const Path&, const Value& v, const Requester&) { return OnPackage(v); });
  dm_.SetWriteHook(Path{9, iid_, 3}, [this](const Path&, const Value& v, const Requester&) { return OnUri(v); });
  dm_.SetExecuteAction(Path{9, iid_, 4}, [this](const Path&, const std::string&, const Requester&) { return OnInstall(); });
  dm_.SetExecuteAction(Path{9, iid_, 6},
                       [this](const Path&, const std::string& a, const Requester&) { return OnUninstall(a); });
  dm_.SetExecuteAction(Path{9, iid_, 10},
                       [this](const Path&, const std::string&, const Requester&) { return OnActivate(true); });
  dm_.SetExecuteAction(Path{9, iid_, 11},
                       [this](const Path&, const std::string&, const Requester&) { return OnActivate(false); });
}

int64_t SoftwareManagement::state() const {
  auto v = dm_.GetValue(Path{9, iid_, 7});
  return v ? v->AsInteger() : -1;
}
int64_t SoftwareManagement::result() const {
  auto v = dm_.GetValue(Path{9, iid_, 9});
  return v ? v->AsInteger() : -1;
}
bool SoftwareManagement::active() const {
  auto v = dm_.GetValue(Path{9, iid_, 12});
  return v && v->AsBoolean();
}

void SoftwareManagement::Set(int64_t state, int64_t result) {
  (void)dm_.SetValue(Path{9, iid_, 9}, Value::Integer(result));
  (void)dm_.SetValue(Path{9, iid_, 7}, Value::Integer(state));
}

int64_t SoftwareManagement::Fail(int64_t r) const { return dm_.HasFault("wrong-update-result") ? kResultInitial : r; }

Status SoftwareManagement::OnPackage(const Value& v) {
  if (state() != kInitial)
    return {StatusCode::kMethodNotAllowed, "a Package is delivered in state INITIAL only (9.xml)"};
  Set(kDownloadStarted, kDownloading);
  if (failure_ == Failure::kConnectionLost) {
    Set(kInitial, Fail(kConnectionLost));
    return Status::Ok();
  }
  Deliver(v.AsOpaque());
  return Status::Ok();
}

void SoftwareManagement::Deliver(Bytes package) {
  switch (failure_) {
    case Failure::kOutOfStorage: Set(kInitial, Fail(kNotEnoughStorage)); return;
    case Failure::kOutOfMemory: Set(kInitial, Fail(kOutOfMemory)); return;
    case Failure::kIntegrity: Set(kInitial, Fail(kIntegrityFailure)); return;
    case Failure::kUnsupportedPackage: Set(kInitial, Fail(kUnsupportedPackage)); return;
    case Failure::kDeviceError: Set(kInitial, Fail(kDeviceError)); return;
    default: break;
  }
  package_ = std::move(package);
  // 9.xml: DOWNLOADED once the package is in, DELIVERED once its integrity is verified.
  Set(kDownloaded, kDownloading);
  Set(kDelivered, kDownloadedVerified);
}

Status SoftwareManagement::OnUri(const Value& v) {
  const std::string& uri = v.AsString();
  if (state() != kInitial)
    return {StatusCode::kMethodNotAllowed, "a Package URI is written in state INITIAL only (9.xml)"};
  auto colon = uri.find("://");
  if (failure_ == Failure::kInvalidUri || colon == std::string::npos || colon == 0) {
    Set(kInitial, Fail(kInvalidUri));
    return Status::Ok();
  }
  Set(kDownloadStarted, kDownloading);
  uint64_t gen = ++generation_;
  if (downloader_)
    downloader_(uri, [this, gen](lwm2m::Result<Bytes> r) {
      if (gen == generation_) DownloadFinished(std::move(r));
    });
  return Status::Ok();
}

void SoftwareManagement::DownloadFinished(lwm2m::Result<Bytes> package) {
  if (state() != kDownloadStarted) return;
  if (!package || failure_ == Failure::kConnectionLost) {
    Set(kInitial, Fail(kConnectionLost));
    return;
  }
  Deliver(std::move(*package));
}

Status SoftwareManagement::OnInstall() {
  if (state() != kDelivered)
    return {StatusCode::kMethodNotAllowed, "Install needs Update State DELIVERED (3); it is " + std::to_string(state())};
  if (failure_ == Failure::kInstallFailed) {
    Set(kDelivered, Fail(kInstallFailed));
    return Status::Ok();
  }
  (void)dm_.SetValue(Path{9, iid_, 12}, Value::Boolean(false));
  Set(kInstalled, kInstalledOk);
  return Status::Ok();
}

Status SoftwareManagement::OnUninstall(const std::string& args) {
  auto parsed = ParseExecuteArguments(args);
  if (!parsed) return BadRequest("Uninstall arguments: " + parsed.status().message());
  bool for_update = false;
  for (const ExecuteArgument& a : *parsed) {
    if (a.digit == 1 || (a.digit == 0 && a.value == "1")) for_update = true;
  }
  if (state() != kInstalled && state() != kDelivered)
    return {StatusCode::kMethodNotAllowed, "nothing to uninstall (Update State " + std::to_string(state()) + ")"};
  if (failure_ == Failure::kUninstallFailed) {
    (void)dm_.SetValue(Path{9, iid_, 9}, Value::Integer(Fail(kUninstallFailed)));
    return Status::Ok();
  }
  (void)dm_.SetValue(Path{9, iid_, 12}, Value::Boolean(false));
  package_.clear();
  // 9.xml resource 6: "ForUpdate" (argument 1) prepares for a new package and keeps the names.
  if (!for_update) {
    (void)dm_.SetValue(Path{9, iid_, 0}, Value::String(""));
    (void)dm_.SetValue(Path{9, iid_, 1}, Value::String(""));
  }
  Set(kInitial, kResultInitial);
  return Status::Ok();
}

Status SoftwareManagement::OnActivate(bool on) {
  if (state() != kInstalled)
    return {StatusCode::kMethodNotAllowed, std::string(on ? "Activate" : "Deactivate") +
                                               " needs Update State INSTALLED (4)"};
  (void)dm_.SetValue(Path{9, iid_, 12}, Value::Boolean(on));
  return Status::Ok();
}

}  // namespace lwm2m::refclient
