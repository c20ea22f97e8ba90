// report.json writer (see json_writer.h).
#include "reports/json_writer.h"

namespace lwm2m::report {

std::string RenderJson(const RunResult& run) {
  return ToJson(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace lwm2m::report
