// Tests of the console writer: one line per case, evidence under failures, colour only when
// asked, progress on its own stream, final summary.
#include "reports/console_writer.h"

#include <stdlib.h>

#include <sstream>

#include <gtest/gtest.h>

#include "reports/testing/sample_run.h"

namespace lwm2m::report {
namespace {

TEST(ConsoleWriter, StreamsOneLinePerCaseThenTheSummary) {
  RunResult run = testing::SampleRun();
  std::ostringstream out, progress;
  ConsoleWriter w(ConsoleOptions{&out, &progress, false, false});
  w.OnRunStart(run);
  for (const CaseResult& c : run.cases) {
    w.OnCaseStart(c);
    w.OnCaseEnd(c);
  }
  w.OnRunEnd(run);
  std::string o = out.str();
  EXPECT_NE(o.find("PASS         register-version-1.2 [LightweightM2M-1.1-int-101]  0.25 s\n"), std::string::npos) << o;
  EXPECT_NE(o.find("FAIL         update-on-lifetime-change"), std::string::npos);
  EXPECT_NE(o.find("             testcases/registration/update-on-lifetime-change.yaml:16: step 3 (expect update): FAIL\n"),
            std::string::npos) << o;
  EXPECT_NE(o.find("               expected: query.lt = \"45\"\n"), std::string::npos) << o;
  EXPECT_NE(o.find("TIMEOUT      deregister [LightweightM2M-1.1-int-103]  0.25 s  (expected failure)"), std::string::npos);
  EXPECT_NE(o.find("STALE: listed as an expected failure but passed"), std::string::npos);
  EXPECT_NE(o.find("UNSUPPORTED  register-over-tcp  0.00 s  the IUT does not support ICS feature 'tcp'"), std::string::npos);
  EXPECT_NE(o.find("7 cases: 2 PASS, 1 FAIL, 1 TIMEOUT, 1 ERROR, 1 INCONCLUSIVE, 1 UNSUPPORTED (1 expected failures), "
                   "1 stale expectations in 3.50 s: FAILED\n"),
            std::string::npos) << o;
  EXPECT_NE(o.find("requirements: 4 of 5 tested, 2 PASS, 2 FAIL, 1 NOT TESTED\n"), std::string::npos);
  EXPECT_EQ(o.find('\033'), std::string::npos) << "no colour when not asked";
  EXPECT_EQ(progress.str().find("[1/7] register-version-1.2\n"), 0u) << progress.str();
  EXPECT_NE(progress.str().find("[7/7] bootstrap-psk\n"), std::string::npos);
  EXPECT_EQ(o.find("[1/7]"), std::string::npos) << "progress stays off the results stream";
}

TEST(ConsoleWriter, ColourWhenAskedAndTerminalProgressIsRewrittenInPlace) {
  RunResult run = testing::SampleRun();
  std::ostringstream out, progress;
  ConsoleWriter w(ConsoleOptions{&out, &progress, true, true});
  w.OnRunStart(run);
  w.OnCaseStart(run.cases[1]);
  w.OnCaseEnd(run.cases[1]);
  w.OnRunEnd(run);
  EXPECT_NE(out.str().find("\033[1;31mFAIL        \033[0m update-on-lifetime-change"), std::string::npos) << out.str();
  EXPECT_NE(progress.str().find("\r\033[K[1/7] update-on-lifetime-change ..."), std::string::npos);
  EXPECT_NE(progress.str().find("\r\033[K", 5), std::string::npos) << "cleared before the result line";
}

TEST(ConsoleWriter, HostileIdsCannotInjectTerminalEscapes) {
  std::string text = RenderConsole(testing::HostileRun(), false);
  EXPECT_EQ(text.find('\033'), std::string::npos);
  EXPECT_NE(text.find("\\x1B[31m"), std::string::npos);
}

TEST(ColorWanted, NoColorDisablesAndAPipeIsNotATerminal) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  unsetenv("NO_COLOR");
  EXPECT_FALSE(ColorWanted(fds[1]));
  setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(ColorWanted(fds[1]));
  unsetenv("NO_COLOR");
  close(fds[0]);
  close(fds[1]);
}

TEST(ConsoleSummary, PassedAndInterrupted) {
  RunResult run = testing::SampleRun();
  run.cases.resize(1);
  EXPECT_NE(RenderConsoleSummary(run, false).find(": PASSED\n"), std::string::npos);
  run.interrupted = true;
  run.interrupt_reason = "SIGTERM";
  EXPECT_NE(RenderConsoleSummary(run, false).find(": INTERRUPTED (SIGTERM)\n"), std::string::npos);
}

}  // namespace
}  // namespace lwm2m::report
