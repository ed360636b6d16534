#include "corridorkey_kernels/device.hpp"

namespace corridorkey::kernels {

#ifndef CORRIDORKEY_KERNELS_CUDA
bool built_with_cuda() { return false; }
int cuda_device_count() { return 0; }
std::string cuda_device_name(int) { return {}; }
#endif

}  // namespace corridorkey::kernels
