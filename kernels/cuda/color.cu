// CUDA twins of kernels/cpu/color_cpu.cpp: same formulas, one thread per pixel.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "corridorkey_kernels/color.hpp"

namespace corridorkey::kernels::cuda {
namespace {

__device__ __forceinline__ float to_linear(float x) {
  x = fmaxf(x, 0.0f);
  return x <= 0.04045f ? x / 12.92f : powf((x + 0.055f) / 1.055f, 2.4f);
}

__device__ __forceinline__ float to_srgb(float x) {
  x = fmaxf(x, 0.0f);
  return x <= 0.0031308f ? x * 12.92f : 1.055f * powf(x, 1.0f / 2.4f) - 0.055f;
}

__global__ void normalize_pack_kernel(const float* __restrict__ rgb, const float* __restrict__ hint,
                                      float* __restrict__ out, std::size_t pixels, bool linear) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= pixels) return;
  const float mean[3] = {0.485f, 0.456f, 0.406f};
  const float stdv[3] = {0.229f, 0.224f, 0.225f};
#pragma unroll
  for (int c = 0; c < 3; ++c) {
    const float v = linear ? to_srgb(rgb[c * pixels + i]) : rgb[c * pixels + i];
    out[c * pixels + i] = (v - mean[c]) / stdv[c];
  }
  out[3 * pixels + i] = hint[i];
}

__global__ void postprocess_kernel(const float* __restrict__ fg, const float* __restrict__ alpha,
                                   float* __restrict__ processed, float* __restrict__ comp, int width, int height,
                                   PostSettings s, float dark, float light) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x;
  const int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= width || y >= height) return;
  const std::size_t i = static_cast<std::size_t>(y) * width + x;
  float r = fg[3 * i], g = fg[3 * i + 1], b = fg[3 * i + 2];
  if (s.despill_strength > 0.0f) {
    const float spill = fmaxf(g - (r + b) / 2.0f, 0.0f);
    float rn = r + spill * 0.5f, gn = g - spill, bn = b + spill * 0.5f;
    if (s.despill_strength < 1.0f) {
      const float k = 1.0f - s.despill_strength;
      rn = r * k + rn * s.despill_strength;
      gn = g * k + gn * s.despill_strength;
      bn = b * k + bn * s.despill_strength;
    }
    r = rn, g = gn, b = bn;
  }
  const float lin[3] = {to_linear(r), to_linear(g), to_linear(b)};
  const float a = alpha[i];
#pragma unroll
  for (int c = 0; c < 3; ++c) processed[4 * i + c] = lin[c] * a;
  processed[4 * i + 3] = a;
  if (s.generate_comp && comp != nullptr) {
    const float bg = ((x / s.checker_size) + (y / s.checker_size)) % 2 ? light : dark;
#pragma unroll
    for (int c = 0; c < 3; ++c) comp[3 * i + c] = to_srgb(lin[c] * a + bg * (1.0f - a));
  }
}

void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(err));
}

}  // namespace

void normalize_pack(const float* rgb, const float* hint, float* out, std::size_t pixels, bool input_is_linear,
                    void* stream) {
  const unsigned blocks = static_cast<unsigned>((pixels + 255) / 256);
  normalize_pack_kernel<<<blocks, 256, 0, static_cast<cudaStream_t>(stream)>>>(rgb, hint, out, pixels, input_is_linear);
  check(cudaGetLastError(), "normalize_pack kernel launch");
}

void postprocess(const float* fg, const float* alpha, float* processed, float* comp, int width, int height,
                 const PostSettings& settings, void* stream) {
  const dim3 block(32, 8);
  const dim3 grid((width + 31) / 32, (height + 7) / 8);
  const float dark = cpu::srgb_to_linear(settings.checker_dark), light = cpu::srgb_to_linear(settings.checker_light);
  postprocess_kernel<<<grid, block, 0, static_cast<cudaStream_t>(stream)>>>(fg, alpha, processed, comp, width, height,
                                                                            settings, dark, light);
  check(cudaGetLastError(), "postprocess kernel launch");
}

}  // namespace corridorkey::kernels::cuda
