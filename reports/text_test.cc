// Tests of the text cleaning and escaping helpers.
#include "reports/text.h"

#include <gtest/gtest.h>

namespace lwm2m::report {
namespace {

TEST(CleanText, KeepsValidUtf8TabsAndNewlines) {
  EXPECT_EQ(CleanText("a\tb\nc é € 😀"), "a\tb\nc é € 😀");
}

TEST(CleanText, ControlBytesBecomeVisibleAndInvalidUtf8IsReplaced) {
  EXPECT_EQ(CleanText(std::string("a\x01" "b\x1b[0m\r", 8) + std::string(1, '\0')), "a\\x01b\\x1B[0m\\x0D\\x00");
  EXPECT_EQ(CleanText("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(CleanText("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");      // overlong '/'
  EXPECT_EQ(CleanText("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(CleanText("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");      // truncated
  EXPECT_EQ(CleanText("\xC2\x85"), "\\x85");                         // C1 control NEL
  EXPECT_EQ(CleanText("\xEF\xBF\xBE"), "\\u{FFFE}");
}

TEST(XmlEscape, EscapesMarkupAndKeepsWhitespaceInAttributes) {
  EXPECT_EQ(XmlEscape("<a href=\"x\">&'</a> ]]>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt; ]]&gt;");
  EXPECT_EQ(XmlEscape("a\nb\tc", true), "a&#10;b&#9;c");
  EXPECT_EQ(XmlEscape("a\nb", false), "a\nb");
}

TEST(MarkdownEscape, NeutralisesTablesCodeAndHtml) {
  EXPECT_EQ(MarkdownEscape("a|b `c` *d* <e>\nf"), "a\\|b \\`c\\` \\*d\\* &lt;e&gt; f");
}

TEST(UrlPathEscape, KeepsRelativePathsAndDefusesSchemes) {
  EXPECT_EQ(UrlPathEscape("cases/reg-1.2/capture.pcapng"), "cases/reg-1.2/capture.pcapng");
  EXPECT_EQ(UrlPathEscape("javascript:alert(1)"), "javascript%3Aalert%281%29");
  EXPECT_EQ(UrlPathEscape("a b\"<"), "a%20b%22%3C");
}

TEST(Slug, OnlyIdCharacters) { EXPECT_EQ(Slug("LwM2M-REG 001/é"), "LwM2M-REG-001---"); }

TEST(FormatSeconds, ReadableAtEveryScale) {
  EXPECT_EQ(FormatSeconds(0.421), "0.42 s");
  EXPECT_EQ(FormatSeconds(12.34), "12.3 s");
  EXPECT_EQ(FormatSeconds(125), "2 min 05 s");
  EXPECT_EQ(FormatSeconds(-1), "0.00 s");
}

TEST(FailureDetails, NamesPlaceExpectationFactFramesAndRequirement) {
  CaseResult c;
  c.id = "x";
  c.file = "testcases/registration/x.yaml";
  c.capture = "cases/x/capture.pcapng";
  c.requirements = {"VER-COMP-002"};
  c.verdict = Verdict::kFail;
  StepResult s;
  s.index = 1;
  s.title = "expect register";
  s.line = 9;
  s.verdict = Verdict::kFail;
  s.expected = "query.lwm2m = \"1.2\"";
  s.actual = "query.lwm2m = \"1.1\"";
  s.frames = {3};
  c.steps = {s};
  EXPECT_EQ(FailureDetails(c),
            "testcases/registration/x.yaml:9: step 1 (expect register): FAIL\n"
            "  expected: query.lwm2m = \"1.2\"\n"
            "    actual: query.lwm2m = \"1.1\"\n"
            "    frames: 3 in cases/x/capture.pcapng\n"
            "  requirements: VER-COMP-002\n");
  EXPECT_EQ(ProblemLocation(c), "testcases/registration/x.yaml:9");
  EXPECT_EQ(FirstProblemStep(c), "step 1 (expect register)");
}

TEST(FailureDetails, WithoutStepsTheReasonIsTheEvidence) {
  CaseResult c;
  c.file = "t.yaml";
  c.verdict = Verdict::kError;
  c.reason = "the IUT exited with status 1";
  EXPECT_EQ(FailureDetails(c), "t.yaml: the IUT exited with status 1\n");
}

}  // namespace
}  // namespace lwm2m::report
