// float32 and bfloat16 (as its 16 bits) element access for the model's CPU loops: a bfloat16 widens
// exactly; a float narrows rounding to nearest even, as c10::BFloat16 does.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace corridorkey::detail {

inline float load(const float* p, std::int64_t i) { return p[i]; }
inline float load(const std::uint16_t* p, std::int64_t i) {
  const std::uint32_t u = static_cast<std::uint32_t>(p[i]) << 16;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}
inline void store(float* p, std::int64_t i, float v) { p[i] = v; }
inline void store(std::uint16_t* p, std::int64_t i, float v) {
  std::uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  p[i] = std::isnan(v) ? std::uint16_t{0x7fc0} : static_cast<std::uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

}  // namespace corridorkey::detail
