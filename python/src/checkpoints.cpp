// Checkpoints: what a file holds, converting one to safetensors (verified), and finding or
// downloading the official one by clip_manager's rules.
#include <filesystem>
#include <optional>
#include <string>

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "corridorkey/config.hpp"
#include "corridorkey/hub/hub.hpp"
#include "corridorkey/inspect.hpp"

namespace nb = nanobind;

namespace corridorkey::python {

void bind_checkpoints(nb::module_& m) {
  // JSON text: the package parses it into a dict (the same document as clip_manager --json).
  m.def(
      "inspect_checkpoint",
      [](const std::string& path) {
        nb::gil_scoped_release unlocked;
        return inspect_checkpoint(path).to_json();
      },
      nb::arg("path"));
  m.def(
      "convert_checkpoint",
      [](const std::string& src, const std::string& dst, const std::string& dtype) {
        Conversion done;
        {
          nb::gil_scoped_release unlocked;
          done = convert_checkpoint(src, dst, dtype, std::string("corridorkey_native ") + CORRIDORKEY_VERSION_STRING);
        }
        nb::dict out;
        out["tensors"] = done.tensors;
        out["normalisation"] = done.normalisation;
        nb::list diffs;
        for (const auto& d : done.differences) diffs.append(nb::make_tuple(d.name, d.what));
        out["differences"] = diffs;
        return out;
      },
      nb::arg("src"), nb::arg("dst"), nb::arg("dtype"));
  m.def(
      "ensure_checkpoint",
      [](const std::string& screen_color, std::optional<std::string> checkpoint_dir, bool allow_download) {
        const ScreenColor color = parse_screen_color(screen_color);
        nb::gil_scoped_release unlocked;
        HubOptions hub = HubOptions::from_environment();
        ResolveRequest request{{},
                               checkpoint_dir ? std::filesystem::path(*checkpoint_dir) : std::filesystem::path(),
                               allow_download,
                               color};
        const ResolvedCheckpoint found = resolve_checkpoint(request, hub);
        return std::make_pair(found.path.string(), found.how);
      },
      nb::arg("screen_color"), nb::arg("checkpoint_dir").none(), nb::arg("allow_download"));
}

}  // namespace corridorkey::python
