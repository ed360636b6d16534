// Which devices this build can run on, and picking one from a user's choice.
#pragma once

#include <string>

#include <c10/core/Device.h>

namespace corridorkey {

/// True when the CUDA kernels and the CUDA path were compiled into this build.
bool built_with_cuda();

/// Number of CUDA devices visible now (0 without a GPU or driver, or in a CPU-only build).
int cuda_device_count();

/// Name of CUDA device `index`, or "" when there is none.
std::string cuda_device_name(int index);

/// Resolves "auto" (CUDA device 0 when one is visible, else the CPU), "cpu", "cuda" or "cuda:N".
/// Throws UsageError naming `wanted` when it asks for a CUDA device this machine or build lacks.
c10::Device pick_device(const std::string& wanted);

}  // namespace corridorkey
