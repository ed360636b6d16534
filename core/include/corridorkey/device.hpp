// Which devices this build can run on, and picking one from a user's choice.
#pragma once

#include <memory>
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

/// Caps the CPU instruction sets LibTorch's CPU kernels use, process-wide, so that farm nodes of
/// different CPUs compute the same float32 bits (our own kernels give the same bits in every clone):
/// - "native": nothing changes, the widest sets this CPU has;
/// - "avx2": oneDNN (ONEDNN_MAX_CPU_ISA) and ATen (ATEN_CPU_CAPABILITY) at AVX2 and FMA, MKL on its
///   AVX2 branch (MKL_CBWR): AVX2 and AVX-512 machines of one vendor agree (MKL runs other code on
///   Intel and AMD CPUs);
/// - "portable": the same with MKL on its COMPATIBLE branch: Intel and AMD agree too, at MKL's
///   SSE2 speed.
/// Call it before the first network is built. Throws UsageError for another name, on a CPU without
/// AVX2 and FMA, or when LibTorch has already chosen a wider set.
void limit_cpu_isa(const std::string& isa);

/// Orders GPU work across threads. record() marks the work queued so far on the calling thread's
/// current CUDA stream of `device`; wait(), on any thread, makes that thread's current stream wait
/// for it before its next work. Hand one with the tensors when another thread post-processes them
/// (the threads' streams may differ). On the CPU both do nothing.
class DeviceFence {
 public:
  DeviceFence() = default;
  static DeviceFence record(c10::Device device);
  void wait() const;
  /// Blocks the calling thread until the recorded work is done (for results handed to a caller
  /// that may read them on any stream).
  void synchronize() const;

 private:
  std::shared_ptr<void> event_;  // the CUDA event, in a CUDA build
  c10::Device device_ = c10::Device(c10::kCPU);
};

}  // namespace corridorkey
