// Tests of junit.xml: well-formed (parsed back with pugixml), counts, the verdict mapping,
// properties, and escaping of hostile strings.
#include "reports/junit_writer.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "reports/testing/sample_run.h"

namespace lwm2m::report {
namespace {

pugi::xml_document Parse(const std::string& xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  EXPECT_TRUE(r) << r.description() << " at offset " << r.offset << ": "
                 << xml.substr(r.offset > 40 ? r.offset - 40 : 0, 80);
  return doc;
}

pugi::xml_node CaseNamed(const pugi::xml_document& doc, const char* name) {
  return doc.select_node((std::string("//testcase[@name='") + name + "']").c_str()).node();
}

TEST(JunitWriter, IsWellFormedWithOneSuitePerAreaAndTheRightCounts) {
  RunResult run = testing::SampleRun();
  pugi::xml_document doc = Parse(RenderJunit(run));
  pugi::xml_node root = doc.child("testsuites");
  ASSERT_TRUE(root);
  EXPECT_EQ(root.attribute("tests").as_int(), 7);
  EXPECT_EQ(root.attribute("failures").as_int(), 1);  // update (FAIL); the TIMEOUT is expected
  EXPECT_EQ(root.attribute("errors").as_int(), 1);    // bootstrap-psk
  EXPECT_EQ(root.attribute("skipped").as_int(), 3);   // UNSUPPORTED, INCONCLUSIVE, expected failure
  EXPECT_EQ(doc.select_nodes("//testcase").size(), 7u);
  std::vector<std::string> suites;
  int total = 0;
  for (pugi::xml_node s : root.children("testsuite")) {
    suites.push_back(s.attribute("name").value());
    int n = static_cast<int>(std::distance(s.children("testcase").begin(), s.children("testcase").end()));
    EXPECT_EQ(s.attribute("tests").as_int(), n) << suites.back();
    total += n;
    for (pugi::xml_node c : s.children("testcase")) EXPECT_EQ(std::string(c.attribute("classname").value()), suites.back());
  }
  EXPECT_EQ(total, 7);
  EXPECT_EQ(suites, (std::vector<std::string>{"registration", "device-management", "information-reporting", "bootstrap"}));
  pugi::xml_node reg = root.find_child_by_attribute("testsuite", "name", "registration");
  EXPECT_EQ(reg.attribute("tests").as_int(), 4);
  EXPECT_EQ(reg.attribute("failures").as_int(), 1);
  EXPECT_EQ(reg.attribute("skipped").as_int(), 2);
}

TEST(JunitWriter, MapsVerdictsToFailureErrorAndSkipped) {
  pugi::xml_document doc = Parse(RenderJunit(testing::SampleRun()));
  pugi::xml_node fail = CaseNamed(doc, "update-on-lifetime-change");
  ASSERT_TRUE(fail.child("failure"));
  EXPECT_STREQ(fail.child("failure").attribute("type").value(), "FAIL");
  std::string text = fail.child("failure").text().get();
  EXPECT_NE(text.find("update-on-lifetime-change.yaml:16: step 3 (expect update)"), std::string::npos) << text;
  EXPECT_NE(text.find("expected: query.lt = \"45\""), std::string::npos) << text;
  EXPECT_NE(text.find("actual: query.lt = \"30\""), std::string::npos) << text;
  EXPECT_NE(text.find("frames: 5 in cases/update-on-lifetime-change/capture.pcapng"), std::string::npos) << text;
  EXPECT_STREQ(fail.child("failure").attribute("message").value(), "query.lt: expected \"45\", got \"30\"");

  pugi::xml_node err = CaseNamed(doc, "bootstrap-psk");
  EXPECT_STREQ(err.child("error").attribute("type").value(), "ERROR");
  EXPECT_FALSE(err.child("failure"));

  pugi::xml_node unsupported = CaseNamed(doc, "register-over-tcp");
  EXPECT_STREQ(unsupported.child("skipped").attribute("message").value(),
               "UNSUPPORTED: the IUT does not support ICS feature 'tcp'");
  pugi::xml_node xfail = CaseNamed(doc, "deregister");
  EXPECT_FALSE(xfail.child("failure"));
  EXPECT_NE(std::string(xfail.child("skipped").attribute("message").value()).find("expected failure (TIMEOUT): issue 12"),
            std::string::npos);
  EXPECT_TRUE(CaseNamed(doc, "observe-pmin-pmax").child("skipped"));
  pugi::xml_node pass = CaseNamed(doc, "register-version-1.2");
  EXPECT_FALSE(pass.child("failure") || pass.child("error") || pass.child("skipped"));
  EXPECT_DOUBLE_EQ(pass.attribute("time").as_double(), 0.25);
}

TEST(JunitWriter, RequirementsEtsAndStaleExpectationAreProperties) {
  pugi::xml_document doc = Parse(RenderJunit(testing::SampleRun()));
  pugi::xml_node reg = CaseNamed(doc, "register-version-1.2");
  std::vector<std::string> reqs;
  for (pugi::xml_node p : reg.child("properties").children("property")) {
    if (std::string(p.attribute("name").value()) == "requirement") reqs.push_back(p.attribute("value").value());
  }
  EXPECT_EQ(reqs, (std::vector<std::string>{"LightweightM2M-REG-001", "VER-COMP-002"}));
  EXPECT_STREQ(reg.child("properties").find_child_by_attribute("property", "name", "ets").attribute("value").value(),
               "LightweightM2M-1.1-int-101");
  EXPECT_TRUE(CaseNamed(doc, "read-device-senml-cbor")
                  .child("properties")
                  .find_child_by_attribute("property", "name", "stale_expectation"));
  EXPECT_NE(std::string(reg.child("system-out").text().get()).find("[[ATTACHMENT|cases/register-version-1.2/capture.pcapng]]"),
            std::string::npos);
}

TEST(JunitWriter, HostileStringsStayWellFormedAndVisible) {
  RunResult run = testing::HostileRun();
  std::string xml = RenderJunit(run);
  EXPECT_EQ(xml.find("]]>"), std::string::npos);
  EXPECT_EQ(xml.find("</script>"), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find('\x1b'), std::string::npos);
  EXPECT_EQ(xml.find('\0'), std::string::npos);
  pugi::xml_document doc = Parse(xml);
  ASSERT_TRUE(doc.child("testsuites"));
  EXPECT_EQ(doc.select_nodes("//testcase").size(), run.cases.size());
  std::string message = doc.select_node("//failure").node().attribute("message").value();
  EXPECT_NE(message.find("</script><script>alert(1)</script> ]]>"), std::string::npos) << message;
  EXPECT_NE(message.find("\\x01\\x1B[31m"), std::string::npos) << message;  // control bytes made visible
  EXPECT_NE(message.find("\\x00 end"), std::string::npos) << message;
  EXPECT_NE(message.find("\xEF\xBF\xBD"), std::string::npos) << message;  // invalid UTF-8 replaced
}

TEST(JunitWriter, EmptyRunIsValid) {
  pugi::xml_document doc = Parse(RenderJunit(RunResult{}));
  EXPECT_EQ(doc.child("testsuites").attribute("tests").as_int(), 0);
}

}  // namespace
}  // namespace lwm2m::report
