#include "corridorkey/dtype.hpp"

#include <array>

namespace corridorkey {
namespace {

struct DTypeRow {
  DType dtype;
  std::size_t bits;
  std::string_view safetensors;
  std::string_view storage_class;
  std::string_view torch;
};

// Storage class names exist only for the types torch's legacy typed storages cover.
constexpr std::array<DTypeRow, kDTypeCount> kRows{{
    {DType::F64, 64, "F64", "DoubleStorage", "torch.float64"},
    {DType::F32, 32, "F32", "FloatStorage", "torch.float32"},
    {DType::F16, 16, "F16", "HalfStorage", "torch.float16"},
    {DType::BF16, 16, "BF16", "BFloat16Storage", "torch.bfloat16"},
    {DType::I64, 64, "I64", "LongStorage", "torch.int64"},
    {DType::I32, 32, "I32", "IntStorage", "torch.int32"},
    {DType::I16, 16, "I16", "ShortStorage", "torch.int16"},
    {DType::I8, 8, "I8", "CharStorage", "torch.int8"},
    {DType::U8, 8, "U8", "ByteStorage", "torch.uint8"},
    {DType::BOOL, 8, "BOOL", "BoolStorage", "torch.bool"},
    {DType::F8_E4M3, 8, "F8_E4M3", "Float8_e4m3fnStorage", "torch.float8_e4m3fn"},
    {DType::F8_E5M2, 8, "F8_E5M2", "Float8_e5m2Storage", "torch.float8_e5m2"},
    {DType::U16, 16, "U16", "", "torch.uint16"},
    {DType::U32, 32, "U32", "", "torch.uint32"},
    {DType::U64, 64, "U64", "", "torch.uint64"},
    {DType::C64, 64, "C64", "ComplexFloatStorage", "torch.complex64"},
    {DType::F8_E8M0, 8, "F8_E8M0", "", "torch.float8_e8m0fnu"},
    {DType::F8_E4M3FNUZ, 8, "F8_E4M3FNUZ", "", "torch.float8_e4m3fnuz"},
    {DType::F8_E5M2FNUZ, 8, "F8_E5M2FNUZ", "", "torch.float8_e5m2fnuz"},
    {DType::F4, 4, "F4", "", "torch.float4_e2m1fn_x2"},
    {DType::F6_E2M3, 6, "F6_E2M3", "", "none"},
    {DType::F6_E3M2, 6, "F6_E3M2", "", "none"},
}};

const DTypeRow& row(DType dtype) { return kRows[static_cast<std::size_t>(dtype)]; }

}  // namespace

std::size_t bitsize(DType dtype) { return row(dtype).bits; }
std::size_t itemsize(DType dtype) { return row(dtype).bits < 8 ? 1 : row(dtype).bits / 8; }
bool is_sub_byte(DType dtype) { return row(dtype).bits < 8; }
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
    if (!r.storage_class.empty() && r.storage_class == name) return r.dtype;
  }
  return std::nullopt;
}

}  // namespace corridorkey
