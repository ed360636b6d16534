#include <cstddef>
#include <cstring>
#include <vector>

#include "corridorkey_kernels/resize.hpp"
#include "corridorkey_kernels/resize_math.hpp"

namespace corridorkey::kernels::cpu {

void resize_bilinear_aa(const float* in, float* out, int channels, int in_h, int in_w, int out_h, int out_w) {
  if (in_h == out_h && in_w == out_w) {  // torchvision leaves the image untouched at its size
    std::memcpy(out, in, sizeof(float) * channels * in_h * in_w);
    return;
  }
  std::vector<float> horizontal(static_cast<std::size_t>(channels) * in_h * out_w);
  for (int c = 0; c < channels; ++c) {
    for (int y = 0; y < in_h; ++y) {
      const float* src = in + (static_cast<std::size_t>(c) * in_h + y) * in_w;
      float* dst = horizontal.data() + (static_cast<std::size_t>(c) * in_h + y) * out_w;
      for (int x = 0; x < out_w; ++x) {
        const math::AaSpan s = math::aa_span(x, in_w, out_w);
        float total = 0, sum = 0;
        for (int j = 0; j < s.size; ++j) total += math::aa_weight(s, j);
        for (int j = 0; j < s.size; ++j) sum += src[s.start + j] * (math::aa_weight(s, j) / total);
        dst[x] = sum;
      }
    }
  }
  for (int c = 0; c < channels; ++c) {
    for (int y = 0; y < out_h; ++y) {
      const math::AaSpan s = math::aa_span(y, in_h, out_h);
      float total = 0;
      for (int j = 0; j < s.size; ++j) total += math::aa_weight(s, j);
      float* dst = out + (static_cast<std::size_t>(c) * out_h + y) * out_w;
      for (int x = 0; x < out_w; ++x) {
        float sum = 0;
        for (int j = 0; j < s.size; ++j) {
          sum += horizontal[(static_cast<std::size_t>(c) * in_h + s.start + j) * out_w + x] *
                 (math::aa_weight(s, j) / total);
        }
        dst[x] = sum;
      }
    }
  }
}

void resize_lanczos4(const float* in, float* out, int channels, int in_h, int in_w, int out_h, int out_w) {
  if (in_h == out_h && in_w == out_w) {  // cv::resize copies at the same size
    const std::size_t pixels = static_cast<std::size_t>(in_h) * in_w;
    for (std::size_t i = 0; i < pixels; ++i)
      for (int c = 0; c < channels; ++c) out[i * channels + c] = in[c * pixels + i];
    return;
  }
  const double sx = math::opencv_scale(in_w, out_w), sy = math::opencv_scale(in_h, out_h);
  std::vector<float> horizontal(static_cast<std::size_t>(channels) * in_h * out_w);
  for (int x = 0; x < out_w; ++x) {
    float frac, taps[8];
    const int first = math::lanczos_source(x, sx, &frac) - 3;
    math::lanczos4_taps(frac, taps);
    for (int c = 0; c < channels; ++c) {
      for (int y = 0; y < in_h; ++y) {
        const float* src = in + (static_cast<std::size_t>(c) * in_h + y) * in_w;
        float v = 0;
        for (int k = 0; k < 8; ++k) v += src[math::clamp_index(first + k, in_w)] * taps[k];
        horizontal[(static_cast<std::size_t>(c) * in_h + y) * out_w + x] = v;
      }
    }
  }
  for (int y = 0; y < out_h; ++y) {
    float frac, taps[8];
    const int first = math::lanczos_source(y, sy, &frac) - 3;
    math::lanczos4_taps(frac, taps);
    for (int c = 0; c < channels; ++c) {
      for (int x = 0; x < out_w; ++x) {
        float v = 0;
        for (int k = 0; k < 8; ++k) {
          v += horizontal[(static_cast<std::size_t>(c) * in_h + math::clamp_index(first + k, in_h)) * out_w + x] *
               taps[k];
        }
        out[(static_cast<std::size_t>(y) * out_w + x) * channels + c] = v;
      }
    }
  }
}

void unpack_planar(const void* in, int bytes_per_value, float* out, int channels, int height, int width) {
  const std::size_t pixels = static_cast<std::size_t>(height) * width;
  for (std::size_t i = 0; i < pixels; ++i) {
    for (int c = 0; c < channels; ++c) {
      const std::size_t k = i * channels + c;
      out[c * pixels + i] = bytes_per_value == 1   ? math::unit_value(static_cast<const std::uint8_t*>(in)[k])
                            : bytes_per_value == 2 ? math::unit_value(static_cast<const std::uint16_t*>(in)[k])
                                                   : static_cast<const float*>(in)[k];
    }
  }
}

}  // namespace corridorkey::kernels::cpu
