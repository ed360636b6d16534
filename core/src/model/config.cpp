#include <ATen/ATen.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "corridorkey/errors.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/model.hpp"

namespace corridorkey {
namespace {

using json = nlohmann::json;

template <class T>
void read_key(const json& j, const char* key, T& out, const std::string& source) {
  const auto it = j.find(key);
  if (it == j.end()) return;
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    throw ModelError("architecture config '" + source + "': key \"" + key + "\" has the wrong type (" + it->dump() +
                     "). Fix the config or remove the key to use the default.");
  }
}

void validate(const ModelConfig& c, const std::string& source) {
  auto bad = [&](const std::string& what) {
    throw ModelError("architecture config '" + source + "': " + what + ". Fix the config.json beside the checkpoint.");
  };
  if (c.in_channels != 4) bad("in_channels must be 4 (RGB + alpha hint), got " + std::to_string(c.in_channels));
  if (c.embed_dim <= 0 || c.num_heads <= 0 || c.embed_dim % c.num_heads != 0) {
    bad("embed_dim (" + std::to_string(c.embed_dim) + ") must be a positive multiple of num_heads (" +
        std::to_string(c.num_heads) + ")");
  }
  if (c.stages.size() != 4) bad("stages must list 4 stage depths");
  for (int s : c.stages) {
    if (s <= 0 || s > 256) bad("every stage depth must be between 1 and 256");
  }
  if (c.train_img_size <= 0 || c.train_img_size % 32 != 0) bad("train_img_size must be a positive multiple of 32");
}

}  // namespace

ModelConfig ModelConfig::from_json_text(const std::string& text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw ModelError("architecture config '" + source + "' is not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw ModelError("architecture config '" + source + "' must be a JSON object");
  ModelConfig c;
  std::string arch = "GreenFormer", encoder = "hiera";
  read_key(j, "architecture", arch, source);
  read_key(j, "encoder", encoder, source);
  if (arch != "GreenFormer" || encoder != "hiera") {
    throw ModelError("architecture config '" + source + "' describes " + arch + "/" + encoder +
                     "; this engine runs GreenFormer with a hiera encoder");
  }
  read_key(j, "in_channels", c.in_channels, source);
  read_key(j, "embed_dim", c.embed_dim, source);
  read_key(j, "num_heads", c.num_heads, source);
  read_key(j, "stages", c.stages, source);
  read_key(j, "train_img_size", c.train_img_size, source);
  read_key(j, "use_refiner", c.use_refiner, source);
  validate(c, source);
  return c;
}

std::string ModelConfig::to_json() const {
  const json j = {{"architecture", "GreenFormer"},    {"encoder", "hiera"},        {"in_channels", in_channels},
                  {"embed_dim", embed_dim},           {"num_heads", num_heads},    {"stages", stages},
                  {"train_img_size", train_img_size}, {"use_refiner", use_refiner}};
  return j.dump();
}

ModelConfig ModelConfig::infer(const std::map<std::string, at::Tensor>& t, const std::string& source) {
  const auto need = [&](const std::string& name) -> const at::Tensor& {
    const auto it = t.find(name);
    if (it == t.end()) {
      throw ModelError("'" + source + "' is not a CorridorKey checkpoint: it has no '" + name +
                       "'. Point --checkpoint at CorridorKey.safetensors or CorridorKey.pth.");
    }
    return it->second;
  };
  ModelConfig c;
  const at::Tensor& patch = need("encoder.model.patch_embed.proj.weight");
  const at::Tensor& pos = need("encoder.model.pos_embed");
  if (patch.dim() != 4 || pos.dim() != 3) {
    throw ModelError("'" + source + "' is not a CorridorKey checkpoint: patch_embed/pos_embed have unexpected ranks");
  }
  c.embed_dim = static_cast<int>(patch.size(0));
  c.in_channels = static_cast<int>(patch.size(1));
  const auto grid = static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(pos.size(1)))));
  if (grid * grid != pos.size(1)) {
    throw ModelError("'" + source + "': pos_embed holds " + std::to_string(pos.size(1)) + " tokens, not a square grid");
  }
  c.train_img_size = static_cast<int>(grid * 4);
  // Stage boundaries: the first block of every later stage has a `proj` (dim change).
  c.stages.clear();
  int depth = 0;
  while (t.count("encoder.model.blocks." + std::to_string(depth) + ".norm1.weight")) ++depth;
  int current = 0;
  for (int i = 0; i < depth; ++i) {
    if (i > 0 && t.count("encoder.model.blocks." + std::to_string(i) + ".proj.weight")) {
      c.stages.push_back(current);
      current = 0;
    }
    ++current;
  }
  if (current > 0) c.stages.push_back(current);
  c.num_heads = (c.embed_dim % 56 == 0) ? c.embed_dim / 56 : 1;
  c.use_refiner = t.count("refiner.final.weight") != 0;
  validate(c, source);
  log_debug("architecture inferred from tensor shapes of '", source, "' (num_heads assumed ", c.num_heads, ")");
  return c;
}

ModelConfig ModelConfig::resolve(const StateDict& state, std::string* origin) {
  namespace fs = std::filesystem;
  const fs::path base = fs::is_directory(state.path) ? state.path : state.path.parent_path();
  const fs::path sidecar = base / "config.json";
  std::error_code ec;
  if (fs::is_regular_file(sidecar, ec)) {
    std::ifstream in(sidecar);
    std::stringstream text;
    text << in.rdbuf();
    if (origin) *origin = sidecar.string();
    return from_json_text(text.str(), sidecar.string());
  }
  if (const auto it = state.metadata.find("corridorkey.config"); it != state.metadata.end()) {
    if (origin) *origin = "metadata of " + state.path.string();
    return from_json_text(it->second, "metadata of " + state.path.string());
  }
  if (origin) *origin = "tensor shapes";
  return infer(state.tensors, state.path.string());
}

