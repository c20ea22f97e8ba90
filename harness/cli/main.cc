// main.cc: `lwm2m-harness`, the command line of the LwM2M 1.2 conformance
// harness. Wires the subcommands of commands.h and maps parse errors to exit 2.
//   lwm2m-harness decode --format tlv --path /3/0 --hex 'c1 09 64'
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"

std::string& lwm2m::cli::CommandLine() {
  static std::string line;
  return line;
}

int main(int argc, char** argv) {
  using namespace lwm2m::cli;
  CLI::App app{
      "lwm2m-harness: interoperability test harness and conformance suite for OMA LwM2M 1.2.\n"
      "Runs YAML conformance cases against an LwM2M client or server (the IUT) over a recording,\n"
      "fault-injecting wire and writes verdicts with evidence (console, report.json, junit.xml,\n"
      "report.html, summary.md); decodes and encodes every LwM2M content format.",
      "lwm2m-harness"};
  app.set_version_flag("--version", std::string("lwm2m-harness ") + LWM2M_HARNESS_VERSION +
                                        " (OMA LwM2M 1.2 conformance harness)");
  app.require_subcommand(1);

  std::vector<Command> commands;
#ifdef LWM2M_HARNESS_SUITE
  for (auto add : {AddListCommand, AddRunCommand, AddValidateCommand, AddReportCommand, AddMergeCommand,
                   AddRequirementsCommand})
    commands.push_back(add(app));
#endif
  for (auto add : {AddDecodeCommand, AddEncodeCommand, AddFormatsCommand, AddSelfcheckCommand})
    commands.push_back(add(app));
  for (int i = 0; i < argc; ++i) CommandLine() += (i ? " " : "") + std::string(argv[i]);
  app.footer(
      "Exit codes: 0 all passed / no errors (or only expected failures), 1 failures or errors found\n"
      "(failed cases, payload diagnostics), 2 usage or configuration error, 3 the IUT could not be set up,\n"
      "130 interrupted (SIGINT/SIGTERM; reports are still written, marked partial).\n"
      "Run `lwm2m-harness <subcommand> --help` for the options and examples of each subcommand.\n"
      "Examples:\n"
      "  lwm2m-harness decode --format tlv --path /3/0 --hex 'c8 00 14 4f70656e204d6f62696c6520416c6c69616e6365'\n"
      "  lwm2m-harness run --iut testcases/iut/reference-client.yaml --out reports/out/client\n"
      "  lwm2m-harness validate testcases/\n"
      "  lwm2m-harness selfcheck --out reports/out");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  for (const Command& c : commands)
    if (c.app->parsed()) {
      try {
        return c.run();
      } catch (const std::exception& e) {
        // Our own bug, not the payload's: say so rather than abort.
        std::cerr << "lwm2m-harness: internal error: " << e.what() << "\n";
        return kExitUsage;
      }
    }
  return kExitUsage;
}
