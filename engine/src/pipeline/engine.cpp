#include <chrono>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "corridorkey/config.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/pipeline.hpp"
#include "corridorkey_kernels/color.hpp"
#include "corridorkey_kernels/despeckle.hpp"
#include "gpu_path.hpp"

namespace corridorkey {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// H x W x C float Mat -> [C, H, W] tensor (copy).
at::Tensor planar(const cv::Mat& image) {
  const cv::Mat m = image.isContinuous() ? image : image.clone();
  return at::from_blob(m.data, {m.rows, m.cols, m.channels()}, at::kFloat).permute({2, 0, 1}).contiguous();
}

// [S, S] or [C, S, S] tensor -> resized H x W float Mat (Lanczos4, as cv2.resize).
cv::Mat resize_back(const at::Tensor& chw, int width, int height) {
  const at::Tensor hwc = chw.to(at::kCPU, at::kFloat).permute({1, 2, 0}).contiguous();
  const int channels = static_cast<int>(hwc.size(2));
  const cv::Mat src(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_32FC(channels), hwc.data_ptr());
  cv::Mat out;
  cv::resize(src, out, cv::Size(width, height), 0, 0, cv::INTER_LANCZOS4);
  return out;
}

}  // namespace

cv::Mat to_unit_float(const cv::Mat& image) {
  cv::Mat out;
  switch (image.depth()) {
    case CV_8U:
      image.convertTo(out, CV_32F, 1.0 / 255.0);
      break;
    case CV_16U:
      image.convertTo(out, CV_32F, 1.0 / 65535.0);
      break;
    case CV_32F:
      out = image;
      break;
    case CV_64F:
      image.convertTo(out, CV_32F);
      break;
    default:
      throw FrameError("unsupported pixel type (use 8-bit, 16-bit or float images)");
  }
  return out;
}

cv::Mat despeckle(const cv::Mat& alpha, int min_area) {
  CV_Assert(alpha.type() == CV_32FC1);
  const cv::Mat in = alpha.isContinuous() ? alpha : alpha.clone();
  cv::Mat out(alpha.size(), CV_32FC1);
  kernels::cpu::despeckle(in.ptr<float>(), out.ptr<float>(), in.cols, in.rows, min_area);
  return out;
}

namespace detail {
void check_plate(const cv::Mat& plate) {
  if (plate.empty() || plate.channels() != 3) throw FrameError("the plate must be an RGB image (3 channels)");
  const int depth = plate.depth();
  if (depth != CV_8U && depth != CV_16U && depth != CV_32F && depth != CV_64F) {
    throw FrameError("unsupported pixel type (use 8-bit, 16-bit or float images)");
  }
}

cv::Mat prepare_hint(const cv::Mat& hint, cv::Size plate_size) {
  cv::Mat out = to_unit_float(hint);
  if (out.channels() > 1) cv::extractChannel(out, out, 0);
  if (out.size() != plate_size) cv::resize(out, out, plate_size, 0, 0, cv::INTER_LINEAR);
  return out.isContinuous() ? out : out.clone();
}
}  // namespace detail

at::Tensor Engine::preprocess(const std::vector<cv::Mat>& plates, const std::vector<cv::Mat>& hints,
                              bool input_is_linear) const {
  c10::InferenceMode guard;
  const int s = model_.options().img_size;
#if CORRIDORKEY_WITH_CUDA
  if (model_.options().device.is_cuda()) {
    return detail::preprocess_cuda(plates, hints, s, input_is_linear, model_.options().device);
  }
#endif
  std::vector<at::Tensor> batch;
  for (std::size_t i = 0; i < plates.size(); ++i) {
    const cv::Mat& plate = plates[i];
    detail::check_plate(plate);
    const cv::Mat hint = detail::prepare_hint(hints[i], plate.size());
    at::Tensor rgb = planar(to_unit_float(plate)).unsqueeze(0);
    at::Tensor mask = planar(hint).unsqueeze(0);
    // torchvision's resize: bilinear with antialias, align_corners=false; untouched at size.
    if (rgb.size(2) != s || rgb.size(3) != s) {
      rgb = at::_upsample_bilinear2d_aa(rgb, {s, s}, false);
      mask = at::_upsample_bilinear2d_aa(mask, {s, s}, false);
    }
    at::Tensor packed = at::empty({4, s, s}, at::kFloat);
    kernels::cpu::normalize_pack(rgb.contiguous().data_ptr<float>(), mask.contiguous().data_ptr<float>(),
                                 packed.data_ptr<float>(), static_cast<std::size_t>(s) * s, input_is_linear);
    batch.push_back(packed);
  }
  return at::stack(batch);
}

FrameResult Engine::postprocess(const at::Tensor& alpha, const at::Tensor& fg, int width, int height,
                                const InferenceSettings& settings) {
#if CORRIDORKEY_WITH_CUDA
  if (alpha.is_cuda()) return detail::postprocess_cuda(alpha, fg, width, height, settings);
#endif
  FrameResult r;
  r.alpha = resize_back(alpha, width, height);
  r.fg = resize_back(fg, width, height);
  const cv::Mat matte = settings.auto_despeckle ? despeckle(r.alpha, settings.despeckle_size) : r.alpha;
  r.processed.create(height, width, CV_32FC4);
  if (settings.generate_comp) r.comp.create(height, width, CV_32FC3);
  kernels::PostSettings post;
  post.despill_strength = static_cast<float>(settings.despill_strength);
  post.generate_comp = settings.generate_comp;
  const cv::Mat m = matte.isContinuous() ? matte : matte.clone();
  // Bands of rows on OpenCV's worker threads.
  cv::parallel_for_(cv::Range(0, height), [&](const cv::Range& rows) {
    kernels::cpu::postprocess(r.fg.ptr<float>(rows.start), m.ptr<float>(rows.start), r.processed.ptr<float>(rows.start),
                              settings.generate_comp ? r.comp.ptr<float>(rows.start) : nullptr, width,
                              rows.end - rows.start, post, rows.start);
  });
  return r;
}

ModelOutput Engine::infer(const std::vector<cv::Mat>& plates, const std::vector<cv::Mat>& hints,
                          const InferenceSettings& settings) {
  if (plates.size() != hints.size() || plates.empty()) {
    throw FrameError("the engine needs one hint per plate (got " + std::to_string(plates.size()) + " plates, " +
                     std::to_string(hints.size()) + " hints)");
  }
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

std::vector<FrameResult> Engine::process_batch(const std::vector<cv::Mat>& plates, const std::vector<cv::Mat>& hints,
                                               const InferenceSettings& settings) {
  const ModelOutput out = infer(plates, hints, settings);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<FrameResult> results;
  for (std::size_t i = 0; i < plates.size(); ++i) {
    const auto b = static_cast<std::int64_t>(i);
    results.push_back(postprocess(out.alpha[b], out.fg[b], plates[i].cols, plates[i].rows, settings));
  }
  times_.postprocess += seconds_since(t0);
  return results;
}

FrameResult Engine::process_frame(const cv::Mat& plate, const cv::Mat& hint, const InferenceSettings& settings) {
  return process_batch({plate}, {hint}, settings).front();
}

}  // namespace corridorkey
