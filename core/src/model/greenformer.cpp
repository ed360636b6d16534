#include <algorithm>
#include <cmath>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>

#include "corridorkey/config.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/model.hpp"
#include "outputs_cpu.hpp"
#include "winograd_cpu.hpp"
#if CORRIDORKEY_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>

#include "cuda_graphs.hpp"
#endif

namespace corridorkey {
namespace {

// The logits' upsampling and the output sigmoids: on the CPU the same bits for any thread count
// (outputs_cpu.hpp).
at::Tensor upsample_to(const at::Tensor& logits, std::int64_t s) {
  if (detail::upsample_bilinear_cpu_supported(logits)) {
    return detail::upsample_bilinear_cpu(logits, s, s, at::get_num_threads());
  }
  return at::upsample_bilinear2d(logits, {s, s}, /*align_corners=*/false);
}

void sigmoid_into(at::Tensor out, const at::Tensor& in) {
  if (detail::sigmoid_cpu_supported(out, in)) {
    detail::sigmoid_cpu_out(out, in, at::get_num_threads());
  } else {
    at::sigmoid_out(out, in);
  }
}

at::Tensor sigmoid_of(const at::Tensor& in) {
  at::Tensor out = at::empty_like(in, at::MemoryFormat::Contiguous);
  sigmoid_into(out, in);
  return out;
}

std::string shape_text(at::IntArrayRef shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string list_names(const std::vector<std::string>& names, std::size_t max = 12) {
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > max) s += ", ... (" + std::to_string(names.size() - max) + " more)";
  return s;
}

// pos_embed [1, g*g, C] -> [1, n*n, C] with PyTorch's bicubic (align_corners=false), in float32.
at::Tensor resize_pos_embed(const at::Tensor& pos, std::int64_t grid_out, const std::string& source) {
  const std::int64_t tokens = pos.size(1), channels = pos.size(2);
  const auto grid_in = static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(tokens))));
  if (grid_in * grid_in != tokens) {
    throw ModelError("'" + source + "': pos_embed holds " + std::to_string(tokens) +
                     " tokens, not a square grid; cannot resize it");
  }
  const at::Tensor img = pos.to(at::kFloat).permute({0, 2, 1}).reshape({1, channels, grid_in, grid_in});
  const at::Tensor out = at::upsample_bicubic2d(img, {grid_out, grid_out}, /*align_corners=*/false);
  log_info("resizing pos_embed from a ", grid_in, "x", grid_in, " grid (", grid_in * 4, " px) to ", grid_out, "x",
           grid_out, " (", grid_out * 4, " px), bicubic");
  return out.flatten(2).transpose(1, 2).contiguous();
}

}  // namespace

at::ScalarType parse_precision(const std::string& name) {
  if (name == "float32" || name == "fp32") return at::kFloat;
  if (name == "float16" || name == "fp16" || name == "half") return at::kHalf;
  if (name == "bfloat16" || name == "bf16") return at::kBFloat16;
  throw UsageError("invalid precision '" + name + "': use float32, float16 or bfloat16");
}

std::string precision_name(at::ScalarType type) {
  switch (type) {
    case at::kFloat:
      return "float32";
    case at::kHalf:
      return "float16";
    case at::kBFloat16:
      return "bfloat16";
    default:
      return c10::toString(type);
  }
}

at::Tensor GreenFormer::w(const std::string& name) const {
  const auto it = weights_.find(name);
  if (it == weights_.end()) throw ModelError("internal: the model has no parameter '" + name + "'");
  return it->second;
}

int GreenFormer::float32_blocks() const {
  int blocks = 0;
  for (int st = 0; st < std::min<int>(float32_stages(), static_cast<int>(config_.stages.size())); ++st)
    blocks += config_.stages[static_cast<std::size_t>(st)];
  return blocks;
}

