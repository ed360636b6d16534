#include "corridorkey_kernels/color_math.hpp"

namespace corridorkey::kernels::cpu {

float srgb_to_linear(float x) { return math::srgb_to_linear(x); }
float linear_to_srgb(float x) { return math::linear_to_srgb(x); }

void normalize_pack(const float* rgb, const float* hint, float* out, std::size_t pixels, bool input_is_linear) {
  for (int c = 0; c < 3; ++c) {
    for (std::size_t i = 0; i < pixels; ++i)
      out[c * pixels + i] = math::normalize(rgb[c * pixels + i], c, input_is_linear);
  }
  for (std::size_t i = 0; i < pixels; ++i) out[3 * pixels + i] = hint[i];
}

void postprocess(const float* fg, const float* alpha, float* processed, float* comp, int width, int height,
                 const PostSettings& s) {
  const float dark = srgb_to_linear(s.checker_dark), light = srgb_to_linear(s.checker_light);
  float* comp_out = s.generate_comp ? comp : nullptr;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * width + x;
      math::postprocess_pixel(fg + 3 * i, alpha[i], processed + 4 * i, comp_out ? comp_out + 3 * i : nullptr,
                              math::checker_linear(x, y, s, dark, light), s);
    }
  }
}

}  // namespace corridorkey::kernels::cpu
