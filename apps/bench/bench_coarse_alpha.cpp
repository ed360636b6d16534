// The built-in coarse alpha (generate_alphas) on 1920x1080 plates: per-frame medians of decoding
// the plate, keying it (one thread, as each of generate_alphas' workers does) and writing the
// 16-bit hint, then the whole `clip_manager --action generate_alphas` on a clip of N frames.
// The plate is the fixture frame scaled to HD with Gaussian noise of sigma `--noise` (8-bit
// levels), so that its PNG is as costly to decode as a camera plate's.
//   bench_coarse_alpha [--frames 100] [--noise 4] [--threads 2] [--screen green|blue]
#include <ATen/Parallel.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench_util.hpp"
#include "corridorkey/coarse_alpha.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "corridorkey/io/tensor_mat.hpp"
#include "corridorkey/remove_tree.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  int frames = 100, threads = 2;
  double noise = 4;
  std::string screen = "green";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--frames")
      frames = std::stoi(v);
    else if (a == "--noise")
      noise = std::stod(v);
    else if (a == "--threads")
      threads = std::stoi(v);
    else if (a == "--screen")
      screen = v;
    else {
      std::fprintf(stderr,
                   "usage: bench_coarse_alpha [--frames 100] [--noise 4] [--threads 2] [--screen green|blue]\n");
      return 2;
    }
  }
  at::set_num_threads(threads);
  const fs::path source = fs::path(CORRIDORKEY_SOURCE_DIR) / ".." / "shared" / "fixtures" / "frame" / "input.png";
  cv::Mat plate = cv::imread(source.string(), cv::IMREAD_COLOR);
  if (plate.empty()) {
    std::fprintf(stderr, "bench_coarse_alpha: cannot read %s\n", source.c_str());
    return 1;
  }
  if (screen == "blue") {
    const int from_to[] = {0, 1, 1, 0, 2, 2};  // BGR: exchange B and G
    cv::Mat swapped(plate.size(), plate.type());
    cv::mixChannels(&plate, 1, &swapped, 1, from_to, 3);
    plate = swapped;
  }
  cv::resize(plate, plate, cv::Size(1920, 1080), 0, 0, cv::INTER_CUBIC);
  cv::Mat grain(plate.size(), CV_16SC3);
  cv::randn(grain, 0, noise);
  cv::Mat noisy;
  cv::add(plate, grain, noisy, cv::noArray(), CV_8UC3);

  const fs::path dir = fs::temp_directory_path() / ("bench_coarse_alpha_" + std::to_string(::getpid()));
  fs::create_directories(dir / "clips" / "hd" / "Input");
  for (int i = 0; i < frames; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "f%04d.png", i);
    cv::imwrite((dir / "clips" / "hd" / "Input" / name).string(), noisy);
  }
  const fs::path first = dir / "clips" / "hd" / "Input" / "f0000.png";
  std::printf("plate: 1920x1080 8-bit PNG, %.1f MB, noise sigma %.1f, %s screen\n",
              static_cast<double>(fs::file_size(first)) / 1e6, noise, screen.c_str());

  const int runs = 9;
  cv::Mat decoded;
  ck::CoarseAlpha key;
  ck::CoarseAlphaSettings settings;
  settings.screen = ck::parse_screen_color(screen);
  settings.threads = 1;
  std::vector<double> t_decode, t_key, t_encode;
  for (int i = 0; i < runs; ++i) {
    t_decode.push_back(bench::seconds([&] { decoded = ck::read_plate(first); }));
    t_key.push_back(bench::seconds([&] { key = ck::coarse_alpha(ck::mat_tensor(decoded), settings); }));
    t_encode.push_back(
        bench::seconds([&] { ck::write_png16(dir / "hint.png", ck::tensor_mat(key.alpha.unsqueeze(2))); }));
  }
  std::printf("%-28s %8s\n", "per frame (1 thread)", "ms");
  std::printf("%-28s %8.1f\n", "decode plate (read_plate)", 1e3 * bench::median(t_decode));
  std::printf("%-28s %8.1f\n", "coarse_alpha", 1e3 * bench::median(t_key));
  std::printf("%-28s %8.1f\n", "write 16-bit hint PNG", 1e3 * bench::median(t_encode));
  std::printf("screen found: %s, %.0f%% of the frame, excess %.2f\n", key.found_screen ? "yes" : "no",
              100 * key.screen_share, key.screen_excess);

  const fs::path cli = fs::path(argv[0]).parent_path() / "clip_manager";
  const std::string cmd = cli.string() + " --action generate_alphas --clips-dir " + (dir / "clips").string() +
                          " --threads " + std::to_string(threads) + " --log-level warn";
  const double wall = bench::seconds([&] { (void)std::system(cmd.c_str()); });
  std::printf("generate_alphas: %d frames in %.2f s (whole process) = %.1f frames/s on %d threads\n", frames, wall,
              frames / wall, threads);
  std::error_code removed;
  ck::remove_tree(dir, removed);
  return 0;
}
