#include <algorithm>
#include <cstring>
#include <vector>

#include "corridorkey_kernels/chroma_key.hpp"
#include "corridorkey_kernels/color_math.hpp"
#include "corridorkey_kernels/cpu_clones.hpp"

namespace corridorkey::kernels::cpu {
namespace {

std::size_t at_row(int y, int width) { return static_cast<std::size_t>(y) * static_cast<std::size_t>(width); }

// dst[x] = max or min of a[x] and b[x], dst not overlapping a or b (dst == a is allowed), so that
// the loops vectorise (pmaxub / pminub).
CK_CPU_CLONES void max_of(std::uint8_t* dst, const std::uint8_t* a, const std::uint8_t* __restrict b, int n) {
  for (int x = 0; x < n; ++x) dst[x] = a[x] > b[x] ? a[x] : b[x];
}
CK_CPU_CLONES void min_of(std::uint8_t* dst, const std::uint8_t* a, const std::uint8_t* __restrict b, int n) {
  for (int x = 0; x < n; ++x) dst[x] = a[x] < b[x] ? a[x] : b[x];
}

// One square-element pass along rows (max or min over x-r..x+r, borders replicated), then along
// columns. Windows of 2^k taps are built by doubling, so a row costs O(log r) passes, not O(r).
void morph_square(const std::uint8_t* in, std::uint8_t* out, std::uint8_t* scratch, int width, int height, int r,
                  const RowRunner& rows, bool dilate) {
  const auto pick = dilate ? max_of : min_of;
  if (r <= 0) {
    if (out != in) std::memcpy(out, in, at_row(height, width));
    return;
  }
  const int taps = 2 * r + 1;
  int span = 1;  // the largest power of two <= taps
  while (2 * span <= taps) span *= 2;
  rows(height, [&](int begin, int end) {
    const std::size_t padded = static_cast<std::size_t>(width) + 2 * r;
    std::vector<std::uint8_t> pad(padded), window(padded), next(padded);
    for (int y = begin; y < end; ++y) {
      const std::uint8_t* src = in + at_row(y, width);
      std::fill(pad.begin(), pad.begin() + r, src[0]);
      std::memcpy(pad.data() + r, src, static_cast<std::size_t>(width));
      std::fill(pad.begin() + r + width, pad.end(), src[width - 1]);
      // window[x] = pick over pad[x .. x + len - 1], len doubling up to span.
      std::memcpy(window.data(), pad.data(), padded);
      for (int len = 1; len < span; len *= 2) {
        pick(next.data(), window.data(), window.data() + len, static_cast<int>(padded) - len);
        window.swap(next);
      }
      // Two overlapping windows of `span` taps cover the 2r + 1.
      pick(scratch + at_row(y, width), window.data(), window.data() + (taps - span), width);
    }
  });
  rows(height, [&](int begin, int end) {
    for (int y = begin; y < end; ++y) {
      std::uint8_t* dst = out + at_row(y, width);
      std::memcpy(dst, scratch + at_row(std::max(y - r, 0), width), static_cast<std::size_t>(width));
      for (int k = y - r + 1; k <= y + r; ++k)
        pick(dst, dst, scratch + at_row(std::clamp(k, 0, height - 1), width), width);
    }
  });
}

// Box mean of radius r along each row, borders replicated: a running sum over a padded copy of
// the row, four rows side by side so that their sums' additions overlap.
void box_rows(const float* in, float* out, int width, int height, int r, const RowRunner& rows) {
  const float scale = 1.0f / static_cast<float>(2 * r + 1);
  constexpr int kLanes = 4;
  rows(height, [&](int begin, int end) {
    const std::size_t padded = static_cast<std::size_t>(width) + 2 * static_cast<std::size_t>(r) + 1;
    std::vector<float> pad(kLanes * padded);
    for (int y0 = begin; y0 < end; y0 += kLanes) {
      const int lanes = std::min(kLanes, end - y0);
      float sum[kLanes] = {0, 0, 0, 0};
      const float* p[kLanes];
      float* d[kLanes];
      for (int l = 0; l < kLanes; ++l) {
        const int y = y0 + std::min(l, lanes - 1);  // spare lanes repeat the last row, unwritten
        const float* s = in + at_row(y, width);
        float* q = pad.data() + l * padded;
        std::fill(q, q + r, s[0]);
        std::copy(s, s + width, q + r);
        std::fill(q + r + width, q + padded, s[width - 1]);
        for (int k = 0; k <= 2 * r; ++k) sum[l] += q[k];
        p[l] = q;
        d[l] = out + at_row(y, width);
      }
      for (int x = 0; x < width; ++x) {
        for (int l = 0; l < kLanes; ++l) {
          d[l][x] = sum[l] * scale;
          sum[l] += p[l][x + 2 * r + 1] - p[l][x];
        }
      }
    }
  });
}

// Box mean of radius r along each column, borders replicated: a running sum per column, a row at a
// time, restarted every kRestart rows (at the same rows whatever the banding, so that the result
// does not depend on it).
constexpr int kRestart = 16;
void box_columns(const float* in, float* out, int width, int height, int r, const RowRunner& rows) {
  const float scale = 1.0f / static_cast<float>(2 * r + 1);
  rows(height, [&](int begin, int end) {
    const auto row = [&](int y) { return in + at_row(std::clamp(y, 0, height - 1), width); };
    std::vector<float> sum(static_cast<std::size_t>(width));
    for (int y = begin - begin % kRestart; y < end; ++y) {
      if (y % kRestart == 0) {
        std::fill(sum.begin(), sum.end(), 0.0f);
        for (int k = y - r; k <= y + r; ++k) {
          const float* p = row(k);
          for (int x = 0; x < width; ++x) sum[x] += p[x];
        }
      }
      if (y >= begin) {
        float* d = out + at_row(y, width);
        for (int x = 0; x < width; ++x) d[x] = sum[x] * scale;
      }
      const float* add = row(y + r + 1);
      const float* sub = row(y - r);
      for (int x = 0; x < width; ++x) sum[x] += add[x] - sub[x];
    }
  });
}

}  // namespace

CK_CPU_CLONES void linear_to_srgb_inplace(float* v, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) v[i] = math::linear_to_srgb(v[i]);
}

