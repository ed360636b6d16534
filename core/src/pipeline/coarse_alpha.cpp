#include "corridorkey/coarse_alpha.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "corridorkey_kernels/chroma_key.hpp"
#include "corridorkey_kernels/color.hpp"
#include "corridorkey_kernels/resize.hpp"
#include "frames.hpp"

namespace corridorkey {
namespace {

constexpr float kClearlyScreen = 0.08f;  // excess of the screen channel that surely is screen (sRGB)
constexpr double kMinScreenShare = 0.005;
constexpr int kBins = 512;

// A radius of at least one pixel, unless the setting is 0 (the step is left out).
int radius(double share, int shorter_side) {
  return share <= 0 ? 0 : std::max(1, static_cast<int>(std::lround(share * shorter_side)));
}

// The median of the diff values above kClearlyScreen (a histogram over (kClearlyScreen, 1]) and
// their share, from every kStride-th pixel.
constexpr std::size_t kStride = 4;
std::pair<double, double> screen_excess(const float* diff, std::size_t n) {
  std::array<std::size_t, kBins> hist{};
  std::size_t count = 0, seen_pixels = 0;
  for (std::size_t i = 0; i < n; i += kStride, ++seen_pixels) {
    const float d = diff[i];
    if (!(d > kClearlyScreen)) continue;
    const int bin = std::min(kBins - 1, static_cast<int>((d - kClearlyScreen) / (1.0f - kClearlyScreen) * kBins));
    ++hist[static_cast<std::size_t>(bin)];
    ++count;
  }
  const double share = seen_pixels ? static_cast<double>(count) / static_cast<double>(seen_pixels) : 0.0;
  if (count == 0) return {0.0, share};
  std::size_t seen = 0;
  int b = 0;
  for (; b < kBins; ++b) {
    seen += hist[static_cast<std::size_t>(b)];
    if (2 * seen >= count) break;
  }
  return {kClearlyScreen + (b + 0.5) * (1.0 - kClearlyScreen) / kBins, share};
}

}  // namespace

CoarseAlpha coarse_alpha(const at::Tensor& plate, const CoarseAlphaSettings& settings) {
  const at::Tensor rgb_hwc = detail::plate_rgb(plate, c10::Device(c10::kCPU));
  const int h = static_cast<int>(rgb_hwc.size(0)), w = static_cast<int>(rgb_hwc.size(1));
  const std::size_t n = static_cast<std::size_t>(h) * static_cast<std::size_t>(w);
  const kernels::RowRunner rows =
      kernels::thread_bands(settings.threads > 0 ? settings.threads : at::get_num_threads());
  const int spill = spill_channel(settings.screen);

  // Buffers are left uninitialised: every pass writes all of its output.
  std::unique_ptr<float[]> diff(new float[n]);
  if (settings.input_is_linear) {
    std::unique_ptr<float[]> rgb(new float[3 * n]);
    kernels::cpu::unpack_planar(rgb_hwc.data_ptr(), detail::value_bytes(rgb_hwc), rgb.get(), 3, h, w);
    kernels::cpu::linear_to_srgb_inplace(rgb.get(), 3 * n);
    kernels::cpu::screen_difference(rgb.get(), diff.get(), n, spill);
  } else {
    kernels::cpu::screen_difference_packed(rgb_hwc.data_ptr(), detail::value_bytes(rgb_hwc), diff.get(), n, spill);
  }

  CoarseAlpha out;
  const auto [excess, share] = screen_excess(diff.get(), n);
  out.screen_share = share;
  out.screen_excess = excess;
  out.found_screen = out.screen_share >= kMinScreenShare;
  if (!out.found_screen) {
    out.alpha = at::ones({h, w}, at::kFloat);
    return out;
  }
  out.alpha = at::empty({h, w}, at::kFloat);
  std::unique_ptr<std::uint8_t[]> mask(new std::uint8_t[n]), scratch(new std::uint8_t[n]);
  kernels::cpu::threshold_below(diff.get(), mask.get(), n, static_cast<float>(settings.threshold * excess));
  diff.reset();
  const int shorter = std::min(h, w);
  const int close = radius(settings.close, shorter), erode = radius(settings.erode, shorter);
  // A closing (dilate, erode by the same radius) fills pinholes; the further erosion is the core's.
  kernels::cpu::dilate_square(mask.get(), mask.get(), scratch.get(), w, h, close, rows);
  kernels::cpu::erode_square(mask.get(), mask.get(), scratch.get(), w, h, close + erode, rows);
  scratch.reset();
  std::unique_ptr<float[]> soft_scratch(new float[n]);
  kernels::cpu::soften_mask(mask.get(), out.alpha.data_ptr<float>(), soft_scratch.get(), w, h,
                            radius(settings.soften, shorter), rows);
  return out;
}

}  // namespace corridorkey
