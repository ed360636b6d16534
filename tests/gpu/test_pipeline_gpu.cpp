// The engine on a CUDA device (the kernels' CUDA path, frames kept on the GPU) against the same
// reference outputs the CPU path matches. Skipped, with the reason, where no CUDA device is visible.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <thread>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/device.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/pipeline.hpp"
#include "test_support.hpp"
#ifdef CORRIDORKEY_KERNELS_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime.h>

#include "model/cuda_graphs.hpp"
#include "pipeline/gpu_path.hpp"
#endif

namespace ck = corridorkey;
using ck::test::decoded_frames;
using ck::test::fixtures;
using ck::test::max_abs_diff;

namespace {

const c10::Device kGpu(c10::kCUDA, 0);

std::map<std::string, at::Tensor> expected(bool linear) {
  return ck::SafetensorsFile::open(fixtures() / "expected" /
                                   (linear ? "linear_128.safetensors" : "srgb_128.safetensors"))
      .tensors();
}

ck::Engine gpu_engine() { return ck::test::tiny_engine(128, kGpu); }

ck::InferenceSettings fixture_settings(bool linear) { return {.input_is_linear = linear, .despill_strength = 0.5}; }

// max |a - b| over the pixels where keep ([H, W]) is true.
double masked_diff(const at::Tensor& a, const at::Tensor& b, const at::Tensor& keep) {
  const at::Tensor d = (a.to(at::kDouble) - b.to(at::kDouble)).abs().amax(-1);
  return d.masked_select(keep).max().item<double>();
}

TEST(GpuPipeline, PostprocessOfTheReferenceNetworkOutputsMatchesTightly) {
  CK_REQUIRE_GPU();
  // The reference's own network outputs in, so the network's sum order plays no part: the GPU
  // resize, despeckle and colour maths must give the reference's frame within 1e-4.
  for (const bool linear : {false, true}) {
    const auto want = expected(linear);
    const ck::FrameResult r = ck::Engine::postprocess(want.at("model_alpha").to(kGpu), want.at("model_fg").to(kGpu),
                                                      300, 200, fixture_settings(linear));
    EXPECT_TRUE(r.processed.is_cuda()) << "results stay on the GPU until the caller downloads them";
    const ck::FrameResult cpu = r.to(c10::Device(c10::kCPU));
    EXPECT_LE(max_abs_diff(cpu.alpha, want.at("alpha")), 1e-4) << "linear " << linear;
    EXPECT_LE(max_abs_diff(cpu.fg, want.at("fg")), 1e-4);
    EXPECT_LE(max_abs_diff(cpu.comp, want.at("comp")), 1e-4);
    EXPECT_LE(max_abs_diff(cpu.processed, want.at("processed")), 1e-4);
  }
}

// What clip_manager downloads: the outputs asked for, in pinned host memory, alpha, fg and
// processed as float16 (the same values a half-float EXR stores) and comp in float32, also when
// the post-processing ran on another stream than the default one.
TEST(GpuPipeline, ToHostCopiesTheChosenOutputsIntoPinnedMemory) {
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  const auto want = expected(false);
  const c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool(false, 0);
  const c10::cuda::CUDAStreamGuard on_side(side);
  const ck::FrameResult r = ck::Engine::postprocess(want.at("model_alpha").to(kGpu), want.at("model_fg").to(kGpu), 300,
                                                    200, fixture_settings(false));
  const ck::FrameResult floats = r.to(c10::Device(c10::kCPU));
  const ck::FrameResult half = r.to_host({.half = true});
  for (const auto& [got, of] :
       {std::pair{half.alpha, floats.alpha}, {half.fg, floats.fg}, {half.processed, floats.processed}}) {
    ASSERT_TRUE(got.defined());
    EXPECT_TRUE(got.is_cpu() && got.is_pinned() && got.is_contiguous());
    EXPECT_EQ(got.scalar_type(), at::kHalf);
    EXPECT_TRUE(at::equal(got, of.to(at::kHalf))) << "rounded as the host rounds float32";
  }
  EXPECT_EQ(half.comp.scalar_type(), at::kFloat);
  EXPECT_TRUE(ck::test::bit_identical(half.comp, floats.comp));
  ck::HostOutputs some;
  some.fg = some.comp = false;
  const ck::FrameResult chosen = r.to_host(some);
  EXPECT_FALSE(chosen.fg.defined());
  EXPECT_FALSE(chosen.comp.defined());
  EXPECT_TRUE(ck::test::bit_identical(chosen.alpha, floats.alpha));
  EXPECT_TRUE(ck::test::bit_identical(chosen.processed, floats.processed));
  EXPECT_TRUE(chosen.processed.is_pinned());
#endif
}

TEST(GpuPipeline, BlueDespillOfTheSwappedFrameIsTheSwappedGreenResultExactly) {
  CK_REQUIRE_GPU();
  const auto want = expected(false);
  const at::Tensor alpha = want.at("model_alpha").to(kGpu), fg = want.at("model_fg").to(kGpu);
  const at::Tensor gb = at::tensor({0, 2, 1}, at::kLong);
  ck::InferenceSettings green = fixture_settings(false), blue = green;
  blue.screen_color = ck::ScreenColor::blue;
  const ck::FrameResult g = ck::Engine::postprocess(alpha, fg, 300, 200, green).to(c10::Device(c10::kCPU));
  const ck::FrameResult b =
      ck::Engine::postprocess(alpha, fg.index_select(0, gb.to(kGpu)), 300, 200, blue).to(c10::Device(c10::kCPU));
  const auto swap = [&](const at::Tensor& t) { return t.index_select(2, gb).contiguous(); };
  EXPECT_TRUE(ck::test::bit_identical(swap(b.comp), g.comp));
  EXPECT_TRUE(ck::test::bit_identical(swap(b.processed.narrow(2, 0, 3)), g.processed.narrow(2, 0, 3).contiguous()));
  // And the CUDA result is the CPU twin's.
  const ck::FrameResult cpu =
      ck::Engine::postprocess(want.at("model_alpha"), want.at("model_fg").index_select(0, gb), 300, 200, blue);
  EXPECT_LE(max_abs_diff(b.processed, cpu.processed), 1e-4);
}

TEST(GpuPipeline, WholeFrameMatchesTheReferenceAwayFromTheDespeckleThreshold) {
  CK_REQUIRE_GPU();
  ck::Engine engine = gpu_engine();
  for (const bool linear : {false, true}) {
    const at::Tensor plate = decoded_frames().at(linear ? "plate_linear_f32" : "plate_srgb_u8");
    const at::Tensor hint = decoded_frames().at("hint_u8");
    const auto want = expected(linear);
    const at::Tensor input = engine.preprocess({plate}, {hint}, linear);
    EXPECT_TRUE(input.is_cuda());
    EXPECT_LE(max_abs_diff(input[0].cpu(), want.at("model_input")), 1e-4);
    const ck::ModelOutput out = engine.infer({plate}, {hint}, fixture_settings(linear));
    EXPECT_TRUE(out.alpha.is_cuda()) << "network outputs stay on the GPU for the post-processing";
    const ck::FrameResult r = engine.process_frame(plate, hint, fixture_settings(linear)).to(c10::Device(c10::kCPU));
    // cuDNN/cuBLAS reorder the network's sums: alpha and fg may differ by up to 2e-3.
    EXPECT_LE(max_abs_diff(r.alpha, want.at("alpha")), 2e-3) << "linear " << linear;
    EXPECT_LE(max_abs_diff(r.fg, want.at("fg")), 2e-3);
    // The despeckle thresholds alpha at 0.5: a pixel within 2e-3 of it may land on the other side,
    // which adds or drops a pixel of an island, and the dilation (radius 25) and blur (5) carry
    // that up to 31 pixels away, changing processed and comp there by up to 0.3. Those
    // neighbourhoods are left out; the rest must agree as closely as alpha and fg do.
    const at::Tensor near = ((want.at("alpha").squeeze(2) - 0.5).abs() < 2e-3).to(at::kFloat);
    const at::Tensor affected =
        at::max_pool2d(near.view({1, 1, 200, 300}), {63, 63}, {1, 1}, {31, 31}).view({200, 300});
    const at::Tensor keep = affected == 0;
    EXPECT_GE(keep.to(at::kFloat).mean().item<double>(), 0.2) << "enough of the frame is compared";
    EXPECT_LE(masked_diff(r.processed, want.at("processed"), keep), 2e-3);
    EXPECT_LE(masked_diff(r.comp, want.at("comp"), keep), 2e-3);
  }
}

TEST(GpuPipeline, OutOfMemoryOnOneFrameFailsThatFrameOnly) {
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  ck::Engine engine = gpu_engine();
  const at::Tensor plate = decoded_frames().at("plate_srgb_u8"), hint = decoded_frames().at("hint_u8");
  const ck::FrameResult before = engine.process_frame(plate, hint, fixture_settings(false)).to(c10::Device(c10::kCPU));
  ck::detail::fail_gpu_allocations(1);
  const std::string error = ck::test::error_of([&] { engine.process_frame(plate, hint, fixture_settings(false)); });
  EXPECT_NE(error.find("out of GPU memory post-processing a 300 x 200 frame on cuda:0"), std::string::npos) << error;
  EXPECT_NE(error.find("--img-size"), std::string::npos) << error;
  // The failure left no CUDA error behind: the next frame runs and gives the same result.
  const ck::FrameResult after = engine.process_frame(plate, hint, fixture_settings(false)).to(c10::Device(c10::kCPU));
  EXPECT_LE(max_abs_diff(before.processed, after.processed), 1e-5);
  EXPECT_LE(max_abs_diff(before.comp, after.comp), 1e-5);
#endif
}

TEST(GpuPipeline, OutOfMemoryInTheNetworkNamesTheRunAndTheEngineRecovers) {
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  namespace alloc = c10::cuda::CUDACachingAllocator;
  ck::Engine engine = gpu_engine();
  const at::Tensor x = at::rand({1, 4, 128, 128}).to(kGpu);
  const at::Tensor before = engine.model().forward(x).alpha.cpu();
  // A real allocation failure: the allocator may hold only what it holds now plus 1 MiB, and one
  // of the refiner's 128x128x64 float32 maps alone is 4 MiB.
  alloc::emptyCache();
  const auto reserved = static_cast<double>(alloc::getDeviceStats(0).reserved_bytes[0].current);
  std::size_t free_bytes = 0, device_bytes = 0;
  ASSERT_EQ(cudaMemGetInfo(&free_bytes, &device_bytes), cudaSuccess);
  alloc::setMemoryFraction((reserved + (1 << 20)) / static_cast<double>(device_bytes), 0);
  const std::string error = ck::test::error_of([&] { (void)engine.model().forward(x); });
  alloc::setMemoryFraction(1.0, 0);
  EXPECT_NE(error.find("out of GPU memory running the network at img_size 128 in float32 (batch 1) on cuda:0"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("peaked at"), std::string::npos) << error;
  EXPECT_NE(error.find("--precision float16"), std::string::npos) << error;
  // Nothing is left broken: the same pass now runs and gives the same result.
  EXPECT_LE(max_abs_diff(before, engine.model().forward(x).alpha.cpu()), 1e-6);
#endif
}

TEST(GpuPipeline, AnotherThreadOnAnotherStreamGetsTheSameFrame) {
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  // As clip_manager does it: the network on one thread, the post-processing on another, here each
  // on a non-default stream of its own, ordered by a DeviceFence.
  ck::Engine engine = gpu_engine();
  const at::Tensor plate = decoded_frames().at("plate_srgb_u8"), hint = decoded_frames().at("hint_u8");
  const ck::FrameResult reference =
      engine.process_frame(plate, hint, fixture_settings(false)).to(c10::Device(c10::kCPU));
  ck::ModelOutput out;
  ck::DeviceFence ready;
  {
    const c10::cuda::CUDAStreamGuard on(c10::cuda::getStreamFromPool(false, 0));
    out = engine.infer({plate}, {hint}, fixture_settings(false));
    ready = ck::DeviceFence::record(kGpu);
  }
  ck::FrameResult r;
  std::thread writer([&] {
    const c10::cuda::CUDAStreamGuard on(c10::cuda::getStreamFromPool(false, 0));
    ready.wait();
    r = ck::Engine::postprocess(out.alpha[0], out.fg[0], 300, 200, fixture_settings(false)).to(c10::Device(c10::kCPU));
  });
  writer.join();
  // A missing wait would read alpha and fg before the network wrote them: far off, not 1e-5.
  EXPECT_LE(max_abs_diff(reference.processed, r.processed), 1e-5);
  EXPECT_LE(max_abs_diff(reference.comp, r.comp), 1e-5);
#endif
}

TEST(GpuPipeline, Float16AndBfloat16StayNearFloat32) {
  CK_REQUIRE_GPU();
  // The network's outputs are sigmoids in 0-1. float16 keeps 11 significant bits (a rounding of
  // about 2.4e-4 per operation), bfloat16 8 (about 2e-3); through the encoder's blocks and norms
  // they add up to well under 1e-2 and 2e-2: a few 8-bit code values for bfloat16, the bound the
  // CPU's bfloat16 test uses too. The same bounds hold with Hiera's first stage in float32
  // (--float32-stages 1, bfloat16's default) and without it (float16's default: upstream converts
  // its whole network to float16 on CUDA); the differences are printed.
  const ck::StateDict sd = ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors");
  const at::Tensor plate = decoded_frames().at("plate_srgb_u8"), hint = decoded_frames().at("hint_u8");
  const auto run = [&](at::ScalarType precision, int float32_stages) {
    ck::ModelOptions options{.img_size = 128, .precision = precision};
    options.device = kGpu;
    options.float32_stages = float32_stages;
    ck::Engine engine(ck::GreenFormer::load(sd, ck::ModelConfig::resolve(sd), options));
    const ck::ModelOutput o = engine.infer({plate}, {hint}, {});
    return std::pair<at::Tensor, at::Tensor>{o.alpha.cpu(), o.fg.cpu()};
  };
  const auto [alpha32, fg32] = run(at::kFloat, 0);
  for (const int stages : {1, 0}) {
    for (const auto& [precision, bound] : {std::pair{at::kHalf, 1e-2}, std::pair{at::kBFloat16, 2e-2}}) {
      const auto [alpha, fg] = run(precision, stages);
      const double da = max_abs_diff(alpha, alpha32), df = max_abs_diff(fg, fg32);
      std::printf("%s, float32_stages %d: max |alpha - float32| %.2e, max |fg - float32| %.2e\n",
                  c10::toString(precision), stages, da, df);
      EXPECT_LE(da, bound) << c10::toString(precision) << ", float32_stages " << stages;
      EXPECT_LE(df, bound) << c10::toString(precision) << ", float32_stages " << stages;
      EXPECT_GT(df, 0.0) << c10::toString(precision) << " really ran";
    }
  }
}

ck::GreenFormer gpu_model(bool cuda_graphs) {
  const ck::StateDict sd = ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors");
  ck::ModelOptions options{.img_size = 128};
  options.device = kGpu;
  options.cuda_graphs = cuda_graphs;
  return ck::GreenFormer::load(sd, ck::ModelConfig::resolve(sd), options);
}

// ModelOptions::cuda_graphs: the first pass of a batch size runs eagerly, the second is captured
// and replayed, and every replay gives what the network gives without a graph, for new inputs too
// (the graph reads its own input buffer), per batch size and refiner scale.
TEST(GpuPipeline, CudaGraphsReplayWhatTheNetworkComputes) {
  CK_REQUIRE_GPU();
  const ck::GreenFormer eager = gpu_model(false), graphed = gpu_model(true);
  at::manual_seed(3);
  const auto check = [&](const at::Tensor& x, double scale, const char* what) {
    const ck::ModelOutput want = eager.forward(x, scale), got = graphed.forward(x, scale);
    EXPECT_LE(max_abs_diff(got.alpha.cpu(), want.alpha.cpu()), 1e-6) << what;
    EXPECT_LE(max_abs_diff(got.fg.cpu(), want.fg.cpu()), 1e-6) << what;
  };
  for (int i = 0; i < 4; ++i) {
    const at::Tensor x = at::randn({1, 4, 128, 128}).to(kGpu);
    check(x, 1.0, i == 0 ? "warm-up" : i == 1 ? "capture" : "replay");
    EXPECT_EQ(graphed.cuda_graphs_captured(), i == 0 ? 0 : 1);
  }
  // The outputs are the caller's: a later replay does not overwrite them.
  const at::Tensor x1 = at::randn({1, 4, 128, 128}).to(kGpu), x2 = at::randn({1, 4, 128, 128}).to(kGpu);
  const ck::ModelOutput first = graphed.forward(x1), second = graphed.forward(x2);
  EXPECT_LE(max_abs_diff(first.alpha.cpu(), eager.forward(x1).alpha.cpu()), 1e-6);
  EXPECT_GT(max_abs_diff(first.alpha.cpu(), second.alpha.cpu()), 1e-3);
  for (int i = 0; i < 3; ++i) check(at::randn({2, 4, 128, 128}).to(kGpu), 1.0, "batch 2");
  for (int i = 0; i < 3; ++i) check(at::randn({1, 4, 128, 128}).to(kGpu), 0.5, "refiner scale 0.5");
  EXPECT_EQ(graphed.cuda_graphs_captured(), 3);
  // Features and part callbacks run without a graph.
  EXPECT_EQ(graphed.forward(x1, 1.0, /*keep_features=*/true).features.size(), 4u);
}

// Two threads, each on a stream of its own, replay one network's graph at once: each gets the
// output of its own input (the replays share the graph's buffers and must take turns).
TEST(GpuPipeline, CudaGraphReplaysFromTwoThreadsTakeTurns) {
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  const ck::GreenFormer eager = gpu_model(false), graphed = gpu_model(true);
  at::manual_seed(4);
  std::vector<at::Tensor> inputs;
  for (int i = 0; i < 8; ++i) inputs.push_back(at::randn({1, 4, 128, 128}).to(kGpu));
  (void)graphed.forward(inputs[0]);
  (void)graphed.forward(inputs[0]);
  ASSERT_EQ(graphed.cuda_graphs_captured(), 1);
  std::vector<at::Tensor> got(inputs.size());
  const auto worker = [&](std::size_t first) {
    const c10::cuda::CUDAStreamGuard on(c10::cuda::getStreamFromPool(false, 0));
    for (std::size_t i = first; i < inputs.size(); i += 2) got[i] = graphed.forward(inputs[i]).alpha;
    c10::cuda::getCurrentCUDAStream(0).synchronize();
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  for (std::size_t i = 0; i < inputs.size(); ++i)
    EXPECT_LE(max_abs_diff(got[i].cpu(), eager.forward(inputs[i]).alpha.cpu()), 1e-6) << "frame " << i;
#endif
}

// A capture that fails (here: a synchronising call inside it, as a real one can) is logged and the
// network runs without a graph from then on, with the right outputs; the device stays usable.
TEST(GpuPipeline, AFailedCudaGraphCaptureFallsBackToTheNetwork) {
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  const ck::GreenFormer eager = gpu_model(false), graphed = gpu_model(true);
  const at::Tensor x = at::randn({1, 4, 128, 128}).to(kGpu);
  (void)graphed.forward(x);
  ck::detail::fail_next_graph_capture();
  for (int i = 0; i < 3; ++i) {
    const ck::ModelOutput got = graphed.forward(x);
    EXPECT_LE(max_abs_diff(got.alpha.cpu(), eager.forward(x).alpha.cpu()), 1e-6) << "pass " << i;
  }
  EXPECT_EQ(graphed.cuda_graphs_captured(), 0);
  EXPECT_EQ(at::ones({4}, at::TensorOptions().device(kGpu)).sum().item<float>(), 4.0f);
#endif
}

}  // namespace
