// Whole-tensor sRGB curves (corridorkey/color.hpp).
#include "corridorkey/color.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "corridorkey/errors.hpp"
#include "corridorkey_kernels/color_math.hpp"
#include "corridorkey_kernels/rows.hpp"

namespace corridorkey {
namespace {

constexpr std::int64_t kRow = 1 << 16;  // items per band row

// Runs `f(first, last)` over [0, count) in bands of rows of kRow items on at::get_num_threads() threads.
template <class F>
void in_bands(std::int64_t count, F&& f) {
  const int rows = static_cast<int>((count + kRow - 1) / kRow);
  kernels::thread_bands(at::get_num_threads())(
      rows, [&](int begin, int end) { f(begin * kRow, std::min<std::int64_t>(count, end * kRow)); });
}

at::Tensor apply(const at::Tensor& values, bool to_linear) {
  if (!values.defined() || values.scalar_type() != at::kFloat) {
    throw FrameError(std::string(to_linear ? "srgb_to_linear" : "linear_to_srgb") + " needs a float32 tensor");
  }
  if (!values.is_cpu()) {
    const at::Tensor x = values.clamp_min(0.0);
    if (to_linear) return at::where(x <= 0.04045, x / 12.92, at::pow((x + 0.055) / 1.055, 2.4));
    return at::where(x <= 0.0031308, x * 12.92, 1.055 * at::pow(x.clamp_min(1e-30), 1.0 / 2.4) - 0.055);
  }
  const at::Tensor in = values.contiguous();
  at::Tensor out = at::empty_like(in);
  const float* src = in.const_data_ptr<float>();
  float* dst = out.mutable_data_ptr<float>();
  in_bands(in.numel(), [&](std::int64_t first, std::int64_t last) {
    if (to_linear) {
      for (std::int64_t i = first; i < last; ++i) dst[i] = kernels::math::srgb_to_linear(src[i]);
    } else {
      for (std::int64_t i = first; i < last; ++i) dst[i] = kernels::math::linear_to_srgb(src[i]);
    }
  });
  return out;
}

}  // namespace

at::Tensor encode_premultiplied_srgb(const at::Tensor& rgba) {
  if (!rgba.defined() || rgba.scalar_type() != at::kFloat || rgba.dim() == 0 || rgba.size(-1) != 4) {
    throw FrameError("encode_premultiplied_srgb needs a float32 [..., 4] RGBA tensor");
  }
  if (!rgba.is_cpu()) {
    const at::Tensor a = rgba.narrow(-1, 3, 1);
    const at::Tensor straight =
        at::where(a > 0, rgba.narrow(-1, 0, 3) / a.clamp_min(1e-30), at::zeros({}, rgba.options()));
    return at::cat({linear_to_srgb(straight) * a, a}, -1);
  }
  const at::Tensor in = rgba.contiguous();
  at::Tensor out = at::empty_like(in);
  const float* src = in.const_data_ptr<float>();
  float* dst = out.mutable_data_ptr<float>();
  in_bands(in.numel() / 4, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t i = first; i < last; ++i) {
      const float* p = src + 4 * i;
      float* q = dst + 4 * i;
      const float a = p[3];
      for (int c = 0; c < 3; ++c) q[c] = a > 0 ? kernels::math::linear_to_srgb(p[c] / a) * a : 0.0f;
      q[3] = a;
    }
  });
  return out;
}

at::Tensor srgb_to_linear(const at::Tensor& values) { return apply(values, true); }
at::Tensor linear_to_srgb(const at::Tensor& values) { return apply(values, false); }

}  // namespace corridorkey
