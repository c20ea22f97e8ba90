// cmd_decode.cc: `lwm2m-harness decode`, a payload in any LwM2M content format
// shown as the node tree (Core TS 1.2 §6.1) with object and resource names,
// then every diagnostic and a verdict; or the same as JSON.
#include <iostream>
#include <set>

#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/print.h"
#include "lwm2m/node.h"

namespace lwm2m::cli {

namespace {
struct DecodeOptions {
  std::string format;
  std::string path = "/";
  std::string lwm2m_version = "1.2";
  std::string hex;
  std::string file;
  std::string input;
  bool json = false;
  CLI::Option* hex_opt = nullptr;  // given at all (an empty --hex '' is an empty payload)
  CLI::Option* file_opt = nullptr;
  CLI::Option* input_opt = nullptr;
};

int Usage(const std::string& message) {
  std::cerr << "lwm2m-harness decode: " << message << "\n";
  return kExitUsage;
}

// A time series (SenML records with times, or a path that repeats) does not
// fit the tree; such payloads are shown record by record.
bool NeedsFlatView(const std::vector<Record>& records) {
  std::set<Path> seen;
  for (const Record& r : records) {
    if (r.time) return true;
    if (!seen.insert(r.path).second) return true;
  }
  return false;
}

int RunDecode(const DecodeOptions& o) {
  auto format = ParseFormatOption(o.format);
  if (!format) return Usage(format.status().message());
  auto path = ParsePathOption("--path", o.path);
  if (!path) return Usage(path.status().message());
  if (Status s = CheckLwm2mVersion(o.lwm2m_version); !s.ok()) return Usage(s.message());

  int sources = (o.hex_opt->count() > 0) + (o.file_opt->count() > 0) + (o.input_opt->count() > 0);
  if (sources != 1)
    return Usage(sources == 0 ? "no payload: give it with --hex HEX, --file FILE, or '-' for standard input"
                              : "give the payload only once: --hex, --file and '-' exclude each other");
  Result<Bytes> payload = Bytes{};
  if (o.hex_opt->count() > 0) {
    payload = ParseHexArgument(o.hex);
    if (!payload) return Usage("--hex: " + payload.status().message());
  } else {
    std::string file = o.file_opt->count() > 0 ? o.file : o.input;
    payload = file == "-" ? ReadStdinBytes() : ReadFileBytes(file);
    if (!payload) return Usage(payload.status().message());
  }

  auto codec = RequireCodec(*format);
  if (!codec) return Usage(codec.status().message());

  const ModelRegistry& models = Models();
  CodecContext ctx{*path, &models, o.lwm2m_version};
  DecodeResult r = (*codec)->Decode(*payload, ctx);
  std::vector<Diagnostic> diags = r.diagnostics;
  const auto& records = r.content.records;
  bool flat = NeedsFlatView(records);
  Tree tree;
  if (!flat && !records.empty()) {
    tree = BuildTree(records, &models);
    diags.insert(diags.end(), tree.diagnostics.begin(), tree.diagnostics.end());
  }
  bool ok = !HasErrors(diags);
  const auto* info = FindContentFormat(*format);

  if (o.json) {
    Json j;
    j["format"] = std::string(info->name);
    j["content_format"] = static_cast<unsigned>(*format);
    j["path"] = path->ToString();
    j["length"] = payload->size();
    Json recs = Json::array();
    for (const Record& rec : records) recs.push_back(RecordToJson(rec, models));
    j["records"] = std::move(recs);
    Json links = Json::array();
    for (const Link& l : r.content.links) links.push_back(LinkToJson(l));
    j["links"] = std::move(links);
    Json dj = Json::array();
    for (const Diagnostic& d : diags) dj.push_back(DiagnosticToJson(d));
    j["diagnostics"] = std::move(dj);
    j["ok"] = ok;
    std::cout << DumpJson(j) << "\n";
    return ok ? kExitOk : kExitErrors;
  }

  std::cout << info->name << " (" << static_cast<unsigned>(*format) << "), " << Plural(payload->size(), "byte")
            << ", request path " << path->ToString() << "\n";
  if (*format == ContentFormat::kLinkFormat || !r.content.links.empty()) PrintLinks(std::cout, r.content.links, models);
  if (flat)
    PrintRecords(std::cout, records, models);
  else if (!records.empty())
    PrintTree(std::cout, tree, models);
  if (r.content.empty()) std::cout << "(nothing decoded)\n";
  if (diags.empty()) {
    std::cout << "diagnostics: none\n";
  } else {
    std::cout << "diagnostics:\n";
    PrintDiagnostics(std::cout, diags);
  }
  size_t items = *format == ContentFormat::kLinkFormat ? r.content.links.size() : records.size();
  std::cout << "verdict: " << (ok ? "OK" : "ERRORS") << " ("
            << Plural(items, *format == ContentFormat::kLinkFormat ? "link" : "record") << ", "
            << Plural(CountSeverity(diags, Severity::kError), "error") << ", "
            << Plural(CountSeverity(diags, Severity::kWarning), "warning") << ")\n";
  return ok ? kExitOk : kExitErrors;
}
}  // namespace

Command AddDecodeCommand(CLI::App& root) {
  auto o = std::make_shared<DecodeOptions>();
  CLI::App* app = root.add_subcommand("decode", "Decode a payload: node tree with names, diagnostics, verdict");
  app->footer(
      "Decodes one payload in any LwM2M 1.2 content format and shows what it carries: the node tree\n"
      "(Object > ObjectInstance > Resource > ResourceInstance) with object and resource names and data\n"
      "types from the object models, or the links of a CoRE link-format payload; then every diagnostic\n"
      "(severity, byte offset, path, message, the clause broken) and a one-line verdict. TLV, text, opaque\n"
      "and CBOR (60) carry no names or types: give the request path with --path so that values can be\n"
      "named and typed. Exit 0: no errors; 1: the payload has errors; 2: usage error.\n"
      "\n"
      "Examples:\n"
      "  lwm2m-harness decode --format tlv --path /3/0 --hex 'c1 09 64 83 0b 41 00 00'\n"
      "  printf '</1/0>,</3/0>;ver=1.2' | lwm2m-harness decode --format link -\n"
      "  lwm2m-harness decode --format senml-cbor --file notification.cbor --json");
  app->add_option("-f,--format", o->format, "Content format: name (tlv, senml-cbor, ...) or number (11542)")
      ->required();
  app->add_option("-p,--path", o->path, "The request path the payload answers (TLV, text, opaque, CBOR need it)")
      ->capture_default_str();
  app->add_option("--lwm2m-version", o->lwm2m_version, "LwM2M version of the peer: 1.0, 1.1 or 1.2")
      ->capture_default_str();
  auto* hex = app->add_option("-x,--hex", o->hex, "The payload as hex; spaces and ':' allowed");
  auto* file = app->add_option("--file", o->file, "Read the raw payload bytes from FILE");
  auto* input = app->add_option("input", o->input, "'-' reads the raw payload from standard input");
  hex->excludes(file)->excludes(input);
  file->excludes(input);
  o->hex_opt = hex;
  o->file_opt = file;
  o->input_opt = input;
  app->add_flag("--json", o->json, "Print records, links, diagnostics and verdict as JSON");
  return {app, [o]() { return RunDecode(*o); }};
}

}  // namespace lwm2m::cli
