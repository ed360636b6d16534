// CUDA twins of kernels/cpu/color_cpu.cpp: the same per-pixel formulas (color_math.hpp), one
// thread per pixel.
#include <cuda_runtime.h>

#include "check.cuh"
#include "corridorkey_kernels/color_math.hpp"

namespace corridorkey::kernels::cuda {
using detail::check;
namespace {

__global__ void normalize_pack_kernel(const float* __restrict__ rgb, const float* __restrict__ hint,
                                      float* __restrict__ out, std::size_t pixels, bool linear) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= pixels) return;
  for (int c = 0; c < 3; ++c) out[c * pixels + i] = math::normalize(rgb[c * pixels + i], c, linear);
  out[3 * pixels + i] = hint[i];
}

__global__ void postprocess_kernel(const float* __restrict__ fg, const float* __restrict__ alpha,
                                   float* __restrict__ processed, float* __restrict__ comp, int width, int height,
                                   PostSettings s, float dark, float light) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x;
  const int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= width || y >= height) return;
  const std::size_t i = static_cast<std::size_t>(y) * width + x;
  math::postprocess_pixel(fg + 3 * i, alpha[i], processed + 4 * i, comp ? comp + 3 * i : nullptr,
                          math::checker_linear(x, y, s, dark, light), s);
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
  const float dark = math::srgb_to_linear(settings.checker_dark), light = math::srgb_to_linear(settings.checker_light);
  postprocess_kernel<<<grid, block, 0, static_cast<cudaStream_t>(stream)>>>(
      fg, alpha, processed, settings.generate_comp ? comp : nullptr, width, height, settings, dark, light);
  check(cudaGetLastError(), "postprocess kernel launch");
}

}  // namespace corridorkey::kernels::cuda
