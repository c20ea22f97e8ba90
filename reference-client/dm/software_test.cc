// Software Management /9 state machine: deliver (push/pull), install, activate/deactivate,
// uninstall (with ForUpdate), 4.05 outside the allowed states, and each failure result.
#include "reference-client/dm/software.h"

#include <gtest/gtest.h>

#include "reference-client/dm/test_support.h"

namespace lwm2m::refclient {
namespace {

using namespace test;

class SoftwareTest : public ::testing::Test, public DmFixture {
 protected:
  SoftwareTest() : sw(dm) {}
  CoapMessage Push(Bytes pkg) {
    return Do(Operation::Write(P("/9/0/2"), WriteMode::kReplace, ContentFormat::kOpaque, std::move(pkg)));
  }
  CoapMessage Exec(std::string_view p, std::vector<ExecuteArgument> args = {}) {
    return Do(Operation::Execute(P(p), std::move(args)));
  }
  SoftwareManagement sw;
};

TEST_F(SoftwareTest, DeliverInstallActivateUninstall) {
  EXPECT_EQ(sw.state(), SoftwareManagement::kInitial);
  EXPECT_EQ(CodeOf(Push({1, 2})), "2.04");
  EXPECT_EQ(sw.state(), SoftwareManagement::kDelivered);
  EXPECT_EQ(sw.result(), SoftwareManagement::kDownloadedVerified);
  EXPECT_EQ(CodeOf(Exec("/9/0/10")), "4.05");  // Activate before install
  EXPECT_EQ(CodeOf(Exec("/9/0/4")), "2.04");
  EXPECT_EQ(sw.state(), SoftwareManagement::kInstalled);
  EXPECT_EQ(sw.result(), SoftwareManagement::kInstalledOk);
  EXPECT_FALSE(sw.active());
  EXPECT_EQ(CodeOf(Exec("/9/0/10")), "2.04");
  EXPECT_TRUE(sw.active());
  auto r = Do(Operation::Read(P("/9/0/12")));
  EXPECT_EQ(Text(r), "1");
  EXPECT_EQ(CodeOf(Exec("/9/0/11")), "2.04");
  EXPECT_FALSE(sw.active());
  EXPECT_EQ(CodeOf(Exec("/9/0/4")), "4.05");  // already installed
  EXPECT_EQ(CodeOf(Exec("/9/0/6")), "2.04");
  EXPECT_EQ(sw.state(), SoftwareManagement::kInitial);
  EXPECT_EQ(CodeOf(Exec("/9/0/6")), "4.05");  // nothing to uninstall
}

TEST_F(SoftwareTest, UninstallForUpdateKeepsNames) {
  dm.SetValue(P("/9/0/0"), Value::String("app"));
  Push({1});
  Exec("/9/0/4");
  EXPECT_EQ(CodeOf(Exec("/9/0/6", {{1, std::nullopt}})), "2.04");
  EXPECT_EQ(dm.GetValue(P("/9/0/0"))->AsString(), "app");
  EXPECT_EQ(sw.state(), SoftwareManagement::kInitial);
}

TEST_F(SoftwareTest, PullWithDownloader) {
  std::function<void(lwm2m::Result<Bytes>)> finish;
  sw.SetDownloader([&](const std::string&, std::function<void(lwm2m::Result<Bytes>)> done) { finish = done; });
  std::string uri = "coap://example.org/app";
  EXPECT_EQ(CodeOf(Do(Operation::Write(P("/9/0/3"), WriteMode::kReplace, ContentFormat::kTextPlain,
                                       Bytes(uri.begin(), uri.end())))), "2.04");
  EXPECT_EQ(sw.state(), SoftwareManagement::kDownloadStarted);
  EXPECT_EQ(sw.result(), SoftwareManagement::kDownloading);
  finish(Bytes{1});
  EXPECT_EQ(sw.state(), SoftwareManagement::kDelivered);
}

TEST_F(SoftwareTest, FaultWrongUpdateResultReportsZero) {
  DmFixture f({.faults = {"wrong-update-result"}});
  SoftwareManagement sw2(f.dm);
  sw2.SetFailure(SoftwareManagement::Failure::kIntegrity);
  f.Do(Operation::Write(P("/9/0/2"), WriteMode::kReplace, ContentFormat::kOpaque, Bytes{1}));
  EXPECT_EQ(sw2.state(), SoftwareManagement::kInitial);
  EXPECT_EQ(sw2.result(), 0);  // correct: 53 (integrity check failure)
}

struct SwFailure {
  const char* name;
  int64_t result;
  int64_t state;
};
class SoftwareFailureTest : public SoftwareTest, public ::testing::WithParamInterface<SwFailure> {};

TEST_P(SoftwareFailureTest, EachSwitch) {
  const SwFailure& c = GetParam();
  auto f = SoftwareManagement::ParseFailure(c.name);
  ASSERT_TRUE(f.has_value());
  sw.SetFailure(*f);
  if (std::string_view(c.name) == "invalid-uri") {
    std::string uri = "nonsense";
    Do(Operation::Write(P("/9/0/3"), WriteMode::kReplace, ContentFormat::kTextPlain, Bytes(uri.begin(), uri.end())));
  } else {
    Push({1});
    if (sw.state() == SoftwareManagement::kDelivered) Exec("/9/0/4");
    if (sw.state() == SoftwareManagement::kInstalled) Exec("/9/0/6");
  }
  EXPECT_EQ(sw.result(), c.result);
  EXPECT_EQ(sw.state(), c.state);
}

INSTANTIATE_TEST_SUITE_P(
    Switches, SoftwareFailureTest,
    ::testing::Values(SwFailure{"out-of-storage", 50, 0}, SwFailure{"out-of-memory", 51, 0},
                      SwFailure{"connection-lost", 52, 0}, SwFailure{"integrity", 53, 0},
                      SwFailure{"unsupported-package", 54, 0}, SwFailure{"invalid-uri", 56, 0},
                      SwFailure{"device-error", 57, 0}, SwFailure{"install-failed", 58, 3},
                      SwFailure{"uninstall-failed", 59, 4}),
    [](const auto& info) {
      std::string n = info.param.name;
      std::replace(n.begin(), n.end(), '-', '_');
      return n;
    });

}  // namespace
}  // namespace lwm2m::refclient
