// Plain pixel buffers, as a plugin host or a decoder hands them over, and their tensor form.
// The core's pipeline takes either: an ImageView is wrapped as an [H, W, C] tensor, without a copy
// wherever the layout allows it.
#pragma once

#include <cstddef>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

namespace corridorkey {

/// Element type of a pixel buffer: 8-bit (read as value / 255), 16-bit (value / 65535), or float.
enum class PixelType { UInt8, UInt16, Float32, Float64 };

/// Bytes per channel value of `type`.
std::size_t pixel_type_size(PixelType type);

/// An image in memory: interleaved channels, row 0 (the top row) at `data`, each next row
/// `row_stride` bytes further on. A row stride of 0 means tightly packed rows; a negative one walks
/// a bottom-up buffer from its top row. `device` says where the bytes live (CPU or a CUDA device).
struct ImageView {
  const void* data = nullptr;
  int width = 0;
  int height = 0;
  int channels = 0;
  PixelType type = PixelType::UInt8;
  std::ptrdiff_t row_stride = 0;
  c10::Device device = c10::Device(c10::kCPU);
};

/// The view as an [H, W, C] tensor of its element type (UInt16 as at::kUInt16). Rows at a positive
/// stride are aliased, not copied: the buffer must outlive the tensor. A bottom-up buffer (negative
/// stride) is copied into top-down order. Throws FrameError naming the field for a malformed view
/// (null data, a non-positive size, a stride shorter than a row or not a multiple of the value size).
at::Tensor to_tensor(const ImageView& image);

}  // namespace corridorkey
