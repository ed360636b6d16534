// The per-pixel formulas of the post-processing, shared by the CPU twins and the CUDA kernels so
// that both compute exactly the same thing (the kernels add only indexing and launch).
#pragma once

#include <cmath>

#include "corridorkey_kernels/color.hpp"

#if defined(__CUDACC__)
#define CK_HOST_DEVICE __host__ __device__
#else
#define CK_HOST_DEVICE
#endif

namespace corridorkey::kernels::math {

CK_HOST_DEVICE inline float srgb_to_linear(float x) {
  x = fmaxf(x, 0.0f);
  return x <= 0.04045f ? x / 12.92f : powf((x + 0.055f) / 1.055f, 2.4f);
}

CK_HOST_DEVICE inline float linear_to_srgb(float x) {
  x = fmaxf(x, 0.0f);
  return x <= 0.0031308f ? x * 12.92f : 1.055f * powf(x, 1.0f / 2.4f) - 0.055f;
}

/// ImageNet normalisation of channel c (after linear->sRGB when asked).
CK_HOST_DEVICE inline float normalize(float v, int c, bool input_is_linear) {
  const float mean[3] = {0.485f, 0.456f, 0.406f};
  const float stdv[3] = {0.229f, 0.224f, 0.225f};
  return ((input_is_linear ? linear_to_srgb(v) : v) - mean[c]) / stdv[c];
}

/// One pixel of the post-processing: despill (limit (R+B)/2), sRGB->linear, premultiply into
/// `processed` (RGBA) and, when asked, the sRGB composite over the checkerboard value `bg_linear`.
CK_HOST_DEVICE inline void postprocess_pixel(const float* fg, float a, float* processed, float* comp, float bg_linear,
                                             const PostSettings& s) {
  float r = fg[0], g = fg[1], b = fg[2];
  if (s.despill_strength > 0.0f) {
    const float spill = fmaxf(g - (r + b) / 2.0f, 0.0f);
    float rn = r + spill * 0.5f, gn = g - spill, bn = b + spill * 0.5f;
    if (s.despill_strength < 1.0f) {
      const float k = 1.0f - s.despill_strength;
      rn = r * k + rn * s.despill_strength;
      gn = g * k + gn * s.despill_strength;
      bn = b * k + bn * s.despill_strength;
    }
    r = rn, g = gn, b = bn;
  }
  const float lin[3] = {srgb_to_linear(r), srgb_to_linear(g), srgb_to_linear(b)};
  for (int c = 0; c < 3; ++c) processed[c] = lin[c] * a;
  processed[3] = a;
  if (comp != nullptr) {
    for (int c = 0; c < 3; ++c) comp[c] = linear_to_srgb(lin[c] * a + bg_linear * (1.0f - a));
  }
}

/// The checkerboard's linear value at (x, y).
CK_HOST_DEVICE inline float checker_linear(int x, int y, const PostSettings& s, float dark_linear, float light_linear) {
  return ((x / s.checker_size) + (y / s.checker_size)) % 2 != 0 ? light_linear : dark_linear;
}

}  // namespace corridorkey::kernels::math
