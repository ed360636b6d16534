#include "yuv_rgb.hpp"

#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "corridorkey_kernels/cpu_clones.hpp"

namespace corridorkey::detail {
namespace {

// The luma weights of a matrix; BT.601 for untagged streams, as ffmpeg converts them.
std::pair<double, double> kr_kb(AVColorSpace space) {
  switch (space) {
    case AVCOL_SPC_BT709:
      return {0.2126, 0.0722};
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
      return {0.2627, 0.0593};
    case AVCOL_SPC_SMPTE240M:
      return {0.212, 0.087};
    case AVCOL_SPC_FCC:
      return {0.30, 0.11};
    default:
      return {0.299, 0.114};
  }
}

// Whether `desc` is planar YUV with one component a plane, little-endian, 8 to 16 bits.
}  // namespace

bool plain_planar_yuv(const AVPixFmtDescriptor* desc) {
  if (!desc || (desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BE |
                               AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_FLOAT)))
    return false;
  if (!(desc->flags & AV_PIX_FMT_FLAG_PLANAR) || desc->nb_components < 3) return false;
  for (int c = 0; c < 3; ++c) {
    const AVComponentDescriptor& d = desc->comp[c];
    if (d.plane != c || d.shift != 0 || d.offset != 0 || d.depth != desc->comp[0].depth) return false;
    if (d.step != (d.depth > 8 ? 2 : 1)) return false;
  }
  return desc->comp[0].depth >= 8 && desc->comp[0].depth <= 16;
}

// One conversion with its constants folded: R = Y * y + Cr * rv + r0, G = Y * y + Cb * gu + Cr * gv +
// g0, B = Y * y + Cb * bu + b0, in output codes (0 to top), straight from the stream's codes.
struct YuvMath {
  float y, rv, gu, gv, bu, r0, g0, b0, top;
};

// Samples of one plane row as floats.
template <class T>
CK_CPU_CLONES void load_row(const std::uint8_t* __restrict__ row, int n, float* __restrict__ out) {
  const T* p = reinterpret_cast<const T*>(row);
  for (int x = 0; x < n; ++x) out[x] = static_cast<float>(p[x]);
}

// A row of luma (the stream's samples) and full-width chroma to RGB codes (0.5 added: truncation
// rounds), planar.
// A row of luma (the stream's samples) and two full-width chroma rows mixed by t (4:2:0's vertical
// interpolation; t = 0 otherwise) to RGB codes (0.5 added: truncation rounds), planar.
template <class In>
CK_CPU_CLONES void yuv_row(const In* __restrict__ luma, const float* __restrict__ cb0, const float* __restrict__ cb1,
                           const float* __restrict__ cr0, const float* __restrict__ cr1, float t, int n, YuvMath m,
                           float* __restrict__ r, float* __restrict__ g, float* __restrict__ b) {
  const float ky = m.y, rv = m.rv, gu = m.gu, gv = m.gv, bu = m.bu, r0 = m.r0, g0 = m.g0, b0 = m.b0, top = m.top;
  for (int x = 0; x < n; ++x) {
    const float yy = static_cast<float>(luma[x]) * ky;
    const float cb = cb0[x] + t * (cb1[x] - cb0[x]), cr = cr0[x] + t * (cr1[x] - cr0[x]);
    r[x] = std::min(std::max(yy + cr * rv + r0, 0.0f), top) + 0.5f;
    g[x] = std::min(std::max(yy + cb * gu + cr * gv + g0, 0.0f), top) + 0.5f;
    b[x] = std::min(std::max(yy + cb * bu + b0, 0.0f), top) + 0.5f;
  }
}

template <class T>
CK_CPU_CLONES void interleave(const float* __restrict__ r, const float* __restrict__ g, const float* __restrict__ b,
                              int n, T* __restrict__ out) {
  for (int x = 0; x < n; ++x) {
    out[3 * x] = static_cast<T>(r[x]);
    out[3 * x + 1] = static_cast<T>(g[x]);
    out[3 * x + 2] = static_cast<T>(b[x]);
  }
}

