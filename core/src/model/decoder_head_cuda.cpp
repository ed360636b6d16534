// The CUDA half of decoder_head.hpp: checks and ATen glue around kernels/cuda/decoder_head.cu.
#include <ATen/ATen.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <cstdint>
#include <limits>
#include <optional>

#include "corridorkey_kernels/decoder_head.hpp"
#include "decoder_head.hpp"

namespace corridorkey::detail {
namespace {

namespace kc = kernels::cuda;

std::optional<kernels::DecoderHeadType> kernel_type(at::ScalarType t) {
  if (t == at::kFloat) return kernels::DecoderHeadType::float32;
  if (t == at::kHalf) return kernels::DecoderHeadType::float16;
  if (t == at::kBFloat16) return kernels::DecoderHeadType::bfloat16;
  return std::nullopt;
}

}  // namespace

bool decoder_head_cuda_supported(const std::vector<at::Tensor>& e, const at::Tensor& weight, const at::Tensor& bias) {
  if (e.empty() || e.size() > static_cast<std::size_t>(kc::kDecoderHeadMaxScales)) return false;
  const at::Tensor& e1 = e[0];
  if (!e1.defined() || !e1.is_cuda() || e1.dim() != 4 || !kernel_type(e1.scalar_type())) return false;
  const std::int64_t B = e1.size(0), D = e1.size(3);
  constexpr auto kIntMax = std::numeric_limits<int>::max();
  if (B < 1 || B > kIntMax || D < 8 || D % 8 != 0 || D > kIntMax) return false;
  for (const at::Tensor& t : e) {
    if (!t.defined() || t.device() != e1.device() || t.dim() != 4 || t.scalar_type() != e1.scalar_type() ||
        !t.is_contiguous() || t.size(0) != B || t.size(3) != D || t.size(1) < 1 || t.size(2) < 1 ||
        t.size(1) > kIntMax || t.size(2) > kIntMax || reinterpret_cast<std::uintptr_t>(t.const_data_ptr()) % 16 != 0)
      return false;
  }
  if (!weight.defined() || !bias.defined() || weight.device() != e1.device() || bias.device() != e1.device() ||
      weight.dim() < 2 || weight.size(1) != D)
    return false;
  const std::int64_t K = weight.size(0);
  return K >= 1 && K <= kc::kDecoderHeadMaxClasses && weight.numel() == K * D && bias.numel() == K;
}

at::Tensor decoder_head_cuda(const std::vector<at::Tensor>& e, const at::Tensor& weight, const at::Tensor& bias) {
  const c10::cuda::CUDAGuard guard(e[0].device());
  const std::int64_t B = e[0].size(0), H = e[0].size(1), W = e[0].size(2), D = e[0].size(3), K = weight.size(0);
  const at::Tensor w = weight.reshape({K, D}).to(at::kFloat).contiguous(), b = bias.to(at::kFloat).contiguous();
  kc::DecoderHeadScale scales[kc::kDecoderHeadMaxScales];
  for (std::size_t i = 0; i < e.size(); ++i) {
    scales[i].data = e[i].const_data_ptr();
    scales[i].height = static_cast<int>(e[i].size(1));
    scales[i].width = static_cast<int>(e[i].size(2));
  }
  at::Tensor out = at::empty({B, K, H, W}, e[0].options().memory_format(at::MemoryFormat::Contiguous));
  kc::decoder_head(scales, static_cast<int>(e.size()), *kernel_type(e[0].scalar_type()), static_cast<int>(B),
                   static_cast<int>(D), w.const_data_ptr<float>(), b.const_data_ptr<float>(), static_cast<int>(K),
                   out.mutable_data_ptr(), c10::cuda::getCurrentCUDAStream(e[0].device().index()).stream());
  return out;
}

}  // namespace corridorkey::detail
