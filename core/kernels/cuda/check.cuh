// Launch-error checks shared by the CUDA kernels.
#pragma once

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace corridorkey::kernels::cuda::detail {

inline void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(err));
}

inline unsigned blocks_for(std::size_t n, unsigned threads) {
  return static_cast<unsigned>((n + threads - 1) / threads);
}

}  // namespace corridorkey::kernels::cuda::detail
