// The Hiera backbone (timm's hiera.py semantics): patch embed, absolute pos_embed, unroll, blocks
// with query pooling and mask-unit/global attention, and reroll of each stage's output.
#include <ATen/ATen.h>

#include "corridorkey/model.hpp"

namespace corridorkey {
namespace {

// Orders tokens so that every 2x2 pooling window (and, after three of them, every 8x8 mask unit)
// is contiguous: [B, H*W, C] -> [B, (Sy, Sx, H/Sy, W/Sx) x3, C].
at::Tensor unroll(const at::Tensor& x, std::int64_t h, std::int64_t w, int times) {
  const std::int64_t B = x.size(0), C = x.size(2);
  at::Tensor y = x.view({B, h, w, C});
  std::int64_t b = B;
  for (int i = 0; i < times; ++i) {
    h /= 2, w /= 2;
    y = y.view({b, h, 2, w, 2, C}).permute({0, 2, 4, 1, 3, 5}).flatten(0, 2);
    b *= 4;
  }
  return y.reshape({B, -1, C});
}

// Undoes `times` unrolls for a stage output of spatial size h x w: [B, N, C] -> [B, h, w, C].
at::Tensor reroll(const at::Tensor& x, std::int64_t h, std::int64_t w, int times) {
  const std::int64_t B = x.size(0), C = x.size(2);
  std::int64_t N = x.size(1), mu = 1;
  at::Tensor y = x;
  for (int i = 0; i < times; ++i) {
    y = y.view({B, 2, 2, N / 4, mu, mu, C}).permute({0, 3, 1, 4, 2, 5, 6});
    mu *= 2;
    y = y.reshape({B, -1, mu, mu, C});
    N = y.size(1);
  }
  return y.view({B, h / mu, w / mu, mu, mu, C}).permute({0, 1, 3, 2, 4, 5}).reshape({B, h, w, C});
}

}  // namespace

at::Tensor GreenFormer::encoder_block(const at::Tensor& x, int index, int dim, int dim_out, int heads, int q_stride,
                                      int window, bool mask_unit_attn) const {
  const std::string p = "encoder.model.blocks." + std::to_string(index) + ".";
  const std::int64_t B = x.size(0), N = x.size(1);
  const at::Tensor x_norm = at::layer_norm(x, {dim}, w(p + "norm1.weight"), w(p + "norm1.bias"), 1e-6);
  at::Tensor shortcut = x;
  if (dim != dim_out) {  // expand, then max-pool the shortcut over the q_stride window
    shortcut = at::linear(x_norm, w(p + "proj.weight"), w(p + "proj.bias"));
    shortcut = at::amax(shortcut.view({B, q_stride, -1, dim_out}), 1);
  }
  // Attention. Tokens are ordered (token-in-window, window), so windows are the fastest index.
  const std::int64_t head_dim = dim_out / heads;
  const std::int64_t windows = mask_unit_attn ? N / (static_cast<std::int64_t>(q_stride) * window) : 1;
  const at::Tensor qkv = at::linear(x_norm, w(p + "attn.qkv.weight"), w(p + "attn.qkv.bias"))
                             .view({B, -1, windows, 3, heads, head_dim})
                             .permute({3, 0, 4, 2, 1, 5});  // [3, B, heads, windows, T, hd]
  at::Tensor q = qkv[0], k = qkv[1], v = qkv[2];
  if (q_stride > 1) q = at::amax(q.reshape({B, heads, windows, q_stride, -1, head_dim}), 3);
  const std::int64_t tq = q.size(3), tk = k.size(3);
  // SDPA on 4-D [B*heads*windows... ] views: fused kernels never materialise the N x N matrix.
  at::Tensor out = at::scaled_dot_product_attention(q.reshape({B, heads * windows, tq, head_dim}),
                                                    k.reshape({B, heads * windows, tk, head_dim}),
                                                    v.reshape({B, heads * windows, tk, head_dim}));
  out = out.view({B, heads, windows, tq, head_dim}).permute({0, 3, 2, 1, 4}).reshape({B, -1, dim_out});
  at::Tensor y = shortcut + at::linear(out, w(p + "attn.proj.weight"), w(p + "attn.proj.bias"));
  const at::Tensor h = at::layer_norm(y, {dim_out}, w(p + "norm2.weight"), w(p + "norm2.bias"), 1e-6);
  const at::Tensor m = at::linear(at::gelu(at::linear(h, w(p + "mlp.fc1.weight"), w(p + "mlp.fc1.bias"))),
                                  w(p + "mlp.fc2.weight"), w(p + "mlp.fc2.bias"));
  return y + m;
}

std::vector<at::Tensor> GreenFormer::encoder(const at::Tensor& input, const PartDone& part_done) const {
  static const char* const kStageNames[] = {"stage 1", "stage 2", "stage 3", "stage 4"};
  const ModelConfig& c = config_;
  at::Tensor x = at::conv2d(input, w("encoder.model.patch_embed.proj.weight"), w("encoder.model.patch_embed.proj.bias"),
                            {4, 4}, {3, 3});
  std::int64_t h = x.size(2), wd = x.size(3);
  x = x.flatten(2).transpose(1, 2) + w("encoder.model.pos_embed");
  const int unrolls = static_cast<int>(c.stages.size()) - 1;
  x = unroll(x, h, wd, unrolls);
  if (part_done) part_done("patch embed");

  std::vector<at::Tensor> features;
  const int float32_blocks = this->float32_blocks();
  int dim = c.embed_dim, heads = c.num_heads, block = 0;
  int window = c.mask_unit * c.mask_unit;
  for (std::size_t s = 0; s < c.stages.size(); ++s) {
    for (int i = 0; i < c.stages[s]; ++i, ++block) {
      const bool first_of_later_stage = (i == 0 && s > 0);
      const bool pools = first_of_later_stage && static_cast<int>(s) <= c.q_pool;
      const int dim_out = first_of_later_stage ? dim * 2 : dim;
      if (first_of_later_stage) heads *= 2;
      if (pools) window /= 4;
      // Attention type lags one block behind the stage: a stage's first block keeps the previous one's.
      const bool mua = c.mask_unit_attn[first_of_later_stage ? s - 1 : s];
      // The first block past the float32 stages switches the activations to the precision.
      if (block == float32_blocks && x.scalar_type() != options_.precision) x = x.to(options_.precision);
      x = encoder_block(x, block, dim, dim_out, heads, pools ? 4 : 1, window, mua);
      dim = dim_out;
    }
    if (s > 0 && static_cast<int>(s) <= c.q_pool) h /= 2, wd /= 2;
    const int remaining = unrolls - std::min<int>(static_cast<int>(s), c.q_pool);
    // The decoders run in the precision, whatever the stage ran in.
    features.push_back(reroll(x, h, wd, remaining).permute({0, 3, 1, 2}).to(options_.precision));
    if (part_done) part_done(s < 4 ? kStageNames[s] : "stage");
  }
  return features;
}

}  // namespace corridorkey
