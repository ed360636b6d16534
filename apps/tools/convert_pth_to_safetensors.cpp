// Converts a legacy .pth checkpoint to .safetensors, then proves nothing changed: it re-opens the
// output and compares every tensor with the source (bit for bit, or within rounding for --dtype).
//   convert_pth_to_safetensors --input X.pth --output Y.safetensors [--dtype keep|fp16|bf16] [--force]
// Exit codes: 0 converted and verified, 1 verification found differences, 2 usage, 3 unreadable input.
#include <ATen/ATen.h>

#include <filesystem>
#include <iostream>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/config.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/inspect.hpp"
#include "corridorkey/logging.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;

namespace {

const char* kUsage =
    "usage: convert_pth_to_safetensors --input X.pth --output Y.safetensors [--dtype keep|fp16|bf16] [--force]\n"
    "  Normalises like the engine (state_dict/model wrappers, _orig_mod./module. prefixes, non-tensor\n"
    "  entries), writes contiguous tensors atomically with provenance metadata (source, sha256, tool\n"
    "  version), then re-reads the output and verifies names, shapes and values against the source.\n";

int usage_error(const std::string& what) {
  std::cerr << "convert_pth_to_safetensors: " << what << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path input, output;
  std::string dtype = "keep";
  bool force = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--input")
      input = value();
    else if (a == "--output")
      output = value();
    else if (a == "--dtype")
      dtype = value();
    else if (a == "--force")
      force = true;
    else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else
      return usage_error("unknown option '" + a + "'");
  }
  if (input.empty()) return usage_error("--input is required");
  if (output.empty()) return usage_error("--output is required");
  if (output.extension() != ".safetensors")
    return usage_error("--output must end in .safetensors: '" + output.string() + "'");
  if (dtype != "keep" && dtype != "fp16" && dtype != "bf16") return usage_error("--dtype must be keep, fp16 or bf16");
  std::error_code ec;
  if (!fs::exists(input, ec)) return usage_error("input '" + input.string() + "' does not exist");
  if (fs::exists(output, ec) && fs::equivalent(input, output, ec))
    return usage_error("input and output are the same file");
  if (fs::exists(output, ec) && !force)
    return usage_error("output '" + output.string() + "' exists; pass --force to replace it");

  try {
    const ck::Conversion done = ck::convert_checkpoint(
        input, output, dtype, std::string("corridorkey convert_pth_to_safetensors ") + CORRIDORKEY_VERSION_STRING);
    const auto& diffs = done.differences;
    if (!diffs.empty()) {
      std::cerr << "verification FAILED: " << diffs.size() << " tensors differ:\n";
      for (const auto& d : diffs) std::cerr << "  " << d.name << ": " << d.what << "\n";
      return 1;
    }
    std::cout << "converted " << input.string() << " -> " << output.string() << ": " << done.tensors << " tensors, "
              << (dtype == "keep" ? "bit-identical" : "within " + dtype + " rounding") << " (" << done.normalisation
              << ")\n";
    return 0;
  } catch (const ck::Error& e) {
    std::cerr << "convert_pth_to_safetensors: " << e.what() << "\n";
    return 3;
  }
}
