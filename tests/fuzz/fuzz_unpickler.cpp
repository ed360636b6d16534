// libFuzzer: any bytes as a data.pkl. Only CheckpointError may come out; repr() of an accepted
// object must terminate (depth and cycles are bounded by the unpickler).
#include <cstddef>
#include <cstdint>
#include <span>

#include "corridorkey/errors.hpp"
#include "corridorkey/pickle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto object = corridorkey::pickle::unpickle(std::as_bytes(std::span(data, size)), "fuzz.pkl");
    (void)corridorkey::pickle::repr(*object.root);
  } catch (const corridorkey::CheckpointError&) {
  }
  return 0;
}
