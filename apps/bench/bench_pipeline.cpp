// Per-stage times of the frame pipeline for a 1920x1080 plate (decode, pre-process, model,
// post-process with the download of the outputs, encode), and the end-to-end clip rate of
// clip_manager (a 48-frame clip) against the model-only rate. v1.0 random weights. On the CPU it
// also splits post-processing and encoding into steps; on CUDA it times the despeckle kernels on
// an opaque and a noisy 4K matte (the union-find's worst and busiest cases).
//   bench_pipeline [--img-size 512] [--frames 5] [--clip-frames 48] [--threads 2] [--no-e2e]
//                  [--device cpu|cuda|cuda:N] [--precision float32|float16|bfloat16]
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "bench_util.hpp"
#include "corridorkey/checkpoint.hpp"
#include "corridorkey/config.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "corridorkey/io/tensor_mat.hpp"
#include "corridorkey/pipeline.hpp"
#include "corridorkey/remove_tree.hpp"
#include "corridorkey_kernels/color.hpp"
#include "corridorkey_kernels/resize.hpp"
#include "despeckle_timing.hpp"
#include "synthetic_frame.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  int img_size = 512, frames = 5, clip_frames = 48, threads = 2;
  std::string device_name = "cpu", precision = "float32";
  bool e2e = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--no-e2e") {
      e2e = false;
      continue;
    }
    if (i + 1 >= argc) break;
    if (a == "--img-size")
      img_size = std::stoi(argv[++i]);
    else if (a == "--frames")
      frames = std::stoi(argv[++i]);
    else if (a == "--clip-frames")
      clip_frames = std::stoi(argv[++i]);
    else if (a == "--threads")
      threads = std::stoi(argv[++i]);
    else if (a == "--device")
      device_name = argv[++i];
    else if (a == "--precision")
      precision = argv[++i];
  }
  const std::optional<c10::Device> picked = bench::device_named(device_name, "bench_pipeline");
  if (!picked) return 2;
  const c10::Device device = *picked;
  at::set_num_threads(threads);
  const fs::path dir = fs::temp_directory_path() / "corridorkey-bench-pipeline";
  std::error_code removed;
  ck::remove_tree(dir, removed);
  fs::create_directories(dir / "ck");
  fs::create_directories(dir / "out");

  const bench::SyntheticFrame frame = bench::synthetic_frame();
  cv::imwrite((dir / "plate.png").string(), frame.plate);
  cv::imwrite((dir / "hint.png").string(), frame.hint);
  bench::write_synthetic_clip(dir / "clips", frame, clip_frames);
  const ck::ModelConfig config;
  ck::write_safetensors(dir / "ck" / "CorridorKey.safetensors", config.random_weights(2048, 0));
  const ck::StateDict sd = ck::load_state_dict(dir / "ck" / "CorridorKey.safetensors");
  ck::Engine engine(ck::GreenFormer::load(
      sd, config, {.img_size = img_size, .precision = ck::parse_precision(precision), .device = device}));

  std::vector<double> decode, pre, model, post, encode;
  const ck::InferenceSettings settings;
  for (int f = 0; f <= frames; ++f) {
    at::Tensor p, h;
    const double d = bench::seconds([&] {
      p = ck::mat_tensor(ck::read_plate(dir / "plate.png"));
      h = ck::mat_tensor(ck::read_hint(dir / "hint.png"));
    });
    at::Tensor input;
    const double t_pre = bench::seconds([&] {
      input = engine.preprocess({p}, {h}, false);
      bench::sync(device);
    });
    ck::ModelOutput out;
    const double t_model = bench::seconds([&] {
      out = engine.model().forward(input);
      bench::sync(device);
    });
    ck::FrameResult r;
    const double t_post = bench::seconds([&] {
      r = ck::Engine::postprocess(out.alpha[0].to(at::kFloat), out.fg[0].to(at::kFloat), 1920, 1080, settings)
              .to_host({.half = true});
    });
    const double t_enc = bench::seconds([&] {
      ck::write_exr(dir / "out" / "fg.exr", ck::tensor_mat(r.fg));
      ck::write_exr(dir / "out" / "matte.exr", ck::tensor_mat(r.alpha));
      ck::write_exr(dir / "out" / "processed.exr", ck::tensor_mat(r.processed));
      ck::write_png8(dir / "out" / "comp.png", ck::tensor_mat(r.comp));
    });
    if (f == 0) continue;  // warm-up
    decode.push_back(d), pre.push_back(t_pre), model.push_back(t_model), post.push_back(t_post),
        encode.push_back(t_enc);
  }
  const double m = bench::median(model);
  std::printf("1920x1080 plate, img_size %d, %s on %s, %d CPU threads, medians of %d frames\n", img_size,
              precision.c_str(), device.str().c_str(), threads, frames);
  std::printf("%-12s %10s %10s\n", "stage", "ms", "% of model");
  for (const auto& [name, v] : std::vector<std::pair<const char*, std::vector<double>*>>{
           {"decode", &decode}, {"preprocess", &pre}, {"model", &model}, {"postprocess", &post}, {"encode", &encode}}) {
    std::printf("%-12s %10.1f %9.1f%%\n", name, 1e3 * bench::median(*v), 100 * bench::median(*v) / m);
  }
  const double others = bench::median(decode) + bench::median(pre) + bench::median(post) + bench::median(encode);
  std::printf("everything but the model: %.1f%% of the model's time\n", 100 * others / m);

