// A read-only view of a whole file through mmap (MAP_PRIVATE: pages are shared with the page cache
// and never written back). Tensors made from it hold a shared_ptr, so the mapping lives as long as
// any tensor uses it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>

namespace corridorkey {

class MappedFile {
 public:
  /// Maps `path`; throws CheckpointError naming the file when it cannot be opened or mapped.
  static std::shared_ptr<MappedFile> open(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const std::byte> bytes() const { return {data_, size_}; }
  std::byte* mutable_data() const { return data_; }
  std::size_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  MappedFile() = default;
  std::filesystem::path path_;
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace corridorkey
