#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "corridorkey_kernels/cpu_clones.hpp"
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

namespace {

// One row of the horizontal pass. Columns [lo, hi) read 8 source values inside the row (a loop
// the compiler vectorises with gathers, the taps stored tap-major: taps_k[k * out_w + x]); the
// columns outside it clamp at the edges. Every value sums its taps in the order k = 0..7.
CK_CPU_CLONES void lanczos_row(const float* __restrict src, int in_w, const int* __restrict first_x,
                               const float* __restrict taps_k, float* __restrict dst, int out_w, int lo, int hi) {
  const auto edge = [&](int x) {
    float v = 0;
    for (int k = 0; k < 8; ++k) {
      v += src[math::clamp_index(first_x[x] + k, in_w)] * taps_k[static_cast<std::size_t>(k) * out_w + x];
    }
    dst[x] = v;
  };
  for (int x = 0; x < lo; ++x) edge(x);
  const float *t0 = taps_k, *t1 = t0 + out_w, *t2 = t1 + out_w, *t3 = t2 + out_w, *t4 = t3 + out_w, *t5 = t4 + out_w,
              *t6 = t5 + out_w, *t7 = t6 + out_w;
  for (int x = lo; x < hi; ++x) {
    const int f = first_x[x];  // an int index, so that the loads become 32-bit gathers
    float v = 0;
    v += src[f] * t0[x];
    v += src[f + 1] * t1[x];
    v += src[f + 2] * t2[x];
    v += src[f + 3] * t3[x];
    v += src[f + 4] * t4[x];
    v += src[f + 5] * t5[x];
    v += src[f + 6] * t6[x];
    v += src[f + 7] * t7[x];
    dst[x] = v;
  }
  for (int x = hi; x < out_w; ++x) edge(x);
}

// One output row of one channel in the vertical pass, from 8 source rows, written interleaved.
CK_CPU_CLONES void lanczos_column_taps(const float* __restrict r0, const float* __restrict r1,
                                       const float* __restrict r2, const float* __restrict r3,
                                       const float* __restrict r4, const float* __restrict r5,
                                       const float* __restrict r6, const float* __restrict r7, const float* t,
                                       float* __restrict row, int n) {
  const float t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5], t6 = t[6], t7 = t[7];
  for (int x = 0; x < n; ++x) {
    float v = 0;
    v += r0[x] * t0;
    v += r1[x] * t1;
    v += r2[x] * t2;
    v += r3[x] * t3;
    v += r4[x] * t4;
    v += r5[x] * t5;
    v += r6[x] * t6;
    v += r7[x] * t7;
    row[x] = v;
  }
}

// Planar rows [C][n] -> one interleaved row [n][C], written in order.
CK_CPU_CLONES void interleave(const float* __restrict planar, float* __restrict out, int channels, int n) {
  if (channels == 3) {
    const float *r = planar, *g = planar + n, *b = planar + 2 * n;
    for (int x = 0; x < n; ++x) out[3 * x] = r[x], out[3 * x + 1] = g[x], out[3 * x + 2] = b[x];
    return;
  }
  for (int x = 0; x < n; ++x)
    for (int c = 0; c < channels; ++c) out[static_cast<std::size_t>(x) * channels + c] = planar[c * n + x];
}

}  // namespace

void resize_lanczos4(const float* in, float* out, int channels, int in_h, int in_w, int out_h, int out_w,
                     const RowRunner& run) {
  if (in_h == out_h && in_w == out_w) {  // cv::resize copies at the same size
    const std::size_t pixels = static_cast<std::size_t>(in_h) * in_w;
    for (std::size_t i = 0; i < pixels; ++i)
      for (int c = 0; c < channels; ++c) out[i * channels + c] = in[c * pixels + i];
    return;
  }
  // The 8 taps of each output column, computed once (tap-major), and the columns whose taps all
  // fall inside the row: [lo, hi) (the first tap's column grows with x).
  const double sx = math::opencv_scale(in_w, out_w), sy = math::opencv_scale(in_h, out_h);
  std::vector<int> first_x(out_w);
  std::vector<float> taps_k(static_cast<std::size_t>(out_w) * 8);
  int lo = out_w, hi = 0;
  for (int x = 0; x < out_w; ++x) {
    float frac, taps[8];
    first_x[x] = math::lanczos_source(x, sx, &frac) - 3;
    math::lanczos4_taps(frac, taps);
    for (int k = 0; k < 8; ++k) taps_k[static_cast<std::size_t>(k) * out_w + x] = taps[k];
    if (first_x[x] >= 0 && first_x[x] + 7 < in_w) lo = std::min(lo, x), hi = x + 1;
  }
  if (lo > hi) lo = hi = 0;
  // Horizontal pass: every source row of every channel, planar [C, in_h, out_w] (not zeroed:
  // every value is written).
  const std::unique_ptr<float[]> horizontal(new float[static_cast<std::size_t>(channels) * in_h * out_w]);
  run(channels * in_h, [&](int begin, int end) {
    for (int r = begin; r < end; ++r) {
      lanczos_row(in + static_cast<std::size_t>(r) * in_w, in_w, first_x.data(), taps_k.data(),
                  horizontal.get() + static_cast<std::size_t>(r) * out_w, out_w, lo, hi);
    }
  });
  // Vertical pass: output rows, interleaved [out_h, out_w, C]. Each value sums its 8 taps in the
  // same order as the horizontal pass does, whatever the loop order or the banding.
  run(out_h, [&](int begin, int end) {
    const std::unique_ptr<float[]> rows(new float[static_cast<std::size_t>(out_w) * channels]);
    for (int y = begin; y < end; ++y) {
      float frac, t[8];
      const int first = math::lanczos_source(y, sy, &frac) - 3;
      math::lanczos4_taps(frac, t);
      float* dst = out + static_cast<std::size_t>(y) * out_w * channels;
      for (int c = 0; c < channels; ++c) {
        const float* r[8];
        for (int k = 0; k < 8; ++k) {
          r[k] = horizontal.get() + (static_cast<std::size_t>(c) * in_h + math::clamp_index(first + k, in_h)) * out_w;
        }
        float* row = channels == 1 ? dst : rows.get() + static_cast<std::size_t>(c) * out_w;
        lanczos_column_taps(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], t, row, out_w);
      }
      if (channels > 1) interleave(rows.get(), dst, channels, out_w);
    }
  });
}

