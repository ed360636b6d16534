#include "corridorkey/remove_tree.hpp"

#include <ftw.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

namespace corridorkey {

namespace {
thread_local int first_error = 0;

int remove_entry(const char* path, const struct stat*, int, struct FTW*) {
  if (std::remove(path) != 0 && errno != ENOENT && first_error == 0) first_error = errno;
  return 0;  // keep going: remove what can be removed
}
}  // namespace

bool remove_tree(const std::filesystem::path& path, std::error_code& error) noexcept {
  error.clear();
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return true;
    error.assign(errno, std::generic_category());
    return false;
  }
  first_error = 0;
  // Children before their folder (FTW_DEPTH), links removed rather than followed (FTW_PHYS).
  if (::nftw(path.c_str(), remove_entry, 32, FTW_DEPTH | FTW_PHYS) != 0 && first_error == 0) first_error = errno;
  if (first_error != 0) error.assign(first_error, std::generic_category());
  return first_error == 0;
}

}  // namespace corridorkey
