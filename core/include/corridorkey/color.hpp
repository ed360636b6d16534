// The pipeline's piecewise sRGB curves on whole tensors, for callers that hand results to a
// linear-light or an sRGB application (a plugin host): the same curves the pre- and
// post-processing use.
#pragma once

#include <ATen/core/Tensor.h>

namespace corridorkey {

/// sRGB -> linear of every value of a float32 tensor (any shape, CPU or CUDA); negative values
/// clamp to 0. A new tensor on the same device. CPU tensors use the CPU twins' curve (bands on
/// at::get_num_threads() threads), CUDA tensors the same formula in ATen ops. Throws FrameError for
/// another dtype.
at::Tensor srgb_to_linear(const at::Tensor& values);

/// linear -> sRGB, likewise.
at::Tensor linear_to_srgb(const at::Tensor& values);

/// Linear premultiplied RGBA [..., 4] (float32, CPU or CUDA) for an sRGB application: the straight
/// colour (rgb / a, 0 where a <= 0) encoded to sRGB and premultiplied again; alpha unchanged. One
/// pass on the CPU. Throws FrameError for another dtype or a last dimension other than 4.
at::Tensor encode_premultiplied_srgb(const at::Tensor& rgba);

}  // namespace corridorkey
