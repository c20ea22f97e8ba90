// cli_common.h: what every lwm2m-harness subcommand shares: the exit codes, the
// subcommand registration record, and checked parsing of user input (format
// names, paths, hex, files, stdin) into values or a message that says what is wrong.
//   auto f = ParseFormatOption("senml-cbor");   // ContentFormat::kSenmlCbor
//   auto b = ParseHexArgument("c1 09 64");      // {0xc1, 0x09, 0x64}
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "lwm2m/suggest.h"
#include "lwm2m/codec/codec.h"
#include "lwm2m/content_format.h"
#include "lwm2m/path.h"
#include "lwm2m/result.h"
#include "lwm2m/value.h"

namespace CLI {
class App;
}

namespace lwm2m::cli {

// One closed set of exit codes for every subcommand.
enum ExitCode : int {
  kExitOk = 0,      // no error diagnostics, everything passed
  kExitErrors = 1,  // the payload or the check has errors
  kExitUsage = 2,   // the command itself is wrong: unknown format, bad hex, unreadable file, bad path
};

// A subcommand: its CLI11 parser and what runs once it has parsed.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// "tlv", "TLV", "11542" or "application/vnd.oma.lwm2m+tlv". Unknown names and
// numbers LwM2M does not use are errors that list the known names.
Result<ContentFormat> ParseFormatOption(std::string_view text);
// The codec of a known format, or "format tlv (11542) is not available in this build".
Result<const Codec*> RequireCodec(ContentFormat format);
// `what` names the option in the message: "--path: segment 2 ('x') is not a number".
Result<Path> ParsePathOption(std::string_view what, std::string_view text);
// "1.0", "1.1" or "1.2".
Status CheckLwm2mVersion(std::string_view version);

// Hex with optional spaces, tabs, newlines, ':' separators and "0x" prefixes.
// Errors give the 0-based position of the offending character.
Result<Bytes> ParseHexArgument(std::string_view text);
Result<Bytes> ReadFileBytes(const std::string& path);
Result<Bytes> ReadStdinBytes();
// Writes to `path`.tmp-<pid> then renames, so readers never see a partial file.
Status WriteFileAtomic(const std::string& path, std::string_view data);

std::string ToString(const Bytes& b);
Bytes ToBytes(std::string_view s);

// The model registry used to type and name values (ModelRegistry::Builtin()).
const ModelRegistry& Models();

// The edit distance of lwm2m/suggest.h, for "did you mean ...?" suggestions.
using lwm2m::EditDistance;  // lwm2m/suggest.h

}  // namespace lwm2m::cli
