// Writes a GreenFormer checkpoint with random weights in the exact shapes of an architecture
// (v1.0 by default: 367 tensors, ~100 M parameters, pos_embed 1x262144x112), as .safetensors or
// .pth, for tests and benchmarks.
//   make_random_checkpoint --output F.safetensors|F.pth [--config v1|tiny|file.json] [--seed N] [--no-refiner]
#include <ATen/ATen.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/model.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  fs::path output;
  std::string config_name = "v1";
  std::uint64_t seed = 0;
  bool refiner = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--output")
      output = value();
    else if (a == "--config")
      config_name = value();
    else if (a == "--seed")
      seed = std::stoull(value());
    else if (a == "--no-refiner")
      refiner = false;
    else {
      std::cerr << "usage: make_random_checkpoint --output F.safetensors|F.pth [--config v1|tiny|file.json] [--seed N] "
                   "[--no-refiner]\n";
      return a == "-h" || a == "--help" ? 0 : 2;
    }
  }
  if (output.empty() || (output.extension() != ".safetensors" && output.extension() != ".pth")) {
    std::cerr << "make_random_checkpoint: --output must end in .safetensors or .pth\n";
    return 2;
  }
  try {
    ck::ModelConfig config;
    if (config_name == "tiny") {
      config.embed_dim = 16, config.num_heads = 1, config.stages = {1, 2, 2, 1}, config.train_img_size = 256;
    } else if (config_name != "v1") {
      std::ifstream in(config_name);
      std::stringstream text;
      text << in.rdbuf();
      config = ck::ModelConfig::from_json_text(text.str(), config_name);
    }
    config.use_refiner = refiner;
    const std::map<std::string, at::Tensor> tensors = config.random_weights(config.train_img_size, seed);
    std::uint64_t params = 0;
    for (const auto& [name, t] : tensors) params += t.is_floating_point() ? static_cast<std::uint64_t>(t.numel()) : 0;
    if (output.extension() == ".pth")
      ck::write_pth(output, tensors);
    else
      ck::write_safetensors(output, tensors, {{"format", "pt"}, {"corridorkey.config", config.to_json()}});
    std::cout << "wrote " << output.string() << ": " << tensors.size() << " tensors, " << params << " parameters ("
              << config.describe() << ")\n";
    return 0;
  } catch (const ck::Error& e) {
    std::cerr << "make_random_checkpoint: " << e.what() << "\n";
    return 3;
  }
}
