// The refiner's fused CPU GroupNorm (+ residual + ReLU, in place) against ATen's group_norm, add
// and relu: float32 within float rounding, bfloat16 within one bfloat16 rounding, the same bits
// for any thread count, and the layouts and types it leaves to ATen.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "model/group_norm_cpu.hpp"
#include "test_support.hpp"

namespace {
namespace ck = corridorkey;
using ck::test::max_abs_diff;

struct Case {
  at::Tensor x, weight, bias, residual;
};

Case make_case(at::ScalarType type, double offset, bool with_residual) {
  at::manual_seed(7);
  Case c;
  // 37 x 53 = 1961 pixels: one full 1024-pixel chunk and a partial one, two images.
  c.x = (at::randn({2, 64, 37, 53}) * 3 + offset).to(type).contiguous(at::MemoryFormat::ChannelsLast);
  c.weight = (at::rand({64}) + 0.5).to(type);
  c.bias = at::randn({64}).to(type);
  if (with_residual) c.residual = at::randn({2, 64, 37, 53}).to(type).contiguous(at::MemoryFormat::ChannelsLast);
  return c;
}

// ATen's ops on the same values in `type` (float32, or float64 for the exact answer), as float32.
at::Tensor reference(const Case& c, bool relu, at::ScalarType type = at::kFloat) {
  at::Tensor y = at::group_norm(c.x.to(type), 8, c.weight.to(type), c.bias.to(type), 1e-5);
  if (c.residual.defined()) y = y + c.residual.to(type);
  return (relu ? y.relu() : y).to(at::kFloat);
}

at::Tensor fused(const Case& c, bool relu, int threads) {
  at::Tensor x = c.x.clone(at::MemoryFormat::ChannelsLast);
  EXPECT_TRUE(ck::detail::group_norm_act_cpu_supported(x, 8, c.weight, c.bias, c.residual));
  ck::detail::group_norm_act_cpu_(x, 8, c.weight, c.bias, 1e-5, c.residual, relu, threads);
  return x;
}

TEST(FusedGroupNorm, Float32MatchesAtenWithAndWithoutResidualAndRelu) {
  for (const bool residual : {false, true}) {
    for (const bool relu : {false, true}) {
      const Case c = make_case(at::kFloat, 0.0, residual);
      EXPECT_LE(max_abs_diff(fused(c, relu, 2), reference(c, relu)), 2e-5) << residual << relu;
    }
  }
}

TEST(FusedGroupNorm, LargeMeansKeepTheirVariance) {
  // mean >> std: the statistics in float64 keep the variance (ATen's float32 ones lose some of it).
  const Case c = make_case(at::kFloat, 1000.0, true);
  EXPECT_LE(max_abs_diff(fused(c, true, 2), reference(c, true, at::kDouble)), 1e-3);
}

TEST(FusedGroupNorm, Bfloat16IsTheFloatResultRoundedOnce) {
  const Case c = make_case(at::kBFloat16, 0.5, true);
  const at::Tensor got = fused(c, true, 2).to(at::kFloat);
  const at::Tensor want = reference(c, true);
  // One bfloat16 rounding of the result (8 significant bits), plus the float sums' last bits.
  const at::Tensor bound = want.abs() * (1.0 / 128) + 1e-3;
  EXPECT_TRUE(((got - want).abs() <= bound).all().item<bool>()) << max_abs_diff(got, want);
  EXPECT_GT(max_abs_diff(got, want), 0.0) << "bfloat16 output should carry its rounding";
}

TEST(FusedGroupNorm, TheThreadCountDoesNotChangeABit) {
  for (const auto type : {at::kFloat, at::kBFloat16}) {
    const Case c = make_case(type, 0.0, true);
    const at::Tensor one = fused(c, true, 1);
    EXPECT_TRUE(ck::test::bit_identical(one, fused(c, true, 2)));
    EXPECT_TRUE(ck::test::bit_identical(one, fused(c, true, 3)));
  }
}

TEST(FusedGroupNorm, LeavesOtherLayoutsAndTypesToAten) {
  const Case c = make_case(at::kFloat, 0.0, false);
  EXPECT_FALSE(ck::detail::group_norm_act_cpu_supported(c.x.contiguous(), 8, c.weight, c.bias, {}));
  EXPECT_FALSE(ck::detail::group_norm_act_cpu_supported(c.x.to(at::kDouble), 8, c.weight, c.bias, {}));
  EXPECT_FALSE(ck::detail::group_norm_act_cpu_supported(c.x, 7, c.weight, c.bias, {}));
  EXPECT_FALSE(ck::detail::group_norm_act_cpu_supported(c.x, 8, c.weight.narrow(0, 0, 32), c.bias, {}));
  EXPECT_FALSE(ck::detail::group_norm_act_cpu_supported(c.x, 8, c.weight, c.bias, c.x.contiguous()));
}

}  // namespace
