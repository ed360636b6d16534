// Each CUDA kernel against its CPU twin (the refiner's GroupNorm also against ATen's). Skipped, with the reason, where
// no CUDA device is visible.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "corridorkey_kernels/color.hpp"
#include "corridorkey_kernels/despeckle.hpp"
#include "corridorkey_kernels/resize.hpp"
#include "test_support.hpp"
#ifdef CORRIDORKEY_KERNELS_CUDA
#include <ATen/ATen.h>
#include <cuda_runtime.h>

#include "model/decoder_head.hpp"
#include "model/group_norm_cpu.hpp"
#include "model/group_norm_cuda.hpp"
#endif

namespace kn = corridorkey::kernels;
using corridorkey::test::random_floats;

namespace {

#ifdef CORRIDORKEY_KERNELS_CUDA
struct DeviceBuffer {
  explicit DeviceBuffer(const std::vector<float>& host) : size(host.size()) {
    cudaMalloc(&ptr, std::max<std::size_t>(size, 1) * sizeof(float));
    cudaMemcpy(ptr, host.data(), size * sizeof(float), cudaMemcpyHostToDevice);
  }
  explicit DeviceBuffer(std::size_t n) : size(n) { cudaMalloc(&ptr, std::max<std::size_t>(n, 1) * sizeof(float)); }
  ~DeviceBuffer() { cudaFree(ptr); }
  std::vector<float> host() const {
    std::vector<float> out(size);
    cudaMemcpy(out.data(), ptr, size * sizeof(float), cudaMemcpyDeviceToHost);
    return out;
  }
  float* ptr = nullptr;
  std::size_t size;
};

// cuda::despeckle with its scratch allocated here, on `stream`.
void despeckle_on(const DeviceBuffer& alpha, DeviceBuffer& out, int w, int h, int min_area, cudaStream_t stream) {
  DeviceBuffer scratch((kn::cuda::despeckle_scratch_bytes(w, h) + sizeof(float) - 1) / sizeof(float));
  cudaDeviceSynchronize();  // the uploads (legacy stream) are done before a non-blocking stream reads them
  kn::cuda::despeckle(alpha.ptr, out.ptr, w, h, min_area, scratch.ptr, stream);
  cudaStreamSynchronize(stream);
}

// The CPU twin's despeckle of `alpha`, and the CUDA kernel's on `stream`.
std::pair<std::vector<float>, std::vector<float>> both_despeckles(const std::vector<float>& alpha, int w, int h,
                                                                  int min_area, cudaStream_t stream = nullptr) {
  std::vector<float> cpu(alpha.size());
  kn::cpu::despeckle(alpha.data(), cpu.data(), w, h, min_area);
  DeviceBuffer d_alpha(alpha), d_out(alpha.size());
  despeckle_on(d_alpha, d_out, w, h, min_area, stream);
  return {cpu, d_out.host()};
}

double max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, static_cast<double>(std::fabs(a[i] - b[i])));
  return m;
}
#endif

TEST(GpuKernels, NormalizePackMatchesCpuTwin) {
  CK_REQUIRE_GPU();
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
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  const int w = 301, h = 203;
  const std::size_t pixels = static_cast<std::size_t>(w) * h;
  const auto fg = random_floats(3 * pixels, 0, 1, 3), alpha = random_floats(pixels, 0, 1, 4);
  for (int channel : {1, 2}) {  // green and blue screens
    for (float despill : {0.0f, 0.5f, 1.0f}) {
      for (bool straight : {true, false}) {  // the comp of straight or premultiplied fg
        kn::PostSettings s;
        s.despill_strength = despill;
        s.spill_channel = channel;
        s.fg_is_straight = straight;
        std::vector<float> proc(4 * pixels), comp(3 * pixels);
        kn::cpu::postprocess(fg.data(), alpha.data(), proc.data(), comp.data(), w, h, s);
        DeviceBuffer d_fg(fg), d_alpha(alpha), d_proc(4 * pixels), d_comp(3 * pixels);
        kn::cuda::postprocess(d_fg.ptr, d_alpha.ptr, d_proc.ptr, d_comp.ptr, w, h, s, nullptr);
        cudaDeviceSynchronize();
        EXPECT_LE(max_diff(proc, d_proc.host()), 1e-5) << "despill " << despill << " channel " << channel;
        EXPECT_LE(max_diff(comp, d_comp.host()), 1e-5)
            << "despill " << despill << " channel " << channel << " straight " << straight;
      }
    }
  }
#endif
}