void resize_linear(const float* in, float* out, int in_h, int in_w, int out_h, int out_w) {
  if (in_h == out_h && in_w == out_w) {
    std::memcpy(out, in, sizeof(float) * in_h * in_w);
    return;
  }
  struct Tap {
    int i0, i1;
    float w0, w1;
  };
  // OpenCV's source position; horizontally a tap left of the first or at/after the last source
  // pixel takes that pixel alone, vertically the rows are clamped (its resizeGeneric_).
  const auto taps = [](int out_size, int in_size, bool reset_edges) {
    const double scale = math::opencv_scale(in_size, out_size);
    std::vector<Tap> t(static_cast<std::size_t>(out_size));
    for (int d = 0; d < out_size; ++d) {
      float f = static_cast<float>((d + 0.5) * scale - 0.5);
      int i = static_cast<int>(std::floor(f));
      f -= static_cast<float>(i);
      if (reset_edges && i < 0) f = 0, i = 0;
      if (reset_edges && i >= in_size - 1) f = 0, i = in_size - 1;
      t[static_cast<std::size_t>(d)] = {math::clamp_index(i, in_size), math::clamp_index(i + 1, in_size), 1.0f - f, f};
    }
    return t;
  };
  const std::vector<Tap> tx = taps(out_w, in_w, true), ty = taps(out_h, in_h, false);
  std::vector<float> horizontal(static_cast<std::size_t>(in_h) * out_w);
  for (int y = 0; y < in_h; ++y) {
    const float* src = in + static_cast<std::size_t>(y) * in_w;
    float* dst = horizontal.data() + static_cast<std::size_t>(y) * out_w;
    for (int x = 0; x < out_w; ++x) {
      const Tap& t = tx[static_cast<std::size_t>(x)];
      dst[x] = t.w1 == 0.0f ? src[t.i0] : src[t.i0] * t.w0 + src[t.i1] * t.w1;
    }
  }
  for (int y = 0; y < out_h; ++y) {
    const Tap& t = ty[static_cast<std::size_t>(y)];
    const float* r0 = horizontal.data() + static_cast<std::size_t>(t.i0) * out_w;
    const float* r1 = horizontal.data() + static_cast<std::size_t>(t.i1) * out_w;
    float* dst = out + static_cast<std::size_t>(y) * out_w;
    for (int x = 0; x < out_w; ++x) dst[x] = r0[x] * t.w0 + r1[x] * t.w1;
  }
}

namespace {
template <class T>
void unpack(const T* in, float* out, int channels, std::size_t pixels) {
  for (std::size_t i = 0; i < pixels; ++i) {
    for (int c = 0; c < channels; ++c) {
      const T v = in[i * channels + c];
      if constexpr (std::is_same_v<T, float>) {
        out[c * pixels + i] = v;
      } else {
        out[c * pixels + i] = math::unit_value(v);
      }
    }
  }
}
}  // namespace

void unpack_planar(const void* in, int bytes_per_value, float* out, int channels, int height, int width) {
  const std::size_t pixels = static_cast<std::size_t>(height) * width;
  if (bytes_per_value == 1) {
    unpack(static_cast<const std::uint8_t*>(in), out, channels, pixels);
  } else if (bytes_per_value == 2) {
    unpack(static_cast<const std::uint16_t*>(in), out, channels, pixels);
  } else {
    unpack(static_cast<const float*>(in), out, channels, pixels);
  }
}

}  // namespace corridorkey::kernels::cpu
