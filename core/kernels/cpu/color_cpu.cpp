#include <algorithm>
#include <vector>

#include "corridorkey_kernels/color_math.hpp"
#include "corridorkey_kernels/cpu_clones.hpp"

namespace corridorkey::kernels::cpu {

float srgb_to_linear(float x) { return math::srgb_to_linear(x); }
float linear_to_srgb(float x) { return math::linear_to_srgb(x); }

CK_CPU_CLONES void normalize_pack(const float* rgb, const float* hint, float* out, std::size_t pixels,
                                  bool input_is_linear) {
  for (int c = 0; c < 3; ++c) {
    for (std::size_t i = 0; i < pixels; ++i)
      out[c * pixels + i] = math::normalize(rgb[c * pixels + i], c, input_is_linear);
  }
  std::copy(hint, hint + pixels, out + 3 * pixels);
}

// The same per-pixel maths as math::postprocess_pixel, one row at a time in stages with plain
// loops over contiguous floats, so that the compiler vectorises the sRGB curves.
CK_CPU_CLONES void postprocess(const float* fg, const float* alpha, float* processed, float* comp, int width,
                               int height, const PostSettings& s, int first_row) {
  const float dark = srgb_to_linear(s.checker_dark), light = srgb_to_linear(s.checker_light);
  const std::size_t n = 3 * static_cast<std::size_t>(width);
  std::vector<float> lin(n), bg(width);
  for (int y = 0; y < height; ++y) {
    const std::size_t row = static_cast<std::size_t>(y) * width;
    std::copy(fg + 3 * row, fg + 3 * row + n, lin.data());
    // The channel as a constant in each loop, so that the compiler folds the indexing.
    if (s.spill_channel == 2) {
      for (int x = 0; x < width; ++x) math::despill(lin.data() + 3 * x, s.despill_strength, 2);
    } else {
      for (int x = 0; x < width; ++x) math::despill(lin.data() + 3 * x, s.despill_strength, 1);
    }
    for (std::size_t i = 0; i < n; ++i) lin[i] = math::srgb_to_linear(lin[i]);
    const float* a = alpha + row;
    float* p = processed + 4 * row;
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < 3; ++c) p[4 * x + c] = lin[3 * x + c] * a[x];
      p[4 * x + 3] = a[x];
    }
    if (!s.generate_comp || comp == nullptr) continue;
    for (int x = 0; x < width; ++x) bg[x] = math::checker_linear(x, first_row + y, s, dark, light);
    float* out = comp + 3 * row;
    if (s.fg_is_straight) {
      for (int x = 0; x < width; ++x) {
        for (int c = 0; c < 3; ++c) out[3 * x + c] = math::over(lin[3 * x + c], a[x], bg[x]);
      }
    } else {
      for (int x = 0; x < width; ++x) {
        for (int c = 0; c < 3; ++c) out[3 * x + c] = math::over_premultiplied(lin[3 * x + c], a[x], bg[x]);
      }
    }
    for (std::size_t i = 0; i < n; ++i) out[i] = math::linear_to_srgb(out[i]);
  }
}

}  // namespace corridorkey::kernels::cpu
