// commands.h: one registration function per lwm2m-harness subcommand. Each adds
// its CLI11 subcommand (options, description, examples) to the root app and
// returns what to run once parsing is done; main.cc runs the one the user chose.
//   Command c = AddDecodeCommand(app);   // `lwm2m-harness decode ...`
//   ... app.parse(argc, argv); if (c.app->parsed()) return c.run();
#pragma once

#include "harness/cli/cli_common.h"

namespace lwm2m::cli {

Command AddDecodeCommand(CLI::App& root);     // cmd_decode.cc
Command AddEncodeCommand(CLI::App& root);     // cmd_encode.cc
Command AddFormatsCommand(CLI::App& root);    // cmd_formats.cc
Command AddSelfcheckCommand(CLI::App& root);  // cmd_selfcheck.cc
Command AddListCommand(CLI::App& root);          // cmd_list.cc
Command AddRunCommand(CLI::App& root);           // cmd_run.cc
Command AddValidateCommand(CLI::App& root);      // cmd_validate.cc
Command AddReportCommand(CLI::App& root);        // cmd_report.cc
Command AddMergeCommand(CLI::App& root);         // cmd_merge.cc
Command AddRequirementsCommand(CLI::App& root);  // cmd_requirements.cc

// The command line as typed (recorded in report.json); main.cc sets it.
std::string& CommandLine();

}  // namespace lwm2m::cli
