// The built-in coarse alpha hint and the screen colour of plates, for frames that come without a
// hint (what clip_manager's generate_alphas action and --screen-color auto do).
#include <optional>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include "arrays.hpp"
#include "bindings.hpp"
#include "corridorkey/coarse_alpha.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/screen.hpp"

namespace nb = nanobind;

namespace corridorkey::python {

namespace {

at::Tensor frame_of(const InputTensor& in, const char* name) {
  const at::Tensor& t = in.tensor;
  if (t.dim() != 3 || (t.size(2) != 3 && t.size(2) != 4)) {
    throw FrameError(std::string(name) + ": expected an [H, W, 3] image, got a tensor of " + std::to_string(t.dim()) +
                     " dimensions" + (t.dim() == 3 ? " with " + std::to_string(t.size(2)) + " channels" : ""));
  }
  require_finite(t, name);
  return t;
}

// The decision over several frames, as a dict.
nb::dict decision_dict(const ScreenDecision& d) {
  nb::dict out;
  out["color"] = screen_color_name(d.color);
  out["ambiguous"] = d.ambiguous;
  out["mixed"] = d.mixed;
  out["evidence"] = d.evidence;
  nb::list verdicts;
  for (const ScreenVerdict v : d.verdicts) {
    verdicts.append(v == ScreenVerdict::green ? "green" : v == ScreenVerdict::blue ? "blue" : "undecided");
  }
  out["verdicts"] = verdicts;
  return out;
}

nb::dict detect(nb::sequence images, nb::object masks, bool input_is_linear) {
  std::vector<InputTensor> plates, hints;
  for (nb::handle image : images) plates.push_back(input_tensor(image, "images[i]"));
  if (plates.empty()) throw FrameError("images: pass at least one image");
  if (!masks.is_none()) {
    for (nb::handle mask : nb::cast<nb::sequence>(masks)) hints.push_back(input_tensor(mask, "masks[i]"));
    if (hints.size() != plates.size()) {
      throw FrameError("masks: " + std::to_string(hints.size()) + " masks for " + std::to_string(plates.size()) +
                       " images");
    }
  }
  std::vector<ScreenSample> samples;
  {
    nb::gil_scoped_release unlocked;
    for (std::size_t i = 0; i < plates.size(); ++i) {
      const at::Tensor plate = frame_of(plates[i], "images[i]");
      samples.push_back(measure_screen(plate, hints.empty() ? at::Tensor() : hints[i].tensor, input_is_linear));
    }
  }
  return decision_dict(decide_screen(samples));
}

}  // namespace

void bind_alpha(nb::module_& m) {
  m.def(
      "generate_alpha",
      [](nb::handle image, const std::string& screen_color, bool input_is_linear) {
        const InputTensor in = input_tensor(image, "image");
        const at::Tensor plate = frame_of(in, "image");
        CoarseAlphaSettings settings;
        settings.input_is_linear = input_is_linear;
        std::string evidence;
        if (screen_color == "auto") {
          nb::gil_scoped_release unlocked;
          const ScreenDecision d = decide_screen({measure_screen(plate, at::Tensor(), input_is_linear)});
          settings.screen = d.color;
          if (d.ambiguous)
            log_warn("generate_alpha: the screen colour is undecided (", d.evidence, "); keyed as green");
        } else {
          settings.screen = parse_screen_color(screen_color);
        }
        CoarseAlpha alpha;
        {
          nb::gil_scoped_release unlocked;
          alpha = coarse_alpha(plate, settings);
        }
        if (!alpha.found_screen) log_warn("generate_alpha: too little screen in the frame; the hint is all foreground");
        at::Tensor out = alpha.alpha;
        if (in.from_torch && !plate.is_cpu()) out = out.to(plate.device());
        nb::dict result;
        result["alpha"] = output_array(out, in.from_torch);
        result["screen_color"] = screen_color_name(settings.screen);
        result["found_screen"] = alpha.found_screen;
        result["screen_share"] = alpha.screen_share;
        return result;
      },
      nb::arg("image"), nb::arg("screen_color"), nb::arg("input_is_linear"));
  m.def("detect_screen_color", &detect, nb::arg("images"), nb::arg("masks").none(), nb::arg("input_is_linear"));
}

}  // namespace corridorkey::python
