# Every dependency is found the CMake way and consumed as an imported target.
#
# LibTorch: by default the one inside the pinned `torch` wheel that scripts/setup.sh installs into
# ${CORRIDORKEY_DEPS}/venv. -DTorch_DIR=... or CMAKE_PREFIX_PATH still take any other LibTorch
# (the official CUDA zip, or Debian's libtorch-dev as a CPU-only fallback).
find_package(Threads REQUIRED)

if(NOT Torch_DIR AND NOT DEFINED ENV{Torch_DIR})
  set(_ck_deps "$ENV{CORRIDORKEY_DEPS}")
  if(NOT _ck_deps)
    set(_ck_deps "$ENV{HOME}/.cache/corridorkey")
  endif()
  file(GLOB _ck_torch_cfg "${_ck_deps}/venv/lib/python3*/site-packages/torch/share/cmake/Torch")
  if(_ck_torch_cfg)
    list(GET _ck_torch_cfg 0 _ck_torch_cfg)
    set(Torch_DIR "${_ck_torch_cfg}" CACHE PATH "LibTorch CMake config")
  endif()
endif()

# PyTorch's CMake refuses CMAKE_CUDA_ARCHITECTURES and reads TORCH_CUDA_ARCH_LIST instead.
if(NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST} AND NOT TORCH_CUDA_ARCH_LIST)
  set(TORCH_CUDA_ARCH_LIST "8.0;8.6;8.9;9.0+PTX")
endif()
find_package(Torch REQUIRED)

# LibTorch as one imported target. A CUDA build of the wheel needs its own NVIDIA libraries
# (site-packages/nvidia/*/lib: CUDA 13.2 runtime, cuBLAS, cuDNN, NCCL) ahead of the system
# toolkit's on the link and run paths: the system NCCL lacks symbols libtorch_cuda.so uses, and a
# 13.0 libcudart loaded first would shadow the 13.2 one the wheel was built against.
add_library(corridorkey_torch INTERFACE)
target_link_libraries(corridorkey_torch INTERFACE ${TORCH_LIBRARIES})
target_include_directories(corridorkey_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
get_filename_component(_ck_site "${TORCH_INSTALL_PREFIX}/.." ABSOLUTE)
file(GLOB CORRIDORKEY_TORCH_NVIDIA_LIBS LIST_DIRECTORIES true "${_ck_site}/nvidia/*/lib")
if(CORRIDORKEY_TORCH_NVIDIA_LIBS)
  list(JOIN CORRIDORKEY_TORCH_NVIDIA_LIBS ":" _ck_nv_path)
  target_link_options(corridorkey_torch INTERFACE "LINKER:-rpath-link,${_ck_nv_path}")
  set(CMAKE_BUILD_RPATH "${CORRIDORKEY_TORCH_NVIDIA_LIBS};${TORCH_INSTALL_PREFIX}/lib")
endif()
set(CORRIDORKEY_TORCH_HAS_CUDA OFF)
if(TARGET torch_cuda OR TORCH_CUDA_LIBRARIES OR "${TORCH_LIBRARIES}" MATCHES "c10_cuda")
  set(CORRIDORKEY_TORCH_HAS_CUDA ON)
endif()

# The core's own dependencies: LibTorch (above), nlohmann-json and spdlog; GoogleTest for the
# tests. The system's when it has them, else the copies in third_party/.
find_package(nlohmann_json 3.10 QUIET)
find_package(spdlog QUIET)
if(CORRIDORKEY_BUILD_TESTS)
  find_package(GTest QUIET)
endif()
include(CorridorKeyVendored)

# The layers above the core: io (OpenCV, libdeflate, OpenEXR) and hub (libcurl); the tests' Hub
# server (OpenSSL). A core-only build looks for none of them.
if(NOT CORRIDORKEY_CORE_ONLY)
  find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs videoio)
  find_package(CURL REQUIRED)
  find_package(PkgConfig REQUIRED)
  # libdeflate: the deflate stream of the EXR (PXR24) and PNG writers.
  pkg_check_modules(DEFLATE REQUIRED IMPORTED_TARGET libdeflate)
  # OpenEXR: the EXR compressions other than PXR24 (--exr-compression).
  find_package(OpenEXR CONFIG REQUIRED)
  if(CORRIDORKEY_BUILD_TESTS)
    find_package(OpenSSL REQUIRED)
  endif()
endif()
