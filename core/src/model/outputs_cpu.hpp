// The last steps of a CPU forward pass, in a form whose bits do not depend on the thread count:
// the decoder logits' upsampling to the full frame, the refiner's closing 1x1 convolution and the
// sigmoids that make the coarse and final alpha and foreground. ATen's versions of all three
// change with the number of threads: its bilinear upsampling of a map of several channels and its
// vectorised sigmoid compute the elements at the ends of each thread's share another way than the
// rest, and oneDNN's 1x1 convolution of a channels-last map sums in another order
// (tests/core/test_outputs_cpu.cpp shows all three).
//
// Here every element is one fixed sequence of float32 operations, wherever the bands fall. The
// loops are built without FMA contraction (one step towards the same bits on AVX2 and AVX-512
// machines; std::exp is glibc's, which picks its own code per CPU, so that is not promised).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace corridorkey::detail {

/// Whether upsample_bilinear_cpu() takes x: a CPU float32 or bfloat16 [B, C, h, w] contiguous map.
bool upsample_bilinear_cpu_supported(const at::Tensor& x);

/// ATen's upsample_bilinear2d(x, {H, W}, align_corners=false) as a contiguous [B, C, H, W] tensor of
/// x's type: the taps ATen takes (bilinear_taps.hpp), each output
/// ly0 * (lx0 * x00 + lx1 * x01) + ly1 * (lx0 * x10 + lx1 * x11) in float32.
at::Tensor upsample_bilinear_cpu(const at::Tensor& x, std::int64_t H, std::int64_t W, int threads);

/// Whether pointwise_conv_cpu() takes these: x a CPU float32 or bfloat16 [B, C, H, W] channels-last
/// map, weight [K, C, 1, 1] (or [K, C]) and bias [K] of x's type.
bool pointwise_conv_cpu_supported(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

/// scale * (conv1x1(x, weight) + bias) as a contiguous [B, K, H, W] tensor of x's type. Each output
/// is bias, then + weight[k][c] * x[c] for c in order, in float32, then times `scale`, then rounded
/// to x's type. `threads`: bands of pixels; the result does not depend on it.
at::Tensor pointwise_conv_cpu(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, float scale,
                              int threads);

/// Whether sigmoid_cpu_out() takes these: CPU 4-D tensors of one shape and one type (float32 or
/// bfloat16), any strides.
bool sigmoid_cpu_supported(const at::Tensor& out, const at::Tensor& in);

/// out = 1 / (1 + exp(-in)) element by element in float32 (std::exp), rounded to out's type.
void sigmoid_cpu_out(const at::Tensor& out, const at::Tensor& in, int threads);

}  // namespace corridorkey::detail
