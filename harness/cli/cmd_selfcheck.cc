// cmd_selfcheck.cc: `lwm2m-harness selfcheck`, the codec self-check that CI runs:
// (a) every sample payload (testcases/payloads/**/*.hex) decodes as its header
// expects, and an `ok` sample round-trips (decode -> encode -> decode);
// (b) a sample data set round-trips through every data format that can carry it.
// Sample file:  # format: tlv / # path: /3/0 / # expect: ok|errors / # source: ... / hex lines
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/print.h"

#ifndef LWM2M_SOURCE_DIR
#define LWM2M_SOURCE_DIR "."
#endif

namespace lwm2m::cli {

namespace {
namespace fs = std::filesystem;

struct CheckResult {
  std::string name;    // "tlv/device.hex", "dataset"
  std::string kind;    // "sample" or "round-trip"
  std::string format;  // short name
  bool passed = false;
  std::string detail;
  std::string source;  // a sample's `# source:`
  std::string expect;  // a sample's `# expect:`
  std::vector<Diagnostic> diagnostics;
};

struct Sample {
  ContentFormat format{};
  Path path;
  std::string lwm2m_version = "1.2";
  bool expect_ok = true;
  std::string expect;
  std::string source;
  Bytes payload;
};

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

const std::vector<std::string>& KnownHeaderKeys() {
  static const std::vector<std::string> k = {"format", "path", "expect", "source", "lwm2m-version"};
  return k;
}


// Header lines `# key: value`; other `#` lines are comments; everything else is hex
// (a `#` after hex starts a comment). Errors name the line.
Result<Sample> ParseSample(const std::string& text) {
  Sample s;
  bool have_format = false, have_expect = false;
  std::string hex;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    std::string t = Trim(line);
    if (t.empty()) continue;
    if (t[0] != '#') {
      size_t hash = t.find('#');
      hex += t.substr(0, hash) + " ";
      continue;
    }
    std::string body = Trim(std::string_view(t).substr(1));
    size_t colon = body.find(':');
    if (colon == std::string::npos) continue;
    std::string key = body.substr(0, colon), value = Trim(std::string_view(body).substr(colon + 1));
    if (key.empty() || key.find(' ') != std::string::npos) continue;  // a comment with a colon in it
    std::string where = "line " + std::to_string(n) + ": ";
    if (key == "format") {
      auto f = ParseFormatOption(value);
      if (!f) return BadRequest(where + f.status().message());
      s.format = *f;
      have_format = true;
    } else if (key == "path") {
      auto p = ParsePathOption("# path", value);
      if (!p) return BadRequest(where + p.status().message());
      s.path = *p;
    } else if (key == "expect") {
      if (value != "ok" && value != "errors")
        return BadRequest(where + "# expect: must be 'ok' or 'errors', not '" + value + "'");
      s.expect_ok = value == "ok";
      s.expect = value;
      have_expect = true;
    } else if (key == "source") {
      s.source = value;
    } else if (key == "lwm2m-version") {
      if (Status st = CheckLwm2mVersion(value); !st.ok()) return BadRequest(where + st.message());
      s.lwm2m_version = value;
    } else {
      for (const auto& k : KnownHeaderKeys())
        if (EditDistance(key, k) <= 2)
          return BadRequest(where + "unknown header '# " + key + ":' (did you mean '# " + k + ":'?)");
    }
  }
  if (!have_format) return BadRequest("missing header '# format: <name>'");
  if (!have_expect) return BadRequest("missing header '# expect: ok' or '# expect: errors'");
  auto bytes = ParseHexArgument(hex);
  if (!bytes) return BadRequest("payload " + bytes.status().message() + " (positions count the hex lines joined)");
  s.payload = std::move(*bytes);
  return s;
}

std::string RecordText(const Record& r) {
  std::string s = r.path.ToString() + " " + r.value.DebugString();
  if (r.time) s += " t=" + std::to_string(*r.time);
  return s;
}

// "" when equal, else where the two contents first differ.
std::string Difference(const Content& want, const Content& got) {
  for (size_t i = 0; i < std::max(want.records.size(), got.records.size()); ++i) {
    if (i >= want.records.size()) return "extra record " + RecordText(got.records[i]);
    if (i >= got.records.size()) return "missing record " + RecordText(want.records[i]);
    if (!(want.records[i] == got.records[i]))
      return "record " + std::to_string(i) + ": expected " + RecordText(want.records[i]) + ", got " +
             RecordText(got.records[i]);
  }
  for (size_t i = 0; i < std::max(want.links.size(), got.links.size()); ++i) {
    if (i >= want.links.size()) return "extra link " + LinkToString(got.links[i]);
    if (i >= got.links.size()) return "missing link " + LinkToString(want.links[i]);
    if (!(want.links[i] == got.links[i]))
      return "link " + std::to_string(i) + ": expected " + LinkToString(want.links[i]) + ", got " +
             LinkToString(got.links[i]);
  }
  return "";
}

const Diagnostic* FirstError(const std::vector<Diagnostic>& d) {
  for (const auto& x : d)
    if (x.severity == Severity::kError) return &x;
  return nullptr;
}

// Encodes `content` and decodes it again; "" on success, else what went wrong.
std::string RoundTrip(const Codec& codec, const Content& content, const CodecContext& ctx,
                      std::vector<Diagnostic>* diags) {
  auto bytes = codec.Encode(content, ctx);
  if (!bytes) return "encode failed: " + bytes.status().ToString();
  DecodeResult again = codec.Decode(*bytes, ctx);
  diags->insert(diags->end(), again.diagnostics.begin(), again.diagnostics.end());
  if (const Diagnostic* e = FirstError(again.diagnostics))
    return "re-decoding " + Plural(bytes->size(), "byte") + " (" + HexEncode(*bytes).substr(0, 80) +
           ") gave " + e->ToString();
  std::string diff = Difference(content, again.content);
  if (!diff.empty()) return "decoded back differently: " + diff + " (payload " + HexEncode(*bytes).substr(0, 80) + ")";
  return "";
}

CheckResult CheckSample(const fs::path& file, const std::string& name) {
  CheckResult c{name, "sample", "?", false, "", "", "", {}};
  auto text = ReadFileBytes(file.string());
  if (!text) {
    c.detail = text.status().message();
    return c;
  }
  auto sample = ParseSample(ToString(*text));
  if (!sample) {
    c.detail = sample.status().message();
    return c;
  }
  const auto* info = FindContentFormat(sample->format);
  c.format = std::string(info->name);
  c.source = sample->source;
  c.expect = sample->expect;
  auto codec = RequireCodec(sample->format);
  if (!codec) {
    c.detail = codec.status().message();
    return c;
  }
  CodecContext ctx{sample->path, &Models(), sample->lwm2m_version};
  DecodeResult r = (*codec)->Decode(sample->payload, ctx);
  c.diagnostics = r.diagnostics;
  const Diagnostic* err = FirstError(r.diagnostics);
  size_t items = r.content.records.size() + r.content.links.size();
  if (!sample->expect_ok) {
    c.passed = err != nullptr;
    c.detail = err ? "rejected as expected: " + err->ToString()
                   : "expected errors, but it decoded cleanly (" + Plural(items, "item") + ")";
    return c;
  }
  if (err) {
    c.detail = "expected ok, got " + Plural(CountSeverity(r.diagnostics, Severity::kError), "error") +
               "; first: " + err->ToString();
    return c;
  }
  std::vector<Diagnostic> rt_diags;
  std::string rt = RoundTrip(**codec, r.content, ctx, &rt_diags);
  if (!rt.empty()) {
    c.detail = "decodes (" + Plural(items, "item") + ") but the round trip fails: " + rt;
    c.diagnostics.insert(c.diagnostics.end(), rt_diags.begin(), rt_diags.end());
    return c;
  }
  c.passed = true;
  c.detail = "ok: " + Plural(items, "item") + ", round trip identical";
  return c;
}

// The sample data set of part (b): typed as the OMA object models type them.
std::vector<Record> DataSet() {
  auto rec = [](std::string_view p, Value v) { return Record{*Path::Parse(p), std::move(v), std::nullopt}; };
  return {
      rec("/1/0/0", Value::Integer(101)),           // Short Server ID
      rec("/1/0/1", Value::UnsignedInteger(86400)),  // Lifetime (Unsigned Integer in Server 1.2)
      rec("/1/0/6", Value::Boolean(false)),         // Notification Storing When Disabled or Offline
      rec("/1/0/7", Value::String("U")),            // Binding
      rec("/1/0/10", Value::ObjectLink({11, 0})),   // APN Link (Objlnk)
      rec("/3/0/0", Value::String("Open Mobile Alliance")),
      rec("/3/0/1", Value::String("Lightweight M2M Client")),
      rec("/3/0/2", Value::String("345000123")),
      rec("/3/0/9", Value::Integer(100)),           // Battery Level
      rec("/3/0/11/0", Value::Integer(1)),          // Error Code (Multiple)
      rec("/3/0/11/1", Value::Integer(5)),
      rec("/3/0/13", Value::Time(1367491215)),      // Current Time
      rec("/3/0/16", Value::String("U")),           // Supported Binding and Modes
      rec("/5/0/0", Value::Opaque({0x01, 0x02, 0xfe, 0xff, 0x00})),  // Firmware Update Package
      rec("/3200/0/5500", Value::Boolean(true)),    // Digital Input State
      rec("/3303/0/5700", Value::Float(21.5)),      // Temperature Sensor Value
      rec("/3303/0/5701", Value::String("Cel")),    // Sensor Units
  };
}

struct Unit {
  Path request;
  Content content;
};

enum class Granularity { kRoot, kObjectInstance, kLeaf, kOpaqueLeaf };

// How much of the data set one payload of each format carries (Core TS 1.2 §7.4):
// SenML and LwM2M CBOR any set of paths; TLV and LwM2M JSON one request path
// (an Object Instance here); text, CBOR (60) one value; opaque one Opaque value.
std::optional<Granularity> GranularityOf(ContentFormat f) {
  switch (f) {
    case ContentFormat::kSenmlJson:
    case ContentFormat::kSenmlCbor:
    case ContentFormat::kSenmlEtchJson:
    case ContentFormat::kSenmlEtchCbor:
    case ContentFormat::kLwm2mCbor: return Granularity::kRoot;
    case ContentFormat::kTlv:
    case ContentFormat::kLwm2mJson: return Granularity::kObjectInstance;
    case ContentFormat::kTextPlain:
    case ContentFormat::kCbor: return Granularity::kLeaf;
    case ContentFormat::kOpaque: return Granularity::kOpaqueLeaf;
    case ContentFormat::kLinkFormat: return std::nullopt;
  }
  return std::nullopt;
}

std::vector<Unit> Units(Granularity g, const std::vector<Record>& data) {
  std::vector<Unit> units;
  if (g == Granularity::kRoot) {
    units.push_back({Path(), Content{data, {}}});
    return units;
  }
  for (const Record& r : data) {
    if (g == Granularity::kObjectInstance) {
      Path inst = r.path.Truncated(2);
      if (units.empty() || units.back().request != inst) units.push_back({inst, {}});
      units.back().content.records.push_back(r);
    } else if (g == Granularity::kLeaf || r.value.type() == DataType::kOpaque) {
      units.push_back({r.path, Content{{r}, {}}});
    }
  }
  return units;
}

// A registration-style link list for the link format (RFC 6690, Core TS 1.2 §6.2.1).
Content LinkDataSet() {
  auto q = [](std::string n, std::string v) { return LinkParam{std::move(n), std::move(v), true}; };
  auto u = [](std::string n, std::string v) { return LinkParam{std::move(n), std::move(v), false}; };
  Content c;
  c.links = {{"/", {q("rt", "oma.lwm2m"), u("ct", "110")}},
             {"/1", {u("ver", "1.2")}},
             {"/1/0", {}},
             {"/3/0", {}},
             {"/3303/0", {}}};
  return c;
}

CheckResult CheckDataSet(const ContentFormatInfo& info) {
  CheckResult c{"dataset", "round-trip", std::string(info.name), false, "", "", "", {}};
  auto codec = RequireCodec(info.format);
  if (!codec) {
    c.detail = codec.status().message();
    return c;
  }
  std::vector<Unit> units;
  auto g = GranularityOf(info.format);
  if (g) {
    units = Units(*g, DataSet());
  } else {
    c.name = "links";
    units.push_back({Path(), LinkDataSet()});
  }
  // LwM2M JSON (11543) belongs to LwM2M 1.0; 1.1+ peers must not use it.
  std::string_view version = info.format == ContentFormat::kLwm2mJson ? "1.0" : "1.2";
  size_t items = 0;
  std::vector<std::string> failures;
  for (const Unit& u : units) {
    CodecContext ctx{u.request, &Models(), version};
    std::string rt = RoundTrip(**codec, u.content, ctx, &c.diagnostics);
    if (!rt.empty()) failures.push_back("request " + u.request.ToString() + ": " + rt);
    items += u.content.records.size() + u.content.links.size();
  }
  c.passed = failures.empty();
  std::string scope = Plural(units.size(), "payload") + ", " + Plural(items, g ? "record" : "link");
  if (c.passed) {
    c.detail = "ok: " + scope + " round-trip identically";
  } else {
    c.detail = std::to_string(failures.size()) + " of " + Plural(units.size(), "payload") + " failed (" +
               Plural(items, g ? "record" : "link") + " in all); first: " + failures.front();
  }
  return c;
}

std::string MdCell(std::string s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += "\\|";
    else if (ch == '\n') out += ' ';
    else out += ch;
  }
  return out;
}

