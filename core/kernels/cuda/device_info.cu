#include <cuda_runtime.h>

#include "corridorkey_kernels/device.hpp"

namespace corridorkey::kernels {

bool built_with_cuda() { return true; }

int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return 0;
  }
  return count;
}

std::string cuda_device_name(int index) {
  cudaDeviceProp prop{};
  if (index >= cuda_device_count() || cudaGetDeviceProperties(&prop, index) != cudaSuccess) return {};
  return prop.name;
}

}  // namespace corridorkey::kernels
