// Each CUDA kernel against its CPU twin. Skipped, with the reason, where no CUDA device is visible.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "corridorkey_kernels/color.hpp"
#include "corridorkey_kernels/despeckle.hpp"
#include "corridorkey_kernels/device.hpp"
#include "corridorkey_kernels/resize.hpp"
#include "test_support.hpp"
#ifdef CORRIDORKEY_KERNELS_CUDA
#include <cuda_runtime.h>
#endif

namespace kn = corridorkey::kernels;
using corridorkey::test::random_floats;

namespace {

#define REQUIRE_GPU()                                                                                     \
  do {                                                                                                    \
    if (!kn::built_with_cuda()) GTEST_SKIP() << "this build has no CUDA kernels (CORRIDORKEY_CUDA=OFF)";  \
    if (kn::cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device visible: GPU kernel tests skipped"; \
  } while (0)

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
    const auto rgb = random_floats(3 * pixels, -0.1f, 1.5f, 1), hint = random_floats(pixels, 0, 1, 2);
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
  const auto fg = random_floats(3 * pixels, 0, 1, 3), alpha = random_floats(pixels, 0, 1, 4);
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

TEST(GpuKernels, AntialiasedBilinearMatchesCpuTwin) {
  REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  for (const auto& [ih, iw, oh, ow] :
       std::vector<std::array<int, 4>>{{1080, 1920, 512, 512}, {37, 53, 64, 80}, {31, 29, 31, 29}}) {
    const auto in = random_floats(3ull * ih * iw, -0.1f, 1.2f, 7);
    std::vector<float> cpu(3ull * oh * ow);
    kn::cpu::resize_bilinear_aa(in.data(), cpu.data(), 3, ih, iw, oh, ow);
    DeviceBuffer d_in(in), d_out(3ull * oh * ow), d_scratch(3ull * ih * ow);
    kn::cuda::resize_bilinear_aa(d_in.ptr, d_out.ptr, d_scratch.ptr, 3, ih, iw, oh, ow, nullptr);
    cudaDeviceSynchronize();
    EXPECT_LE(max_diff(cpu, d_out.host()), 1e-5) << ih << "x" << iw << " -> " << oh << "x" << ow;
  }
#endif
}

TEST(GpuKernels, Lanczos4MatchesCpuTwin) {
  REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  for (const auto& [ih, iw, oh, ow] :
       std::vector<std::array<int, 4>>{{512, 512, 1080, 1920}, {40, 30, 17, 90}, {64, 64, 64, 64}}) {
    for (int c : {1, 3}) {
      const auto in = random_floats(static_cast<std::size_t>(c) * ih * iw, -0.1f, 1.2f, 8);
      std::vector<float> cpu(static_cast<std::size_t>(c) * oh * ow);
      kn::cpu::resize_lanczos4(in.data(), cpu.data(), c, ih, iw, oh, ow);
      DeviceBuffer d_in(in), d_out(cpu.size()), d_scratch(static_cast<std::size_t>(c) * ih * ow);
      kn::cuda::resize_lanczos4(d_in.ptr, d_out.ptr, d_scratch.ptr, c, ih, iw, oh, ow, nullptr);
      cudaDeviceSynchronize();
      EXPECT_LE(max_diff(cpu, d_out.host()), 1e-5) << ih << "x" << iw << " -> " << oh << "x" << ow << " c" << c;
    }
  }
#endif
}

TEST(GpuKernels, UnpackMatchesCpuTwin) {
  REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  const int w = 97, h = 61;
  const std::size_t values = 3ull * w * h;
  std::vector<std::uint16_t> u16(values);
  for (std::size_t i = 0; i < values; ++i) u16[i] = static_cast<std::uint16_t>(i * 2654435761u);
  std::vector<float> cpu(values);
  kn::cpu::unpack_planar(u16.data(), 2, cpu.data(), 3, h, w);
  void* d_in = nullptr;
  cudaMalloc(&d_in, values * 2);
  cudaMemcpy(d_in, u16.data(), values * 2, cudaMemcpyHostToDevice);
  DeviceBuffer d_out(values);
  kn::cuda::unpack_planar(d_in, 2, d_out.ptr, 3, h, w, nullptr);
  cudaDeviceSynchronize();
  cudaFree(d_in);
  EXPECT_EQ(max_diff(cpu, d_out.host()), 0.0);
#endif
}

TEST(GpuKernels, DespeckleIsBitExactWithCpuTwin) {
  REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  const int w = 1920, h = 1080;
  // Speckles of every size on noise: many components, some merging across long chains.
  std::vector<float> alpha = random_floats(static_cast<std::size_t>(w) * h, 0.0f, 0.52f, 9);
  std::mt19937 rng(10);
  for (int blob = 0; blob < 400; ++blob) {
    const int cx = static_cast<int>(rng() % w), cy = static_cast<int>(rng() % h), r = static_cast<int>(rng() % 40);
    for (int y = std::max(0, cy - r); y < std::min(h, cy + r + 1); ++y)
      for (int x = std::max(0, cx - r); x < std::min(w, cx + r + 1); ++x)
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) alpha[static_cast<std::size_t>(y) * w + x] = 0.9f;
  }
  for (int min_area : {1, 400}) {
    std::vector<float> cpu(alpha.size());
    kn::cpu::despeckle(alpha.data(), cpu.data(), w, h, min_area);
    DeviceBuffer d_alpha(alpha), d_out(alpha.size());
    kn::cuda::despeckle(d_alpha.ptr, d_out.ptr, w, h, min_area, nullptr);
    cudaDeviceSynchronize();
    EXPECT_EQ(max_diff(cpu, d_out.host()), 0.0) << "min_area " << min_area;
  }
#endif
}

}  // namespace
