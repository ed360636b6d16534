#include "corridorkey/screen.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include <ATen/ATen.h>

#include "corridorkey/errors.hpp"
#include "corridorkey/text.hpp"
#include "corridorkey_kernels/chroma_key.hpp"
#include "corridorkey_kernels/resize.hpp"
#include "frames.hpp"

namespace corridorkey {
namespace {

constexpr double kBackgroundHint = 0.3;  // hint below this: background
constexpr float kDominance = 0.04f;      // a channel this far above both others dominates (sRGB)
constexpr double kMinBackground = 0.01;  // of the sampled pixels
constexpr double kShareWithHint = 0.5;   // of the background pixels
constexpr double kShareWithoutHint = 0.25;
constexpr double kShareRatio = 3.0;  // the winner over the other colour
constexpr double kMeanGap = 0.05;    // mean screen channel over the others' means (with a hint)
constexpr std::int64_t kSamplePixels = 65536;

// Every step-th row and column, so that about kSamplePixels remain.
std::int64_t grid_step(std::int64_t h, std::int64_t w) {
  const double step = std::sqrt(static_cast<double>(h * w) / kSamplePixels);
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(step)));
}

std::string percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100.0 * share);
  return buf;
}

}  // namespace

const char* screen_color_name(ScreenColor color) { return color == ScreenColor::blue ? "blue" : "green"; }

int spill_channel(ScreenColor color) { return color == ScreenColor::blue ? 2 : 1; }

ScreenColor parse_screen_color(std::string_view name) {
  const std::string n = ascii_lower(name);
  if (n == "green") return ScreenColor::green;
  if (n == "blue") return ScreenColor::blue;
  throw UsageError("unknown screen colour '" + std::string(name) + "': use green or blue");
}

ScreenColor checkpoint_screen_color(const std::filesystem::path& file) {
  return ascii_lower(file.filename().string()).find("blue") != std::string::npos ? ScreenColor::blue
                                                                                 : ScreenColor::green;
}

ScreenSample measure_screen(const at::Tensor& plate, const at::Tensor& hint, bool input_is_linear) {
  const c10::Device cpu(c10::kCPU);
  if (!plate.defined() || plate.dim() != 3) detail::plate_rgb(plate, cpu);  // throws the pipeline's error
  const std::int64_t h = plate.size(0), w = plate.size(1), step = grid_step(h, w);
  const at::Tensor grid = detail::plate_rgb(plate.slice(0, 0, h, step).slice(1, 0, w, step), cpu);
  const int gh = static_cast<int>(grid.size(0)), gw = static_cast<int>(grid.size(1));
  const std::size_t n = static_cast<std::size_t>(gh) * gw;
  std::vector<float> rgb(3 * n);  // planar
  kernels::cpu::unpack_planar(grid.data_ptr(), detail::value_bytes(grid), rgb.data(), 3, gh, gw);
  if (input_is_linear) kernels::cpu::linear_to_srgb_inplace(rgb.data(), rgb.size());
  at::Tensor alpha;
  if (hint.defined()) {
    // A hint of the plate's size is sampled before it is converted; another size is resized first.
    if (hint.dim() >= 2 && hint.size(0) == h && hint.size(1) == w) {
      alpha = detail::hint_unit_cpu(hint.slice(0, 0, h, step).slice(1, 0, w, step), gh, gw);
    } else {
      const at::Tensor full = detail::hint_unit_cpu(hint, static_cast<int>(h), static_cast<int>(w));
      alpha = full.slice(0, 0, h, step).slice(1, 0, w, step).contiguous();
    }
  }
  const float* a = alpha.defined() ? alpha.data_ptr<float>() : nullptr;

  ScreenSample s;
  s.used_hint = a != nullptr;
  std::size_t background = 0, green = 0, blue = 0;
  double sum[3] = {0, 0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    if (a != nullptr && !(a[i] < kBackgroundHint)) continue;
    const float r = rgb[i], g = rgb[n + i], b = rgb[2 * n + i];
    ++background;
    sum[0] += r, sum[1] += g, sum[2] += b;
    if (g > r + kDominance && g > b + kDominance) ++green;
    if (b > r + kDominance && b > g + kDominance) ++blue;
  }
  s.background = static_cast<double>(background) / static_cast<double>(n);
  if (background > 0) {
    s.green = static_cast<double>(green) / static_cast<double>(background);
    s.blue = static_cast<double>(blue) / static_cast<double>(background);
    for (int c = 0; c < 3; ++c) s.mean[c] = sum[c] / static_cast<double>(background);
  }
  return s;
}

ScreenVerdict judge_screen(const ScreenSample& s) {
  if (s.background < kMinBackground) return ScreenVerdict::undecided;
  const double share = s.used_hint ? kShareWithHint : kShareWithoutHint;
  const bool green = s.green >= share && s.green >= kShareRatio * s.blue &&
                     (!s.used_hint || s.mean[1] - std::max(s.mean[0], s.mean[2]) >= kMeanGap);
  const bool blue = s.blue >= share && s.blue >= kShareRatio * s.green &&
                    (!s.used_hint || s.mean[2] - std::max(s.mean[0], s.mean[1]) >= kMeanGap);
  return green ? ScreenVerdict::green : blue ? ScreenVerdict::blue : ScreenVerdict::undecided;
}

ScreenDecision decide_screen(const std::vector<ScreenSample>& samples) {
  ScreenDecision d;
  int greens = 0, blues = 0;
  double bg = 0, g = 0, b = 0, mean[3] = {0, 0, 0};
  for (const auto& s : samples) {
    const ScreenVerdict v = judge_screen(s);
    d.verdicts.push_back(v);
    greens += v == ScreenVerdict::green;
    blues += v == ScreenVerdict::blue;
    bg += s.background, g += s.green, b += s.blue;
    for (int c = 0; c < 3; ++c) mean[c] += s.mean[c];
  }
  d.mixed = greens > 0 && blues > 0;
  d.ambiguous = greens == 0 && blues == 0;
  d.color = blues > 0 && greens == 0 ? ScreenColor::blue : ScreenColor::green;
  const double k = samples.empty() ? 0.0 : 1.0 / static_cast<double>(samples.size());
  char rgb[64];
  std::snprintf(rgb, sizeof rgb, "%.2f %.2f %.2f", mean[0] * k, mean[1] * k, mean[2] * k);
  d.evidence = std::to_string(samples.size()) + " frames: " + std::to_string(greens) + " green, " +
               std::to_string(blues) + " blue, " + std::to_string(static_cast<int>(samples.size()) - greens - blues) +
               " undecided; background " + percent(bg * k) + " of the frame" +
               (samples.empty() || samples.front().used_hint ? " (hint < 0.3)" : " (no hint: whole frame)") +
               ", of it G-dominated " + percent(g * k) + ", B-dominated " + percent(b * k) + ", mean sRGB " + rgb;
  return d;
}

std::vector<int> screen_sample_frames(int frame_count, int count) {
  std::vector<int> out;
  if (frame_count <= 0 || count <= 0) return out;
  const int n = std::min(frame_count, count);
  for (int i = 0; i < n; ++i) {
    const int f = n == 1 ? 0 : static_cast<int>(std::lround(static_cast<double>(i) * (frame_count - 1) / (n - 1)));
    if (out.empty() || out.back() != f) out.push_back(f);
  }
  return out;
}

}  // namespace corridorkey
