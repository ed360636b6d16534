#include <chrono>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include "corridorkey/config.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/pipeline.hpp"
#include "corridorkey_kernels/color.hpp"
#include "corridorkey_kernels/despeckle.hpp"
#include "corridorkey_kernels/resize.hpp"
#include "frames.hpp"
#include "gpu_path.hpp"

namespace corridorkey {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Bands of rows on as many threads as LibTorch is set to use (at::set_num_threads, --threads).
// Not at::parallel_for: it is an inline OpenMP region, serial in code built without -fopenmp, and
// a second OpenMP runtime must not come in beside LibTorch's.
kernels::RowRunner parallel_rows() { return kernels::thread_bands(at::get_num_threads()); }

// [C, S, S] network output -> [height, width, C] float32 on the CPU (Lanczos4, as cv2.resize).
at::Tensor resize_back(const at::Tensor& chw, int width, int height) {
  const at::Tensor planar = chw.to(at::kCPU, at::kFloat).contiguous();
  const int channels = static_cast<int>(planar.size(0));
  at::Tensor out = at::empty({height, width, channels}, at::kFloat);
  kernels::cpu::resize_lanczos4(planar.data_ptr<float>(), out.data_ptr<float>(), channels,
                                static_cast<int>(planar.size(1)), static_cast<int>(planar.size(2)), height, width,
                                parallel_rows());
  return out;
}

}  // namespace

FrameResult FrameResult::to(c10::Device device) const {
  const auto move = [&](const at::Tensor& t) { return t.defined() ? t.to(device) : t; };
  return {move(alpha), move(fg), move(comp), move(processed)};
}

FrameResult FrameResult::to_host(const HostOutputs& which) const {
#if CORRIDORKEY_WITH_CUDA
  for (const at::Tensor* t : {&alpha, &fg, &comp, &processed}) {
    if (t->defined() && t->is_cuda()) return detail::to_host_cuda(*this, which, t->device());
  }
#endif
  const auto keep = [](bool wanted, const at::Tensor& t) {
    return wanted && t.defined() ? t.to(at::kCPU).contiguous() : at::Tensor();
  };
  return {keep(which.alpha, alpha), keep(which.fg, fg), keep(which.comp, comp), keep(which.processed, processed)};
}

at::Tensor despeckle(const at::Tensor& alpha, int min_area) {
  if (!alpha.defined() || !alpha.device().is_cpu() || alpha.scalar_type() != at::kFloat || alpha.dim() < 2 ||
      alpha.dim() > 3 || (alpha.dim() == 3 && alpha.size(2) != 1)) {
    throw FrameError("despeckle takes an [H, W] or [H, W, 1] float32 alpha on the CPU");
  }
  const at::Tensor in = alpha.contiguous();
  at::Tensor out = at::empty_like(in);
  kernels::cpu::despeckle(in.data_ptr<float>(), out.data_ptr<float>(), static_cast<int>(in.size(1)),
                          static_cast<int>(in.size(0)), min_area);
  return out;
}

at::Tensor Engine::preprocess(const std::vector<at::Tensor>& plates, const std::vector<at::Tensor>& hints,
                              bool input_is_linear) const {
  c10::InferenceMode guard;
  detail::check_batch(plates.size(), hints.size());
  const int s = model_.options().img_size;
#if CORRIDORKEY_WITH_CUDA
  if (model_.options().device.is_cuda()) {
    return detail::preprocess_cuda(plates, hints, s, input_is_linear, model_.options().device);
  }
#endif
  std::vector<at::Tensor> batch;
  for (std::size_t i = 0; i < plates.size(); ++i) {
    const at::Tensor raw = detail::plate_rgb(plates[i], c10::Device(c10::kCPU));
    const int h = static_cast<int>(raw.size(0)), w = static_cast<int>(raw.size(1));
    at::Tensor rgb = at::empty({1, 3, h, w}, at::kFloat);
    kernels::cpu::unpack_planar(raw.data_ptr(), detail::value_bytes(raw), rgb.data_ptr<float>(), 3, h, w);
    at::Tensor mask = detail::hint_unit_cpu(hints[i], h, w).view({1, 1, h, w});
    // torchvision's resize: bilinear with antialias, align_corners=false; untouched at size.
    if (h != s || w != s) {
      rgb = at::_upsample_bilinear2d_aa(rgb, {s, s}, false).contiguous();
      mask = at::_upsample_bilinear2d_aa(mask, {s, s}, false).contiguous();
    }
    at::Tensor packed = at::empty({4, s, s}, at::kFloat);
    kernels::cpu::normalize_pack(rgb.data_ptr<float>(), mask.data_ptr<float>(), packed.data_ptr<float>(),
                                 static_cast<std::size_t>(s) * s, input_is_linear);
    batch.push_back(packed);
  }
  return at::stack(batch);
}

