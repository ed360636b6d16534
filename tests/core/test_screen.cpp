// Blue screens in the core: the blue despill is the green one with G and B exchanged (exactly),
// screen-colour recognition on the fixture frame and its blue twin, checkpoint names, and the
// built-in coarse alpha (its morphology against plain loops, its matte against the frame's truth).
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "corridorkey/coarse_alpha.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/pipeline.hpp"
#include "corridorkey/screen.hpp"
#include "corridorkey_kernels/chroma_key.hpp"
#include "corridorkey_kernels/color.hpp"
#include "corridorkey_kernels/color_math.hpp"
#include "corridorkey_kernels/rows.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace kn = corridorkey::kernels;
using ck::test::decoded_frames;
using ck::test::random_floats;

namespace {

// [..., 3] RGB -> R, B, G (an involution: applied twice it is the identity).
at::Tensor swap_gb(const at::Tensor& t) { return t.index_select(-1, at::tensor({0, 2, 1}, at::kLong)).contiguous(); }

bool same_bits(const float* a, const float* b, std::size_t n) { return std::memcmp(a, b, n * sizeof(float)) == 0; }

// The square-element morphology with plain loops: max/min over the clamped window.
std::vector<std::uint8_t> naive_morph(const std::vector<std::uint8_t>& in, int w, int h, int r, bool dilate) {
  std::vector<std::uint8_t> out(in.size());
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      std::uint8_t v = dilate ? 0 : 255;
      for (int dy = -r; dy <= r; ++dy) {
        for (int dx = -r; dx <= r; ++dx) {
          const std::uint8_t p = in[std::clamp(y + dy, 0, h - 1) * w + std::clamp(x + dx, 0, w - 1)];
          v = dilate ? std::max(v, p) : std::min(v, p);
        }
      }
      out[y * w + x] = v;
    }
  }
  return out;
}

ck::ScreenSample sample(const at::Tensor& plate, bool with_hint) {
  return ck::measure_screen(plate, with_hint ? decoded_frames().at("hint_u8") : at::Tensor(), false);
}

}  // namespace

TEST(BlueDespill, IsTheGreenOneWithGAndBExchangedBitForBit) {
  const std::vector<float> px = random_floats(3 * 4096, -0.1f, 1.3f, 11);
  for (const float strength : {1.0f, 0.5f, 0.27f, 0.0f}) {
    for (std::size_t i = 0; i < px.size(); i += 3) {
      float green[3] = {px[i], px[i + 1], px[i + 2]};
      float blue[3] = {px[i], px[i + 2], px[i + 1]};  // the swapped pixel
      kn::math::despill(green, strength, 1);
      kn::math::despill(blue, strength, 2);
      const float swapped_back[3] = {blue[0], blue[2], blue[1]};
      ASSERT_TRUE(same_bits(green, swapped_back, 3)) << "pixel " << i / 3 << " strength " << strength;
    }
  }
  // And it changes what the green despill leaves alone: a blue cast is limited only on channel 2.
  float cast[3] = {0.2f, 0.3f, 0.9f};
  kn::math::despill(cast, 1.0f, 1);
  EXPECT_FLOAT_EQ(cast[2], 0.9f);
  kn::math::despill(cast, 1.0f, 2);
  EXPECT_FLOAT_EQ(cast[2], 0.25f);
  EXPECT_FLOAT_EQ(cast[0], 0.2f + 0.325f);
}

