#include "corridorkey/config.hpp"
#include "corridorkey/device.hpp"

#if CORRIDORKEY_WITH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace corridorkey {

DeviceFence DeviceFence::record(c10::Device device) {
  DeviceFence fence;
#if CORRIDORKEY_WITH_CUDA
  if (device.is_cuda()) {
    auto event = std::make_shared<at::cuda::CUDAEvent>();
    event->record(c10::cuda::getCurrentCUDAStream(device.index()));
    fence.event_ = event;
    fence.device_ = device;
  }
#else
  (void)device;
#endif
  return fence;
}

void DeviceFence::synchronize() const {
#if CORRIDORKEY_WITH_CUDA
  if (event_) static_cast<at::cuda::CUDAEvent*>(event_.get())->synchronize();
#endif
}

void DeviceFence::wait() const {
#if CORRIDORKEY_WITH_CUDA
  if (event_) static_cast<at::cuda::CUDAEvent*>(event_.get())->block(c10::cuda::getCurrentCUDAStream(device_.index()));
#endif
}

}  // namespace corridorkey