TEST(GpuKernels, AntialiasedBilinearMatchesCpuTwin) {
  CK_REQUIRE_GPU();
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
  CK_REQUIRE_GPU();
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
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  // 8-bit, 16-bit and float plates (3 channels) and hints (1 channel), a single pixel and a row.
  for (const auto& [w, h] : std::vector<std::pair<int, int>>{{97, 61}, {1, 1}, {33, 1}}) {
    for (int channels : {3, 1}) {
      for (int bytes : {1, 2, 4}) {
        const std::size_t values = static_cast<std::size_t>(channels) * w * h;
        std::vector<std::uint8_t> raw(values * bytes);
        for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(i * 2654435761u >> 13);
        if (bytes == 4) {  // finite floats, negative and above 1 too
          const auto f = random_floats(values, -0.5f, 1.5f, static_cast<unsigned>(w));
          std::memcpy(raw.data(), f.data(), raw.size());
        }
        std::vector<float> cpu(values);
        kn::cpu::unpack_planar(raw.data(), bytes, cpu.data(), channels, h, w);
        void* d_in = nullptr;
        cudaMalloc(&d_in, raw.size());
        cudaMemcpy(d_in, raw.data(), raw.size(), cudaMemcpyHostToDevice);
        DeviceBuffer d_out(values);
        kn::cuda::unpack_planar(d_in, bytes, d_out.ptr, channels, h, w, nullptr);
        cudaDeviceSynchronize();
        cudaFree(d_in);
        EXPECT_EQ(max_diff(cpu, d_out.host()), 0.0) << w << "x" << h << "x" << channels << ", " << bytes << " bytes";
      }
    }
  }
#endif
}

TEST(GpuKernels, DespeckleIsBitExactWithCpuTwin) {
  CK_REQUIRE_GPU();
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
    const auto [cpu, gpu] = both_despeckles(alpha, w, h, min_area);
    EXPECT_EQ(max_diff(cpu, gpu), 0.0) << "min_area " << min_area;
  }
#endif
}

TEST(GpuKernels, DespeckleOfOpaqueAndThinMattesIsBitExact) {
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  // An opaque matte is one component whose union-find trees are about width + height deep before
  // the flatten pass; thin mattes have one row or one column.
  for (const auto& [w, h] : std::vector<std::pair<int, int>>{{1920, 1080}, {1, 1}, {1, 700}, {700, 1}, {3, 2}}) {
    const std::vector<float> opaque(static_cast<std::size_t>(w) * h, 0.9f);
    for (int min_area : {1, 400}) {
      const auto [cpu, gpu] = both_despeckles(opaque, w, h, min_area);
      EXPECT_EQ(max_diff(cpu, gpu), 0.0) << w << "x" << h << " opaque, min_area " << min_area;
    }
    const auto noisy = random_floats(static_cast<std::size_t>(w) * h, 0.3f, 0.7f, static_cast<unsigned>(w + h));
    const auto [cpu, gpu] = both_despeckles(noisy, w, h, 2);
    EXPECT_EQ(max_diff(cpu, gpu), 0.0) << w << "x" << h << " noisy";
  }
#endif
}

TEST(GpuKernels, DespeckleRefusesMoreThan32BitPixelsBeforeTouchingMemory) {
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  EXPECT_THROW(kn::cuda::despeckle_scratch_bytes(65536, 32769), std::invalid_argument);
  EXPECT_THROW(kn::cuda::despeckle(nullptr, nullptr, 65536, 32769, 400, nullptr, nullptr), std::invalid_argument);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess) << "no CUDA call was made";
#endif
}

