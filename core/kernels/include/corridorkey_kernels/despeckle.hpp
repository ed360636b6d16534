// The reference's auto-despeckle (clean_matte), exactly as its OpenCV CPU path computes it:
//   mask = alpha > 0.5; 8-connected components; keep those with area >= min_area;
//   dilate with OpenCV's 51x51 elliptical structuring element (radius 25);
//   GaussianBlur 11x11 (sigma 0 -> 2) on the 8-bit mask, OpenCV's bit-exact fixed-point path;
//   alpha * blurred / 255.
// The CPU twin (cpu/) is the engine's CPU path and matches OpenCV bit for bit; the CUDA kernels
// (cuda/) compute the same integers, so they match the twin bit for bit too.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace corridorkey::kernels {

constexpr int kDespeckleRadius = 25;    // dilation radius (51x51 ellipse)
constexpr int kDespeckleBlurTaps = 11;  // Gaussian blur size

/// The despeckle labels pixels with 32-bit indices: frames of at most 2^31 - 1 pixels.
constexpr std::int64_t kDespeckleMaxPixels = 2147483647;

/// Throws std::invalid_argument, naming the size, unless 0 < width, 0 < height and
/// width * height <= kDespeckleMaxPixels. Every despeckle entry point (CPU and CUDA) checks it.
void check_despeckle_size(int width, int height);

/// Half-width of row `dy` (|dy| <= radius) of OpenCV's MORPH_ELLIPSE element of size 2r+1.
std::array<std::uint8_t, 2 * kDespeckleRadius + 1> ellipse_half_widths();

/// The 11-tap Gaussian (sigma 2) in OpenCV's 8-bit fixed point (coefficients sum to 256).
std::array<std::uint16_t, kDespeckleBlurTaps> gaussian_q8_taps();

namespace cpu {

/// mask[i] = 255 where the pixel belongs to an 8-connected component of non-zero `mask` pixels
/// with at least `min_area` pixels, else 0. Returns the number of components.
int keep_large_components(const std::uint8_t* mask, std::uint8_t* kept, int width, int height, int min_area);

/// Binary dilation of a 0/255 image by the elliptical element (pixels outside the image ignored).
void dilate_ellipse(const std::uint8_t* in, std::uint8_t* out, int width, int height);

/// The 11x11 Gaussian of an 8-bit image, bit-exact with cv::GaussianBlur(BORDER_REFLECT_101).
void gaussian_blur_11(const std::uint8_t* in, std::uint8_t* out, int width, int height);

/// The whole despeckle: out = alpha * blur(dilate(kept components of alpha > 0.5)) / 255.
/// `out` may be `alpha`.
void despeckle(const float* alpha, float* out, int width, int height, int min_area);

}  // namespace cpu

#ifdef CORRIDORKEY_KERNELS_CUDA
namespace cuda {
/// Device scratch bytes cuda::despeckle needs for a width x height matte.
std::size_t despeckle_scratch_bytes(int width, int height);

/// Same as cpu::despeckle on device pointers, on `stream` (a cudaStream_t). `scratch` holds
/// despeckle_scratch_bytes() bytes of device memory, 8-byte aligned, that the caller allocates
/// (the engine: LibTorch's caching allocator, on the same stream) and keeps until the work is done.
void despeckle(const float* alpha, float* out, int width, int height, int min_area, void* scratch, void* stream);
}  // namespace cuda
#endif

}  // namespace corridorkey::kernels
