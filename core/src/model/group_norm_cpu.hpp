// The refiner's GroupNorm with what follows it (an optional residual add and a ReLU) as one CPU
// pass over a channels-last float32 or bfloat16 activation, written in place: ATen runs these as
// three passes, and its channels-last GroupNorm alone reads the tensor three times.
#pragma once

#include <ATen/core/Tensor.h>

namespace corridorkey::detail {

/// Whether group_norm_act_cpu_ takes `x`: a CPU, channels-last [N, C, H, W] float32 or bfloat16
/// tensor whose C the groups divide, with weight and bias of C values of its dtype.
bool group_norm_act_cpu_supported(const at::Tensor& x, int groups, const at::Tensor& weight, const at::Tensor& bias,
                                  const at::Tensor& residual);

/// x = relu?(group_norm(x, groups, weight, bias, eps) + residual?) in place, and returns x. The
/// statistics are summed in float64 in fixed chunks in a fixed order: the result does not depend
/// on the thread count (`threads`, bands of the frame). `residual`: undefined, or like x.
at::Tensor& group_norm_act_cpu_(at::Tensor& x, int groups, const at::Tensor& weight, const at::Tensor& bias, double eps,
                                const at::Tensor& residual, bool relu, int threads);

}  // namespace corridorkey::detail
