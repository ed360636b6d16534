// Per-frame cost of the OpenFX plugin against clip_manager at the same settings: a 1920x1080
// synthetic plate and hint, v1.0 random weights. clip_manager keys a clip of frames+1 copies
// (its per-frame time: the median interval between its NDJSON frame events, the first left out);
// the plugin renders the same frame frames+1 times in the test host (the median of the last
// `frames` render actions, Processed output). Prints both medians and their ratio.
// Then the same renders from two host threads at once (as hosts render frames in parallel): the
// wall time per frame, where one frame's pre/post-processing runs beside the other's network.
//   bench_ofx [--img-size 512|1024|1536|2048] [--frames 4] [--threads 2] [--device cpu|cuda]
//             [--precision float32|float16|bfloat16]
#include <ATen/Parallel.h>
#include <stdio.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.hpp"
#include "corridorkey/checkpoint.hpp"
#include "corridorkey/model.hpp"
#include "corridorkey/remove_tree.hpp"
#include "ofx_test_host.hpp"
#include "synthetic_frame.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  int img_size = 512, frames = 4, threads = 2;
  std::string device = "cpu", precision = "float32";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--img-size")
      img_size = std::stoi(argv[i + 1]);
    else if (a == "--frames")
      frames = std::stoi(argv[i + 1]);
    else if (a == "--threads")
      threads = std::stoi(argv[i + 1]);
    else if (a == "--device")
      device = argv[i + 1];
    else if (a == "--precision")
      precision = argv[i + 1];
    else {
      std::fprintf(stderr, "bench_ofx: unknown option %s (see the comment atop bench_ofx.cpp)\n", a.c_str());
      return 2;
    }
  }
  const int sizes[] = {512, 1024, 1536, 2048};
  int size_choice = -1;
  for (int c = 0; c < 4; ++c) size_choice = sizes[c] == img_size ? c : size_choice;
  const int precision_choice = precision == "float32"    ? 1
                               : precision == "float16"  ? 2
                               : precision == "bfloat16" ? 3
                                                         : -1;
  if (size_choice < 0 || precision_choice < 0 || frames < 1) {
    std::fprintf(stderr,
                 "bench_ofx: --img-size must be 512, 1024, 1536 or 2048, --precision float32, float16 or "
                 "bfloat16, --frames at least 1\n");
    return 2;
  }
  at::set_num_threads(threads);

  const fs::path dir = fs::temp_directory_path() / "corridorkey-bench-ofx";
  std::error_code removed;
  ck::remove_tree(dir, removed);
  fs::create_directories(dir / "checkpoints");
  const auto [plate, hint] = bench::synthetic_frame();
  bench::write_synthetic_clip(dir / "clips", {plate, hint}, frames + 1);
  const fs::path checkpoint = dir / "checkpoints" / "CorridorKey.safetensors";
  ck::write_safetensors(checkpoint, ck::ModelConfig().random_weights(2048, 0));

  // clip_manager: Processed only (what the plugin renders), the frame events timed as they come.
  const fs::path cli = fs::path(argv[0]).parent_path() / "clip_manager";
  const std::string cmd = cli.string() + " --action run_inference --clips-dir " + (dir / "clips").string() +
                          " --checkpoint " + checkpoint.string() + " --img-size " + std::to_string(img_size) +
                          " --threads " + std::to_string(threads) + " --device " + device + " --precision " +
                          precision + " --screen-color green --outputs processed --json --log-level warn";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) {
    std::fprintf(stderr, "bench_ofx: cannot run %s\n", cli.c_str());
    return 1;
  }
  std::vector<double> cli_times;
  auto last = std::chrono::steady_clock::now();
  int frame_events = 0;
  char line[4096];
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    if (std::strstr(line, "\"event\":\"frame\"") == nullptr) continue;
    const auto now = std::chrono::steady_clock::now();
    if (frame_events++ > 0) cli_times.push_back(std::chrono::duration<double>(now - last).count());
    last = now;
  }
  if (::pclose(pipe) != 0 || cli_times.empty()) {
    std::fprintf(stderr, "bench_ofx: clip_manager failed (%s)\n", cmd.c_str());
    return 1;
  }

  // The plugin, in the test host, with the same pixels (sRGB floats) and settings.
  ::setenv("OFX_PLUGIN_PATH", (fs::path(argv[0]).parent_path().parent_path() / "plugins").c_str(), 1);
  ::setenv("CORRIDORKEY_CHECKPOINT_DIR", (dir / "checkpoints").c_str(), 1);
  ::setenv("CORRIDORKEY_OFX_DEVICE", device.c_str(), 1);
  ck::ofxtest::TestHost host;
  std::unique_ptr<ck::ofxtest::Effect> effect = host.create("com.corridordigital.CorridorKey");
  if (!effect) {
    std::fprintf(stderr, "bench_ofx: the plugin was not found on OFX_PLUGIN_PATH=%s\n", std::getenv("OFX_PLUGIN_PATH"));
    return 1;
  }
  cv::Mat rgb;
  cv::cvtColor(plate, rgb, cv::COLOR_BGR2RGBA);
  ck::ofxtest::Image source(1920, 1080, 4), matte(1920, 1080, 4);
  for (int y = 0; y < 1080; ++y) {
    for (int x = 0; x < 1920; ++x) {
      const cv::Vec4b p = rgb.at<cv::Vec4b>(y, x);
      const float h = hint.at<std::uint8_t>(y, x) / 255.0f;
      for (int c = 0; c < 3; ++c) source.at(x, y)[c] = p[c] / 255.0f;
      source.at(x, y)[3] = 1.0f;
      for (int c = 0; c < 4; ++c) matte.at(x, y)[c] = h;
    }
  }
  effect->set_input("Source", source);
  effect->set_input("AlphaHint", matte);
  effect->set_int("networkSize", size_choice);
  effect->set_int("precision", precision_choice);
  effect->set_int("screenColor", 1);
  std::vector<double> plugin_times;
  for (int f = 0; f <= frames; ++f) {
    const ck::ofxtest::RenderResult r = effect->render();
    if (r.status != kOfxStatOK) {
      std::fprintf(stderr, "bench_ofx: render failed: %s\n", r.persistent_message.c_str());
      return 1;
    }
    if (f > 0) plugin_times.push_back(r.seconds);
  }
  // Two host threads, each with its own instance, `frames` renders in all.
  std::unique_ptr<ck::ofxtest::Effect> second = host.create("com.corridordigital.CorridorKey");
  second->set_input("Source", source);
  second->set_input("AlphaHint", matte);
  second->set_int("networkSize", size_choice);
  second->set_int("precision", precision_choice);
  second->set_int("screenColor", 1);
  bool failed = false;
  const double parallel_wall = bench::seconds([&] {
    std::thread other([&] {
      for (int f = 0; f < frames / 2; ++f) failed |= second->render().status != kOfxStatOK;
    });
    for (int f = frames / 2; f < frames; ++f) failed |= effect->render().status != kOfxStatOK;
    other.join();
  });
  if (failed) {
    std::fprintf(stderr, "bench_ofx: a render on two host threads failed\n");
    return 1;
  }
  const double c = bench::median(cli_times), p = bench::median(plugin_times), q = parallel_wall / frames;
  std::printf("bench_ofx 1920x1080, img_size %d, %s, %s, %d threads, %d frames\n", img_size, precision.c_str(),
              device.c_str(), threads, frames);
  std::printf("%-36s %10.1f ms\n", "clip_manager per frame (median)", 1e3 * c);
  std::printf("%-36s %10.1f ms\n", "plugin render per frame (median)", 1e3 * p);
  std::printf("%-36s %10.3f\n", "ratio plugin / clip_manager", p / c);
  std::printf("%-36s %10.1f ms\n", "plugin, 2 host threads, per frame", 1e3 * q);
  std::printf("%-36s %10.3f\n", "ratio (2 host threads) / clip_manager", q / c);
  std::printf("peak RSS %.0f MB\n", bench::peak_rss_mb());
  return 0;
}
