// Per-pixel pieces of the despeckle shared by the CPU twin and the CUDA kernels.
#pragma once

#include <cstdint>

#include "corridorkey_kernels/color_math.hpp"
#include "corridorkey_kernels/despeckle.hpp"

namespace corridorkey::kernels::math {

/// OpenCV's BORDER_REFLECT_101 index (… 2 1 | 0 1 2 … n-1 | n-2 …), for any n >= 1.
CK_HOST_DEVICE inline int reflect101(int i, int n) {
  if (n == 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
  return i;
}

/// The despeckled alpha from the blurred 8-bit mask, as convertTo(CV_32F, 1/255) then mul.
CK_HOST_DEVICE inline float apply_mask(float alpha, std::uint8_t blurred) {
  return alpha * (static_cast<float>(blurred) * static_cast<float>(1.0 / 255.0));
}

/// Rounds OpenCV's 16.16 fixed point vertical sum to 8 bits, saturating.
CK_HOST_DEVICE inline std::uint8_t round_q16(std::uint32_t v) {
  const std::uint32_t r = (v + (1u << 15)) >> 16;
  return static_cast<std::uint8_t>(r > 255u ? 255u : r);
}

}  // namespace corridorkey::kernels::math