TEST(GpuKernels, EveryKernelOnANonDefaultStreamMatchesItsTwin) {
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  const int ih = 120, iw = 200, s = 64, w = 130, h = 90;
  const auto planar = random_floats(3ull * ih * iw, 0.0f, 1.0f, 21);
  {  // unpack, antialiased bilinear, normalise/pack
    std::vector<float> cpu_small(3ull * s * s), cpu_packed(4ull * s * s);
    kn::cpu::resize_bilinear_aa(planar.data(), cpu_small.data(), 3, ih, iw, s, s);
    const std::vector<float> hint(cpu_small.begin(), cpu_small.begin() + s * s);
    kn::cpu::normalize_pack(cpu_small.data(), hint.data(), cpu_packed.data(), static_cast<std::size_t>(s) * s, false);
    DeviceBuffer d_in(planar), d_small(cpu_small.size()), d_scratch(3ull * ih * s), d_hint(hint),
        d_packed(cpu_packed.size());
    cudaDeviceSynchronize();  // uploads done (a non-blocking stream does not wait for the legacy one)
    kn::cuda::resize_bilinear_aa(d_in.ptr, d_small.ptr, d_scratch.ptr, 3, ih, iw, s, s, stream);
    kn::cuda::normalize_pack(d_small.ptr, d_hint.ptr, d_packed.ptr, static_cast<std::size_t>(s) * s, false, stream);
    cudaStreamSynchronize(stream);
    EXPECT_LE(max_diff(cpu_small, d_small.host()), 1e-5);
    EXPECT_LE(max_diff(cpu_packed, d_packed.host()), 1e-5);
  }
  {  // Lanczos4, despeckle, colour maths
    const auto alpha_small = random_floats(static_cast<std::size_t>(s) * s, 0.0f, 1.0f, 22);
    const auto fg_small = random_floats(3ull * s * s, 0.0f, 1.0f, 23);
    std::vector<float> alpha(static_cast<std::size_t>(w) * h), fg(3ull * w * h);
    kn::cpu::resize_lanczos4(alpha_small.data(), alpha.data(), 1, s, s, h, w);
    kn::cpu::resize_lanczos4(fg_small.data(), fg.data(), 3, s, s, h, w);
    DeviceBuffer d_as(alpha_small), d_fs(fg_small), d_alpha(alpha.size()), d_fg(fg.size()), d_scratch(3ull * s * w);
    cudaDeviceSynchronize();
    kn::cuda::resize_lanczos4(d_as.ptr, d_alpha.ptr, d_scratch.ptr, 1, s, s, h, w, stream);
    kn::cuda::resize_lanczos4(d_fs.ptr, d_fg.ptr, d_scratch.ptr, 3, s, s, h, w, stream);
    cudaStreamSynchronize(stream);
    EXPECT_LE(max_diff(alpha, d_alpha.host()), 1e-5);
    EXPECT_LE(max_diff(fg, d_fg.host()), 1e-5);
    const auto [cpu_matte, gpu_matte] = both_despeckles(alpha, w, h, 20, stream);
    EXPECT_EQ(max_diff(cpu_matte, gpu_matte), 0.0);
    kn::PostSettings post;
    std::vector<float> proc(4ull * w * h), comp(3ull * w * h);
    kn::cpu::postprocess(fg.data(), cpu_matte.data(), proc.data(), comp.data(), w, h, post);
    DeviceBuffer d_fg_in(fg), d_matte(cpu_matte), d_proc(proc.size()), d_comp(comp.size());
    cudaDeviceSynchronize();
    kn::cuda::postprocess(d_fg_in.ptr, d_matte.ptr, d_proc.ptr, d_comp.ptr, w, h, post, stream);
    cudaStreamSynchronize(stream);
    EXPECT_LE(max_diff(proc, d_proc.host()), 1e-5);
    EXPECT_LE(max_diff(comp, d_comp.host()), 1e-5);
  }
  cudaStreamDestroy(stream);
#endif
}

