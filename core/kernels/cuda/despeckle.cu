// CUDA twin of cpu/despeckle_cpu.cpp. The same integers at every step, so the result matches the
// twin (and OpenCV) bit for bit:
//   threshold -> union-find labelling (atomicMin unions, 8-connected) -> flatten (every label its
//   root) -> component areas -> kept mask -> row distances -> elliptical dilation -> 11-tap
//   fixed-point Gaussian -> multiply.
// Parents only ever point at smaller indices (a tree's root is its smallest pixel), so lowering a
// parent with atomicMin to a root of its own tree keeps every tree intact.
#include <cuda_runtime.h>

#include <cstdint>

#include "check.cuh"
#include "corridorkey_kernels/despeckle.hpp"
#include "corridorkey_kernels/despeckle_math.hpp"

namespace corridorkey::kernels::cuda {
using detail::blocks_for;
using detail::check;
namespace {

constexpr unsigned kThreads = 256;
constexpr int kRadius = kDespeckleRadius, kTaps = kDespeckleBlurTaps;

struct Constants {
  std::uint8_t widths[2 * kRadius + 1];
  std::uint16_t taps[kTaps];
};

__device__ int find_root(const int* parent, int x) {
  int p = parent[x];
  while (p != x) {
    x = p;
    p = parent[x];
  }
  return x;
}

// find_root, then points `x` straight at the root (path compression) with atomicMin, so that a
// concurrent union that lowered parent[x] further is never undone.
__device__ int find_root_compress(int* parent, int x) {
  const int root = find_root(parent, x);
  if (parent[x] != root) atomicMin(&parent[x], root);
  return root;
}

// Joins the trees of a and b: the larger root is pointed at the smaller, retried when another
// thread moved it first.
__device__ void unite(int* parent, int a, int b) {
  bool done = false;
  while (!done) {
    a = find_root_compress(parent, a);
    b = find_root_compress(parent, b);
    if (a == b) return;
    if (a > b) {
      const int t = a;
      a = b;
      b = t;
    }
    const int old = atomicMin(&parent[b], a);
    done = old == b;
    b = old;
  }
}

__global__ void init_labels(const float* __restrict__ alpha, std::uint8_t* __restrict__ mask, int* parent,
                            std::size_t n) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const bool on = alpha[i] > 0.5f;
  mask[i] = on ? 255 : 0;
  parent[i] = on ? static_cast<int>(i) : -1;
}

__global__ void merge(const std::uint8_t* __restrict__ mask, int* parent, int width, int height) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<std::size_t>(width) * height || mask[i] == 0) return;
  const int x = static_cast<int>(i % width), y = static_cast<int>(i / width), p = static_cast<int>(i);
  if (x > 0 && mask[i - 1]) unite(parent, p, p - 1);
  if (y > 0) {
    const int up = p - width;
    if (x > 0 && mask[up - 1]) unite(parent, p, up - 1);
    if (mask[up]) unite(parent, p, up);
    if (x + 1 < width && mask[up + 1]) unite(parent, p, up + 1);
  }
}

// After merge: every label becomes its root, so the passes after it read labels, not chains (an
// opaque matte's trees can be about width + height deep). Writes only ever shorten paths.
__global__ void flatten(int* parent, std::size_t n) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n || parent[i] < 0) return;
  parent[i] = find_root(parent, static_cast<int>(i));
}

__global__ void count_areas(const int* __restrict__ label, int* area, std::size_t n) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n || label[i] < 0) return;
  atomicAdd(&area[label[i]], 1);
}

__global__ void keep_mask(const int* __restrict__ label, const int* __restrict__ area, std::uint8_t* __restrict__ kept,
                          std::size_t n, int min_area) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  kept[i] = label[i] >= 0 && area[label[i]] >= min_area ? 255 : 0;
}

// Distance to the nearest kept pixel in the same row, capped at radius + 1.
__global__ void row_distance(const std::uint8_t* __restrict__ kept, std::uint8_t* __restrict__ dist, int width,
                             int height) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<std::size_t>(width) * height) return;
  const int x = static_cast<int>(i % width);
  int best = kRadius + 1;
  for (int d = 0; d <= kRadius && d < best; ++d) {
    if ((x - d >= 0 && kept[i - d]) || (x + d < width && kept[i + d])) best = d;
  }
  dist[i] = static_cast<std::uint8_t>(best);
}

