#include <algorithm>
#include <cmath>

#include "corridorkey_kernels/color.hpp"

namespace corridorkey::kernels::cpu {

float srgb_to_linear(float x) {
  x = std::max(x, 0.0f);
  return x <= 0.04045f ? x / 12.92f : std::pow((x + 0.055f) / 1.055f, 2.4f);
}

float linear_to_srgb(float x) {
  x = std::max(x, 0.0f);
  return x <= 0.0031308f ? x * 12.92f : 1.055f * std::pow(x, 1.0f / 2.4f) - 0.055f;
}

void normalize_pack(const float* rgb, const float* hint, float* out, std::size_t pixels, bool input_is_linear) {
  static constexpr float kMean[3] = {0.485f, 0.456f, 0.406f};
  static constexpr float kStd[3] = {0.229f, 0.224f, 0.225f};
  for (int c = 0; c < 3; ++c) {
    const float* src = rgb + c * pixels;
    float* dst = out + c * pixels;
    for (std::size_t i = 0; i < pixels; ++i) {
      const float v = input_is_linear ? linear_to_srgb(src[i]) : src[i];
      dst[i] = (v - kMean[c]) / kStd[c];
    }
  }
  std::copy(hint, hint + pixels, out + 3 * pixels);
}

void postprocess(const float* fg, const float* alpha, float* processed, float* comp, int width, int height,
                 const PostSettings& s) {
  const float dark = srgb_to_linear(s.checker_dark), light = srgb_to_linear(s.checker_light);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * width + x;
      float r = fg[3 * i], g = fg[3 * i + 1], b = fg[3 * i + 2];
      if (s.despill_strength > 0.0f) {
        const float limit = (r + b) / 2.0f;
        const float spill = std::max(g - limit, 0.0f);
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
      const float a = alpha[i];
      for (int c = 0; c < 3; ++c) processed[4 * i + c] = lin[c] * a;
      processed[4 * i + 3] = a;
      if (s.generate_comp && comp != nullptr) {
        const bool odd = ((x / s.checker_size) + (y / s.checker_size)) % 2 != 0;
        const float bg = odd ? light : dark;
        for (int c = 0; c < 3; ++c) comp[3 * i + c] = linear_to_srgb(lin[c] * a + bg * (1.0f - a));
      }
    }
  }
}

}  // namespace corridorkey::kernels::cpu