Json CheckToJson(const CheckResult& c) {
  Json cj;
  cj["name"] = c.name;
  cj["kind"] = c.kind;
  cj["format"] = c.format;
  cj["result"] = c.passed ? "pass" : "fail";
  cj["detail"] = c.detail;
  if (!c.expect.empty()) cj["expect"] = c.expect;
  if (!c.source.empty()) cj["source"] = c.source;
  Json dj = Json::array();
  for (const auto& d : c.diagnostics) dj.push_back(DiagnosticToJson(d));
  cj["diagnostics"] = std::move(dj);
  return cj;
}

std::optional<CheckResult> CheckFromJson(const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    CheckResult c;
    c.name = j.at("name").get<std::string>();
    c.kind = j.at("kind").get<std::string>();
    c.format = j.at("format").get<std::string>();
    c.passed = j.at("result") == "pass";
    c.detail = j.at("detail").get<std::string>();
    c.expect = j.value("expect", "");
    c.source = j.value("source", "");
    for (const auto& d : j.at("diagnostics")) {
      Diagnostic x;
      std::string sev = d.at("severity").get<std::string>();
      x.severity = sev == "info" ? Severity::kInfo : sev == "warning" ? Severity::kWarning : Severity::kError;
      if (!d.at("offset").is_null()) x.offset = d.at("offset").get<size_t>();
      x.path = d.at("path").get<std::string>();
      x.message = d.at("message").get<std::string>();
      x.rule = d.at("rule").get<std::string>();
      c.diagnostics.push_back(std::move(x));
    }
    return c;
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

constexpr int kCheckTimeoutSeconds = 30;

// Runs one check in a child process, so that a codec that aborts, crashes or
// hangs fails its own check instead of taking the whole report with it.
CheckResult Isolated(const std::function<CheckResult()>& fn, CheckResult fallback) {
  std::cout.flush();
  std::cerr.flush();
  int fds[2];
  if (::pipe(fds) != 0) return fn();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return fn();
  }
  if (pid == 0) {
    ::close(fds[0]);
    CheckResult r;
    try {
      r = fn();
    } catch (const std::exception& e) {
      r = fallback;
      r.detail = std::string("the codec threw an exception: ") + e.what();
    }
    std::string out = DumpJson(CheckToJson(r), -1);
    for (size_t done = 0; done < out.size();) {
      ssize_t n = ::write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  bool timed_out = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kCheckTimeoutSeconds);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int pr = ::poll(&p, 1, static_cast<int>(left.count()));
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) {
      timed_out = pr == 0;
      break;
    }
    char buf[4096];
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    fallback.detail = "the check did not finish within " + std::to_string(kCheckTimeoutSeconds) +
                      " s (the codec hangs?)";
    return fallback;
  }
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    fallback.detail = "the codec crashed: signal " + std::to_string(sig) + " (" + ::strsignal(sig) +
                      "); its message, if any, is on standard error";
    return fallback;
  }
  if (auto r = CheckFromJson(text)) return *r;
  fallback.detail = "the check ended without a result (exit status " +
                    std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
  return fallback;
}