// Planar YUV to interleaved RGB (CV_8UC3 or CV_16UC3).
void yuv_to_rgb(const AVFrame* f, const AVPixFmtDescriptor* desc, bool full, cv::Mat& rgb) {
  const int depth = desc->comp[0].depth, cw = desc->log2_chroma_w, ch = desc->log2_chroma_h;
  const auto [kr, kb] = kr_kb(f->colorspace);
  const double kg = 1 - kr - kb;
  const double scale = std::ldexp(1.0, depth - 8), top = std::ldexp(1.0, depth) - 1, mid = std::ldexp(1.0, depth - 1);
  // code -> normalised: Y' = (Y - y0) * ys, P = (C - mid) * cs
  const float y0 = static_cast<float>(full ? 0.0 : 16 * scale);
  const float ys = static_cast<float>(full ? 1.0 / top : 1.0 / (219 * scale));
  const float cs = static_cast<float>(full ? 1.0 / top : 1.0 / (224 * scale));
  const float rv = static_cast<float>(2 * (1 - kr)), bu = static_cast<float>(2 * (1 - kb));
  const float gu = static_cast<float>(-2 * (1 - kb) * kb / kg), gv = static_cast<float>(-2 * (1 - kr) * kr / kg);
  const bool deep = rgb.depth() == CV_16U;
  const float out_top = deep ? 65535.0f : 255.0f;
  // Chroma siting: horizontally co-sited with the even luma samples (MPEG-2, H.264, HEVC, ProRes)
  // unless the stream says centred (JPEG, MPEG-1); vertically centred between two luma rows
  // unless it says top.
  const bool h_centre = f->chroma_location == AVCHROMA_LOC_CENTER;
  const bool v_top = f->chroma_location == AVCHROMA_LOC_TOPLEFT || f->chroma_location == AVCHROMA_LOC_TOP;
  const int width = f->width, height = f->height;
  const int cwidth = -((-width) >> cw), cheight = -((-height) >> ch);
  const auto load = [&](int plane, int y, int n, float* out) {
    const std::uint8_t* row = f->data[plane] + static_cast<std::ptrdiff_t>(y) * f->linesize[plane];
    if (depth > 8)
      load_row<std::uint16_t>(row, n, out);
    else
      load_row<std::uint8_t>(row, n, out);
  };
  // A chroma row at full width: horizontally co-sited (even luma samples carry it; odd ones the mean
  // of their neighbours) or centred (weights 3/4 and 1/4).
  const auto widen = [&](const float* c, float* out) {
    if (!cw) {
      std::memcpy(out, c, sizeof(float) * static_cast<std::size_t>(width));
      return;
    }
    const int last = cwidth - 1;
    if (h_centre) {
      for (int k = 0; k < cwidth; ++k) {
        const float here = 0.75f * c[k];
        out[2 * k] = here + 0.25f * c[k > 0 ? k - 1 : 0];
        if (2 * k + 1 < width) out[2 * k + 1] = here + 0.25f * c[k < last ? k + 1 : last];
      }
    } else {
      for (int k = 0; k < last; ++k) out[2 * k] = c[k], out[2 * k + 1] = 0.5f * (c[k] + c[k + 1]);
      out[2 * last] = c[last];
      if (2 * last + 1 < width) out[2 * last + 1] = c[last];
    }
  };
  // Folded in double: code -> normalised (Y' = (Y - y0) * ys, P = (C - mid) * cs) -> RGB -> codes.
  const double t = out_top, dy = ys * t, dc = cs * t, m = mid;
  const YuvMath math{static_cast<float>(dy),
                     static_cast<float>(dc * rv),
                     static_cast<float>(dc * gu),
                     static_cast<float>(dc * gv),
                     static_cast<float>(dc * bu),
                     static_cast<float>(-y0 * dy - m * dc * rv),
                     static_cast<float>(-y0 * dy - m * dc * (gu + gv)),
                     static_cast<float>(-y0 * dy - m * dc * bu),
                     out_top};
  // In bands on half the engine's threads: FFmpeg's decoding threads run beside it (measured on 2
  // cores: one band beats two).
  const std::int64_t bands = std::max(1, at::get_num_threads() / 2);
  at::parallel_for(0, height, (height + bands - 1) / bands, [&](std::int64_t begin, std::int64_t end) {
    const std::size_t w = static_cast<std::size_t>(width), cwn = static_cast<std::size_t>(cwidth);
    std::vector<float> half(cwn), r(w), g(w), b(w);
    // Two chroma rows at full width, kept while consecutive output rows share them (4:2:0).
    struct ChromaRow {
      int index = -1;
      std::vector<float> cb, cr;
    };
    ChromaRow rows[2];
    for (auto& c : rows) c.cb.resize(w), c.cr.resize(w);
    const auto chroma = [&](int index, const ChromaRow* keep) -> const ChromaRow& {
      for (const auto& c : rows) {
        if (c.index == index) return c;
      }
      ChromaRow& c = &rows[0] == keep ? rows[1] : rows[0];
      c.index = index;
      load(1, index, cwidth, half.data());
      widen(half.data(), c.cb.data());
      load(2, index, cwidth, half.data());
      widen(half.data(), c.cr.data());
      return c;
    };
    for (std::int64_t yy = begin; yy < end; ++yy) {
      const int y = static_cast<int>(yy);
      // The chroma rows around this one, mixed by t for 4:2:0.
      int c0 = y, c1 = y;
      float t = 0;
      if (ch) {
        const float cy = v_top ? y * 0.5f : (y + 0.5f) * 0.5f - 0.5f;
        c0 = std::clamp(static_cast<int>(std::floor(cy)), 0, cheight - 1);
        c1 = std::min(c0 + 1, cheight - 1);
        t = std::clamp(cy - static_cast<float>(c0), 0.0f, 1.0f);
      }
      const ChromaRow& a = chroma(c0, nullptr);
      const ChromaRow& z = c1 == c0 ? a : chroma(c1, &a);
      const std::uint8_t* luma = f->data[0] + static_cast<std::ptrdiff_t>(y) * f->linesize[0];
      if (depth > 8)
        yuv_row(reinterpret_cast<const std::uint16_t*>(luma), a.cb.data(), z.cb.data(), a.cr.data(), z.cr.data(), t,
                width, math, r.data(), g.data(), b.data());
      else
        yuv_row(luma, a.cb.data(), z.cb.data(), a.cr.data(), z.cr.data(), t, width, math, r.data(), g.data(), b.data());
      if (deep)
        interleave(r.data(), g.data(), b.data(), width, reinterpret_cast<std::uint16_t*>(rgb.ptr(y)));
      else
        interleave(r.data(), g.data(), b.data(), width, rgb.ptr<std::uint8_t>(y));
    }
  });
}

}  // namespace corridorkey::detail
