// The refiner's 3x3 convolutions (stride 1, padding = dilation) in float32 on the CPU with
// Winograd's F(4x4, 3x3): each 4x4 output tile of the (dilated) grid is A^T [U (.) V] A, where
// V = B^T d B is the 6x6 input tile and U = G g G^T the transformed filter. The 64 -> 64 channel
// products become 36 small matrix products per block of tiles (36 multiplications per 16 outputs
// instead of 144), done by a register-tiled AVX-512 kernel while the block sits in the core's L2.
// oneDNN's direct convolution reaches about half the FMA peak here; this path does 4x fewer
// multiplications (512 px: the refiner in 0.42-0.59x oneDNN's time, bench_model --direct-convs).
//
// Interpolation points 0, 1, -1, 1/2, -2 (and infinity): of the sets tried (also +-1/2 and +-2)
// they give the smallest float32 error, 3-5x the direct convolution's rms error on unit-scale
// activations (test_winograd prints both). Tiles go to blocks in a fixed order and each block is
// computed whole by one thread: the result does not depend on the thread count.
#pragma once

#include <ATen/core/Tensor.h>

namespace corridorkey::detail {

/// The transformed filter U [36, C, K] (float32, computed in float64) of a [K, C, 3, 3] weight.
at::Tensor winograd_weights(const at::Tensor& weight);

/// Whether winograd_conv3x3 takes `x` with the transformed weights `u`: a CPU, channels-last
/// [N, C, H, W] float32 tensor with C the filter's input channels, and input and output channels
/// multiples of 16.
bool winograd_conv3x3_supported(const at::Tensor& x, const at::Tensor& u);

/// conv2d(x, weight, bias, stride 1, padding = dilation, dilation), channels-last float32 out, on
/// up to `threads` threads. `u` comes from winograd_weights(weight); `bias`: K values, or undefined.
/// `out`, when it is a channels-last float32 tensor of the result's shape that does not share x's
/// memory, is written and returned (no fresh pages to fault in); otherwise a new tensor is.
at::Tensor winograd_conv3x3(const at::Tensor& x, const at::Tensor& u, const at::Tensor& bias, int dilation, int threads,
                            at::Tensor out = {});

}  // namespace corridorkey::detail
