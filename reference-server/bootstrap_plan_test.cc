// bootstrap_plan_test.cc: Bootstrap plans from YAML (typing by the Object model, errors with
// file:line:column) and the plan builders for a DM server account and a credential rotation.
#include "reference-server/bootstrap_plan.h"

#include <gtest/gtest.h>

namespace lwm2m::refserver {
namespace {

Path P(std::string_view s) { return *Path::Parse(s); }

constexpr std::string_view kExample = R"(endpoints:
  node1:
    content-format: senml-cbor
    steps:
      - delete: /
      - write: {path: /0/1, values: {0: "coap://127.0.0.1:5683", 1: false, 2: 3, 10: 101}}
      - write: {path: /1/1, values: {0: 101, 1: 300, 7: "U"}}
      - finish
)";

TEST(BootstrapPlanYaml, LoadsTheExampleTypedByTheModel) {
  auto plan = LoadBootstrapPlanYaml(kExample, "plan.yaml");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const BootstrapEndpointPlan* p = plan->Find("node1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->content_format, ContentFormat::kSenmlCbor);
  ASSERT_EQ(p->steps.size(), 4u);
  EXPECT_EQ(p->steps[0].kind, BootstrapStepKind::kDelete);
  EXPECT_TRUE(p->steps[0].path.IsRoot());
  EXPECT_EQ(p->steps[0].origin, "plan.yaml:5:9");
  EXPECT_EQ(p->steps[1].kind, BootstrapStepKind::kWrite);
  EXPECT_EQ(p->steps[1].path, P("/0/1"));
  const std::vector<Record> security = {{P("/0/1/0"), Value::String("coap://127.0.0.1:5683")},
                                        {P("/0/1/1"), Value::Boolean(false)},
                                        {P("/0/1/2"), Value::Integer(3)},
                                        {P("/0/1/10"), Value::Integer(101)}};
  EXPECT_EQ(p->steps[1].records, security);
  const std::vector<Record> server = {{P("/1/1/0"), Value::Integer(101)},
                                      {P("/1/1/1"), Value::UnsignedInteger(300)},  // Lifetime is Unsigned (1-1.2.xml)
                                      {P("/1/1/7"), Value::String("U")}};
  EXPECT_EQ(p->steps[2].records, server);
  EXPECT_EQ(p->steps[3].kind, BootstrapStepKind::kFinish);
  EXPECT_EQ(p->WriteRecords().size(), 7u);
  EXPECT_EQ(plan->Find("node2"), nullptr);
}

TEST(BootstrapPlanYaml, OpaqueMultipleResourcesAndOtherSteps) {
  auto plan = LoadBootstrapPlanYaml(R"(endpoints:
  n:
    lwm2m-version: "1.0"
    psk-identity: id1
    steps:
      - discover: /0
      - read: {path: /1, accept: tlv}
      - write: {path: /0/2, values: {3: "id1", 5: {hex: "0a0b"}, 4: {base64: "AQI="}, 16: [49320, 174]}}
      - write: {path: /1/1/1, value: 60}
      - write: {path: /0, instances: {3: {0: "coap://h"}, 4: {}}}
)", "p.yaml");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const auto& p = *plan->Find("n");
  EXPECT_EQ(p.lwm2m_version, "1.0");
  EXPECT_EQ(p.psk_identity, "id1");
  ASSERT_EQ(p.steps.size(), 5u);
  EXPECT_EQ(p.steps[0].kind, BootstrapStepKind::kDiscover);
  EXPECT_EQ(p.steps[0].path, P("/0"));
  EXPECT_EQ(p.steps[1].format, ContentFormat::kTlv);
  const std::vector<Record> w = {{P("/0/2/3"), Value::Opaque({'i', 'd', '1'})},
                                 {P("/0/2/5"), Value::Opaque({0x0a, 0x0b})},
                                 {P("/0/2/4"), Value::Opaque({0x01, 0x02})},
                                 {P("/0/2/16/0"), Value::UnsignedInteger(49320)},
                                 {P("/0/2/16/1"), Value::UnsignedInteger(174)}};
  EXPECT_EQ(p.steps[2].records, w);
  EXPECT_EQ(p.steps[3].records, (std::vector<Record>{{P("/1/1/1"), Value::UnsignedInteger(60)}}));
  EXPECT_EQ(p.steps[4].records,
            (std::vector<Record>{{P("/0/3/0"), Value::String("coap://h")}, {P("/0/4"), Value()}}));
}

struct BadPlan {
  const char* name;
  const char* yaml;
  const char* expected;  // prefix of the message: file:line:column and the fact
};

class BootstrapPlanYamlErrors : public ::testing::TestWithParam<BadPlan> {};

TEST_P(BootstrapPlanYamlErrors, NameFileLineAndColumn) {
  auto plan = LoadBootstrapPlanYaml(GetParam().yaml, "bad.yaml");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kBadRequest);
  EXPECT_EQ(plan.status().message().rfind(GetParam().expected, 0), 0u) << plan.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    All, BootstrapPlanYamlErrors,
    ::testing::Values(
        BadPlan{"UnknownStep", "endpoints:\n  n:\n    steps:\n      - reboot\n", "bad.yaml:4:9: unknown step 'reboot'"},
        BadPlan{"BadPath", "endpoints:\n  n:\n    steps:\n      - delete: /0/x\n", "bad.yaml:4:17: delete path '/0/x'"},
        BadPlan{"WrongType", "endpoints:\n  n:\n    steps:\n      - write: {path: /0/1, values: {2: abc}}\n",
                "bad.yaml:4:41: /0/1/2: 'abc' is no Integer"},
        BadPlan{"WrongBoolean", "endpoints:\n  n:\n    steps:\n      - write: {path: /0/1, values: {1: maybe}}\n",
                "bad.yaml:4:41: /0/1/1: 'maybe' is no Boolean"},
        BadPlan{"ListForSingle", "endpoints:\n  n:\n    steps:\n      - write: {path: /0/1, values: {0: [a, b]}}\n",
                "bad.yaml:4:41: /0/1/0 (LWM2M Server URI) is a Single Resource"},
        BadPlan{"WriteOnRoot", "endpoints:\n  n:\n    steps:\n      - write: {path: /, values: {}}\n",
                "bad.yaml:4:23: Bootstrap-Write targets /o, /o/i or /o/i/r"},
        BadPlan{"DiscoverInstance", "endpoints:\n  n:\n    steps:\n      - discover: /0/1\n",
                "bad.yaml:4:9: Bootstrap-Discover targets / or /o"},
        BadPlan{"ReadOfDevice", "endpoints:\n  n:\n    steps:\n      - read: /3/0\n",
                "bad.yaml:4:9: Bootstrap-Read targets /1, /2 or one of their instances"},
        BadPlan{"ReadOfResource", "endpoints:\n  n:\n    steps:\n      - read: /1/0/1\n",
                "bad.yaml:4:9: Bootstrap-Read targets /1, /2"},
        BadPlan{"DeleteResource", "endpoints:\n  n:\n    steps:\n      - delete: /0/1/2\n",
                "bad.yaml:4:9: Bootstrap-Delete targets /, /o or /o/i"},
        BadPlan{"UnknownFormat", "endpoints:\n  n:\n    content-format: xml\n    steps: [finish]\n",
                "bad.yaml:3:21: unknown content format 'xml'"},
        BadPlan{"UnknownKey", "endpoints:\n  n:\n    stepz: [finish]\n", "bad.yaml:3:5: unknown key 'stepz'"},
        BadPlan{"NoEndpoints", "plans: {}\n", "bad.yaml:1:1: a bootstrap plan needs a top-level `endpoints:` map"},
        BadPlan{"YamlSyntax", "endpoints:\n  n: {steps: [finish\n", "bad.yaml:3:1: "}),
    [](const ::testing::TestParamInfo<BadPlan>& i) { return std::string(i.param.name); });

TEST(BootstrapPlanYaml, UncheckedKeepsTargetsTheTsForbids) {
  auto plan = LoadBootstrapPlanYaml(
      "endpoints:\n  n:\n    steps:\n      - read: {path: /3/0, unchecked: true}\n"
      "      - delete: {path: /0/1/2, unchecked: true}\n      - read: /2/0\n",
      "u.yaml");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const auto& steps = plan->Find("n")->steps;
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].path, P("/3/0"));
  EXPECT_EQ(steps[1].path, P("/0/1/2"));
  EXPECT_EQ(steps[2].kind, BootstrapStepKind::kRead);
}

