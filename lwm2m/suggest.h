// suggest.h: the edit distance behind every "did you mean ...?" of the project (YAML cases, IUT
// files, configurations, requirement labels, CLI keys), so all loaders measure typos the same way.
//   EditDistance("exepct", "expect") == 1   (two neighbours swapped)
#pragma once

#include <cstddef>
#include <string_view>

namespace lwm2m {

// Optimal string alignment distance: inserting, deleting or substituting one byte, or swapping
// two neighbouring bytes, costs 1 (the usual typos).
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace lwm2m