TEST(BlueDespill, PostprocessingOfASwappedFrameIsTheSwappedResult) {
  // The whole CPU post-processing: resize back, despeckle, despill, premultiply, comp.
  at::manual_seed(3);
  const at::Tensor alpha = at::rand({1, 64, 64}), fg = at::rand({3, 64, 64});
  const at::Tensor fg_swapped = fg.index_select(0, at::tensor({0, 2, 1}, at::kLong)).contiguous();
  ck::InferenceSettings green, blue;
  green.despill_strength = blue.despill_strength = 0.8;
  blue.screen_color = ck::ScreenColor::blue;
  const ck::FrameResult g = ck::Engine::postprocess(alpha, fg, 90, 70, green);
  const ck::FrameResult b = ck::Engine::postprocess(alpha, fg_swapped, 90, 70, blue);
  EXPECT_TRUE(ck::test::bit_identical(swap_gb(b.fg), g.fg));
  EXPECT_TRUE(ck::test::bit_identical(swap_gb(b.comp), g.comp));
  const at::Tensor b_rgb = swap_gb(b.processed.narrow(2, 0, 3));
  EXPECT_TRUE(ck::test::bit_identical(b_rgb, g.processed.narrow(2, 0, 3).contiguous()));
  EXPECT_TRUE(
      ck::test::bit_identical(b.processed.narrow(2, 3, 1).contiguous(), g.processed.narrow(2, 3, 1).contiguous()));
  // Keyed as green, the swapped frame comes out differently (the test can fail).
  const ck::FrameResult wrong = ck::Engine::postprocess(alpha, fg_swapped, 90, 70, green);
  EXPECT_GT(ck::test::max_abs_diff(swap_gb(wrong.comp), g.comp), 0.05);
}

TEST(ScreenColour, NamesParsingAndCheckpointFiles) {
  EXPECT_EQ(ck::parse_screen_color("Blue"), ck::ScreenColor::blue);
  EXPECT_EQ(ck::parse_screen_color("green"), ck::ScreenColor::green);
  EXPECT_THROW(ck::parse_screen_color("auto"), ck::UsageError);
  EXPECT_THROW(ck::parse_screen_color("magenta"), ck::UsageError);
  EXPECT_EQ(ck::spill_channel(ck::ScreenColor::green), 1);
  EXPECT_EQ(ck::spill_channel(ck::ScreenColor::blue), 2);
  EXPECT_EQ(ck::checkpoint_screen_color("ck/CorridorKeyBlue_1.0.safetensors"), ck::ScreenColor::blue);
  EXPECT_EQ(ck::checkpoint_screen_color("corridorkey_BLUE.pth"), ck::ScreenColor::blue);
  EXPECT_EQ(ck::checkpoint_screen_color("CorridorKey.safetensors"), ck::ScreenColor::green);
  EXPECT_EQ(ck::checkpoint_screen_color("/blue/CorridorKey.pth"), ck::ScreenColor::green)
      << "only the file name counts, not its folder";
}

TEST(ScreenColour, RecognisesTheFixtureAndItsBlueTwinWithAndWithoutHints) {
  const at::Tensor green = decoded_frames().at("plate_srgb_u8");
  const at::Tensor blue = swap_gb(green);
  for (const bool hint : {true, false}) {
    EXPECT_EQ(ck::judge_screen(sample(green, hint)), ck::ScreenVerdict::green) << "hint " << hint;
    EXPECT_EQ(ck::judge_screen(sample(blue, hint)), ck::ScreenVerdict::blue) << "hint " << hint;
  }
  const ck::ScreenSample s = sample(green, true);
  EXPECT_TRUE(s.used_hint);
  EXPECT_GT(s.background, 0.5);
  EXPECT_GT(s.green, 0.9);
  EXPECT_GT(s.mean[1], s.mean[0] + 0.3);
  // Linear float plates are measured in sRGB, to the same verdicts.
  const at::Tensor linear = decoded_frames().at("plate_linear_f32");
  EXPECT_EQ(ck::judge_screen(ck::measure_screen(swap_gb(linear), at::Tensor(), true)), ck::ScreenVerdict::blue);
  // A grey frame and a frame that is all foreground are undecided.
  EXPECT_EQ(ck::judge_screen(ck::measure_screen(at::full({100, 100, 3}, 0.5f), at::Tensor(), false)),
            ck::ScreenVerdict::undecided);
  EXPECT_EQ(ck::judge_screen(ck::measure_screen(green, at::ones({200, 300}), false)), ck::ScreenVerdict::undecided);
  EXPECT_THROW(ck::measure_screen(at::zeros({10, 10}), at::Tensor(), false), ck::FrameError);
}

