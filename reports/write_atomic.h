// Atomic file replacement for reports: the content goes to a temporary file in the same folder,
// is flushed to disk, then renamed over the target (rename(2) is atomic within a file system),
// so a reader or an interrupted run sees either the old file or the new one, never half of one.
//   Status s = WriteFileAtomic(out / "report.json", text);
#pragma once

#include <filesystem>
#include <string_view>

#include "lwm2m/result.h"

namespace lwm2m::report {

// Writes `content` to `path` atomically (mode 0644). The folder must exist. On any error the
// temporary file is removed and the old `path`, if any, is left untouched. The rename alone
// protects against the harness being killed; `sync` also fsyncs the file and the folder so the
// result survives a power loss (tens of ms on a disk: used for the final reports only).
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view content, bool sync = false);

}  // namespace lwm2m::report
