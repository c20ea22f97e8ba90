// Tests of requirement folding and shard merging.
#include "reports/merge.h"

#include <gtest/gtest.h>

#include "reports/testing/sample_run.h"

namespace lwm2m::report {
namespace {

CaseResult C(const std::string& id, Verdict v, bool expected = false) {
  CaseResult c;
  c.id = id;
  c.verdict = v;
  c.expected_failure = expected;
  return c;
}

RequirementVerdict FoldOne(std::vector<CaseResult> cases, std::vector<std::string> claim) {
  RunResult run;
  run.cases = std::move(cases);
  RequirementResult q;
  q.label = "R";
  q.cases = std::move(claim);
  q.verdict = RequirementVerdict::kPass;  // stale input must be overwritten
  run.requirements.push_back(q);
  FoldRequirements(run);
  return run.requirements[0].verdict;
}

TEST(FoldRequirements, FailIfAnyApplicableCaseFailed) {
  EXPECT_EQ(FoldOne({C("a", Verdict::kPass), C("b", Verdict::kFail)}, {"a", "b"}), RequirementVerdict::kFail);
  EXPECT_EQ(FoldOne({C("a", Verdict::kTimeout)}, {"a"}), RequirementVerdict::kFail);
  EXPECT_EQ(FoldOne({C("a", Verdict::kError), C("b", Verdict::kUnsupported)}, {"a", "b"}), RequirementVerdict::kFail);
}

TEST(FoldRequirements, ExpectedFailuresStillFailTheRequirement) {
  EXPECT_EQ(FoldOne({C("a", Verdict::kPass), C("b", Verdict::kFail, true)}, {"a", "b"}), RequirementVerdict::kFail);
}

TEST(FoldRequirements, PassNeedsOneRunAndAllPassed) {
  EXPECT_EQ(FoldOne({C("a", Verdict::kPass), C("b", Verdict::kPass)}, {"a", "b"}), RequirementVerdict::kPass);
  EXPECT_EQ(FoldOne({C("a", Verdict::kPass), C("b", Verdict::kUnsupported)}, {"a", "b"}), RequirementVerdict::kPass);
}

TEST(FoldRequirements, NotTestedWhenNothingRanOrSomethingWasInconclusive) {
  EXPECT_EQ(FoldOne({C("b", Verdict::kUnsupported)}, {"b"}), RequirementVerdict::kNotTested);
  EXPECT_EQ(FoldOne({}, {"a"}), RequirementVerdict::kNotTested);
  EXPECT_EQ(FoldOne({C("a", Verdict::kPass)}, {}), RequirementVerdict::kNotTested);
  EXPECT_EQ(FoldOne({C("a", Verdict::kPass), C("b", Verdict::kInconclusive)}, {"a", "b"}),
            RequirementVerdict::kNotTested);
}

TEST(FoldRequirements, UsesOnlyTheRequirementsCaseList) {
  // A case that lists the label but is not in the requirement's cases does not count.
  CaseResult c = C("x", Verdict::kFail);
  c.requirements = {"R"};
  EXPECT_EQ(FoldOne({c, C("a", Verdict::kPass)}, {"a"}), RequirementVerdict::kPass);
}

TEST(FoldRequirements, SampleRunFoldsToItsDeclaredVerdicts) {
  RunResult run = testing::SampleRun();
  RunResult folded = run;
  for (RequirementResult& q : folded.requirements) q.verdict = RequirementVerdict::kNotTested;
  FoldRequirements(folded);
  EXPECT_EQ(folded.requirements, run.requirements);
}

RunResult Shard(std::vector<CaseResult> cases, const char* start, const char* finish, double duration) {
  RunResult run = testing::SampleRun();
  run.cases = std::move(cases);
  run.started_at = start;
  run.finished_at = finish;
  run.duration_s = duration;
  return run;
}

TEST(Merge, ConcatenatesCasesRefoldsRequirementsAndRecomputesTotals) {
  RunResult full = testing::SampleRun();
  RunResult a = Shard({full.cases[0], full.cases[1], full.cases[2]}, "2026-11-25T14:00:00Z", "2026-11-25T14:00:02Z", 2);
  RunResult b = Shard({full.cases[3], full.cases[4], full.cases[5], full.cases[6]}, "2026-11-25T14:00:01.5Z",
                      "2026-11-25T14:00:04.25Z", 2.75);
  for (RequirementResult& q : a.requirements) q.verdict = RequirementVerdict::kNotTested;
  std::vector<std::string> notes;
  auto merged = Merge({a, b}, &notes);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_TRUE(notes.empty()) << notes.front();
  EXPECT_EQ(merged->cases, full.cases);
  EXPECT_EQ(merged->requirements, full.requirements);
  EXPECT_EQ(merged->totals, full.totals);
  EXPECT_EQ(merged->started_at, "2026-11-25T14:00:00Z");
  EXPECT_EQ(merged->finished_at, "2026-11-25T14:00:04.25Z");
  EXPECT_DOUBLE_EQ(merged->duration_s, 4.25);
  EXPECT_FALSE(merged->interrupted);
}

TEST(Merge, SameCaseSameVerdictIsKeptOnceWithANote) {
  RunResult full = testing::SampleRun();
  CaseResult again = full.cases[0];
  again.duration_s = 9;
  RunResult a = Shard({full.cases[0]}, "2026-11-25T14:00:00Z", "2026-11-25T14:00:01Z", 1);
  RunResult b = Shard({again, full.cases[1]}, "2026-11-25T14:00:00Z", "2026-11-25T14:00:01Z", 1);
  std::vector<std::string> notes;
  auto merged = Merge({a, b}, &notes);
  ASSERT_TRUE(merged.ok());
  ASSERT_EQ(merged->cases.size(), 2u);
  EXPECT_EQ(merged->cases[0].duration_s, 0.25) << "shard 0's copy is kept";
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "case \"register-version-1.2\" appears in shards 0 and 1 (both PASS); kept shard 0's result");
}

TEST(Merge, ConflictingVerdictsAreAnErrorNamingCaseShardsAndVerdicts) {
  RunResult full = testing::SampleRun();
  CaseResult flipped = full.cases[0];
  flipped.verdict = Verdict::kFail;
  RunResult a = Shard({full.cases[0]}, "2026-11-25T14:00:00Z", "2026-11-25T14:00:01Z", 1);
  RunResult b = Shard({full.cases[2]}, "2026-11-25T14:00:00Z", "2026-11-25T14:00:01Z", 1);
  RunResult c = Shard({flipped}, "2026-11-25T14:00:00Z", "2026-11-25T14:00:01Z", 1);
  auto merged = Merge({a, b, c});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(),
            "merge: conflict: case \"register-version-1.2\" is PASS in shard 0 and FAIL in shard 2");
}

