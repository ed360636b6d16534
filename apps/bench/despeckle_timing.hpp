// The despeckle kernels alone on 3840x2160 mattes, fully opaque (one component spanning the
// frame: the union-find's worst case) and uniform noise (many small components): median ms of
// `runs` after a warm-up. On CUDA the kernels of kernels/cuda/despeckle.cu on the current stream,
// scratch from LibTorch's allocator; on the CPU its twin. #17's goal: under 2 ms on an H100.
#pragma once

#include <ATen/ATen.h>

#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bench_util.hpp"
#include "corridorkey_kernels/despeckle.hpp"
#if CORRIDORKEY_WITH_CUDA
#include <c10/cuda/CUDAStream.h>
#endif

namespace bench {

inline std::vector<std::pair<std::string, double>> despeckle_4k_ms(c10::Device device, int runs) {
  namespace kn = corridorkey::kernels;
  const int w = 3840, h = 2160, min_area = 400;
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(device);
  at::manual_seed(0);
  const std::vector<std::pair<std::string, at::Tensor>> mattes{{"opaque", at::full({h, w}, 0.9f, f32)},
                                                               {"noisy", at::rand({h, w}, f32)}};
  at::Tensor out = at::empty({h, w}, f32);
  std::function<void(const at::Tensor&)> run = [&](const at::Tensor& alpha) {
    kn::cpu::despeckle(alpha.const_data_ptr<float>(), out.mutable_data_ptr<float>(), w, h, min_area);
  };
#if CORRIDORKEY_WITH_CUDA
  at::Tensor scratch;
  if (device.is_cuda()) {
    scratch = at::empty({static_cast<std::int64_t>(kn::cuda::despeckle_scratch_bytes(w, h))},
                        at::TensorOptions().dtype(at::kByte).device(device));
    run = [&](const at::Tensor& alpha) {
      kn::cuda::despeckle(alpha.const_data_ptr<float>(), out.mutable_data_ptr<float>(), w, h, min_area,
                          scratch.mutable_data_ptr(), c10::cuda::getCurrentCUDAStream(device.index()).stream());
    };
  }
#endif
  std::vector<std::pair<std::string, double>> result;
  std::printf("%-24s %10s\n", ("despeckle 3840x2160, " + device.str()).c_str(), "ms");
  for (const auto& [name, alpha] : mattes) {
    std::vector<double> t;
    for (int i = 0; i <= runs; ++i) {
      const double s = seconds([&] {
        run(alpha);
        sync(device);
      });
      if (i > 0) t.push_back(s);  // the first is the warm-up
    }
    result.emplace_back(name, 1e3 * median(t));
    std::printf("%-24s %10.2f\n", name.c_str(), result.back().second);
  }
  return result;
}

}  // namespace bench
