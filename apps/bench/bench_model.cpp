// The network (and, with --whole-frame, the whole frame: a decoded 1920x1080 plate in, the four
// outputs downloaded) for v1.0 random weights: median ms/frame over N frames after a warm-up,
// frames/s, achieved GFLOP/s against the model's FLOP count, and peak memory (the GPU allocator's
// peak on CUDA, over the whole run and over the frames after the warm-up; peak RSS on the CPU), then the network's
// parts (patch embed, the four Hiera stages, the decoders, the refiner, the outputs): median ms and share (on a GPU
// from a second pass that waits for the device after each part). --despeckle also times the despeckle alone on 4K
// mattes (despeckle_timing.hpp). Core only: no codec, no OpenCV.
//   bench_model [--sizes 512,1024] [--precisions float32,bfloat16] [--frames 5] [--threads 2]
//               [--device cpu|cuda|cuda:N] [--whole-frame] [--despeckle] [--float32-stages N] [--json FILE]
//               [--direct-convs]   (the refiner's CPU float32 3x3 convolutions by oneDNN, not Winograd)
//               [--cuda-graphs]    (on CUDA: the network captured as a CUDA graph after its warm-up)
//               [--aten-decoder]   (the decoder heads' tails as ATen's ops, not the fused pass)
//               [--profile DIR]    (one more pass per size and precision under LibTorch's profiler:
//                                   DIR/profile_<size>_<precision>.txt, the kernels or operators by time)
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bench_util.hpp"
#include "corridorkey/checkpoint.hpp"
#include "corridorkey/config.hpp"
#include "corridorkey/model.hpp"
#include "corridorkey/pipeline.hpp"
#include "despeckle_timing.hpp"
#include "op_profile.hpp"
#if CORRIDORKEY_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace ck = corridorkey;

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string x; std::getline(in, x, ',');) out.push_back(x);
  return out;
}

void reset_peak(c10::Device device) {
#if CORRIDORKEY_WITH_CUDA
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(device.index());
#else
  (void)device;
#endif
}

// Peak memory in MB since reset_peak(): the caching allocator's peak of allocated bytes on CUDA,
// the process's peak RSS on the CPU.
double peak_mb(c10::Device device) {
#if CORRIDORKEY_WITH_CUDA
  if (device.is_cuda()) {
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index());
    return static_cast<double>(stats.allocated_bytes[0].peak) / (1024.0 * 1024.0);  // [0]: all pools
  }
#endif
  (void)device;
  return bench::peak_rss_mb();
}

// Median seconds of `frames` calls of `run` after one warm-up call (then `after_warm_up()`).
template <class F, class G = void (*)()>
double median_seconds(
    int frames, F&& run, G&& after_warm_up = [] {}) {
  run();
  after_warm_up();
  std::vector<double> t;
  for (int f = 0; f < frames; ++f) t.push_back(bench::seconds(run));
  return bench::median(t);
}

}  // namespace

