#include "group_norm_cuda.hpp"

#include <ATen/ATen.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <cstdint>
#include <optional>

#include "corridorkey_kernels/group_norm.hpp"

namespace corridorkey::detail {
namespace {

std::optional<kernels::GroupNormType> kernel_type(at::ScalarType t) {
  switch (t) {
    case at::kFloat:
      return kernels::GroupNormType::float32;
    case at::kHalf:
      return kernels::GroupNormType::float16;
    case at::kBFloat16:
      return kernels::GroupNormType::bfloat16;
    default:
      return std::nullopt;
  }
}

bool aligned16(const at::Tensor& t) { return reinterpret_cast<std::uintptr_t>(t.const_data_ptr()) % 16 == 0; }

bool like(const at::Tensor& t, const at::Tensor& x) {
  return t.sizes() == x.sizes() && t.scalar_type() == x.scalar_type() && t.device() == x.device() &&
         t.is_contiguous(at::MemoryFormat::ChannelsLast) && aligned16(t);
}

}  // namespace

bool group_norm_act_cuda_supported(const at::Tensor& x, int groups, const at::Tensor& weight, const at::Tensor& bias,
                                   const at::Tensor& residual) {
  if (!x.is_cuda() || x.dim() != 4 || x.numel() == 0 || !x.is_contiguous(at::MemoryFormat::ChannelsLast) ||
      !aligned16(x))
    return false;
  const auto type = kernel_type(x.scalar_type());
  const std::int64_t c = x.size(1);
  if (!type || c > 65536 || !kernels::cuda::group_norm_act_supported(*type, static_cast<int>(c), groups)) return false;
  for (const at::Tensor* p : {&weight, &bias}) {
    if (p->numel() != c || p->scalar_type() != x.scalar_type() || p->device() != x.device() || !p->is_contiguous())
      return false;
  }
  return x.size(0) <= 65535 && (!residual.defined() || like(residual, x));
}

at::Tensor& group_norm_act_cuda_(at::Tensor& x, int groups, const at::Tensor& weight, const at::Tensor& bias,
                                 double eps, const at::Tensor& residual, bool relu) {
  const c10::cuda::CUDAGuard guard(x.device());
  const int n = static_cast<int>(x.size(0)), c = static_cast<int>(x.size(1));
  const std::int64_t pixels = x.size(2) * x.size(3);
  // Scratch from LibTorch's caching allocator, on the current stream like the kernels.
  at::Tensor scratch =
      at::empty({static_cast<std::int64_t>(kernels::cuda::group_norm_scratch_bytes(n, pixels, c, groups))},
                x.options().dtype(at::kByte).memory_format(at::MemoryFormat::Contiguous));
  kernels::cuda::group_norm_act(x.mutable_data_ptr(), residual.defined() ? residual.const_data_ptr() : nullptr,
                                weight.const_data_ptr(), bias.const_data_ptr(), *kernel_type(x.scalar_type()), n,
                                pixels, c, groups, static_cast<float>(eps), relu, scratch.mutable_data_ptr(),
                                c10::cuda::getCurrentCUDAStream(x.device().index()).stream());
  return x;
}

}  // namespace corridorkey::detail
