// What the kernels library was built with and which CUDA devices it can see.
#pragma once

#include <string>

namespace corridorkey::kernels {

/// True when the CUDA kernels were compiled into this build.
bool built_with_cuda();

/// Number of CUDA devices visible now (0 without a GPU or driver, or in a CPU-only build).
int cuda_device_count();

/// Name of CUDA device `index`, or "" when there is none.
std::string cuda_device_name(int index);

}  // namespace corridorkey::kernels
