// FileReportWriter (see file_writer.h).
#include "reports/file_writer.h"

#include "reports/write_atomic.h"

namespace lwm2m::report {

Status FileReportWriter::Write(const RunResult& run) const { return WriteFileAtomic(path_, render_(run)); }

}  // namespace lwm2m::report
