// Model forward on the CPU: median ms/frame over N frames after a warm-up, peak RSS, and achieved
// GFLOP/s against the model's FLOP count, for v1.0 random weights.
//   bench_model [--sizes 512,1024] [--precisions float32,bfloat16] [--frames 5] [--threads 2] [--device cpu|cuda]
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cstdio>
#include <sstream>

#include "bench_util.hpp"
#include "corridorkey/checkpoint.hpp"
#include "corridorkey/model.hpp"

namespace ck = corridorkey;

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string x; std::getline(in, x, ',');) out.push_back(x);
  return out;
}

int main(int argc, char** argv) {
  std::string sizes = "512,1024", precisions = "float32,bfloat16";
  int frames = 5, threads = 2;
  std::string device = "cpu";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--sizes")
      sizes = v;
    else if (a == "--precisions")
      precisions = v;
    else if (a == "--frames")
      frames = std::stoi(v);
    else if (a == "--threads")
      threads = std::stoi(v);
    else if (a == "--device")
      device = v;
  }
  at::set_num_threads(threads);
  ck::StateDict sd;
  const ck::ModelConfig config;
  for (auto& [name, t] : config.random_weights(2048, 0)) sd.tensors[name] = t;
  std::printf("device %s, %d CPU threads\n", device.c_str(), threads);
  std::printf("%6s %9s %6s %12s %12s %10s %10s\n", "size", "precision", "frames", "median ms", "GFLOP/frame", "GFLOP/s",
              "RSS MB");
  for (const auto& size : split(sizes)) {
    for (const auto& p : split(precisions)) {
      ck::ModelOptions mo;
      mo.img_size = std::stoi(size);
      mo.precision = ck::parse_precision(p);
      mo.device = c10::Device(device);
      const ck::GreenFormer model = ck::GreenFormer::load(sd, config, mo);
      const at::Tensor x = at::randn({1, 4, mo.img_size, mo.img_size});
      // .item() waits for the device, so GPU times include the whole forward pass.
      const auto run = [&] { (void)model.forward(x).alpha.sum().item<float>(); };
      run();  // warm-up
      std::vector<double> t;
      for (int f = 0; f < frames; ++f) t.push_back(bench::seconds(run));
      const double gflop = model.flops_per_frame() / 1e9;
      std::printf("%6s %9s %6d %12.0f %12.1f %10.1f %10.0f\n", size.c_str(), p.c_str(), frames, 1e3 * bench::median(t),
                  gflop, gflop / bench::median(t), bench::peak_rss_mb());
      std::fflush(stdout);
    }
  }
  return 0;
}
