// The engine's C++ exceptions as the Python exceptions of corridorkey_native.errors, with the
// engine's messages. A translator, so that every binding throws plain C++ and never thinks of it.
#include <exception>

#include <nanobind/nanobind.h>

#include "bindings.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/hub/hub.hpp"

namespace nb = nanobind;

namespace corridorkey::python {

namespace {

struct ErrorTypes {
  nb::object base, checkpoint, hub, frame, model, io, usage;
};
ErrorTypes* g_types = nullptr;  // alive for the process: the module holds the classes too

void translate(const std::exception_ptr& p, void*) {
  const ErrorTypes& t = *g_types;
  auto raise = [](const nb::object& type, const char* what) { PyErr_SetString(type.ptr(), what); };
  try {
    std::rethrow_exception(p);
  } catch (const HubError& e) {
    raise(t.hub, e.what());
  } catch (const CheckpointError& e) {
    raise(t.checkpoint, e.what());
  } catch (const FrameError& e) {
    raise(t.frame, e.what());
  } catch (const ModelError& e) {
    raise(t.model, e.what());
  } catch (const IoError& e) {
    raise(t.io, e.what());
  } catch (const UsageError& e) {
    raise(t.usage, e.what());
  } catch (const Error& e) {
    raise(t.base, e.what());
  }
}

}  // namespace

void bind_errors(nb::module_& m) {
  const nb::module_ errors = nb::module_::import_("corridorkey_native.errors");
  g_types = new ErrorTypes{errors.attr("CorridorKeyError"), errors.attr("CheckpointError"), errors.attr("HubError"),
                           errors.attr("FrameError"),       errors.attr("ModelError"),      errors.attr("IoError"),
                           errors.attr("UsageError")};
  m.attr("errors") = errors;
  nb::register_exception_translator(translate);
}

}  // namespace corridorkey::python
