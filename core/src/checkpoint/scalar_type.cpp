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
  }
  return at::kFloat;
}

DType from_scalar_type(at::ScalarType type) {
  for (int i = 0; i <= static_cast<int>(DType::F8_E5M2); ++i) {
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
  }
  return "?";
}

}  // namespace corridorkey
