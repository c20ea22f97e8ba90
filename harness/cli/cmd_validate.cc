// cmd_validate.cc: `lwm2m-harness validate [PATH...]`: checks every case file (strict loader,
// file:line:col), the IUT files under iut/, the requirement table, the case files' requirement
// labels against it, and that the case schema knows every key the loader accepts.
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/suite.h"
#include "harness/iut/iut_description.h"
#include "harness/scoring/requirement_table.h"

namespace lwm2m::cli {
namespace fs = std::filesystem;

namespace {

// The property names anywhere in the schema.
std::set<std::string> SchemaProperties(const std::string& path, std::string& error) {
  std::set<std::string> props;
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot read the file";
    return props;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) {
    error = path + ": not valid JSON";
    return props;
  }
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& n) {
    if (n.is_object()) {
      if (n.contains("properties") && n["properties"].is_object())
        for (auto it = n["properties"].begin(); it != n["properties"].end(); ++it) props.insert(it.key());
      for (const auto& x : n) walk(x);
    } else if (n.is_array()) {
      for (const auto& x : n) walk(x);
    }
  };
  walk(j);
  return props;
}

int Validate(const std::vector<std::string>& paths_in) {
  std::vector<std::string> paths = paths_in;
  if (paths.empty()) paths.push_back(DefaultTestcases());
  int errors = 0, cases = 0, iuts = 0;
  for (const auto& root : paths) {
    if (!fs::exists(root)) {
      std::cerr << root << ": no such file or folder\n";
      return kExitUsage;
    }
    std::vector<engine::LoadError> le;
    auto all = LoadSuite(root, le);
    for (const auto& e : le) std::cout << e.ToString() << "\n";
    errors += static_cast<int>(le.size());
    cases += static_cast<int>(all.size());
    // Requirement table and labels.
    std::string table_path = DefaultRequirementTable(root);
    std::vector<Diagnostic> td;
    auto table = scoring::LoadRequirementTable(table_path, td);
    for (const auto& d : td)
      if (d.severity == Severity::kError) std::cout << scoring::DiagnosticLine(d) << "\n", ++errors;
    if (table) {
      for (const auto& c : all) {
        for (const auto& msg : scoring::CheckLabels(*table, c.requirements)) {
          std::cout << c.file << ":1:1: " << msg << "\n";
          ++errors;
        }
      }
    }
    // Duplicate ids across folders.
    std::map<std::string, std::string> seen;
    for (const auto& c : all) {
      if (seen.count(c.id)) {
        std::cout << c.file << ":1:1: case id '" << c.id << "' is also used by " << seen[c.id] << "\n";
        ++errors;
      }
      seen[c.id] = c.file;
    }
    // IUT files.
    fs::path iut_dir = fs::is_directory(root) ? fs::path(root) / "iut" : fs::path();
    if (!iut_dir.empty() && fs::is_directory(iut_dir)) {
      for (const auto& e : fs::directory_iterator(iut_dir)) {
        if (e.path().extension() != ".yaml") continue;
        ++iuts;
        std::vector<Diagnostic> d;
        auto r = iut::LoadIut(e.path().string(), d);
        for (const auto& x : d)
          if (x.severity == Severity::kError) std::cout << x.message << "\n", ++errors;
        if (!r && d.empty()) std::cout << e.path().string() << ": " << r.status().message() << "\n", ++errors;
      }
    }
    // Schema in sync with the loader.
    fs::path schema = fs::is_directory(root) ? fs::path(root) / "schema" / "case.schema.json" : fs::path();
    if (!schema.empty() && fs::exists(schema)) {
      std::string err;
      auto props = SchemaProperties(schema.string(), err);
      if (!err.empty()) std::cout << err << "\n", ++errors;
      for (const auto& [ctx, keys] : engine::AcceptedKeys())
        for (const auto& k : keys)
          if (!props.count(k)) {
            std::cout << schema.string() << ": key '" << k << "' (" << ctx << ") accepted by the loader is missing\n";
            ++errors;
          }
    }
  }
  std::cerr << cases << " case(s), " << iuts << " IUT file(s): " << (errors ? std::to_string(errors) + " error(s)" : "valid")
            << "\n";
  return errors ? kExitErrors : kExitOk;
}

}  // namespace

Command AddValidateCommand(CLI::App& root) {
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* app = root.add_subcommand("validate", "Check case files, IUT files, the schema and requirement labels");
  app->add_option("paths", *paths, "folders or case files (default: the shipped testcases/)");
  app->footer("Exit codes: 0 valid, 1 errors found (each as file:line:col: message), 2 usage error.\n"
              "Examples:\n  lwm2m-harness validate testcases/\n  lwm2m-harness validate testcases/registration/register-declares-lwm2m-1.2.yaml");
  return {app, [paths] { return Validate(*paths); }};
}

}  // namespace lwm2m::cli
