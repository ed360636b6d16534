// Bilinear resampling taps along one axis, as ATen's upsample_bilinear2d places them for
// align_corners=false: for each output index, two input indices and their weights.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace corridorkey::detail {

struct Taps {
  std::vector<std::int64_t> i0, i1;
  std::vector<float> l0, l1;
};

/// Where each of `out` indices samples an axis of `in` values: ATen's source index, in float as
/// ATen computes it for float, float16 and bfloat16 maps.
inline Taps bilinear_taps(std::int64_t in, std::int64_t out) {
  Taps t;
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  for (std::int64_t d = 0; d < out; ++d) {
    const float src = std::max(scale * (static_cast<float>(d) + 0.5f) - 0.5f, 0.0f);
    const auto i0 = std::min(static_cast<std::int64_t>(src), in - 1);
    const float l1 = std::clamp(src - static_cast<float>(i0), 0.0f, 1.0f);
    t.i0.push_back(i0);
    t.i1.push_back(i0 + (i0 < in - 1 ? 1 : 0));
    t.l0.push_back(1.0f - l1);
    t.l1.push_back(l1);
  }
  return t;
}

}  // namespace corridorkey::detail
