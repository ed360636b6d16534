#include <string>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"

namespace corridorkey {

at::ScalarType to_scalar_type(DType dtype) {
  switch (dtype) {
    case DType::F64:
      return at::kDouble;
    case DType::F32:
      return at::kFloat;
    case DType::F16:
      return at::kHalf;
    case DType::BF16:
      return at::kBFloat16;
    case DType::I64:
      return at::kLong;
    case DType::I32:
      return at::kInt;
    case DType::I16:
      return at::kShort;
    case DType::I8:
      return at::kChar;
    case DType::U8:
      return at::kByte;
    case DType::BOOL:
      return at::kBool;
    case DType::F8_E4M3:
      return at::kFloat8_e4m3fn;
    case DType::F8_E5M2:
      return at::kFloat8_e5m2;
    case DType::U16:
      return at::kUInt16;
    case DType::U32:
      return at::kUInt32;
    case DType::U64:
      return at::kUInt64;
    case DType::C64:
      return at::kComplexFloat;
    case DType::F8_E8M0:
      return at::kFloat8_e8m0fnu;
    case DType::F8_E4M3FNUZ:
      return at::kFloat8_e4m3fnuz;
    case DType::F8_E5M2FNUZ:
      return at::kFloat8_e5m2fnuz;
    case DType::F4:
    case DType::F6_E2M3:
    case DType::F6_E3M2:
      return at::kByte;  // raw bytes (see is_sub_byte)
  }
  return at::kFloat;
}

DType from_scalar_type(at::ScalarType type) {
  for (int i = 0; i < kDTypeCount; ++i) {
    if (to_scalar_type(static_cast<DType>(i)) == type) return static_cast<DType>(i);
  }
  throw CheckpointError(std::string("tensors of type ") + c10::toString(type) + " cannot be stored in safetensors");
}

std::string_view format_name(CheckpointFormat format) {
  switch (format) {
    case CheckpointFormat::Safetensors:
      return "safetensors";
    case CheckpointFormat::ShardedSafetensors:
      return "sharded safetensors";
    case CheckpointFormat::Pth:
      return "pth (torch.save zip)";
    case CheckpointFormat::LegacyPth:
      return "pth (torch.save legacy, pre-1.6)";
  }
  return "?";
}

}  // namespace corridorkey
