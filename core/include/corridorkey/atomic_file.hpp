// Writes a file so that readers only ever see the old state or the complete new file: data goes
// to a hidden temporary in the same folder, is fsync'ed, then renamed over the target. A file
// that is not committed (error, exception, interruption) is removed.
#pragma once

#include <cstddef>
#include <filesystem>

namespace corridorkey {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Appends bytes; throws IoError naming the file (e.g. "No space left on device").
  void write(const void* data, std::size_t size);
  /// fsync + rename over the target; throws IoError on failure.
  void commit();
  const std::filesystem::path& temp_path() const { return temp_; }

  /// The temporary name used for `target` (a hidden file beside it).
  static std::filesystem::path temp_name_for(const std::filesystem::path& target);

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  int fd_ = -1;
};

}  // namespace corridorkey
