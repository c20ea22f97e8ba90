// path_fuzz.cc: libFuzzer target for Path::Parse: whatever parses must print
// back to the same text (the text form is canonical).
#include <cstdlib>
#include <string_view>

#include "lwm2m/path.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = lwm2m::Path::Parse(text);
  if (p.ok() && p->ToString() != text) std::abort();
  return 0;
}