TEST(GpuKernels, ResizesOfSinglePixelsRowsAndColumnsMatchTwins) {
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  for (const auto& [ih, iw, oh, ow] : std::vector<std::array<int, 4>>{
           {1, 1, 1, 1}, {1, 1, 5, 7}, {1, 40, 1, 9}, {40, 1, 9, 1}, {1, 30, 4, 60}, {30, 1, 60, 4}, {7, 5, 1, 1}}) {
    const auto in = random_floats(3ull * ih * iw, 0.0f, 1.0f, static_cast<unsigned>(ih * 31 + iw));
    std::vector<float> aa(3ull * oh * ow), lz(3ull * oh * ow);
    kn::cpu::resize_bilinear_aa(in.data(), aa.data(), 3, ih, iw, oh, ow);
    kn::cpu::resize_lanczos4(in.data(), lz.data(), 3, ih, iw, oh, ow);
    DeviceBuffer d_in(in), d_aa(aa.size()), d_lz(lz.size()), d_scratch(3ull * ih * ow);
    kn::cuda::resize_bilinear_aa(d_in.ptr, d_aa.ptr, d_scratch.ptr, 3, ih, iw, oh, ow, nullptr);
    kn::cuda::resize_lanczos4(d_in.ptr, d_lz.ptr, d_scratch.ptr, 3, ih, iw, oh, ow, nullptr);
    cudaDeviceSynchronize();
    EXPECT_LE(max_diff(aa, d_aa.host()), 1e-5) << ih << "x" << iw << " -> " << oh << "x" << ow;
    EXPECT_LE(max_diff(lz, d_lz.host()), 1e-5) << ih << "x" << iw << " -> " << oh << "x" << ow;
  }
#endif
}

}  // namespace

