#include "gpu_path.hpp"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "corridorkey_kernels/color.hpp"
#include "corridorkey_kernels/despeckle.hpp"
#include "corridorkey_kernels/resize.hpp"

namespace corridorkey::detail {
namespace {

void* current_stream(c10::Device device) { return c10::cuda::getCurrentCUDAStream(device.index()).stream(); }

// Device copy of a continuous Mat's bytes.
at::Tensor upload(const cv::Mat& image, c10::Device device) {
  const cv::Mat m = image.isContinuous() ? image : image.clone();
  const auto bytes = static_cast<std::int64_t>(m.total() * m.elemSize());
  return at::from_blob(m.data, {bytes}, at::kByte).to(device, /*non_blocking=*/false);
}

// A float tensor on the device copied into a new Mat of `type`.
cv::Mat download(const at::Tensor& t, int rows, int cols, int type) {
  cv::Mat m(rows, cols, type);
  at::from_blob(m.data, {static_cast<std::int64_t>(m.total() * m.channels())}, at::kFloat).copy_(t.reshape({-1}));
  return m;
}

float* ptr(at::Tensor& t) { return t.data_ptr<float>(); }

}  // namespace

at::Tensor preprocess_cuda(const std::vector<cv::Mat>& plates, const std::vector<cv::Mat>& hints, int s,
                           bool input_is_linear, c10::Device device) {
  const c10::cuda::CUDAGuard device_guard(device);  // Engine::preprocess holds the InferenceMode guard
  void* stream = current_stream(device);
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(device);
  at::Tensor batch = at::empty({static_cast<std::int64_t>(plates.size()), 4, s, s}, f32);
  for (std::size_t i = 0; i < plates.size(); ++i) {
    check_plate(plates[i]);
    // The kernels unpack 8/16-bit and float values; a double plate becomes float on the host.
    const cv::Mat plate = plates[i].depth() == CV_64F ? to_unit_float(plates[i]) : plates[i];
    const int h = plate.rows, w = plate.cols;
    const at::Tensor raw = upload(plate, device);
    at::Tensor rgb = at::empty({3, h, w}, f32);
    kernels::cuda::unpack_planar(raw.data_ptr(), static_cast<int>(plate.elemSize1()), ptr(rgb), 3, h, w, stream);
    at::Tensor hint = upload(prepare_hint(hints[i], plate.size()), device).view(at::kFloat);
    at::Tensor rgb_s = at::empty({3, s, s}, f32), hint_s = at::empty({1, s, s}, f32);
    at::Tensor scratch = at::empty({3, h, s}, f32);
    kernels::cuda::resize_bilinear_aa(ptr(rgb), ptr(rgb_s), ptr(scratch), 3, h, w, s, s, stream);
    kernels::cuda::resize_bilinear_aa(hint.data_ptr<float>(), ptr(hint_s), ptr(scratch), 1, h, w, s, s, stream);
    at::Tensor packed = batch[static_cast<std::int64_t>(i)];
    kernels::cuda::normalize_pack(ptr(rgb_s), ptr(hint_s), packed.data_ptr<float>(), static_cast<std::size_t>(s) * s,
                                  input_is_linear, stream);
  }
  return batch;
}

FrameResult postprocess_cuda(const at::Tensor& alpha_in, const at::Tensor& fg_in, int width, int height,
                             const InferenceSettings& settings) {
  c10::InferenceMode guard;
  const c10::Device device = alpha_in.device();
  const c10::cuda::CUDAGuard device_guard(device);
  void* stream = current_stream(device);
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(device);
  at::Tensor alpha_s = alpha_in.to(at::kFloat).contiguous(), fg_s = fg_in.to(at::kFloat).contiguous();
  const int s_h = static_cast<int>(alpha_s.size(-2)), s_w = static_cast<int>(alpha_s.size(-1));
  at::Tensor scratch = at::empty({3, s_h, width}, f32);
  at::Tensor alpha = at::empty({height, width}, f32), fg = at::empty({height, width, 3}, f32);
  kernels::cuda::resize_lanczos4(ptr(alpha_s), ptr(alpha), ptr(scratch), 1, s_h, s_w, height, width, stream);
  kernels::cuda::resize_lanczos4(ptr(fg_s), ptr(fg), ptr(scratch), 3, s_h, s_w, height, width, stream);
  at::Tensor matte = alpha;
  if (settings.auto_despeckle) {
    matte = at::empty({height, width}, f32);
    kernels::cuda::despeckle(ptr(alpha), ptr(matte), width, height, settings.despeckle_size, stream);
  }
  at::Tensor processed = at::empty({height, width, 4}, f32);
  at::Tensor comp = settings.generate_comp ? at::empty({height, width, 3}, f32) : at::Tensor();
  kernels::PostSettings post;
  post.despill_strength = static_cast<float>(settings.despill_strength);
  post.generate_comp = settings.generate_comp;
  kernels::cuda::postprocess(ptr(fg), ptr(matte), ptr(processed), settings.generate_comp ? ptr(comp) : nullptr, width,
                             height, post, stream);
  FrameResult r;
  r.alpha = download(alpha, height, width, CV_32FC1);
  r.fg = download(fg, height, width, CV_32FC3);
  r.processed = download(processed, height, width, CV_32FC4);
  if (settings.generate_comp) r.comp = download(comp, height, width, CV_32FC3);
  return r;
}

}  // namespace corridorkey::detail
