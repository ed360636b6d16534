// The refiner's GroupNorm with what follows it (an optional residual add and a ReLU) as one
// in-place GPU operation over a channels-last activation (kernels/cuda/group_norm.cu): ATen's CUDA
// GroupNorm runs one thread block per (sample, group), 8 blocks for the refiner's maps. Built only
// with CUDA; the CPU twin is group_norm_cpu.hpp.
#pragma once

#include <ATen/core/Tensor.h>

namespace corridorkey::detail {

/// Whether group_norm_act_cuda_ takes `x`: a CUDA, channels-last [N, C, H, W] float32, float16 or
/// bfloat16 tensor, 16-byte aligned, whose C the groups divide as the kernel needs, with weight
/// and bias of C values of its dtype on its device; `residual` undefined or like x.
bool group_norm_act_cuda_supported(const at::Tensor& x, int groups, const at::Tensor& weight, const at::Tensor& bias,
                                   const at::Tensor& residual);

/// x = relu?(group_norm(x, groups, weight, bias, eps) + residual?) in place on x's current
/// stream, and returns x. Statistics in float (per block) and float64 (across blocks).
at::Tensor& group_norm_act_cuda_(at::Tensor& x, int groups, const at::Tensor& weight, const at::Tensor& bias,
                                 double eps, const at::Tensor& residual, bool relu);

}  // namespace corridorkey::detail
