// The maintainer tools: the .pth -> .safetensors converter (round trip, dtype conversion, every
// refusal) and the random v1.0 checkpoint, which builds the full network and runs a frame.
#include <sys/wait.h>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/inspect.hpp"
#include "corridorkey/model.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
using ck::test::fixtures;
using ck::test::TempDir;

namespace {

struct ToolRun {
  int code;
  std::string out;
};

ToolRun tool(const std::string& name, const std::vector<std::string>& args, const TempDir& dir) {
  std::string cmd = "'" + (fs::path(CORRIDORKEY_BINARY_DIR) / "bin" / name).string() + "'";
  for (const auto& a : args) cmd.append(" '").append(a).append("'");
  cmd.append(" > '").append((dir / "tool.out").string()).append("' 2>&1");
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ck::test::read_bytes(dir / "tool.out")};
}

TEST(Converter, RoundTripIsBitIdenticalAndRecordsProvenance) {
  TempDir dir;
  const fs::path in = fixtures() / "tiny" / "CorridorKey.pth";
  const ToolRun r =
      tool("convert_pth_to_safetensors", {"--input", in.string(), "--output", (dir / "o.safetensors").string()}, dir);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("bit-identical"), std::string::npos) << r.out;
  const auto out = ck::load_state_dict(dir / "o.safetensors");
  EXPECT_TRUE(ck::compare_state_dicts(ck::load_state_dict(in), out).empty());
  EXPECT_TRUE(
      ck::compare_state_dicts(ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors"), out).empty());
  EXPECT_EQ(out.metadata.at("converted_from"), "CorridorKey.pth");
  EXPECT_EQ(out.metadata.at("converted_from_sha256"), ck::sha256_file(in));
  EXPECT_NE(out.metadata.at("converter").find("convert_pth_to_safetensors"), std::string::npos);
}

TEST(Converter, Fp16AndBf16StayWithinRounding) {
  TempDir dir;
  const fs::path in = fixtures() / "tiny" / "CorridorKey.pth";
  for (const char* dtype : {"fp16", "bf16"}) {
    const fs::path out = dir / (std::string(dtype) + ".safetensors");
    const ToolRun r =
        tool("convert_pth_to_safetensors", {"--input", in.string(), "--output", out.string(), "--dtype", dtype}, dir);
    ASSERT_EQ(r.code, 0) << r.out;
    const auto sd = ck::load_state_dict(out);
    EXPECT_EQ(sd.tensors.at("refiner.final.weight").scalar_type(),
              std::string(dtype) == "fp16" ? at::kHalf : at::kBFloat16);
    EXPECT_EQ(sd.tensors.at("alpha_decoder.bn.num_batches_tracked").scalar_type(), at::kLong) << "integers are kept";
  }
}

TEST(Converter, RefusesBadInvocations) {
  TempDir dir;
  const std::string in = (fixtures() / "tiny" / "CorridorKey.pth").string();
  ck::test::write_bytes(dir / "exists.safetensors", "x");
  ck::test::write_bytes(dir / "broken.pth", "PK\x03\x04 broken");
  struct Case {
    std::vector<std::string> args;
    int code;
    const char* message;
  };
  for (const auto& c : std::vector<Case>{
           {{"--output", (dir / "a.safetensors").string()}, 2, "--input is required"},
           {{"--input", in, "--output", (dir / "a.bin").string()}, 2, "must end in .safetensors"},
           {{"--input", in, "--output", (dir / "exists.safetensors").string()}, 2, "pass --force"},
           {{"--input", (dir / "exists.safetensors").string(), "--output", (dir / "exists.safetensors").string(),
             "--force"},
            2,
            "same file"},
           {{"--input", (dir / "none.pth").string(), "--output", (dir / "a.safetensors").string()},
            2,
            "does not exist"},
           {{"--input", (dir / "broken.pth").string(), "--output", (dir / "a.safetensors").string()}, 3, "broken.pth"},
           {{"--input", in, "--output", (dir / "a.safetensors").string(), "--dtype", "int4"}, 2, "--dtype must be"}}) {
    const ToolRun r = tool("convert_pth_to_safetensors", c.args, dir);
    EXPECT_EQ(r.code, c.code) << r.out;
    EXPECT_NE(r.out.find(c.message), std::string::npos) << r.out;
  }
  EXPECT_EQ(ck::test::read_bytes(dir / "exists.safetensors"), "x") << "nothing overwritten";
  EXPECT_FALSE(fs::exists(dir / "a.safetensors"));
}

TEST(RandomCheckpoint, FullV1BuildsAndRunsAFrameAt256) {
  TempDir dir;
  const ToolRun r = tool("make_random_checkpoint", {"--output", (dir / "v1.safetensors").string()}, dir);
  ASSERT_EQ(r.code, 0) << r.out;
  const ck::StateDict sd = ck::load_state_dict(dir / "v1.safetensors");
  EXPECT_EQ(sd.tensors.size(), 367u);
  EXPECT_EQ(sd.tensors.at("encoder.model.pos_embed").sizes(), at::IntArrayRef({1, 262144, 112}));
  std::string origin;
  const ck::ModelConfig config = ck::ModelConfig::resolve(sd, &origin);
  EXPECT_EQ(config.describe(), ck::ModelConfig{}.describe());
  EXPECT_NE(origin.find("metadata"), std::string::npos) << origin;
  const ck::GreenFormer model = ck::GreenFormer::load(sd, config, {.img_size = 256});
  EXPECT_TRUE(model.pos_embed_resized()) << "the 512x512 grid is resized to 64x64";
  const auto out = model.forward(at::randn({1, 4, 256, 256}));
  EXPECT_EQ(out.alpha.sizes(), at::IntArrayRef({1, 1, 256, 256}));
  EXPECT_EQ(out.fg.sizes(), at::IntArrayRef({1, 3, 256, 256}));
  EXPECT_TRUE(((out.alpha > 0) & (out.alpha < 1)).all().item<bool>());
  // The same weights as .pth load identically.
  ASSERT_EQ(tool("make_random_checkpoint", {"--output", (dir / "v1.pth").string()}, dir).code, 0);
  EXPECT_TRUE(ck::compare_state_dicts(sd, ck::load_state_dict(dir / "v1.pth")).empty());
}

}  // namespace
