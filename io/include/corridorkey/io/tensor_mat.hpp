// The io layer's bridge between OpenCV images and the core's tensors: decoded frames go into the
// engine as [H, W, C] tensors, and its results come out as cv::Mat headers for the writers.
#pragma once

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

namespace corridorkey {

/// An [H, W, C] CPU tensor over the Mat's pixels (8-bit as uint8, 16-bit as uint16, float, double),
/// sharing its buffer and keeping it alive. Throws FrameError for an empty Mat or another depth.
at::Tensor mat_tensor(const cv::Mat& image);

/// A Mat header (CV_32FC(C) or CV_16FC(C), H x W) over a contiguous float32 or float16 CPU tensor of
/// shape [H, W] or [H, W, C]; the tensor must outlive the Mat. Throws FrameError for any other tensor.
cv::Mat tensor_mat(const at::Tensor& hwc);

}  // namespace corridorkey
