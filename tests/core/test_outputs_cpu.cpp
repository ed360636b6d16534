// The CPU forward pass's last steps (model/outputs_cpu.hpp): the logits' bilinear upsampling, the
// refiner's closing 1x1 convolution and the output sigmoids against ATen's ops (float32 within
// float rounding, bfloat16 within one bfloat16 rounding), the same bits for any thread count (where
// ATen's own ops change with it), what they leave to ATen, and the whole network's outputs for 1 to
// 8 threads.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/model.hpp"
#include "model/outputs_cpu.hpp"
#include "test_support.hpp"

namespace {
namespace ck = corridorkey;
using ck::test::bit_identical;
using ck::test::fixtures;
using ck::test::max_abs_diff;

constexpr int kThreadCounts[] = {2, 3, 5, 8};

// Restores LibTorch's thread count after a test that sets it.
struct ThreadCount {
  int saved = at::get_num_threads();
  ~ThreadCount() { at::set_num_threads(saved); }
};

TEST(OutputsCpu, UpsampleIsAtensBilinearWithinRounding) {
  at::manual_seed(3);
  // Decoder logits (1 and 3 channels, 4x) and odd sizes both ways, two images.
  const std::vector<std::vector<std::int64_t>> cases{{1, 1, 32, 32, 128, 128},
                                                     {1, 3, 32, 32, 128, 128},
                                                     {2, 3, 7, 11, 29, 23},
                                                     {1, 2, 40, 40, 17, 19},
                                                     {1, 1, 1, 1, 5, 3}};
  for (const auto& c : cases) {
    const at::Tensor x = at::randn({c[0], c[1], c[2], c[3]}) * 4;
    const at::Tensor ours = ck::detail::upsample_bilinear_cpu(x, c[4], c[5], 2);
    const at::Tensor aten = at::upsample_bilinear2d(x, {c[4], c[5]}, false);
    ASSERT_EQ(ours.sizes(), aten.sizes());
    EXPECT_TRUE(ours.is_contiguous());
    // The same taps and weights; the sums a few float32 roundings apart (values up to about 16).
    EXPECT_LE(max_abs_diff(ours, aten), 8e-6) << c[2] << "x" << c[3] << " -> " << c[4] << "x" << c[5];
    // bfloat16: computed in float32, one rounding off ATen's float32 result.
    const at::Tensor bf = ck::detail::upsample_bilinear_cpu(x.to(at::kBFloat16), c[4], c[5], 2);
    EXPECT_EQ(bf.scalar_type(), at::kBFloat16);
    const at::Tensor aten_bf = at::upsample_bilinear2d(x.to(at::kBFloat16).to(at::kFloat), {c[4], c[5]}, false);
    EXPECT_TRUE(at::allclose(bf.to(at::kFloat), aten_bf, 1.0 / 128, 1e-6));
  }
}

TEST(OutputsCpu, PointwiseConvIsAtensConvolutionWithinRounding) {
  at::manual_seed(4);
  for (const int K : {4, 3}) {  // the refiner's 4 outputs, and the general path
    const at::Tensor x = at::randn({2, 64, 19, 37}).contiguous(at::MemoryFormat::ChannelsLast);
    const at::Tensor w = at::randn({K, 64, 1, 1}) * 0.1, b = at::randn({K});
    ASSERT_TRUE(ck::detail::pointwise_conv_cpu_supported(x, w, b));
    const at::Tensor ours = ck::detail::pointwise_conv_cpu(x, w, b, 10.0f, 2);
    EXPECT_TRUE(ours.is_contiguous());
    const at::Tensor exact = at::conv2d(x.to(at::kDouble), w.to(at::kDouble), b.to(at::kDouble)) * 10;
    EXPECT_LE(max_abs_diff(ours, exact), 2e-5) << K;
    EXPECT_LE(max_abs_diff(ours, at::conv2d(x, w, b) * 10), 2e-5) << K;
    const at::Tensor xb = x.to(at::kBFloat16), wb = w.to(at::kBFloat16), bb = b.to(at::kBFloat16);
    const at::Tensor bf = ck::detail::pointwise_conv_cpu(xb, wb, bb, 10.0f, 2);
    EXPECT_EQ(bf.scalar_type(), at::kBFloat16);
    const at::Tensor exact_bf =
        at::conv2d(xb.to(at::kDouble), wb.to(at::kDouble), bb.to(at::kDouble)).mul(10).to(at::kFloat);
    EXPECT_TRUE(at::allclose(bf.to(at::kFloat), exact_bf, 1.0 / 128, 1e-3)) << K;
  }
}

TEST(OutputsCpu, SigmoidIsAtensWithinRoundingOnAnyStrides) {
  at::manual_seed(5);
  const at::Tensor in = at::randn({2, 3, 17, 33}) * 8;
  // Into the narrow view of a channels-last tensor, as the refiner's input takes the coarse fg.
  at::Tensor holder = at::zeros({2, 8, 17, 33}).contiguous(at::MemoryFormat::ChannelsLast);
  at::Tensor view = holder.narrow(1, 4, 3);
  ASSERT_TRUE(ck::detail::sigmoid_cpu_supported(view, in));
  ck::detail::sigmoid_cpu_out(view, in, 2);
  EXPECT_LE(max_abs_diff(view, at::sigmoid(in.to(at::kDouble))), 2e-7);
  EXPECT_EQ(holder.narrow(1, 0, 4).abs().max().item<float>(), 0.0f) << "only the view is written";
  EXPECT_EQ(holder.narrow(1, 7, 1).abs().max().item<float>(), 0.0f);
  at::Tensor bf = at::empty(in.sizes(), in.options().dtype(at::kBFloat16));
  ck::detail::sigmoid_cpu_out(bf, in.to(at::kBFloat16), 2);
  EXPECT_TRUE(at::allclose(bf.to(at::kFloat), at::sigmoid(in.to(at::kBFloat16).to(at::kFloat)), 1.0 / 128, 1e-6));
}

// The three kernels: one thread's bits for 2, 3, 5 and 8 threads, on sizes where ATen's
// upsampling and sigmoid split their work at elements that are not a multiple of the vector width.
TEST(OutputsCpu, TheSameBitsForAnyThreadCount) {
  at::manual_seed(6);
  const at::Tensor logits = at::randn({1, 3, 61, 67}) * 4;
  const at::Tensor x = at::randn({1, 64, 97, 89}).contiguous(at::MemoryFormat::ChannelsLast);
  const at::Tensor w = at::randn({4, 64, 1, 1}) * 0.1, b = at::randn({4});
  const at::Tensor in = at::randn({1, 3, 97, 89}) * 8;
  const auto sigmoid = [&](int threads) {
    at::Tensor out = at::empty_like(in);
    ck::detail::sigmoid_cpu_out(out, in, threads);
    return out;
  };
  const at::Tensor up1 = ck::detail::upsample_bilinear_cpu(logits, 244, 268, 1);
  const at::Tensor conv1 = ck::detail::pointwise_conv_cpu(x, w, b, 10.0f, 1);
  const at::Tensor sig1 = sigmoid(1);
  for (const int threads : kThreadCounts) {
    EXPECT_TRUE(bit_identical(ck::detail::upsample_bilinear_cpu(logits, 244, 268, threads), up1)) << threads;
    EXPECT_TRUE(bit_identical(ck::detail::pointwise_conv_cpu(x, w, b, 10.0f, threads), conv1)) << threads;
    EXPECT_TRUE(bit_identical(sigmoid(threads), sig1)) << threads;
  }
}

TEST(OutputsCpu, LeavesToAtenWhatItDoesNotTake) {
  const at::Tensor x = at::randn({1, 64, 8, 8});
  const at::Tensor w = at::randn({4, 64, 1, 1}), b = at::randn({4});
  const at::Tensor cl = x.contiguous(at::MemoryFormat::ChannelsLast);
  EXPECT_TRUE(ck::detail::pointwise_conv_cpu_supported(cl, w, b));
  EXPECT_FALSE(ck::detail::pointwise_conv_cpu_supported(x, w, b)) << "NCHW";
  EXPECT_FALSE(ck::detail::pointwise_conv_cpu_supported(cl.to(at::kHalf), w.to(at::kHalf), b.to(at::kHalf)));
  EXPECT_FALSE(ck::detail::pointwise_conv_cpu_supported(cl, w.to(at::kBFloat16), b)) << "mixed types";
  EXPECT_FALSE(ck::detail::pointwise_conv_cpu_supported(cl, at::randn({4, 32, 1, 1}), b)) << "channel count";
  EXPECT_FALSE(ck::detail::pointwise_conv_cpu_supported(cl, at::randn({4, 64, 3, 3}), b)) << "3x3";
  EXPECT_FALSE(ck::detail::pointwise_conv_cpu_supported(cl, w, at::randn({3})));
  EXPECT_TRUE(ck::detail::upsample_bilinear_cpu_supported(x));
  EXPECT_FALSE(ck::detail::upsample_bilinear_cpu_supported(cl)) << "channels-last";
  EXPECT_FALSE(ck::detail::upsample_bilinear_cpu_supported(x.to(at::kHalf)));
  EXPECT_FALSE(ck::detail::upsample_bilinear_cpu_supported(x.view({64, 8, 8})));
  EXPECT_TRUE(ck::detail::sigmoid_cpu_supported(x, cl));
  EXPECT_FALSE(ck::detail::sigmoid_cpu_supported(x.to(at::kBFloat16), x)) << "types differ";
  EXPECT_FALSE(ck::detail::sigmoid_cpu_supported(x.to(at::kDouble), x.to(at::kDouble)));
  EXPECT_FALSE(ck::detail::sigmoid_cpu_supported(x.narrow(2, 0, 4), x)) << "shapes differ";
}

// The whole network on the fixtures: the alpha and fg of 1 thread for 2, 3, 5 and 8 threads, in
// float32 (Winograd and direct refiner convolutions) and bfloat16.
TEST(OutputsCpu, TheNetworksOutputsDoNotDependOnTheThreadCount) {
  ThreadCount restore;
  const ck::StateDict sd = ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors");
  const ck::ModelConfig config = ck::ModelConfig::resolve(sd);
  const at::Tensor input =
      ck::SafetensorsFile::open(fixtures() / "expected" / "srgb_128.safetensors").tensor("model_input").unsqueeze(0);
  const std::vector<ck::ModelOptions> variants{
      {.img_size = 128}, {.img_size = 128, .winograd = false}, {.img_size = 128, .precision = at::kBFloat16}};
  for (const ck::ModelOptions& mo : variants) {
    const ck::GreenFormer model = ck::GreenFormer::load(sd, config, mo);
    at::set_num_threads(1);
    const ck::ModelOutput one = model.forward(input);
    for (const int threads : kThreadCounts) {
      at::set_num_threads(threads);
      const ck::ModelOutput many = model.forward(input);
      EXPECT_TRUE(bit_identical(many.alpha, one.alpha)) << ck::precision_name(mo.precision) << " " << threads;
      EXPECT_TRUE(bit_identical(many.fg, one.fg)) << ck::precision_name(mo.precision) << " " << threads;
    }
  }
}

}  // namespace
