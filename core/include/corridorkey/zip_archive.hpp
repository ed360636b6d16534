// Read-only view of the zip container torch.save writes (torch-free, fuzzed). Only stored
// (uncompressed) records are supported, which is what torch.save writes; ZIP64 is understood.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>

namespace corridorkey {

class ZipArchive {
 public:
  /// Indexes the central directory of `bytes`; throws CheckpointError naming `source`.
  ZipArchive(std::span<const std::byte> bytes, std::string_view source);

  /// The record's bytes, or an empty optional-like nullptr span when absent.
  bool contains(const std::string& name) const { return records_.count(name) != 0; }
  std::span<const std::byte> record(const std::string& name) const;
  /// Byte offset of a record's data inside the whole file (for zero-copy views).
  std::size_t offset_of(const std::string& name) const;
  const std::map<std::string, std::span<const std::byte>>& records() const { return records_; }

 private:
  std::span<const std::byte> bytes_;
  std::string source_;
  std::map<std::string, std::span<const std::byte>> records_;
};

/// True when `bytes` start like a zip file (local header "PK\x03\x04" or an empty archive).
bool looks_like_zip(std::span<const std::byte> bytes);

}  // namespace corridorkey
