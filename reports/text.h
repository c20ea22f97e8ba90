// Text helpers shared by the report writers: every string in a report may come from an IUT
// (summaries of its messages, its error text), so it is cleaned and escaped for the target
// format here, in one place. Example:
//   out += "<td>" + HtmlEscape(step.actual) + "</td>";
#pragma once

#include <string>
#include <string_view>

#include "reports/report_model.h"

namespace lwm2m::report {

// Valid UTF-8 with no control characters except \t and \n: invalid sequences become U+FFFD,
// other C0/C1 controls, DEL, \r and the XML-invalid noncharacters U+FFFE/U+FFFF become
// visible "\xNN" / "\u{FFFE}" text so the reader still sees which byte was there.
std::string CleanText(std::string_view s);

// XML 1.0 character data and attribute values (also valid HTML): CleanText, then & < > " '
// as entities; with `attribute`, \t and \n become &#9; / &#10; so they survive normalisation.
std::string XmlEscape(std::string_view s, bool attribute = false);
inline std::string HtmlEscape(std::string_view s) { return XmlEscape(s, false); }

// One Markdown table cell or inline text: CleanText, HTML entities for & < >, backslash before
// Markdown punctuation (| ` * _ [ ] # ~ \), newlines as spaces.
std::string MarkdownEscape(std::string_view s);

// A relative path for an href: percent-encodes everything but unreserved characters and '/',
// so "javascript:x" becomes the harmless relative "javascript%3Ax".
std::string UrlPathEscape(std::string_view s);

// An HTML id fragment: [A-Za-z0-9-_] kept, everything else '-'.
std::string Slug(std::string_view s);

// "0.42 s", "12.3 s", "2 min 05 s".
std::string FormatSeconds(double s);

// The plain-text evidence of a case that did not pass (STYLE.md example 4), one block per
// step that did not pass (or the case reason when no step says more):
//   testcases/registration/x.yaml:9: step 1 (expect register): FAIL
//     expected: query.lwm2m = "1.2"
//       actual: query.lwm2m = "1.1"
//       frames: 3 in cases/x/capture.pcapng
//   requirements: VER-COMP-002
// Not escaped: callers escape for their format.
std::string FailureDetails(const CaseResult& c);

// "step 3 (send read /3/0)" or "" when the case has no non-passing step.
std::string FirstProblemStep(const CaseResult& c);

// "file:line" of the first non-passing step, else the case file.
std::string ProblemLocation(const CaseResult& c);

}  // namespace lwm2m::report
