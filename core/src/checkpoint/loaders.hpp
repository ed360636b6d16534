// Per-format loaders behind load_state_dict().
#pragma once

#include <filesystem>

#include "corridorkey/checkpoint.hpp"

namespace corridorkey {

StateDict state_dict_from_pth(const std::filesystem::path& path);

/// Tensors held as raw bytes of a sub-byte dtype, by their TensorImpl (names change in
/// normalisation), and how they are recorded in StateDict::raw_dtypes once named.
using RawTensors = std::map<const c10::TensorImpl*, std::string>;
void note_raw(StateDict& sd, const RawTensors& raw);
StateDict state_dict_from_safetensors(const std::filesystem::path& path);
StateDict state_dict_from_index(const std::filesystem::path& index);

}  // namespace corridorkey
