// diagnostic.cc
#include "lwm2m/diagnostic.h"

namespace lwm2m {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "?";
}

std::string Diagnostic::ToString() const {
  std::string s(SeverityName(severity));
  if (offset) s += " at offset " + std::to_string(*offset);
  if (!path.empty()) s += " (" + path + ")";
  s += ": " + message;
  if (!rule.empty()) s += " [" + rule + "]";
  return s;
}

void Diagnostics::Error(std::optional<size_t> offset, std::string path, std::string message, std::string rule) {
  list_.push_back({Severity::kError, offset, std::move(path), std::move(message), std::move(rule)});
}
void Diagnostics::Warning(std::optional<size_t> offset, std::string path, std::string message, std::string rule) {
  list_.push_back({Severity::kWarning, offset, std::move(path), std::move(message), std::move(rule)});
}
void Diagnostics::Info(std::optional<size_t> offset, std::string path, std::string message, std::string rule) {
  list_.push_back({Severity::kInfo, offset, std::move(path), std::move(message), std::move(rule)});
}
void Diagnostics::Append(const std::vector<Diagnostic>& other) {
  list_.insert(list_.end(), other.begin(), other.end());
}
bool Diagnostics::HasErrors() const { return lwm2m::HasErrors(list_); }

bool HasErrors(const std::vector<Diagnostic>& list) {
  for (const auto& d : list)
    if (d.severity == Severity::kError) return true;
  return false;
}

}  // namespace lwm2m
