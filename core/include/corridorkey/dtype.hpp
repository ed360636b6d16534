// Element types a checkpoint can hold, independent of LibTorch (the parsers are torch-free).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace corridorkey {

enum class DType : std::uint8_t { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL, F8_E4M3, F8_E5M2 };

/// Bytes per element.
std::size_t itemsize(DType dtype);

/// The safetensors spelling ("F32", "BF16", ...).
std::string_view safetensors_name(DType dtype);

/// Parses a safetensors dtype string; nullopt when unknown.
std::optional<DType> dtype_from_safetensors(std::string_view name);

/// The PyTorch legacy storage class name of a dtype ("FloatStorage", ...).
std::string_view storage_class_name(DType dtype);
/// The PyTorch legacy storage class name ("FloatStorage", ...) -> dtype; nullopt when unknown.
std::optional<DType> dtype_from_storage_class(std::string_view name);

/// PyTorch's spelling ("torch.float32", ...), as `repr(tensor.dtype)` prints it.
std::string_view torch_name(DType dtype);

}  // namespace corridorkey
