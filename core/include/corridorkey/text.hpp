// Small text helpers shared by every layer.
#pragma once

#include <string>
#include <string_view>

namespace corridorkey {

/// `s` with ASCII letters in lower case (for case-insensitive names, extensions and flag values).
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace corridorkey
