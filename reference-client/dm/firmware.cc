#include "reference-client/dm/firmware.h"

namespace lwm2m::refclient {

std::optional<FirmwareUpdate::Failure> FirmwareUpdate::ParseFailure(std::string_view n) {
  if (n.empty() || n == "none") return Failure::kNone;
  if (n == "out-of-storage") return Failure::kOutOfStorage;
  if (n == "out-of-memory") return Failure::kOutOfMemory;
  if (n == "connection-lost") return Failure::kConnectionLost;
  if (n == "integrity") return Failure::kIntegrity;
  if (n == "unsupported-package") return Failure::kUnsupportedPackage;
  if (n == "invalid-uri") return Failure::kInvalidUri;
  if (n == "update-failed") return Failure::kUpdateFailed;
  if (n == "unsupported-protocol") return Failure::kUnsupportedProtocol;
  return std::nullopt;
}

FirmwareUpdate::FirmwareUpdate(DataModel& dm, uint16_t instance) : dm_(dm), iid_(instance) {
  if (!dm_.Exists(Path{5, iid_})) {
    (void)dm_.CreateInstance(5, iid_);
    (void)dm_.SetValue(Path{5, iid_, 1}, Value::String(""));
    (void)dm_.SetMulti(Path{5, iid_, 8}, {{0, Value::Integer(0)}, {1, Value::Integer(1)}});
    (void)dm_.SetValue(Path{5, iid_, 9}, Value::Integer(2));
  }
  if (!dm_.GetValue(Path{5, iid_, 3})) Set(kIdle, kInitial);
  dm_.SetWriteHook(Path{5, iid_, 0}, [this](const Path&, const Value& v, const Requester&) { return OnPackage(v); });
  dm_.SetWriteHook(Path{5, iid_, 1}, [this](const Path&, const Value& v, const Requester&) { return OnUri(v); });
  dm_.SetExecuteAction(Path{5, iid_, 2}, [this](const Path&, const std::string&, const Requester&) { return OnUpdate(); });
  dm_.SetExecuteAction(Path{5, iid_, 10}, [this](const Path&, const std::string&, const Requester&) { return OnCancel(); });
}

int64_t FirmwareUpdate::state() const {
  auto v = dm_.GetValue(Path{5, iid_, 3});
  return v ? v->AsInteger() : -1;
}

int64_t FirmwareUpdate::result() const {
  auto v = dm_.GetValue(Path{5, iid_, 5});
  return v ? v->AsInteger() : -1;
}

void FirmwareUpdate::Set(int64_t state, int64_t result) {
  // Update Result first: an observer of State then sees a consistent pair.
  (void)dm_.SetValue(Path{5, iid_, 5}, Value::Integer(result));
  (void)dm_.SetValue(Path{5, iid_, 3}, Value::Integer(state));
}

int64_t FirmwareUpdate::Fail(int64_t result) const { return dm_.HasFault("wrong-update-result") ? kInitial : result; }

Status FirmwareUpdate::OnPackage(const Value& v) {
  const Bytes& b = v.AsOpaque();
  // 5.xml: writing an empty Package (or a single '\0') resets the state machine to Idle.
  if (b.empty() || (b.size() == 1 && b[0] == 0)) {
    if (state() == kUpdating) return {StatusCode::kMethodNotAllowed, "/5/0 is Updating"};
    ++generation_;
    package_.clear();
    Set(kIdle, kInitial);
    return Status::Ok();
  }
  if (state() != kIdle)
    return {StatusCode::kMethodNotAllowed, "a Package is written in state Idle only (state is " +
                                               std::to_string(state()) + ")"};
  Set(kDownloading, kInitial);
  if (failure_ == Failure::kConnectionLost) {
    Set(kIdle, Fail(kConnectionLost));
    return Status::Ok();
  }
  Accept(b);
  return Status::Ok();
}

void FirmwareUpdate::Accept(Bytes package) {
  switch (failure_) {
    case Failure::kOutOfStorage: Set(kIdle, Fail(kNotEnoughStorage)); return;
    case Failure::kOutOfMemory: Set(kIdle, Fail(kOutOfMemory)); return;
    case Failure::kIntegrity: Set(kIdle, Fail(kIntegrityFailure)); return;
    case Failure::kUnsupportedPackage: Set(kIdle, Fail(kUnsupportedPackage)); return;
    default: break;
  }
  package_ = std::move(package);
  Set(kDownloaded, kInitial);
}

Status FirmwareUpdate::OnUri(const Value& v) {
  const std::string& uri = v.AsString();
  (void)dm_.SetValue(Path{5, iid_, 1}, Value::String(uri));
  if (uri.empty()) {
    if (state() == kUpdating) return {StatusCode::kMethodNotAllowed, "/5/0 is Updating"};
    ++generation_;
    package_.clear();
    Set(kIdle, kInitial);
    return Status::Ok();
  }
  if (state() != kIdle)
    return {StatusCode::kMethodNotAllowed, "a Package URI is written in state Idle only"};
  auto colon = uri.find("://");
  if (failure_ == Failure::kInvalidUri || colon == std::string::npos || colon == 0 || colon + 3 >= uri.size()) {
    Set(kIdle, Fail(kInvalidUri));
    return Status::Ok();
  }
  std::string scheme = uri.substr(0, colon);
  // Protocol Support /5/0/8 -> schemes: 0 coap, 1 coaps, 2 http, 3 https, 4 coap+tcp, 5 coaps+tcp.
  static const char* kSchemes[] = {"coap", "coaps", "http", "https", "coap+tcp", "coaps+tcp"};
  bool supported = false;
  for (const Record& r : dm_.Read(Path{5, iid_, 8}).records) {
    int64_t p = r.value.AsInteger();
    if (p >= 0 && p <= 5 && scheme == kSchemes[p]) supported = true;
  }
  if (failure_ == Failure::kUnsupportedProtocol || !supported) {
    Set(kIdle, Fail(kUnsupportedProtocol));
    return Status::Ok();
  }
  Set(kDownloading, kInitial);
  uint64_t gen = ++generation_;
  if (downloader_) {
    downloader_(uri, [this, gen](lwm2m::Result<Bytes> r) {
      if (gen == generation_) DownloadFinished(std::move(r));
    });
  }
  return Status::Ok();
}

void FirmwareUpdate::DownloadFinished(lwm2m::Result<Bytes> package) {
  if (state() != kDownloading) return;
  if (!package || failure_ == Failure::kConnectionLost) {
    Set(kIdle, Fail(kConnectionLost));
    return;
  }
  Accept(std::move(*package));
}

Status FirmwareUpdate::OnUpdate() {
  // 5.xml resource 2: Update is only meaningful in state Downloaded; otherwise 4.05.
  if (state() != kDownloaded)
    return {StatusCode::kMethodNotAllowed,
            "Update is executed in state Downloaded (2) only; state is " + std::to_string(state())};
  Set(kUpdating, kInitial);
  if (auto_finish_) FinishUpdate();
  return Status::Ok();
}

void FirmwareUpdate::FinishUpdate() {
  if (state() != kUpdating) return;
  switch (failure_) {
    // 5.xml state diagram: a failed update returns to Downloaded with the result set.
    case Failure::kUpdateFailed: Set(kDownloaded, Fail(kUpdateFailed)); return;
    case Failure::kOutOfStorage: Set(kDownloaded, Fail(kNotEnoughStorage)); return;
    case Failure::kOutOfMemory: Set(kDownloaded, Fail(kOutOfMemory)); return;
    default: break;
  }
  ++updates_;
  package_.clear();
  (void)dm_.SetValue(Path{5, iid_, 1}, Value::String(""));
  Set(kIdle, kSuccess);
}

Status FirmwareUpdate::OnCancel() {
  // 5.xml resource 10 (Cancel): 4.05 while Updating; otherwise back to Idle with result 10.
  if (state() == kUpdating) return {StatusCode::kMethodNotAllowed, "Cancel while Updating"};
  if (state() == kIdle) return Status::Ok();
  ++generation_;
  package_.clear();
  Set(kIdle, kCancelled);
  return Status::Ok();
}

}  // namespace lwm2m::refclient
