// Checkpoint loading: time to the first tensor, to the full state dict, and to read every byte
// (page cache), for .safetensors and .pth of the same v1.0-shaped random checkpoint.
//   bench_checkpoint [--repeats N] [--dir D]   (writes D/v1.safetensors and D/v1.pth if missing)
#include <ATen/ATen.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "bench_util.hpp"
#include "corridorkey/checkpoint.hpp"
#include "corridorkey/model.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  int repeats = 7;
  fs::path dir = fs::temp_directory_path() / "corridorkey-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--repeats")
      repeats = std::stoi(argv[i + 1]);
    else if (a == "--dir")
      dir = argv[i + 1];
  }
  fs::create_directories(dir);
  const fs::path st = dir / "v1.safetensors", pth = dir / "v1.pth";
  if (!fs::exists(st) || !fs::exists(pth)) {
    const std::map<std::string, at::Tensor> tensors = ck::ModelConfig{}.random_weights(2048, 0);
    ck::write_safetensors(st, tensors);
    ck::write_pth(pth, tensors);
  }
  std::printf("%-12s %10s %14s %14s %12s %10s\n", "format", "MB", "first tensor", "state dict", "read all", "GB/s");
  double st_read = 0, pth_read = 0;
  for (const fs::path& file : {st, pth}) {
    std::vector<double> first, full, read;
    double bytes = 0;
    for (int r = 0; r < repeats; ++r) {
      first.push_back(bench::seconds([&] {
        if (file == st)
          (void)ck::SafetensorsFile::open(file).tensor("encoder.model.pos_embed");
        else {
          const auto p = ck::PthFile::open(file);
          (void)p.tensor(*p.flatten().front().second);
        }
      }));
      ck::StateDict sd;
      full.push_back(bench::seconds([&] { sd = ck::load_state_dict(file); }));
      // Touch every byte (a sum in the tensor's own type), as the network will: from the page
      // cache; no copy was made before.
      read.push_back(bench::seconds([&] {
                       double s = 0;
                       bytes = 0;
                       for (const auto& [n, t] : sd.tensors) {
                         s += t.sum().item<double>();
                         bytes += static_cast<double>(t.nbytes());
                       }
                       (void)s;
                     }) +
                     full.back());
    }
    const double gbs = bytes / bench::median(read) / 1e9;
    (file == st ? st_read : pth_read) = bench::median(read);
    std::printf("%-12s %10.1f %12.2f ms %12.2f ms %10.1f ms %10.2f\n", file.extension().string().c_str() + 1,
                bytes / 1e6, 1e3 * bench::median(first), 1e3 * bench::median(full), 1e3 * bench::median(read), gbs);
  }
  std::printf("pth / safetensors (load + read all): %.2fx; peak RSS %.0f MB; medians of %d runs\n", pth_read / st_read,
              bench::peak_rss_mb(), repeats);
  return 0;
}
