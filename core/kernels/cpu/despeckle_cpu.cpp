#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "corridorkey_kernels/cpu_clones.hpp"
#include "corridorkey_kernels/despeckle_math.hpp"

namespace corridorkey::kernels {

void check_despeckle_size(int width, int height) {
  const std::int64_t pixels = static_cast<std::int64_t>(width) * height;
  if (width <= 0 || height <= 0 || pixels > kDespeckleMaxPixels) {
    throw std::invalid_argument("despeckle: a " + std::to_string(width) + " x " + std::to_string(height) +
                                " matte is outside 1 to 2^31 - 1 pixels (its labels are 32-bit pixel indices)");
  }
}

std::array<std::uint8_t, 2 * kDespeckleRadius + 1> ellipse_half_widths() {
  // cv::getStructuringElement(MORPH_ELLIPSE): row dy spans c +- round(c * sqrt((r^2 - dy^2) / r^2)).
  constexpr int r = kDespeckleRadius;
  std::array<std::uint8_t, 2 * r + 1> widths{};
  const double inv_r2 = 1.0 / (static_cast<double>(r) * r);
  for (int dy = -r; dy <= r; ++dy) {
    const double dx = r * std::sqrt((r * r - dy * dy) * inv_r2);
    widths[dy + r] = static_cast<std::uint8_t>(std::lrint(dx));  // saturate_cast<int>: nearest, ties to even
  }
  return widths;
}

std::array<std::uint16_t, kDespeckleBlurTaps> gaussian_q8_taps() {
  // OpenCV's getGaussianKernelBitExact (sigma from the size: 0.3 * ((n - 1) / 2 - 1) + 0.8), then
  // its error-diffusion rounding to 8 fraction bits, the centre tap taking what is left.
  constexpr int n = kDespeckleBlurTaps, half = n / 2;
  const double sigma = 0.3 * ((n - 1) * 0.5 - 1) + 0.8;
  std::array<double, n> k{};
  double sum = 1.0;  // the centre, exp(0)
  for (int i = 0; i < half; ++i) {
    const double d = i - half;
    k[i] = std::exp(-(d * d) / (2 * sigma * sigma));
    sum += 2 * k[i];
  }
  std::array<std::uint16_t, n> taps{};
  double err = 0.0;
  int total = 0;
  for (int i = 0; i < half; ++i) {
    const double v = k[i] / sum * 256.0 + err;
    const long q = std::lrint(v);
    err = v - static_cast<double>(q);
    taps[i] = taps[n - 1 - i] = static_cast<std::uint16_t>(q);
    total += 2 * static_cast<int>(q);
  }
  taps[half] = static_cast<std::uint16_t>(256 - total);
  return taps;
}

namespace cpu {
namespace {

int find_root(std::vector<int>& parent, int x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];  // path halving
    x = parent[x];
  }
  return x;
}

void unite(std::vector<int>& parent, int a, int b) {
  a = find_root(parent, a);
  b = find_root(parent, b);
  if (a < b)
    parent[b] = a;
  else if (b < a)
    parent[a] = b;
}

}  // namespace

int keep_large_components(const std::uint8_t* mask, std::uint8_t* kept, int width, int height, int min_area) {
  check_despeckle_size(width, height);
  const std::size_t n = static_cast<std::size_t>(width) * height;
  std::vector<int> parent(n, -1);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int i = y * width + x;
      if (mask[i] == 0) continue;
      parent[i] = i;
      // The already-visited 8-neighbours: left, and the three above.
      if (x > 0 && mask[i - 1]) unite(parent, i, i - 1);
      if (y > 0) {
        const int up = i - width;
        if (x > 0 && mask[up - 1]) unite(parent, i, up - 1);
        if (mask[up]) unite(parent, i, up);
        if (x + 1 < width && mask[up + 1]) unite(parent, i, up + 1);
      }
    }
  }
  std::vector<int> area(n, 0);
  int components = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (parent[i] < 0) continue;
    const int root = find_root(parent, static_cast<int>(i));
    parent[i] = root;
    components += area[root]++ == 0 ? 1 : 0;
  }
  for (std::size_t i = 0; i < n; ++i) kept[i] = parent[i] >= 0 && area[parent[i]] >= min_area ? 255 : 0;
  return components;
}

