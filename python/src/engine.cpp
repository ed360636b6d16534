// corridorkey_native._native.Engine: one loaded network and the frame pipeline around it.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include "arrays.hpp"
#include "bindings.hpp"
#include "corridorkey/checkpoint.hpp"
#include "corridorkey/device.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/hub/hub.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/model.hpp"
#include "corridorkey/pipeline.hpp"

namespace nb = nanobind;

namespace corridorkey::python {

namespace {

struct Settings {
  bool input_is_linear, fg_is_straight, auto_despeckle, generate_comp;
  double despill_strength, refiner_scale;
  int despeckle_size;
};

class PyEngine {
 public:
  PyEngine(std::optional<std::string> checkpoint, const std::string& screen_color, const std::string& device,
           int img_size, std::optional<std::string> precision, std::optional<int> threads, bool use_refiner,
           std::optional<std::string> checkpoint_dir) {
    if (threads) {
      if (*threads < 1)
        throw UsageError("threads=" + std::to_string(*threads) + ": use 1 or more, or None for all cores");
      at::set_num_threads(*threads);
    }
    if (img_size < 32 || img_size % 32 != 0) {
      throw UsageError("img_size=" + std::to_string(img_size) +
                       ": use a positive multiple of 32 (2048 is the training size)");
    }
    color_ = parse_screen_color(screen_color);
    ModelOptions mo;
    mo.img_size = img_size;
    mo.device = pick_device(device);
    mo.precision = precision ? parse_precision(*precision) : (mo.device.is_cuda() ? at::kHalf : at::kFloat);
    mo.allow_backbone_only = !use_refiner;
    {
      nb::gil_scoped_release unlocked;
      if (checkpoint) {
        checkpoint_ = *checkpoint;
      } else {
        HubOptions hub = HubOptions::from_environment();
        ResolveRequest request{
            {}, checkpoint_dir ? std::filesystem::path(*checkpoint_dir) : std::filesystem::path(), true, color_};
        checkpoint_ = resolve_checkpoint(request, hub).path.string();
      }
      StateDict sd = load_state_dict(checkpoint_);
      if (!use_refiner) std::erase_if(sd.tensors, [](const auto& kv) { return kv.first.rfind("refiner.", 0) == 0; });
      const ModelConfig config = ModelConfig::resolve(sd);
      engine_.emplace(GreenFormer::load(sd, config, mo));
    }
    log_info("engine: ", checkpoint_, ", img_size ", img_size, ", ", precision_name(mo.precision), " on ",
             mo.device.str());
  }

  nb::object process_frame(nb::handle image, nb::handle mask, const Settings& s) {
    InputTensor plate = input_tensor(image, "image");
    InputTensor hint = input_tensor(mask, "mask_linear");
    const at::Tensor& p = plate.tensor;
    const at::Tensor& h = hint.tensor;
    if (p.dim() != 3 && p.dim() != 4) {
      throw FrameError("image: expected [H, W, 3] or a batch [B, H, W, 3], got " + shape(p));
    }
    const bool batch = p.dim() == 4;
    if (p.size(-1) != 3 && p.size(-1) != 4) {
      throw FrameError("image: expected 3 channels (RGB) in the last axis, got " + shape(p));
    }
    // mask_linear: [H, W] or [H, W, 1] per frame; a batch adds a leading B.
    const std::int64_t frame_dims = h.dim() - (batch ? 1 : 0);
    if (frame_dims != 2 && !(frame_dims == 3 && h.size(-1) == 1)) {
      throw FrameError(std::string("mask_linear: expected ") +
                       (batch ? "[B, H, W] or [B, H, W, 1]" : "[H, W] or [H, W, 1]") + " to go with image " + shape(p) +
                       ", got " + shape(h));
    }
    if (batch && h.size(0) != p.size(0)) {
      throw FrameError("mask_linear: " + std::to_string(h.size(0)) + " masks for " + std::to_string(p.size(0)) +
                       " images (" + shape(h) + " with " + shape(p) + ")");
    }
    if (p.device() != h.device()) {
      throw FrameError("image is on " + p.device().str() + " but mask_linear on " + h.device().str() +
                       "; pass both on one device");
    }
    require_finite(p, "image");
    require_finite(h, "mask_linear");
    InferenceSettings settings;
    settings.input_is_linear = s.input_is_linear;
    settings.screen_color = color_;
    settings.despill_strength = s.despill_strength;
    settings.auto_despeckle = s.auto_despeckle;
    settings.despeckle_size = s.despeckle_size;
    settings.refiner_scale = s.refiner_scale;
    settings.generate_comp = s.generate_comp;
    settings.fg_is_straight = s.fg_is_straight;
    if (s.despeckle_size < 0)
      throw UsageError("despeckle_size=" + std::to_string(s.despeckle_size) + ": use 0 or more");

    const bool torch_out = plate.from_torch;
    const c10::Device out_device = torch_out ? p.device() : c10::Device(c10::kCPU);
    const std::int64_t frames = batch ? p.size(0) : 1;
    nb::list results;
    for (std::int64_t i = 0; i < frames; ++i) {
      const at::Tensor pi = batch ? p.select(0, i) : p;
      const at::Tensor hi = batch ? h.select(0, i) : h;
      FrameResult r;
      {
        nb::gil_scoped_release unlocked;
        const std::lock_guard<std::mutex> one_frame_at_a_time(mutex_);
        r = engine_->process_frame(pi, hi, settings);
        // Fresh tensors on the caller's device (to_host's pinned buffers are reused frame to frame),
        // complete before Python may read them on any stream.
        if (r.alpha.device() != out_device) r = r.to(out_device);
        DeviceFence::record(out_device).synchronize();
      }
      results.append(result_dict(r, torch_out));
      // Ctrl-C: KeyboardInterrupt once the frame in flight is done.
      if (PyErr_CheckSignals() != 0) throw nb::python_error();
    }
    if (!batch) return results[0];
    return results;
  }

