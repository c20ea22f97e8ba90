// cmd_list.cc: `lwm2m-harness list`: the cases a selection holds (id, IUT role, ETS id,
// requirement labels, summary), as text or JSON; the same filters as `run`.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/suite.h"

namespace lwm2m::cli {

Command AddListCommand(CLI::App& root) {
  struct Args {
    CaseFilter filter;
    std::string testcases = DefaultTestcases(), role;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* app = root.add_subcommand("list", "List the conformance cases (after filters)");
  AddFilterOptions(*app, a->filter, a->testcases);
  app->add_option("--role", a->role, "only cases for this IUT role")->check(CLI::IsMember({"client", "server", "bootstrap-server"}));
  app->add_flag("--json", a->json, "one JSON array on stdout");
  app->footer("Examples:\n  lwm2m-harness list --cases 'registration/*'\n  lwm2m-harness list --requirement VER-COMP-002 --json");
  return {app, [a] {
            std::vector<engine::LoadError> errors;
            auto all = LoadSuite(a->testcases, errors);
            for (const auto& e : errors) std::cerr << e.ToString() << "\n";
            if (!a->role.empty())
              a->filter.role = a->role == "client" ? engine::IutRole::kClient
                               : a->role == "server" ? engine::IutRole::kServer
                                                     : engine::IutRole::kBootstrapServer;
            auto sel = Select(all, a->filter);
            if (!sel) {
              std::cerr << "lwm2m-harness list: " << sel.status().message() << "\n";
              return static_cast<int>(kExitUsage);
            }
            if (a->json) {
              nlohmann::json j = nlohmann::json::array();
              for (const auto& c : *sel)
                j.push_back({{"id", c.id}, {"area", c.area}, {"file", c.file}, {"iut", engine::IutRoleName(c.role)},
                             {"ets", c.ets}, {"requirements", c.requirements}, {"requires", c.requires_features},
                             {"summary", c.summary}, {"steps", c.steps.size()}, {"mutants", c.mutants.size()}});
              std::cout << j.dump(2) << "\n";
            } else {
              for (const auto& c : *sel) {
                std::string reqs;
                for (const auto& r : c.requirements) reqs += (reqs.empty() ? "" : ",") + r;
                std::cout << c.area << "/" << c.id << "\t" << engine::IutRoleName(c.role) << "\t"
                          << (c.ets.empty() ? "-" : c.ets) << "\t" << (reqs.empty() ? "-" : reqs) << "\t" << c.summary
                          << "\n";
              }
              std::cerr << sel->size() << " case(s)\n";
            }
            return static_cast<int>(errors.empty() ? kExitOk : kExitUsage);
          }};
}

}  // namespace lwm2m::cli
