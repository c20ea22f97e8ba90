// requirement_table_test.cc
#include "harness/scoring/requirement_table.h"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lwm2m::scoring {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// One valid entry; tests splice a bad line in or leave a field out.
std::string Entry(const std::string& label, const std::string& extra = "", const std::string& skip = "") {
  std::string s = "  - label: \"" + label + "\"\n";
  auto field = [&](const std::string& key, const std::string& value) {
    if (key != skip) s += "    " + key + ": " + value + "\n";
  };
  field("table", "\"Table 14: Requirements –Version Negotiation\"");
  field("area", "version-negotiation");
  field("text", "\"The client and server SHALL be able to negotiate.\"");
  field("ts", "\"Core TS 1.2 §6.2.1\"");
  field("roles", "[client, server]");
  field("testable", "true");
  return s + extra;
}

std::vector<std::string> Lines(const std::vector<Diagnostic>& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags) out.push_back(DiagnosticLine(d));
  return out;
}

Result<RequirementTable> Parse(const std::string& yaml, std::vector<Diagnostic>& diags) {
  return ParseRequirementTable(yaml, "t.yaml", diags);
}

TEST(RequirementTableLoader, LoadsValidEntriesWithAllFields) {
  std::vector<Diagnostic> diags;
  auto t = Parse("document: \"doc\"\nrequirements:\n" + Entry("VER-COMP-002", "    ets: [LightweightM2M-1.1-int-101]\n") +
                     Entry("LightweightM2 M-Core-001",
                           "    aliases: [LightweightM2M-Core-001]\n    discrepancy: \"x\"\n    not_yet: \"y\"\n"),
                 diags);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_THAT(Lines(diags), IsEmpty());
  ASSERT_EQ(t->requirements.size(), 2u);
  const Requirement& r = t->requirements[0];
  EXPECT_EQ(r.label, "VER-COMP-002");
  EXPECT_EQ(r.table, "Table 14: Requirements –Version Negotiation");
  EXPECT_EQ(r.area, "version-negotiation");
  EXPECT_EQ(r.ts, "Core TS 1.2 §6.2.1");
  EXPECT_THAT(r.roles, ElementsAre("client", "server"));
  EXPECT_THAT(r.ets, ElementsAre("LightweightM2M-1.1-int-101"));
  EXPECT_TRUE(r.testable);
  EXPECT_EQ(r.line, 3);
  EXPECT_EQ(t->requirements[1].not_yet, "y");
  EXPECT_EQ(t->requirements[1].discrepancy, "x");
  EXPECT_EQ(t->file, "t.yaml");
}

TEST(RequirementTableLoader, FindsByLabelAndByAlias) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("LightweightM2 M-DMSE-001", "    aliases: [LightweightM2M-DMSE-001]\n"), diags);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_NE(t->Find("LightweightM2 M-DMSE-001"), nullptr);
  EXPECT_EQ(t->Find("LightweightM2M-DMSE-001"), t->Find("LightweightM2 M-DMSE-001"));
  EXPECT_EQ(t->Find("LightweightM2M-DMSE-002"), nullptr);
}

TEST(RequirementTableLoader, MisspeltKeyGetsLineColumnAndSuggestion) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("CS-001", "    txet: \"again\"\n"), diags);
  EXPECT_FALSE(t.ok());
  EXPECT_THAT(Lines(diags), ElementsAre("t.yaml:9:5: unknown key 'txet' (did you mean 'text'?)"));
}

TEST(RequirementTableLoader, MisspeltTopLevelKeyGetsSuggestion) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirments: []\n", diags);
  EXPECT_FALSE(t.ok());
  ASSERT_GE(diags.size(), 1u);
  EXPECT_EQ(DiagnosticLine(diags[0]),
            "t.yaml:1:1: unknown key 'requirments' (did you mean 'requirements'?); expected document, requirements");
}

TEST(RequirementTableLoader, DuplicateLabelNamesTheFirstPlace) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("CS-001") + Entry("CS-001"), diags);
  EXPECT_FALSE(t.ok());
  EXPECT_THAT(Lines(diags), ElementsAre("t.yaml:9:12: duplicate label 'CS-001' (first at t.yaml:2:12)"));
}

