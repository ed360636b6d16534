// CUDA twins of kernels/cpu/resize_cpu.cpp: separable passes, one thread per output value, the
// weights computed in-thread by the functions the twins use (resize_math.hpp).
#include <cuda_runtime.h>

#include <cstdint>

#include "check.cuh"
#include "corridorkey_kernels/resize.hpp"
#include "corridorkey_kernels/resize_math.hpp"

namespace corridorkey::kernels::cuda {
using detail::blocks_for;
using detail::check;
namespace {

constexpr unsigned kThreads = 256;

// Horizontal antialiased pass: [C, H, in_w] -> [C, H, out_w].
__global__ void aa_horizontal(const float* __restrict__ in, float* __restrict__ out, int rows, int in_w, int out_w) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<std::size_t>(rows) * out_w) return;
  const int x = static_cast<int>(i % out_w);
  const std::size_t row = i / out_w;
  const math::AaSpan s = math::aa_span(x, in_w, out_w);
  float total = 0, sum = 0;
  for (int j = 0; j < s.size; ++j) total += math::aa_weight(s, j);
  const float* src = in + row * in_w;
  for (int j = 0; j < s.size; ++j) sum += src[s.start + j] * (math::aa_weight(s, j) / total);
  out[i] = sum;
}

// Vertical antialiased pass: [C, in_h, W] -> [C, out_h, W].
__global__ void aa_vertical(const float* __restrict__ in, float* __restrict__ out, int channels, int in_h, int out_h,
                            int width) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<std::size_t>(channels) * out_h * width) return;
  const int x = static_cast<int>(i % width);
  const int y = static_cast<int>((i / width) % out_h);
  const int c = static_cast<int>(i / (static_cast<std::size_t>(width) * out_h));
  const math::AaSpan s = math::aa_span(y, in_h, out_h);
  float total = 0, sum = 0;
  for (int j = 0; j < s.size; ++j) total += math::aa_weight(s, j);
  for (int j = 0; j < s.size; ++j) {
    sum += in[(static_cast<std::size_t>(c) * in_h + s.start + j) * width + x] * (math::aa_weight(s, j) / total);
  }
  out[i] = sum;
}

// Horizontal Lanczos pass: planar [C, H, in_w] -> planar [C, H, out_w].
__global__ void lanczos_horizontal(const float* __restrict__ in, float* __restrict__ out, int rows, int in_w, int out_w,
                                   double scale) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<std::size_t>(rows) * out_w) return;
  const int x = static_cast<int>(i % out_w);
  const float* src = in + (i / out_w) * in_w;
  float frac, taps[8];
  const int first = math::lanczos_source(x, scale, &frac) - 3;
  math::lanczos4_taps(frac, taps);
  float v = 0;
  for (int k = 0; k < 8; ++k) v += src[math::clamp_index(first + k, in_w)] * taps[k];
  out[i] = v;
}

// Vertical Lanczos pass: planar [C, in_h, W] -> interleaved [out_h, W, C].
__global__ void lanczos_vertical(const float* __restrict__ in, float* __restrict__ out, int channels, int in_h,
                                 int out_h, int width, double scale) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<std::size_t>(channels) * out_h * width) return;
  const int c = static_cast<int>(i % channels);
  const int x = static_cast<int>((i / channels) % width);
  const int y = static_cast<int>(i / (static_cast<std::size_t>(channels) * width));
  float frac, taps[8];
  const int first = math::lanczos_source(y, scale, &frac) - 3;
  math::lanczos4_taps(frac, taps);
  float v = 0;
  for (int k = 0; k < 8; ++k) {
    v += in[(static_cast<std::size_t>(c) * in_h + math::clamp_index(first + k, in_h)) * width + x] * taps[k];
  }
  out[i] = v;
}

