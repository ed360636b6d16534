// The frame pipeline on a CUDA device: the kernels/ CUDA kernels (unpack, antialiased bilinear,
// normalise/pack; Lanczos4, despeckle, colour maths) with frames kept on the GPU from the upload
// of the decoded plate to the download of the four outputs. Built only with CUDA.
#pragma once

#include <vector>

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include "corridorkey/pipeline.hpp"

namespace corridorkey::detail {

/// The network input [B,4,S,S] float32 on `device`, as Engine::preprocess computes it on the CPU.
at::Tensor preprocess_cuda(const std::vector<cv::Mat>& plates, const std::vector<cv::Mat>& hints, int img_size,
                           bool input_is_linear, c10::Device device);

/// Engine::postprocess for network outputs that live on a CUDA device.
FrameResult postprocess_cuda(const at::Tensor& alpha, const at::Tensor& fg, int width, int height,
                             const InferenceSettings& settings);

/// Throws FrameError unless `plate` is a 3-channel 8-bit, 16-bit or float image.
void check_plate(const cv::Mat& plate);

/// The hint as the reference prepares it on the CPU: 0-1 float, first channel, resized to the
/// plate (bilinear) when the sizes differ.
cv::Mat prepare_hint(const cv::Mat& hint, cv::Size plate_size);

}  // namespace corridorkey::detail
