// cmd_encode.cc: `lwm2m-harness encode`, records or links described in a small
// YAML/JSON document (description.h) encoded in one content format, printed as
// hex or written as raw bytes.
#include <cctype>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/description.h"
#include "harness/cli/print.h"

namespace lwm2m::cli {

namespace {
struct EncodeOptions {
  std::string format;
  std::string path;
  std::string lwm2m_version = "1.2";
  std::string input_file;
  std::string input;
  std::string out;
  bool json = false;
  CLI::Option* path_opt = nullptr;
};

int Usage(const std::string& message) {
  std::cerr << "lwm2m-harness encode: " << message << "\n";
  return kExitUsage;
}

// TLV, text, opaque and CBOR (60) write values relative to the request path;
// without --path the request is taken to be the records' deepest common path.
bool NeedsRequestPath(ContentFormat f) {
  return f == ContentFormat::kTlv || f == ContentFormat::kTextPlain || f == ContentFormat::kOpaque ||
         f == ContentFormat::kCbor;
}

Path CommonPath(const std::vector<Record>& records) {
  if (records.empty()) return Path();
  Path common = records[0].path;
  for (const Record& r : records) {
    if (r.path.prefix() != common.prefix()) return Path();
    while (!common.IsPrefixOf(r.path)) common = common.Parent();
  }
  return common;
}

// The entry an encoder error is about: the record whose path the message names
// (the longest such path, so that /3/0/1 wins over /3/0).
std::optional<size_t> RecordNamedIn(const std::string& message, const std::vector<Record>& records) {
  std::optional<size_t> best;
  size_t best_len = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    std::string p = records[i].path.ToString();
    for (size_t at = message.find(p); at != std::string::npos; at = message.find(p, at + 1)) {
      size_t end = at + p.size();
      bool whole = end == message.size() || (message[end] != '/' && !std::isdigit(static_cast<unsigned char>(message[end])));
      if (whole && p.size() > best_len) {
        best = i;
        best_len = p.size();
      }
    }
  }
  return best;
}

int RunEncode(const EncodeOptions& o) {
  auto format = ParseFormatOption(o.format);
  if (!format) return Usage(format.status().message());
  std::optional<Path> path;
  if (o.path_opt->count() > 0) {
    auto p = ParsePathOption("--path", o.path);
    if (!p) return Usage(p.status().message());
    path = *p;
  }
  if (Status s = CheckLwm2mVersion(o.lwm2m_version); !s.ok()) return Usage(s.message());

  bool has_file = !o.input_file.empty(), has_pos = !o.input.empty();
  if (has_file == has_pos)
    return Usage(has_file ? "give the description only once: --input FILE or '-'"
                          : "no description: give it with --input FILE (YAML or JSON) or '-' for standard input");
  std::string file = has_file ? o.input_file : o.input;
  std::string source = file == "-" ? "<stdin>" : file;
  auto text = file == "-" ? ReadStdinBytes() : ReadFileBytes(file);
  if (!text) return Usage(text.status().message());

  const ModelRegistry& models = Models();
  auto desc = LoadDescription(ToString(*text), source, models);
  if (!desc) return Usage(desc.status().message());

  auto codec = RequireCodec(*format);
  if (!codec) return Usage(codec.status().message());

  Path request = path ? *path : (NeedsRequestPath(*format) ? CommonPath(desc->content.records) : Path());
  CodecContext ctx{request, &models, o.lwm2m_version};
  const auto* info = FindContentFormat(*format);
  auto bytes = (*codec)->Encode(desc->content, ctx);
  if (!bytes) {
    std::string where = source;
    if (auto i = RecordNamedIn(bytes.status().message(), desc->content.records))
      where = Where(source, desc->record_marks[*i]);
    std::cerr << "lwm2m-harness encode: " << where << ": " << info->name << " cannot encode this (request path "
              << request.ToString() << "): " << bytes.status().ToString() << "\n";
    return kExitErrors;
  }

  if (!o.out.empty()) {
    if (Status s = WriteFileAtomic(o.out, ToString(*bytes)); !s.ok()) return Usage(s.message());
  }
  if (o.json) {
    Json j;
    j["format"] = std::string(info->name);
    j["content_format"] = static_cast<unsigned>(*format);
    j["path"] = request.ToString();
    j["hex"] = HexEncode(*bytes);
    j["length"] = bytes->size();
    if (!o.out.empty()) j["out"] = o.out;
    std::cout << DumpJson(j) << "\n";
  } else if (!o.out.empty()) {
    std::cout << "wrote " << Plural(bytes->size(), "byte") << " of " << info->name << " to " << o.out << "\n";
  } else {
    std::cout << HexEncode(*bytes) << "\n";
  }
  return kExitOk;
}
}  // namespace

Command AddEncodeCommand(CLI::App& root) {
  auto o = std::make_shared<EncodeOptions>();
  CLI::App* app = root.add_subcommand("encode", "Encode records or links described in YAML/JSON into a payload");
  app->footer(
      "Encodes records (or links) described in a small YAML or JSON document in one LwM2M content format, and\n"
      "print the payload as hex or write the raw bytes with --out. The description is a list of records\n"
      "[{path: /3/0/0, value: ACME, type: String}], a mapping {\"/3/0/0\": ACME, \"/3/0/11\": [0, 1]}, a list of\n"
      "links [{target: /3/0, params: {ver: \"1.2\"}}], or the JSON that `decode --json` prints. A value's type is\n"
      "`type:` when given, else the object model's, else the scalar's (quoted: String; true: Boolean; 12: Integer;\n"
      "1.5: Float); Opaque is hex or \"base64:...\". Without --path, TLV, text, opaque and CBOR encode relative to\n"
      "the records' deepest common path. Exit 0: encoded; 1: the format cannot carry the content; 2: usage error\n"
      "(errors in the description name its file:line:column).\n"
      "\n"
      "Examples:\n"
      "  echo '{\"/3/0/0\": \"ACME\", \"/3/0/9\": 85}' | lwm2m-harness encode --format tlv --path /3/0 -\n"
      "  lwm2m-harness encode --format senml-cbor --input device.yaml --out device.cbor");
  app->add_option("-f,--format", o->format, "Content format: name (tlv, senml-cbor, ...) or number (11542)")
      ->required();
  o->path_opt = app->add_option("-p,--path", o->path, "The request path to encode relative to");
  app->add_option("--lwm2m-version", o->lwm2m_version, "LwM2M version of the peer: 1.0, 1.1 or 1.2")
      ->capture_default_str();
  auto* in = app->add_option("-i,--input", o->input_file, "The description, a YAML or JSON file");
  auto* pos = app->add_option("input", o->input, "'-' reads the description from standard input");
  in->excludes(pos);
  app->add_option("-o,--out", o->out, "Write the raw payload bytes to FILE");
  app->add_flag("--json", o->json, "Print {\"hex\": ..., \"length\": ...} as JSON");
  return {app, [o]() { return RunEncode(*o); }};
}

}  // namespace lwm2m::cli
