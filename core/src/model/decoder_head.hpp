// The tail of a decoder head as one pass over its finest scale:
//   out = classifier(relu(up(e_n) + ... + up(e_2) + e_1))
// where e_1 is [B, H, W, D], each coarser e_i is [B, h_i, w_i, D] (both channels-last rows, as the
// folded per-scale linears produce them), up() is bilinear resampling to H x W with
// align_corners=false (ATen's upsample_bilinear2d), and the classifier is a 1x1 convolution,
// weight [K, D] (or [K, D, 1, 1]) and bias [K]. ATen runs this as one upsampling pass per scale,
// an add per scale, a ReLU and a convolution, each through a [B, H, W, D] tensor in memory (at
// 2048 px, 128 MiB each in float16); here each output pixel reads its D values of e_1 and the
// coarse scales' bilinear taps and writes K values.
//
// The sums run in float32 in ATen's order (coarsest scale first, e_1 last), then the ReLU and the
// dot product with the classifier in float32; only the K outputs are rounded to the inputs' type.
// (ATen rounds every intermediate [B, H, W, D] tensor to a 16-bit type.) The CPU path (float32,
// bfloat16) and the CUDA kernel (kernels/cuda/decoder_head.cu: float32, float16, bfloat16, K <= 4)
// compute the same function; tests/gpu compares them.
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

#include "corridorkey/config.hpp"

namespace corridorkey::detail {

/// Whether decoder_head() takes these tensors on their device: e non-empty, every e_i a contiguous
/// [B, h_i, w_i, D] tensor of one supported type on one device, weight K x D and bias K values of
/// that type (K <= 4 on CUDA, D a multiple of 8 there and the tensors 16-byte aligned).
bool decoder_head_supported(const std::vector<at::Tensor>& e, const at::Tensor& weight, const at::Tensor& bias);

/// [B, K, H, W] contiguous, in e's type, on e's device (on CUDA, queued on the current stream).
/// `threads`: the CPU path's bands of rows; the result does not depend on it.
at::Tensor decoder_head(const std::vector<at::Tensor>& e, const at::Tensor& weight, const at::Tensor& bias,
                        int threads);

#if CORRIDORKEY_WITH_CUDA
/// The CUDA half of decoder_head_supported() / decoder_head() (decoder_head_cuda.cpp).
bool decoder_head_cuda_supported(const std::vector<at::Tensor>& e, const at::Tensor& weight, const at::Tensor& bias);
at::Tensor decoder_head_cuda(const std::vector<at::Tensor>& e, const at::Tensor& weight, const at::Tensor& bias);
#endif

}  // namespace corridorkey::detail
