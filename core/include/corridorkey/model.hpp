// GreenFormer: Hiera backbone (4-channel patch embed), two multi-scale decoder heads and the
// dilated CNN refiner, written with ATen operators so that the maths is the reference's to
// float32 round-off. Parameters carry the reference state dict's names.
#pragma once

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include "corridorkey/checkpoint.hpp"

namespace corridorkey {

namespace detail {
class CudaGraphs;
}

/// The architecture. The defaults are CorridorKey v1.0 (Hiera base-plus, trained at 2048 px).
struct ModelConfig {
  int in_channels = 4;
  int embed_dim = 112;
  int num_heads = 2;
  std::vector<int> stages{2, 3, 16, 3};
  int train_img_size = 2048;  ///< pos_embed holds (train_img_size/4)^2 tokens
  bool use_refiner = true;
  int q_pool = 3;     ///< stage ends that pool queries (2x2)
  int mask_unit = 8;  ///< mask units of 8x8 tokens
  std::vector<bool> mask_unit_attn{true, true, false, false};
  double mlp_ratio = 4.0;
  int decoder_dim = 256;
  int refiner_hidden = 64;

  /// Reads the sidecar/metadata JSON schema (see shared/fixtures/tiny/config.json); unknown keys are
  /// ignored, wrong types are a ModelError naming the key and `source`.
  static ModelConfig from_json_text(const std::string& text, const std::string& source);
  /// Infers what shapes can tell (embed dim, stages, training grid, refiner); heads are not
  /// visible in shapes and follow Hiera base-plus (head width 56) unless that does not divide.
  static ModelConfig infer(const std::map<std::string, at::Tensor>& tensors, const std::string& source);
  /// The architecture for a checkpoint: config.json beside it, else "corridorkey.config" in its
  /// metadata, else inferred from the tensors. `origin` tells which one was used.
  static ModelConfig resolve(const StateDict& state, std::string* origin = nullptr);

  std::string to_json() const;
  std::string describe() const;       ///< "Hiera embed 112, heads 2, stages 2-3-16-3, trained at 2048 px ..."
  std::vector<int> channels() const;  ///< feature channels per stage (112, 224, 448, 896)
  /// Every parameter the model needs at `img_size` with its shape (pos_embed sized for img_size).
  std::map<std::string, std::vector<std::int64_t>> parameter_shapes(int img_size) const;
  /// Random weights of these shapes (for benchmarks and test checkpoints): N(0, 0.02) weights,
  /// norm scales near 1, positive running variances; the same tensors for the same seed.
  std::map<std::string, at::Tensor> random_weights(int img_size, std::uint64_t seed) const;
};

struct ModelOptions {
  int img_size = 2048;                    ///< any multiple of 32
  at::ScalarType precision = at::kFloat;  ///< kFloat, kHalf or kBFloat16
  c10::Device device = c10::Device(c10::kCPU);
  bool allow_backbone_only = false;  ///< run without refiner weights when they are absent
  /// With float16 or bfloat16: the patch embedding and this many leading Hiera stages (0-4) keep
  /// float32 weights and activations; the rest runs in the precision. kAutoFloat32Stages (the
  /// default) picks per precision: 0 for float16, as upstream runs its whole network in float16 on
  /// CUDA (on the fixtures its outputs are as near float32's either way); 1 for bfloat16, whose 8
  /// bits put the first stage's features 10x further off (the MLX port of CorridorKey found that
  /// stage must stay float32; docs/cli.md, Precision).
  static constexpr int kAutoFloat32Stages = -1;
  int float32_stages = kAutoFloat32Stages;
  /// On the CPU in float32: the refiner's 64 -> 64 3x3 convolutions by Winograd F(4x4, 3x3), 4x
  /// fewer multiplications than oneDNN's direct convolution (winograd_cpu.hpp). Its float32
  /// round-off is a few times the direct convolution's; false keeps the direct one.
  bool winograd = true;
  /// Each decoder head's upsampling, sum, ReLU and classifier as one pass over its finest scale
  /// (float32 and bfloat16 on the CPU; float32, float16 and bfloat16 on CUDA), instead of ATen's
  /// four passes through full-size intermediate maps. Sums in float32; false keeps ATen's ops.
  bool fused_decoder = true;
  /// On CUDA: each batch size's forward pass is captured as a CUDA graph after one warm-up pass and
  /// replayed from then on (one launch a frame instead of some thousand); a capture that fails is
  /// logged and that batch size runs without one. Off by default until a GPU run has measured it.
  bool cuda_graphs = false;
};

/// Parses "float32|fp32|float16|fp16|half|bfloat16|bf16".
at::ScalarType parse_precision(const std::string& name);
std::string precision_name(at::ScalarType type);

struct ModelOutput {
  at::Tensor alpha;                  ///< [B,1,S,S] after the refiner and the sigmoid
  at::Tensor fg;                     ///< [B,3,S,S]
  std::vector<at::Tensor> features;  ///< Hiera stage outputs [B,C,h,w] (only when asked for)
};

class GreenFormer {
 public:
  /// Builds the network from a state dict: missing keys are a ModelError listing them, unexpected
  /// keys a warning listing them, shape mismatches a ModelError, except pos_embed, which is resized
  /// (bicubic, align_corners=false) from the checkpoint's grid to img_size/4.
  static GreenFormer load(const StateDict& state, const ModelConfig& config, const ModelOptions& options);

