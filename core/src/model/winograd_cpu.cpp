// Winograd F(4x4, 3x3) convolution on channels-last float32 CPU activations (winograd_cpu.hpp).
#include "winograd_cpu.hpp"

#include <ATen/ATen.h>
#include <ATen/record_function.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "corridorkey_kernels/rows.hpp"

namespace corridorkey::detail {
namespace {

constexpr int kTile = 4;             // outputs per tile side
constexpr int kIn = kTile + 2;       // inputs per tile side
constexpr int kPoints = kIn * kIn;   // transformed values per tile
constexpr std::int64_t kBlock = 60;  // tiles per block: V, M and U (about 560 KB each at 64 channels) stay in L2

// Points 0, 1, -1, 1/2, -2, infinity. A^T: the output transform, G: the filter transform, B^T: the
// input transform (A^T [(G g G^T) (.) (B^T d B)] A is the correlation of d with g).
constexpr float kAT[kTile][kIn] = {
    {1, 1, 1, 1, 1, 0},
    {0, 1, -1, 0.5f, -2, 0},
    {0, 1, 1, 0.25f, 4, 0},
    {0, 1, -1, 0.125f, -8, 1},
};
constexpr double kG[kIn][3] = {
    {1, 0, 0},
    {1.0 / 3, 1.0 / 3, 1.0 / 3},
    {-1.0 / 3, 1.0 / 3, -1.0 / 3},
    {-16.0 / 15, -8.0 / 15, -4.0 / 15},
    {1.0 / 15, -2.0 / 15, 4.0 / 15},
    {0, 0, 1},
};
// clang-format off
constexpr float kBT[kIn][kIn] = {
    {1, -1.5f, -2, 1.5f, 1, 0},
    {0, -1, 0.5f, 2.5f, 1, 0},
    {0, 1, -2.5f, 0.5f, 1, 0},
    {0, -2, -1, 2, 1, 0},
    {0, 0.5f, -1, -0.5f, 1, 0},
    {0, 1, -1.5f, -2, 1.5f, 1},
};
// clang-format on

// The output tile whose top-left output is (y, x) of image n; its pixels are d apart.
struct Tile {
  std::int32_t n, y, x;
};

// 16 floats: one AVX-512 register, two AVX2 ones; channels are taken 16 at a time.
using Vec = float __attribute__((vector_size(64)));
constexpr std::int64_t kLanes = 16;

// Inlined into each clone, so that they run on its vectors; by reference, as a vector passed by
// value would change the ABI between the clones (-Wpsabi).
[[gnu::always_inline]] inline void load(Vec& v, const float* p) { std::memcpy(&v, p, sizeof v); }
[[gnu::always_inline]] inline void store(float* p, const Vec& v) { std::memcpy(p, &v, sizeof v); }

// out[r] = sum_i m[r][i] * in[i]: once unrolled, the zero coefficients drop out at compile time.
template <int R, int I>
[[gnu::always_inline]] inline void apply(const float (&m)[R][I], const Vec (&in)[I], Vec (&out)[R]) {
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r) {
    Vec acc{};
#pragma GCC unroll 6
    for (int i = 0; i < I; ++i) {
      if (m[r][i] != 0.0f) acc += m[r][i] * in[i];
    }
    out[r] = acc;
  }
}

// The transforms run on the widest vectors this CPU has (AVX-512, else AVX2, else SSE2).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CK_WINOGRAD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CK_WINOGRAD_CLONES
#endif

// V[ab][t] = (B^T d B)[a][b] for the tiles of one block (d: the 6x6 input pixels of tile t, zero
// outside the image), 16 channels at a time with the whole tile in registers. V: [36][kBlock][C].
CK_WINOGRAD_CLONES void input_transform(const float* x, const Tile* tiles, std::int64_t count, std::int64_t H,
                                        std::int64_t W, std::int64_t C, int d, const float* zeros, float* V) {
  for (std::int64_t t = 0; t < count; ++t) {
    const Tile& tile = tiles[t];
    const float* pix[kIn][kIn];
    for (int i = 0; i < kIn; ++i) {
      const std::int64_t y = tile.y + static_cast<std::int64_t>(d) * (i - 1);
      for (int j = 0; j < kIn; ++j) {
        const std::int64_t xx = tile.x + static_cast<std::int64_t>(d) * (j - 1);
        const bool inside = y >= 0 && y < H && xx >= 0 && xx < W;
        pix[i][j] = inside ? x + ((tile.n * H + y) * W + xx) * C : zeros;
      }
    }
    for (std::int64_t c = 0; c < C; c += kLanes) {
      Vec cols[kIn][kIn];  // [j][a]: B^T applied down each column
#pragma GCC unroll 6
      for (int j = 0; j < kIn; ++j) {
        Vec in[kIn];
#pragma GCC unroll 6
        for (int i = 0; i < kIn; ++i) load(in[i], pix[i][j] + c);
        apply(kBT, in, cols[j]);
      }
#pragma GCC unroll 6
      for (int a = 0; a < kIn; ++a) {
        Vec in[kIn], out[kIn];
#pragma GCC unroll 6
        for (int j = 0; j < kIn; ++j) in[j] = cols[j][a];
        apply(kBT, in, out);
#pragma GCC unroll 6
        for (int b = 0; b < kIn; ++b) store(V + ((a * kIn + b) * kBlock + t) * C + c, out[b]);
      }
    }
  }
}

// y[i][j] = (A^T M A)[i][j] + bias for the tiles of one block, written where inside the image.
// M: [36][kBlock][K]; trash: K floats that take the outputs beyond the image.
CK_WINOGRAD_CLONES void output_transform(const float* M, const Tile* tiles, std::int64_t count, std::int64_t H,
                                         std::int64_t W, std::int64_t K, int d, const float* bias, float* y,
                                         float* trash) {
  for (std::int64_t t = 0; t < count; ++t) {
    const Tile& tile = tiles[t];
    float* pix[kTile][kTile];
    for (int i = 0; i < kTile; ++i) {
      const std::int64_t yy = tile.y + static_cast<std::int64_t>(d) * i;
      for (int j = 0; j < kTile; ++j) {
        const std::int64_t xx = tile.x + static_cast<std::int64_t>(d) * j;
        pix[i][j] = (yy < H && xx < W) ? y + ((tile.n * H + yy) * W + xx) * K : trash;
      }
    }
    for (std::int64_t k = 0; k < K; k += kLanes) {
      Vec cols[kIn][kTile];  // [b][i]: A^T applied down each column
#pragma GCC unroll 6
      for (int b = 0; b < kIn; ++b) {
        Vec in[kIn];
#pragma GCC unroll 6
        for (int a = 0; a < kIn; ++a) load(in[a], M + ((a * kIn + b) * kBlock + t) * K + k);
        apply(kAT, in, cols[b]);
      }
      Vec offset;
      load(offset, bias + k);
#pragma GCC unroll 4
      for (int i = 0; i < kTile; ++i) {
        Vec in[kIn], out[kTile];
#pragma GCC unroll 6
        for (int b = 0; b < kIn; ++b) in[b] = cols[b][i];
        apply(kAT, in, out);
#pragma GCC unroll 4
        for (int j = 0; j < kTile; ++j) {
          const Vec v = out[j] + offset;
          store(pix[i][j] + k, v);
        }
      }
    }
  }
}

// M[ab] = V[ab] U[ab] for the 36 points of one block: [kBlock x C] times [C x K], each a sum over
// c in order. Register tiles of kRows tiles x 64 outputs (24 AVX-512 accumulators) or x 16 outputs
// (block_products says when).
constexpr int kRows = 6;
static_assert(kBlock % kRows == 0, "blocks hold whole register tiles");

template <int Q>
[[gnu::always_inline]] inline void gemm_tile(const float* v, const float* u, float* m, std::int64_t C, std::int64_t K) {
  Vec acc[kRows][Q] = {};
  for (std::int64_t c = 0; c < C; ++c) {
    Vec w[Q];
#pragma GCC unroll 4
    for (int q = 0; q < Q; ++q) load(w[q], u + c * K + q * kLanes);
#pragma GCC unroll 6
    for (int r = 0; r < kRows; ++r) {
      const float s = v[r * C + c];
#pragma GCC unroll 4
      for (int q = 0; q < Q; ++q) acc[r][q] += s * w[q];
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < kRows; ++r) {
#pragma GCC unroll 4
    for (int q = 0; q < Q; ++q) store(m + r * K + q * kLanes, acc[r][q]);
  }
}

// wide: 64 outputs a tile where K allows, for CPUs with 32 vector registers of 16 floats (AVX-512).
// On AVX2 a Vec is two of its 16 registers: 24 accumulators would spill on every step, so 16
// outputs a tile (12 registers). Either way each M value is the same sum in the same order.
CK_WINOGRAD_CLONES void block_products(const float* V, const float* U, float* M, std::int64_t C, std::int64_t K,
                                       bool wide) {
  for (int p = 0; p < kPoints; ++p) {
    const float* v = V + p * kBlock * C;
    const float* u = U + p * C * K;
    float* m = M + p * kBlock * K;
    for (std::int64_t t = 0; t < kBlock; t += kRows) {
      std::int64_t k = 0;
      if (wide) {
        for (; k + 4 * kLanes <= K; k += 4 * kLanes) gemm_tile<4>(v + t * C, u + k, m + t * K + k, C, K);
      }
      for (; k < K; k += kLanes) gemm_tile<1>(v + t * C, u + k, m + t * K + k, C, K);
    }
  }
}

bool has_avx512() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool yes = __builtin_cpu_supports("avx512f") != 0;
  return yes;
#else
  return false;
#endif
}

// Tiles in a fixed order: image, row residue, tile row, column residue, tile column. Tiles of a
// block then lie side by side on the same input rows.
std::vector<Tile> tiles_of(std::int64_t N, std::int64_t H, std::int64_t W, int d) {
  std::vector<Tile> tiles;
  const std::int64_t step = static_cast<std::int64_t>(d) * kTile;
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t ry = 0; ry < std::min<std::int64_t>(d, H); ++ry)
      for (std::int64_t y = ry; y < H; y += step)
        for (std::int64_t rx = 0; rx < std::min<std::int64_t>(d, W); ++rx)
          for (std::int64_t x = rx; x < W; x += step)
            tiles.push_back({static_cast<std::int32_t>(n), static_cast<std::int32_t>(y), static_cast<std::int32_t>(x)});
  return tiles;
}

}  // namespace

