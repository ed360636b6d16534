// A decoder head's upsample-sum-ReLU-classifier tail in one pass (corridorkey_kernels/decoder_head.hpp).
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "check.cuh"
#include "corridorkey_kernels/decoder_head.hpp"

namespace corridorkey::kernels::cuda {
using detail::check;
namespace {

constexpr int kThreads = 256;  // 8 warps: 8 pixels per block and step
constexpr int kWarp = 32;
constexpr int kChunk = 8;  // channels per lane and load
constexpr int kMaxBlocks = 1 << 18;

struct Params {
  const void* data[kDecoderHeadMaxScales];
  int height[kDecoderHeadMaxScales], width[kDecoderHeadMaxScales];
  float scale_y[kDecoderHeadMaxScales], scale_x[kDecoderHeadMaxScales];  // source / output size
  int count, batch, channels, classes;
  const float* weight;
  const float* bias;
  void* out;
};

__device__ __forceinline__ void load8(const float* p, float (&f)[kChunk]) {
  const float4 a = *reinterpret_cast<const float4*>(p), b = *reinterpret_cast<const float4*>(p + 4);
  f[0] = a.x, f[1] = a.y, f[2] = a.z, f[3] = a.w, f[4] = b.x, f[5] = b.y, f[6] = b.z, f[7] = b.w;
}
// The 16-bit types: eight values in one 16-byte load, widened in pairs.
__device__ __forceinline__ float2 widen(__half2 v) { return __half22float2(v); }
__device__ __forceinline__ float2 widen(__nv_bfloat162 v) { return __bfloat1622float2(v); }
template <class T>
struct PairOf;
template <>
struct PairOf<__half> {
  using type = __half2;
};
template <>
struct PairOf<__nv_bfloat16> {
  using type = __nv_bfloat162;
};
template <class T>
__device__ __forceinline__ void load8(const T* p, float (&f)[kChunk]) {
  const uint4 raw = *reinterpret_cast<const uint4*>(p);
  const auto* pairs = reinterpret_cast<const typename PairOf<T>::type*>(&raw);
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const float2 v = widen(pairs[i]);
    f[2 * i] = v.x, f[2 * i + 1] = v.y;
  }
}

__device__ __forceinline__ void store(float* p, float v) { *p = v; }
__device__ __forceinline__ void store(__half* p, float v) { *p = __float2half_rn(v); }
__device__ __forceinline__ void store(__nv_bfloat16* p, float v) { *p = __float2bfloat16_rn(v); }

// ATen's bilinear source index for align_corners=false: first tap, second tap, their weights.
struct Tap {
  int i0, i1;
  float l0, l1;
};
__device__ __forceinline__ Tap tap(float scale, int dst, int size) {
  const float src = fmaxf(scale * (static_cast<float>(dst) + 0.5f) - 0.5f, 0.0f);
  const int i0 = min(static_cast<int>(src), size - 1);
  const float l1 = fminf(fmaxf(src - static_cast<float>(i0), 0.0f), 1.0f);
  return Tap{i0, i0 + (i0 < size - 1 ? 1 : 0), 1.0f - l1, l1};
}

template <class T>
__global__ void __launch_bounds__(kThreads) decoder_head_kernel(Params p) {
  const int lane = static_cast<int>(threadIdx.x) % kWarp;
  const int H = p.height[0], W = p.width[0];
  const std::int64_t total = static_cast<std::int64_t>(p.batch) * H * W;
  const std::int64_t step = static_cast<std::int64_t>(gridDim.x) * (kThreads / kWarp);
  for (std::int64_t pixel = static_cast<std::int64_t>(blockIdx.x) * (kThreads / kWarp) + threadIdx.x / kWarp;
       pixel < total; pixel += step) {
    const int x = static_cast<int>(pixel % W);
    const int y = static_cast<int>((pixel / W) % H);
    const std::int64_t b = pixel / (static_cast<std::int64_t>(W) * H);
    // Each coarse scale's four taps for this pixel: element offsets and weights.
    std::int64_t offset[kDecoderHeadMaxScales][4];
    float weight[kDecoderHeadMaxScales][4];
#pragma unroll
    for (int i = 1; i < kDecoderHeadMaxScales; ++i) {
      if (i < p.count) {
        const Tap ty = tap(p.scale_y[i], y, p.height[i]), tx = tap(p.scale_x[i], x, p.width[i]);
        const std::int64_t base = b * p.height[i] * p.width[i];
        const std::int64_t r0 = (base + static_cast<std::int64_t>(ty.i0) * p.width[i]) * p.channels;
        const std::int64_t r1 = (base + static_cast<std::int64_t>(ty.i1) * p.width[i]) * p.channels;
        offset[i][0] = r0 + static_cast<std::int64_t>(tx.i0) * p.channels;
        offset[i][1] = r0 + static_cast<std::int64_t>(tx.i1) * p.channels;
        offset[i][2] = r1 + static_cast<std::int64_t>(tx.i0) * p.channels;
        offset[i][3] = r1 + static_cast<std::int64_t>(tx.i1) * p.channels;
        weight[i][0] = ty.l0 * tx.l0, weight[i][1] = ty.l0 * tx.l1;
        weight[i][2] = ty.l1 * tx.l0, weight[i][3] = ty.l1 * tx.l1;
      }
    }
    const std::int64_t own = pixel * p.channels;
    float dot[kDecoderHeadMaxClasses] = {};
    for (int c = lane * kChunk; c < p.channels; c += kWarp * kChunk) {
      float acc[kChunk];
      bool first = true;
#pragma unroll
      for (int i = kDecoderHeadMaxScales - 1; i >= 1; --i) {  // the coarsest scale first, as ATen sums them
        if (i < p.count) {
          const T* d = static_cast<const T*>(p.data[i]) + c;
          float v00[kChunk], v01[kChunk], v10[kChunk], v11[kChunk];
          load8(d + offset[i][0], v00);
          load8(d + offset[i][1], v01);
          load8(d + offset[i][2], v10);
          load8(d + offset[i][3], v11);
#pragma unroll
          for (int j = 0; j < kChunk; ++j) {
            const float v =
                weight[i][0] * v00[j] + weight[i][1] * v01[j] + weight[i][2] * v10[j] + weight[i][3] * v11[j];
            acc[j] = first ? v : acc[j] + v;
          }
          first = false;
        }
      }
      float e[kChunk];
      load8(static_cast<const T*>(p.data[0]) + own + c, e);
#pragma unroll
      for (int j = 0; j < kChunk; ++j) acc[j] = first ? e[j] : acc[j] + e[j];
#pragma unroll
      for (int k = 0; k < kDecoderHeadMaxClasses; ++k) {
        if (k < p.classes) {
          const float* wk = p.weight + static_cast<std::int64_t>(k) * p.channels + c;
#pragma unroll
          for (int j = 0; j < kChunk; ++j) dot[k] += wk[j] * fmaxf(acc[j], 0.0f);
        }
      }
    }
#pragma unroll
    for (int k = 0; k < kDecoderHeadMaxClasses; ++k) {
#pragma unroll
      for (int o = kWarp / 2; o > 0; o /= 2) dot[k] += __shfl_xor_sync(0xffffffffu, dot[k], o);
    }
    if (lane == 0) {
      T* out = static_cast<T*>(p.out);
      for (int k = 0; k < p.classes; ++k) store(out + ((b * p.classes + k) * H + y) * W + x, p.bias[k] + dot[k]);
    }
  }
}

}  // namespace

