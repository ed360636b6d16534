#include "corridorkey/io/tensor_mat.hpp"

#include <ATen/ATen.h>

#include "corridorkey/errors.hpp"

namespace corridorkey {

at::Tensor mat_tensor(const cv::Mat& image) {
  if (image.empty() || image.dims != 2) throw FrameError("empty image: nothing to hand to the engine");
  at::ScalarType dtype;
  switch (image.depth()) {
    case CV_8U:
      dtype = at::kByte;
      break;
    case CV_16U:
      dtype = at::kUInt16;
      break;
    case CV_32F:
      dtype = at::kFloat;
      break;
    case CV_64F:
      dtype = at::kDouble;
      break;
    default:
      throw FrameError("unsupported pixel type (use 8-bit, 16-bit or float images)");
  }
  const auto value = static_cast<std::int64_t>(image.elemSize1());
  const std::int64_t channels = image.channels();
  auto* keep = new cv::Mat(image);  // shares the pixels; released with the tensor's storage
  return at::from_blob(
      keep->data, {image.rows, image.cols, channels}, {static_cast<std::int64_t>(image.step[0]) / value, channels, 1},
      [keep](void*) { delete keep; }, at::TensorOptions().dtype(dtype));
}

cv::Mat tensor_mat(const at::Tensor& hwc) {
  const bool typed = hwc.defined() && (hwc.scalar_type() == at::kFloat || hwc.scalar_type() == at::kHalf);
  if (!typed || !hwc.device().is_cpu() || hwc.dim() < 2 || hwc.dim() > 3 || !hwc.is_contiguous() ||
      hwc.size(-1) > CV_CN_MAX) {
    throw FrameError("an image to write must be a contiguous float32 or float16 [H, W, C] tensor on the CPU");
  }
  const int channels = hwc.dim() == 3 ? static_cast<int>(hwc.size(2)) : 1;
  const int type = hwc.scalar_type() == at::kFloat ? CV_32FC(channels) : CV_16FC(channels);
  return cv::Mat(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), type, hwc.data_ptr());
}

}  // namespace corridorkey