TEST(RequirementTableLoader, AliasThatRepeatsAnotherLabelIsADuplicate) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("CS-001") + Entry("CS-002", "    aliases: [CS-001]\n"), diags);
  EXPECT_FALSE(t.ok());
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_THAT(diags[0].message, HasSubstr("duplicate alias 'CS-001' (first at t.yaml:2:12)"));
}

TEST(RequirementTableLoader, MissingTextIsAnErrorNamingTheLabel) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("FW-003", "", "text"), diags);
  EXPECT_FALSE(t.ok());
  EXPECT_THAT(Lines(diags), ElementsAre("t.yaml:2:5: requirement 'FW-003' has no 'text'"));
  EXPECT_THAT(t.status().message(), HasSubstr("1 error(s)"));
}

TEST(RequirementTableLoader, EmptyTextIsAnError) {
  std::vector<Diagnostic> diags;
  std::string yaml = "requirements:\n" + Entry("FW-003", "    text: \"\"\n", "text");
  auto t = Parse(yaml, diags);
  EXPECT_FALSE(t.ok());
  EXPECT_THAT(Lines(diags), ElementsAre("t.yaml:8:11: 'text' is empty"));
}

TEST(RequirementTableLoader, KeyGivenTwiceIsAnError) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("FW-003", "    area: firmware\n"), diags);
  EXPECT_FALSE(t.ok());
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_THAT(DiagnosticLine(diags[0]), HasSubstr("t.yaml:9:5: key 'area' given twice (first at t.yaml:4:5)"));
}

TEST(RequirementTableLoader, UnknownAreaGetsSuggestion) {
  std::vector<Diagnostic> diags;
  std::string yaml = "requirements:\n" + Entry("BS-001", "    area: bootstarp\n", "area");
  auto t = Parse(yaml, diags);
  EXPECT_FALSE(t.ok());
  EXPECT_THAT(Lines(diags), ElementsAre("t.yaml:8:11: unknown area 'bootstarp' (did you mean 'bootstrap'?)"));
}

TEST(RequirementTableLoader, UnknownRoleGetsSuggestion) {
  std::vector<Diagnostic> diags;
  std::string yaml = "requirements:\n" + Entry("BS-001", "    roles: [client, bootstrap-sever]\n", "roles");
  auto t = Parse(yaml, diags);
  EXPECT_FALSE(t.ok());
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(DiagnosticLine(diags[0]),
            "t.yaml:8:21: unknown role 'bootstrap-sever' (did you mean 'bootstrap-server'?); expected client, server, "
            "bootstrap-server");
}

TEST(RequirementTableLoader, NotTestableWithoutReasonIsAnError) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("Identifiers-003", "    testable: false\n", "testable"), diags);
  EXPECT_FALSE(t.ok());
  EXPECT_THAT(Lines(diags),
              ElementsAre("t.yaml:8:5: requirement 'Identifiers-003' is testable: false but gives no 'reason'"));
}

TEST(RequirementTableLoader, NotTestableWithReasonLoads) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("Identifiers-003", "    testable: false\n    reason: \"scope\"\n", "testable"),
                 diags);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_FALSE(t->requirements[0].testable);
  EXPECT_EQ(t->requirements[0].reason, "scope");
}

TEST(RequirementTableLoader, ReasonOnATestableEntryPointsToNotYet) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("CS-002", "    reason: \"no DTLS 1.3\"\n"), diags);
  EXPECT_FALSE(t.ok());
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_THAT(diags[0].message, HasSubstr("use 'not_yet'"));
}

TEST(RequirementTableLoader, TestableMustBeAPlainBoolean) {
  for (const char* bad : {"yes", "\"true\"", "1"}) {
    std::vector<Diagnostic> diags;
    auto t = Parse("requirements:\n" + Entry("CS-002", std::string("    testable: ") + bad + "\n", "testable"), diags);
    EXPECT_FALSE(t.ok()) << bad;
    EXPECT_THAT(Lines(diags), ElementsAre("t.yaml:8:15: 'testable' must be true or false")) << bad;
  }
}

TEST(RequirementTableLoader, TestableEntryWithoutRolesIsAnError) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("CS-002", "    roles: []\n", "roles"), diags);
  EXPECT_FALSE(t.ok());
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_THAT(diags[0].message, HasSubstr("names no IUT role"));
}

