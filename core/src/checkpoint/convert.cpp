#include <ATen/ATen.h>

#include "corridorkey/errors.hpp"
#include "corridorkey/inspect.hpp"

namespace corridorkey {

Conversion convert_checkpoint(const std::filesystem::path& input, const std::filesystem::path& output,
                              const std::string& dtype, const std::string& converter) {
  if (output.extension() != ".safetensors") {
    throw UsageError("the output must end in .safetensors: '" + output.string() + "'");
  }
  if (dtype != "keep" && dtype != "fp16" && dtype != "bf16") {
    throw UsageError("dtype '" + dtype + "': use keep, fp16 or bf16");
  }
  const StateDict source = load_state_dict(input);
  const at::ScalarType target = dtype == "fp16" ? at::kHalf : at::kBFloat16;
  std::map<std::string, at::Tensor> converted;
  for (const auto& [name, t] : source.tensors) {
    at::Tensor c = t.contiguous();
    if (dtype != "keep" && at::isFloatingType(c.scalar_type())) c = c.to(target);
    converted.emplace(name, c);
  }
  std::map<std::string, std::string> metadata = source.metadata;
  metadata["format"] = "pt";
  metadata["converted_from"] = input.filename().string();
  metadata["converted_from_sha256"] = sha256_file(input);
  metadata["converter"] = converter;
  metadata["converter_dtype"] = dtype;
  metadata["normalisation"] = source.report.summary();
  write_safetensors(output, converted, metadata);

  // Verify what landed on disk against the source.
  Conversion result;
  result.normalisation = source.report.summary();
  const StateDict written = load_state_dict(output);
  result.tensors = written.tensors.size();
  result.differences = compare_state_dicts(StateDict{converted, {}, source.format, input, {}, {}}, written, 0.0);
  if (dtype != "keep") {
    const double tolerance = dtype == "fp16" ? 1e-3 : 1e-2;  // relative rounding of the format
    for (const auto& [name, t] : source.tensors) {
      if (!at::isFloatingType(t.scalar_type()) || t.numel() == 0) continue;
      const at::Tensor a = t.to(at::kDouble), b = written.tensors.at(name).to(at::kDouble);
      const double err = ((a - b).abs() / (a.abs() + 1e-6)).masked_fill(a.abs() < 6e-5, 0).max().item<double>();
      if (err > tolerance) result.differences.push_back({name, "relative rounding error " + std::to_string(err)});
    }
  }
  return result;
}

}  // namespace corridorkey