CK_CPU_CLONES void screen_difference(const float* rgb, float* diff, std::size_t pixels, int spill) {
  const float* s = rgb + static_cast<std::size_t>(spill) * pixels;
  const float* a = rgb;
  const float* b = rgb + (spill == 2 ? 1 : 2) * pixels;
  for (std::size_t i = 0; i < pixels; ++i) diff[i] = s[i] - math::max_or(a[i], b[i]);
}

namespace {
template <typename T>
void packed_difference(const T* rgb, float* diff, std::size_t pixels, int spill, float scale) {
  const int other = spill == 2 ? 1 : 2;
  for (std::size_t i = 0; i < pixels; ++i) {
    const T* p = rgb + 3 * i;
    const float s = static_cast<float>(p[spill]), a = static_cast<float>(p[0]), b = static_cast<float>(p[other]);
    diff[i] = (s - math::max_or(a, b)) * scale;
  }
}
}  // namespace

CK_CPU_CLONES void screen_difference_packed(const void* rgb, int bytes_per_value, float* diff, std::size_t pixels,
                                            int spill) {
  if (bytes_per_value == 1) {
    packed_difference(static_cast<const std::uint8_t*>(rgb), diff, pixels, spill, 1.0f / 255.0f);
  } else if (bytes_per_value == 2) {
    packed_difference(static_cast<const std::uint16_t*>(rgb), diff, pixels, spill, 1.0f / 65535.0f);
  } else {
    packed_difference(static_cast<const float*>(rgb), diff, pixels, spill, 1.0f);
  }
}

CK_CPU_CLONES void threshold_below(const float* diff, std::uint8_t* mask, std::size_t pixels, float threshold) {
  for (std::size_t i = 0; i < pixels; ++i) mask[i] = diff[i] < threshold ? 255 : 0;
}

void dilate_square(const std::uint8_t* in, std::uint8_t* out, std::uint8_t* scratch, int width, int height, int r,
                   const RowRunner& rows) {
  morph_square(in, out, scratch, width, height, r, rows, true);
}

void erode_square(const std::uint8_t* in, std::uint8_t* out, std::uint8_t* scratch, int width, int height, int r,
                  const RowRunner& rows) {
  morph_square(in, out, scratch, width, height, r, rows, false);
}

void soften_mask(const std::uint8_t* mask, float* out, float* scratch, int width, int height, int r,
                 const RowRunner& rows) {
  const std::size_t n = at_row(height, width);
  for (std::size_t i = 0; i < n; ++i) out[i] = mask[i] * (1.0f / 255.0f);
  if (r <= 0) return;
  for (int pass = 0; pass < 3; ++pass) {
    box_rows(out, scratch, width, height, r, rows);
    std::swap(out, scratch);
  }
  for (int pass = 0; pass < 3; ++pass) {
    box_columns(out, scratch, width, height, r, rows);
    std::swap(out, scratch);
  }
  // Six swaps: the result is back in the caller's `out`. Running sums may stray by an ulp.
  for (std::size_t i = 0; i < n; ++i) out[i] = math::min_or(math::max_or(out[i], 0.0f), 1.0f);
}

}  // namespace corridorkey::kernels::cpu
