// The parts of the _native module, one per API area; module.cpp puts them together.
#pragma once

#include <nanobind/nanobind.h>

namespace corridorkey::python {

void bind_errors(nanobind::module_& m);       // errors.cpp: C++ exceptions -> corridorkey_native.errors
void bind_engine(nanobind::module_& m);       // engine.cpp: Engine
void bind_alpha(nanobind::module_& m);        // alpha.cpp: generate_alpha, detect_screen_color
void bind_checkpoints(nanobind::module_& m);  // checkpoints.cpp: inspect, convert, ensure

}  // namespace corridorkey::python
