// print.h: how the CLI shows LwM2M content to people (an indented node tree
// with object and resource names from the models, links one per line,
// diagnostics, aligned tables) and to programs (JSON of records, links, diagnostics).
//   PrintTree(std::cout, BuildTree(records, &models), models);
//   json j = RecordToJson(record, models);   // {"path":"/3/0/0","name":"Manufacturer",...}
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lwm2m/content.h"
#include "lwm2m/diagnostic.h"
#include "lwm2m/model.h"
#include "lwm2m/node.h"

namespace lwm2m::cli {

using Json = nlohmann::ordered_json;

// Every JSON document the CLI prints: two-space indent, invalid UTF-8 from a
// peer replaced instead of throwing.
std::string DumpJson(const Json& j, int indent = 2);

// `"abc"` for people: \" \\ \n \r \t escaped, other control bytes and bytes that are
// not well-formed UTF-8 shown as \xNN (so a bad byte stays visible).
std::string Quoted(const std::string& s);
// How one value reads in the tree: `"Open Mobile Alliance"`, `21.5`, `true`,
// `4 bytes 0102feff`, `3:0`, `1367491215 (2013-05-02T10:40:15Z)`, `(no value)`.
std::string ValueDisplay(const Value& v);
// The JSON of a value: strings, numbers, booleans; Opaque as lower-case hex,
// Objlnk as "3:0", non-finite floats as "NaN"/"Infinity"/"-Infinity", None as null.
Json ValueToJson(const Value& v);

// "Device" for /3..., "Manufacturer" for /3/0/0; "" when the models do not know it.
std::string ObjectName(const Path& p, const ModelRegistry& models);
std::string ResourceName(const Path& p, const ModelRegistry& models);

Json RecordToJson(const Record& r, const ModelRegistry& models);
Json LinkToJson(const Link& l);
Json DiagnosticToJson(const Diagnostic& d);

// `</3/0>;ver=1.2;rt="oma.lwm2m"`
std::string LinkToString(const Link& l);

// The tree, names from the models:  /3 Device / /3/0 / /3/0/0 Manufacturer  String  "..."
void PrintTree(std::ostream& os, const Tree& tree, const ModelRegistry& models);
// Records one per line in payload order, with their time when they carry one
// (used for time series, where a path repeats).
void PrintRecords(std::ostream& os, const std::vector<Record>& records, const ModelRegistry& models);
void PrintLinks(std::ostream& os, const std::vector<Link>& links, const ModelRegistry& models);
void PrintDiagnostics(std::ostream& os, const std::vector<Diagnostic>& diagnostics);

// "1 error", "2 errors".
std::string Plural(size_t n, const std::string& noun);
size_t CountSeverity(const std::vector<Diagnostic>& d, Severity s);

// Columns padded to their widest cell; the last column is not padded.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& os) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace lwm2m::cli
