// Removes a file or a folder with everything in it, without following symbolic links.
//
// Use this instead of std::filesystem::remove_all in anything linked against LibTorch: the PyPI
// wheels export their own copy of libstdc++'s std::filesystem (linked in by the toolchain they are
// built with), and the dynamic linker binds an executable's calls to that copy. In torch 2.11 the
// copy's remove_all recurses through a weak symbol (recursive_directory_iterator::__erase) that the
// system libstdc++ of Ubuntu 24.04 does not define, so it calls address 0 and the process crashes.
#pragma once

#include <filesystem>
#include <system_error>

namespace corridorkey {

/// Removes `path` (a file, a link or a folder tree). A path that does not exist is not an error.
/// Returns false and sets `error` to the first failure; what could be removed is gone.
bool remove_tree(const std::filesystem::path& path, std::error_code& error) noexcept;

}  // namespace corridorkey
