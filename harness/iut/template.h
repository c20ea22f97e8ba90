// template.h: "{server_uri}"-style command templates of the IUT description and the variables the
// harness provides. "{{" and "}}" are literal braces (write a shell "${HOME}" as "${{HOME}}").
// With shell_quote, every value is one shell word (quoted when needed), except variables whose
// name ends in "_args": those are argument lists the harness already quoted (see ShellArgs).
// "{?name:text}" expands `text` only when variable `name` is non-empty ("--psk-key" only with PSK).
//   Expand("run --server {server_uri} {fault_args}", vars, true)
//     -> "run --server coap://127.0.0.1:40001 --fault no-version-fallback"
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/iut/iut_description.h"
#include "lwm2m/result.h"

namespace lwm2m::iut {

using Variables = std::map<std::string, std::string>;

// Unknown names are errors naming the offset and the closest known name; a placeholder inside
// shell quotes ('{x}' or "{x}") is an error when shell_quote (the value is quoted for you).
Result<std::string> Expand(std::string_view tmpl, const Variables& vars, bool shell_quote);
// As Expand, but each value goes through `encode` (e.g. percent-encoding for an HTTP URL).
Result<std::string> ExpandWith(std::string_view tmpl, const Variables& vars, std::string (*encode)(std::string_view));
// Checks the syntax only (braces, names); `known` non-empty: names must be in it.
Status CheckTemplate(std::string_view tmpl, const std::vector<std::string>& known);
// The variable names a template uses, in order of appearance (syntax errors skipped).
std::vector<std::string> TemplateNames(std::string_view tmpl);

// One POSIX shell word: unchanged when only [A-Za-z0-9_./:@%+=,-] (and non-empty), else '...'.
std::string ShellQuote(std::string_view value);
// "--fault 'a' --fault b" for (flag "--fault", {"a", "b"}) ; "" for an empty list.
std::string ShellArgs(std::string_view flag, const std::vector<std::string>& values);
// RFC 3986 percent-encoding of everything but unreserved characters.
std::string PercentEncode(std::string_view value);

// What the engine knows per case; MakeVariables turns it into the template variables.
struct VariableInputs {
  std::string server_uri;     // the tester's LwM2M server URI the IUT client should use
  std::string bootstrap_uri;  // the tester's bootstrap server URI ("" when none)
  std::string endpoint;       // "" = the IUT file's endpoint
  std::string psk_identity, psk_key_hex;  // "" = the IUT file's
  std::string host = "127.0.0.1";  // where an IUT server should listen / be reached
  int port = 0;                    // the port an IUT server should listen on
  std::string build_dir, source_dir, case_dir;
  double time_scale = 1.0;
  std::vector<std::string> faults;  // deliberate faults to switch on in a reference endpoint
};

// The variables every template may use (kept in this order in the docs):
//   server_uri bootstrap_uri endpoint psk_identity psk_key_hex host port build_dir source_dir
//   case_dir time_scale faults (comma-separated, one word) fault_args ("--fault X" repeated, raw)
//   iut_dir (directory of the IUT file) iut_name
const std::vector<std::string>& StandardVariableNames();
Variables MakeVariables(const IutDescription& iut, const VariableInputs& in);

}  // namespace lwm2m::iut
