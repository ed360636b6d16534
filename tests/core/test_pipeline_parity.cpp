// The core's frame pipeline against the reference engine's outputs (shared/fixtures/expected):
// pre-processing, Lanczos resize back, despeckle, despill, colour maths, premultiply, comp. The
// frames come already decoded (fixtures/frame/decoded.safetensors), so no image codec is involved.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <vector>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/pipeline.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
using ck::test::decoded_frames;
using ck::test::fixtures;
using ck::test::max_abs_diff;
using ck::test::tiny_engine;

namespace {

struct Case {
  std::string expected;
  std::string plate;
  int img_size;
  bool linear;
  double despill;
  bool despeckle;
  double refiner_scale;
};

class PipelineParity : public ::testing::TestWithParam<Case> {};

TEST_P(PipelineParity, MatchesReferenceWithin1e4) {
  const Case& c = GetParam();
  ck::Engine engine = tiny_engine(c.img_size);
  const at::Tensor plate = decoded_frames().at(c.plate), hint = decoded_frames().at("hint_u8");
  const auto want = ck::SafetensorsFile::open(fixtures() / "expected" / c.expected).tensors();

  EXPECT_LE(max_abs_diff(engine.preprocess({plate}, {hint}, c.linear)[0], want.at("model_input")), 1e-4);

  const ck::InferenceSettings settings{.input_is_linear = c.linear,
                                       .despill_strength = c.despill,
                                       .auto_despeckle = c.despeckle,
                                       .despeckle_size = 400,
                                       .refiner_scale = c.refiner_scale,
                                       .generate_comp = true};
  const ck::FrameResult r = engine.process_frame(plate, hint, settings);
  EXPECT_TRUE(r.alpha.device().is_cpu());
  EXPECT_LE(max_abs_diff(r.alpha, want.at("alpha")), 1e-4);
  EXPECT_LE(max_abs_diff(r.fg, want.at("fg")), 1e-4);
  EXPECT_LE(max_abs_diff(r.comp, want.at("comp")), 1e-4);
  EXPECT_LE(max_abs_diff(r.processed, want.at("processed")), 1e-4);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, PipelineParity,
    ::testing::Values(Case{"srgb_128.safetensors", "plate_srgb_u8", 128, false, 0.5, true, 1.0},
                      Case{"linear_128.safetensors", "plate_linear_f32", 128, true, 0.5, true, 1.0},
                      Case{"variant_256.safetensors", "plate_srgb_u8", 256, false, 1.0, false, 0.5}),
    [](const auto& info) { return info.param.expected.substr(0, info.param.expected.find('.')); });

TEST(Pipeline, PlainBuffersGiveTheSameResultsAsTensors) {
  // What an OpenFX host hands over: float RGBA, rows bottom-up (negative stride) with padding.
  ck::Engine engine = tiny_engine(128);
  const at::Tensor plate = decoded_frames().at("plate_srgb_u8"), hint = decoded_frames().at("hint_u8");
  const int h = 200, w = 300, row = w * 4 + 8;  // floats per row, 8 of them padding
  std::vector<float> rgba(static_cast<std::size_t>(row) * h, -7.0f);
  const auto* px = plate.data_ptr<std::uint8_t>();
  for (int y = 0; y < h; ++y) {
    float* dst = rgba.data() + static_cast<std::size_t>(h - 1 - y) * row;  // bottom-up
    for (int x = 0; x < w; ++x) {
      for (int c = 0; c < 3; ++c) dst[x * 4 + c] = px[(y * w + x) * 3 + c] * static_cast<float>(1.0 / 255.0);
      dst[x * 4 + 3] = 1.0f;
    }
  }
  const ck::ImageView plate_view{.data = rgba.data() + static_cast<std::size_t>(h - 1) * row,
                                 .width = w,
                                 .height = h,
                                 .channels = 4,
                                 .type = ck::PixelType::Float32,
                                 .row_stride = -static_cast<std::ptrdiff_t>(row * sizeof(float))};
  const ck::ImageView hint_view{.data = hint.data_ptr(), .width = w, .height = h, .channels = 1};
  const ck::InferenceSettings settings{.despill_strength = 0.5};
  const ck::FrameResult from_views = engine.process_frame(plate_view, hint_view, settings);
  const ck::FrameResult from_tensors = engine.process_frame(plate, hint, settings);
  EXPECT_TRUE(ck::test::bit_identical(from_views.alpha, from_tensors.alpha));
  EXPECT_TRUE(ck::test::bit_identical(from_views.processed, from_tensors.processed));
  EXPECT_TRUE(ck::test::bit_identical(from_views.comp, from_tensors.comp));
  const auto want = ck::SafetensorsFile::open(fixtures() / "expected" / "srgb_128.safetensors").tensors();
  EXPECT_LE(max_abs_diff(from_views.processed, want.at("processed")), 1e-4);
}

TEST(Pipeline, SixteenBitHintAgreesWithEightBitHint) {
  ck::Engine engine = tiny_engine(128);
  const at::Tensor plate = decoded_frames().at("plate_srgb_u8");
  const at::Tensor h16 = decoded_frames().at("hint_u16").to(at::kInt);
  std::vector<std::uint16_t> values(static_cast<std::size_t>(h16.numel()));
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::uint16_t>(h16.data_ptr<int>()[i]);
  const at::Tensor hint16 =
      ck::to_tensor({.data = values.data(), .width = 300, .height = 200, .channels = 1, .type = ck::PixelType::UInt16});
  EXPECT_EQ(hint16.scalar_type(), at::kUInt16);
  const at::Tensor a = engine.preprocess({plate}, {decoded_frames().at("hint_u8")}, false);
  const at::Tensor b = engine.preprocess({plate}, {hint16}, false);
  EXPECT_LE(max_abs_diff(a[0][3], b[0][3]), 1.0 / 255.0) << "the hint channel";
  EXPECT_TRUE(ck::test::bit_identical(a.narrow(1, 0, 3), b.narrow(1, 0, 3))) << "the RGB channels";
}

TEST(Pipeline, HintOfAnotherSizeIsResizedToThePlate) {
  ck::Engine engine = tiny_engine(128);
  const at::Tensor plate = decoded_frames().at("plate_srgb_u8");
  const at::Tensor small =
      decoded_frames().at("hint_u8").unsqueeze(2).slice(0, 0, 200, 2).slice(1, 0, 300, 2);  // 100x150
  const ck::FrameResult r = engine.process_frame(plate, small, {});
  EXPECT_EQ(r.alpha.sizes(), (std::vector<std::int64_t>{200, 300, 1}));
  EXPECT_EQ(r.processed.sizes(), (std::vector<std::int64_t>{200, 300, 4}));
  EXPECT_EQ(r.processed.scalar_type(), at::kFloat);
}

// On the CPU nothing crosses a bus: to_host hands back the chosen outputs themselves, in float32
// even when half floats are asked for (they are what a GPU download sends).
TEST(Pipeline, ToHostOnTheCpuKeepsTheChosenOutputsInFloat32) {
  const ck::FrameResult r =
      tiny_engine(128).process_frame(decoded_frames().at("plate_srgb_u8"), decoded_frames().at("hint_u8"), {});
  ck::HostOutputs which;
  which.comp = false, which.half = true;
  const ck::FrameResult h = r.to_host(which);
  EXPECT_FALSE(h.comp.defined());
  for (const auto& [got, of] : {std::pair{h.alpha, r.alpha}, {h.fg, r.fg}, {h.processed, r.processed}}) {
    EXPECT_EQ(got.scalar_type(), at::kFloat);
    EXPECT_EQ(got.data_ptr(), of.data_ptr()) << "no copy on the CPU";
  }
  const ck::FrameResult none = r.to_host({.alpha = false, .fg = false, .comp = false, .processed = false});
  EXPECT_FALSE(none.alpha.defined() || none.fg.defined() || none.comp.defined() || none.processed.defined());
}

TEST(Pipeline, BadFramesAreFrameErrorsThatSayWhatIsWrong) {
  ck::Engine engine = tiny_engine(128);
  const at::Tensor plate = decoded_frames().at("plate_srgb_u8"), hint = decoded_frames().at("hint_u8");
  const auto fails = [&](const at::Tensor& p, const at::Tensor& h) {
    return ck::test::error_of([&] { engine.process_frame(p, h, {}); });
  };
  EXPECT_NE(
      fails(plate.narrow(2, 0, 2), hint).find("the plate must be an RGB image, an [H, W, 3] tensor (got [200, 300, 2]"),
      std::string::npos);
  EXPECT_NE(fails(plate.to(at::kLong), hint).find("unsupported pixel type for the plate ([200, 300, 3] Long)"),
            std::string::npos);
  EXPECT_NE(fails(plate, hint.view({1, 200, 300, 1})).find("the alpha hint must be an [H, W] or [H, W, C] image"),
            std::string::npos);
  EXPECT_NE(fails(plate, at::Tensor()).find("(got none)"), std::string::npos);
  EXPECT_NE(ck::test::error_of([&] {
              engine.infer({plate, plate}, {hint}, {});
            }).find("one hint per plate (got 2 plates, 1 hints)"),
            std::string::npos);
}

TEST(Pipeline, PostprocessRefusesFramesTheDespeckleCannotLabel) {
  // Checked before anything is allocated (the frame would need 40 GB).
  const at::Tensor alpha = at::zeros({1, 8, 8}), fg = at::zeros({3, 8, 8});
  const std::string error =
      ck::test::error_of([&] { ck::Engine::postprocess(alpha, fg, 65536, 32769, {.auto_despeckle = true}); });
  EXPECT_NE(error.find("a 65536 x 32769 frame has 2147549184 pixels"), std::string::npos) << error;
  EXPECT_NE(error.find("--no-despeckle"), std::string::npos) << error;
  EXPECT_NE(ck::test::error_of([&] { ck::Engine::postprocess(alpha, fg, 0, 10, {}); }).find("needs a frame size"),
            std::string::npos);
}

}  // namespace
