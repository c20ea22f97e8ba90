// loader_test.cc: the strict case loader: positives, every kind of error with file:line:col and a
// suggestion, variables, durations, and the schema staying in sync with the accepted keys.
#include "harness/engine/loader.h"

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lwm2m::engine {
namespace {

using ::testing::HasSubstr;

constexpr const char* kGood = R"(id: register-basic
ets: LightweightM2M-1.1-int-101
requirements: [REG-001]
spec: "Core TS 1.2 §6.2.1"
summary: A client registers.
iut: client
requires: [udp]
setup: {security: nosec, lifetime: 30}
steps:
  - expect: {op: register, within: 5s}
    check: {query.lwm2m: "1.2", query.ep: "{iut.endpoint}", links: {excludes: ["</0>"]}}
    reply: {code: 2.01}
  - send: {op: read, path: /3/0, accept: senml-cbor}
    expect: {code: 2.05, content-format: senml-cbor, decodes: true, values: {/3/0/0: "ACME"}}
  - send: {op: update}
    within: 500ms
    title: placeholder
  - wait: {event: deregistered, within: 1.5s}
mutants:
  - {fault: register-lwm2m-1.1, verdict: FAIL, message: query.lwm2m}
)";

std::optional<Case> Load(const std::string& text, std::vector<LoadError>& e,
                         const std::string& file = "testcases/registration/register-basic.yaml") {
  return LoadCaseText(text, file, e);
}

std::string Errors(const std::vector<LoadError>& e) {
  std::string s;
  for (const auto& x : e) s += x.ToString() + "\n";
  return s;
}

TEST(CaseLoader, LoadsAWellFormedCase) {
  std::vector<LoadError> e;
  // "update" is not sent by a server, but that is the runner's business; the loader accepts the op.
  auto c = Load(kGood, e);
  ASSERT_TRUE(c) << Errors(e);
  EXPECT_EQ(c->id, "register-basic");
  EXPECT_EQ(c->area, "registration");
  EXPECT_EQ(c->ets, "LightweightM2M-1.1-int-101");
  EXPECT_EQ(c->role, IutRole::kClient);
  ASSERT_EQ(c->steps.size(), 4u);
  const Step& s1 = c->steps[0];
  EXPECT_EQ(s1.kind, StepKind::kExpectRequest);
  EXPECT_EQ(s1.expect_op, OperationKind::kRegister);
  EXPECT_EQ(s1.within, Duration(5000));
  EXPECT_EQ(s1.loc.line, 10);
  EXPECT_EQ(s1.loc.col, 5);
  ASSERT_EQ(s1.checks.size(), 3u);
  EXPECT_EQ(s1.checks[2].key, "links");
  EXPECT_EQ(s1.checks[2].kind, Check::Kind::kExcludes);
  ASSERT_TRUE(s1.reply && s1.reply->code);
  EXPECT_EQ(*s1.reply->code, 0x41);
  const Step& s2 = c->steps[1];
  EXPECT_EQ(s2.kind, StepKind::kSend);
  EXPECT_EQ(s2.send.accept, ContentFormat::kSenmlCbor);
  EXPECT_EQ(*s2.response.code, 0x45);
  ASSERT_EQ(s2.response.checks.size(), 1u);
  EXPECT_EQ(s2.response.checks[0].key, "value./3/0/0");
  EXPECT_EQ(c->steps[2].within, Duration(500));
  EXPECT_EQ(c->steps[2].title, "placeholder");
  EXPECT_EQ(c->steps[3].within, Duration(1500));
  ASSERT_EQ(c->mutants.size(), 1u);
  EXPECT_EQ(c->mutants[0].fault, "register-lwm2m-1.1");
}

TEST(CaseLoader, UnknownKeyNamesLineColumnAndSuggestion) {
  std::string t = kGood;
  t.replace(t.find("  - send: {op: read"), 9, "  - sned:");
  std::vector<LoadError> e;
  EXPECT_FALSE(Load(t, e));
  EXPECT_THAT(Errors(e), HasSubstr("register-basic.yaml:13:5: unknown key 'sned' in step 2 (did you mean 'send'?)"));
}

TEST(CaseLoader, TypoInExpectIsCaughtAtTheTopLevelToo) {
  std::vector<LoadError> e;
  EXPECT_FALSE(Load("id: x\nsummary: s\niut: client\nsumary: 1\nsteps:\n  - exepct: {op: register}\n", e, "a/x.yaml"));
  EXPECT_THAT(Errors(e), HasSubstr("a/x.yaml:4:1: unknown key 'sumary' in the case file (did you mean 'summary'?)"));
  EXPECT_THAT(Errors(e), HasSubstr("a/x.yaml:6:5: unknown key 'exepct' in step 1 (did you mean 'expect'?)"));
}

TEST(CaseLoader, BadDurationUnknownOpBadPathAndBadCode) {
  std::vector<LoadError> e;
  EXPECT_FALSE(Load(R"(id: x
summary: s
iut: client
steps:
  - expect: {op: registr, within: 5 seconds}
    reply: {code: 2.1x}
  - send: {op: read, path: /3/0/x, accept: senml-cbr}
)",
                    e, "x.yaml"));
  std::string s = Errors(e);
  EXPECT_THAT(s, HasSubstr("x.yaml:5:18: unknown operation 'registr' (did you mean 'register'?)"));
  EXPECT_THAT(s, HasSubstr("x.yaml:5:35: within: bad duration '5 seconds'"));
  EXPECT_THAT(s, HasSubstr("x.yaml:6:19: reply.code must be a CoAP code"));
  EXPECT_THAT(s, HasSubstr("x.yaml:7:28: bad path '/3/0/x'"));
  EXPECT_THAT(s, HasSubstr("unknown content format 'senml-cbr' in send.accept (did you mean 'senml-cbor'?)"));
}

