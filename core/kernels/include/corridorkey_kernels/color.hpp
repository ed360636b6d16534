// Per-pixel colour maths of the frame pipeline, as CPU twins (here) and CUDA kernels (cuda/).
// Both follow the reference engine's CPU/OpenCV path: piecewise sRGB, luminance-preserving
// despill (the screen channel limited to the mean of the other two), premultiplication, and a straight composite over
// the 128-px grey checkerboard. Images are interleaved float32 (RGB, RGBA or single channel), row-major.
#pragma once

#include <cstddef>

namespace corridorkey::kernels {

struct PostSettings {
  float despill_strength = 1.0f;
  int spill_channel = 1;  // the screen colour's channel: 1 green, 2 blue
  bool generate_comp = true;
  bool fg_is_straight = true;  // false: the comp takes fg as premultiplied (fg + bg * (1 - a))
  int checker_size = 128;
  float checker_dark = 0.15f;   // sRGB
  float checker_light = 0.55f;  // sRGB
};

namespace cpu {

float srgb_to_linear(float x);
float linear_to_srgb(float x);

/// Pre-processing tail: planar RGB [3,S,S] (already resized) and hint [S,S] -> planar [4,S,S],
/// RGB converted linear->sRGB when `input_is_linear`, then ImageNet-normalised.
void normalize_pack(const float* rgb_planar, const float* hint, float* out, std::size_t pixels, bool input_is_linear);

/// Post-processing after the resize back and the despeckle: from the raw sRGB fg (RGB), the
/// despeckled alpha, writes `processed` (linear premultiplied RGBA) and, when asked, `comp` (sRGB).
/// The rows may be a band of the frame starting at row `first_row` (it places the checkerboard).
void postprocess(const float* fg_srgb, const float* alpha, float* processed_rgba, float* comp_srgb, int width,
                 int height, const PostSettings& settings, int first_row = 0);

}  // namespace cpu

#ifdef CORRIDORKEY_KERNELS_CUDA
namespace cuda {
/// Same as cpu::normalize_pack on device pointers, on `stream` (a cudaStream_t).
void normalize_pack(const float* rgb_planar, const float* hint, float* out, std::size_t pixels, bool input_is_linear,
                    void* stream);
/// Same as cpu::postprocess on device pointers.
void postprocess(const float* fg_srgb, const float* alpha, float* processed_rgba, float* comp_srgb, int width,
                 int height, const PostSettings& settings, void* stream);
}  // namespace cuda
#endif

}  // namespace corridorkey::kernels
