// Tests of ReportSet: all outputs written at the end, checkpoints after each case, Flush on
// interrupt, valid files that parse back, no temporary files.
#include "reports/report_set.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "reports/html_writer.h"
#include "reports/json_writer.h"
#include "reports/junit_writer.h"
#include "reports/markdown_writer.h"
#include "reports/testing/sample_run.h"

namespace lwm2m::report {
namespace {

namespace fs = std::filesystem;

class ReportSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("reports-set-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  RunResult ReadBack() const {
    std::ifstream in(dir_ / "report.json");
    auto r = RunResultFromJson(nlohmann::json::parse(in));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : RunResult{};
  }
  fs::path dir_;
};

const std::vector<std::string> kAll = {"junit.xml", "report.html", "report.json", "summary.md"};

TEST_F(ReportSetTest, WritesEveryFormatAtRunEndFoldedAndTotalled) {
  RunResult run = testing::SampleRun();
  for (RequirementResult& q : run.requirements) q.verdict = RequirementVerdict::kNotTested;
  run.totals = Totals{};
  ReportSet set({.out_dir = dir_});
  set.OnRunStart(run);
  for (const CaseResult& c : run.cases) set.OnCaseEnd(c);
  set.OnRunEnd(run);
  ASSERT_TRUE(set.status().ok()) << set.status().ToString();
  EXPECT_EQ(Entries(), kAll);
  RunResult back = ReadBack();
  EXPECT_EQ(back, testing::SampleRun()) << "requirements re-folded, totals recomputed";
  EXPECT_FALSE(back.interrupted);
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_file((dir_ / "junit.xml").c_str()));
}

TEST_F(ReportSetTest, CheckpointAfterEachCaseIsAValidPartialReport) {
  RunResult run = testing::SampleRun();
  ReportSet set({.out_dir = dir_, .checkpoint_interval_s = 0});
  set.OnRunStart(run);
  set.OnCaseEnd(run.cases[0]);
  set.OnCaseEnd(run.cases[1]);
  // The harness is killed here: what is on disk is the checkpoint.
  EXPECT_EQ(Entries(), kAll);
  RunResult back = ReadBack();
  EXPECT_TRUE(back.interrupted);
  EXPECT_NE(back.interrupt_reason.find("checkpoint after 2 cases"), std::string::npos);
  ASSERT_EQ(back.cases.size(), 2u);
  EXPECT_EQ(back.totals.cases, 2);
  EXPECT_EQ(back.requirements[1].verdict, RequirementVerdict::kFail);  // update-on-lifetime-change
  EXPECT_EQ(ExitCode(back), 1);
}

TEST_F(ReportSetTest, CheckpointsAreRateLimited) {
  RunResult run = testing::SampleRun();
  ReportSet set({.out_dir = dir_, .checkpoint_interval_s = 3600});
  set.OnRunStart(run);
  set.OnCaseEnd(run.cases[0]);  // the first case always checkpoints
  set.OnCaseEnd(run.cases[1]);  // within the interval: skipped
  EXPECT_EQ(ReadBack().cases.size(), 1u);
  set.OnRunEnd(run);
  EXPECT_EQ(ReadBack().cases.size(), run.cases.size());
}

TEST_F(ReportSetTest, FlushOnInterruptUsesTheEventsWhenTheRunHasFewerCases) {
  RunResult run = testing::SampleRun();
  ReportSet set({.out_dir = dir_, .checkpoint_each_case = false});
  set.OnRunStart(run);
  set.OnCaseEnd(run.cases[0]);
  set.OnCaseEnd(run.cases[1]);
  EXPECT_FALSE(fs::exists(dir_ / "report.json")) << "no checkpoint when disabled";
  RunResult engine_view = run;
  engine_view.cases.resize(1);
  engine_view.interrupt_reason = "SIGINT";
  ASSERT_TRUE(set.Flush(engine_view).ok());
  RunResult back = ReadBack();
  EXPECT_TRUE(back.interrupted);
  EXPECT_EQ(back.interrupt_reason, "SIGINT");
  EXPECT_EQ(back.cases.size(), 2u);
  EXPECT_EQ(Entries(), kAll);

  ASSERT_TRUE(set.Flush("the IUT died").ok());
  back = ReadBack();
  EXPECT_EQ(back.interrupt_reason, "the IUT died");
  EXPECT_EQ(back.iut_name, "reference-client");
}

TEST_F(ReportSetTest, SelectedFormatsOnlyAndUnknownFormatIsAnError) {
  ReportSetOptions options{.out_dir = dir_, .formats = {"json", "markdown"}};
  ASSERT_TRUE(WriteReports(testing::SampleRun(), options).ok());
  EXPECT_EQ(Entries(), (std::vector<std::string>{"report.json", "summary.md"}));
  options.formats = {"pdf", "junit"};
  Status s = WriteReports(testing::SampleRun(), options);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("unknown report format \"pdf\""), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / "junit.xml")) << "the other formats are still written";
}

TEST_F(ReportSetTest, UnwritableFolderIsReportedNotThrown) {
  fs::create_directories(dir_.parent_path());
  { std::ofstream(dir_) << "a file where the folder should be"; }
  ReportSet set({.out_dir = dir_ / "out"});
  set.OnRunEnd(testing::SampleRun());
  EXPECT_FALSE(set.status().ok());
  fs::remove(dir_);
}

TEST_F(ReportSetTest, EachWriterIsAListenerThatWritesItsFileAtRunEnd) {
  fs::create_directories(dir_);
  JsonWriter json(dir_ / "r.json");
  JunitWriter junit(dir_ / "j.xml");
  HtmlWriter html(dir_ / "r.html");
  MarkdownWriter md(dir_ / "s.md");
  RunResult run = testing::SampleRun();
  size_t written = 0;
  for (Listener* l : std::vector<Listener*>{&json, &junit, &html, &md}) {
    l->OnRunStart(run);
    l->OnCaseEnd(run.cases[0]);
    EXPECT_EQ(Entries().size(), written) << "file writers write at OnRunEnd only";
    l->OnRunEnd(run);
    EXPECT_EQ(Entries().size(), ++written);
  }
  EXPECT_TRUE(json.status().ok() && junit.status().ok() && html.status().ok() && md.status().ok());
  EXPECT_EQ(Entries(), (std::vector<std::string>{"j.xml", "r.html", "r.json", "s.md"}));
  std::ifstream in(dir_ / "r.json");
  EXPECT_EQ(*RunResultFromJson(nlohmann::json::parse(in)), run);
}

TEST(ReportFormats, RegistryNamesFilesAndRenders) {
  ASSERT_EQ(ReportFormats().size(), 4u);
  for (const ReportFormat& f : ReportFormats()) {
    EXPECT_FALSE(f.render(testing::SampleRun()).empty()) << f.name;
  }
}

}  // namespace
}  // namespace lwm2m::report
