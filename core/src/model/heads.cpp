// The two decoder heads (alpha: 1 channel, fg: 3 channels) and the dilated residual CNN refiner.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#if defined(__GLIBC__)
#include <malloc.h>  // malloc_trim
#endif

#include "corridorkey/config.hpp"
#include "corridorkey/model.hpp"
#include "decoder_head.hpp"
#include "group_norm_cpu.hpp"
#include "outputs_cpu.hpp"
#include "winograd_cpu.hpp"
#if CORRIDORKEY_WITH_CUDA
#include "group_norm_cuda.hpp"
#endif

namespace corridorkey {

// Reference maths: per scale e_i = linear_ci(c_i), upsampled to 1/4; x = BN(fuse(cat(e_4..e_1))).
// Linear maps commute with bilinear upsampling, so each scale's share of the 1x1 fuse (and the
// eval-mode BatchNorm) is folded into its linear at load time (fold_decoder) and applied at the
// scale's own resolution: the same function, ~4x fewer FLOPs at 1/4 resolution.
at::Tensor GreenFormer::decoder(const std::string& prefix, const std::vector<at::Tensor>& features) const {
  const at::Tensor& c1 = features[0];
  const std::vector<std::int64_t> size{c1.size(2), c1.size(3)};
  // Each scale's folded linear: tokens x channels in, tokens x channels out, [B, h, w, D].
  std::vector<at::Tensor> e;
  for (std::size_t i = 0; i < features.size(); ++i) {
    const at::Tensor& c = features[i];
    const std::string l = prefix + "folded_c" + std::to_string(i + 1) + ".";
    e.push_back(at::linear(c.flatten(2).transpose(1, 2), w(l + "weight"), w(l + "bias"))
                    .view({c.size(0), c.size(2), c.size(3), -1}));
  }
  const at::Tensor& classifier = w(prefix + "classifier.weight");
  const at::Tensor& classifier_bias = w(prefix + "classifier.bias");
  // The upsampling, the sum, the ReLU and the classifier as one pass (decoder_head.hpp).
  if (options_.fused_decoder && detail::decoder_head_supported(e, classifier, classifier_bias))
    return detail::decoder_head(e, classifier, classifier_bias, at::get_num_threads());
  // ATen's ops: NCHW views of the channels-last maps, which the upsampling and the additions keep
  // (no transposing copies).
  at::Tensor x;
  for (std::size_t i = e.size(); i-- > 0;) {
    at::Tensor up = e[i].permute({0, 3, 1, 2});
    if (i > 0) up = at::upsample_bilinear2d(up, size, /*align_corners=*/false);
    x = x.defined() ? x.add_(up) : up;
  }
  return at::conv2d(x.relu_(), classifier, classifier_bias).contiguous();
}

void GreenFormer::fold_decoder(const std::string& prefix) {
  // In float64: W_i' = s * (F_k W_i), b_i' = s * (F_k b_i) (+ t for one scale), where F_k is the
  // fuse weight's block for scale i (cat order c4, c3, c2, c1), s = gamma / sqrt(var + eps) and
  // t = beta - mean * s.
  const auto d = [&](const std::string& n) { return w(n).to(at::kCPU, at::kDouble); };
  const at::Tensor fuse = d(prefix + "linear_fuse.weight").flatten(1);  // [D, 4D]
  const at::Tensor scale = d(prefix + "bn.weight") / at::sqrt(d(prefix + "bn.running_var") + 1e-5);
  const at::Tensor shift = d(prefix + "bn.bias") - d(prefix + "bn.running_mean") * scale;
  const std::int64_t dim = fuse.size(0);
  for (int i = 0; i < 4; ++i) {
    const std::string l = prefix + "linear_c" + std::to_string(i + 1) + ".proj.";
    const at::Tensor block = fuse.slice(1, (3 - i) * dim, (4 - i) * dim);
    at::Tensor weight = scale.unsqueeze(1) * at::matmul(block, d(l + "weight"));
    at::Tensor bias = scale * at::matmul(block, d(l + "bias"));
    if (i == 0) bias = bias + shift;
    const auto options = w(l + "weight").options();
    weights_[prefix + "folded_c" + std::to_string(i + 1) + ".weight"] = weight.to(options).contiguous();
    weights_[prefix + "folded_c" + std::to_string(i + 1) + ".bias"] = bias.to(options).contiguous();
  }
}

at::Tensor GreenFormer::refiner(const at::Tensor& input) const {
  // Channels-last activations (and weights, see load()) let oneDNN use its NHWC convolutions,
  // about 20% faster here than NCHW, and cuDNN its NHWC tensor-core kernels. Each GroupNorm runs
  // with the ReLU (and the residual add) after it as one in-place operation, on the CPU
  // (group_norm_cpu.hpp) and on CUDA (group_norm_cuda.hpp: ATen's CUDA GroupNorm took 34 ms per
  // call at 2048 px on an H100); anything else gets ATen's ops, the ReLUs and the add in place.
  const int threads = at::get_num_threads();
  auto gn_act = [&](at::Tensor x, const std::string& p, const at::Tensor& residual, bool relu) {
    const at::Tensor& weight = w(p + "weight");
    const at::Tensor& bias = w(p + "bias");
    if (detail::group_norm_act_cpu_supported(x, 8, weight, bias, residual))
      return detail::group_norm_act_cpu_(x, 8, weight, bias, 1e-5, residual, relu, threads);
#if CORRIDORKEY_WITH_CUDA
    if (detail::group_norm_act_cuda_supported(x, 8, weight, bias, residual))
      return detail::group_norm_act_cuda_(x, 8, weight, bias, 1e-5, residual, relu);
#endif
    x = at::group_norm(x, 8, weight, bias, 1e-5);
    if (residual.defined()) x.add_(residual);
    return relu ? x.relu_() : x;
  };
#if defined(__GLIBC__)
  // The refiner's full-resolution 64-channel activations are the forward pass's memory peak; where
  // one of them is large (512 MiB: 2048 px), the heap the encoder and decoders freed goes back to
  // the system first instead of staying resident beside them (2048 px bfloat16: peak RSS 3.0 ->
  // 2.5 GiB, bench_model). Smaller sizes keep it: the next frame would fault it all in again
  // (512 px float32: 5-10% slower with the trim).
  const double map_bytes = 64.0 * static_cast<double>(input.size(0) * input.size(2) * input.size(3)) *
                           static_cast<double>(input.element_size());
  if (input.is_cpu() && map_bytes >= 512.0 * (1 << 20)) malloc_trim(0);
#endif
  // The 64 -> 64 3x3 convolutions, by Winograd where load() transformed their filters (CPU float32).
  // Their results go into activations the loop no longer needs (three per frame, not nine fresh ones,
  // each a page fault per 4 KiB).
  const bool winograd = weights_.count("refiner.res1.conv1.weight.winograd") != 0;
  std::vector<at::Tensor> spare;
  auto conv3x3 = [&](const at::Tensor& x, const std::string& p, std::int64_t d) {
    const auto u = weights_.find(p + "weight.winograd");
    if (u != weights_.end() && detail::winograd_conv3x3_supported(x, u->second)) {
      at::Tensor out;
      if (!spare.empty()) out = std::move(spare.back()), spare.pop_back();
      return detail::winograd_conv3x3(x, u->second, w(p + "bias"), static_cast<int>(d), threads, out);
    }
    return at::conv2d(x, w(p + "weight"), w(p + "bias"), 1, d, d);
  };
  const at::Tensor in = input.contiguous(at::MemoryFormat::ChannelsLast);
  // The input's 8th channel is zero, and so is the padded stem filter's (load()).
  at::Tensor x = gn_act(at::conv2d(in, w("refiner.stem.0.weight.padded"), w("refiner.stem.0.bias"), 1, 1),
                        "refiner.stem.1.", at::Tensor(), true);
  const int dilations[] = {1, 2, 4, 8};
  for (int r = 0; r < 4; ++r) {
    const std::string p = "refiner.res" + std::to_string(r + 1) + ".";
    const std::int64_t d = dilations[r];
    at::Tensor y = gn_act(conv3x3(x, p + "conv1.", d), p + "gn1.", at::Tensor(), true);
    at::Tensor z = gn_act(conv3x3(y, p + "conv2.", d), p + "gn2.", x, true);
    if (winograd) spare = {std::move(y), std::move(x)};
    x = std::move(z);
  }
  spare.clear();
  // The closing 1x1 convolution: on the CPU the same bits for any thread count (outputs_cpu.hpp).
  if (detail::pointwise_conv_cpu_supported(x, w("refiner.final.weight"), w("refiner.final.bias"))) {
    return detail::pointwise_conv_cpu(x, w("refiner.final.weight"), w("refiner.final.bias"), 10.0f, threads);
  }
  return at::conv2d(x, w("refiner.final.weight"), w("refiner.final.bias")).mul_(10.0).contiguous();
}

}  // namespace corridorkey
