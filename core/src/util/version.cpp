#include "corridorkey/version.hpp"

#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <dlfcn.h>
#include <link.h>
#include <torch/version.h>

#include "corridorkey/config.hpp"
#include "corridorkey/device.hpp"

namespace corridorkey {

namespace {

// The file the dynamic loader took libtorch_cpu.so from in this process.
std::string loaded_libtorch() {
  void* handle = dlopen("libtorch_cpu.so", RTLD_LAZY | RTLD_NOLOAD);
  if (handle == nullptr) return "";
  std::string path;
  const link_map* map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr && map->l_name != nullptr) path = map->l_name;
  dlclose(handle);
  return path;
}

}  // namespace

VersionInfo version_info() {
  VersionInfo info;
  info.engine = CORRIDORKEY_VERSION_STRING;
  info.libtorch = TORCH_VERSION;
  info.libtorch_prefix = CORRIDORKEY_TORCH_PREFIX;
  info.libtorch_loaded = loaded_libtorch();
  info.cuda_build = CORRIDORKEY_WITH_CUDA != 0;
  if (at::hasCUDA()) {
    info.cuda_devices = at::detail::getCUDAHooks().getNumGPUs();
  }
  if (info.cuda_devices > 0) info.cuda_device_name = cuda_device_name(0);
  return info;
}

std::string version_text() {
  const VersionInfo v = version_info();
  std::string text = "clip_manager (CorridorKey native engine) " + v.engine + "\n";
  text += "LibTorch: " + v.libtorch + " (built against " + v.libtorch_prefix + ")\n";
  if (!v.libtorch_loaded.empty()) text += "LibTorch loaded: " + v.libtorch_loaded + "\n";
  text += std::string("CUDA build: ") + (v.cuda_build ? "on" : "off") + "\n";
  if (v.cuda_devices > 0) {
    text += "CUDA device: " + std::to_string(v.cuda_devices) + " visible (" + v.cuda_device_name + ")\n";
  } else {
    text += "CUDA device: none\n";
  }
  return text;
}

}  // namespace corridorkey