struct SelfcheckOptions {
  std::string payloads = std::string(LWM2M_SOURCE_DIR) + "/testcases/payloads";
  std::string out;
  bool json = false;
  CLI::Option* payloads_opt = nullptr;
};

int RunSelfcheck(const SelfcheckOptions& o) {
  std::vector<CheckResult> checks;
  // Warm the shared registries once, so that each isolated check inherits them.
  (void)Models();
  (void)AllCodecs();
  auto guarded = [&](const std::function<CheckResult()>& fn, CheckResult fallback) {
    checks.push_back(Isolated(fn, std::move(fallback)));
  };

  // (a) the sample payloads.
  std::error_code ec;
  fs::path dir(o.payloads);
  std::vector<fs::path> files;
  if (fs::is_directory(dir, ec)) {
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec) && it->path().extension() == ".hex") files.push_back(it->path());
    std::sort(files.begin(), files.end());
  } else if (o.payloads_opt->count() > 0) {
    std::cerr << "lwm2m-harness selfcheck: --payloads: '" << o.payloads << "' is not a directory\n";
    return kExitUsage;
  }
  if (files.empty())
    checks.push_back({"payloads", "sample", "-", false,
                      fs::is_directory(dir, ec) ? "no *.hex samples in " + o.payloads
                                                : "payload directory " + o.payloads + " not found",
                      "", "", {}});
  for (const fs::path& f : files) {
    std::string name = fs::relative(f, dir, ec).string();
    if (ec || name.empty()) name = f.filename().string();
    CheckResult fallback{name, "sample", "?", false, "", "", "", {}};
    if (auto text = ReadFileBytes(f.string()))
      if (auto sample = ParseSample(ToString(*text))) {
        fallback.format = std::string(FindContentFormat(sample->format)->name);
        fallback.expect = sample->expect;
        fallback.source = sample->source;
      }
    guarded([&] { return CheckSample(f, name); }, std::move(fallback));
  }
  // (b) the data set through every format.
  for (const auto& info : AllContentFormats())
    guarded([&] { return CheckDataSet(info); },
            CheckResult{"dataset", "round-trip", std::string(info.name), false, "", "", "", {}});

  size_t passed = static_cast<size_t>(std::count_if(checks.begin(), checks.end(), [](const auto& c) { return c.passed; }));
  size_t failed = checks.size() - passed;

  Json j;
  j["payloads"] = o.payloads;
  j["samples"] = files.size();
  Json arr = Json::array();
  for (const auto& c : checks) arr.push_back(CheckToJson(c));
  j["checks"] = std::move(arr);
  j["passed"] = passed;
  j["failed"] = failed;
  j["ok"] = failed == 0;

  std::string summary_line = std::to_string(passed) + " passed, " + std::to_string(failed) + " failed";
  if (!o.out.empty()) {
    fs::create_directories(o.out, ec);
    if (ec) {
      std::cerr << "lwm2m-harness selfcheck: --out: cannot create '" << o.out << "': " << ec.message() << "\n";
      return kExitUsage;
    }
    std::ostringstream md;
    md << "# lwm2m-harness codec self-check\n\n"
       << "Samples from `" << o.payloads << "` (" << Plural(files.size(), "file")
       << "), and a data set round-tripped through every content format.\n\n"
       << "**" << summary_line << "**\n\n"
       << "| check | kind | format | result | detail |\n|---|---|---|---|---|\n";
    for (const auto& c : checks)
      md << "| " << MdCell(c.name) << " | " << c.kind << " | " << c.format << " | "
         << (c.passed ? "PASS" : "**FAIL**") << " | " << MdCell(c.detail) << " |\n";
    for (const auto& [file, body] : {std::pair<std::string, std::string>{"selfcheck.json", DumpJson(j) + "\n"},
                                     std::pair<std::string, std::string>{"summary.md", md.str()}}) {
      if (Status s = WriteFileAtomic((fs::path(o.out) / file).string(), body); !s.ok()) {
        std::cerr << "lwm2m-harness selfcheck: " << s.message() << "\n";
        return kExitUsage;
      }
    }
  }

  if (o.json) {
    std::cout << DumpJson(j) << "\n";
  } else {
    std::cout << "payloads: " << o.payloads << " (" << Plural(files.size(), "sample") << ")\n";
    TextTable t({"check", "format", "result", "detail"});
    for (const auto& c : checks)
      t.AddRow({c.kind == "sample" ? c.name : c.name + " (" + c.kind + ")", c.format, c.passed ? "PASS" : "FAIL",
                c.detail});
    t.Print(std::cout);
  }
  std::cout << summary_line << "\n";
  return failed == 0 ? kExitOk : kExitErrors;
}
}  // namespace

