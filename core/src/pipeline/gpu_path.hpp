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

/// Engine::postprocess for network outputs that live on a CUDA device; the results stay there. The
/// work goes on the calling thread's current stream; inputs made on another stream must be ready
/// there first (DeviceFence). Out of GPU memory is a FrameError: that frame fails, the next may not.
FrameResult postprocess_cuda(const at::Tensor& alpha, const at::Tensor& fg, int width, int height,
                             const InferenceSettings& settings);

/// postprocess_cuda's work, with the device current.
FrameResult postprocess_on(c10::Device device, const at::Tensor& alpha, const at::Tensor& fg, int width, int height,
                           const InferenceSettings& settings);

/// FrameResult::to_host for outputs on CUDA device `device`: converted (half) on the calling
/// thread's stream, copied into pinned host memory on a pool stream that waits for that stream,
/// waited for. Out of GPU memory is a FrameError.
FrameResult to_host_cuda(const FrameResult& r, const HostOutputs& which, c10::Device device);

/// Test hook: the next `count` post-processing scratch allocations on a GPU fail as if the device
/// were out of memory (a real allocation failure of LibTorch's caching allocator).
void fail_gpu_allocations(int count);

}  // namespace corridorkey::detail
