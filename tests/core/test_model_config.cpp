// The architecture: config sidecar and metadata, inference from shapes, v1.0 shapes, and the
// model's errors (img_size, missing keys, shapes, non-CorridorKey checkpoints, refiner absence).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/model.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
using ck::test::error_of;
using ck::test::fixtures;

namespace {

ck::StateDict tiny() { return ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors"); }

TEST(ModelConfig, V1DefaultsHave367TensorsAndAbout100MParameters) {
  const ck::ModelConfig v1;
  const auto shapes = v1.parameter_shapes(2048);
  EXPECT_EQ(shapes.size(), 367u);
  std::int64_t params = 0;
  for (const auto& [name, shape] : shapes) {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    if (name.find("num_batches_tracked") == std::string::npos) params += n;
  }
  EXPECT_NEAR(static_cast<double>(params), 99.7e6, 0.1e6);
  EXPECT_EQ(shapes.at("encoder.model.pos_embed"), (std::vector<std::int64_t>{1, 262144, 112}));
  EXPECT_EQ(v1.describe(),
            "Hiera embed 112, heads 2, stages 2-3-16-3, trained at 2048 px (pos_embed 512x512 grid), refiner present");
}

TEST(ModelConfig, SidecarAndShapesAgreeOnTheTinyFixture) {
  const ck::StateDict sd = tiny();
  std::string origin;
  const ck::ModelConfig from_sidecar = ck::ModelConfig::resolve(sd, &origin);
  EXPECT_NE(origin.find("config.json"), std::string::npos);
  const ck::ModelConfig inferred = ck::ModelConfig::infer(sd.tensors, "tiny");
  EXPECT_EQ(from_sidecar.to_json(), inferred.to_json());
  EXPECT_EQ(inferred.stages, (std::vector<int>{1, 2, 2, 1}));
  EXPECT_EQ(inferred.train_img_size, 256);
}

TEST(ModelConfig, RejectsBadSidecars) {
  EXPECT_NE(error_of([] { ck::ModelConfig::from_json_text("{", "c.json"); }).find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of([] {
              ck::ModelConfig::from_json_text(R"({"stages":"x"})", "c.json");
            }).find("\"stages\" has the wrong type"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              ck::ModelConfig::from_json_text(R"({"embed_dim":10,"num_heads":3})", "c.json");
            }).find("multiple of num_heads"),
            std::string::npos);
  EXPECT_NE(error_of([] { ck::ModelConfig::from_json_text(R"({"encoder":"vit"})", "c.json"); }).find("hiera"),
            std::string::npos);
}

TEST(GreenFormerErrors, WrongImgSize) {
  const auto sd = tiny();
  const std::string err = error_of([&] { ck::GreenFormer::load(sd, ck::ModelConfig::resolve(sd), {.img_size = 100}); });
  EXPECT_NE(err.find("img_size 100 is not a positive multiple of 32"), std::string::npos) << err;
}

TEST(GreenFormerErrors, MissingKeysAreListed) {
  auto sd = tiny();
  sd.tensors.erase("alpha_decoder.linear_fuse.weight");
  sd.tensors.erase("encoder.model.blocks.3.attn.qkv.bias");
  const std::string err = error_of([&] { ck::GreenFormer::load(sd, ck::ModelConfig::resolve(sd), {.img_size = 256}); });
  EXPECT_NE(err.find("lacks 2 parameters"), std::string::npos) << err;
  EXPECT_NE(err.find("alpha_decoder.linear_fuse.weight"), std::string::npos) << err;
  EXPECT_NE(err.find("encoder.model.blocks.3.attn.qkv.bias"), std::string::npos) << err;
}

TEST(GreenFormerErrors, WrongShapes) {
  auto sd = tiny();
  sd.tensors["refiner.res2.conv1.weight"] = at::zeros({64, 64, 5, 5});
  const std::string err = error_of([&] { ck::GreenFormer::load(sd, ck::ModelConfig::resolve(sd), {.img_size = 256}); });
  EXPECT_NE(err.find("refiner.res2.conv1.weight is [64, 64, 5, 5], needs [64, 64, 3, 3]"), std::string::npos) << err;
}

TEST(GreenFormerErrors, UnexpectedKeysAreOnlyAWarning) {
  auto sd = tiny();
  sd.tensors["extra.thing"] = at::zeros({1});
  EXPECT_NO_THROW(ck::GreenFormer::load(sd, ck::ModelConfig::resolve(sd), {.img_size = 256}));
}

TEST(GreenFormerErrors, NotACorridorKeyCheckpoint) {
  ck::StateDict sd;
  sd.path = "other.safetensors";
  sd.tensors["fc.weight"] = at::zeros({3, 3});
  const std::string err = error_of([&] { ck::ModelConfig::resolve(sd); });
  EXPECT_NE(err.find("is not a CorridorKey checkpoint"), std::string::npos) << err;
}

TEST(GreenFormerErrors, MissingRefinerNeedsExplicitBackboneOnly) {
  auto sd = tiny();
  for (auto it = sd.tensors.begin(); it != sd.tensors.end();)
    it = it->first.rfind("refiner.", 0) == 0 ? sd.tensors.erase(it) : std::next(it);
  const auto config = ck::ModelConfig::resolve(sd);
  EXPECT_NE(error_of([&] { ck::GreenFormer::load(sd, config, {.img_size = 128}); }).find("no refiner weights"),
            std::string::npos);
  const auto model = ck::GreenFormer::load(sd, config, {.img_size = 128, .allow_backbone_only = true});
  EXPECT_FALSE(model.has_refiner());
  const auto out = model.forward(at::zeros({1, 4, 128, 128}));
  EXPECT_EQ(out.alpha.sizes(), at::IntArrayRef({1, 1, 128, 128}));
}

TEST(GreenFormerErrors, WrongInputShape) {
  const auto sd = tiny();
  const auto model = ck::GreenFormer::load(sd, ck::ModelConfig::resolve(sd), {.img_size = 128});
  EXPECT_THROW(model.forward(at::zeros({1, 4, 64, 64})), ck::ModelError);
}

}  // namespace