TEST(Merge, InterruptedShardMakesThePartialRunVisibleAndIutNamesAreJoined) {
  RunResult full = testing::SampleRun();
  RunResult a = Shard({full.cases[0]}, "bad", "bad", 3);
  RunResult b = Shard({full.cases[1]}, "2026-11-25T14:00:00Z", "2026-11-25T14:00:01Z", 1);
  b.interrupted = true;
  b.interrupt_reason = "SIGTERM";
  b.iut_name = "other-client";
  std::vector<std::string> notes;
  auto merged = Merge({a, b}, &notes);
  ASSERT_TRUE(merged.ok());
  EXPECT_TRUE(merged->interrupted);
  EXPECT_EQ(merged->interrupt_reason, "shard 1: SIGTERM");
  EXPECT_EQ(merged->iut_name, "other-client + reference-client");
  EXPECT_DOUBLE_EQ(merged->duration_s, 3);
  EXPECT_EQ(notes.size(), 2u);
  EXPECT_EQ(ExitCode(*merged), 1);
}

TEST(Merge, RequirementCaseListsAreUnited) {
  RunResult full = testing::SampleRun();
  RunResult a = Shard({full.cases[0]}, "2026-11-25T14:00:00Z", "2026-11-25T14:00:01Z", 1);
  RunResult b = Shard({full.cases[1]}, "2026-11-25T14:00:00Z", "2026-11-25T14:00:01Z", 1);
  a.requirements[0].cases = {"register-version-1.2"};
  b.requirements[0].cases = {"update-on-lifetime-change"};
  auto merged = Merge({a, b});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->requirements[0].cases,
            (std::vector<std::string>{"register-version-1.2", "update-on-lifetime-change"}));
  EXPECT_EQ(merged->requirements[0].verdict, RequirementVerdict::kFail);
}

TEST(Merge, NothingToMergeIsAnError) { EXPECT_FALSE(Merge({}).ok()); }

}  // namespace
}  // namespace lwm2m::report
