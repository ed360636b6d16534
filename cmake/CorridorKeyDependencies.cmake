# Every dependency is found the CMake way and consumed as an imported target.
#
# LibTorch: by default the one inside the pinned `torch` wheel that scripts/setup.sh installs into
# ${CORRIDORKEY_DEPS}/venv; -DTorch_DIR=... takes another complete LibTorch (the official CUDA zip,
# 2.11 or later). Every LibTorch library comes from that one prefix (CorridorKeyTorch.cmake).
find_package(Threads REQUIRED)
include(CorridorKeyTorch)

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

# The layers above the core: io (OpenCV, libdeflate, OpenEXR, OpenImageIO, FFmpeg's libraries,
# OpenColorIO) and hub (libcurl); the tests' Hub server (OpenSSL). A core-only build looks for none
# of them.
if(NOT CORRIDORKEY_CORE_ONLY)
  find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs videoio)
  find_package(CURL REQUIRED)
  find_package(PkgConfig REQUIRED)
  # libdeflate: the deflate stream of the EXR (PXR24) and PNG writers.
  pkg_check_modules(DEFLATE REQUIRED IMPORTED_TARGET libdeflate)
  # OpenEXR: the EXR compressions other than PXR24 (--exr-compression).
  find_package(OpenEXR CONFIG REQUIRED)
  # OpenImageIO: the stills (EXR parts and windows, DPX, Cineon, TIFF, PNG, JPEG).
  find_package(OpenImageIO CONFIG REQUIRED)
  # FFmpeg's libraries: the videos, at their bit depth and with their colour matrix.
  pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET libavformat libavcodec libswscale libavutil)
  # OpenColorIO: --input-colorspace / --output-colorspace ($OCIO or the bundled ACES config).
  pkg_check_modules(OCIO REQUIRED IMPORTED_TARGET OpenColorIO>=2.1)
  if(CORRIDORKEY_BUILD_TESTS)
    find_package(OpenSSL REQUIRED)
  endif()
endif()
