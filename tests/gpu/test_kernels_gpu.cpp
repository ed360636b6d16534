// Each CUDA kernel against its CPU twin. Skipped, with the reason, where no CUDA device is visible.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "corridorkey_kernels/color.hpp"
#include "corridorkey_kernels/device.hpp"
#ifdef CORRIDORKEY_KERNELS_CUDA
#include <cuda_runtime.h>
#endif

namespace kn = corridorkey::kernels;

namespace {

#define REQUIRE_GPU()                                                                                     \
  do {                                                                                                    \
    if (!kn::built_with_cuda()) GTEST_SKIP() << "this build has no CUDA kernels (CORRIDORKEY_CUDA=OFF)";  \
    if (kn::cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device visible: GPU kernel tests skipped"; \
  } while (0)

std::vector<float> random_vector(std::size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

#ifdef CORRIDORKEY_KERNELS_CUDA
struct DeviceBuffer {
  explicit DeviceBuffer(const std::vector<float>& host) : size(host.size()) {
    cudaMalloc(&ptr, size * sizeof(float));
    cudaMemcpy(ptr, host.data(), size * sizeof(float), cudaMemcpyHostToDevice);
  }
  explicit DeviceBuffer(std::size_t n) : size(n) { cudaMalloc(&ptr, n * sizeof(float)); }
  ~DeviceBuffer() { cudaFree(ptr); }
  std::vector<float> host() const {
    std::vector<float> out(size);
    cudaMemcpy(out.data(), ptr, size * sizeof(float), cudaMemcpyDeviceToHost);
    return out;
  }
  float* ptr = nullptr;
  std::size_t size;
};

double max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, static_cast<double>(std::fabs(a[i] - b[i])));
  return m;
}
#endif

TEST(GpuKernels, NormalizePackMatchesCpuTwin) {
  REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  const std::size_t pixels = 257 * 131;
  for (bool linear : {false, true}) {
    const auto rgb = random_vector(3 * pixels, -0.1f, 1.5f, 1), hint = random_vector(pixels, 0, 1, 2);
    std::vector<float> cpu(4 * pixels);
    kn::cpu::normalize_pack(rgb.data(), hint.data(), cpu.data(), pixels, linear);
    DeviceBuffer d_rgb(rgb), d_hint(hint), d_out(4 * pixels);
    kn::cuda::normalize_pack(d_rgb.ptr, d_hint.ptr, d_out.ptr, pixels, linear, nullptr);
    cudaDeviceSynchronize();
    EXPECT_LE(max_diff(cpu, d_out.host()), 1e-5) << "linear=" << linear;
  }
#endif
}

TEST(GpuKernels, PostprocessMatchesCpuTwin) {
  REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  const int w = 301, h = 203;
  const std::size_t pixels = static_cast<std::size_t>(w) * h;
  const auto fg = random_vector(3 * pixels, 0, 1, 3), alpha = random_vector(pixels, 0, 1, 4);
  for (float despill : {0.0f, 0.5f, 1.0f}) {
    kn::PostSettings s;
    s.despill_strength = despill;
    std::vector<float> proc(4 * pixels), comp(3 * pixels);
    kn::cpu::postprocess(fg.data(), alpha.data(), proc.data(), comp.data(), w, h, s);
    DeviceBuffer d_fg(fg), d_alpha(alpha), d_proc(4 * pixels), d_comp(3 * pixels);
    kn::cuda::postprocess(d_fg.ptr, d_alpha.ptr, d_proc.ptr, d_comp.ptr, w, h, s, nullptr);
    cudaDeviceSynchronize();
    EXPECT_LE(max_diff(proc, d_proc.host()), 1e-5) << "despill " << despill;
    EXPECT_LE(max_diff(comp, d_comp.host()), 1e-5) << "despill " << despill;
  }
#endif
}

}  // namespace