TEST(BootstrapPlanFile, MissingFileIsNotFound) {
  auto plan = LoadBootstrapPlanFile("/nonexistent/plan.yaml");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kNotFound);
}

TEST(BootstrapPlanBuilders, StandardPskAccount) {
  DmServerAccount a;
  a.server_uri = "coaps://127.0.0.1:5684";
  a.security_mode = SecurityModeValue::kPsk;
  a.psk_identity = "node1";
  a.psk_key = {0x01, 0x02, 0x03};
  a.short_server_id = 7;
  a.lifetime = 60;
  a.binding = "UQ";
  a.security_instance = 2;
  a.server_instance = 3;
  BootstrapEndpointPlan p = StandardDmServerPlan("node1", a);
  ASSERT_EQ(p.steps.size(), 4u);
  EXPECT_EQ(p.steps[0], BootstrapStep::Delete(Path()));
  EXPECT_EQ(p.steps[1].path, P("/0/2"));
  EXPECT_EQ(p.steps[1].records, (std::vector<Record>{{P("/0/2/0"), Value::String("coaps://127.0.0.1:5684")},
                                                     {P("/0/2/1"), Value::Boolean(false)},
                                                     {P("/0/2/2"), Value::Integer(0)},
                                                     {P("/0/2/3"), Value::Opaque({'n', 'o', 'd', 'e', '1'})},
                                                     {P("/0/2/5"), Value::Opaque({1, 2, 3})},
                                                     {P("/0/2/10"), Value::Integer(7)}}));
  EXPECT_EQ(p.steps[2].records, (std::vector<Record>{{P("/1/3/0"), Value::Integer(7)},
                                                     {P("/1/3/1"), Value::UnsignedInteger(60)},
                                                     {P("/1/3/6"), Value::Boolean(true)},
                                                     {P("/1/3/7"), Value::String("UQ")}}));
  EXPECT_EQ(p.steps[3].kind, BootstrapStepKind::kFinish);
}