TEST(RequirementTableLoader, MalformedEtsIdIsAnError) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("CS-001", "    ets: [int-101]\n"), diags);
  EXPECT_FALSE(t.ok());
  EXPECT_THAT(Lines(diags), ElementsAre("t.yaml:9:11: 'int-101' is not an OMA ETS id (like LightweightM2M-1.1-int-101)"));
}

TEST(RequirementTableLoader, LabelWithSurroundingSpacesIsAnError) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("LightweightM2 M-Core-001 "), diags);
  EXPECT_FALSE(t.ok());
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_THAT(diags[0].message, HasSubstr("has leading or trailing spaces"));
}

TEST(RequirementTableLoader, WrongTypesAreErrorsNotExceptions) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n  - label: [a]\n    table: {x: 1}\n    roles: client\n  - 42\n", diags);
  EXPECT_FALSE(t.ok());
  std::vector<std::string> lines = Lines(diags);
  EXPECT_THAT(lines, ::testing::Contains("t.yaml:2:12: 'label' must be a string"));
  EXPECT_THAT(lines, ::testing::Contains("t.yaml:3:12: 'table' must be a string"));
  EXPECT_THAT(lines, ::testing::Contains("t.yaml:4:12: 'roles' must be a list of strings"));
  EXPECT_THAT(lines, ::testing::Contains(HasSubstr("t.yaml:5:5: each requirement must be a map")));
}

