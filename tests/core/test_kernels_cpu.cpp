// The CPU twins of the kernels, with no library but LibTorch: ATen's antialiased bilinear, the sRGB
// formulas with powf, the despeckle's filter constants, banding and scaling. tests/io compares the
// twins with the OpenCV calls they reproduce; tests/gpu compares the CUDA kernels with the twins.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <random>
#include <stdexcept>
#include <vector>

#include "corridorkey/color.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey_kernels/color_math.hpp"
#include "corridorkey_kernels/despeckle.hpp"
#include "corridorkey_kernels/resize.hpp"
#include "test_support.hpp"

namespace kn = corridorkey::kernels;
namespace ck = corridorkey;
using corridorkey::test::random_floats;

namespace {

// Bands of `rows` rows, the last band shorter, on the calling thread.
kn::RowRunner bands_of(int rows) {
  return [rows](int n, const std::function<void(int, int)>& band) {
    for (int b = 0; b < n; b += rows) band(b, std::min(n, b + rows));
  };
}

}  // namespace

TEST(ColourTwin, SrgbCurvesMatchPowfWithin2e6) {
  double worst_to_linear = 0, worst_to_srgb = 0;
  for (int i = -1000; i <= 400000; ++i) {
    const float x = static_cast<float>(i) / 200000.0f;  // -0.005 .. 2
    const float xs = std::max(x, 0.0f);
    const float lin = xs <= 0.04045f ? xs / 12.92f : std::pow((xs + 0.055f) / 1.055f, 2.4f);
    const float srgb = xs <= 0.0031308f ? xs * 12.92f : 1.055f * std::pow(xs, 1.0f / 2.4f) - 0.055f;
    worst_to_linear = std::max(worst_to_linear, static_cast<double>(std::fabs(kn::math::srgb_to_linear(x) - lin)));
    worst_to_srgb = std::max(worst_to_srgb, static_cast<double>(std::fabs(kn::math::linear_to_srgb(x) - srgb)));
  }
  EXPECT_LE(worst_to_linear, 2e-6);
  EXPECT_LE(worst_to_srgb, 2e-6);
  EXPECT_EQ(kn::math::srgb_to_linear(std::nanf("")), 0.0f) << "NaN clamps to 0 like fmaxf";
}

// The public whole-tensor curves (corridorkey/color.hpp) are the twins' curve, value for value,
// over several bands of threads, and refuse what is not float32.
TEST(ColourTwin, TensorCurvesAreTheScalarCurvesOnEveryValue) {
  const at::Tensor x = at::linspace(-0.1, 2.0, 3 * 70001).reshape({3, 70001});  // more than one band
  const at::Tensor lin = ck::srgb_to_linear(x), srgb = ck::linear_to_srgb(x);
  ASSERT_EQ(lin.sizes(), x.sizes());
  const float* in = x.const_data_ptr<float>();
  for (std::int64_t i = 0; i < x.numel(); i += 7) {
    ASSERT_EQ(lin.const_data_ptr<float>()[i], kn::math::srgb_to_linear(in[i])) << i;
    ASSERT_EQ(srgb.const_data_ptr<float>()[i], kn::math::linear_to_srgb(in[i])) << i;
  }
  EXPECT_LE(ck::test::max_abs_diff(ck::linear_to_srgb(ck::srgb_to_linear(x.clamp_min(0))), x.clamp_min(0)), 2e-6);
  EXPECT_EQ(lin.min().item<float>(), 0.0f) << "negative values clamp to 0";
  EXPECT_THROW(ck::srgb_to_linear(x.to(at::kDouble)), ck::FrameError);
  EXPECT_THROW(ck::linear_to_srgb(at::Tensor()), ck::FrameError);
}