CK_CPU_CLONES void dilate_ellipse(const std::uint8_t* in, std::uint8_t* out, int width, int height) {
  constexpr int r = kDespeckleRadius;
  const auto widths = ellipse_half_widths();
  // Per row, the distance to the nearest set pixel in that row (capped at r + 1); a pixel is set
  // in the output when some row dy away has a set pixel within that row's half-width.
  const std::size_t n = static_cast<std::size_t>(width) * height;
  std::vector<std::uint8_t> dist(n);
  constexpr std::uint8_t far = r + 1;
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* src = in + static_cast<std::size_t>(y) * width;
    std::uint8_t* d = dist.data() + static_cast<std::size_t>(y) * width;
    std::uint8_t run = far;
    for (int x = 0; x < width; ++x) {
      run = src[x] ? 0 : static_cast<std::uint8_t>(std::min<int>(run + 1, far));
      d[x] = run;
    }
    run = far;
    for (int x = width - 1; x >= 0; --x) {
      run = src[x] ? 0 : static_cast<std::uint8_t>(std::min<int>(run + 1, far));
      d[x] = std::min(d[x], run);
    }
  }
  for (int y = 0; y < height; ++y) {
    std::uint8_t* o = out + static_cast<std::size_t>(y) * width;
    std::fill(o, o + width, 0);
    for (int dy = -r; dy <= r; ++dy) {
      const int yy = y + dy;
      if (yy < 0 || yy >= height) continue;
      const std::uint8_t w = widths[dy + r];
      const std::uint8_t* d = dist.data() + static_cast<std::size_t>(yy) * width;
      for (int x = 0; x < width; ++x) o[x] |= d[x] <= w ? 255 : 0;
    }
  }
}

CK_CPU_CLONES void gaussian_blur_11(const std::uint8_t* in, std::uint8_t* out, int width, int height) {
  constexpr int taps = kDespeckleBlurTaps, half = taps / 2;
  const auto k = gaussian_q8_taps();
  // Horizontal: 8-bit x Q8 -> Q8 (exact in 16 bits); vertical: Q8 x Q8 -> Q16, rounded to 8 bits.
  const std::size_t n = static_cast<std::size_t>(width) * height;
  std::vector<std::uint16_t> horizontal(n);
  std::vector<std::uint16_t> padded(static_cast<std::size_t>(width) + 2 * half);  // the row, reflected at both ends
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* src = in + static_cast<std::size_t>(y) * width;
    for (int x = -half; x < width + half; ++x) padded[x + half] = src[math::reflect101(x, width)];
    std::uint16_t* h = horizontal.data() + static_cast<std::size_t>(y) * width;
    for (int x = 0; x < width; ++x) {
      std::uint16_t sum = 0;  // at most 255 * 256: exact in 16 bits
      for (int t = 0; t < taps; ++t) sum = static_cast<std::uint16_t>(sum + padded[x + t] * k[t]);
      h[x] = sum;
    }
  }
  std::vector<std::uint32_t> acc(static_cast<std::size_t>(width));
  for (int y = 0; y < height; ++y) {
    std::fill(acc.begin(), acc.end(), 0u);
    for (int t = 0; t < taps; ++t) {
      const std::uint16_t* h =
          horizontal.data() + static_cast<std::size_t>(math::reflect101(y + t - half, height)) * width;
      const std::uint32_t c = k[t];
      for (int x = 0; x < width; ++x) acc[x] += h[x] * c;
    }
    std::uint8_t* o = out + static_cast<std::size_t>(y) * width;
    for (int x = 0; x < width; ++x) o[x] = math::round_q16(acc[x]);
  }
}

void despeckle(const float* alpha, float* out, int width, int height, int min_area) {
  check_despeckle_size(width, height);
  const std::size_t n = static_cast<std::size_t>(width) * height;
  std::vector<std::uint8_t> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = alpha[i] > 0.5f ? 255 : 0;
  keep_large_components(a.data(), b.data(), width, height, min_area);
  dilate_ellipse(b.data(), a.data(), width, height);
  gaussian_blur_11(a.data(), b.data(), width, height);
  for (std::size_t i = 0; i < n; ++i) out[i] = math::apply_mask(alpha[i], b[i]);
}

}  // namespace cpu
}  // namespace corridorkey::kernels
