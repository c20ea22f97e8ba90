// software.h: the Software Management Object /9 (OMA 9.xml v1.1) as a pure state machine on a
// DataModel: Update State 0 INITIAL, 1 DOWNLOAD STARTED, 2 DOWNLOADED, 3 DELIVERED, 4 INSTALLED;
// Update Result 0 initial, 1 downloading, 2 installed, 3 downloaded and verified, 50..59 failures;
// Install (4) only when DELIVERED, Uninstall (6, argument 0 or 1 "ForUpdate"), Activate (10) and
// Deactivate (11) only when INSTALLED (else 4.05). Each failure is reachable by a switch.
//   SoftwareManagement sw(dm);                  // attaches to /9/0 (created when absent)
//   sw.SetFailure(SoftwareManagement::Failure::kInstallFailed);
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "reference-client/dm/data_model.h"

namespace lwm2m::refclient {

class SoftwareManagement {
 public:
  enum State : int64_t { kInitial = 0, kDownloadStarted = 1, kDownloaded = 2, kDelivered = 3, kInstalled = 4 };
  enum UpdateResult : int64_t {
    kResultInitial = 0, kDownloading = 1, kInstalledOk = 2, kDownloadedVerified = 3, kNotEnoughStorage = 50,
    kOutOfMemory = 51, kConnectionLost = 52, kIntegrityFailure = 53, kUnsupportedPackage = 54, kInvalidUri = 56,
    kDeviceError = 57, kInstallFailed = 58, kUninstallFailed = 59,
  };
  enum class Failure : uint8_t {
    kNone, kOutOfStorage, kOutOfMemory, kConnectionLost, kIntegrity, kUnsupportedPackage, kInvalidUri,
    kDeviceError, kInstallFailed, kUninstallFailed,
  };
  // "out-of-storage", "out-of-memory", "connection-lost", "integrity", "unsupported-package",
  // "invalid-uri", "device-error", "install-failed", "uninstall-failed", "" / "none".
  static std::optional<Failure> ParseFailure(std::string_view name);
  using Downloader = std::function<void(const std::string& uri, std::function<void(lwm2m::Result<Bytes>)> done)>;

  explicit SoftwareManagement(DataModel& dm, uint16_t instance = 0);
  void SetFailure(Failure f) { failure_ = f; }
  void SetDownloader(Downloader d) { downloader_ = std::move(d); }
  void DownloadFinished(lwm2m::Result<Bytes> package);

  int64_t state() const;
  int64_t result() const;
  bool active() const;

 private:
  Status OnPackage(const Value& v);
  Status OnUri(const Value& v);
  Status OnInstall();
  Status OnUninstall(const std::string& args);
  Status OnActivate(bool on);
  void Deliver(Bytes package);
  void Set(int64_t state, int64_t result);
  int64_t Fail(int64_t result) const;

  DataModel& dm_;
  uint16_t iid_;
  Failure failure_ = Failure::kNone;
  Downloader downloader_;
  Bytes package_;
  uint64_t generation_ = 0;
};

}  // namespace lwm2m::refclient
