// The frame pipeline against the reference engine's outputs (shared/fixtures/expected):
// pre-processing, Lanczos resize back, despeckle, despill, colour maths, premultiply, comp.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/frame_io.hpp"
#include "corridorkey/pipeline.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
using ck::test::fixtures;
using ck::test::max_abs_diff;

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
  const ck::StateDict sd = ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors");
  ck::Engine engine(ck::GreenFormer::load(sd, ck::ModelConfig::resolve(sd), {.img_size = c.img_size}));
  const cv::Mat plate = ck::read_plate(fixtures() / "frame" / c.plate);
  const cv::Mat hint = ck::read_hint(fixtures() / "frame" / "hint.png");
  const auto want = ck::SafetensorsFile::open(fixtures() / "expected" / c.expected).tensors();

  EXPECT_LE(max_abs_diff(engine.preprocess({plate}, {hint}, c.linear)[0], want.at("model_input")), 1e-4);

  const ck::InferenceSettings settings{.input_is_linear = c.linear,
                                       .despill_strength = c.despill,
                                       .auto_despeckle = c.despeckle,
                                       .despeckle_size = 400,
                                       .refiner_scale = c.refiner_scale,
                                       .generate_comp = true};
  const ck::FrameResult r = engine.process_frame(plate, hint, settings);
  EXPECT_LE(max_abs_diff(ck::test::hwc_tensor(r.alpha), want.at("alpha")), 1e-4);
  EXPECT_LE(max_abs_diff(ck::test::hwc_tensor(r.fg), want.at("fg")), 1e-4);
  EXPECT_LE(max_abs_diff(ck::test::hwc_tensor(r.comp), want.at("comp")), 1e-4);
  EXPECT_LE(max_abs_diff(ck::test::hwc_tensor(r.processed), want.at("processed")), 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, PipelineParity,
                         ::testing::Values(Case{"srgb_128.safetensors", "input.png", 128, false, 0.5, true, 1.0},
                                           Case{"linear_128.safetensors", "input_linear.exr", 128, true, 0.5, true,
                                                1.0},
                                           Case{"variant_256.safetensors", "input.png", 256, false, 1.0, false, 0.5}),
                         [](const auto& info) { return info.param.expected.substr(0, info.param.expected.find('.')); });

TEST(Pipeline, SixteenBitHintEqualsEightBitHint) {
  const cv::Mat h8 = ck::read_hint(fixtures() / "frame" / "hint.png");
  const cv::Mat h16 = ck::read_hint(fixtures() / "frame" / "hint16.png");
  EXPECT_EQ(h16.type(), CV_32FC1);
  EXPECT_LE(cv::norm(h8, h16, cv::NORM_INF), 1.0 / 255.0);
}

TEST(Pipeline, HintOfAnotherSizeIsResizedToThePlate) {
  const ck::StateDict sd = ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors");
  ck::Engine engine(ck::GreenFormer::load(sd, ck::ModelConfig::resolve(sd), {.img_size = 128}));
  const cv::Mat plate = ck::read_plate(fixtures() / "frame" / "input.png");
  cv::Mat small;
  cv::resize(ck::read_hint(fixtures() / "frame" / "hint.png"), small, cv::Size(150, 100));
  const ck::FrameResult r = engine.process_frame(plate, small, {});
  EXPECT_EQ(r.alpha.size(), plate.size());
  EXPECT_EQ(r.processed.type(), CV_32FC4);
}

}  // namespace
