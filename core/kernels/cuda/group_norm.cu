// GroupNorm + residual + ReLU over channels-last maps, in place (corridorkey_kernels/group_norm.hpp).
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "check.cuh"
#include "corridorkey_kernels/group_norm.hpp"

namespace corridorkey::kernels::cuda {
using detail::blocks_for;
using detail::check;
namespace {

constexpr int kThreads = 256;
constexpr std::int64_t kMaxStatBlocks = 1024;  // per sample: several blocks per multiprocessor
constexpr unsigned kMaxApplyBlocks = 8192;

// __host__ __device__: device code calls it, and nvcc allows that for a plain constexpr function
// only under --expt-relaxed-constexpr, a flag PyTorch's CMake config may or may not add.
template <class T>
__host__ __device__ constexpr int lanes() {
  return 16 / static_cast<int>(sizeof(T));  // values in a 16-byte vector
}

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__half v) { return __half2float(v); }
__device__ __forceinline__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }
template <class T>
__device__ __forceinline__ T from_float(float v);
template <>
__device__ __forceinline__ float from_float<float>(float v) {
  return v;
}
template <>
__device__ __forceinline__ __half from_float<__half>(float v) {
  return __float2half_rn(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}

template <class T>
__device__ __forceinline__ void load16(const T* p, float (&out)[lanes<T>()]) {
  const uint4 raw = *reinterpret_cast<const uint4*>(p);
  const T* v = reinterpret_cast<const T*>(&raw);
#pragma unroll
  for (int i = 0; i < lanes<T>(); ++i) out[i] = to_float(v[i]);
}

// A set's (count, mean, sum of squared deviations): float within a block, float64 across blocks.
template <class F>
struct MomentsOf {
  F n, mean, m2;
};
using Moments = MomentsOf<float>;
using Moments64 = MomentsOf<double>;

// Chan et al.'s merge of two sets' moments.
template <class F>
__device__ __forceinline__ void merge(MomentsOf<F>& a, const MomentsOf<F>& b) {
  if (b.n == F(0)) return;
  const F n = a.n + b.n;
  const F d = b.mean - a.mean;
  const F f = b.n / n;
  a.mean += d * f;
  a.m2 += b.m2 + d * d * a.n * f;
  a.n = n;
}

// The block's kThreads entries merged by a tree, halving the live ones per step while the stride
// is at least `down_to` (a power of two): entry t < down_to then holds every entry congruent to t.
template <class M>
__device__ __forceinline__ void merge_tree(M* shared, int down_to) {
  for (int stride = kThreads / 2; stride >= down_to; stride /= 2) {
    if (static_cast<int>(threadIdx.x) < stride) merge(shared[threadIdx.x], shared[threadIdx.x + stride]);
    __syncthreads();
  }
}

// Per block and group: the moments of the block's pixels (a grid-stride over the sample's).
template <class T>
__global__ void __launch_bounds__(kThreads) moments_kernel(const T* __restrict__ x, std::int64_t pixels, int channels,
                                                           int groups, float* __restrict__ partial) {
  constexpr int L = lanes<T>();
  const int vectors = channels / L;  // per pixel
  const int pixels_per_step = kThreads / vectors;
  const int v = static_cast<int>(threadIdx.x) % vectors;
  const T* base = x + static_cast<std::int64_t>(blockIdx.y) * pixels * channels;
  Moments m{0.0f, 0.0f, 0.0f};
  for (std::int64_t p = static_cast<std::int64_t>(blockIdx.x) * pixels_per_step + threadIdx.x / vectors; p < pixels;
       p += static_cast<std::int64_t>(gridDim.x) * pixels_per_step) {
    float f[L];
    load16(base + p * channels + v * L, f);
    float sum = 0.0f;
#pragma unroll
    for (int i = 0; i < L; ++i) sum += f[i];
    const float mean = sum * (1.0f / L);
    float m2 = 0.0f;
#pragma unroll
    for (int i = 0; i < L; ++i) m2 += (f[i] - mean) * (f[i] - mean);
    merge(m, Moments{static_cast<float>(L), mean, m2});
  }
  __shared__ Moments shared[kThreads];
  shared[threadIdx.x] = m;
  __syncthreads();
  // Thread t holds vector t % vectors (vectors divides kThreads, so both are powers of two): after
  // the tree, entry v holds vector v's.
  merge_tree(shared, vectors);
  if (static_cast<int>(threadIdx.x) < groups) {
    // Group g's channels are whole vectors (group_norm_act_supported): vectors [g * n, g * n + n).
    const int g = static_cast<int>(threadIdx.x);
    const int per_group = vectors / groups;
    Moments total{0.0f, 0.0f, 0.0f};
    for (int w = g * per_group; w < (g + 1) * per_group; ++w) merge(total, shared[w]);
    float* out = partial + ((static_cast<std::int64_t>(blockIdx.y) * gridDim.x + blockIdx.x) * groups + g) * 3;
    out[0] = total.n;
    out[1] = total.mean;
    out[2] = total.m2;
  }
}

// One block per (sample, group): the stat blocks' moments merged in float64 (a strided share per
// thread, then a tree), then each channel's scale and shift. One thread merging them all in turn
// was a chain of ~1000 dependent float64 divisions per call while the GPU waited.
template <class T>
__global__ void __launch_bounds__(kThreads)
    finalize_kernel(const float* __restrict__ partial, int blocks, int channels, int groups,
                    const T* __restrict__ weight, const T* __restrict__ bias, float eps, float* __restrict__ scale,
                    float* __restrict__ shift) {
  const int sample = static_cast<int>(blockIdx.x) / groups, g = static_cast<int>(blockIdx.x) % groups;
  Moments64 m{0.0, 0.0, 0.0};
  for (int b = static_cast<int>(threadIdx.x); b < blocks; b += kThreads) {
    const float* p = partial + ((static_cast<std::int64_t>(sample) * blocks + b) * groups + g) * 3;
    merge(m, Moments64{p[0], p[1], p[2]});
  }
  __shared__ Moments64 shared[kThreads];
  shared[threadIdx.x] = m;
  __syncthreads();
  merge_tree(shared, 1);
  const Moments64 total = shared[0];
  const double var = total.n > 0.0 ? total.m2 / total.n : 0.0;
  const float rstd = static_cast<float>(1.0 / sqrt(var + static_cast<double>(eps)));
  const int cpg = channels / groups;
  for (int c = g * cpg + static_cast<int>(threadIdx.x); c < (g + 1) * cpg; c += kThreads) {
    const float s = rstd * to_float(weight[c]);
    scale[sample * channels + c] = s;
    shift[sample * channels + c] = to_float(bias[c]) - static_cast<float>(total.mean) * s;
  }
}

// x = relu?(x * scale + shift + residual?), one 16-byte vector per thread and step.
template <class T>
__global__ void __launch_bounds__(kThreads)
    apply_kernel(T* x, const T* __restrict__ residual, const float* __restrict__ scale, const float* __restrict__ shift,
                 std::int64_t pixels, int channels, int samples, bool relu) {
  constexpr int L = lanes<T>();
  const int vectors = channels / L;
  const std::int64_t per_sample = pixels * vectors;
  const std::int64_t total = static_cast<std::int64_t>(samples) * per_sample;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const int c0 = static_cast<int>(i % vectors) * L;
    const int sc = static_cast<int>(i / per_sample) * channels + c0;
    float f[L], r[L];
    load16(x + i * L, f);
    if (residual != nullptr) load16(residual + i * L, r);
    alignas(16) T out[L];
#pragma unroll
    for (int k = 0; k < L; ++k) {
      float y = f[k] * scale[sc + k] + shift[sc + k];
      if (residual != nullptr) y += r[k];
      if (relu) y = y > 0.0f ? y : 0.0f;
      out[k] = from_float<T>(y);
    }
    *reinterpret_cast<uint4*>(x + i * L) = *reinterpret_cast<const uint4*>(out);
  }
}