// Same-size Lanczos (cv::resize copies): planar -> interleaved.
__global__ void interleave(const float* __restrict__ in, float* __restrict__ out, int channels, std::size_t pixels) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= pixels * channels) return;
  const int c = static_cast<int>(i % channels);
  out[i] = in[c * pixels + i / channels];
}

template <typename T>
__global__ void unpack(const T* __restrict__ in, float* __restrict__ out, int channels, std::size_t pixels) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= pixels * channels) return;
  const int c = static_cast<int>(i % channels);
  if constexpr (sizeof(T) == 4) {
    out[c * pixels + i / channels] = in[i];
  } else {
    out[c * pixels + i / channels] = math::unit_value(in[i]);
  }
}

}  // namespace

void resize_bilinear_aa(const float* in, float* out, float* scratch, int channels, int in_h, int in_w, int out_h,
                        int out_w, void* stream) {
  auto s = static_cast<cudaStream_t>(stream);
  if (in_h == out_h && in_w == out_w) {
    check(cudaMemcpyAsync(out, in, sizeof(float) * channels * in_h * in_w, cudaMemcpyDeviceToDevice, s), "resize copy");
    return;
  }
  const std::size_t h_count = static_cast<std::size_t>(channels) * in_h * out_w;
  aa_horizontal<<<blocks_for(h_count, kThreads), kThreads, 0, s>>>(in, scratch, channels * in_h, in_w, out_w);
  check(cudaGetLastError(), "antialiased bilinear (horizontal) launch");
  const std::size_t v_count = static_cast<std::size_t>(channels) * out_h * out_w;
  aa_vertical<<<blocks_for(v_count, kThreads), kThreads, 0, s>>>(scratch, out, channels, in_h, out_h, out_w);
  check(cudaGetLastError(), "antialiased bilinear (vertical) launch");
}

void resize_lanczos4(const float* in, float* out, float* scratch, int channels, int in_h, int in_w, int out_h,
                     int out_w, void* stream) {
  auto s = static_cast<cudaStream_t>(stream);
  if (in_h == out_h && in_w == out_w) {
    const std::size_t pixels = static_cast<std::size_t>(in_h) * in_w;
    interleave<<<blocks_for(pixels * channels, kThreads), kThreads, 0, s>>>(in, out, channels, pixels);
    check(cudaGetLastError(), "interleave launch");
    return;
  }
  const std::size_t h_count = static_cast<std::size_t>(channels) * in_h * out_w;
  lanczos_horizontal<<<blocks_for(h_count, kThreads), kThreads, 0, s>>>(in, scratch, channels * in_h, in_w, out_w,
                                                                        math::opencv_scale(in_w, out_w));
  check(cudaGetLastError(), "Lanczos4 (horizontal) launch");
  const std::size_t v_count = static_cast<std::size_t>(channels) * out_h * out_w;
  lanczos_vertical<<<blocks_for(v_count, kThreads), kThreads, 0, s>>>(scratch, out, channels, in_h, out_h, out_w,
                                                                      math::opencv_scale(in_h, out_h));
  check(cudaGetLastError(), "Lanczos4 (vertical) launch");
}

void unpack_planar(const void* in, int bytes_per_value, float* out, int channels, int height, int width, void* stream) {
  auto s = static_cast<cudaStream_t>(stream);
  const std::size_t pixels = static_cast<std::size_t>(height) * width;
  const unsigned blocks = blocks_for(pixels * channels, kThreads);
  if (bytes_per_value == 1) {
    unpack<<<blocks, kThreads, 0, s>>>(static_cast<const std::uint8_t*>(in), out, channels, pixels);
  } else if (bytes_per_value == 2) {
    unpack<<<blocks, kThreads, 0, s>>>(static_cast<const std::uint16_t*>(in), out, channels, pixels);
  } else {
    unpack<<<blocks, kThreads, 0, s>>>(static_cast<const float*>(in), out, channels, pixels);
  }
  check(cudaGetLastError(), "unpack launch");
}

}  // namespace corridorkey::kernels::cuda
