// The two resamplings of the frame pipeline, with the semantics of the libraries the reference
// calls on its CPU path:
// - pre-processing: torch interpolate(mode="bilinear", align_corners=False, antialias=True)
//   (torchvision's resize) of planar float [C, H, W];
// - post-processing: cv::resize(INTER_LANCZOS4) back to the plate size, from the model's planar
//   output to the interleaved [H, W, C] the colour maths and the writers use;
// - a hint of another size than its plate: cv::resize(INTER_LINEAR), one channel.
// CPU twins here; CUDA kernels in cuda/, compared with the twins by tests/gpu.
#pragma once

#include <cstdint>

#include "corridorkey_kernels/rows.hpp"

namespace corridorkey::kernels {

namespace cpu {

void resize_bilinear_aa(const float* in, float* out, int channels, int in_h, int in_w, int out_h, int out_w);
/// Each pass runs its rows through `run`; the result does not depend on how they are banded.
void resize_lanczos4(const float* in_planar, float* out_interleaved, int channels, int in_h, int in_w, int out_h,
                     int out_w, const RowRunner& run = run_serial);
/// cv::resize(INTER_LINEAR) of one float channel: half-pixel centres, OpenCV's float weights, edge
/// taps clamped (its exact 2x downscale, which it computes as INTER_AREA, agrees to float round-off).
void resize_linear(const float* in, float* out, int in_h, int in_w, int out_h, int out_w);
/// Interleaved [H, W, C] pixels of `bytes_per_value` 1 (uint8, /255), 2 (uint16, /65535) or 4
/// (float, as is) -> planar float [C, H, W].
void unpack_planar(const void* in, int bytes_per_value, float* out, int channels, int height, int width);

}  // namespace cpu

#ifdef CORRIDORKEY_KERNELS_CUDA
namespace cuda {
/// `scratch` holds channels * in_h * out_w floats (the horizontal pass).
void resize_bilinear_aa(const float* in, float* out, float* scratch, int channels, int in_h, int in_w, int out_h,
                        int out_w, void* stream);
/// `scratch` holds channels * in_h * out_w floats (the horizontal pass).
void resize_lanczos4(const float* in_planar, float* out_interleaved, float* scratch, int channels, int in_h, int in_w,
                     int out_h, int out_w, void* stream);
void unpack_planar(const void* in, int bytes_per_value, float* out, int channels, int height, int width, void* stream);
}  // namespace cuda
#endif

}  // namespace corridorkey::kernels
