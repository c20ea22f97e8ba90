// Text cleaning and escaping for the report writers (see text.h).
#include "reports/text.h"

#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace lwm2m::report {

namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length or 0 when it is invalid
// (overlong forms, surrogates and code points above U+10FFFF are invalid, RFC 3629 §3).
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t& cp) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t c = b(i);
  size_t n;
  uint32_t min;
  if (c < 0x80) { cp = c; return 1; }
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; min = 0x10000; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::string CleanText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t n = DecodeUtf8(s, i, cp);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
      out += fmt::format("\\x{:02X}", cp);
    } else if (cp == 0xFFFE || cp == 0xFFFF) {
      out += fmt::format("\\u{{{:04X}}}", cp);
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string XmlEscape(std::string_view s, bool attribute) {
  std::string clean = CleanText(s);
  std::string out;
  out.reserve(clean.size() + 16);
  for (char ch : clean) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string MarkdownEscape(std::string_view s) {
  std::string clean = CleanText(s);
  std::string out;
  out.reserve(clean.size() + 16);
  for (char ch : clean) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\n': case '\t': out += ' '; break;
      case '|': case '`': case '*': case '_': case '[': case ']': case '#': case '~': case '\\':
        out += '\\';
        out += ch;
        break;
      default: out += ch;
    }
  }
  return out;
}

std::string UrlPathEscape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~' || c == '/') {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string Slug(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    out += keep ? ch : '-';
  }
  return out;
}

std::string FormatSeconds(double s) {
  if (!std::isfinite(s) || s < 0) s = 0;
  if (s < 10) return fmt::format("{:.2f} s", s);
  if (s < 120) return fmt::format("{:.1f} s", s);
  auto total = static_cast<long long>(std::llround(s));
  return fmt::format("{} min {:02} s", total / 60, total % 60);
}

}  // namespace lwm2m::report

namespace lwm2m::report {

namespace {

const StepResult* FirstProblem(const CaseResult& c) {
  for (const StepResult& s : c.steps) {
    if (s.verdict != Verdict::kPass) return &s;
  }
  return nullptr;
}

std::string Location(const std::string& file, int line) {
  if (file.empty()) return "";
  return line > 0 ? fmt::format("{}:{}", file, line) : file;
}

}  // namespace

std::string FailureDetails(const CaseResult& c) {
  std::string out;
  bool any = false;
  for (const StepResult& s : c.steps) {
    if (s.verdict == Verdict::kPass) continue;
    any = true;
    std::string loc = Location(s.file.empty() ? c.file : s.file, s.line);
    out += fmt::format("{}{}step {} ({}): {}\n", loc, loc.empty() ? "" : ": ", s.index, s.title,
                       VerdictName(s.verdict));
    if (!s.message.empty()) out += "  " + s.message + "\n";
    if (!s.expected.empty() || !s.actual.empty()) {
      out += "  expected: " + s.expected + "\n";
      out += "    actual: " + s.actual + "\n";
    }
    if (!s.frames.empty()) {
      out += "    frames: ";
      for (size_t i = 0; i < s.frames.size(); ++i) out += (i ? ", " : "") + std::to_string(s.frames[i]);
      out += c.capture.empty() ? "\n" : " in " + c.capture + "\n";
    }
  }
  if (!any) {
    std::string loc = Location(c.file, 0);
    out += fmt::format("{}{}{}\n", loc, loc.empty() ? "" : ": ", c.reason.empty() ? VerdictName(c.verdict) : c.reason);
  } else if (!c.reason.empty() && out.find(c.reason) == std::string::npos) {
    out += "  reason: " + c.reason + "\n";
  }
  if (!c.requirements.empty()) {
    out += "  requirements: ";
    for (size_t i = 0; i < c.requirements.size(); ++i) out += (i ? ", " : "") + c.requirements[i];
    out += "\n";
  }
  if (c.expected_failure) out += "  expected failure: " + c.expected_failure_reason + "\n";
  return out;
}

std::string FirstProblemStep(const CaseResult& c) {
  const StepResult* s = FirstProblem(c);
  return s ? fmt::format("step {} ({})", s->index, s->title) : "";
}

std::string ProblemLocation(const CaseResult& c) {
  const StepResult* s = FirstProblem(c);
  if (s) return Location(s->file.empty() ? c.file : s->file, s->line);
  return c.file;
}

}  // namespace lwm2m::report