TEST(RequirementTableLoader, BrokenYamlGivesLineAndColumn) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements: [{label: CS-001\n", diags);
  EXPECT_FALSE(t.ok());
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(DiagnosticLine(diags[0]), "t.yaml:2:1: end of map flow not found");
  EXPECT_EQ(diags[0].severity, Severity::kError);
}

TEST(RequirementTableLoader, OddDocumentsGiveDiagnosticsNeverExceptions) {
  for (const char* yaml : {"", "~", "requirements:", "requirements: 7", "requirements: [1, [2], {label: }]",
                           "? [a]\n: b\n", "requirements:\n  - {label: X, aliases: [[1]], ets: {a: b}, testable: [x]}\n",
                           "requirements: [{label: X, label: Y}]", "\t\x01"}) {
    std::vector<Diagnostic> diags;
    auto t = Parse(yaml, diags);
    EXPECT_FALSE(t.ok()) << yaml;
    EXPECT_TRUE(HasErrors(diags)) << yaml;
    for (const auto& d : diags) EXPECT_THAT(d.path, ::testing::StartsWith("t.yaml")) << yaml;
  }
}

TEST(RequirementTableLoader, TopLevelListIsRejected) {
  std::vector<Diagnostic> diags;
  auto t = Parse("- label: CS-001\n", diags);
  EXPECT_FALSE(t.ok());
  EXPECT_THAT(Lines(diags), ElementsAre("t.yaml:1:1: expected a map with 'requirements:' at the top level"));
}

TEST(RequirementTableLoader, MissingFileIsNotFound) {
  std::vector<Diagnostic> diags;
  auto t = LoadRequirementTable("/nonexistent/requirements.yaml", diags);
  EXPECT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(Lines(diags), ElementsAre("/nonexistent/requirements.yaml: cannot open the requirement table"));
}

TEST(RequirementTableCheckLabels, UnknownLabelsGetTheClosestLabel) {
  std::vector<Diagnostic> diags;
  auto t = Parse("requirements:\n" + Entry("VER-COMP-001") + Entry("LightweightM2M-REG-001") +
                     Entry("LightweightM2 M-DMSE-001", "    aliases: [LightweightM2M-DMSE-001]\n"),
                 diags);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_THAT(CheckLabels(*t, {"VER-COMP-001", "LightweightM2M-DMSE-001", "LightweightM2M-REG-01", "ZZZ"}),
              ElementsAre("unknown requirement label 'LightweightM2M-REG-01' (did you mean 'LightweightM2M-REG-001'?)",
                          "unknown requirement label 'ZZZ'"));
}

TEST(RequirementTableSuggest, PicksTheClosestWithinTheLimit) {
  std::vector<std::string> keys = {"label", "table", "text", "ts", "roles"};
  EXPECT_EQ(Suggest("txet", keys), "text");
  EXPECT_EQ(Suggest("tabel", keys), "table");
  EXPECT_EQ(Suggest("Roles", keys), "roles");
  EXPECT_EQ(Suggest("xyzzy", keys), "");
  EXPECT_EQ(Suggest("", keys), "");
  EXPECT_EQ(Suggest("text", {}), "");
}

// ---- The real table: testcases/requirements/lwm2m-1.2.yaml against the requirements document.

const std::string kTablePath = std::string(LWM2M_SOURCE_DIR) + "/testcases/requirements/lwm2m-1.2.yaml";
const std::string kSeedPath = std::string(LWM2M_SOURCE_DIR) + "/../shared/seeds/000_3e87abee5fbbc395.txt";

// Label cells of the document: a whole (trimmed) line such as "TRAN-BIND-004" or
// "LightweightM2 M-DMSE-001 " (the document's own stray space kept).
std::vector<std::string> SeedLabels() {
  std::ifstream in(kSeedPath);
  std::vector<std::string> out;
  static const std::regex kLabel(R"(^[A-Za-z][A-Za-z0-9]*(?: [A-Z][A-Za-z0-9]*)?(?:-[A-Za-z0-9]+)*-[0-9]+$)");
  std::string line;
  while (std::getline(in, line)) {
    size_t b = line.find_first_not_of(" \t\r");
    size_t e = line.find_last_not_of(" \t\r");
    if (b == std::string::npos) continue;
    std::string s = line.substr(b, e - b + 1);
    if (std::regex_match(s, kLabel)) out.push_back(s);
  }
  return out;
}

TEST(RequirementTableFile, LoadsWithoutDiagnosticsAndHas56UniqueLabels) {
  std::vector<Diagnostic> diags;
  auto t = LoadRequirementTable(kTablePath, diags);
  ASSERT_TRUE(t.ok()) << t.status().ToString() << "\n" << (diags.empty() ? "" : DiagnosticLine(diags[0]));
  EXPECT_THAT(Lines(diags), IsEmpty());
  EXPECT_EQ(t->requirements.size(), 56u);
  std::set<std::string> labels;
  for (const auto& r : t->requirements) labels.insert(r.label);
  EXPECT_EQ(labels.size(), 56u);
}

TEST(RequirementTableFile, EveryEntryHasAValidAreaRolesAndAReasonWhenNotTestable) {
  std::vector<Diagnostic> diags;
  auto t = LoadRequirementTable(kTablePath, diags);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  for (const auto& r : t->requirements) {
    SCOPED_TRACE(r.label);
    EXPECT_THAT(Areas(), ::testing::Contains(r.area));
    for (const auto& role : r.roles) EXPECT_THAT(Roles(), ::testing::Contains(role));
    EXPECT_FALSE(r.text.empty());
    EXPECT_FALSE(r.ts.empty());
    EXPECT_THAT(r.table, ::testing::StartsWith("Table "));
    if (!r.testable) {
      EXPECT_FALSE(r.reason.empty());
    } else {
      EXPECT_FALSE(r.roles.empty());
    }
  }
}

TEST(RequirementTableFile, ContainsEveryLabelOfTheRequirementsDocumentWithItsText) {
  std::ifstream probe(kSeedPath);
  if (!probe) GTEST_SKIP() << "requirements document not found at " << kSeedPath;
  std::vector<std::string> seed = SeedLabels();
  ASSERT_EQ(seed.size(), 56u) << "the label scan of the document changed";
  std::vector<Diagnostic> diags;
  auto t = LoadRequirementTable(kTablePath, diags);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  std::stringstream doc;
  doc << std::ifstream(kSeedPath).rdbuf();
  for (const auto& label : seed) {
    SCOPED_TRACE(label);
    const Requirement* r = t->Find(label);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->label, label);  // the document's spelling, not an alias
    EXPECT_NE(doc.str().find(r->text), std::string::npos) << "text is not verbatim from the document";
  }
}

TEST(RequirementTableFile, RegularSpellingsOfTheOddLabelsResolve) {
  std::vector<Diagnostic> diags;
  auto t = LoadRequirementTable(kTablePath, diags);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  for (const char* alias : {"LightweightM2M-DMSE-001", "LightweightM2M-DMSE-002", "LightweightM2M-Core-001",
                            "LightweightM2M-Trans-001"}) {
    const Requirement* r = t->Find(alias);
    ASSERT_NE(r, nullptr) << alias;
    EXPECT_NE(r->label, alias);
  }
}

}  // namespace
}  // namespace lwm2m::scoring
