// The frame pipeline on a CUDA device: the kernels' CUDA kernels (unpack, antialiased bilinear,
// normalise/pack; Lanczos4, despeckle, colour maths) with frames kept on the GPU from the upload
// of the decoded plate to the four outputs. Built only with CUDA.
#pragma once

#include <vector>

#include <ATen/core/Tensor.h>

#include "corridorkey/pipeline.hpp"

namespace corridorkey::detail {

/// The network input [B,4,S,S] float32 on `device`, as Engine::preprocess computes it on the CPU.
/// Plates and hints may be on the CPU (uploaded as they are, 8/16-bit or float) or on `device`.
at::Tensor preprocess_cuda(const std::vector<at::Tensor>& plates, const std::vector<at::Tensor>& hints, int img_size,
                           bool input_is_linear, c10::Device device);

/// Engine::postprocess for network outputs that live on a CUDA device; the results stay there.
FrameResult postprocess_cuda(const at::Tensor& alpha, const at::Tensor& fg, int width, int height,
                             const InferenceSettings& settings);

}  // namespace corridorkey::detail
