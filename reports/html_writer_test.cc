// Tests of report.html: self-contained, escaped, every section present, and the sequence
// diagram has one arrow per message with the highlighted one marked.
#include "reports/html_writer.h"

#include <regex>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "reports/testing/sample_run.h"

namespace lwm2m::report {
namespace {

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + needle.size())) ++n;
  return n;
}

TEST(HtmlWriter, IsSelfContainedWithoutScriptsOrExternalResources) {
  for (const RunResult& run : {testing::SampleRun(), testing::HostileRun()}) {
    std::string html = RenderHtml(run);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
    EXPECT_EQ(html.find("url("), std::string::npos);
    // Every href is a fragment or a relative path (HostileRun's capture is "javascript:alert(1)//...").
    std::regex href("href=\"([^\"]*)\"");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it) {
      std::string target = (*it)[1];
      EXPECT_EQ(target.find(':'), std::string::npos) << target;
      EXPECT_NE(target.rfind("//", 0), 0u) << target;
    }
  }
}

TEST(HtmlWriter, HostileStringsAreEscapedEverywhere) {
  std::string html = RenderHtml(testing::HostileRun());
  EXPECT_EQ(html.find("</script>"), std::string::npos);
  EXPECT_EQ(html.find("<![CDATA["), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find('\x01'), std::string::npos);
  EXPECT_EQ(html.find('\x1b'), std::string::npos);
  EXPECT_EQ(html.find('\0'), std::string::npos);
  EXPECT_EQ(html.find('\xff'), std::string::npos);
  EXPECT_NE(html.find("\\x01\\x1B[31m"), std::string::npos);
  // The page is still well-formed markup (parsed as XML, HTML void elements aside).
  std::string xml = std::regex_replace(html, std::regex("<!DOCTYPE html>|<meta[^>]*>|<br>| open(?=>)"), "");
  pugi::xml_document doc;
  pugi::xml_parse_result r = doc.load_string(xml.c_str());
  EXPECT_TRUE(r) << r.description() << " at " << xml.substr(r.offset > 60 ? r.offset - 60 : 0, 120);
}

TEST(HtmlWriter, HasSummaryRequirementMatrixCaseIndexAndEvidenceLinks) {
  std::string html = RenderHtml(testing::SampleRun());
  EXPECT_NE(html.find("<h2 id=\"summary\">"), std::string::npos);
  EXPECT_NE(html.find("<h2 id=\"requirements\">"), std::string::npos);
  EXPECT_NE(html.find("<h3>registration <span class=\"note\">(3 requirements: 1 PASS, 2 FAIL, 0 NOT TESTED)"),
            std::string::npos);
  EXPECT_NE(html.find("<h3>device-management"), std::string::npos);
  EXPECT_NE(html.find("id=\"req-LightweightM2M-REG-002\""), std::string::npos);
  EXPECT_NE(html.find("Not testable by a protocol test: depends on the manufacturer"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"badge v-NOT-TESTED\">NOT TESTED</span>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"cases/update-on-lifetime-change/capture.pcapng\">capture.pcapng</a>"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"cases/bootstrap-psk/iut.log\">iut.log</a>"), std::string::npos);
  EXPECT_NE(html.find("<details class=\"case\" id=\"case-2-update-on-lifetime-change\" open>"), std::string::npos);
  EXPECT_NE(html.find("<details class=\"case\" id=\"case-1-register-version-1-2\">"), std::string::npos) << "PASS closed";
  EXPECT_NE(html.find("<a href=\"#case-2-update-on-lifetime-change\">update-on-lifetime-change</a>"), std::string::npos);
  // Step timeline with expected/actual and file:line.
  EXPECT_NE(html.find("testcases/registration/update-on-lifetime-change.yaml:16"), std::string::npos);
  EXPECT_NE(html.find("expected: query.lt = &quot;45&quot;"), std::string::npos);
  EXPECT_NE(html.find("actual: query.lt = &quot;30&quot;"), std::string::npos);
  EXPECT_NE(html.find("Stale expectation"), std::string::npos);
  EXPECT_NE(html.find("Failed: 2 cases failed unexpectedly."), std::string::npos);
}

TEST(HtmlWriter, InterruptedRunSaysSo) {
  RunResult run = testing::SampleRun();
  run.interrupted = true;
  run.interrupt_reason = "SIGINT after 7 cases";
  std::string html = RenderHtml(run);
  EXPECT_NE(html.find("Partial run: SIGINT after 7 cases."), std::string::npos);
}

TEST(SequenceSvg, OneArrowPerMessageAndTheHighlightedOneIsMarked) {
  const RunResult run = testing::SampleRun();
  const CaseResult& c = run.cases[1];
  ASSERT_EQ(c.messages.size(), 6u);
  std::string svg = RenderSequenceSvg(c);
  EXPECT_EQ(Count(svg, "<line class=\"arrow\""), 6u);
  EXPECT_EQ(Count(svg, "<g class=\"msg"), 6u);
  EXPECT_EQ(Count(svg, "<g class=\"msg hl\""), 1u);
  EXPECT_NE(svg.find("<g class=\"msg hl\" data-frame=\"5\">"), std::string::npos);
  EXPECT_NE(svg.find("#5 CON POST /rd/5?lt=30 [Update]"), std::string::npos);
  // Direction: the IUT (left, x=190) sends the Register to the tester (right, x=690).
  size_t first = svg.find("<line class=\"arrow\"");
  EXPECT_EQ(svg.substr(first, 45), "<line class=\"arrow\" x1=\"190\" y1=\"76\" x2=\"682\"");
  // The SVG is well-formed XML.
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(svg.c_str()));
  EXPECT_EQ(doc.select_nodes("//g[@class='msg hl']").size(), 1u);
}

TEST(SequenceSvg, NoMessagesNoDiagramAndLongSummariesAreCut) {
  EXPECT_EQ(RenderSequenceSvg(CaseResult{}), "");
  CaseResult c;
  c.messages.push_back(WireMessage{0, "127.0.0.1:5683", "IUT", std::string(300, 'x'), 0, false});
  std::string svg = RenderSequenceSvg(c);
  EXPECT_EQ(Count(svg, "<line class=\"arrow\""), 1u);
  EXPECT_NE(svg.find(std::string(72, 'x') + "…"), std::string::npos);
  EXPECT_NE(svg.find("x1=\"690\""), std::string::npos) << "an address talking to the IUT sits on the tester side";
}

}  // namespace
}  // namespace lwm2m::report