int stat_blocks(std::int64_t pixels) {
  return static_cast<int>(std::clamp<std::int64_t>((pixels + kThreads - 1) / kThreads, 1, kMaxStatBlocks));
}

int type_lanes(GroupNormType type) { return type == GroupNormType::float32 ? 4 : 8; }

template <class T>
void launch(void* x, const void* residual, const void* weight, const void* bias, int samples, std::int64_t pixels,
            int channels, int groups, float eps, bool relu, void* scratch, cudaStream_t stream) {
  const int blocks = stat_blocks(pixels);
  float* partial = static_cast<float*>(scratch);
  float* scale = partial + static_cast<std::size_t>(samples) * blocks * groups * 3;
  float* shift = scale + static_cast<std::size_t>(samples) * channels;
  moments_kernel<T><<<dim3(static_cast<unsigned>(blocks), static_cast<unsigned>(samples)), kThreads, 0, stream>>>(
      static_cast<const T*>(x), pixels, channels, groups, partial);
  check(cudaGetLastError(), "group_norm_act: moments launch");
  finalize_kernel<T><<<static_cast<unsigned>(samples * groups), kThreads, 0, stream>>>(
      partial, blocks, channels, groups, static_cast<const T*>(weight), static_cast<const T*>(bias), eps, scale, shift);
  check(cudaGetLastError(), "group_norm_act: finalize launch");
  const std::size_t vectors = static_cast<std::size_t>(samples) * pixels * (channels / lanes<T>());
  apply_kernel<T><<<std::min(blocks_for(vectors, kThreads), kMaxApplyBlocks), kThreads, 0, stream>>>(
      static_cast<T*>(x), static_cast<const T*>(residual), scale, shift, pixels, channels, samples, relu);
  check(cudaGetLastError(), "group_norm_act: apply launch");
}

}  // namespace

