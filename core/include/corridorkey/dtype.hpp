// Element types a checkpoint can hold, independent of LibTorch (the parsers are torch-free).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace corridorkey {

/// Every dtype safetensors 0.8 defines. F4 (4 bits) and F6_* (6 bits) are sub-byte: a tensor of
/// them takes numel * bits / 8 bytes, which must be a whole number.
enum class DType : std::uint8_t {
  F64,
  F32,
  F16,
  BF16,
  I64,
  I32,
  I16,
  I8,
  U8,
  BOOL,
  F8_E4M3,
  F8_E5M2,
  U16,
  U32,
  U64,
  C64,
  F8_E8M0,
  F8_E4M3FNUZ,
  F8_E5M2FNUZ,
  F4,
  F6_E2M3,
  F6_E3M2
};
constexpr int kDTypeCount = static_cast<int>(DType::F6_E3M2) + 1;

/// Bits per element (4 and 6 for the sub-byte types).
std::size_t bitsize(DType dtype);

/// Bytes per element, for whole-byte types; 1 for the sub-byte ones (their alignment).
std::size_t itemsize(DType dtype);

/// True for F4, F6_E2M3 and F6_E3M2, which the engine keeps as raw bytes.
bool is_sub_byte(DType dtype);

/// The safetensors spelling ("F32", "BF16", ...).
std::string_view safetensors_name(DType dtype);

/// Parses a safetensors dtype string; nullopt when unknown.
std::optional<DType> dtype_from_safetensors(std::string_view name);

/// The PyTorch legacy storage class name of a dtype ("FloatStorage", ...).
std::string_view storage_class_name(DType dtype);
/// The PyTorch legacy storage class name ("FloatStorage", ...) -> dtype; nullopt when unknown.
std::optional<DType> dtype_from_storage_class(std::string_view name);

/// PyTorch's spelling ("torch.float32", ...), as `repr(tensor.dtype)` prints it ("none" for F6).
std::string_view torch_name(DType dtype);

}  // namespace corridorkey
