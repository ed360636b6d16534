#include "corridorkey/dtype.hpp"

#include <array>

namespace corridorkey {
namespace {

struct DTypeRow {
  DType dtype;
  std::size_t size;
  std::string_view safetensors;
  std::string_view storage_class;
  std::string_view torch;
};

constexpr std::array<DTypeRow, 12> kRows{{
    {DType::F64, 8, "F64", "DoubleStorage", "torch.float64"},
    {DType::F32, 4, "F32", "FloatStorage", "torch.float32"},
    {DType::F16, 2, "F16", "HalfStorage", "torch.float16"},
    {DType::BF16, 2, "BF16", "BFloat16Storage", "torch.bfloat16"},
    {DType::I64, 8, "I64", "LongStorage", "torch.int64"},
    {DType::I32, 4, "I32", "IntStorage", "torch.int32"},
    {DType::I16, 2, "I16", "ShortStorage", "torch.int16"},
    {DType::I8, 1, "I8", "CharStorage", "torch.int8"},
    {DType::U8, 1, "U8", "ByteStorage", "torch.uint8"},
    {DType::BOOL, 1, "BOOL", "BoolStorage", "torch.bool"},
    {DType::F8_E4M3, 1, "F8_E4M3", "Float8_e4m3fnStorage", "torch.float8_e4m3fn"},
    {DType::F8_E5M2, 1, "F8_E5M2", "Float8_e5m2Storage", "torch.float8_e5m2"},
}};

const DTypeRow& row(DType dtype) { return kRows[static_cast<std::size_t>(dtype)]; }

}  // namespace

std::size_t itemsize(DType dtype) { return row(dtype).size; }
std::string_view safetensors_name(DType dtype) { return row(dtype).safetensors; }
std::string_view torch_name(DType dtype) { return row(dtype).torch; }
std::string_view storage_class_name(DType dtype) { return row(dtype).storage_class; }

std::optional<DType> dtype_from_safetensors(std::string_view name) {
  for (const auto& r : kRows) {
    if (r.safetensors == name) return r.dtype;
  }
  return std::nullopt;
}

std::optional<DType> dtype_from_storage_class(std::string_view name) {
  for (const auto& r : kRows) {
    if (r.storage_class == name) return r.dtype;
  }
  return std::nullopt;
}

}  // namespace corridorkey
