// bind_modules.h: one Bind* function per bound layer, called by module.cc in dependency order.
#pragma once

#include <pybind11/pybind11.h>

namespace lwm2m::py_binding {
void BindCodec(pybind11::module_& m);
void BindServer(pybind11::module_& m);
void BindClient(pybind11::module_& m);
void BindEngine(pybind11::module_& m);
}  // namespace lwm2m::py_binding