bool group_norm_act_supported(GroupNormType type, int channels, int groups) {
  const int l = type_lanes(type);
  if (channels <= 0 || groups <= 0 || groups > kThreads || channels % groups != 0) return false;
  const int cpg = channels / groups, vectors = channels / l;
  return cpg % l == 0 && kThreads % vectors == 0;
}

std::size_t group_norm_scratch_bytes(int samples, std::int64_t pixels, int channels, int groups) {
  const std::size_t partial = static_cast<std::size_t>(samples) * stat_blocks(pixels) * groups * 3;
  return (partial + 2 * static_cast<std::size_t>(samples) * channels) * sizeof(float);
}

void group_norm_act(void* x, const void* residual, const void* weight, const void* bias, GroupNormType type,
                    int samples, std::int64_t pixels, int channels, int groups, float eps, bool relu, void* scratch,
                    void* stream) {
  if (!group_norm_act_supported(type, channels, groups) || samples <= 0 || samples > 65535 || pixels <= 0) {
    throw std::invalid_argument("group_norm_act: unsupported shape (" + std::to_string(samples) + " samples, " +
                                std::to_string(pixels) + " pixels, " + std::to_string(channels) + " channels in " +
                                std::to_string(groups) + " groups)");
  }
  const auto s = static_cast<cudaStream_t>(stream);
  switch (type) {
    case GroupNormType::float32:
      launch<float>(x, residual, weight, bias, samples, pixels, channels, groups, eps, relu, scratch, s);
      break;
    case GroupNormType::float16:
      launch<__half>(x, residual, weight, bias, samples, pixels, channels, groups, eps, relu, scratch, s);
      break;
    case GroupNormType::bfloat16:
      launch<__nv_bfloat16>(x, residual, weight, bias, samples, pixels, channels, groups, eps, relu, scratch, s);
      break;
  }
}

}  // namespace corridorkey::kernels::cuda