// Processed for an sRGB application: straight colour encoded, premultiplied again, alpha kept;
// nothing (not NaN) where alpha is 0.
TEST(ColourTwin, PremultipliedSrgbEncodesTheStraightColour) {
  at::manual_seed(3);
  at::Tensor rgba = at::rand({37, 70001 / 37 + 1, 4});
  rgba.narrow(2, 3, 1).masked_fill_(rgba.narrow(2, 3, 1) < 0.1, 0.0);
  rgba.narrow(2, 0, 3).mul_(rgba.narrow(2, 3, 1));  // premultiplied
  const at::Tensor got = ck::encode_premultiplied_srgb(rgba);
  const at::Tensor a = rgba.narrow(2, 3, 1);
  const at::Tensor straight = at::where(a > 0, rgba.narrow(2, 0, 3) / a.clamp_min(1e-30), at::zeros({}));
  EXPECT_LE(ck::test::max_abs_diff(got.narrow(2, 0, 3), ck::linear_to_srgb(straight.contiguous()) * a), 1e-6);
  EXPECT_TRUE(ck::test::bit_identical(got.narrow(2, 3, 1).contiguous(), a.contiguous()));
  EXPECT_FALSE(got.isnan().any().item<bool>());
  EXPECT_EQ(got.masked_select((a == 0).expand_as(got)).abs().max().item<float>(), 0.0f);
  EXPECT_THROW(ck::encode_premultiplied_srgb(at::rand({4, 4, 3})), ck::FrameError);
}

TEST(DespeckleTwin, GaussianTapsSumTo256AndAreSymmetric) {
  const auto k = kn::gaussian_q8_taps();
  int sum = 0;
  for (int i = 0; i < 11; ++i) {
    sum += k[i];
    EXPECT_EQ(k[i], k[10 - i]);
  }
  EXPECT_EQ(sum, 256);
}

TEST(ResizeTwin, AntialiasedBilinearMatchesAten) {
  // Shrinking (as 1920x1080 -> 512 does), enlarging, one axis each way, and the identity.
  for (const auto& [ih, iw, oh, ow] : std::vector<std::array<int, 4>>{
           {108, 192, 51, 51}, {37, 53, 64, 80}, {50, 20, 25, 41}, {31, 29, 31, 29}, {300, 7, 9, 3}}) {
    const int c = 3;
    auto in = random_floats(static_cast<std::size_t>(c) * ih * iw, -0.1f, 1.2f, static_cast<unsigned>(ih * iw));
    std::vector<float> got(static_cast<std::size_t>(c) * oh * ow);
    kn::cpu::resize_bilinear_aa(in.data(), got.data(), c, ih, iw, oh, ow);
    const at::Tensor t = at::from_blob(in.data(), {1, c, ih, iw}, at::kFloat);
    const at::Tensor ref = (ih == oh && iw == ow) ? t : at::_upsample_bilinear2d_aa(t, {oh, ow}, false);
    const at::Tensor g = at::from_blob(got.data(), {1, c, oh, ow}, at::kFloat);
    EXPECT_LE((ref - g).abs().max().item<float>(), 2e-6f) << ih << "x" << iw << " -> " << oh << "x" << ow;
  }
}

TEST(ResizeTwin, Lanczos4DoesNotDependOnTheBanding) {
  for (const auto& [ih, iw, oh, ow] : std::vector<std::array<int, 4>>{{51, 51, 108, 192}, {40, 30, 17, 90}}) {
    const int c = 3;
    const auto in = random_floats(static_cast<std::size_t>(c) * ih * iw, -0.1f, 1.2f, 11);
    std::vector<float> serial(static_cast<std::size_t>(c) * oh * ow), banded(serial.size());
    kn::cpu::resize_lanczos4(in.data(), serial.data(), c, ih, iw, oh, ow);
    kn::cpu::resize_lanczos4(in.data(), banded.data(), c, ih, iw, oh, ow, bands_of(7));
    EXPECT_EQ(serial, banded) << ih << "x" << iw << " -> " << oh << "x" << ow;
    std::vector<float> threaded(serial.size());
    kn::cpu::resize_lanczos4(in.data(), threaded.data(), c, ih, iw, oh, ow, kn::thread_bands(3));
    EXPECT_EQ(serial, threaded) << ih << "x" << iw << " -> " << oh << "x" << ow;
  }
}

