// firmware.h: the Firmware Update Object /5 (OMA 5.xml v1.1: State 0 Idle, 1 Downloading,
// 2 Downloaded, 3 Updating; Update Result 0..11) as a pure state machine on a DataModel: push
// (Package /5/0/0 written whole; CoAP block-wise assembly is coap/'s) and pull (Package URI /5/0/1
// -> a Downloader the network side provides), Update /5/0/2 only from Downloaded, Cancel /5/0/10.
// Every failure Update Result is reachable through a failure switch.
//   FirmwareUpdate fw(dm);                         // attaches to /5/0 (created when absent)
//   fw.SetFailure(FirmwareUpdate::Failure::kIntegrity);
//   dm.Handle(Operation::Write(Path{5,0,0}, WriteMode::kReplace, ContentFormat::kOpaque, pkg).ToCoap(), who);
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "reference-client/dm/data_model.h"

namespace lwm2m::refclient {

class FirmwareUpdate {
 public:
  enum State : int64_t { kIdle = 0, kDownloading = 1, kDownloaded = 2, kUpdating = 3 };
  // Update Result values (5.xml v1.1 resource 5).
  enum UpdateResult : int64_t {
    kInitial = 0, kSuccess = 1, kNotEnoughStorage = 2, kOutOfMemory = 3, kConnectionLost = 4, kIntegrityFailure = 5,
    kUnsupportedPackage = 6, kInvalidUri = 7, kUpdateFailed = 8, kUnsupportedProtocol = 9, kCancelled = 10,
    kDeferred = 11,
  };
  // Failure switches: which failure the next download/update runs into.
  enum class Failure : uint8_t {
    kNone, kOutOfStorage, kOutOfMemory, kConnectionLost, kIntegrity, kUnsupportedPackage, kInvalidUri,
    kUpdateFailed, kUnsupportedProtocol,
  };
  // "out-of-storage", "out-of-memory", "connection-lost", "integrity", "unsupported-package",
  // "invalid-uri", "update-failed", "unsupported-protocol", "" / "none".
  static std::optional<Failure> ParseFailure(std::string_view name);

  // Pull: fetch `uri`; call `done` (now or later) with the package or an error. Without a
  // downloader, the state stays Downloading until DownloadFinished() is called.
  using Downloader = std::function<void(const std::string& uri, std::function<void(lwm2m::Result<Bytes>)> done)>;

  explicit FirmwareUpdate(DataModel& dm, uint16_t instance = 0);
  void SetFailure(Failure f) { failure_ = f; }
  void SetDownloader(Downloader d) { downloader_ = std::move(d); }
  // false: Update stays in Updating until FinishUpdate() (e.g. the network side "reboots" first).
  void SetAutoFinish(bool on) { auto_finish_ = on; }
  // The URI schemes accepted for pull (Protocol Support /5/0/8: 0 CoAP, 1 CoAPS, 2 HTTP, 3 HTTPS,
  // 4 CoAP/TCP, 5 CoAP/TLS); from /5/0/8 at construction.
  void DownloadFinished(lwm2m::Result<Bytes> package);
  void FinishUpdate();  // Updating -> Idle with Success, or the update-failed switch

  int64_t state() const;
  int64_t result() const;
  const Bytes& package() const { return package_; }
  int updates_applied() const { return updates_; }

 private:
  Status OnPackage(const Value& v);
  Status OnUri(const Value& v);
  Status OnUpdate();
  Status OnCancel();
  void Accept(Bytes package);
  void Set(int64_t state, int64_t result);
  int64_t Fail(int64_t result) const;  // "wrong-update-result" reports 0

  DataModel& dm_;
  uint16_t iid_;
  Failure failure_ = Failure::kNone;
  Downloader downloader_;
  bool auto_finish_ = true;
  Bytes package_;
  int updates_ = 0;
  uint64_t generation_ = 0;  // a download finishing after Cancel/reset is ignored
};

}  // namespace lwm2m::refclient
