// Firmware Update /5 state machine driven by real Write/Execute requests: push, pull, Update
// only from Downloaded, Cancel, every failure Update Result and the "wrong-update-result" fault.
#include "reference-client/dm/firmware.h"

#include <gtest/gtest.h>

#include "reference-client/dm/test_support.h"

namespace lwm2m::refclient {
namespace {

using namespace test;

class FirmwareTest : public ::testing::Test, public DmFixture {
 protected:
  FirmwareTest() : fw(dm) {}
  CoapMessage Push(Bytes pkg) {
    return Do(Operation::Write(P("/5/0/0"), WriteMode::kReplace, ContentFormat::kOpaque, std::move(pkg)));
  }
  CoapMessage Pull(std::string uri) {
    return Do(Operation::Write(P("/5/0/1"), WriteMode::kReplace, ContentFormat::kTextPlain,
                               Bytes(uri.begin(), uri.end())));
  }
  CoapMessage Update() { return Do(Operation::Execute(P("/5/0/2"))); }
  int64_t ReadInt(std::string_view path) {
    auto r = Do(Operation::Read(P(path)));
    EXPECT_EQ(CodeOf(r), "2.05");
    return std::stoll(Text(r));
  }
  FirmwareUpdate fw;
};

TEST_F(FirmwareTest, PushThenUpdateSucceeds) {
  EXPECT_EQ(ReadInt("/5/0/3"), 0);
  EXPECT_EQ(CodeOf(Push({1, 2, 3, 4})), "2.04");
  EXPECT_EQ(ReadInt("/5/0/3"), FirmwareUpdate::kDownloaded);
  EXPECT_EQ(fw.package(), (Bytes{1, 2, 3, 4}));
  EXPECT_EQ(CodeOf(Update()), "2.04");
  EXPECT_EQ(ReadInt("/5/0/3"), FirmwareUpdate::kIdle);
  EXPECT_EQ(ReadInt("/5/0/5"), FirmwareUpdate::kSuccess);
  EXPECT_EQ(fw.updates_applied(), 1);
}

TEST_F(FirmwareTest, UpdateOutsideDownloadedIs405) {
  EXPECT_EQ(CodeOf(Update()), "4.05");
  fw.SetAutoFinish(false);
  Push({9});
  EXPECT_EQ(CodeOf(Update()), "2.04");
  EXPECT_EQ(fw.state(), FirmwareUpdate::kUpdating);
  EXPECT_EQ(CodeOf(Update()), "4.05");
  EXPECT_EQ(CodeOf(Do(Operation::Execute(P("/5/0/10")))), "4.05");  // Cancel while Updating
  fw.FinishUpdate();
  EXPECT_EQ(fw.state(), FirmwareUpdate::kIdle);
  EXPECT_EQ(fw.result(), FirmwareUpdate::kSuccess);
}

TEST_F(FirmwareTest, EmptyPackageResetsToIdle) {
  Push({1});
  EXPECT_EQ(fw.state(), FirmwareUpdate::kDownloaded);
  EXPECT_EQ(CodeOf(Push({0})), "2.04");
  EXPECT_EQ(fw.state(), FirmwareUpdate::kIdle);
  EXPECT_EQ(fw.result(), FirmwareUpdate::kInitial);
  EXPECT_EQ(CodeOf(Push({5})), "2.04");
  EXPECT_EQ(CodeOf(Push({6})), "4.05");  // a second package while Downloaded
}

TEST_F(FirmwareTest, PullUsesTheDownloader) {
  std::string asked;
  std::function<void(lwm2m::Result<Bytes>)> finish;
  fw.SetDownloader([&](const std::string& uri, std::function<void(lwm2m::Result<Bytes>)> done) {
    asked = uri;
    finish = std::move(done);
  });
  EXPECT_EQ(CodeOf(Pull("coap://127.0.0.1:5683/fw.bin")), "2.04");
  EXPECT_EQ(asked, "coap://127.0.0.1:5683/fw.bin");
  EXPECT_EQ(fw.state(), FirmwareUpdate::kDownloading);
  auto uri = Do(Operation::Read(P("/5/0/1")));
  EXPECT_EQ(Text(uri), "coap://127.0.0.1:5683/fw.bin");
  finish(Bytes{7, 7});
  EXPECT_EQ(fw.state(), FirmwareUpdate::kDownloaded);
  EXPECT_EQ(CodeOf(Update()), "2.04");
  EXPECT_EQ(fw.result(), FirmwareUpdate::kSuccess);
}

TEST_F(FirmwareTest, PullConnectionLostAndCancel) {
  std::function<void(lwm2m::Result<Bytes>)> finish;
  fw.SetDownloader([&](const std::string&, std::function<void(lwm2m::Result<Bytes>)> done) { finish = done; });
  Pull("coaps://example.org/fw");
  finish(Status{StatusCode::kNotFound, "gone"});
  EXPECT_EQ(fw.state(), FirmwareUpdate::kIdle);
  EXPECT_EQ(fw.result(), FirmwareUpdate::kConnectionLost);
  Pull("");  // reset
  Pull("coap://example.org/fw");
  EXPECT_EQ(CodeOf(Do(Operation::Execute(P("/5/0/10")))), "2.04");
  EXPECT_EQ(fw.state(), FirmwareUpdate::kIdle);
  EXPECT_EQ(fw.result(), FirmwareUpdate::kCancelled);
  finish(Bytes{1});  // a late download after Cancel is ignored
  EXPECT_EQ(fw.state(), FirmwareUpdate::kIdle);
}

TEST_F(FirmwareTest, UnsupportedSchemeAndInvalidUri) {
  EXPECT_EQ(CodeOf(Pull("https://example.org/fw")), "2.04");  // /5/0/8 lists CoAP and CoAPS only
  EXPECT_EQ(fw.result(), FirmwareUpdate::kUnsupportedProtocol);
  Pull("");
  Pull("not a uri");
  EXPECT_EQ(fw.result(), FirmwareUpdate::kInvalidUri);
  EXPECT_EQ(fw.state(), FirmwareUpdate::kIdle);
}

struct FailureCase {
  const char* name;
  bool pull;
  int64_t result;
  int64_t state;
};

class FirmwareFailureTest : public FirmwareTest, public ::testing::WithParamInterface<FailureCase> {};

TEST_P(FirmwareFailureTest, EachFailureSwitchGivesItsUpdateResult) {
  const FailureCase& c = GetParam();
  auto f = FirmwareUpdate::ParseFailure(c.name);
  ASSERT_TRUE(f.has_value());
  fw.SetFailure(*f);
  fw.SetDownloader([](const std::string&, std::function<void(lwm2m::Result<Bytes>)> done) { done(Bytes{1, 2}); });
  if (c.pull)
    EXPECT_EQ(CodeOf(Pull("coap://example.org/fw")), "2.04");
  else
    EXPECT_EQ(CodeOf(Push({1, 2})), "2.04");
  if (fw.state() == FirmwareUpdate::kDownloaded) EXPECT_EQ(CodeOf(Update()), "2.04");
  EXPECT_EQ(fw.result(), c.result) << c.name;
  EXPECT_EQ(fw.state(), c.state) << c.name;
  // The fault reports 0 where the failure result is due.
  DmFixture wrong({.faults = {"wrong-update-result"}});
  FirmwareUpdate fw2(wrong.dm);
  fw2.SetFailure(*f);
  fw2.SetDownloader([](const std::string&, std::function<void(lwm2m::Result<Bytes>)> done) { done(Bytes{1}); });
  if (c.pull) {
    std::string uri = "coap://example.org/fw";
    wrong.Do(Operation::Write(P("/5/0/1"), WriteMode::kReplace, ContentFormat::kTextPlain, Bytes(uri.begin(), uri.end())));
  } else {
    wrong.Do(Operation::Write(P("/5/0/0"), WriteMode::kReplace, ContentFormat::kOpaque, Bytes{1}));
  }
  if (fw2.state() == FirmwareUpdate::kDownloaded) wrong.Do(Operation::Execute(P("/5/0/2")));
  EXPECT_EQ(fw2.result(), 0) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Switches, FirmwareFailureTest,
    ::testing::Values(FailureCase{"out-of-storage", false, FirmwareUpdate::kNotEnoughStorage, FirmwareUpdate::kIdle},
                      FailureCase{"out-of-memory", true, FirmwareUpdate::kOutOfMemory, FirmwareUpdate::kIdle},
                      FailureCase{"connection-lost", true, FirmwareUpdate::kConnectionLost, FirmwareUpdate::kIdle},
                      FailureCase{"integrity", false, FirmwareUpdate::kIntegrityFailure, FirmwareUpdate::kIdle},
                      FailureCase{"unsupported-package", false, FirmwareUpdate::kUnsupportedPackage,
                                  FirmwareUpdate::kIdle},
                      FailureCase{"invalid-uri", true, FirmwareUpdate::kInvalidUri, FirmwareUpdate::kIdle},
                      FailureCase{"update-failed", false, FirmwareUpdate::kUpdateFailed, FirmwareUpdate::kDownloaded},
                      FailureCase{"unsupported-protocol", true, FirmwareUpdate::kUnsupportedProtocol,
                                  FirmwareUpdate::kIdle}),
    [](const auto& info) {
      std::string n = info.param.name;
      std::replace(n.begin(), n.end(), '-', '_');
      return n;
    });

TEST_F(FirmwareTest, StateChangesAreObservable) {
  const auto t0 = Clock::time_point() + std::chrono::hours(1);
  ASSERT_TRUE(dm.observations().Start({101, "f"}, {P("/5/0/3")}, {}, ContentFormat::kTextPlain, t0).ok());
  Push({1});
  auto d = dm.observations().Poll(t0 + std::chrono::seconds(1));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(Text(d[0].payload_message), "2");
}

TEST(FirmwareParse, UnknownFailureName) { EXPECT_FALSE(FirmwareUpdate::ParseFailure("explode").has_value()); }

}  // namespace
}  // namespace lwm2m::refclient