TEST(RowBands, CoverEveryRowOnceAndRethrowFailures) {
  for (int rows : {0, 1, 15, 16, 47, 1080}) {
    std::vector<int> hits(static_cast<std::size_t>(rows));
    kn::thread_bands(4)(rows, [&](int begin, int end) {
      for (int r = begin; r < end; ++r) ++hits[static_cast<std::size_t>(r)];
    });
    EXPECT_EQ(std::count(hits.begin(), hits.end(), 1), rows) << rows << " rows";
  }
  EXPECT_THROW(kn::thread_bands(4)(64,
                                   [](int begin, int) {
                                     if (begin > 0) throw std::runtime_error("band failed");
                                   }),
               std::runtime_error);
}

TEST(ResizeTwin, BilinearTakesOpenCvPositionsAndEdges) {
  // 2 -> 4 columns: source positions -0.25 (left edge: the first pixel alone), 0.25, 0.75 and 1.25
  // (right edge: the last pixel alone); rows clamp the same way.
  const std::vector<float> in{0.0f, 1.0f};
  std::vector<float> out(4);
  kn::cpu::resize_linear(in.data(), out.data(), 1, 2, 1, 4);
  EXPECT_EQ(out, (std::vector<float>{0.0f, 0.25f, 0.75f, 1.0f}));
  std::vector<float> column(4);
  kn::cpu::resize_linear(in.data(), column.data(), 2, 1, 4, 1);
  EXPECT_EQ(column, (std::vector<float>{0.0f, 0.25f, 0.75f, 1.0f}));
  const auto same = random_floats(6 * 5, 0.0f, 1.0f, 3);
  std::vector<float> copy(same.size());
  kn::cpu::resize_linear(same.data(), copy.data(), 6, 5, 6, 5);
  EXPECT_EQ(copy, same) << "untouched at the same size";
}

TEST(ResizeTwin, UnpackScalesAndPlanarises) {
  const std::uint8_t u8[6] = {0, 51, 255, 1, 2, 3};  // two RGB pixels
  const std::uint16_t u16[3] = {0, 65535, 13107};
  const float f[3] = {-0.5f, 2.0f, 0.25f};
  std::vector<float> out(6);
  kn::cpu::unpack_planar(u8, 1, out.data(), 3, 1, 2);
  const float s8 = static_cast<float>(1.0 / 255.0);
  EXPECT_EQ(out, (std::vector<float>{0.0f, 1.0f * s8, 51.0f * s8, 2.0f * s8, 255.0f * s8, 3.0f * s8}));
  EXPECT_EQ(out[4], 1.0f);
  kn::cpu::unpack_planar(u16, 2, out.data(), 1, 1, 3);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], 1.0f);
  EXPECT_EQ(out[2], 13107.0f * static_cast<float>(1.0 / 65535.0));
  kn::cpu::unpack_planar(f, 4, out.data(), 1, 3, 1);
  EXPECT_EQ(out[0], -0.5f) << "float values pass as they are";
  EXPECT_EQ(out[1], 2.0f);
}

TEST(DespeckleTwin, RefusesFramesBeyond32BitPixelIndicesBeforeTouchingMemory) {
  // 65536 x 32769 is one row past 2^31 pixels: refused with the reason, no pointer is read.
  try {
    kn::cpu::despeckle(nullptr, nullptr, 65536, 32769, 400);
    FAIL() << "must throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("a 65536 x 32769 matte is outside 1 to 2^31 - 1 pixels"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(kn::cpu::keep_large_components(nullptr, nullptr, 0, 5, 1), std::invalid_argument);
  EXPECT_NO_THROW(kn::check_despeckle_size(65536, 32767));
}
