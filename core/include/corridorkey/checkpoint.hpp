// Checkpoint formats: safetensors (memory-mapped, zero-copy, lazy), sharded safetensors, and the
// legacy .pth zip written by torch.save (read by a weights-only unpickler, never executed).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ATen/core/Tensor.h>

#include "corridorkey/mapped_file.hpp"
#include "corridorkey/pickle.hpp"
#include "corridorkey/safetensors_header.hpp"

namespace corridorkey {

/// Pth: torch.save's zip format (PyTorch >= 1.6); LegacyPth: its older bare-pickle format.
enum class CheckpointFormat { Safetensors, ShardedSafetensors, Pth, LegacyPth };
std::string_view format_name(CheckpointFormat format);

at::ScalarType to_scalar_type(DType dtype);
DType from_scalar_type(at::ScalarType type);  ///< throws CheckpointError for types safetensors lacks

/// What normalisation did to a state dict, for the log and for inspection.
struct NormalisationReport {
  std::vector<std::string> unwrapped;  ///< wrapper keys descended into ("state_dict", "model")
  std::size_t stripped_orig_mod = 0;   ///< "_orig_mod." prefixes removed (torch.compile)
  std::size_t stripped_module = 0;     ///< "module." prefixes removed (DataParallel)
  std::vector<std::string> skipped;    ///< non-tensor entries left out
  std::string summary() const;
};

/// Tensors by name (sorted), plus the file's metadata and how it was normalised.
struct StateDict {
  std::map<std::string, at::Tensor> tensors;
  std::map<std::string, std::string> metadata;
  CheckpointFormat format = CheckpointFormat::Safetensors;
  std::filesystem::path path;
  NormalisationReport report;
  /// Tensors of a sub-byte dtype (F4, F6_*), held as their raw bytes: name -> stored dtype. The
  /// network cannot use them; any other tensor may have them.
  std::map<std::string, std::string> raw_dtypes;
};

/// A safetensors file, memory-mapped. Tensors are zero-copy views of the mapping, which lives
/// as long as any of them does; nothing is read until a tensor is used.
class SafetensorsFile {
 public:
  static SafetensorsFile open(const std::filesystem::path& path);
  const SafetensorsHeader& header() const { return header_; }
  const std::map<std::string, std::string>& metadata() const { return header_.metadata; }
  const SafetensorsEntry& entry(std::string_view name) const;
  at::Tensor tensor(std::string_view name) const;
  std::map<std::string, at::Tensor> tensors() const;

 private:
  std::shared_ptr<MappedFile> file_;
  SafetensorsHeader header_;
};

/// A .pth file written by torch.save (zip format), unpickled with the weights-only allowlist.
class PthFile {
 public:
  static PthFile open(const std::filesystem::path& path);
  const pickle::Value& root() const { return *object_.root; }
  /// The legacy (pre-1.6) bare-pickle format rather than the zip one.
  bool legacy() const { return legacy_; }
  /// The tensor a pickled tensor value describes (zero-copy when the record is aligned).
  at::Tensor tensor(const pickle::Value& value) const;
  /// Every leaf under the root: dict keys, list and tuple indices joined with dots.
  std::vector<std::pair<std::string, const pickle::Value*>> flatten() const;

 private:
  std::shared_ptr<MappedFile> file_;
  std::shared_ptr<struct PthArchive> archive_;
  pickle::Object object_;
  bool legacy_ = false;
};

/// Loads any supported checkpoint (a .safetensors file, a .pth file, a sharded index .json or a
/// folder holding one) and normalises it: wrappers unwrapped, prefixes stripped, non-tensors skipped.
StateDict load_state_dict(const std::filesystem::path& path);

/// Strips "_orig_mod." and "module." prefixes; an ambiguity after stripping is an error.
std::map<std::string, at::Tensor> normalise_names(std::vector<std::pair<std::string, at::Tensor>> named,
                                                  NormalisationReport& report, const std::string& source);

/// Parses "2GB", "500MB", "100KiB" or a plain byte count.
std::uint64_t parse_byte_size(std::string_view text);

/// Writes one safetensors file atomically (temporary file, fsync, rename): names sorted,
/// data contiguous and little-endian, header padded to 8 bytes.
void write_safetensors(const std::filesystem::path& path, const std::map<std::string, at::Tensor>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

/// Writes `model-0000i-of-0000N.safetensors` shards of at most `max_shard_bytes` each (a tensor
/// larger than that gets a shard of its own) and `model.safetensors.index.json` into `folder`.
/// Returns the index path.
std::filesystem::path write_sharded_safetensors(const std::filesystem::path& folder,
                                                const std::map<std::string, at::Tensor>& tensors,
                                                std::uint64_t max_shard_bytes,
                                                const std::map<std::string, std::string>& metadata = {});

/// Writes `tensors` as torch.save would (a zip .pth with an OrderedDict), atomically. For test and
/// benchmark checkpoints; prefer safetensors for anything else.
void write_pth(const std::filesystem::path& path, const std::map<std::string, at::Tensor>& tensors);

/// SHA-256 of a file, lowercase hex.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace corridorkey
