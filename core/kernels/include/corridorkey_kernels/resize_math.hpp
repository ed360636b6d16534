// Filter weights of the two resamplings, shared by the CPU twins and the CUDA kernels.
#pragma once

#include <cmath>
#include <cstdint>

#include "corridorkey_kernels/color_math.hpp"

namespace corridorkey::kernels::math {

/// The source span of output index `i` of torch's antialiased bilinear (align_corners=False).
struct AaSpan {
  int start, size;
  float center, invscale;
};

CK_HOST_DEVICE inline AaSpan aa_span(int i, int in_size, int out_size) {
  const float scale = static_cast<float>(in_size) / static_cast<float>(out_size);
  const float support = scale >= 1.0f ? scale : 1.0f;  // the triangle's half-width, widened when shrinking
  const float center = scale * (static_cast<float>(i) + 0.5f);
  const int lo = static_cast<int>(center - support + 0.5f);
  const int hi = static_cast<int>(center + support + 0.5f);
  const int start = lo > 0 ? lo : 0;
  return {start, (hi < in_size ? hi : in_size) - start, center, scale >= 1.0f ? 1.0f / scale : 1.0f};
}

/// Unnormalised weight of source `start + j`.
CK_HOST_DEVICE inline float aa_weight(const AaSpan& s, int j) {
  float x = (static_cast<float>(j + s.start) - s.center + 0.5f) * s.invscale;
  x = x < 0.0f ? -x : x;
  return x < 1.0f ? 1.0f - x : 0.0f;
}

/// OpenCV's source position for destination `d` (scale = source / destination size as OpenCV
/// computes it): the first of the 8 taps is `index - 3`, `frac` the fractional offset.
CK_HOST_DEVICE inline int lanczos_source(int d, double scale, float* frac) {
  const float f = static_cast<float>((d + 0.5) * scale - 0.5);
  const int index = static_cast<int>(floorf(f));
  *frac = f - static_cast<float>(index);
  return index;
}

/// OpenCV's interpolateLanczos4: the 8 normalised taps for fractional offset x.
CK_HOST_DEVICE inline void lanczos4_taps(float x, float* taps) {
  const double s45 = 0.70710678118654752440084436210485;
  const double cs[8][2] = {{1, 0}, {-s45, -s45}, {0, 1}, {s45, -s45}, {-1, 0}, {s45, s45}, {0, -1}, {-s45, s45}};
  const double pi = 3.1415926535897932384626433832795;
  const double y0 = -(x + 3) * pi * 0.25, s0 = sin(y0), c0 = cos(y0);
  float sum = 0;
  for (int i = 0; i < 8; ++i) {
    const float d = x + 3 - static_cast<float>(i);
    if (fabsf(d) >= 1e-6f) {
      const double y = -d * pi * 0.25;
      taps[i] = static_cast<float>((cs[i][0] * s0 + cs[i][1] * c0) / (y * y));
    } else {
      taps[i] = 1e6f;
    }
    sum += taps[i];
  }
  sum = 1.0f / sum;
  for (int i = 0; i < 8; ++i) taps[i] *= sum;
}

/// Replicated border, as cv::resize clamps the taps.
CK_HOST_DEVICE inline int clamp_index(int i, int n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

/// 8/16-bit values scaled to 0-1 as the reference does (convertTo with 1/255, 1/65535).
CK_HOST_DEVICE inline float unit_value(std::uint8_t v) {
  return static_cast<float>(v) * static_cast<float>(1.0 / 255.0);
}
CK_HOST_DEVICE inline float unit_value(std::uint16_t v) {
  return static_cast<float>(v) * static_cast<float>(1.0 / 65535.0);
}

/// Scale factor as cv::resize computes it: 1 / (destination / source).
inline double opencv_scale(int in_size, int out_size) {
  return 1.0 / (static_cast<double>(out_size) / static_cast<double>(in_size));
}

}  // namespace corridorkey::kernels::math
