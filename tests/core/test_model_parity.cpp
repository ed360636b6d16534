// GreenFormer against the reference engine's outputs (shared/fixtures/expected), for both
// checkpoint files of the tiny fixture, with and without the pos_embed resize.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <cstdio>
#include <vector>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/model.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
using ck::test::fixtures;
using ck::test::max_abs_diff;

namespace {

// The fixture's model_* tensors are the network's own outputs: the reference applies
// refiner_scale through a forward hook that the capture of model_alpha/model_fg does not see, so
// they are compared at scale 1.0 (refiner_scale itself is tested below and in the pipeline tests).
struct Case {
  std::string checkpoint;
  std::string expected;
  int img_size;
};

class ModelParity : public ::testing::TestWithParam<Case> {};

TEST_P(ModelParity, MatchesReferenceWithin1e4) {
  const Case& c = GetParam();
  const ck::StateDict sd = ck::load_state_dict(fixtures() / "tiny" / c.checkpoint);
  const ck::ModelConfig config = ck::ModelConfig::resolve(sd);
  const auto expected = ck::SafetensorsFile::open(fixtures() / "expected" / c.expected).tensors();
  const at::Tensor input = expected.at("model_input").unsqueeze(0);
  // The refiner's 3x3 convolutions by Winograd (the CPU float32 default) and by oneDNN's direct
  // convolution, the decoder heads' tails fused (the default) and as ATen's ops: each within 1e-4 of
  // the reference, and not the same bits as the defaults (the other path ran).
  struct Paths {
    bool winograd, fused_decoder;
    const char* name;
  };
  std::vector<at::Tensor> alphas;
  for (const Paths& p : {Paths{true, true, "defaults"}, Paths{false, true, "direct convolutions"},
                         Paths{true, false, "ATen decoder tails"}}) {
    SCOPED_TRACE(p.name);
    const ck::GreenFormer model = ck::GreenFormer::load(
        sd, config, {.img_size = c.img_size, .winograd = p.winograd, .fused_decoder = p.fused_decoder});
    EXPECT_EQ(model.pos_embed_resized(), c.img_size != 256);
    const ck::ModelOutput out = model.forward(input, 1.0, /*keep_features=*/true);
    ASSERT_EQ(out.features.size(), 4u);
    for (int i = 0; i < 4; ++i) {
      const at::Tensor& want = expected.at("encoder_feature_" + std::to_string(i));
      EXPECT_LE(max_abs_diff(out.features[static_cast<std::size_t>(i)][0], want), 1e-4) << "encoder_feature_" << i;
    }
    const double alpha = max_abs_diff(out.alpha[0], expected.at("model_alpha"));
    const double fg = max_abs_diff(out.fg[0], expected.at("model_fg"));
    std::printf("%s: alpha off by %.3g, fg by %.3g\n", p.name, alpha, fg);
    EXPECT_LE(alpha, 1e-4);
    EXPECT_LE(fg, 1e-4);
    alphas.push_back(out.alpha);
  }
  EXPECT_FALSE(at::equal(alphas[0], alphas[1]));
  EXPECT_FALSE(at::equal(alphas[0], alphas[2]));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ModelParity,
                         ::testing::Values(Case{"CorridorKey.safetensors", "srgb_128.safetensors", 128},
                                           Case{"CorridorKey.pth", "srgb_128.safetensors", 128},
                                           Case{"CorridorKey.safetensors", "linear_128.safetensors", 128},
                                           Case{"CorridorKey.safetensors", "variant_256.safetensors", 256},
                                           Case{"CorridorKey.pth", "variant_256.safetensors", 256}),
                         [](const auto& info) {
                           std::string n = info.param.checkpoint.substr(12) + "_" +
                                           info.param.expected.substr(0, info.param.expected.find('.'));
                           for (auto& ch : n) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

TEST(ModelRefiner, ScaleMultipliesTheDeltaLogits) {
  const ck::StateDict sd = ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors");
  const ck::ModelConfig config = ck::ModelConfig::resolve(sd);
  const ck::GreenFormer model = ck::GreenFormer::load(sd, config, {.img_size = 128});
  const at::Tensor input =
      ck::SafetensorsFile::open(fixtures() / "expected" / "srgb_128.safetensors").tensor("model_input").unsqueeze(0);
  const auto full = model.forward(input, 1.0);
  const auto half = model.forward(input, 0.5);
  const auto none = model.forward(input, 0.0);
  // logit(out) = coarse + scale * delta, so the half-scale logits sit midway between the others.
  const auto logit = [](const at::Tensor& p) { return at::log(p.to(at::kDouble) / (1 - p.to(at::kDouble))); };
  EXPECT_LE(max_abs_diff(logit(half.alpha), (logit(full.alpha) + logit(none.alpha)) / 2), 1e-3);
  EXPECT_GT(max_abs_diff(full.alpha, none.alpha), 1e-3);
}

TEST(ModelPrecision, Bfloat16WithinTwoHundredthsOfFloat32) {
  const ck::StateDict sd = ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors");
  const ck::ModelConfig config = ck::ModelConfig::resolve(sd);
  const auto expected = ck::SafetensorsFile::open(fixtures() / "expected" / "srgb_128.safetensors").tensors();
  const at::Tensor input = expected.at("model_input").unsqueeze(0);
  const auto f32 = ck::GreenFormer::load(sd, config, {.img_size = 128}).forward(input);
  const auto bf16 = ck::GreenFormer::load(sd, config, {.img_size = 128, .precision = at::kBFloat16}).forward(input);
  EXPECT_EQ(bf16.alpha.scalar_type(), at::kBFloat16);
  EXPECT_LE(max_abs_diff(bf16.alpha, f32.alpha), 2e-2);
  EXPECT_LE(max_abs_diff(bf16.fg, f32.fg), 2e-2);
  EXPECT_GT(max_abs_diff(bf16.fg, f32.fg), 0.0) << "bfloat16 run should differ from float32 by rounding";
}

// float32_stages: the leading Hiera stages in float32 under bfloat16 (1 by default). All four in
// float32 leave only the decoders and the refiner in bfloat16; the errors shrink as more of the
// network stays float32, and every setting stays within the bfloat16 bound.
TEST(ModelPrecision, Float32StagesRunTheLeadingStagesInFloat32) {
  const ck::StateDict sd = ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors");
  const ck::ModelConfig config = ck::ModelConfig::resolve(sd);
  const auto expected = ck::SafetensorsFile::open(fixtures() / "expected" / "srgb_128.safetensors").tensors();
  const at::Tensor input = expected.at("model_input").unsqueeze(0);
  const auto f32 = ck::GreenFormer::load(sd, config, {.img_size = 128}).forward(input, 1.0, true);
  std::vector<double> errors;
  for (int stages = 0; stages <= 4; ++stages) {
    ck::ModelOptions mo{.img_size = 128, .precision = at::kBFloat16};
    mo.float32_stages = stages;
    const ck::GreenFormer model = ck::GreenFormer::load(sd, config, mo);
    EXPECT_EQ(model.float32_stages(), stages);
    const auto out = model.forward(input, 1.0, true);
    EXPECT_EQ(out.alpha.scalar_type(), at::kBFloat16);
    // The first stage's features: float32 stages give float32's values, up to the cast to bfloat16.
    const double stage1 =
        max_abs_diff(out.features[0].to(at::kFloat), f32.features[0].to(at::kBFloat16).to(at::kFloat));
    if (stages >= 1) {
      EXPECT_EQ(stage1, 0.0) << stages;
    }
    errors.push_back(std::max(max_abs_diff(out.alpha, f32.alpha), max_abs_diff(out.fg, f32.fg)));
    std::printf("float32_stages %d: stage 1 features off by %.3g, outputs by %.3g\n", stages, stage1, errors.back());
    EXPECT_LE(errors.back(), 2e-2) << stages;
  }
  EXPECT_GT(errors[0], 0.0);
  ck::ModelOptions f32_options{.img_size = 128};
  f32_options.float32_stages = 3;
  EXPECT_EQ(ck::GreenFormer::load(sd, config, f32_options).float32_stages(), 0) << "float32 has no reduced part";
}

// The default float32_stages per precision: float16 runs every stage in float16, as upstream runs
// its network on CUDA; its first stage's features stay near float32's, unlike bfloat16's (above).
TEST(ModelPrecision, Float16RunsEveryStageInFloat16ByDefault) {
  const ck::StateDict sd = ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors");
  const ck::ModelConfig config = ck::ModelConfig::resolve(sd);
  const auto expected = ck::SafetensorsFile::open(fixtures() / "expected" / "srgb_128.safetensors").tensors();
  const at::Tensor input = expected.at("model_input").unsqueeze(0);
  const auto f32 = ck::GreenFormer::load(sd, config, {.img_size = 128}).forward(input, 1.0, true);
  EXPECT_EQ(ck::GreenFormer::load(sd, config, {.img_size = 128, .precision = at::kBFloat16}).float32_stages(), 1);
  ck::ModelOptions one{.img_size = 128, .precision = at::kHalf};
  one.float32_stages = 1;
  const ck::GreenFormer half_stage1_float32 = ck::GreenFormer::load(sd, config, one);
  EXPECT_EQ(half_stage1_float32.float32_stages(), 1);
  const auto kept = half_stage1_float32.forward(input, 1.0, false);
  std::printf("float16, stage 1 in float32: outputs off by %.3g\n",
              std::max(max_abs_diff(kept.alpha, f32.alpha), max_abs_diff(kept.fg, f32.fg)));
  const ck::GreenFormer half = ck::GreenFormer::load(sd, config, {.img_size = 128, .precision = at::kHalf});
  EXPECT_EQ(half.float32_stages(), 0);
  const auto out = half.forward(input, 1.0, true);
  EXPECT_EQ(out.features[0].scalar_type(), at::kHalf);
  const double stage1 = max_abs_diff(out.features[0].to(at::kFloat), f32.features[0]);
  const double outputs = std::max(max_abs_diff(out.alpha, f32.alpha), max_abs_diff(out.fg, f32.fg));
  std::printf("float16, every stage in float16: stage 1 features off by %.3g, outputs by %.3g\n", stage1, outputs);
  EXPECT_GT(stage1, 0.0) << "stage 1 ran in float16";
  EXPECT_LE(stage1, 1e-2);
  EXPECT_LE(outputs, 1e-2);
}

}  // namespace
