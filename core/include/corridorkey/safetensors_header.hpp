// Strict parsing of a safetensors header (torch-free, fuzzed). Rules follow the reference
// implementation (huggingface/safetensors): each violation is its own CheckpointError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "corridorkey/dtype.hpp"

namespace corridorkey {

/// Largest JSON header accepted (as the reference: 100 MB).
inline constexpr std::uint64_t kMaxSafetensorsHeader = 100'000'000;

struct SafetensorsEntry {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0;  ///< byte offset into the data section
  std::uint64_t end = 0;    ///< one past the last byte
  std::int64_t numel() const;
};

struct SafetensorsHeader {
  std::uint64_t data_start = 0;           ///< file offset of the data section (8 + header length)
  std::vector<SafetensorsEntry> entries;  ///< sorted by name
  std::map<std::string, std::string> metadata;
};

/// Parses and validates the header of a whole safetensors file held in `file`.
/// `source` names the file in error messages.
SafetensorsHeader parse_safetensors_header(std::span<const std::byte> file, std::string_view source);

}  // namespace corridorkey
