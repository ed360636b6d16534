#include "corridorkey/image.hpp"

#include <string>

#include <ATen/ATen.h>

#include "corridorkey/errors.hpp"

namespace corridorkey {

std::size_t pixel_type_size(PixelType type) {
  switch (type) {
    case PixelType::UInt8:
      return 1;
    case PixelType::UInt16:
      return 2;
    case PixelType::Float32:
      return 4;
    case PixelType::Float64:
      return 8;
  }
  throw FrameError("unknown pixel type " + std::to_string(static_cast<int>(type)));
}

at::Tensor to_tensor(const ImageView& image) {
  const std::size_t value = pixel_type_size(image.type);
  if (image.data == nullptr) throw FrameError("image buffer: data is null");
  if (image.width <= 0 || image.height <= 0 || image.channels <= 0) {
    throw FrameError("image buffer: width, height and channels must be positive (got " + std::to_string(image.width) +
                     " x " + std::to_string(image.height) + " x " + std::to_string(image.channels) + ")");
  }
  const auto row_bytes = static_cast<std::ptrdiff_t>(value) * image.width * image.channels;
  const std::ptrdiff_t stride = image.row_stride == 0 ? row_bytes : image.row_stride;
  if (stride % static_cast<std::ptrdiff_t>(value) != 0 || (stride > 0 ? stride : -stride) < row_bytes) {
    throw FrameError("image buffer: row stride " + std::to_string(image.row_stride) + " bytes must be a multiple of " +
                     std::to_string(value) + " and at least one row (" + std::to_string(row_bytes) + " bytes)");
  }
  static constexpr at::ScalarType kTypes[] = {at::kByte, at::kUInt16, at::kFloat, at::kDouble};
  const at::ScalarType dtype = kTypes[static_cast<int>(image.type)];
  const auto options = at::TensorOptions().dtype(dtype).device(image.device);
  const std::int64_t h = image.height, w = image.width, c = image.channels;
  const std::int64_t row = (stride > 0 ? stride : -stride) / static_cast<std::ptrdiff_t>(value);
  if (stride > 0) return at::from_blob(const_cast<void*>(image.data), {h, w, c}, {row, c, 1}, options);
  // Bottom-up: the lowest address holds the last row. View the rows in memory order, then flip
  // into a top-down copy (LibTorch has no negative strides).
  const auto* last = static_cast<const char*>(image.data) + stride * (image.height - 1);
  const at::Tensor memory_order = at::from_blob(const_cast<char*>(last), {h, w, c}, {row, c, 1}, options);
  return dtype == at::kUInt16 ? memory_order.view(at::kShort).flip({0}).view(at::kUInt16) : memory_order.flip({0});
}

}  // namespace corridorkey
