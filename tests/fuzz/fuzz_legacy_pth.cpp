// libFuzzer: any bytes as a legacy (non-zip) torch.save stream. Only CheckpointError may come
// out; every storage span it returns lies inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "corridorkey/errors.hpp"
#include "corridorkey/legacy_pth.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  try {
    const auto legacy = corridorkey::parse_legacy_pth(bytes, "fuzz.pth");
    for (const auto& [key, span] : legacy.storages) {
      if (span.data() < bytes.data() || span.data() + span.size() > bytes.data() + bytes.size()) std::abort();
    }
    (void)corridorkey::pickle::repr(*legacy.object.root);
  } catch (const corridorkey::CheckpointError&) {
  }
  return 0;
}