std::vector<int> ModelConfig::channels() const {
  std::vector<int> out;
  for (std::size_t s = 0; s < stages.size(); ++s) out.push_back(embed_dim << s);
  return out;
}

std::string ModelConfig::describe() const {
  std::ostringstream s;
  s << "Hiera embed " << embed_dim << ", heads " << num_heads << ", stages ";
  for (std::size_t i = 0; i < stages.size(); ++i) s << (i ? "-" : "") << stages[i];
  const int grid = train_img_size / 4;
  s << ", trained at " << train_img_size << " px (pos_embed " << grid << "x" << grid << " grid), refiner "
    << (use_refiner ? "present" : "absent");
  return s.str();
}

std::map<std::string, std::vector<std::int64_t>> ModelConfig::parameter_shapes(int img_size) const {
  using Shape = std::vector<std::int64_t>;
  std::map<std::string, Shape> p;
  const std::string e = "encoder.model.";
  const std::int64_t grid = img_size / 4;
  p[e + "patch_embed.proj.weight"] = {embed_dim, in_channels, 7, 7};
  p[e + "patch_embed.proj.bias"] = {embed_dim};
  p[e + "pos_embed"] = {1, grid * grid, embed_dim};
  int dim = embed_dim, block = 0;
  for (std::size_t s = 0; s < stages.size(); ++s) {
    for (int i = 0; i < stages[s]; ++i, ++block) {
      const int dim_out = (i == 0 && s > 0) ? dim * 2 : dim;
      const std::string b = e + "blocks." + std::to_string(block) + ".";
      const auto hidden = static_cast<std::int64_t>(dim_out * mlp_ratio);
      p[b + "norm1.weight"] = p[b + "norm1.bias"] = {dim};
      if (dim_out != dim) {
        p[b + "proj.weight"] = {dim_out, dim};
        p[b + "proj.bias"] = {dim_out};
      }
      p[b + "attn.qkv.weight"] = {3 * dim_out, dim};
      p[b + "attn.qkv.bias"] = {3 * dim_out};
      p[b + "attn.proj.weight"] = {dim_out, dim_out};
      p[b + "attn.proj.bias"] = {dim_out};
      p[b + "norm2.weight"] = p[b + "norm2.bias"] = {dim_out};
      p[b + "mlp.fc1.weight"] = {hidden, dim_out};
      p[b + "mlp.fc1.bias"] = {hidden};
      p[b + "mlp.fc2.weight"] = {dim_out, hidden};
      p[b + "mlp.fc2.bias"] = {dim_out};
      dim = dim_out;
    }
  }
  const auto ch = channels();
  for (const auto& [head, out] : {std::pair<std::string, int>{"alpha_decoder.", 1}, {"fg_decoder.", 3}}) {
    for (int i = 0; i < 4; ++i) {
      const std::string l = head + "linear_c" + std::to_string(i + 1) + ".proj.";
      p[l + "weight"] = {decoder_dim, ch[static_cast<std::size_t>(i)]};
      p[l + "bias"] = {decoder_dim};
    }
    p[head + "linear_fuse.weight"] = {decoder_dim, 4 * decoder_dim, 1, 1};
    for (const char* n : {"weight", "bias", "running_mean", "running_var"}) p[head + "bn." + n] = {decoder_dim};
    p[head + "bn.num_batches_tracked"] = {};
    p[head + "classifier.weight"] = {out, decoder_dim, 1, 1};
    p[head + "classifier.bias"] = {out};
  }
  if (use_refiner) {
    const std::int64_t h = refiner_hidden;
    p["refiner.stem.0.weight"] = {h, 7, 3, 3};
    p["refiner.stem.0.bias"] = {h};
    p["refiner.stem.1.weight"] = p["refiner.stem.1.bias"] = {h};
    for (int r = 1; r <= 4; ++r) {
      const std::string b = "refiner.res" + std::to_string(r) + ".";
      for (const char* conv : {"conv1.", "conv2."}) {
        p[b + conv + "weight"] = {h, h, 3, 3};
        p[b + conv + "bias"] = {h};
      }
      for (const char* gn : {"gn1.", "gn2."}) p[b + gn + "weight"] = p[b + gn + "bias"] = {h};
    }
    p["refiner.final.weight"] = {4, h, 1, 1};
    p["refiner.final.bias"] = {4};
  }
  return p;
}

std::map<std::string, at::Tensor> ModelConfig::random_weights(int img_size, std::uint64_t seed) const {
  at::manual_seed(seed);
  std::map<std::string, at::Tensor> tensors;
  for (const auto& [name, shape] : parameter_shapes(img_size)) {
    const bool norm = name.find("norm") != std::string::npos || name.find(".bn.") != std::string::npos ||
                      name.find(".gn") != std::string::npos || name.find("stem.1.") != std::string::npos;
    at::Tensor t;
    if (name.ends_with("num_batches_tracked"))
      t = at::zeros(shape, at::kLong);
    else if (name.ends_with("running_var"))
      t = at::rand(shape) + 0.5;
    else if (norm && name.ends_with(".weight"))
      t = at::ones(shape) + 0.1 * at::randn(shape);
    else
      t = at::randn(shape) * 0.02;
    tensors.emplace(name, t);
  }
  return tensors;
}

}  // namespace corridorkey