  const std::string& checkpoint() const { return checkpoint_; }
  std::string device() const { return engine_->model().options().device.str(); }
  int img_size() const { return engine_->model().options().img_size; }
  std::string precision() const { return precision_name(engine_->model().options().precision); }
  std::string screen_color() const { return screen_color_name(color_); }
  bool has_refiner() const { return engine_->model().has_refiner(); }
  std::string describe() const { return engine_->model().config().describe(); }

 private:
  static std::string shape(const at::Tensor& t) {
    std::string s = "[";
    for (std::int64_t d = 0; d < t.dim(); ++d) s += (d ? ", " : "") + std::to_string(t.size(d));
    return s + "] " + std::string(c10::toString(t.scalar_type()));
  }

  static nb::dict result_dict(const FrameResult& r, bool torch) {
    nb::dict d;
    d["alpha"] = output_array(r.alpha, torch);
    d["fg"] = output_array(r.fg, torch);
    d["comp"] = r.comp.defined() ? output_array(r.comp, torch) : nb::none();
    d["processed"] = output_array(r.processed, torch);
    return d;
  }

  std::optional<Engine> engine_;
  std::mutex mutex_;
  std::string checkpoint_;
  ScreenColor color_ = ScreenColor::green;
};

}  // namespace

void bind_engine(nb::module_& m) {
  nb::class_<PyEngine>(m, "Engine")
      .def(nb::init<std::optional<std::string>, const std::string&, const std::string&, int, std::optional<std::string>,
                    std::optional<int>, bool, std::optional<std::string>>(),
           nb::arg("checkpoint").none(), nb::arg("screen_color"), nb::arg("device"), nb::arg("img_size"),
           nb::arg("precision").none(), nb::arg("threads").none(), nb::arg("use_refiner"),
           nb::arg("checkpoint_dir").none())
      .def(
          "process_frame",
          [](PyEngine& e, nb::handle image, nb::handle mask, bool input_is_linear, bool fg_is_straight,
             double despill_strength, bool auto_despeckle, int despeckle_size, double refiner_scale,
             bool generate_comp) {
            return e.process_frame(image, mask,
                                   Settings{input_is_linear, fg_is_straight, auto_despeckle, generate_comp,
                                            despill_strength, refiner_scale, despeckle_size});
          },
          nb::arg("image").none(), nb::arg("mask_linear").none(), nb::arg("input_is_linear"), nb::arg("fg_is_straight"),
          nb::arg("despill_strength"), nb::arg("auto_despeckle"), nb::arg("despeckle_size"), nb::arg("refiner_scale"),
          nb::arg("generate_comp"))
      .def_prop_ro("checkpoint", &PyEngine::checkpoint)
      .def_prop_ro("device", &PyEngine::device)
      .def_prop_ro("img_size", &PyEngine::img_size)
      .def_prop_ro("precision", &PyEngine::precision)
      .def_prop_ro("screen_color", &PyEngine::screen_color)
      .def_prop_ro("has_refiner", &PyEngine::has_refiner)
      .def("describe", &PyEngine::describe);
}

}  // namespace corridorkey::python