TEST(GpuKernels, GroupNormActMatchesCpuTwinAndAten) {
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  namespace d = corridorkey::detail;
  const c10::Device gpu(c10::kCUDA, 0);
  const auto cl = at::MemoryFormat::ChannelsLast;
  at::manual_seed(0);
  // Against the CPU twin (float32 arithmetic on the same rounded inputs): relative to
  // max(1, |value|), float32 statistics, or one rounding of the output to 11 (float16) or 8
  // (bfloat16) significant bits. Against ATen, which rounds the GroupNorm's output to the type
  // before it adds the residual (H100, torch 2.11: up to 0.0059 apart in float16 and 0.051 in
  // bfloat16 where that intermediate was ~6): per value, two units of the type's precision in the
  // magnitudes involved, 2^-p * 2 * (|group norm| + |result|) + float32's share.
  const std::vector<std::pair<at::ScalarType, double>> types{
      {at::kFloat, 2e-5}, {at::kHalf, 1e-3}, {at::kBFloat16, 8e-3}};
  const auto rel_diff = [](const at::Tensor& a, const at::Tensor& b) {
    return ((a - b).abs() / b.abs().clamp_min(1.0)).max().item<double>();
  };
  const auto unit = [](at::ScalarType t) { return t == at::kHalf ? 0x1p-10 : t == at::kBFloat16 ? 0x1p-7 : 0x1p-22; };
  // 8, 30 and 256 stat blocks per sample, and 1024 at 640x480 (the most; 4 per finalize thread).
  const std::vector<std::vector<std::int64_t>> shapes{
      {1, 64, 37, 53}, {2, 64, 96, 80}, {1, 64, 256, 256}, {1, 64, 480, 640}};
  for (const auto& [type, tol] : types) {
    for (const auto& shape : shapes) {
      for (const bool with_residual : {false, true}) {
        for (const bool relu : {false, true}) {
          SCOPED_TRACE(std::string(c10::toString(type)) + " " + std::to_string(shape[0]) + "x" +
                       std::to_string(shape[2]) + "x" + std::to_string(shape[3]) + (with_residual ? " +res" : "") +
                       (relu ? " relu" : ""));
          // A mean far from zero (a convolution's bias): the variance must not cancel.
          const at::Tensor x = (at::randn(shape) * 0.5 + 3.0).to(type).contiguous(cl);
          const at::Tensor res = with_residual ? at::randn(shape).to(type).contiguous(cl) : at::Tensor();
          const at::Tensor w = (at::randn({64}) * 0.5 + 1.0).to(type), b = (at::randn({64}) * 0.1).to(type);
          at::Tensor want = x.to(at::kFloat).clone(cl);
          d::group_norm_act_cpu_(want, 8, w.to(at::kFloat), b.to(at::kFloat), 1e-5,
                                 with_residual ? res.to(at::kFloat).contiguous(cl) : at::Tensor(), relu, 2);
          at::Tensor got = x.to(gpu).contiguous(cl);
          const at::Tensor res_gpu = with_residual ? res.to(gpu).contiguous(cl) : at::Tensor();
          const at::Tensor wg = w.to(gpu), bg = b.to(gpu);
          ASSERT_TRUE(d::group_norm_act_cuda_supported(got, 8, wg, bg, res_gpu));
          at::Tensor aten = at::group_norm(got, 8, wg, bg, 1e-5);
          if (with_residual) aten.add_(res_gpu);
          if (relu) aten.relu_();
          d::group_norm_act_cuda_(got, 8, wg, bg, 1e-5, res_gpu, relu);
          EXPECT_TRUE(got.is_contiguous(cl));
          const at::Tensor g = got.cpu().to(at::kFloat);
          EXPECT_LE(rel_diff(g, want), tol) << "against the CPU twin";
          const at::Tensor normed = at::group_norm(x.to(at::kFloat), 8, w.to(at::kFloat), b.to(at::kFloat), 1e-5);
          const at::Tensor bound = 2 * unit(type) * (normed.abs() + want.abs()) + 2e-5;
          const at::Tensor over = (g - aten.cpu().to(at::kFloat)).abs() - bound;
          EXPECT_LE(over.max().item<double>(), 0.0) << "against ATen";
        }
      }
    }
  }
  // What the kernel does not take is left to ATen.
  const at::Tensor x = at::randn({1, 64, 8, 8}, at::TensorOptions().device(gpu)).contiguous(cl);
  const at::Tensor w = at::ones({64}, x.options()), b = at::zeros({64}, x.options());
  EXPECT_FALSE(d::group_norm_act_cuda_supported(x.contiguous(), 8, w, b, at::Tensor())) << "NCHW";
  EXPECT_FALSE(d::group_norm_act_cuda_supported(x.to(at::kDouble), 8, w.to(at::kDouble), b.to(at::kDouble), {}));
  EXPECT_FALSE(d::group_norm_act_cuda_supported(x, 8, w.to(at::kHalf), b, at::Tensor())) << "weight of another type";
  EXPECT_TRUE(d::group_norm_act_cuda_supported(x, 16, w, b, at::Tensor())) << "4 float32 channels fill a vector";
  EXPECT_FALSE(d::group_norm_act_cuda_supported(x.to(at::kHalf), 16, w.to(at::kHalf), b.to(at::kHalf), {}))
      << "a vector of 8 float16 channels would span two groups of 4";
  const at::Tensor c24 = at::randn({1, 24, 8, 8}, x.options()).contiguous(cl);
  EXPECT_FALSE(d::group_norm_act_cuda_supported(c24, 8, w.narrow(0, 0, 24), b.narrow(0, 0, 24), {}))
      << "3 channels per group";
  EXPECT_FALSE(d::group_norm_act_cuda_supported(x, 8, w, b, at::randn({1, 64, 8, 8}, x.options())))
      << "an NCHW residual";
#endif
}