TEST(CaseLoader, IdMustMatchTheFileName) {
  std::vector<LoadError> e;
  EXPECT_FALSE(Load("id: other\nsummary: s\niut: client\nsteps: [{wait: {event: registered, within: 1s}}]\n", e, "d/x.yaml"));
  EXPECT_THAT(Errors(e), HasSubstr("d/x.yaml:1:5: id 'other' differs from the file name 'x'"));
}

TEST(CaseLoader, WrongTypesAreReported) {
  std::vector<LoadError> e;
  EXPECT_FALSE(Load("id: x\nsummary: s\niut: client\nsetup: {lifetime: soon}\nsteps: {a: 1}\n", e, "x.yaml"));
  std::string s = Errors(e);
  EXPECT_THAT(s, HasSubstr("x.yaml:4:19: setup.lifetime must be an integer"));
  EXPECT_THAT(s, HasSubstr("x.yaml:5:8: steps must be a non-empty list"));
}

TEST(CaseLoader, UndefinedVariableIsAnErrorWithSuggestion) {
  std::vector<LoadError> e;
  EXPECT_FALSE(Load(R"(id: x
summary: s
iut: server
steps:
  - send: {op: register, query: ["ep={tester.endpoint}"]}
    expect: {code: 2.01}
  - send: {op: update, path: "{regster.location}"}
)",
                    e, "x.yaml"));
  EXPECT_THAT(Errors(e), HasSubstr("variable {regster.location} names no earlier step (captures so far: register) "
                                   "(did you mean 'register'?)"));
}

TEST(CaseLoader, WaitNeedsABoundAndAKnownEvent) {
  std::vector<LoadError> e;
  EXPECT_FALSE(Load("id: x\nsummary: s\niut: client\nsteps:\n  - wait: {event: deregistred}\n", e, "x.yaml"));
  std::string s = Errors(e);
  EXPECT_THAT(s, HasSubstr("unknown event 'deregistred' (did you mean 'deregistered'?)"));
  EXPECT_THAT(s, HasSubstr("wait needs a bound: within: 5s (no bare sleeps)"));
}

TEST(CaseLoader, OneActionPerStep) {
  std::vector<LoadError> e;
  EXPECT_FALSE(Load("id: x\nsummary: s\niut: client\nsteps:\n  - {send: {op: read, path: /3/0}, wait: {event: registered, "
                    "within: 1s}}\n",
                    e, "x.yaml"));
  EXPECT_THAT(Errors(e), HasSubstr("has both 'send' and 'wait'"));
}

TEST(CaseLoader, NotificationsNeedAnEarlierObserve) {
  std::vector<LoadError> e;
  EXPECT_FALSE(Load("id: x\nsummary: s\niut: client\nsteps:\n  - notifications: {count: 2}\n", e, "x.yaml"));
  EXPECT_THAT(Errors(e), HasSubstr("notifications need an earlier observe step"));
}

