// score_test.cc
#include "harness/scoring/score.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lwm2m::scoring {
namespace {

using report::CaseResult;
using report::RequirementVerdict;
using report::Verdict;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

Requirement Req(std::string label, std::string area, bool testable = true) {
  Requirement r;
  r.label = std::move(label);
  r.area = std::move(area);
  r.table = "Table X";
  r.text = "text of " + r.label;
  r.ts = "Core TS 1.2 §6";
  r.roles = {"client"};
  r.testable = testable;
  if (!testable) r.reason = "a statement about a registry";
  return r;
}

CaseResult Case(std::string id, std::vector<std::string> labels, Verdict v) {
  CaseResult c;
  c.id = std::move(id);
  c.requirements = std::move(labels);
  c.verdict = v;
  return c;
}

TEST(ScoringFoldVerdicts, NoCaseIsNotTested) { EXPECT_EQ(FoldVerdicts({}), RequirementVerdict::kNotTested); }

TEST(ScoringFoldVerdicts, OnlyUnsupportedIsNotTested) {
  EXPECT_EQ(FoldVerdicts({Verdict::kUnsupported, Verdict::kUnsupported}), RequirementVerdict::kNotTested);
}

TEST(ScoringFoldVerdicts, OnePassAmongUnsupportedIsPass) {
  EXPECT_EQ(FoldVerdicts({Verdict::kUnsupported, Verdict::kPass}), RequirementVerdict::kPass);
}

TEST(ScoringFoldVerdicts, AnyFailureKindIsFailEvenAfterPasses) {
  for (Verdict bad : {Verdict::kFail, Verdict::kTimeout, Verdict::kError})
    EXPECT_EQ(FoldVerdicts({Verdict::kPass, bad, Verdict::kPass}), RequirementVerdict::kFail);
}

TEST(ScoringFoldVerdicts, InconclusiveWithoutFailureIsNotTestedNeverPass) {
  EXPECT_EQ(FoldVerdicts({Verdict::kPass, Verdict::kInconclusive}), RequirementVerdict::kNotTested);
  EXPECT_EQ(FoldVerdicts({Verdict::kInconclusive, Verdict::kFail}), RequirementVerdict::kFail);
}

#ifdef LWM2M_SCORING_HAS_REPORTS
// The fold's idea of failure must be the report model's (reports/report_model.cc).
TEST(ScoringFoldVerdicts, AgreesWithTheReportModelOnWhatFails) {
  for (Verdict v : {Verdict::kPass, Verdict::kUnsupported, Verdict::kInconclusive, Verdict::kFail, Verdict::kTimeout,
                    Verdict::kError})
    EXPECT_EQ(FoldVerdicts({v}) == RequirementVerdict::kFail, report::IsFailure(v)) << report::VerdictName(v);
}
#endif

TEST(ScoringScore, GivesEveryTableEntryInOrderWithTheCasesThatNameIt) {
  RequirementTable table;
  table.requirements = {Req("VER-COMP-002", "version-negotiation"), Req("CS-001", "security"),
                        Req("Identifiers-004", "identifiers", false)};
  table.requirements[1].not_yet = "TLS 1.3 tester";
  table.requirements[0].discrepancy = "4.12 only";
  std::vector<CaseResult> cases = {Case("register-1.2", {"VER-COMP-002"}, Verdict::kPass),
                                   Case("tls13-psk", {"CS-001"}, Verdict::kUnsupported),
                                   Case("version-fallback", {"VER-COMP-002", "CS-001"}, Verdict::kPass),
                                   Case("unrelated", {"FW-003"}, Verdict::kFail)};
  auto results = Score(table, cases);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].label, "VER-COMP-002");
  EXPECT_THAT(results[0].cases, ElementsAre("register-1.2", "version-fallback"));
  EXPECT_EQ(results[0].verdict, RequirementVerdict::kPass);
  EXPECT_EQ(results[0].ts_ref, "Core TS 1.2 §6");
  EXPECT_EQ(results[0].discrepancy, "4.12 only");
  EXPECT_EQ(results[0].text, "text of VER-COMP-002");
  EXPECT_EQ(results[0].not_testable_reason, "");

  EXPECT_THAT(results[1].cases, ElementsAre("tls13-psk", "version-fallback"));
  EXPECT_EQ(results[1].verdict, RequirementVerdict::kPass);
  EXPECT_EQ(results[1].not_testable_reason, "not yet: TLS 1.3 tester");

  EXPECT_THAT(results[2].cases, IsEmpty());
  EXPECT_EQ(results[2].verdict, RequirementVerdict::kNotTested);
  EXPECT_FALSE(results[2].testable);
  EXPECT_EQ(results[2].not_testable_reason, "a statement about a registry");
}

