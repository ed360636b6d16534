// Small helpers shared by the benchmarks: medians, peak RSS, the device and waiting for it.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <c10/core/Device.h>

#include "corridorkey/config.hpp"
#include "corridorkey/device.hpp"
#if CORRIDORKEY_WITH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace bench {

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

inline double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

template <class F>
double seconds(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Waits for the device, so that a timed region includes all the work it queued.
inline void sync(c10::Device device) {
#if CORRIDORKEY_WITH_CUDA
  if (device.is_cuda()) c10::cuda::device_synchronize();
#else
  (void)device;
#endif
}

/// The device `name` asks for (auto, cpu, cuda, cuda:N), or nothing after saying why on stderr.
inline std::optional<c10::Device> device_named(const std::string& name, const char* tool) {
  try {
    return corridorkey::pick_device(name);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", tool, e.what());
    return std::nullopt;
  }
}

}  // namespace bench