TEST(CaseLoader, YamlSyntaxErrorHasAPosition) {
  std::vector<LoadError> e;
  EXPECT_FALSE(Load("id: x\nsteps: [\n", e, "x.yaml"));
  ASSERT_FALSE(e.empty());
  EXPECT_THAT(e[0].ToString(), HasSubstr("x.yaml:"));
  EXPECT_THAT(e[0].message, HasSubstr("YAML syntax"));
}

TEST(CaseLoader, ChecksAcceptMapForms) {
  std::vector<LoadError> e;
  auto c = Load(R"(id: x
summary: s
iut: client
steps:
  - expect: {op: register}
    check: {query.lt: {present: true}, query.b: {one-of: [U, UQ]}, query.ep: {matches: "^harness"}, option.Accept: {absent: true}}
)",
                e, "x.yaml");
  ASSERT_TRUE(c) << Errors(e);
  ASSERT_EQ(c->steps[0].checks.size(), 4u);
  EXPECT_EQ(c->steps[0].checks[0].kind, Check::Kind::kPresent);
  EXPECT_EQ(c->steps[0].checks[1].kind, Check::Kind::kOneOf);
  EXPECT_EQ(c->steps[0].checks[2].kind, Check::Kind::kMatches);
  EXPECT_EQ(c->steps[0].checks[3].kind, Check::Kind::kAbsent);
}

TEST(Durations, ParseUnits) {
  EXPECT_EQ(*ParseDuration("5s"), Duration(5000));
  EXPECT_EQ(*ParseDuration("500ms"), Duration(500));
  EXPECT_EQ(*ParseDuration("1.5s"), Duration(1500));
  EXPECT_EQ(*ParseDuration("2m"), Duration(120000));
  EXPECT_FALSE(ParseDuration("5"));
  EXPECT_FALSE(ParseDuration("s"));
  EXPECT_FALSE(ParseDuration("1.2.3s"));
}

TEST(Codes, ParseAndPrint) {
  EXPECT_EQ(*ParseCode("2.05"), 0x45);
  EXPECT_EQ(*ParseCode("4.12"), 0x8C);
  EXPECT_FALSE(ParseCode("2.5"));
  EXPECT_FALSE(ParseCode("9.99"));
  EXPECT_EQ(CodeText(0x8C), "4.12");
}

TEST(Variables, ExpandAndReportMissing) {
  std::vector<std::string> missing;
  EXPECT_EQ(Expand("{register.location}/x {nope.a} {not a var}", {{"register.location", "/rd/1"}}, &missing),
            "/rd/1/x {nope.a} {not a var}");
  EXPECT_EQ(missing, std::vector<std::string>{"nope.a"});
}

// Every key the loader accepts appears in the JSON Schema, and every schema property is accepted.
TEST(CaseSchema, InSyncWithTheLoader) {
  std::ifstream in(std::string(LWM2M_SOURCE_DIR) + "/testcases/schema/case.schema.json");
  ASSERT_TRUE(in) << "testcases/schema/case.schema.json missing";
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json schema = nlohmann::json::parse(ss.str());
  std::set<std::string> props;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& j) {
    if (j.is_object()) {
      if (j.contains("properties") && j["properties"].is_object())
        for (auto it = j["properties"].begin(); it != j["properties"].end(); ++it) props.insert(it.key());
      for (auto it = j.begin(); it != j.end(); ++it) walk(*it);
    } else if (j.is_array()) {
      for (const auto& x : j) walk(x);
    }
  };
  walk(schema);
  for (const auto& [ctx, keys] : AcceptedKeys())
    for (const auto& k : keys) EXPECT_TRUE(props.count(k)) << "key '" << k << "' (" << ctx << ") missing from the schema";
}

// The shipped cases load without errors.
TEST(ShippedCases, AllLoad) {
  auto files = FindCaseFiles(std::string(LWM2M_SOURCE_DIR) + "/testcases");
  EXPECT_GE(files.size(), 10u);
  for (const auto& f : files) {
    std::vector<LoadError> e;
    EXPECT_TRUE(LoadCase(f, e)) << Errors(e);
  }
}

}  // namespace
}  // namespace lwm2m::engine
