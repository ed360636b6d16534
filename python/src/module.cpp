// corridorkey_native._native: the engine's C++ API for Python. The public, documented API is the
// Python package around it (corridorkey_native/__init__.py); this module holds no Python logic.
#include <cstdint>

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <torch/version.h>

#include "arrays.hpp"
#include "bindings.hpp"
#include "corridorkey/config.hpp"
#include "corridorkey/device.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/version.hpp"

namespace nb = nanobind;
namespace ck = corridorkey;

NB_MODULE(_native, m) {
  m.doc() = "The CorridorKey native engine's C++ core (use the corridorkey_native package, not this module).";
  m.attr("__version__") = CORRIDORKEY_VERSION_STRING;
  m.attr("TORCH_VERSION") = TORCH_VERSION;  // the LibTorch this module was compiled against
  m.attr("CUDA_BUILD") = CORRIDORKEY_WITH_CUDA != 0;
  m.def("version_text", &ck::version_text);
  m.def(
      "set_log_level", [](const std::string& level) { ck::set_log_level(ck::parse_log_level(level)); },
      nb::arg("level"));
  m.def("limit_cpu_isa", &ck::limit_cpu_isa, nb::arg("isa"));
  m.def("input_copies", &ck::python::input_copies);
  // The address of the memory the engine reads for `object`: the caller's own, where no copy was made.
  m.def(
      "input_address",
      [](nb::handle object, const std::string& name) {
        return reinterpret_cast<std::uintptr_t>(ck::python::input_tensor(object, name.c_str()).tensor.data_ptr());
      },
      nb::arg("object"), nb::arg("name"));
  ck::python::bind_errors(m);
  ck::python::bind_engine(m);
  ck::python::bind_alpha(m);
  ck::python::bind_checkpoints(m);
}