TEST(ScreenColour, AClipIsTheColourItsFramesAgreeOn) {
  const at::Tensor green = decoded_frames().at("plate_srgb_u8");
  const ck::ScreenSample g = sample(green, true), b = sample(swap_gb(green), true);
  const ck::ScreenSample grey = ck::measure_screen(at::full({50, 50, 3}, 0.5f), at::Tensor(), false);
  const ck::ScreenDecision blue = ck::decide_screen({b, grey, b});
  EXPECT_EQ(blue.color, ck::ScreenColor::blue);
  EXPECT_FALSE(blue.ambiguous || blue.mixed);
  EXPECT_NE(blue.evidence.find("0 green, 2 blue, 1 undecided"), std::string::npos) << blue.evidence;
  const ck::ScreenDecision mixed = ck::decide_screen({g, b});
  EXPECT_TRUE(mixed.mixed);
  ASSERT_EQ(mixed.verdicts.size(), 2u);
  EXPECT_EQ(mixed.verdicts[1], ck::ScreenVerdict::blue);
  const ck::ScreenDecision none = ck::decide_screen({grey});
  EXPECT_TRUE(none.ambiguous);
  EXPECT_EQ(none.color, ck::ScreenColor::green) << "undecided clips are keyed as green";
  EXPECT_TRUE(ck::decide_screen({}).ambiguous);
  EXPECT_EQ(ck::screen_sample_frames(100), (std::vector<int>{0, 25, 50, 74, 99}));
  EXPECT_EQ(ck::screen_sample_frames(3), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(ck::screen_sample_frames(1), (std::vector<int>{0}));
  EXPECT_TRUE(ck::screen_sample_frames(0).empty());
}

TEST(ChromaKeyTwin, SquareMorphologyMatchesPlainLoopsForEveryRadiusAndBanding) {
  const int w = 53, h = 37;
  const std::vector<float> noise = random_floats(static_cast<std::size_t>(w) * h, 0.0f, 1.0f, 5);
  std::vector<std::uint8_t> mask(noise.size());
  for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = noise[i] < 0.8f ? 255 : 0;
  std::vector<std::uint8_t> out(mask.size()), scratch(mask.size());
  for (const int r : {0, 1, 2, 3, 7, 30}) {
    for (const bool dilate : {false, true}) {
      for (const int threads : {1, 3}) {
        const auto rows = kn::thread_bands(threads);
        if (dilate)
          kn::cpu::dilate_square(mask.data(), out.data(), scratch.data(), w, h, r, rows);
        else
          kn::cpu::erode_square(mask.data(), out.data(), scratch.data(), w, h, r, rows);
        EXPECT_EQ(out, naive_morph(mask, w, h, r, dilate)) << "r " << r << " dilate " << dilate;
      }
    }
  }
  std::vector<std::uint8_t> in_place = mask;
  kn::cpu::erode_square(in_place.data(), in_place.data(), scratch.data(), w, h, 2, kn::run_serial);
  EXPECT_EQ(in_place, naive_morph(mask, w, h, 2, false));
}

TEST(ChromaKeyTwin, SoftenIsThreeBoxPassesPerAxis) {
  const int w = 41, h = 29, r = 3;
  const std::vector<float> noise = random_floats(static_cast<std::size_t>(w) * h, 0.0f, 1.0f, 9);
  std::vector<std::uint8_t> mask(noise.size());
  for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = noise[i] < 0.5f ? 255 : 0;
  std::vector<float> out(mask.size()), scratch(mask.size());
  kn::cpu::soften_mask(mask.data(), out.data(), scratch.data(), w, h, r, kn::thread_bands(2));
  std::vector<double> want(mask.size()), tmp(mask.size());
  for (std::size_t i = 0; i < mask.size(); ++i) want[i] = mask[i] / 255.0;
  const auto pass = [&](bool along_rows) {
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        double s = 0;
        for (int k = -r; k <= r; ++k)
          s += along_rows ? want[y * w + std::clamp(x + k, 0, w - 1)] : want[std::clamp(y + k, 0, h - 1) * w + x];
        tmp[y * w + x] = s / (2 * r + 1);
      }
    }
    want.swap(tmp);
  };
  for (int i = 0; i < 3; ++i) pass(true);
  for (int i = 0; i < 3; ++i) pass(false);
  double worst = 0;
  for (std::size_t i = 0; i < out.size(); ++i) worst = std::max(worst, std::fabs(out[i] - want[i]));
  EXPECT_LE(worst, 1e-5);
}