FrameResult Engine::postprocess(const at::Tensor& alpha, const at::Tensor& fg, int width, int height,
                                const InferenceSettings& settings) {
  if (width <= 0 || height <= 0) {
    throw FrameError("post-processing needs a frame size (got " + std::to_string(width) + " x " +
                     std::to_string(height) + ")");
  }
  const std::int64_t pixels = static_cast<std::int64_t>(width) * height;
  if (settings.auto_despeckle && pixels > kernels::kDespeckleMaxPixels) {
    throw FrameError("a " + std::to_string(width) + " x " + std::to_string(height) + " frame has " +
                     std::to_string(pixels) + " pixels; the despeckle labels at most 2^31 - 1 (32-bit indices): " +
                     "turn it off (--no-despeckle) for frames this large");
  }
  c10::InferenceMode guard;
#if CORRIDORKEY_WITH_CUDA
  if (alpha.is_cuda()) return detail::postprocess_cuda(alpha, fg, width, height, settings);
#endif
  FrameResult r;
  r.alpha = resize_back(alpha, width, height);
  r.fg = resize_back(fg, width, height);
  const at::Tensor matte = settings.auto_despeckle ? despeckle(r.alpha, settings.despeckle_size) : r.alpha;
  r.processed = at::empty({height, width, 4}, at::kFloat);
  if (settings.generate_comp) r.comp = at::empty({height, width, 3}, at::kFloat);
  const kernels::PostSettings post = detail::post_settings(settings);
  const float* fg_px = r.fg.data_ptr<float>();
  const float* matte_px = matte.data_ptr<float>();
  float* processed_px = r.processed.data_ptr<float>();
  float* comp_px = settings.generate_comp ? r.comp.data_ptr<float>() : nullptr;
  parallel_rows()(height, [&](int begin, int end) {
    const auto first = static_cast<std::size_t>(begin) * width;
    kernels::cpu::postprocess(fg_px + first * 3, matte_px + first, processed_px + first * 4,
                              comp_px ? comp_px + first * 3 : nullptr, width, end - begin, post, begin);
  });
  return r;
}

ModelOutput Engine::infer(const std::vector<at::Tensor>& plates, const std::vector<at::Tensor>& hints,
                          const InferenceSettings& settings) {
  auto t0 = std::chrono::steady_clock::now();
  const at::Tensor input = preprocess(plates, hints, settings.input_is_linear);
  times_.preprocess += seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  ModelOutput out = model_.forward(input, settings.refiner_scale);
  // Float32, on the model's device: a CUDA run post-processes on the GPU.
  out.alpha = out.alpha.to(at::kFloat);
  out.fg = out.fg.to(at::kFloat);
  times_.model += seconds_since(t0);
  return out;
}

std::vector<FrameResult> Engine::process_batch(const std::vector<at::Tensor>& plates,
                                               const std::vector<at::Tensor>& hints,
                                               const InferenceSettings& settings) {
  const ModelOutput out = infer(plates, hints, settings);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<FrameResult> results;
  for (std::size_t i = 0; i < plates.size(); ++i) {
    const auto b = static_cast<std::int64_t>(i);
    results.push_back(postprocess(out.alpha[b], out.fg[b], static_cast<int>(plates[i].size(1)),
                                  static_cast<int>(plates[i].size(0)), settings));
  }
  times_.postprocess += seconds_since(t0);
  return results;
}

FrameResult Engine::process_frame(const at::Tensor& plate, const at::Tensor& hint, const InferenceSettings& settings) {
  return process_batch({plate}, {hint}, settings).front();
}

FrameResult Engine::process_frame(const ImageView& plate, const ImageView& hint, const InferenceSettings& settings) {
  return process_frame(to_tensor(plate), to_tensor(hint), settings);
}

}  // namespace corridorkey