void decoder_head(const DecoderHeadScale* scales, int count, DecoderHeadType type, int batch, int channels,
                  const float* weight, const float* bias, int classes, void* out, void* stream) {
  if (count < 1 || count > kDecoderHeadMaxScales || classes < 1 || classes > kDecoderHeadMaxClasses || batch < 1 ||
      channels < kChunk || channels % kChunk != 0) {
    throw std::invalid_argument("decoder_head: " + std::to_string(count) + " scales, " + std::to_string(classes) +
                                " classes, " + std::to_string(channels) + " channels is not supported");
  }
  Params p{};
  p.count = count, p.batch = batch, p.channels = channels, p.classes = classes;
  p.weight = weight, p.bias = bias, p.out = out;
  for (int i = 0; i < count; ++i) {
    if (scales[i].data == nullptr || scales[i].height < 1 || scales[i].width < 1 ||
        reinterpret_cast<std::uintptr_t>(scales[i].data) % 16 != 0)
      throw std::invalid_argument("decoder_head: scale " + std::to_string(i) + " is empty or not 16-byte aligned");
    p.data[i] = scales[i].data;
    p.height[i] = scales[i].height, p.width[i] = scales[i].width;
    p.scale_y[i] = static_cast<float>(scales[i].height) / static_cast<float>(scales[0].height);
    p.scale_x[i] = static_cast<float>(scales[i].width) / static_cast<float>(scales[0].width);
  }
  const std::int64_t pixels = static_cast<std::int64_t>(batch) * scales[0].height * scales[0].width;
  const auto blocks =
      static_cast<unsigned>(std::min<std::int64_t>((pixels + kThreads / kWarp - 1) / (kThreads / kWarp), kMaxBlocks));
  const auto s = static_cast<cudaStream_t>(stream);
  switch (type) {
    case DecoderHeadType::float32:
      decoder_head_kernel<float><<<blocks, kThreads, 0, s>>>(p);
      break;
    case DecoderHeadType::float16:
      decoder_head_kernel<__half><<<blocks, kThreads, 0, s>>>(p);
      break;
    case DecoderHeadType::bfloat16:
      decoder_head_kernel<__nv_bfloat16><<<blocks, kThreads, 0, s>>>(p);
      break;
  }
  check(cudaGetLastError(), "decoder_head launch");
}

}  // namespace corridorkey::kernels::cuda
