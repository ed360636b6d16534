// The logits' upsampling, the refiner's closing 1x1 convolution and the output sigmoids on the
// CPU, the same bits for any thread count (outputs_cpu.hpp).
#include "outputs_cpu.hpp"

#include <ATen/ATen.h>
#include <ATen/record_function.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "bfloat16_bits.hpp"
#include "bilinear_taps.hpp"
#include "corridorkey_kernels/rows.hpp"

namespace corridorkey::detail {
namespace {

constexpr int kPixelsPerRow = 256;  // the unit of the bands: any value gives the same bits

bool float_or_bfloat16(const at::Tensor& t) {
  return t.scalar_type() == at::kFloat || t.scalar_type() == at::kBFloat16;
}

// Pixels [first, last) of one image: x holds C values a pixel, out K planes of `plane` values.
template <class T, int K>
void pointwise_pixels(const T* x, const float* wt, const float* bias, float scale, std::int64_t C, std::int64_t first,
                      std::int64_t last, T* out, std::int64_t plane) {
  for (std::int64_t p = first; p < last; ++p) {
    float acc[K];
    for (int k = 0; k < K; ++k) acc[k] = bias[k];
    const std::int64_t row = p * C;
    for (std::int64_t c = 0; c < C; ++c) {
      const float v = load(x, row + c);
      for (int k = 0; k < K; ++k) acc[k] += wt[c * K + k] * v;
    }
    for (int k = 0; k < K; ++k) store(out, k * plane + p, acc[k] * scale);
  }
}

template <class T>
void pointwise_pixels_any(const T* x, const float* wt, const float* bias, float scale, std::int64_t C, std::int64_t K,
                          std::int64_t first, std::int64_t last, T* out, std::int64_t plane) {
  for (std::int64_t p = first; p < last; ++p) {
    for (std::int64_t k = 0; k < K; ++k) {
      float acc = bias[k];
      for (std::int64_t c = 0; c < C; ++c) acc += wt[c * K + k] * load(x, p * C + c);
      store(out, k * plane + p, acc * scale);
    }
  }
}

template <class T>
void pointwise_run(const T* x, const float* wt, const float* bias, float scale, std::int64_t B, std::int64_t C,
                   std::int64_t K, std::int64_t HW, T* out, int threads) {
  const std::int64_t rows_per_image = (HW + kPixelsPerRow - 1) / kPixelsPerRow;
  kernels::thread_bands(threads)(static_cast<int>(B * rows_per_image), [&](int begin, int end) {
    for (int r = begin; r < end; ++r) {
      const std::int64_t b = r / rows_per_image;
      const std::int64_t first = (r % rows_per_image) * kPixelsPerRow;
      const std::int64_t last = std::min(HW, first + kPixelsPerRow);
      const T* xb = x + b * HW * C;
      T* ob = out + b * K * HW;
      if (K == 4) {
        pointwise_pixels<T, 4>(xb, wt, bias, scale, C, first, last, ob, HW);
      } else {
        pointwise_pixels_any(xb, wt, bias, scale, C, K, first, last, ob, HW);
      }
    }
  });
}

template <class T>
void sigmoid_run(const T* in, T* out, const std::int64_t* size, const std::int64_t* in_stride,
                 const std::int64_t* out_stride, int threads) {
  // One row: the last dimension at fixed indices of the first three.
  const std::int64_t rows = size[0] * size[1] * size[2];
  kernels::thread_bands(threads)(static_cast<int>(rows), [&](int begin, int end) {
    for (std::int64_t r = begin; r < end; ++r) {
      const std::int64_t i0 = r / (size[1] * size[2]), i1 = (r / size[2]) % size[1], i2 = r % size[2];
      const std::int64_t ib = i0 * in_stride[0] + i1 * in_stride[1] + i2 * in_stride[2];
      const std::int64_t ob = i0 * out_stride[0] + i1 * out_stride[1] + i2 * out_stride[2];
      for (std::int64_t j = 0; j < size[3]; ++j) {
        const float v = load(in, ib + j * in_stride[3]);
        store(out, ob + j * out_stride[3], 1.0f / (1.0f + std::exp(-v)));
      }
    }
  });
}

template <class T>
void upsample_run(const T* x, std::int64_t planes, std::int64_t h, std::int64_t w, std::int64_t H, std::int64_t W,
                  T* out, int threads) {
  const Taps ty = bilinear_taps(h, H), tx = bilinear_taps(w, W);
  kernels::thread_bands(threads)(static_cast<int>(planes * H), [&](int begin, int end) {
    for (std::int64_t r = begin; r < end; ++r) {
      const std::int64_t p = r / H, y = r % H;
      const T* row0 = x + (p * h + ty.i0[y]) * w;
      const T* row1 = x + (p * h + ty.i1[y]) * w;
      T* o = out + r * W;
      for (std::int64_t j = 0; j < W; ++j) {
        const std::int64_t x0 = tx.i0[j], x1 = tx.i1[j];
        const float top = tx.l0[j] * load(row0, x0) + tx.l1[j] * load(row0, x1);
        const float bottom = tx.l0[j] * load(row1, x0) + tx.l1[j] * load(row1, x1);
        store(o, j, ty.l0[y] * top + ty.l1[y] * bottom);
      }
    }
  });
}

template <class T>
const T* data_of(const at::Tensor& t) {
  return reinterpret_cast<const T*>(t.const_data_ptr());
}
template <class T>
T* mutable_data_of(const at::Tensor& t) {
  return reinterpret_cast<T*>(t.mutable_data_ptr());
}

}  // namespace

bool upsample_bilinear_cpu_supported(const at::Tensor& x) {
  return x.defined() && x.is_cpu() && x.dim() == 4 && float_or_bfloat16(x) && x.is_contiguous() && x.numel() > 0;
}

at::Tensor upsample_bilinear_cpu(const at::Tensor& x, std::int64_t H, std::int64_t W, int threads) {
  RECORD_FUNCTION("corridorkey::upsample_bilinear_cpu", std::vector<c10::IValue>());
  TORCH_CHECK(
      upsample_bilinear_cpu_supported(x) && H > 0 && W > 0 && x.size(0) * x.size(1) * H < (std::int64_t{1} << 31),
      "upsample_bilinear_cpu: unsupported tensor or size");
  const std::int64_t planes = x.size(0) * x.size(1);
  at::Tensor out = at::empty({x.size(0), x.size(1), H, W}, x.options().memory_format(at::MemoryFormat::Contiguous));
  if (x.scalar_type() == at::kFloat) {
    upsample_run(data_of<float>(x), planes, x.size(2), x.size(3), H, W, mutable_data_of<float>(out), threads);
  } else {
    upsample_run(data_of<std::uint16_t>(x), planes, x.size(2), x.size(3), H, W, mutable_data_of<std::uint16_t>(out),
                 threads);
  }
  return out;
}

bool pointwise_conv_cpu_supported(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  if (!x.defined() || !x.is_cpu() || x.dim() != 4 || !float_or_bfloat16(x) ||
      !x.is_contiguous(at::MemoryFormat::ChannelsLast)) {
    return false;
  }
  if (!weight.defined() || !bias.defined() || weight.scalar_type() != x.scalar_type() ||
      bias.scalar_type() != x.scalar_type() || !weight.is_cpu() || !bias.is_cpu()) {
    return false;
  }
  const bool shape = (weight.dim() == 2 || (weight.dim() == 4 && weight.size(2) == 1 && weight.size(3) == 1));
  return shape && weight.size(1) == x.size(1) && bias.dim() == 1 && bias.size(0) == weight.size(0) &&
         x.size(0) * ((x.size(2) * x.size(3) + kPixelsPerRow - 1) / kPixelsPerRow) < (std::int64_t{1} << 31);
}

at::Tensor pointwise_conv_cpu(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, float scale,
                              int threads) {
  RECORD_FUNCTION("corridorkey::pointwise_conv_cpu", std::vector<c10::IValue>());
  TORCH_CHECK(pointwise_conv_cpu_supported(x, weight, bias), "pointwise_conv_cpu: unsupported tensors");
  const std::int64_t B = x.size(0), C = x.size(1), HW = x.size(2) * x.size(3), K = weight.size(0);
  // Weights as float32, [C, K]: the K sums of a pixel take one weight row per input value.
  const at::Tensor wt = weight.reshape({K, C}).to(at::kFloat).t().contiguous();
  const at::Tensor bf = bias.to(at::kFloat).contiguous();
  at::Tensor out = at::empty({B, K, x.size(2), x.size(3)}, x.options().memory_format(at::MemoryFormat::Contiguous));
  if (x.scalar_type() == at::kFloat) {
    pointwise_run(data_of<float>(x), wt.const_data_ptr<float>(), bf.const_data_ptr<float>(), scale, B, C, K, HW,
                  mutable_data_of<float>(out), threads);
  } else {
    pointwise_run(data_of<std::uint16_t>(x), wt.const_data_ptr<float>(), bf.const_data_ptr<float>(), scale, B, C, K, HW,
                  mutable_data_of<std::uint16_t>(out), threads);
  }
  return out;
}

bool sigmoid_cpu_supported(const at::Tensor& out, const at::Tensor& in) {
  return in.defined() && out.defined() && in.is_cpu() && out.is_cpu() && in.dim() == 4 && in.sizes() == out.sizes() &&
         in.scalar_type() == out.scalar_type() && float_or_bfloat16(in) &&
         in.size(0) * in.size(1) * in.size(2) < (std::int64_t{1} << 31);
}

void sigmoid_cpu_out(const at::Tensor& out, const at::Tensor& in, int threads) {
  RECORD_FUNCTION("corridorkey::sigmoid_cpu_out", std::vector<c10::IValue>());
  TORCH_CHECK(sigmoid_cpu_supported(out, in), "sigmoid_cpu_out: unsupported tensors");
  if (in.numel() == 0) return;
  if (in.scalar_type() == at::kFloat) {
    sigmoid_run(data_of<float>(in), mutable_data_of<float>(out), in.sizes().data(), in.strides().data(),
                out.strides().data(), threads);
  } else {
    sigmoid_run(data_of<std::uint16_t>(in), mutable_data_of<std::uint16_t>(out), in.sizes().data(), in.strides().data(),
                out.strides().data(), threads);
  }
}

}  // namespace corridorkey::detail
