// libFuzzer: any bytes as the zip container of a .pth. Accepted records must lie inside the input.
#include <cstddef>
#include <cstdint>
#include <span>

#include "corridorkey/errors.hpp"
#include "corridorkey/zip_archive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  try {
    const corridorkey::ZipArchive zip(bytes, "fuzz.pth");
    for (const auto& [name, record] : zip.records()) {
      if (record.data() < bytes.data() || record.data() + record.size() > bytes.data() + size) __builtin_trap();
    }
  } catch (const corridorkey::CheckpointError&) {
  }
  return 0;
}
