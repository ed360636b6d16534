// A decoder head's tail on the GPU: out = classifier(relu(sum of the bilinear-upsampled coarse
// scales + the finest one)) in one pass, one warp per output pixel (the maths and the CPU path:
// core/src/model/decoder_head.hpp).
#pragma once

#include <cstdint>

namespace corridorkey::kernels {

enum class DecoderHeadType { float32, float16, bfloat16 };

#ifdef CORRIDORKEY_KERNELS_CUDA
namespace cuda {

constexpr int kDecoderHeadMaxScales = 4;
constexpr int kDecoderHeadMaxClasses = 4;

/// One scale: [batch, height, width, channels] contiguous values of the head's type.
struct DecoderHeadScale {
  const void* data = nullptr;
  int height = 0, width = 0;
};

/// out[b, k, y, x] = bias[k] + sum_c weight[k * channels + c] * relu(sum over scales (coarsest
/// first, scale 0 last) of the scale's bilinear sample at (y, x), align_corners=false). Scale 0 is
/// out's size. Every scale's data 16-byte aligned, channels a multiple of 8, 1 to
/// kDecoderHeadMaxScales scales, 1 to kDecoderHeadMaxClasses classes; weight and bias: float32 on
/// the device; out: [batch, classes, height, width] of the type. Queued on `stream` (a
/// cudaStream_t). Throws std::invalid_argument for an unsupported shape, std::runtime_error for a
/// failed launch.
void decoder_head(const DecoderHeadScale* scales, int count, DecoderHeadType type, int batch, int channels,
                  const float* weight, const float* bias, int classes, void* out, void* stream);

}  // namespace cuda
#endif

}  // namespace corridorkey::kernels
