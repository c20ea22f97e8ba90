// Tests of summary.md: outcome, totals, failing cases with file:line, requirement totals per area.
#include "reports/markdown_writer.h"

#include <gtest/gtest.h>

#include "reports/testing/sample_run.h"

namespace lwm2m::report {
namespace {

TEST(MarkdownWriter, SummarisesOutcomeTotalsFailuresAndRequirements) {
  std::string md = RenderMarkdown(testing::SampleRun());
  EXPECT_EQ(md.rfind("## LwM2M conformance — reference-client: ❌ failed\n", 0), 0u) << md.substr(0, 80);
  EXPECT_NE(md.find("| 7 | 2 | 1 | 1 | 1 | 1 | 1 | 1 | 1 |"), std::string::npos);
  EXPECT_NE(md.find("- **update-on-lifetime-change** `FAIL` (LightweightM2M-1.1-int-102) — "
                    "<code>testcases/registration/update-on-lifetime-change.yaml:16</code> step 3 (expect update): "),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("  - step 3: expected <code>query.lt = \"45\"</code>, actual <code>query.lt = \"30\"</code> (frames 5)"),
            std::string::npos);
  EXPECT_NE(md.find("*expected failure: issue 12"), std::string::npos);
  EXPECT_NE(md.find("### Stale expectations"), std::string::npos);
  EXPECT_NE(md.find("- **read-device-senml-cbor** (listed because: SenML CBOR was broken in 0.0.9)"), std::string::npos);
  EXPECT_NE(md.find("| registration | 3 | 3 | 3 | 1 | 2 | 0 |"), std::string::npos);
  EXPECT_NE(md.find("| device-management | 2 | 1 | 1 | 1 | 0 | 1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| **all** | 5 | 4 | 4 | 2 | 2 | 1 |"), std::string::npos);
  EXPECT_EQ(md.find("register-version-1.2** `PASS`"), std::string::npos) << "passing cases are not listed";
}

TEST(MarkdownWriter, PassingRunSaysPassed) {
  RunResult run = testing::SampleRun();
  run.cases.resize(1);
  std::string md = RenderMarkdown(run);
  EXPECT_NE(md.find(": ✅ passed"), std::string::npos);
  EXPECT_EQ(md.find("### Cases that did not pass"), std::string::npos);
}

TEST(MarkdownWriter, HostileStringsCannotBreakTheTableOrInjectHtml) {
  std::string md = RenderMarkdown(testing::HostileRun());
  EXPECT_EQ(md.find("</script>"), std::string::npos);
  EXPECT_EQ(md.find('\x1b'), std::string::npos);
  EXPECT_EQ(md.find('\0'), std::string::npos);
  EXPECT_NE(md.find("&lt;/script&gt;"), std::string::npos);
  // In table rows every '|' from data is escaped: the area row still has 8 column separators.
  size_t row = md.find("\n| registration");
  ASSERT_NE(row, std::string::npos);
  std::string line = md.substr(row + 1, md.find('\n', row + 1) - row - 1);
  int bars = 0;
  for (size_t i = 0; i < line.size(); ++i) bars += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
  EXPECT_EQ(bars, 8) << line;
}

}  // namespace
}  // namespace lwm2m::report