TEST(GpuKernels, DecoderHeadMatchesCpuTwinAndAten) {
  CK_REQUIRE_GPU();
#ifdef CORRIDORKEY_KERNELS_CUDA
  namespace d = corridorkey::detail;
  const c10::Device gpu(c10::kCUDA, 0);
  at::manual_seed(3);
  // The CPU twin gets the same rounded inputs in float32: the two differ by float32 round-off
  // (relative to max(1, |value|)) plus, in float16 and bfloat16, one rounding of the outputs.
  const auto rel_diff = [](const at::Tensor& a, const at::Tensor& b) {
    return ((a - b).abs() / b.abs().clamp_min(1.0)).max().item<double>();
  };
  const std::vector<std::pair<at::ScalarType, double>> types{
      {at::kFloat, 2e-5}, {at::kHalf, 0x1p-11 + 2e-5}, {at::kBFloat16, 0x1p-8 + 2e-5}};
  // The heads' shapes at 512 px (128, 64, 32 and 16 px scales, 256 channels), odd ones, one with
  // 264 channels (a lane with a second chunk of 8) and a single pixel.
  struct Shape {
    std::vector<std::vector<std::int64_t>> sizes;
    std::int64_t batch, channels;
  };
  const std::vector<Shape> shapes{{{{128, 128}, {64, 64}, {32, 32}, {16, 16}}, 1, 256},
                                  {{{37, 53}, {19, 27}, {10, 7}, {1, 3}}, 2, 64},
                                  {{{9, 11}, {5, 6}}, 3, 264},
                                  {{{1, 1}}, 1, 8}};
  for (const auto& [type, tol] : types) {
    for (const Shape& shape : shapes) {
      for (const std::int64_t K : {1, 3, 4}) {
        SCOPED_TRACE(std::string(c10::toString(type)) + " " + std::to_string(shape.sizes[0][0]) + "x" +
                     std::to_string(shape.sizes[0][1]) + " K " + std::to_string(K));
        std::vector<at::Tensor> e_cpu, e_gpu;
        for (const auto& hw : shape.sizes) {
          e_cpu.push_back(at::randn({shape.batch, hw[0], hw[1], shape.channels}).to(type).to(at::kFloat));
          e_gpu.push_back(e_cpu.back().to(gpu, type));
        }
        const at::Tensor w = (at::randn({K, shape.channels, 1, 1}) * 0.1).to(type).to(at::kFloat);
        const at::Tensor b = at::randn({K}).to(type).to(at::kFloat);
        const at::Tensor wg = w.to(gpu, type), bg = b.to(gpu, type);
        ASSERT_TRUE(d::decoder_head_supported(e_gpu, wg, bg));
        const at::Tensor got = d::decoder_head(e_gpu, wg, bg, 1);
        ASSERT_EQ(got.device(), gpu);
        ASSERT_EQ(got.scalar_type(), type);
        const at::Tensor g = got.cpu().to(at::kFloat);
        EXPECT_LE(rel_diff(g, d::decoder_head(e_cpu, w, b, 2)), tol) << "against the CPU twin";
        if (type == at::kFloat) {  // ATen's ops on the GPU
          const std::vector<std::int64_t> size{shape.sizes[0][0], shape.sizes[0][1]};
          at::Tensor x;
          for (std::size_t i = e_gpu.size(); i-- > 0;) {
            at::Tensor up = e_gpu[i].permute({0, 3, 1, 2});
            if (i > 0) up = at::upsample_bilinear2d(up, size, false);
            x = x.defined() ? x + up : up;
          }
          EXPECT_LE(rel_diff(g, at::conv2d(x.relu(), wg, bg).cpu()), tol) << "against ATen";
        }
      }
    }
  }
  // What the kernel does not take is left to ATen.
  const at::Tensor e = at::randn({1, 4, 4, 16}, at::TensorOptions().device(gpu));
  const at::Tensor w = at::randn({5, 16, 1, 1}, e.options()), b = at::randn({5}, e.options());
  const at::Tensor w1 = w.narrow(0, 0, 1), b1 = b.narrow(0, 0, 1);
  EXPECT_FALSE(d::decoder_head_supported({e}, w, b)) << "5 classes";
  EXPECT_FALSE(d::decoder_head_supported({e.narrow(3, 0, 12).contiguous()}, w1.narrow(1, 0, 12), b1)) << "12 channels";
  EXPECT_FALSE(d::decoder_head_supported({e.to(at::kDouble)}, w1, b1)) << "float64";
  EXPECT_FALSE(d::decoder_head_supported({e, e.cpu()}, w1, b1)) << "two devices";
  EXPECT_FALSE(d::decoder_head_supported({e, e, e, e, e}, w1, b1)) << "5 scales";
  EXPECT_TRUE(d::decoder_head_supported({e, e, e, e}, w.narrow(0, 0, 4), b.narrow(0, 0, 4)));
#endif
}
