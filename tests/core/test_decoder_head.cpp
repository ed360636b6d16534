// The decoder heads' fused tail (upsample, sum, ReLU, classifier in one pass) against ATen's ops:
// float32 within float rounding, bfloat16 within one rounding of its outputs, the same bits for
// any thread count, and what it leaves to ATen.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <vector>

#include "model/decoder_head.hpp"
#include "test_support.hpp"

namespace {
namespace ck = corridorkey;
using ck::test::max_abs_diff;

struct Head {
  std::vector<at::Tensor> e;  // [B, h, w, D], the finest first
  at::Tensor weight, bias;    // [K, D, 1, 1], [K]
};

// The shapes of a decoder head (a 4x coarser scale per step), or odd ones that do not divide.
Head make_head(at::ScalarType type, std::int64_t K, bool odd, int scales = 4) {
  at::manual_seed(11);
  Head h;
  const std::vector<std::vector<std::int64_t>> sizes =
      odd ? std::vector<std::vector<std::int64_t>>{{37, 53}, {19, 27}, {10, 7}, {1, 3}}
          : std::vector<std::vector<std::int64_t>>{{48, 40}, {24, 20}, {12, 10}, {6, 5}};
  for (int i = 0; i < scales; ++i) {
    const auto& s = sizes[static_cast<std::size_t>(i)];
    h.e.push_back(at::randn({2, s[0], s[1], 64}).to(type));
  }
  h.weight = (at::randn({K, 64, 1, 1}) * 0.2).to(type);
  h.bias = at::randn({K}).to(type);
  return h;
}

// ATen's decoder tail on the same values in `type`, as float32.
at::Tensor aten_tail(const Head& h, at::ScalarType type) {
  const std::vector<std::int64_t> size{h.e[0].size(1), h.e[0].size(2)};
  at::Tensor x;
  for (std::size_t i = h.e.size(); i-- > 0;) {
    at::Tensor up = h.e[i].to(type).permute({0, 3, 1, 2});
    if (i > 0) up = at::upsample_bilinear2d(up, size, false);
    x = x.defined() ? x + up : up;
  }
  return at::conv2d(x.relu(), h.weight.to(type), h.bias.to(type)).to(at::kFloat);
}

// Float32 round-off, relative to max(1, |want|): sums of 64 products of N(0, 1)-sized values,
// which cancel, and (for sizes that do not divide) float source coordinates against double ones.
double rel_diff(const at::Tensor& got, const at::Tensor& want) {
  return ((got.to(at::kDouble) - want.to(at::kDouble)).abs() / want.to(at::kDouble).abs().clamp_min(1.0))
      .max()
      .item<double>();
}

at::Tensor fused(const Head& h, int threads) {
  EXPECT_TRUE(ck::detail::decoder_head_supported(h.e, h.weight, h.bias));
  return ck::detail::decoder_head(h.e, h.weight, h.bias, threads);
}

TEST(DecoderHead, Float32MatchesAtensUpsamplingSumReluAndClassifier) {
  for (const bool odd : {false, true}) {
    for (const std::int64_t K : {1, 3}) {
      SCOPED_TRACE((odd ? "odd sizes, K " : "decoder sizes, K ") + std::to_string(K));
      const Head h = make_head(at::kFloat, K, odd);
      const at::Tensor got = fused(h, 2);
      ASSERT_EQ(got.sizes(), (at::IntArrayRef{2, K, h.e[0].size(1), h.e[0].size(2)}));
      EXPECT_TRUE(got.is_contiguous());
      EXPECT_EQ(got.scalar_type(), at::kFloat);
      EXPECT_LE(rel_diff(got, aten_tail(h, at::kDouble)), 2e-5);
      EXPECT_LE(rel_diff(got, aten_tail(h, at::kFloat)), 2e-5);
    }
  }
}

TEST(DecoderHead, OneToFourScales) {
  for (int scales = 1; scales <= 4; ++scales) {
    SCOPED_TRACE(std::to_string(scales) + " scales");
    const Head h = make_head(at::kFloat, 4, true, scales);
    EXPECT_LE(rel_diff(fused(h, 2), aten_tail(h, at::kDouble)), 2e-5);
  }
}

TEST(DecoderHead, Bfloat16IsTheFloatResultRoundedOnce) {
  const Head h = make_head(at::kBFloat16, 3, false);
  const at::Tensor got = fused(h, 2);
  EXPECT_EQ(got.scalar_type(), at::kBFloat16);
  // The float64 sums of the same bfloat16 inputs, rounded once to 8 significant bits.
  const at::Tensor want = aten_tail(h, at::kDouble);
  const at::Tensor bound = want.abs() * (1.0 / 256) + 1e-5;
  EXPECT_TRUE(((got.to(at::kFloat) - want).abs() <= bound).all().item<bool>()) << max_abs_diff(got, want);
  // ATen rounds each full-size intermediate map to bfloat16 as well: it is further off.
  EXPECT_LT(max_abs_diff(got, want), max_abs_diff(aten_tail(h, at::kBFloat16), want));
}

TEST(DecoderHead, TheThreadCountDoesNotChangeABit) {
  for (const auto type : {at::kFloat, at::kBFloat16}) {
    const Head h = make_head(type, 3, true);
    const at::Tensor one = fused(h, 1);
    EXPECT_TRUE(ck::test::bit_identical(one, fused(h, 2)));
    EXPECT_TRUE(ck::test::bit_identical(one, fused(h, 3)));
  }
}

TEST(DecoderHead, LeavesOtherLayoutsAndTypesToAten) {
  const Head h = make_head(at::kFloat, 1, false);
  const auto without = [&](std::size_t i, const at::Tensor& t) {
    std::vector<at::Tensor> e = h.e;
    e[i] = t;
    return ck::detail::decoder_head_supported(e, h.weight, h.bias);
  };
  EXPECT_FALSE(ck::detail::decoder_head_supported({}, h.weight, h.bias));
  EXPECT_FALSE(without(0, h.e[0].to(at::kHalf)));                  // float16 on a CPU
  EXPECT_FALSE(without(1, h.e[1].to(at::kDouble)));                // mixed types
  EXPECT_FALSE(without(2, h.e[2].transpose(1, 2)));                // not contiguous
  EXPECT_FALSE(without(1, h.e[1].narrow(3, 0, 32).contiguous()));  // another width
  EXPECT_FALSE(without(3, at::randn({1, 6, 5, 64})));              // another batch
  EXPECT_FALSE(ck::detail::decoder_head_supported(h.e, h.weight.narrow(1, 0, 32), h.bias));
  EXPECT_FALSE(ck::detail::decoder_head_supported(h.e, h.weight, at::randn({2})));
}

}  // namespace
