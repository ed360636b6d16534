// The engine on a CUDA device (the kernels' CUDA path, frames kept on the GPU) against the same
// reference outputs the CPU path matches. Skipped, with the reason, where no CUDA device is visible.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/device.hpp"
#include "corridorkey/pipeline.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
using ck::test::fixtures;
using ck::test::max_abs_diff;

namespace {

TEST(GpuPipeline, CudaPathMatchesReferenceAndKeepsFramesOnTheGpu) {
  if (!ck::built_with_cuda()) GTEST_SKIP() << "this build has no CUDA kernels (CORRIDORKEY_CUDA=OFF)";
  if (ck::cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device visible: GPU pipeline test skipped";
  const ck::StateDict sd = ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors");
  const auto frames = ck::SafetensorsFile::open(fixtures() / "frame" / "decoded.safetensors").tensors();
  for (const bool linear : {false, true}) {
    ck::ModelOptions options{.img_size = 128};
    options.device = c10::Device(c10::kCUDA, 0);
    ck::Engine engine(ck::GreenFormer::load(sd, ck::ModelConfig::resolve(sd), options));
    const at::Tensor plate = frames.at(linear ? "plate_linear_f32" : "plate_srgb_u8");
    const at::Tensor hint = frames.at("hint_u8");
    const auto want = ck::SafetensorsFile::open(fixtures() / "expected" /
                                                (linear ? "linear_128.safetensors" : "srgb_128.safetensors"))
                          .tensors();
    const at::Tensor input = engine.preprocess({plate}, {hint}, linear);
    EXPECT_TRUE(input.is_cuda());
    EXPECT_LE(max_abs_diff(input[0].cpu(), want.at("model_input")), 1e-4);
    const ck::ModelOutput out = engine.infer({plate}, {hint}, {.input_is_linear = linear});
    EXPECT_TRUE(out.alpha.is_cuda()) << "network outputs stay on the GPU for the post-processing";
    const ck::FrameResult on_gpu =
        engine.process_frame(plate, hint, {.input_is_linear = linear, .despill_strength = 0.5});
    EXPECT_TRUE(on_gpu.processed.is_cuda()) << "results stay on the GPU until the caller downloads them";
    const ck::FrameResult r = on_gpu.to(c10::Device(c10::kCPU));
    // cuDNN/cuBLAS reorder the network's sums, so the bound is looser than the CPU path's 1e-4.
    EXPECT_LE(max_abs_diff(r.alpha, want.at("alpha")), 2e-3) << "linear " << linear;
    EXPECT_LE(max_abs_diff(r.fg, want.at("fg")), 2e-3);
    EXPECT_LE(max_abs_diff(r.comp, want.at("comp")), 2e-3);
    EXPECT_LE(max_abs_diff(r.processed, want.at("processed")), 2e-3);
  }
}

}  // namespace
