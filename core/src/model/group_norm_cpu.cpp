// Fused GroupNorm + residual + ReLU on channels-last CPU activations (group_norm_cpu.hpp).
#include "group_norm_cpu.hpp"

#include <ATen/ATen.h>
#include <ATen/record_function.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "bfloat16_bits.hpp"
#include "corridorkey_kernels/cpu_clones.hpp"
#include "corridorkey_kernels/rows.hpp"

namespace corridorkey::detail {
namespace {

constexpr std::int64_t kChunk = 1024;  // pixels per partial sum: the fixed order of the float64 sums

// Per channel sums of x and x^2 over pixels [first, last) of one image ([pixels, C] rows).
template <class T>
CK_CPU_CLONES void channel_sums(const T* x, std::int64_t first, std::int64_t last, std::int64_t C, double* sum,
                                double* sq) {
  std::fill(sum, sum + C, 0.0);
  std::fill(sq, sq + C, 0.0);
  for (std::int64_t p = first; p < last; ++p) {
    const std::int64_t row = p * C;
    for (std::int64_t c = 0; c < C; ++c) {
      const double v = load(x, row + c);
      sum[c] += v;
      sq[c] += v * v;
    }
  }
}

// y = relu?(x * a + b + residual?) over pixels [first, last), in place.
template <class T>
CK_CPU_CLONES void normalise(T* x, const T* residual, std::int64_t first, std::int64_t last, std::int64_t C,
                             const float* a, const float* b, bool relu) {
  for (std::int64_t p = first; p < last; ++p) {
    const std::int64_t row = p * C;
    for (std::int64_t c = 0; c < C; ++c) {
      float v = load(x, row + c) * a[c] + b[c];
      if (residual != nullptr) v += load(residual, row + c);
      if (relu) v = v > 0.0f ? v : 0.0f;
      store(x, row + c, v);
    }
  }
}

template <class T>
void run(T* x, const T* residual, const float* weight, const float* bias, std::int64_t N, std::int64_t C,
         std::int64_t HW, int groups, double eps, bool relu, int threads) {
  const std::int64_t chunks = (HW + kChunk - 1) / kChunk;
  const std::int64_t per_group = C / groups;
  std::vector<double> partial(static_cast<std::size_t>(chunks * C * 2));
  std::vector<float> a(static_cast<std::size_t>(C)), b(static_cast<std::size_t>(C));
  const kernels::RowRunner bands = kernels::thread_bands(threads);
  for (std::int64_t n = 0; n < N; ++n) {
    T* xn = x + n * HW * C;
    const T* rn = residual != nullptr ? residual + n * HW * C : nullptr;
    bands(static_cast<int>(chunks), [&](int begin, int end) {
      for (std::int64_t k = begin; k < end; ++k) {
        double* s = partial.data() + k * C * 2;
        channel_sums(xn, k * kChunk, std::min(HW, (k + 1) * kChunk), C, s, s + C);
      }
    });
    for (int g = 0; g < groups; ++g) {
      double sum = 0, sq = 0;
      for (std::int64_t k = 0; k < chunks; ++k) {
        const double* s = partial.data() + k * C * 2;
        for (std::int64_t c = g * per_group; c < (g + 1) * per_group; ++c) sum += s[c], sq += s[C + c];
      }
      const double count = static_cast<double>(HW * per_group);
      const double mean = sum / count;
      const double var = std::max(sq / count - mean * mean, 0.0);
      const double rstd = 1.0 / std::sqrt(var + eps);
      for (std::int64_t c = g * per_group; c < (g + 1) * per_group; ++c) {
        a[c] = static_cast<float>(rstd * weight[c]);
        b[c] = static_cast<float>(bias[c] - mean * rstd * weight[c]);
      }
    }
    bands(static_cast<int>(chunks), [&](int begin, int end) {
      normalise(xn, rn, begin * kChunk, std::min(HW, end * kChunk), C, a.data(), b.data(), relu);
    });
  }
}

}  // namespace

bool group_norm_act_cpu_supported(const at::Tensor& x, int groups, const at::Tensor& weight, const at::Tensor& bias,
                                  const at::Tensor& residual) {
  if (!x.defined() || !x.is_cpu() || x.dim() != 4 || groups <= 0 || x.size(1) % groups != 0) return false;
  if (x.scalar_type() != at::kFloat && x.scalar_type() != at::kBFloat16) return false;
  if (!x.is_contiguous(at::MemoryFormat::ChannelsLast)) return false;
  if (!weight.defined() || !bias.defined() || weight.numel() != x.size(1) || bias.numel() != x.size(1)) return false;
  if (residual.defined() && (residual.sizes() != x.sizes() || residual.scalar_type() != x.scalar_type() ||
                             !residual.is_cpu() || !residual.is_contiguous(at::MemoryFormat::ChannelsLast)))
    return false;
  return true;
}

at::Tensor& group_norm_act_cpu_(at::Tensor& x, int groups, const at::Tensor& weight, const at::Tensor& bias, double eps,
                                const at::Tensor& residual, bool relu, int threads) {
  RECORD_FUNCTION("corridorkey::group_norm_act", std::vector<c10::IValue>());
  const std::int64_t N = x.size(0), C = x.size(1), HW = x.size(2) * x.size(3);
  const at::Tensor w = weight.to(at::kFloat).contiguous(), b = bias.to(at::kFloat).contiguous();
  if (x.scalar_type() == at::kFloat) {
    run(x.mutable_data_ptr<float>(), residual.defined() ? residual.const_data_ptr<float>() : nullptr,
        w.const_data_ptr<float>(), b.const_data_ptr<float>(), N, C, HW, groups, eps, relu, threads);
  } else {
    auto* px = reinterpret_cast<std::uint16_t*>(x.mutable_data_ptr<at::BFloat16>());
    const auto* pr =
        residual.defined() ? reinterpret_cast<const std::uint16_t*>(residual.const_data_ptr<at::BFloat16>()) : nullptr;
    run(px, pr, w.const_data_ptr<float>(), b.const_data_ptr<float>(), N, C, HW, groups, eps, relu, threads);
  }
  return x;
}

}  // namespace corridorkey::detail
