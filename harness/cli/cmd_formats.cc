// cmd_formats.cc: `lwm2m-harness formats`, the content formats LwM2M 1.2 uses
// (Core TS 1.2 §7.4) and whether this build has a codec for each.
#include <iostream>

#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/print.h"

namespace lwm2m::cli {

Command AddFormatsCommand(CLI::App& root) {
  struct Options {
    bool json = false;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* app = root.add_subcommand("formats", "List the content formats and whether each codec is available");
  app->footer(
      "Lists the CoAP content formats of LwM2M 1.2 (Core TS 1.2 §7.4): number, short name, media type, and\n"
      "whether this build has a codec for it. The short names and numbers are what --format accepts.\n"
      "\n"
      "Examples:\n"
      "  lwm2m-harness formats\n"
      "  lwm2m-harness formats --json");
  app->add_flag("--json", opt->json, "Print a JSON array instead of a table");
  return {app, [opt]() {
            if (opt->json) {
              Json a = Json::array();
              for (const auto& f : AllContentFormats()) {
                Json j;
                j["content_format"] = static_cast<unsigned>(f.format);
                j["name"] = std::string(f.name);
                j["media_type"] = std::string(f.media_type);
                j["available"] = FindCodec(f.format) != nullptr;
                a.push_back(std::move(j));
              }
              std::cout << DumpJson(a) << "\n";
              return static_cast<int>(kExitOk);
            }
            TextTable t({"number", "name", "media type", "codec"});
            for (const auto& f : AllContentFormats())
              t.AddRow({std::to_string(static_cast<unsigned>(f.format)), std::string(f.name),
                        std::string(f.media_type), FindCodec(f.format) ? "available" : "not available"});
            t.Print(std::cout);
            return static_cast<int>(kExitOk);
          }};
}

}  // namespace lwm2m::cli
