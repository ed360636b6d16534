// The decoder heads' upsample-sum-ReLU-classifier tail as one pass (decoder_head.hpp): the CPU path
// and the dispatch by device.
#include "decoder_head.hpp"

#include <ATen/ATen.h>
#include <ATen/record_function.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "bfloat16_bits.hpp"
#include "bilinear_taps.hpp"
#include "corridorkey_kernels/cpu_clones.hpp"
#include "corridorkey_kernels/rows.hpp"

namespace corridorkey::detail {
namespace {

struct Scale {
  std::int64_t h = 0, w = 0;
  Taps ty, tx;
};

// acc = (first ? 0 : acc) + the four weighted taps, over D channels.
template <class T>
CK_CPU_CLONES void add_taps(float* acc, const T* p00, const T* p01, const T* p10, const T* p11, float w00, float w01,
                            float w10, float w11, std::int64_t D, bool first) {
  for (std::int64_t c = 0; c < D; ++c) {
    const float v = w00 * load(p00, c) + w01 * load(p01, c) + w10 * load(p10, c) + w11 * load(p11, c);
    acc[c] = first ? v : acc[c] + v;
  }
}

template <class T>
CK_CPU_CLONES void add_row(float* acc, const T* e, std::int64_t D, bool first) {
  for (std::int64_t c = 0; c < D; ++c) acc[c] = first ? load(e, c) : acc[c] + load(e, c);
}

// sum_c w[c] * relu(acc[c]) in 16 running sums (a fixed order: the CPU's vector width does not
// change the result), then those in a fixed tree.
CK_CPU_CLONES float relu_dot(const float* acc, const float* w, std::int64_t D) {
  constexpr int kLanes = 16;
  float s[kLanes] = {};
  std::int64_t c = 0;
  for (; c + kLanes <= D; c += kLanes) {
    for (int j = 0; j < kLanes; ++j) s[j] += w[c + j] * std::max(acc[c + j], 0.0f);
  }
  for (int j = 0; c < D; ++c, ++j) s[j] += w[c] * std::max(acc[c], 0.0f);
  for (int width = kLanes / 2; width > 0; width /= 2) {
    for (int j = 0; j < width; ++j) s[j] += s[j + width];
  }
  return s[0];
}

template <class T>
void run(const std::vector<const T*>& e, const std::vector<Scale>& scales, std::int64_t B, std::int64_t H,
         std::int64_t W, std::int64_t D, const float* weight, const float* bias, std::int64_t K, T* out, int threads) {
  const auto rows = static_cast<int>(B * H);
  kernels::thread_bands(threads)(rows, [&](int begin, int end) {
    std::vector<float> acc(static_cast<std::size_t>(D));
    for (int r = begin; r < end; ++r) {
      const std::int64_t b = r / H, y = r % H;
      for (std::int64_t x = 0; x < W; ++x) {
        bool first = true;
        for (std::size_t i = e.size() - 1; i >= 1; --i) {  // the coarsest scale first, as ATen sums them
          const Scale& s = scales[i];
          const T* base = e[i] + b * s.h * s.w * D;
          const std::int64_t y0 = s.ty.i0[y] * s.w, y1 = s.ty.i1[y] * s.w, x0 = s.tx.i0[x], x1 = s.tx.i1[x];
          const float ly0 = s.ty.l0[y], ly1 = s.ty.l1[y], lx0 = s.tx.l0[x], lx1 = s.tx.l1[x];
          add_taps(acc.data(), base + (y0 + x0) * D, base + (y0 + x1) * D, base + (y1 + x0) * D, base + (y1 + x1) * D,
                   ly0 * lx0, ly0 * lx1, ly1 * lx0, ly1 * lx1, D, first);
          first = false;
        }
        add_row(acc.data(), e[0] + ((b * H + y) * W + x) * D, D, first);
        for (std::int64_t k = 0; k < K; ++k) {
          store(out, ((b * K + k) * H + y) * W + x, bias[k] + relu_dot(acc.data(), weight + k * D, D));
        }
      }
    }
  });
}

bool cpu_supported(const std::vector<at::Tensor>& e, const at::Tensor& weight, const at::Tensor& bias) {
  if (e.empty() || !e[0].defined() || !e[0].is_cpu() || e[0].dim() != 4) return false;
  const at::ScalarType type = e[0].scalar_type();
  if (type != at::kFloat && type != at::kBFloat16) return false;
  const std::int64_t B = e[0].size(0), D = e[0].size(3);
  for (const at::Tensor& t : e) {
    if (!t.defined() || !t.is_cpu() || t.dim() != 4 || t.scalar_type() != type || !t.is_contiguous() ||
        t.size(0) != B || t.size(3) != D || t.numel() == 0)
      return false;
  }
  if (!weight.defined() || !bias.defined() || weight.dim() < 2 || weight.size(1) != D ||
      weight.numel() != weight.size(0) * D || bias.numel() != weight.size(0) || weight.size(0) == 0)
    return false;
  return weight.is_cpu() && bias.is_cpu();
}

}  // namespace

bool decoder_head_supported(const std::vector<at::Tensor>& e, const at::Tensor& weight, const at::Tensor& bias) {
  if (!e.empty() && e[0].defined() && e[0].is_cuda()) {
#if CORRIDORKEY_WITH_CUDA
    return decoder_head_cuda_supported(e, weight, bias);
#else
    return false;
#endif
  }
  return cpu_supported(e, weight, bias);
}

at::Tensor decoder_head(const std::vector<at::Tensor>& e, const at::Tensor& weight, const at::Tensor& bias,
                        int threads) {
  RECORD_FUNCTION("corridorkey::decoder_head", std::vector<c10::IValue>());
  TORCH_CHECK(decoder_head_supported(e, weight, bias), "decoder_head: unsupported tensors");
#if CORRIDORKEY_WITH_CUDA
  if (e[0].is_cuda()) return decoder_head_cuda(e, weight, bias);
#endif
  const std::int64_t B = e[0].size(0), H = e[0].size(1), W = e[0].size(2), D = e[0].size(3), K = weight.size(0);
  std::vector<Scale> scales(e.size());
  for (std::size_t i = 1; i < e.size(); ++i) {
    scales[i].h = e[i].size(1);
    scales[i].w = e[i].size(2);
    scales[i].ty = bilinear_taps(scales[i].h, H);
    scales[i].tx = bilinear_taps(scales[i].w, W);
  }
  const at::Tensor w = weight.reshape({K, D}).to(at::kFloat).contiguous(), b = bias.to(at::kFloat).contiguous();
  at::Tensor out = at::empty({B, K, H, W}, e[0].options().memory_format(at::MemoryFormat::Contiguous));
  if (e[0].scalar_type() == at::kFloat) {
    std::vector<const float*> p;
    for (const at::Tensor& t : e) p.push_back(t.const_data_ptr<float>());
    run(p, scales, B, H, W, D, w.const_data_ptr<float>(), b.const_data_ptr<float>(), K, out.mutable_data_ptr<float>(),
        threads);
  } else {
    std::vector<const std::uint16_t*> p;
    for (const at::Tensor& t : e) p.push_back(reinterpret_cast<const std::uint16_t*>(t.const_data_ptr<at::BFloat16>()));
    run(p, scales, B, H, W, D, w.const_data_ptr<float>(), b.const_data_ptr<float>(), K,
        reinterpret_cast<std::uint16_t*>(out.mutable_data_ptr<at::BFloat16>()), threads);
  }
  return out;
}

}  // namespace corridorkey::detail