at::Tensor winograd_weights(const at::Tensor& weight) {
  TORCH_CHECK(weight.dim() == 4 && weight.size(2) == 3 && weight.size(3) == 3, "winograd_weights: not a 3x3 filter");
  const at::Tensor g = at::from_blob(const_cast<double*>(&kG[0][0]), {kIn, 3}, at::kDouble).clone();
  const at::Tensor w = weight.to(at::kCPU, at::kDouble);
  // U[a][b][c][k] = sum_ij G[a][i] w[k][c][i][j] G[b][j]
  const at::Tensor u = at::einsum("ai,kcij,bj->abck", {g, w, g});
  return u.reshape({kPoints, weight.size(1), weight.size(0)}).to(at::kFloat).contiguous();
}

bool winograd_conv3x3_supported(const at::Tensor& x, const at::Tensor& u) {
  if (!x.defined() || !u.defined() || !x.is_cpu() || x.scalar_type() != at::kFloat || x.dim() != 4) return false;
  if (!x.is_contiguous(at::MemoryFormat::ChannelsLast)) return false;
  if (u.dim() != 3 || u.size(0) != kPoints || u.size(1) != x.size(1) || !u.is_contiguous()) return false;
  if (u.size(1) % kLanes != 0 || u.size(2) % kLanes != 0) return false;  // channels 16 at a time
  // Image offsets are computed in 64 bits; tile coordinates are kept in 32.
  return x.size(0) < (1LL << 31) && x.size(2) < (1LL << 30) && x.size(3) < (1LL << 30);
}

