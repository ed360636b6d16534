// libFuzzer: any bytes as a whole safetensors file. Only CheckpointError may come out.
#include <cstddef>
#include <cstdint>
#include <span>

#include "corridorkey/errors.hpp"
#include "corridorkey/safetensors_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto header = corridorkey::parse_safetensors_header(std::as_bytes(std::span(data, size)), "fuzz.safetensors");
    // Every accepted entry must lie inside the file.
    for (const auto& e : header.entries) {
      if (header.data_start + e.end > size) __builtin_trap();
    }
  } catch (const corridorkey::CheckpointError&) {
  }
  return 0;
}