__global__ void dilate(const std::uint8_t* __restrict__ dist, std::uint8_t* __restrict__ out, int width, int height,
                       Constants k) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<std::size_t>(width) * height) return;
  const int x = static_cast<int>(i % width), y = static_cast<int>(i / width);
  std::uint8_t v = 0;
  for (int dy = -kRadius; dy <= kRadius && v == 0; ++dy) {
    const int yy = y + dy;
    if (yy >= 0 && yy < height && dist[static_cast<std::size_t>(yy) * width + x] <= k.widths[dy + kRadius]) v = 255;
  }
  out[i] = v;
}

__global__ void blur_horizontal(const std::uint8_t* __restrict__ in, std::uint16_t* __restrict__ out, int width,
                                int height, Constants k) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<std::size_t>(width) * height) return;
  const int x = static_cast<int>(i % width);
  const std::uint8_t* row = in + (i - x);
  std::uint32_t sum = 0;
  for (int t = 0; t < kTaps; ++t)
    sum += static_cast<std::uint32_t>(row[math::reflect101(x + t - kTaps / 2, width)]) * k.taps[t];
  out[i] = static_cast<std::uint16_t>(sum);
}

__global__ void blur_vertical_apply(const std::uint16_t* __restrict__ in, const float* alpha, float* out, int width,
                                    int height, Constants k) {  // out may be alpha
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<std::size_t>(width) * height) return;
  const int x = static_cast<int>(i % width), y = static_cast<int>(i / width);
  std::uint32_t sum = 0;
  for (int t = 0; t < kTaps; ++t) {
    sum += static_cast<std::uint32_t>(
               in[static_cast<std::size_t>(math::reflect101(y + t - kTaps / 2, height)) * width + x]) *
           k.taps[t];
  }
  out[i] = math::apply_mask(alpha[i], math::round_q16(sum));
}

}  // namespace

std::size_t despeckle_scratch_bytes(int width, int height) {
  check_despeckle_size(width, height);
  // parent + area (int), two byte planes, one 16-bit plane.
  return static_cast<std::size_t>(width) * height * (2 * sizeof(int) + 2 + sizeof(std::uint16_t));
}

void despeckle(const float* alpha, float* out, int width, int height, int min_area, void* scratch, void* stream) {
  check_despeckle_size(width, height);
  auto s = static_cast<cudaStream_t>(stream);
  const std::size_t n = static_cast<std::size_t>(width) * height;
  Constants k{};
  const auto widths = ellipse_half_widths();
  const auto taps = gaussian_q8_taps();
  for (int i = 0; i < 2 * kRadius + 1; ++i) k.widths[i] = widths[i];
  for (int i = 0; i < kTaps; ++i) k.taps[i] = taps[i];

  int* parent = static_cast<int*>(scratch);  // the layout despeckle_scratch_bytes() counts
  int* area = parent + n;
  auto* mask = reinterpret_cast<std::uint8_t*>(area + n);
  std::uint8_t* kept = mask + n;
  auto* blurred = reinterpret_cast<std::uint16_t*>(kept + n);  // 2-byte aligned: offset is a multiple of 2
  const unsigned blocks = blocks_for(n, kThreads);
  check(cudaMemsetAsync(area, 0, n * sizeof(int), s), "despeckle memset");
  init_labels<<<blocks, kThreads, 0, s>>>(alpha, mask, parent, n);
  merge<<<blocks, kThreads, 0, s>>>(mask, parent, width, height);
  flatten<<<blocks, kThreads, 0, s>>>(parent, n);  // parent now holds each pixel's root label
  count_areas<<<blocks, kThreads, 0, s>>>(parent, area, n);
  keep_mask<<<blocks, kThreads, 0, s>>>(parent, area, kept, n, min_area);
  row_distance<<<blocks, kThreads, 0, s>>>(kept, mask, width, height);  // mask now holds the distances
  dilate<<<blocks, kThreads, 0, s>>>(mask, kept, width, height, k);     // kept now holds the dilated mask
  blur_horizontal<<<blocks, kThreads, 0, s>>>(kept, blurred, width, height, k);
  blur_vertical_apply<<<blocks, kThreads, 0, s>>>(blurred, alpha, out, width, height, k);
  check(cudaGetLastError(), "despeckle launch");
}

}  // namespace corridorkey::kernels::cuda