TEST(CoarseAlpha, IsAnErodedSoftenedCoreOfTheSubject) {
  const at::Tensor plate = decoded_frames().at("plate_srgb_u8");
  const ck::CoarseAlpha a = ck::coarse_alpha(plate, {});
  ASSERT_TRUE(a.found_screen);
  EXPECT_GT(a.screen_share, 0.6);
  ASSERT_EQ(a.alpha.sizes(), (std::vector<std::int64_t>{200, 300}));
  EXPECT_GE(a.alpha.min().item<float>(), 0.0f);
  EXPECT_LE(a.alpha.max().item<float>(), 1.0f);
  // The fixture's hint is the coarse matte the frame came with: the generated one agrees with it
  // where that is clearly foreground or clearly background.
  const at::Tensor hint = decoded_frames().at("hint_u8").to(at::kFloat) / 255.0f;
  const at::Tensor fg = hint > 0.95, bg = hint < 0.05;
  const double fg_hit = (a.alpha.masked_select(fg) > 0.5).to(at::kFloat).mean().item<double>();
  const double bg_hit = (a.alpha.masked_select(bg) < 0.5).to(at::kFloat).mean().item<double>();
  EXPECT_GT(fg_hit, 0.97) << "the subject's core is foreground";
  EXPECT_GT(bg_hit, 0.995) << "the screen is background";
  // It is the plain key, closed and eroded: inside it and smaller than it.
  ck::CoarseAlphaSettings plain;
  plain.close = plain.erode = plain.soften = 0;
  const at::Tensor key = ck::coarse_alpha(plate, plain).alpha;
  EXPECT_TRUE(((key == 0) | (key == 1)).all().item<bool>()) << "without softening the key is binary";
  const double area = (a.alpha > 0.5).sum().item<double>(), key_area = key.sum().item<double>();
  EXPECT_LT(area, 0.95 * key_area) << "eroded";
  EXPECT_GT(area, 0.7 * key_area);
  EXPECT_LT((a.alpha > 0.5).logical_and(key < 0.5).sum().item<double>(), 0.002 * area) << "inside the key";
  const double soft = ((a.alpha > 0.05) & (a.alpha < 0.95)).sum().item<double>();
  EXPECT_GT(soft, 0.05 * area) << "softened, not a hard cut";
  // The blue twin keyed as blue gives the same matte, bit for bit; keyed as green, nothing.
  ck::CoarseAlphaSettings blue;
  blue.screen = ck::ScreenColor::blue;
  EXPECT_TRUE(ck::test::bit_identical(ck::coarse_alpha(swap_gb(plate), blue).alpha, a.alpha));
  EXPECT_FALSE(ck::coarse_alpha(swap_gb(plate), {}).found_screen);
  // The linear float version of the frame keys to nearly the same matte.
  ck::CoarseAlphaSettings linear;
  linear.input_is_linear = true;
  const at::Tensor from_linear = ck::coarse_alpha(decoded_frames().at("plate_linear_f32"), linear).alpha;
  EXPECT_LT(((from_linear > 0.5) != (a.alpha > 0.5)).sum().item<double>(), 0.02 * area);
  // One thread or several: the same bits.
  ck::CoarseAlphaSettings one;
  one.threads = 1;
  EXPECT_TRUE(ck::test::bit_identical(ck::coarse_alpha(plate, one).alpha, a.alpha));
}

TEST(CoarseAlpha, AFrameWithoutScreenIsAllForegroundAndBadFramesThrow) {
  const ck::CoarseAlpha a = ck::coarse_alpha(at::full({40, 60, 3}, 128, at::kByte), {});
  EXPECT_FALSE(a.found_screen);
  EXPECT_EQ(a.alpha.min().item<float>(), 1.0f);
  EXPECT_THROW(ck::coarse_alpha(at::zeros({4, 4}), {}), ck::FrameError);
  EXPECT_THROW(ck::coarse_alpha(at::zeros({4, 4, 3}, at::kInt), {}), ck::FrameError);
}