at::Tensor winograd_conv3x3(const at::Tensor& x, const at::Tensor& u, const at::Tensor& bias, int dilation, int threads,
                            at::Tensor out) {
  RECORD_FUNCTION("corridorkey::winograd_conv3x3", std::vector<c10::IValue>());
  TORCH_CHECK(winograd_conv3x3_supported(x, u) && dilation >= 1, "winograd_conv3x3: unsupported input");
  const std::int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3), K = u.size(2);
  const bool reusable = out.defined() && out.is_cpu() && out.scalar_type() == at::kFloat &&
                        out.sizes() == at::IntArrayRef{N, K, H, W} &&
                        out.is_contiguous(at::MemoryFormat::ChannelsLast) && !out.storage().is_alias_of(x.storage());
  at::Tensor y = reusable ? out : at::empty({N, K, H, W}, x.options().memory_format(at::MemoryFormat::ChannelsLast));
  if (y.numel() == 0) return y;
  const at::Tensor b = bias.defined() ? bias.to(at::kFloat).contiguous() : at::zeros({K}, at::kFloat);
  const std::vector<Tile> tiles = tiles_of(N, H, W, dilation);
  const auto count = static_cast<std::int64_t>(tiles.size());
  const std::int64_t blocks = (count + kBlock - 1) / kBlock;
  const float* px = x.const_data_ptr<float>();
  float* py = y.mutable_data_ptr<float>();
  const float* pb = b.const_data_ptr<float>();
  const float* pu = u.const_data_ptr<float>();
  const bool wide = has_avx512();
  // Bands of blocks, each with its own V and M (not at::parallel_for: an inline OpenMP region,
  // serial in code built without -fopenmp).
  kernels::thread_bands(threads)(static_cast<int>(blocks), [&](int first, int last) {
    std::vector<float> V(static_cast<std::size_t>(kPoints * kBlock * C), 0.0f);
    std::vector<float> M(static_cast<std::size_t>(kPoints * kBlock * K));
    std::vector<float> zeros(static_cast<std::size_t>(C), 0.0f), trash(static_cast<std::size_t>(K));
    for (std::int64_t blk = first; blk < last; ++blk) {
      const Tile* bt = tiles.data() + blk * kBlock;
      const std::int64_t n = std::min(kBlock, count - blk * kBlock);
      // A short last block keeps zeros (or earlier tiles) in its unused rows; their M is not read.
      input_transform(px, bt, n, H, W, C, dilation, zeros.data(), V.data());
      block_products(V.data(), pu, M.data(), C, K, wide);
      output_transform(M.data(), bt, n, H, W, K, dilation, pb, py, trash.data());
    }
  });
  return y;
}

}  // namespace corridorkey::detail
