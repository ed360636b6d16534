#include "corridorkey/inspect.hpp"

#include <cstring>
#include <sstream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "corridorkey/errors.hpp"
#include "corridorkey/model.hpp"

namespace corridorkey {
namespace fs = std::filesystem;

namespace {
std::string shape_of(const at::Tensor& t) {
  std::string s = "[";
  for (std::int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}
}  // namespace

CheckpointSummary inspect_checkpoint(const fs::path& path) {
  const StateDict sd = load_state_dict(path);
  CheckpointSummary s;
  s.path = path;
  s.format = std::string(format_name(sd.format));
  s.tensors = sd.tensors.size();
  s.metadata = sd.metadata;
  s.normalisation = sd.report.summary();
  for (const auto& [name, t] : sd.tensors) {
    s.bytes += static_cast<std::uint64_t>(t.nbytes());
    if (at::isFloatingType(t.scalar_type())) s.parameters += static_cast<std::uint64_t>(t.numel());
    ++s.dtypes[std::string(safetensors_name(from_scalar_type(t.scalar_type())))];
  }
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    s.file_bytes = fs::file_size(path);
    s.sha256 = sha256_file(path);
  }
  try {
    const ModelConfig config = ModelConfig::resolve(sd);
    const auto expected = config.parameter_shapes(config.train_img_size);
    std::vector<std::string> problems;
    for (const auto& [name, shape] : expected) {
      const auto it = sd.tensors.find(name);
      if (it == sd.tensors.end()) {
        problems.push_back("missing " + name);
      } else if (it->second.sizes() != at::IntArrayRef(shape)) {
        problems.push_back(name + " has shape " + shape_of(it->second));
      }
      if (problems.size() >= 3) break;
    }
    if (problems.empty()) {
      s.is_corridorkey = true;
      s.description = "CorridorKey GreenFormer: " + config.describe();
    } else {
      std::string joined;
      for (const auto& p : problems) joined += (joined.empty() ? "" : "; ") + p;
      s.description = "not a CorridorKey checkpoint: " + joined;
    }
  } catch (const Error& e) {
    s.description = std::string("not a CorridorKey checkpoint: ") + e.what();
  }
  return s;
}

std::string CheckpointSummary::to_text() const {
  std::ostringstream o;
  o << "File:        " << path.string() << "\n";
  o << "Format:      " << format << "\n";
  o << "What:        " << description << "\n";
  o << "Tensors:     " << tensors << "\n";
  o << "Parameters:  " << parameters << " (" << (parameters / 1e6) << " M)\n";
  o << "Data bytes:  " << bytes << "\n";
  if (file_bytes) o << "File bytes:  " << file_bytes << "\n";
  if (!sha256.empty()) o << "SHA-256:     " << sha256 << "\n";
  o << "Dtypes:     ";
  for (const auto& [d, n] : dtypes) o << " " << d << " x" << n;
  o << "\nNormalised:  " << normalisation << "\n";
  if (!metadata.empty()) {
    o << "Metadata:\n";
    for (const auto& [k, v] : metadata) o << "  " << k << ": " << v << "\n";
  }
  return o.str();
}

std::string CheckpointSummary::to_json() const {
  nlohmann::json j = {{"path", path.string()},
                      {"format", format},
                      {"tensors", tensors},
                      {"parameters", parameters},
                      {"bytes", bytes},
                      {"file_bytes", file_bytes},
                      {"sha256", sha256},
                      {"dtypes", dtypes},
                      {"metadata", metadata},
                      {"normalisation", normalisation},
                      {"is_corridorkey", is_corridorkey},
                      {"description", description}};
  return j.dump();
}

std::vector<TensorDifference> compare_state_dicts(const StateDict& a, const StateDict& b, double tolerance) {
  std::vector<TensorDifference> diffs;
  for (const auto& [name, ta] : a.tensors) {
    const auto it = b.tensors.find(name);
    if (it == b.tensors.end()) {
      diffs.push_back({name, "missing in " + b.path.string()});
      continue;
    }
    const at::Tensor& tb = it->second;
    if (ta.sizes() != tb.sizes()) {
      diffs.push_back({name, "shape " + shape_of(ta) + " vs " + shape_of(tb)});
      continue;
    }
    if (tolerance == 0.0) {
      if (ta.scalar_type() != tb.scalar_type()) {
        diffs.push_back(
            {name, std::string("dtype ") + c10::toString(ta.scalar_type()) + " vs " + c10::toString(tb.scalar_type())});
        continue;
      }
      const at::Tensor ca = ta.contiguous(), cb = tb.contiguous();
      if (ca.nbytes() > 0 && std::memcmp(ca.data_ptr(), cb.data_ptr(), static_cast<std::size_t>(ca.nbytes())) != 0) {
        const double d = ca.numel() ? (ca.to(at::kDouble) - cb.to(at::kDouble)).abs().max().item<double>() : 0.0;
        diffs.push_back({name, "values differ (max |diff| " + std::to_string(d) + ")"});
      }
    } else if (ta.numel() > 0) {
      const double d = (ta.to(at::kDouble) - tb.to(at::kDouble)).abs().max().item<double>();
      if (!(d <= tolerance))
        diffs.push_back({name, "max |diff| " + std::to_string(d) + " exceeds " + std::to_string(tolerance)});
    }
  }
  for (const auto& [name, tb] : b.tensors) {
    if (!a.tensors.count(name)) diffs.push_back({name, "missing in " + a.path.string()});
  }
  return diffs;
}

}  // namespace corridorkey