Command AddSelfcheckCommand(CLI::App& root) {
  auto o = std::make_shared<SelfcheckOptions>();
  CLI::App* app = root.add_subcommand("selfcheck", "Check the codecs on sample payloads and a round-trip data set");
  app->footer(
      "Checks this build's codecs: (a) decode every sample payload (*.hex under --payloads, with header lines\n"
      "'# format: tlv', '# path: /3/0', '# expect: ok|errors', '# source: ...' before the hex) and check that it\n"
      "decodes as expected, and that an 'ok' sample round-trips (decode -> encode -> decode gives the same\n"
      "records); (b) round-trip a data set (Device /3/0 with a Multiple Error Code, Server /1/0 with an Objlnk,\n"
      "Temperature Float, Digital Input Boolean, an Opaque) through every data format that can carry it.\n"
      "Prints a table and 'N passed, M failed'; with --out writes selfcheck.json and summary.md. Exit 1 if\n"
      "anything failed.\n"
      "\n"
      "Examples:\n"
      "  lwm2m-harness selfcheck --out reports/out\n"
      "  lwm2m-harness selfcheck --payloads my-captures/ --json");
  o->payloads_opt =
      app->add_option("--payloads", o->payloads, "Directory of *.hex samples (searched recursively)")
          ->capture_default_str();
  app->add_option("-o,--out", o->out, "Directory to write selfcheck.json and summary.md into");
  app->add_flag("--json", o->json, "Print the results as JSON (the same document as selfcheck.json)");
  return {app, [o]() { return RunSelfcheck(*o); }};
}

}  // namespace lwm2m::cli
