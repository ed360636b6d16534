// Launch-error checks shared by the CUDA kernels.
#pragma once

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace corridorkey::kernels::cuda::detail {

// Throws naming the step. The thread's last-error state is cleared first, so that a failure here
// (an allocation, a bad launch) is not reported again by the next frame's launch check. (Sticky
// errors, a fault inside a kernel, stay: the context is unusable after them.)
inline void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess) {
    (void)cudaGetLastError();
    throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(err));
  }
}

inline unsigned blocks_for(std::size_t n, unsigned threads) {
  return static_cast<unsigned>((n + threads - 1) / threads);
}

}  // namespace corridorkey::kernels::cuda::detail