  /// Called after each part of a forward pass with its name ("patch embed", "stage 1".."stage 4",
  /// "alpha decoder", "fg decoder", "refiner", "outputs"): benchmarks time the parts with it (after
  /// waiting for the device).
  using PartDone = std::function<void(const char* part)>;

  /// x: [B,4,S,S] normalised RGB + hint. `refiner_scale` multiplies the refiner's delta logits.
  /// Running out of memory is a ModelError naming img_size, precision, batch and device, with
  /// LibTorch's account and what to change; on a GPU the failed pass's cached memory is released.
  /// With options().cuda_graphs, a pass without features or part callbacks may run as a CUDA graph.
  ModelOutput forward(const at::Tensor& x, double refiner_scale = 1.0, bool keep_features = false,
                      const PartDone& part_done = {}) const;

  const ModelConfig& config() const { return config_; }
  const ModelOptions& options() const { return options_; }
  bool has_refiner() const { return has_refiner_; }
  /// Leading Hiera stages that run in float32 (0 when the precision is float32; with
  /// kAutoFloat32Stages, 0 for float16 and 1 for bfloat16).
  int float32_stages() const {
    if (options_.precision == at::kFloat) return 0;
    if (options_.float32_stages == ModelOptions::kAutoFloat32Stages) return options_.precision == at::kHalf ? 0 : 1;
    return std::clamp(options_.float32_stages, 0, 4);
  }
  bool pos_embed_resized() const { return pos_embed_resized_; }
  /// How many CUDA graphs of the forward pass are captured and replayed (0 without cuda_graphs).
  int cuda_graphs_captured() const;
  /// Multiply-accumulate FLOPs (x2) of one forward pass at img_size, for benchmarks.
  double flops_per_frame() const;

 private:
  at::Tensor w(const std::string& name) const;
  int float32_blocks() const;  // the encoder blocks of the float32 stages
  at::Tensor encoder_block(const at::Tensor& x, int index, int dim, int dim_out, int heads, int q_stride, int window,
                           bool mask_unit_attn) const;
  std::vector<at::Tensor> encoder(const at::Tensor& x, const PartDone& part_done) const;
  at::Tensor decoder(const std::string& prefix, const std::vector<at::Tensor>& features) const;
  void fold_decoder(const std::string& prefix);
  at::Tensor refiner(const at::Tensor& input) const;  // input: [B, 8, S, S], the 8th channel zero
  ModelOutput run_forward(const at::Tensor& x, double refiner_scale, bool keep_features,
                          const PartDone& part_done) const;
  void check_input(const at::Tensor& input) const;  // ModelError unless [B, 4, S, S]

  ModelConfig config_;
  ModelOptions options_;
  std::map<std::string, at::Tensor> weights_;
  bool has_refiner_ = false;
  bool pos_embed_resized_ = false;
  std::shared_ptr<detail::CudaGraphs> graphs_;  // with options_.cuda_graphs on a CUDA device
};

}  // namespace corridorkey
