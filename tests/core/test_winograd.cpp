// The refiner's Winograd F(4x4, 3x3) convolution against ATen's conv2d: the exact answer
// (float64) within a few times the direct float32 convolution's round-off, at every dilation the
// refiner uses and on frames whose sides are not multiples of the tile; the same bits for any
// thread count; and the inputs it leaves to conv2d.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "model/winograd_cpu.hpp"
#include "test_support.hpp"

namespace {
namespace ck = corridorkey;
using ck::test::max_abs_diff;

struct Conv {
  at::Tensor x, weight, bias;
};

// Activations of unit scale (as after the refiner's GroupNorm + ReLU) and filters of the trained
// refiner's scale (He initialisation: std sqrt(2 / (9 C))).
Conv make_conv(std::int64_t n, std::int64_t c, std::int64_t k, std::int64_t h, std::int64_t w, bool bias = true) {
  at::manual_seed(11);
  Conv v;
  v.x = at::randn({n, c, h, w}).relu().contiguous(at::MemoryFormat::ChannelsLast);
  v.weight = at::randn({k, c, 3, 3}) * std::sqrt(2.0 / (9.0 * static_cast<double>(c)));
  if (bias) v.bias = at::randn({k}) * 0.1;
  return v;
}

at::Tensor direct(const Conv& v, int d, at::ScalarType type = at::kFloat) {
  const at::Tensor b = v.bias.defined() ? v.bias.to(type) : at::Tensor();
  return at::conv2d(v.x.to(type), v.weight.to(type), b, 1, d, d).to(at::kFloat);
}

at::Tensor winograd(const Conv& v, int d) {
  const at::Tensor u = ck::detail::winograd_weights(v.weight);
  EXPECT_TRUE(ck::detail::winograd_conv3x3_supported(v.x, u));
  return ck::detail::winograd_conv3x3(v.x, u, v.bias, d, at::get_num_threads());
}

double rms(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kDouble) - b.to(at::kDouble)).pow(2).mean().sqrt().item<double>();
}

TEST(Winograd, MatchesTheExactConvolutionAtEveryDilation) {
  // 37 x 53: partial tiles at the bottom and right at every dilation; two images.
  const Conv v = make_conv(2, 64, 64, 37, 53);
  for (const int d : {1, 2, 4, 8}) {
    SCOPED_TRACE("dilation " + std::to_string(d));
    const at::Tensor exact = direct(v, d, at::kDouble);
    const at::Tensor ours = winograd(v, d), theirs = direct(v, d);
    EXPECT_TRUE(ours.is_contiguous(at::MemoryFormat::ChannelsLast));
    ASSERT_EQ(ours.sizes(), exact.sizes());
    const double our_rms = rms(ours, exact), their_rms = rms(theirs, exact);
    const double our_max = max_abs_diff(ours, exact), their_max = max_abs_diff(theirs, exact);
    std::printf("dilation %d: rms error %.3g (direct %.3g), max %.3g (direct %.3g)\n", d, our_rms, their_rms, our_max,
                their_max);
    EXPECT_LE(our_rms, 8 * their_rms + 1e-8);
    EXPECT_LE(our_max, 2e-5);
  }
}

TEST(Winograd, OtherChannelCountsAndNoBias) {
  // 32 -> 48: output channels 16 at a time, not 64.
  const Conv v = make_conv(1, 32, 48, 9, 6, /*bias=*/false);
  for (const int d : {1, 3}) {
    EXPECT_LE(max_abs_diff(winograd(v, d), direct(v, d, at::kDouble)), 1e-5) << "dilation " << d;
  }
}

TEST(Winograd, TinyFramesAreAllBorder) {
  // Smaller than one tile, and a dilation larger than the frame: most taps fall outside.
  for (const auto& [h, w, d] : {std::tuple{1, 1, 1}, std::tuple{3, 2, 1}, std::tuple{5, 7, 8}}) {
    const Conv v = make_conv(1, 16, 16, h, w);
    EXPECT_LE(max_abs_diff(winograd(v, d), direct(v, d, at::kDouble)), 1e-5) << h << "x" << w << " d" << d;
  }
}

TEST(Winograd, TheSameBitsForAnyThreadCount) {
  // 192 x 176: 2112 tiles, 36 blocks of 60, enough for two bands of at least 16 blocks.
  const Conv v = make_conv(1, 64, 64, 192, 176);
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const at::Tensor one = winograd(v, 2);
  at::set_num_threads(std::max(2, threads));
  const at::Tensor two = winograd(v, 2);
  at::set_num_threads(threads);
  EXPECT_TRUE(at::equal(one, two));
}

TEST(Winograd, WritesIntoAGivenBufferButNeverIntoItsInput) {
  const Conv v = make_conv(1, 32, 32, 20, 12);
  const at::Tensor u = ck::detail::winograd_weights(v.weight);
  const at::Tensor fresh = ck::detail::winograd_conv3x3(v.x, u, v.bias, 2, 1);
  const at::Tensor buffer = at::full_like(fresh, 7.0f);
  const at::Tensor into = ck::detail::winograd_conv3x3(v.x, u, v.bias, 2, 1, buffer);
  EXPECT_EQ(into.data_ptr(), buffer.data_ptr());
  EXPECT_TRUE(at::equal(into, fresh));
  // The input itself, a buffer of another shape or layout: a new tensor, the input untouched.
  const at::Tensor x_before = v.x.clone();
  for (const at::Tensor& bad : {v.x, at::empty({1, 32, 20, 13}), fresh.contiguous()}) {
    const at::Tensor out = ck::detail::winograd_conv3x3(v.x, u, v.bias, 2, 1, bad);
    EXPECT_NE(out.data_ptr(), bad.data_ptr());
    EXPECT_TRUE(at::equal(out, fresh));
  }
  EXPECT_TRUE(at::equal(v.x, x_before));
}

TEST(Winograd, LeavesOtherInputsToConv2d) {
  const Conv v = make_conv(1, 16, 16, 8, 8);
  const at::Tensor u = ck::detail::winograd_weights(v.weight);
  EXPECT_EQ(u.sizes(), (at::IntArrayRef{36, 16, 16}));
  EXPECT_TRUE(ck::detail::winograd_conv3x3_supported(v.x, u));
  EXPECT_FALSE(ck::detail::winograd_conv3x3_supported(v.x.contiguous(), u)) << "NCHW";
  EXPECT_FALSE(ck::detail::winograd_conv3x3_supported(v.x.to(at::kBFloat16), u)) << "bfloat16";
  EXPECT_FALSE(ck::detail::winograd_conv3x3_supported(v.x.to(at::kDouble), u)) << "float64";
  EXPECT_FALSE(ck::detail::winograd_conv3x3_supported(v.x.slice(1, 0, 8), u)) << "channels";
  const Conv odd = make_conv(1, 24, 16, 8, 8);
  EXPECT_FALSE(ck::detail::winograd_conv3x3_supported(odd.x, ck::detail::winograd_weights(odd.weight))) << "24 in";
  const Conv odd_out = make_conv(1, 16, 8, 8, 8);
  EXPECT_FALSE(ck::detail::winograd_conv3x3_supported(odd_out.x, ck::detail::winograd_weights(odd_out.weight)))
      << "8 out";
  EXPECT_FALSE(ck::detail::winograd_conv3x3_supported(v.x, at::Tensor())) << "no weights";
  EXPECT_FALSE(ck::detail::winograd_conv3x3_supported(v.x[0], u)) << "3-D";
}

}  // namespace