int main(int argc, char** argv) {
  std::string sizes = "512,1024", precisions = "float32,bfloat16", device_name = "cpu", json_path, profile_dir;
  int frames = 5, threads = 2, float32_stages = ck::ModelOptions().float32_stages;
  bool whole_frame = false, despeckle = false, winograd = true, cuda_graphs = false, fused_decoder = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--aten-decoder") {
      fused_decoder = false;
      continue;
    }
    if (a == "--direct-convs") {
      winograd = false;
      continue;
    }
    if (a == "--cuda-graphs") {
      cuda_graphs = true;
      continue;
    }
    if (a == "--whole-frame" || a == "--despeckle") {
      (a == "--whole-frame" ? whole_frame : despeckle) = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "bench_model: %s needs a value\n", a.c_str());
      return 2;
    }
    const std::string v = argv[++i];
    if (a == "--sizes")
      sizes = v;
    else if (a == "--precisions")
      precisions = v;
    else if (a == "--frames")
      frames = std::stoi(v);
    else if (a == "--threads")
      threads = std::stoi(v);
    else if (a == "--device")
      device_name = v;
    else if (a == "--float32-stages")
      float32_stages = std::stoi(v);
    else if (a == "--json")
      json_path = v;
    else if (a == "--profile")
      profile_dir = v;
    else {
      std::fprintf(stderr, "bench_model: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  const std::optional<c10::Device> picked = bench::device_named(device_name, "bench_model");
  if (!picked) return 2;
  const c10::Device device = *picked;
  at::set_num_threads(threads);
  const ck::ModelConfig config;
  // A decoded plate and hint as the whole-frame path gets them: 8-bit, on the host.
  at::manual_seed(0);
  const at::Tensor plate = at::randint(0, 256, {1080, 1920, 3}, at::kByte);
  const at::Tensor hint = at::randint(0, 256, {1080, 1920}, at::kByte);
  std::printf(
      "device %s, %d CPU threads, medians of %d frames after a warm-up, %s leading Hiera stage(s) in float32 "
      "under float16/bfloat16, refiner 3x3 convolutions on a CPU in float32 by %s, decoder tails %s%s\n",
      device.str().c_str(), threads, frames,
      float32_stages == ck::ModelOptions::kAutoFloat32Stages ? "0 (float16) or 1 (bfloat16)"
                                                             : std::to_string(float32_stages).c_str(),
      winograd ? "Winograd F(4x4, 3x3)" : "oneDNN (direct)", fused_decoder ? "fused" : "by ATen",
      cuda_graphs ? ", CUDA graphs" : "");
  std::printf("%6s %9s %-11s %10s %9s %12s %10s %10s %10s\n", "size", "precision", "what", "median ms", "frames/s",
              "GFLOP/frame", "GFLOP/s", "peak MB", "steady MB");
  nlohmann::json results = nlohmann::json::array();
  int stages_run = 0;         // the float32 stages of the network being measured
  bool winograd_run = false;  // whether its refiner convolutions run by Winograd
  // peak: the whole run's, warm-up included (cuDNN's autotuning tries algorithms with workspaces of
  // their own then); steady: the frames after the warm-up.
  const auto report = [&](int size, const std::string& precision, const char* what, double seconds, double gflop,
                          double peak, double steady) {
    std::printf("%6d %9s %-11s %10.1f %9.2f %12.1f %10.1f %10.0f %10.0f\n", size, precision.c_str(), what,
                1e3 * seconds, 1.0 / seconds, gflop, gflop / seconds, peak, steady);
    std::fflush(stdout);
    results.push_back({{"img_size", size},
                       {"precision", precision},
                       {"what", what},
                       {"median_ms", 1e3 * seconds},
                       {"frames_per_s", 1.0 / seconds},
                       {"gflop_per_frame", gflop},
                       {"peak_mb", peak},
                       {"steady_peak_mb", steady},
                       {"float32_stages", stages_run},
                       {"winograd", winograd_run},
                       {"fused_decoder", fused_decoder},
                       {"cuda_graphs", cuda_graphs && device.is_cuda()},
                       {"frames", frames}});
  };
  for (const auto& size_text : split(sizes)) {
    for (const auto& p : split(precisions)) {
      const int size = std::stoi(size_text);
      ck::ModelOptions mo;
      mo.img_size = size;
      mo.precision = ck::parse_precision(p);
      mo.device = device;
      mo.float32_stages = float32_stages;
      mo.winograd = winograd;
      mo.fused_decoder = fused_decoder;
      mo.cuda_graphs = cuda_graphs;
      // The float32 state dict lives only while the network is built (as in clip_manager), so the
      // peak RSS is the network's, not the benchmark's; the same weights for every run (seed 0).
      ck::Engine engine = [&] {
        ck::StateDict sd;
        for (auto& [name, t] : config.random_weights(2048, 0)) sd.tensors[name] = t;
        return ck::Engine(ck::GreenFormer::load(sd, config, mo));
      }();
      const double gflop = engine.model().flops_per_frame() / 1e9;
      stages_run = engine.model().float32_stages();
      winograd_run = mo.winograd && device.is_cpu() && mo.precision == at::kFloat;
      const at::Tensor x = at::randn({1, 4, size, size}).to(device);
      reset_peak(device);
      // Each part's time, the device waited for after it (the warm-up's left out).
      std::vector<std::string> part_names;
      std::map<std::string, std::vector<double>> part_times;
      bool warm = false;
      auto mark = std::chrono::steady_clock::now();
      const ck::GreenFormer::PartDone part_done = [&](const char* part) {
        bench::sync(device);
        const auto now = std::chrono::steady_clock::now();
        if (warm) {
          if (!part_times.count(part)) part_names.emplace_back(part);
          part_times[part].push_back(std::chrono::duration<double>(now - mark).count());
        }
        mark = now;
      };
      const auto parts_pass = [&] {
        mark = std::chrono::steady_clock::now();
        (void)engine.model().forward(x, 1.0, false, part_done);
        bench::sync(device);
        warm = true;
      };
      // On the CPU waiting is free, so one pass gives both figures. On a GPU a wait after each
      // part would expose the launch latency the asynchronous queue hides, so the network is timed
      // alone and the parts in a second pass.
      double warm_up_peak = 0;
      const auto after_warm_up = [&] {
        warm_up_peak = peak_mb(device);
        reset_peak(device);
      };
      const double model_s = device.is_cpu() ? median_seconds(frames, parts_pass, after_warm_up)
                                             : median_seconds(
                                                   frames,
                                                   [&] {
                                                     (void)engine.model().forward(x, 1.0, false);
                                                     bench::sync(device);
                                                   },
                                                   after_warm_up);
      const double model_steady = peak_mb(device);
      report(size, p, "model", model_s, gflop, std::max(warm_up_peak, model_steady), model_steady);
      if (!device.is_cpu()) {
        warm = true;
        for (int f = 0; f < frames; ++f) parts_pass();
      }
      nlohmann::json parts = nlohmann::json::object();
      double parts_total = 0;
      for (const auto& name : part_names) parts_total += bench::median(part_times[name]);
      for (const auto& name : part_names) {
        const double m = bench::median(part_times[name]);
        std::printf("%6s %9s   %-14s %10.1f %8.1f%%\n", "", "", name.c_str(), 1e3 * m, 100.0 * m / parts_total);
        parts[name] = 1e3 * m;
      }
      results.back()["parts_ms"] = parts;
      if (!profile_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(profile_dir, ec);
        const std::string path = profile_dir + "/profile_" + std::to_string(size) + "_" + p + ".txt";
        const std::string title = "bench_model --profile: one forward pass at img_size " + std::to_string(size) + ", " +
                                  p + ", " + device.str() + ", " + std::to_string(stages_run) +
                                  " float32 stage(s), decoder tails " + (fused_decoder ? "fused" : "by ATen") +
                                  (winograd_run ? ", Winograd refiner" : "") +
                                  (cuda_graphs && device.is_cuda() ? ", CUDA graphs" : "");
        if (!bench::write_op_profile(path, title, device, [&] {
              (void)engine.model().forward(x, 1.0, false);
              bench::sync(device);
            }))
          return 1;
        std::printf("%6s %9s   profile: %s\n", "", "", path.c_str());
      }
      if (whole_frame) {
        reset_peak(device);
        const double frame_s = median_seconds(
            frames,
            [&] {
              // Downloaded as clip_manager does for half-float EXRs (float16 from a GPU, comp float32).
              const ck::FrameResult r = engine.process_frame(plate, hint, {}).to_host({.half = true});
              bench::sync(device);
            },
            after_warm_up);
        const double frame_steady = peak_mb(device);
        report(size, p, "whole-frame", frame_s, gflop, std::max(warm_up_peak, frame_steady), frame_steady);
      }
    }
  }
  nlohmann::json doc{{"device", device.str()}, {"threads", threads}, {"results", results}};
  if (despeckle) {
    for (const auto& [matte, ms] : bench::despeckle_4k_ms(device, std::max(frames, 1)))
      doc["despeckle_4k_ms"][matte] = ms;
  }
  if (!json_path.empty()) {
    std::ofstream out(json_path);
    out << doc.dump(2) << "\n";
    if (!out) {
      std::fprintf(stderr, "bench_model: cannot write %s\n", json_path.c_str());
      return 1;
    }
  }
  return 0;
}
