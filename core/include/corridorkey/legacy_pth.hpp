// PyTorch's legacy serialisation (torch < 1.6, or torch.save(..., _use_new_zipfile_serialization=
// False)): a stream of pickles (magic number, protocol version, system info, the object, the list
// of storage keys), then each storage as a little-endian int64 element count and its bytes. Parsed
// torch-free with the weights-only unpickler, as torch.load(weights_only=True) reads it.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "corridorkey/pickle.hpp"

namespace corridorkey {

struct LegacyPth {
  pickle::Object object;                                       ///< what torch.save was given
  std::map<std::string, std::span<const std::byte>> storages;  ///< key -> its bytes (size checked)
};

/// True when `file` starts like a legacy torch.save stream (a pickle whose first value is the
/// legacy magic number).
bool looks_like_legacy_pth(std::span<const std::byte> file);

/// Parses the stream. Throws CheckpointError naming `source` for anything malformed or hostile:
/// a wrong magic number or protocol version, a big-endian file, a storage key the object does not
/// use or one without its bytes, an element count that differs from the object's, truncation.
LegacyPth parse_legacy_pth(std::span<const std::byte> file, std::string_view source);

}  // namespace corridorkey