GreenFormer GreenFormer::load(const StateDict& state, const ModelConfig& config, const ModelOptions& options) {
  const std::string source = state.path.string();
  if (options.img_size <= 0 || options.img_size % 32 != 0) {
    throw ModelError("img_size " + std::to_string(options.img_size) +
                     " is not a positive multiple of 32 (patch 4 x mask unit 8); use e.g. 512, 1024 or 2048");
  }
  if (options.precision != at::kFloat && options.precision != at::kHalf && options.precision != at::kBFloat16) {
    throw ModelError("precision " + precision_name(options.precision) +
                     " is not supported: use float32, float16 or bfloat16");
  }
  // cuDNN picks each convolution's algorithm by timing the candidates once per shape: the shapes
  // are fixed by img_size, so the first frame pays for it and every later one runs the fastest.
  if (options.device.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);
  if (options.device.is_cuda() && options.precision == at::kFloat) {
    // float32 means float32: no TF32 in cuDNN convolutions or cuBLAS matmuls (PyTorch allows it
    // for cuDNN by default), so a GPU run stays within reach of the reference's numbers.
    at::globalContext().setAllowTF32CuDNN(false);
    at::globalContext().setAllowTF32CuBLAS(false);
  }
  GreenFormer m;
  m.config_ = config;
  m.options_ = options;
  const bool has_refiner_weights = state.tensors.count("refiner.final.weight") != 0;
  if (config.use_refiner && !has_refiner_weights) {
    if (!options.allow_backbone_only) {
      throw ModelError("'" + source +
                       "' has no refiner weights. Use a full CorridorKey checkpoint, or ask for "
                       "backbone-only inference explicitly (--backbone-only).");
    }
    log_warn("'", source, "' has no refiner weights: running backbone-only, as asked");
    m.config_.use_refiner = false;
  }
  m.has_refiner_ = m.config_.use_refiner;

  const auto expected = m.config_.parameter_shapes(options.img_size);
  std::vector<std::string> missing, unexpected, mismatched;
  for (const auto& [name, shape] : expected) {
    if (!state.tensors.count(name)) missing.push_back(name);
  }
  if (!missing.empty()) {
    throw ModelError("'" + source + "' lacks " + std::to_string(missing.size()) + " parameters of " +
                     m.config_.describe() + ": " + list_names(missing) +
                     ". The checkpoint is incomplete or is for another architecture (check config.json).");
  }
  for (const auto& [name, tensor] : state.tensors) {
    if (!expected.count(name)) unexpected.push_back(name);
  }
  if (!unexpected.empty()) {
    log_warn("'", source, "' holds ", unexpected.size(),
             " tensors the model does not use (ignored): ", list_names(unexpected));
  }

  // Every parameter in a type the network can use: a real floating type (converted to the
  // precision), or an integer for BatchNorm's step counters.
  std::vector<std::string> unusable;
  for (const auto& [name, shape] : expected) {
    const at::Tensor& t = state.tensors.at(name);
    const auto raw = state.raw_dtypes.find(name);
    const bool counter = name.ends_with("num_batches_tracked");
    if (raw != state.raw_dtypes.end())
      unusable.push_back(name + " (" + raw->second + ")");
    else if (!(at::isFloatingType(t.scalar_type()) ||
               (counter && at::isIntegralType(t.scalar_type(), /*includeBool=*/false))))
      unusable.push_back(name + " (" + std::string(c10::toString(t.scalar_type())) + ")");
  }
  if (!unusable.empty()) {
    throw ModelError("'" + source + "' stores " + std::to_string(unusable.size()) +
                     " parameters of the network in a type it cannot convert to floating point: " +
                     list_names(unusable, 6) + ". Export them as F32, F16 or BF16.");
  }

  // The leading float32 part under a reduced precision: the patch embedding, pos_embed and the
  // blocks of the first float32_stages stages.
  const int float32_blocks = m.float32_blocks();
  const auto stays_float32 = [&](const std::string& name) {
    if (m.float32_stages() == 0) return false;
    if (name.rfind("encoder.model.patch_embed.", 0) == 0 || name == "encoder.model.pos_embed") return true;
    const std::string blocks = "encoder.model.blocks.";
    if (name.rfind(blocks, 0) != 0) return false;
    return std::stoi(name.substr(blocks.size())) < float32_blocks;
  };
  const auto options_for = [&](const std::string& name, const at::Tensor& t) {
    const bool floating = at::isFloatingType(t.scalar_type());
    const at::ScalarType type = !floating ? t.scalar_type() : stays_float32(name) ? at::kFloat : options.precision;
    return at::TensorOptions().device(options.device).dtype(type);
  };
  for (const auto& [name, shape] : expected) {
    at::Tensor t = state.tensors.at(name);
    if (t.sizes() != at::IntArrayRef(shape)) {
      if (name == "encoder.model.pos_embed" && t.dim() == 3 && t.size(0) == 1 && t.size(2) == shape[2]) {
        t = resize_pos_embed(t, options.img_size / 4, source);
        m.pos_embed_resized_ = true;
      } else {
        mismatched.push_back(name + " is " + shape_text(t.sizes()) + ", needs " + shape_text(shape));
        continue;
      }
    }
    const bool refiner_conv = name.rfind("refiner.", 0) == 0 && t.dim() == 4;
    m.weights_[name] = t.to(options_for(name, t))
                           .contiguous(refiner_conv ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
  }
  if (!mismatched.empty()) {
    throw ModelError("'" + source + "' does not fit " + m.config_.describe() + ": " + list_names(mismatched, 6) +
                     ". Check the config.json beside the checkpoint.");
  }
  // The refiner's 3x3 convolutions on a CPU in float32 run by Winograd (heads.cpp): their filters
  // transformed once, here, in float64.
  if (m.has_refiner_ && options.winograd && options.device.is_cpu() && options.precision == at::kFloat) {
    for (int r = 1; r <= 4; ++r) {
      for (const char* conv : {"conv1", "conv2"}) {
        const std::string name = "refiner.res" + std::to_string(r) + "." + conv + ".weight";
        m.weights_[name + ".winograd"] = detail::winograd_weights(m.weights_.at(name));
      }
    }
  }
  // The refiner's stem sees 7 channels (RGB, coarse alpha, coarse fg) through an 8th that is zero,
  // with a zero filter: the same sums, and 8 channels make whole 16-byte vectors of float16
  // (cuDNN's tensor-core convolutions need a multiple of 8; with 7 it pads the input itself every
  // frame, and then runs a slower kernel: 0.69 ms for this small convolution at 2048 px on an H100).
  if (m.has_refiner_) {
    const at::Tensor& stem = m.weights_.at("refiner.stem.0.weight");
    m.weights_["refiner.stem.0.weight.padded"] =
        at::constant_pad_nd(stem, {0, 0, 0, 0, 0, 1}).contiguous(at::MemoryFormat::ChannelsLast);
  }
  m.fold_decoder("alpha_decoder.");
  m.fold_decoder("fg_decoder.");
#if CORRIDORKEY_WITH_CUDA
  if (options.cuda_graphs && options.device.is_cuda()) m.graphs_ = std::make_shared<detail::CudaGraphs>();
#endif
  return m;
}

namespace {

// The network ran out of memory: which run, LibTorch's account, what to change. What the failed
// frame left in LibTorch's GPU cache goes back to the device, so a smaller run can follow.
[[noreturn]] void out_of_memory(const c10::OutOfMemoryError& e, const ModelOptions& o, std::int64_t batch) {
  const bool gpu = o.device.is_cuda();
  std::string peak;
#if CORRIDORKEY_WITH_CUDA
  if (gpu) {
    const c10::DeviceIndex index = o.device.has_index() ? o.device.index() : c10::cuda::current_device();
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(index);
    peak = " LibTorch's allocations on the device peaked at " + std::to_string(stats.allocated_bytes[0].peak >> 20) +
           " MiB in this process.";
    c10::cuda::CUDACachingAllocator::emptyCache();
  }
#endif
  std::string fix = "Use a smaller --img-size";
  if (o.img_size > 512) fix += " (e.g. " + std::to_string(std::max(512, o.img_size / 2 / 32 * 32)) + ")";
  if (gpu && o.precision == at::kFloat) fix += " or --precision float16";
  throw ModelError("out of " + std::string(gpu ? "GPU" : "host") + " memory running the network at img_size " +
                   std::to_string(o.img_size) + " in " + precision_name(o.precision) + " (batch " +
                   std::to_string(batch) + ") on " + o.device.str() + ": " + e.what_without_backtrace() + peak + " " +
                   fix + ", or free the memory other processes hold.");
}

}  // namespace

int GreenFormer::cuda_graphs_captured() const {
#if CORRIDORKEY_WITH_CUDA
  if (graphs_) return graphs_->captured();
#endif
  return 0;
}

void GreenFormer::check_input(const at::Tensor& input) const {
  const int s = options_.img_size;
  if (input.dim() != 4 || input.size(1) != config_.in_channels || input.size(2) != s || input.size(3) != s) {
    throw ModelError("model input must be [B, 4, " + std::to_string(s) + ", " + std::to_string(s) + "], got " +
                     shape_text(input.sizes()));
  }
}

ModelOutput GreenFormer::forward(const at::Tensor& input, double refiner_scale, bool keep_features,
                                 const PartDone& part_done) const {
  try {
#if CORRIDORKEY_WITH_CUDA
    if (graphs_ && !keep_features && !part_done) {
      check_input(input);
      const std::string what = "img_size " + std::to_string(options_.img_size) + ", " +
                               precision_name(options_.precision) + ", refiner scale " + std::to_string(refiner_scale);
      const at::Tensor x = input.to(options_.device);
      auto out = graphs_->run(
          x, refiner_scale, [&](const at::Tensor& in) { return run_forward(in, refiner_scale, false, {}); }, what);
      if (out) return std::move(*out);
      return run_forward(x, refiner_scale, false, {});
    }
#endif
    return run_forward(input, refiner_scale, keep_features, part_done);
  } catch (const c10::OutOfMemoryError& e) {
    out_of_memory(e, options_, input.dim() > 0 ? input.size(0) : 0);
  }
}

ModelOutput GreenFormer::run_forward(const at::Tensor& input, double refiner_scale, bool keep_features,
                                     const PartDone& part_done) const {
  c10::InferenceMode guard;
  const int s = options_.img_size;
  check_input(input);
  const auto done = [&](const char* part) {
    if (part_done) part_done(part);
  };
  const at::Tensor x = input.to(options_.device, options_.precision).contiguous();
  // The encoder starts in float32 when its first part stays float32 (float32_stages).
  std::vector<at::Tensor> features =
      encoder(float32_stages() > 0 ? input.to(options_.device, at::kFloat).contiguous() : x, part_done);
  const at::Tensor alpha_logits = upsample_to(decoder("alpha_decoder.", features), s);
  done("alpha decoder");
  const at::Tensor fg_logits = upsample_to(decoder("fg_decoder.", features), s);
  done("fg decoder");
  ModelOutput out;
  if (has_refiner_) {
    // The refiner's input, written once in its channels-last layout: RGB, the coarse alpha and fg,
    // and a zero 8th channel (see load()).
    at::Tensor coarse = at::empty({x.size(0), 8, s, s}, x.options().memory_format(at::MemoryFormat::ChannelsLast));
    coarse.narrow(1, 0, 3).copy_(x.slice(1, 0, 3));
    at::Tensor coarse_alpha = coarse.narrow(1, 3, 1), coarse_fg = coarse.narrow(1, 4, 3);
    sigmoid_into(coarse_alpha, alpha_logits);
    sigmoid_into(coarse_fg, fg_logits);
    coarse.narrow(1, 7, 1).zero_();
    at::Tensor delta = refiner(coarse);
    done("refiner");
    if (refiner_scale != 1.0) delta = delta * refiner_scale;
    out.alpha = sigmoid_of(alpha_logits + delta.slice(1, 0, 1));
    out.fg = sigmoid_of(fg_logits + delta.slice(1, 1, 4));
  } else {
    out.alpha = sigmoid_of(alpha_logits);
    out.fg = sigmoid_of(fg_logits);
  }
  done("outputs");
  if (keep_features) out.features = std::move(features);
  return out;
}

double GreenFormer::flops_per_frame() const {
  const ModelConfig& c = config_;
  const double S = options_.img_size;
  double macs = (S / 4) * (S / 4) * c.embed_dim * c.in_channels * 49;  // patch embed
  double tokens = (S / 4) * (S / 4);
  int dim = c.embed_dim, heads = c.num_heads;
  double window = c.mask_unit * c.mask_unit;
  for (std::size_t st = 0; st < c.stages.size(); ++st) {
    for (int i = 0; i < c.stages[st]; ++i) {
      const bool first = (i == 0 && st > 0);
      const bool pools = first && static_cast<int>(st) <= c.q_pool;
      const int dim_out = first ? dim * 2 : dim;
      if (first) heads *= 2;
      if (pools) window /= 4;
      const bool mua = c.mask_unit_attn[first ? st - 1 : st];
      const double out_tokens = pools ? tokens / 4 : tokens;
      if (dim != dim_out) macs += tokens * dim * dim_out;             // proj
      macs += tokens * dim * 3.0 * dim_out;                           // qkv
      const double kv_len = mua ? window * (pools ? 4 : 1) : tokens;  // keys per query
      macs += 2.0 * out_tokens * kv_len * dim_out;                    // QK^T and AV
      macs += out_tokens * dim_out * dim_out;                         // attn proj
      macs += 2.0 * out_tokens * dim_out * dim_out * c.mlp_ratio;     // mlp
      tokens = out_tokens;
      dim = dim_out;
    }
  }
  // Decoder heads: per-scale linear, fuse 1x1, classifier.
  const auto ch = c.channels();
  for (int head = 0; head < 2; ++head) {
    for (std::size_t i = 0; i < 4; ++i) macs += (S / (4 << i)) * (S / (4 << i)) * ch[i] * c.decoder_dim;
    macs += (S / 4) * (S / 4) * (4.0 * c.decoder_dim * c.decoder_dim + c.decoder_dim * (head ? 3 : 1));
  }
  if (has_refiner_) {
    const double h = c.refiner_hidden;
    macs += S * S * (7 * h * 9 + 8 * h * h * 9 + h * 4);
  }
  return 2.0 * macs;
}

}  // namespace corridorkey
