#include "corridorkey/device.hpp"

#include <ATen/Context.h>

#include "corridorkey/errors.hpp"
#include "corridorkey_kernels/device.hpp"

namespace corridorkey {

bool built_with_cuda() { return kernels::built_with_cuda(); }

int cuda_device_count() { return kernels::cuda_device_count(); }

std::string cuda_device_name(int index) { return kernels::cuda_device_name(index); }

c10::Device pick_device(const std::string& wanted) {
  const bool cuda = at::hasCUDA() && cuda_device_count() > 0;
  if (wanted == "auto") return cuda ? c10::Device("cuda:0") : c10::Device(c10::kCPU);
  if (wanted == "cpu") return c10::Device(c10::kCPU);
  if (wanted != "cuda" && wanted.rfind("cuda:", 0) != 0) {
    throw UsageError("--device " + wanted + ": use auto, cpu, cuda or cuda:N");
  }
  if (!cuda) {
    throw UsageError("--device " + wanted + " asked for CUDA, but no CUDA device is visible" +
                     (built_with_cuda() ? "" : " and this build has no CUDA support") + "; use --device cpu");
  }
  c10::Device d(c10::kCPU);
  try {
    d = c10::Device(wanted == "cuda" ? "cuda:0" : wanted);
  } catch (const std::exception&) {
    throw UsageError("--device " + wanted + ": use auto, cpu, cuda or cuda:N");
  }
  if (d.index() >= cuda_device_count()) {
    throw UsageError("--device " + wanted + ": only " + std::to_string(cuda_device_count()) +
                     " CUDA device(s) visible");
  }
  return d;
}

}  // namespace corridorkey
