// report.html writer (see html_writer.h). Every string from the model passes through
// HtmlEscape (text and attributes) or UrlPathEscape (hrefs); the page has no <script>, no
// src= attribute and no absolute URL, so it opens offline and from an artifact store.
#include "reports/html_writer.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "reports/text.h"

namespace lwm2m::report {

namespace {

std::string H(std::string_view s) { return HtmlEscape(s); }
std::string Attr(std::string_view s) { return XmlEscape(s, /*attribute=*/true); }

std::string Badge(const char* verdict) {
  return fmt::format("<span class=\"badge v-{}\">{}</span>", Slug(verdict), verdict);
}

// Cuts at a UTF-8 character boundary.
std::string Truncate(const std::string& s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

constexpr const char* kStyle = R"css(
:root{--pass:#2e7d32;--fail:#c62828;--timeout:#ef6c00;--error:#6a1b9a;--inconclusive:#b28704;
--unsupported:#616161;--nottested:#9e9e9e;--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#fff}
header{background:#24292f;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:20px}
header .sub{color:#d0d7de;font-size:13px}
main{padding:8px 24px 48px;max-width:1400px}
h2{border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0;width:100%}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.num,th.num{text-align:right}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
pre{background:#f6f8fa;border:1px solid var(--line);padding:8px;overflow:auto;white-space:pre-wrap;word-break:break-word}
.badge{display:inline-block;min-width:64px;text-align:center;padding:1px 6px;border-radius:4px;color:#fff;font-weight:600;font-size:12px}
.v-PASS{background:var(--pass)}.v-FAIL{background:var(--fail)}.v-TIMEOUT{background:var(--timeout)}
.v-ERROR{background:var(--error)}.v-INCONCLUSIVE{background:var(--inconclusive)}
.v-UNSUPPORTED{background:var(--unsupported)}.v-NOT-TESTED{background:var(--nottested)}
.banner{padding:10px 14px;border-radius:6px;margin:14px 0;font-weight:600}
.banner.ok{background:#dafbe1;color:#116329}.banner.bad{background:#ffebe9;color:#a40e26}
.banner.warn{background:#fff8c5;color:#7d4e00}
.tiles{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.tile{border:1px solid var(--line);border-radius:6px;padding:6px 12px;min-width:110px}
.tile b{display:block;font-size:22px}
.tile.t-fail b{color:var(--fail)}.tile.t-pass b{color:var(--pass)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
details.case{border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:0 12px}
details.case>summary{cursor:pointer;padding:8px 0;font-weight:600}
details.case[open]>summary{border-bottom:1px solid var(--line);margin-bottom:8px}
.note{color:var(--muted)}
.xfail{background:#fff8c5;padding:2px 6px;border-radius:4px}
.stale{background:#ffebe9;padding:2px 6px;border-radius:4px}
.bar{position:relative;height:8px;background:#eaeef2;border-radius:4px;min-width:120px}
.bar span{position:absolute;top:0;height:8px;border-radius:4px;background:#8c959f;min-width:2px}
tr.s-bad td{background:#fff5f5}
.exp{color:var(--pass)}.act{color:var(--fail)}
svg.seq{max-width:100%;height:auto;border:1px solid var(--line);border-radius:6px;background:#fff}
svg.seq text{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
svg.seq .life{stroke:#8c959f;stroke-dasharray:4 4}
svg.seq .head{fill:#f6f8fa;stroke:#57606a}
svg.seq .msg line{stroke:#24292f;stroke-width:1.5}
svg.seq .msg polygon{fill:#24292f}
svg.seq .msg.hl line{stroke:#c62828;stroke-width:2.5}
svg.seq .msg.hl polygon{fill:#c62828}
svg.seq .msg.hl text{fill:#c62828;font-weight:700}
svg.seq .msg.hl rect{fill:#ffebe9}
svg.seq .t{fill:#57606a}
)css";

struct Anchors {
  std::map<std::string, std::string> case_anchor;  // case id -> fragment
  std::map<std::string, const CaseResult*> case_by_id;
};

std::string CaseLink(const Anchors& a, const std::string& id) {
  auto it = a.case_anchor.find(id);
  if (it == a.case_anchor.end()) return "<span class=\"note\">" + H(id) + " (not run)</span>";
  const CaseResult* c = a.case_by_id.at(id);
  return fmt::format("<a href=\"#{}\">{}</a> {}", it->second, H(id), Badge(VerdictName(c->verdict)));
}

std::string EvidenceLink(const std::string& path, const char* label) {
  if (path.empty()) return "";
  return fmt::format("<a href=\"{}\">{}</a>", Attr(UrlPathEscape(path)), label);
}

void RenderSummary(std::string& out, const RunResult& run) {
  const Totals& t = run.totals;
  int code = ExitCode(run);
  if (run.interrupted) {
    out += fmt::format("<div class=\"banner warn\">Partial run: {}. Cases not reached are missing below.</div>\n",
                       H(run.interrupt_reason.empty() ? "interrupted" : run.interrupt_reason));
  }
  int unexpected = t.failed + t.timeouts + t.errors - t.expected_failures;
  if (code == 0) {
    out += fmt::format("<div class=\"banner ok\">Passed: {} of {} cases passed{}.</div>\n", t.passed, t.cases,
                       t.expected_failures ? fmt::format(", {} expected failures", t.expected_failures) : "");
  } else if (!run.interrupted || unexpected > 0) {
    out += fmt::format("<div class=\"banner bad\">Failed: {} cases failed unexpectedly.</div>\n", unexpected);
  }
  out += "<h2 id=\"summary\">Summary</h2>\n<div class=\"tiles\">\n";
  auto tile = [&](const char* cls, const char* label, int n) {
    out += fmt::format("<div class=\"tile {}\"><b>{}</b>{}</div>\n", cls, n, label);
  };
  tile("", "cases", t.cases);
  tile("t-pass", "PASS", t.passed);
  tile(t.failed ? "t-fail" : "", "FAIL", t.failed);
  tile(t.timeouts ? "t-fail" : "", "TIMEOUT", t.timeouts);
  tile(t.errors ? "t-fail" : "", "ERROR", t.errors);
  tile("", "INCONCLUSIVE", t.inconclusive);
  tile("", "UNSUPPORTED", t.unsupported);
  tile("", "expected failures", t.expected_failures);
  tile(t.stale_expectations ? "t-fail" : "", "stale expectations", t.stale_expectations);
  tile("", "requirements tested", t.requirements_tested);
  tile("t-pass", "requirements PASS", t.requirements_passed);
  tile(t.requirements_failed ? "t-fail" : "", "requirements FAIL", t.requirements_failed);
  tile("", "requirements NOT TESTED", t.requirements - t.requirements_tested);
  out += "</div>\n<dl class=\"meta\">\n";
  auto meta = [&](const char* k, const std::string& v) {
    if (!v.empty()) out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", k, H(v));
  };
  meta("IUT", run.iut_name);
  meta("IUT role", run.iut_role);
  meta("IUT file", run.iut_file);
  meta("tool version", run.tool_version);
  meta("started", run.started_at);
  meta("finished", run.finished_at);
  meta("duration", FormatSeconds(run.duration_s));
  meta("seed", std::to_string(run.seed));
  meta("time scale", fmt::format("{}", run.time_scale));
  if (!run.command_line.empty()) {
    out += fmt::format("<dt>command</dt><dd><code>{}</code></dd>\n", H(run.command_line));
  }
  out += "</dl>\n";
}

void RenderRequirements(std::string& out, const RunResult& run, const Anchors& anchors) {
  if (run.requirements.empty()) return;
  out += "<h2 id=\"requirements\">Requirement matrix</h2>\n";
  std::vector<std::string> areas;
  for (const RequirementResult& q : run.requirements) {
    std::string area = q.area.empty() ? "(none)" : q.area;
    if (std::find(areas.begin(), areas.end(), area) == areas.end()) areas.push_back(area);
  }
  for (const std::string& area : areas) {
    int total = 0, pass = 0, fail = 0;
    for (const RequirementResult& q : run.requirements) {
      if ((q.area.empty() ? "(none)" : q.area) != area) continue;
      ++total;
      pass += q.verdict == RequirementVerdict::kPass;
      fail += q.verdict == RequirementVerdict::kFail;
    }
    out += fmt::format("<h3>{} <span class=\"note\">({} requirements: {} PASS, {} FAIL, {} NOT TESTED)</span></h3>\n",
                       H(area), total, pass, fail, total - pass - fail);
    out += "<table><thead><tr><th>Requirement</th><th>Text</th><th>Cases</th><th>Verdict</th></tr></thead><tbody>\n";
    for (const RequirementResult& q : run.requirements) {
      if ((q.area.empty() ? "(none)" : q.area) != area) continue;
      out += fmt::format("<tr id=\"req-{}\"><td class=\"mono\">{}", Slug(q.label), H(q.label));
      if (!q.table.empty()) out += fmt::format("<br><span class=\"note\">{}</span>", H(q.table));
      out += "</td><td>" + H(q.text);
      if (!q.ts_ref.empty()) out += fmt::format("<br><span class=\"note\">{}</span>", H(q.ts_ref));
      if (!q.testable) {
        out += fmt::format("<br><span class=\"note\">Not testable by a protocol test: {}</span>",
                           H(q.not_testable_reason));
      }
      if (!q.discrepancy.empty()) out += fmt::format("<br><span class=\"xfail\">Discrepancy: {}</span>", H(q.discrepancy));
      out += "</td><td>";
      for (size_t i = 0; i < q.cases.size(); ++i) out += (i ? "<br>" : "") + CaseLink(anchors, q.cases[i]);
      if (q.cases.empty()) out += "<span class=\"note\">no case</span>";
      out += "</td><td>" + Badge(RequirementVerdictName(q.verdict)) + "</td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
}

void RenderCaseIndex(std::string& out, const RunResult& run, const Anchors& anchors) {
  out += "<h2 id=\"cases\">Cases</h2>\n";
  if (run.cases.empty()) {
    out += "<p class=\"note\">No case ran.</p>\n";
    return;
  }
  out += "<table><thead><tr><th>Case</th><th>ETS</th><th>Area</th><th>Verdict</th><th class=\"num\">Duration</th>"
         "<th>Reason</th></tr></thead><tbody>\n";
  for (const CaseResult& c : run.cases) {
    out += fmt::format("<tr><td><a href=\"#{}\">{}</a></td><td class=\"mono\">{}</td><td>{}</td><td>{}", anchors.case_anchor.at(c.id),
                       H(c.id), H(c.ets), H(c.area), Badge(VerdictName(c.verdict)));
    if (c.expected_failure && IsFailure(c.verdict)) out += " <span class=\"xfail\">expected</span>";
    if (c.stale_expectation) out += " <span class=\"stale\">stale expectation</span>";
    out += fmt::format("</td><td class=\"num\">{}</td><td>{}</td></tr>\n", H(FormatSeconds(c.duration_s)), H(c.reason));
  }
  out += "</tbody></table>\n";
}

void RenderSteps(std::string& out, const CaseResult& c) {
  if (c.steps.empty()) return;
  double span = c.duration_s;
  for (const StepResult& s : c.steps) span = std::max(span, s.end_s);
  out += "<h4>Steps</h4>\n<table class=\"steps\"><thead><tr><th class=\"num\">#</th><th>Step</th><th>Where</th>"
         "<th>Verdict</th><th>Time</th><th>Evidence</th></tr></thead><tbody>\n";
  for (const StepResult& s : c.steps) {
    std::string file = s.file.empty() ? c.file : s.file;
    std::string where = file.empty() ? "" : (s.line > 0 ? fmt::format("{}:{}", file, s.line) : file);
    double left = span > 0 ? std::clamp(s.start_s / span * 100, 0.0, 100.0) : 0;
    double width = span > 0 ? std::clamp((s.end_s - s.start_s) / span * 100, 0.0, 100.0 - left) : 0;
    out += fmt::format(
        "<tr class=\"{}\"><td class=\"num\">{}</td><td>{}</td><td class=\"mono\">{}</td><td>{}</td>"
        "<td class=\"mono\">{:.3f}–{:.3f} s<div class=\"bar\"><span style=\"left:{:.1f}%;width:{:.1f}%\"></span></div></td><td>",
        s.verdict == Verdict::kPass ? "s-ok" : "s-bad", s.index, H(s.title), H(where), Badge(VerdictName(s.verdict)),
        s.start_s, s.end_s, left, width);
    if (!s.message.empty()) out += H(s.message);
    if (!s.expected.empty() || !s.actual.empty()) {
      out += fmt::format("<pre><span class=\"exp\">expected: {}</span>\n<span class=\"act\">  actual: {}</span></pre>",
                         H(s.expected), H(s.actual));
    }
    if (!s.frames.empty()) out += fmt::format("<div class=\"note\">frames {}</div>", fmt::join(s.frames, ", "));
    out += "</td></tr>\n";
  }
  out += "</tbody></table>\n";
}

void RenderCase(std::string& out, const CaseResult& c, const std::string& anchor) {
  bool open = c.verdict != Verdict::kPass && c.verdict != Verdict::kUnsupported;
  out += fmt::format("<details class=\"case\" id=\"{}\"{}><summary>{} {}", anchor, open ? " open" : "",
                     Badge(VerdictName(c.verdict)), H(c.id));
  if (!c.ets.empty()) out += fmt::format(" <span class=\"note\">{}</span>", H(c.ets));
  out += fmt::format(" <span class=\"note\">{}</span></summary>\n", H(FormatSeconds(c.duration_s)));
  if (!c.summary.empty()) out += "<p>" + H(c.summary) + "</p>\n";
  if (c.expected_failure) {
    out += fmt::format("<p><span class=\"xfail\">Listed as an expected failure: {}</span></p>\n",
                       H(c.expected_failure_reason));
  }
  if (c.stale_expectation) {
    out += "<p><span class=\"stale\">Stale expectation: listed as an expected failure, but the case passed. "
           "Remove it from the list.</span></p>\n";
  }
  out += "<dl class=\"meta\">\n";
  if (!c.file.empty()) out += fmt::format("<dt>file</dt><dd class=\"mono\">{}</dd>\n", H(c.file));
  if (!c.area.empty()) out += fmt::format("<dt>area</dt><dd>{}</dd>\n", H(c.area));
  if (!c.iut_role.empty()) out += fmt::format("<dt>IUT role</dt><dd>{}</dd>\n", H(c.iut_role));
  if (!c.requirements.empty()) {
    out += "<dt>requirements</dt><dd>";
    for (size_t i = 0; i < c.requirements.size(); ++i) {
      out += fmt::format("{}<a href=\"#req-{}\">{}</a>", i ? ", " : "", Slug(c.requirements[i]), H(c.requirements[i]));
    }
    out += "</dd>\n";
  }
  if (!c.reason.empty()) out += fmt::format("<dt>reason</dt><dd>{}</dd>\n", H(c.reason));
  std::string links;
  for (auto [path, label] : {std::pair{&c.capture, "capture.pcapng"}, std::pair{&c.iut_log, "iut.log"},
                             std::pair{&c.steps_json, "steps.json"}}) {
    std::string link = EvidenceLink(*path, label);
    if (!link.empty()) links += (links.empty() ? "" : " · ") + link;
  }
  if (!links.empty()) out += "<dt>evidence</dt><dd>" + links + "</dd>\n";
  out += fmt::format("<dt>time</dt><dd>{} total, {} waiting on the IUT</dd>\n", H(FormatSeconds(c.duration_s)),
                     H(FormatSeconds(c.wait_s)));
  out += "</dl>\n";
  if (IsFailure(c.verdict) || c.verdict == Verdict::kInconclusive) out += "<pre>" + H(FailureDetails(c)) + "</pre>\n";
  RenderSteps(out, c);
  std::string svg = RenderSequenceSvg(c);
  if (!svg.empty()) out += "<h4>Messages</h4>\n" + svg + "\n";
  out += "</details>\n";
}

}  // namespace

std::string RenderSequenceSvg(const CaseResult& c) {
  if (c.messages.empty()) return "";
  constexpr int kWidth = 860, kIutX = 190, kTesterX = 690, kTop = 56, kRow = 34, kLabelChars = 72;
  const int height = kTop + static_cast<int>(c.messages.size()) * kRow + 16;
  auto lower = [](std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  // Side 0 = IUT lifeline, 1 = tester; a peer named otherwise (an address) takes the side
  // opposite its counterpart.
  auto side = [&](const std::string& name) -> int {
    std::string n = lower(name);
    if (n == "iut" || n.rfind("iut ", 0) == 0) return 0;
    if (n == "tester" || n.rfind("tester", 0) == 0) return 1;
    return -1;
  };
  std::string iut_label = c.iut_role.empty() ? "IUT" : "IUT (" + c.iut_role + ")";
  std::string out = fmt::format(
      "<svg class=\"seq\" role=\"img\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\">"
      "<title>{2}: message sequence</title>\n",
      kWidth, height, Attr(c.id));
  out += fmt::format(
      "<rect class=\"head\" x=\"{}\" y=\"8\" width=\"160\" height=\"28\" rx=\"4\"/><text x=\"{}\" y=\"27\" "
      "text-anchor=\"middle\">{}</text>\n",
      kIutX - 80, kIutX, H(iut_label));
  out += fmt::format(
      "<rect class=\"head\" x=\"{}\" y=\"8\" width=\"160\" height=\"28\" rx=\"4\"/><text x=\"{}\" y=\"27\" "
      "text-anchor=\"middle\">tester</text>\n",
      kTesterX - 80, kTesterX);
  out += fmt::format("<line class=\"life\" x1=\"{0}\" y1=\"36\" x2=\"{0}\" y2=\"{1}\"/>\n", kIutX, height - 6);
  out += fmt::format("<line class=\"life\" x1=\"{0}\" y1=\"36\" x2=\"{0}\" y2=\"{1}\"/>\n", kTesterX, height - 6);
  for (size_t i = 0; i < c.messages.size(); ++i) {
    const WireMessage& m = c.messages[i];
    int from = side(m.from), to = side(m.to);
    if (from < 0 && to < 0) from = 0, to = 1;
    if (from < 0) from = 1 - to;
    if (to < 0) to = 1 - from;
    int y = kTop + static_cast<int>(i) * kRow + 20;
    int x1 = from == 0 ? kIutX : kTesterX;
    int x2 = to == 0 ? kIutX : kTesterX;
    if (x1 == x2) x2 = x1 + (x1 == kIutX ? 60 : -60);  // a message to itself: a short stub
    int dir = x2 > x1 ? 1 : -1;
    std::string label = (m.frame ? fmt::format("#{} ", m.frame) : std::string()) + m.summary;
    std::string tip = fmt::format("{} → {}: {}{}", m.from, m.to, m.summary,
                                  m.frame ? fmt::format(" (frame {})", m.frame) : std::string());
    out += fmt::format("<g class=\"{}\" data-frame=\"{}\"><title>{}</title>", m.highlight ? "msg hl" : "msg", m.frame,
                       H(tip));
    if (m.highlight) {
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>", std::min(kIutX, kTesterX) - 6,
                         y - 20, kTesterX - kIutX + 12, kRow - 6);
    }
    out += fmt::format("<text class=\"t\" x=\"8\" y=\"{}\">{:.3f} s</text>", y + 4, m.t_s);
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", (kIutX + kTesterX) / 2, y - 5,
                       H(Truncate(CleanText(label), kLabelChars)));
    out += fmt::format("<line class=\"arrow\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", x1, y, x2 - dir * 8, y);
    out += fmt::format("<polygon points=\"{},{} {},{} {},{}\"/></g>\n", x2, y, x2 - dir * 10, y - 5, x2 - dir * 10,
                       y + 5);
  }
  out += "</svg>";
  return out;
}

std::string RenderHtml(const RunResult& r) {
  RunResult run = r;
  ComputeTotals(run);
  Anchors anchors;
  for (size_t i = 0; i < run.cases.size(); ++i) {
    const CaseResult& c = run.cases[i];
    if (anchors.case_anchor.count(c.id)) continue;  // a duplicated id links to its first section
    anchors.case_anchor[c.id] = fmt::format("case-{}-{}", i + 1, Slug(c.id));
    anchors.case_by_id[c.id] = &c;
  }

  std::string out;
  out.reserve(64 * 1024);
  std::string title = "LwM2M conformance report" + (run.iut_name.empty() ? "" : ": " + run.iut_name);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + H(title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  out += fmt::format("<header><h1>{}</h1><div class=\"sub\">lwm2m-harness {} · {} · {} cases</div></header>\n<main>\n",
                     H(title), H(run.tool_version), H(run.started_at), run.cases.size());
  out += "<nav><a href=\"#summary\">Summary</a> · <a href=\"#requirements\">Requirements</a> · "
         "<a href=\"#cases\">Cases</a> · <a href=\"#details\">Details</a></nav>\n";
  RenderSummary(out, run);
  RenderRequirements(out, run, anchors);
  RenderCaseIndex(out, run, anchors);
  out += "<h2 id=\"details\">Case details</h2>\n";
  for (size_t i = 0; i < run.cases.size(); ++i) {
    const CaseResult& c = run.cases[i];
    RenderCase(out, c, fmt::format("case-{}-{}", i + 1, Slug(c.id)));
  }
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace lwm2m::report