TEST(BootstrapPlanBuilders, NoSecAccountHasNoKeys) {
  BootstrapEndpointPlan p = StandardDmServerPlan("n", DmServerAccount{});
  for (const Record& r : p.steps[1].records) {
    EXPECT_NE(r.path, P("/0/1/3"));
    EXPECT_NE(r.path, P("/0/1/5"));
  }
  EXPECT_EQ(p.steps[1].records[2].value, Value::Integer(3));  // Security Mode NoSec
}

TEST(BootstrapPlanBuilders, RotationGoesBeforeFinish) {
  BootstrapEndpointPlan p = StandardDmServerPlan("n", DmServerAccount{});
  BootstrapServerAccount bs;
  bs.server_uri = "coaps://127.0.0.1:5784";
  bs.psk_identity = "bs-new";
  bs.psk_key = {0xAA, 0xBB};
  bs.account_timeout = 0;
  AddBootstrapCredentialRotation(p, bs);
  ASSERT_EQ(p.steps.size(), 5u);
  EXPECT_EQ(p.steps[3].kind, BootstrapStepKind::kWrite);
  EXPECT_EQ(p.steps[3].path, P("/0/0"));
  EXPECT_EQ(p.steps[3].records, (std::vector<Record>{{P("/0/0/0"), Value::String("coaps://127.0.0.1:5784")},
                                                     {P("/0/0/1"), Value::Boolean(true)},
                                                     {P("/0/0/2"), Value::Integer(0)},
                                                     {P("/0/0/3"), Value::Opaque({'b', 's', '-', 'n', 'e', 'w'})},
                                                     {P("/0/0/5"), Value::Opaque({0xAA, 0xBB})},
                                                     {P("/0/0/12"), Value::Integer(0)}}));
  EXPECT_EQ(p.steps[4].kind, BootstrapStepKind::kFinish);
  // Without a Finish the rotation is appended.
  BootstrapEndpointPlan q;
  AddBootstrapCredentialRotation(q, bs);
  ASSERT_EQ(q.steps.size(), 1u);
  EXPECT_EQ(q.steps[0].path, P("/0/0"));
}

}  // namespace
}  // namespace lwm2m::refserver
