// Checking and normalising the frames the pipeline is given, shared by its CPU and CUDA paths.
#pragma once

#include <cstddef>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "corridorkey/pipeline.hpp"
#include "corridorkey_kernels/color.hpp"

namespace corridorkey::detail {

/// The plate's first three channels as a contiguous [H, W, 3] tensor on `device`: uint8, float32
/// (float64 converted), or uint16 carried as int16 (same bytes: LibTorch copies int16 everywhere).
/// Throws FrameError unless the plate is an [H, W, C >= 3] image of a supported type.
at::Tensor plate_rgb(const at::Tensor& plate, c10::Device device);

/// The hint's first channel as a contiguous [H, W] tensor on `device`, typed as plate_rgb's.
/// Throws FrameError unless the hint is an [H, W] or [H, W, C] image of a supported type.
at::Tensor hint_channel(const at::Tensor& hint, c10::Device device);

/// Bytes per value of a tensor plate_rgb() or hint_channel() returned: 1, 2 or 4.
int value_bytes(const at::Tensor& t);

/// The hint as the reference prepares it, on the CPU: float32 [height, width] in 0-1 (8/16-bit
/// scaled), resized to the plate (bilinear, as cv::resize INTER_LINEAR) when the sizes differ.
at::Tensor hint_unit_cpu(const at::Tensor& hint, int height, int width);

/// Throws FrameError unless there is one hint per plate and at least one plate.
void check_batch(std::size_t plates, std::size_t hints);

/// The post-processing kernels' settings (CPU twins and CUDA alike) for `settings`.
kernels::PostSettings post_settings(const InferenceSettings& settings);

}  // namespace corridorkey::detail
