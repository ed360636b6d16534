// The per-pixel formulas of the post-processing, shared by the CPU twins and the CUDA kernels so
// that both compute exactly the same thing (the kernels add only indexing and launch).
#pragma once

#include <cmath>
#include <cstring>

#include "corridorkey_kernels/color.hpp"

#if defined(__CUDACC__)
#define CK_HOST_DEVICE __host__ __device__
#else
#define CK_HOST_DEVICE
#endif

namespace corridorkey::kernels::math {

/// max/min as selects (NaN gives `b`), which vectorise where fmaxf/fminf do not.
CK_HOST_DEVICE inline float max_or(float a, float b) { return a > b ? a : b; }
CK_HOST_DEVICE inline float min_or(float a, float b) { return a < b ? a : b; }

/// The bits of a float and back (a bit cast that vectorises on the CPU).
CK_HOST_DEVICE inline int float_bits(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_int(f);
#else
  int i;
  std::memcpy(&i, &f, sizeof i);
  return i;
#endif
}
CK_HOST_DEVICE inline float bits_float(int i) {
#if defined(__CUDA_ARCH__)
  return __int_as_float(i);
#else
  float f;
  std::memcpy(&f, &i, sizeof f);
  return f;
#endif
}

/// log2(x) for finite x > 0 (absolute error below 1e-7): exponent from the bits, the mantissa
/// folded into [sqrt(1/2), sqrt(2)) and log via the atanh series. Branch-free, so the CPU loops
/// that call it vectorise and the CUDA kernels compute the same thing.
CK_HOST_DEVICE inline float log2_pos(float x) {
  const int bits = float_bits(x);
  int e = ((bits >> 23) & 0xff) - 127;
  float m = bits_float((bits & 0x007fffff) | 0x3f800000);  // [1, 2)
  const bool big = m > 1.41421356f;
  m = big ? m * 0.5f : m;
  e = big ? e + 1 : e;
  const float t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
  const float series = t * (2.0f + t2 * (2.0f / 3.0f + t2 * (2.0f / 5.0f + t2 * (2.0f / 7.0f))));
  return static_cast<float>(e) + series * 1.44269504f;
}

/// 2^y, y clamped to [-126, 127] (relative error below 4e-7).
CK_HOST_DEVICE inline float exp2_clamped(float y) {
  y = min_or(max_or(y, -126.0f), 127.0f);
  const int n = static_cast<int>(y + 128.5f) - 128;            // round to nearest, without floor()
  const float f = (y - static_cast<float>(n)) * 0.693147181f;  // |f| <= ln2 / 2
  const float p = 1.0f + f * (1.0f + f * (0.5f + f * (1.0f / 6 + f * (1.0f / 24 + f * (1.0f / 120 + f / 720)))));
  return p * bits_float((n + 127) << 23);
}

/// x^e for x > 0.
CK_HOST_DEVICE inline float pow_pos(float x, float e) { return exp2_clamped(e * log2_pos(x)); }

/// Piecewise sRGB -> linear (negative inputs clamp to 0), as the reference's CPU path.
CK_HOST_DEVICE inline float srgb_to_linear(float x) {
  x = max_or(x, 0.0f);
  const float curve = pow_pos((x + 0.055f) / 1.055f, 2.4f);
  return x <= 0.04045f ? x / 12.92f : curve;
}

/// Piecewise linear -> sRGB (negative inputs clamp to 0).
CK_HOST_DEVICE inline float linear_to_srgb(float x) {
  x = max_or(x, 0.0f);
  const float curve = 1.055f * pow_pos(max_or(x, 1e-30f), 1.0f / 2.4f) - 0.055f;
  return x <= 0.0031308f ? x * 12.92f : curve;
}

/// ImageNet normalisation of channel c (after linear->sRGB when asked).
CK_HOST_DEVICE inline float normalize(float v, int c, bool input_is_linear) {
  const float mean[3] = {0.485f, 0.456f, 0.406f};
  const float stdv[3] = {0.229f, 0.224f, 0.225f};
  return ((input_is_linear ? linear_to_srgb(v) : v) - mean[c]) / stdv[c];
}

/// Luminance-preserving despill of one sRGB pixel in place: the screen channel `spill` (1 = green,
/// 2 = blue) is limited to the mean of the other two, half of the excess going to each of them,
/// blended by strength. The blue formula is the green one with the roles of G and B exchanged
/// (the other two channels are summed in RGB order in both, so a G/B swap commutes exactly).
CK_HOST_DEVICE inline void despill(float* rgb, float strength, int spill = 1) {
  if (strength <= 0.0f) return;
  const int o1 = 0, o2 = spill == 2 ? 1 : 2;  // the other two channels, in RGB order
  const float a = rgb[o1], s = rgb[spill], b = rgb[o2];
  const float excess = fmaxf(s - (a + b) / 2.0f, 0.0f);
  float an = a + excess * 0.5f, sn = s - excess, bn = b + excess * 0.5f;
  if (strength < 1.0f) {
    const float k = 1.0f - strength;
    an = a * k + an * strength;
    sn = s * k + sn * strength;
    bn = b * k + bn * strength;
  }
  rgb[o1] = an, rgb[spill] = sn, rgb[o2] = bn;
}

/// Linear colour `lin` with straight alpha `a` over the linear background `bg_linear`.
CK_HOST_DEVICE inline float over(float lin, float a, float bg_linear) { return lin * a + bg_linear * (1.0f - a); }

/// Linear colour `lin` taken as premultiplied by `a` over `bg_linear` (the reference's
/// composite_premul, for fg_is_straight=False).
CK_HOST_DEVICE inline float over_premultiplied(float lin, float a, float bg_linear) {
  return lin + bg_linear * (1.0f - a);
}

/// The composite of linear colour `lin` with alpha `a` over `bg_linear`, back in sRGB: straight,
/// or with `lin` taken as premultiplied (the reference's composite_straight / composite_premul).
CK_HOST_DEVICE inline float composite(float lin, float a, float bg_linear, bool straight = true) {
  return linear_to_srgb(straight ? over(lin, a, bg_linear) : over_premultiplied(lin, a, bg_linear));
}

/// One pixel of the post-processing: despill of the screen channel, sRGB->linear, premultiply into
/// `processed` (RGBA) and, when asked, the sRGB composite over the checkerboard value `bg_linear`.
CK_HOST_DEVICE inline void postprocess_pixel(const float* fg, float a, float* processed, float* comp, float bg_linear,
                                             const PostSettings& s) {
  float rgb[3] = {fg[0], fg[1], fg[2]};
  despill(rgb, s.despill_strength, s.spill_channel);
  const float lin[3] = {srgb_to_linear(rgb[0]), srgb_to_linear(rgb[1]), srgb_to_linear(rgb[2])};
  for (int c = 0; c < 3; ++c) processed[c] = lin[c] * a;
  processed[3] = a;
  if (comp != nullptr) {
    for (int c = 0; c < 3; ++c) comp[c] = composite(lin[c], a, bg_linear, s.fg_is_straight);
  }
}

/// The checkerboard's linear value at (x, y).
CK_HOST_DEVICE inline float checker_linear(int x, int y, const PostSettings& s, float dark_linear, float light_linear) {
  return ((x / s.checker_size) + (y / s.checker_size)) % 2 != 0 ? light_linear : dark_linear;
}

}  // namespace corridorkey::kernels::math
