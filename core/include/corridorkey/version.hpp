// Build and runtime facts that `clip_manager --version` prints.
#pragma once

#include <string>

namespace corridorkey {

struct VersionInfo {
  std::string engine;            ///< the engine's own version, e.g. "0.1.0"
  std::string libtorch;          ///< the LibTorch it was built against, e.g. "2.15.0"
  std::string libtorch_prefix;   ///< that LibTorch's install prefix at build time
  std::string libtorch_loaded;   ///< the libtorch_cpu.so this process loaded ("" when unknown)
  bool cuda_build = false;       ///< the CUDA kernels and CUDA path were compiled in
  int cuda_devices = 0;          ///< CUDA devices visible now (0 on a machine without a GPU)
  std::string cuda_device_name;  ///< name of device 0 when one is visible
};

VersionInfo version_info();

/// Multi-line text for --version.
std::string version_text();

}  // namespace corridorkey
