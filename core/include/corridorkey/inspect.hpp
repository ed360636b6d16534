// What a checkpoint holds, for people (clip_manager --action inspect_checkpoint) and scripts
// (--json), and tensor-by-tensor comparison of two checkpoints (verify mode, the converter).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "corridorkey/checkpoint.hpp"

namespace corridorkey {

struct CheckpointSummary {
  std::filesystem::path path;
  std::string format;
  std::size_t tensors = 0;
  std::uint64_t parameters = 0;  ///< elements of floating-point tensors
  std::uint64_t bytes = 0;       ///< tensor data bytes
  std::uint64_t file_bytes = 0;
  std::string sha256;
  std::map<std::string, std::size_t> dtypes;  ///< "F32" -> count
  std::map<std::string, std::string> metadata;
  std::string normalisation;
  bool is_corridorkey = false;
  std::string description;  ///< "CorridorKey GreenFormer: ..." or "not a CorridorKey checkpoint: <reason>"

  std::string to_text() const;
  std::string to_json() const;
};

CheckpointSummary inspect_checkpoint(const std::filesystem::path& path);

struct TensorDifference {
  std::string name;
  std::string what;  ///< "missing in B", "shape [2] vs [3]", "max |diff| 0.5", ...
};

/// Compares two state dicts by name. With tolerance 0 values must be bit-identical (same dtype);
/// otherwise both are compared in float64 and may differ by at most `tolerance` (dtypes may differ).
std::vector<TensorDifference> compare_state_dicts(const StateDict& a, const StateDict& b, double tolerance = 0.0);

/// What convert_checkpoint wrote and found.
struct Conversion {
  std::size_t tensors = 0;
  std::string normalisation;                  ///< NormalisationReport::summary() of the source
  std::vector<TensorDifference> differences;  ///< empty: the output verified
};

/// Loads any checkpoint the engine reads (normalised as the engine does), writes it to `output`
/// (.safetensors, atomically) with provenance metadata (source name and sha256, `converter`), then
/// re-reads the output and compares every tensor with the source: bit for bit for dtype "keep",
/// within the format's rounding for "fp16" / "bf16" (floating-point tensors cast to it).
/// Throws UsageError for another extension or dtype, CheckpointError for an unreadable source.
Conversion convert_checkpoint(const std::filesystem::path& input, const std::filesystem::path& output,
                              const std::string& dtype, const std::string& converter);

}  // namespace corridorkey