#if CORRIDORKEY_WITH_CUDA
  if (device.is_cuda()) (void)bench::despeckle_4k_ms(device, std::max(frames, 20));
#endif
  // Where the post-processing and encoding time goes on the CPU (medians of `frames`).
  if (!device.is_cuda()) {
    const at::Tensor p = ck::mat_tensor(ck::read_plate(dir / "plate.png"));
    const at::Tensor h = ck::mat_tensor(ck::read_hint(dir / "hint.png"));
    const at::Tensor input = engine.preprocess({p}, {h}, false);
    const ck::ModelOutput out = engine.model().forward(input);
    const at::Tensor a = out.alpha[0].contiguous(), f = out.fg[0].contiguous();
    at::Tensor alpha = at::empty({1080, 1920, 1}), fg = at::empty({1080, 1920, 3});
    ck::FrameResult r = ck::Engine::postprocess(out.alpha[0], out.fg[0], 1920, 1080, settings);
    // The Lanczos twin as the engine runs it: in bands of rows, one per thread.
    const ck::kernels::RowRunner bands = ck::kernels::thread_bands(threads);
    std::vector<std::pair<const char*, std::function<void()>>> steps = {
        {"lanczos alpha",
         [&] {
           ck::kernels::cpu::resize_lanczos4(a.data_ptr<float>(), alpha.data_ptr<float>(), 1, img_size, img_size, 1080,
                                             1920, bands);
         }},
        {"lanczos fg",
         [&] {
           ck::kernels::cpu::resize_lanczos4(f.data_ptr<float>(), fg.data_ptr<float>(), 3, img_size, img_size, 1080,
                                             1920, bands);
         }},
        {"despeckle (1 thread)", [&] { (void)ck::despeckle(r.alpha, settings.despeckle_size); }},
        {"colour (1 thread)",
         [&] {
           ck::kernels::PostSettings post;
           ck::kernels::cpu::postprocess(r.fg.data_ptr<float>(), r.alpha.data_ptr<float>(),
                                         r.processed.data_ptr<float>(), r.comp.data_ptr<float>(), 1920, 1080, post);
         }},
        {"fg.exr", [&] { ck::write_exr(dir / "out" / "fg.exr", ck::tensor_mat(r.fg)); }},
        {"matte.exr", [&] { ck::write_exr(dir / "out" / "matte.exr", ck::tensor_mat(r.alpha)); }},
        {"processed.exr", [&] { ck::write_exr(dir / "out" / "processed.exr", ck::tensor_mat(r.processed)); }},
        {"comp.png", [&] { ck::write_png8(dir / "out" / "comp.png", ck::tensor_mat(r.comp)); }},
    };
    std::printf("%-20s %10s\n", "step", "ms");
    for (auto& [name, fn] : steps) {
      std::vector<double> t;
      for (int i = 0; i < frames; ++i) t.push_back(bench::seconds(fn));
      std::printf("%-20s %10.1f\n", name, 1e3 * bench::median(t));
    }
  }

  if (e2e) {
    const fs::path cli = fs::path(argv[0]).parent_path() / "clip_manager";
    const std::string cmd = cli.string() + " --action run_inference --clips-dir " + (dir / "clips").string() +
                            " --checkpoint " + (dir / "ck" / "CorridorKey.safetensors").string() + " --img-size " +
                            std::to_string(img_size) + " --threads " + std::to_string(threads) + " --device " +
                            device_name + " --precision " + precision + " --json --log-level warn > " +
                            (dir / "e2e.ndjson").string();
    const double wall = bench::seconds([&] { (void)std::system(cmd.c_str()); });
    std::ifstream in(dir / "e2e.ndjson");
    std::string line, summary;
    while (std::getline(in, line)) {
      if (line.find("\"summary\"") != std::string::npos) summary = line;
    }
    std::printf(
        "end to end: %d frames in %.1f s (whole process, model load included) = %.3f frames/s; model only %.3f "
        "frames/s; ratio %.2f\n",
        clip_frames, wall, clip_frames / wall, 1.0 / m, (clip_frames / wall) * m);
    std::printf("summary: %s\n", summary.c_str());
  }
  return 0;
}
