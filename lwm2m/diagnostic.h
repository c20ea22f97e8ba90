// diagnostic.h: what a decoder found wrong (or odd) in a payload. Decoders are
// conformance instruments: they return the nodes they could decode *and* a list
// of Diagnostics, each with severity, byte offset, LwM2M path, message and rule.
//   Diagnostics d;
//   d.Error(5, "/3/0/1", "TLV length 12 runs 7 bytes past the end", "Core TS 1.2 §7.4.3");
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lwm2m {

enum class Severity : uint8_t { kInfo, kWarning, kError };
std::string_view SeverityName(Severity s);  // "info", "warning", "error"

struct Diagnostic {
  Severity severity = Severity::kError;
  std::optional<size_t> offset;  // byte offset in the payload, when one applies
  std::string path;              // LwM2M path the problem concerns, or ""
  std::string message;           // what is wrong, in one sentence
  std::string rule;              // the clause it breaks: "RFC 8428 §4.5.1", "Core TS 1.2 §7.4.3"

  // "error at offset 5 (/3/0/1): TLV length ... [Core TS 1.2 §7.4.3]"
  std::string ToString() const;
};

class Diagnostics {
 public:
  void Add(Diagnostic d) { list_.push_back(std::move(d)); }
  void Error(std::optional<size_t> offset, std::string path, std::string message, std::string rule = {});
  void Warning(std::optional<size_t> offset, std::string path, std::string message, std::string rule = {});
  void Info(std::optional<size_t> offset, std::string path, std::string message, std::string rule = {});
  void Append(const std::vector<Diagnostic>& other);

  bool HasErrors() const;
  bool empty() const { return list_.empty(); }
  size_t size() const { return list_.size(); }
  const std::vector<Diagnostic>& list() const { return list_; }
  std::vector<Diagnostic>& list() { return list_; }
  std::vector<Diagnostic> Take() { return std::move(list_); }

 private:
  std::vector<Diagnostic> list_;
};

bool HasErrors(const std::vector<Diagnostic>& list);

}  // namespace lwm2m