TEST(ScoringScore, ACaseNamingAnAliasCountsForTheDocumentLabel) {
  RequirementTable table;
  table.requirements = {Req("LightweightM2 M-DMSE-001", "device-management")};
  table.requirements[0].aliases = {"LightweightM2M-DMSE-001"};
  auto results = Score(table, {Case("create-3-refused", {"LightweightM2M-DMSE-001"}, Verdict::kFail)});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].label, "LightweightM2 M-DMSE-001");
  EXPECT_THAT(results[0].cases, ElementsAre("create-3-refused"));
  EXPECT_EQ(results[0].verdict, RequirementVerdict::kFail);
}

TEST(ScoringScore, AnExpectedFailureStillFailsTheRequirement) {
  RequirementTable table;
  table.requirements = {Req("FW-003", "firmware")};
  CaseResult c = Case("fw-result-3", {"FW-003"}, Verdict::kFail);
  c.expected_failure = true;
  c.expected_failure_reason = "known bug";
  EXPECT_EQ(Score(table, {c})[0].verdict, RequirementVerdict::kFail);
}

TEST(ScoringTotals, CountsPerAreaInAreaOrderAndSums) {
  RequirementTable table;
  table.requirements = {Req("TRAN-BIND-001", "transport-binding"), Req("BS-001", "bootstrap"),
                        Req("Opt-001", "bootstrap"), Req("Identifiers-003", "identifiers", false),
                        Req("TRAN-BIND-002", "transport-binding")};
  auto results = Score(table, {Case("a", {"TRAN-BIND-001"}, Verdict::kPass), Case("b", {"TRAN-BIND-002"}, Verdict::kTimeout),
                               Case("c", {"BS-001"}, Verdict::kUnsupported)});
  auto rows = Totals(results);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].area, "bootstrap");
  EXPECT_EQ(rows[0].traced, 2);
  EXPECT_EQ(rows[0].testable, 2);
  EXPECT_EQ(rows[0].tested, 0);
  EXPECT_EQ(rows[1].area, "transport-binding");
  EXPECT_EQ(rows[1].traced, 2);
  EXPECT_EQ(rows[1].tested, 2);
  EXPECT_EQ(rows[1].passed, 1);
  EXPECT_EQ(rows[1].failed, 1);
  EXPECT_EQ(rows[2].area, "identifiers");
  EXPECT_EQ(rows[2].testable, 0);
  AreaTotals all = Sum(rows);
  EXPECT_EQ(all.area, "all");
  EXPECT_EQ(all.traced, 5);
  EXPECT_EQ(all.testable, 4);
  EXPECT_EQ(all.tested, 2);
  EXPECT_EQ(all.passed, 1);
  EXPECT_EQ(all.failed, 1);
}

TEST(ScoringTotals, UnknownAreaComesLast) {
  report::RequirementResult r;
  r.label = "X-1";
  r.area = "elsewhere";
  report::RequirementResult s;
  s.label = "CS-001";
  s.area = "security";
  auto rows = Totals({r, s});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].area, "security");
  EXPECT_EQ(rows[1].area, "elsewhere");
}

TEST(ScoringRealTable, WithNoCasesEveryRequirementIsNotTested) {
  std::vector<Diagnostic> diags;
  auto table = LoadRequirementTable(std::string(LWM2M_SOURCE_DIR) + "/testcases/requirements/lwm2m-1.2.yaml", diags);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto results = Score(*table, {});
  ASSERT_EQ(results.size(), 56u);
  for (const auto& r : results) EXPECT_EQ(r.verdict, RequirementVerdict::kNotTested) << r.label;
  AreaTotals all = Sum(Totals(results));
  EXPECT_EQ(all.traced, 56);
  EXPECT_EQ(all.tested, 0);
}

}  // namespace
}  // namespace lwm2m::scoring
