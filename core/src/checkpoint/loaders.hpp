// Per-format loaders behind load_state_dict().
#pragma once

#include <filesystem>

#include "corridorkey/checkpoint.hpp"

namespace corridorkey {

StateDict state_dict_from_pth(const std::filesystem::path& path);
StateDict state_dict_from_safetensors(const std::filesystem::path& path);
StateDict state_dict_from_index(const std::filesystem::path& index);

}  // namespace corridorkey
