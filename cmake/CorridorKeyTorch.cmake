# LibTorch: exactly one, taken whole from one prefix.
#
# The chosen LibTorch is, in this order: -DTorch_DIR, $ENV{Torch_DIR}, the pinned `torch` wheel in
# ${CORRIDORKEY_DEPS}/venv that scripts/setup.sh installs, or a TorchConfig.cmake on
# CMAKE_PREFIX_PATH. Its prefix (TORCH_INSTALL_PREFIX: <site-packages>/torch for the wheel) is
# fixed before PyTorch's own config runs, because that config finds its libraries with
# find_library(... PATHS <prefix>/lib) and find_package(Caffe2 ... PATHS <prefix>/share/cmake),
# and CMake searches CMAKE_LIBRARY_PATH, CMAKE_PREFIX_PATH and the system's folders before PATHS:
# on a machine with Debian's libtorch-dev, /usr/lib/x86_64-linux-gnu/libtorch.so and libc10.so and
# Debian's Caffe2Config would be taken beside the wheel's headers. So the cache entries those calls
# fill are seeded here from <prefix>/lib alone, Caffe2_DIR is pinned to the prefix's, and after the
# config ran every LibTorch library the build links is checked to lie in the prefix.
#
# Sets: CORRIDORKEY_TORCH_PREFIX (the prefix), Torch_VERSION, TORCH_LIBRARIES, TORCH_INCLUDE_DIRS.

set(CORRIDORKEY_TORCH_MIN_VERSION 2.11)  # the oldest LibTorch the code is built and tested with

# 1. The chosen LibTorch's config folder. A Python package build (scikit-build-core: SKBUILD) takes
#    the torch of the Python that builds it, so that the extension matches the torch it imports.
if(NOT Torch_DIR AND DEFINED ENV{Torch_DIR})
  set(Torch_DIR "$ENV{Torch_DIR}" CACHE PATH "LibTorch CMake config (the folder of TorchConfig.cmake)")
endif()
if(NOT Torch_DIR AND SKBUILD AND Python_EXECUTABLE)
  execute_process(COMMAND "${Python_EXECUTABLE}" -c "import torch.utils; print(torch.utils.cmake_prefix_path)"
                  OUTPUT_VARIABLE _ck_py_torch OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _ck_py_rc ERROR_QUIET)
  if(NOT _ck_py_rc EQUAL 0 OR NOT EXISTS "${_ck_py_torch}/Torch/TorchConfig.cmake")
    message(FATAL_ERROR "LibTorch: ${Python_EXECUTABLE} cannot import torch; the Python package is built against the "
                        "torch it will run beside: install the pinned torch (scripts/requirements.txt) first")
  endif()
  set(Torch_DIR "${_ck_py_torch}/Torch" CACHE PATH "LibTorch CMake config (the folder of TorchConfig.cmake)")
endif()
if(NOT Torch_DIR)
  set(_ck_deps "$ENV{CORRIDORKEY_DEPS}")
  if(NOT _ck_deps)
    set(_ck_deps "$ENV{HOME}/.cache/corridorkey")
  endif()
  file(GLOB _ck_torch_cfg "${_ck_deps}/venv/lib/python3*/site-packages/torch/share/cmake/Torch")
  if(_ck_torch_cfg)
    list(GET _ck_torch_cfg 0 _ck_torch_cfg)
    set(Torch_DIR "${_ck_torch_cfg}" CACHE PATH "LibTorch CMake config (the folder of TorchConfig.cmake)")
  endif()
endif()
if(NOT Torch_DIR)
  find_path(_ck_torch_found TorchConfig.cmake PATH_SUFFIXES Torch share/cmake/Torch NO_CACHE)
  if(_ck_torch_found)
    set(Torch_DIR "${_ck_torch_found}" CACHE PATH "LibTorch CMake config (the folder of TorchConfig.cmake)")
  endif()
endif()
if(NOT Torch_DIR OR NOT EXISTS "${Torch_DIR}/TorchConfig.cmake")
  message(FATAL_ERROR "LibTorch: no TorchConfig.cmake found (Torch_DIR='${Torch_DIR}'). Run scripts/setup.sh, "
                      "which installs the pinned torch wheel into \${CORRIDORKEY_DEPS}/venv, or pass "
                      "-DTorch_DIR=<site-packages>/torch/share/cmake/Torch.")
endif()
get_filename_component(Torch_DIR "${Torch_DIR}" ABSOLUTE)
set(Torch_DIR "${Torch_DIR}" CACHE PATH "LibTorch CMake config (the folder of TorchConfig.cmake)" FORCE)

# 2. Its prefix, as TorchConfig.cmake computes it, and what must be there.
if(DEFINED ENV{TORCH_INSTALL_PREFIX})
  set(_ck_prefix "$ENV{TORCH_INSTALL_PREFIX}")
else()
  get_filename_component(_ck_prefix "${Torch_DIR}/../../.." ABSOLUTE)
endif()
file(REAL_PATH "${_ck_prefix}" CORRIDORKEY_TORCH_PREFIX)
set(_ck_torch_lib "${CORRIDORKEY_TORCH_PREFIX}/lib")
foreach(_ck_name torch torch_cpu c10)
  if(NOT EXISTS "${_ck_torch_lib}/lib${_ck_name}.so")
    message(FATAL_ERROR "LibTorch: Torch_DIR=${Torch_DIR} belongs to a LibTorch without its libraries: "
                        "${_ck_torch_lib}/lib${_ck_name}.so does not exist (needed: libtorch.so, libtorch_cpu.so "
                        "and libc10.so in ${_ck_torch_lib}). Point Torch_DIR at a complete LibTorch, such as the "
                        "pinned torch wheel's <site-packages>/torch/share/cmake/Torch (scripts/setup.sh).")
  endif()
endforeach()

# 3. Its version, before its config runs (an old config may fail in ways that name nothing useful).
set(_ck_found_version "")
if(EXISTS "${Torch_DIR}/TorchConfigVersion.cmake")
  file(STRINGS "${Torch_DIR}/TorchConfigVersion.cmake" _ck_version_line REGEX "set\\(PACKAGE_VERSION \"")
  string(REGEX MATCH "[0-9]+(\\.[0-9]+)*" _ck_found_version "${_ck_version_line}")
endif()
if(NOT _ck_found_version)
  message(FATAL_ERROR "LibTorch: ${Torch_DIR} has no readable TorchConfigVersion.cmake, so its version is unknown "
                      "(needed: ${CORRIDORKEY_TORCH_MIN_VERSION} or later). Point Torch_DIR at the pinned torch "
                      "wheel's <site-packages>/torch/share/cmake/Torch (scripts/setup.sh).")
endif()
if(_ck_found_version VERSION_LESS CORRIDORKEY_TORCH_MIN_VERSION)
  message(FATAL_ERROR "LibTorch: found version ${_ck_found_version} at ${CORRIDORKEY_TORCH_PREFIX}, but the engine "
                      "needs ${CORRIDORKEY_TORCH_MIN_VERSION} or later (scripts/requirements.txt pins the one it is "
                      "tested with). Point Torch_DIR at that wheel's <site-packages>/torch/share/cmake/Torch.")
endif()

# 4. Seed what PyTorch's config would search for, from the prefix alone. A cache entry that is
#    already set (a previous configure, or -DTORCH_LIBRARY=...) is kept, and checked below.
#    (The names are TorchConfig.cmake's: TORCH_LIBRARY, <name>_LIBRARY, C10_CUDA_LIBRARY...)
foreach(_ck_pair "TORCH_LIBRARY=torch" "c10_LIBRARY=c10" "C10_CUDA_LIBRARY=c10_cuda" "CAFFE2_NVRTC_LIBRARY=caffe2_nvrtc"
                 "kineto_LIBRARY=kineto" "c10_xpu_LIBRARY=c10_xpu" "torch_xpu_LIBRARY=torch_xpu")
  string(REPLACE "=" ";" _ck_pair "${_ck_pair}")
  list(GET _ck_pair 0 _ck_var)
  list(GET _ck_pair 1 _ck_name)
  if(EXISTS "${_ck_torch_lib}/lib${_ck_name}.so" OR EXISTS "${_ck_torch_lib}/lib${_ck_name}.a")
    find_library(${_ck_var} ${_ck_name} PATHS "${_ck_torch_lib}" NO_DEFAULT_PATH)
  endif()
endforeach()
if(EXISTS "${CORRIDORKEY_TORCH_PREFIX}/share/cmake/Caffe2/Caffe2Config.cmake")
  set(Caffe2_DIR "${CORRIDORKEY_TORCH_PREFIX}/share/cmake/Caffe2" CACHE PATH "LibTorch's Caffe2 CMake config")
endif()
if(Caffe2_DIR)  # checked before PyTorch's config reads it
  file(REAL_PATH "${Caffe2_DIR}" _ck_caffe2_real)
  string(FIND "${_ck_caffe2_real}/" "${CORRIDORKEY_TORCH_PREFIX}/" _ck_at)
  if(NOT _ck_at EQUAL 0)
    message(FATAL_ERROR "LibTorch: the chosen LibTorch is ${CORRIDORKEY_TORCH_PREFIX} (Torch_DIR=${Torch_DIR}), but "
                        "Caffe2_DIR=${Caffe2_DIR} is another one's. Remove that cache entry (cmake -UCaffe2_DIR, or "
                        "delete CMakeCache.txt) and configure again.")
  endif()
endif()

# PyTorch's CMake refuses CMAKE_CUDA_ARCHITECTURES and reads TORCH_CUDA_ARCH_LIST instead.
if(NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST} AND NOT TORCH_CUDA_ARCH_LIST)
  set(TORCH_CUDA_ARCH_LIST "8.0;8.6;8.9;9.0+PTX")
endif()
find_package(Torch REQUIRED CONFIG NO_DEFAULT_PATH PATHS "${Torch_DIR}")

# 5. Every LibTorch library the build links, and the Caffe2 config, must come from the prefix.
#    Walk TORCH_LIBRARIES (targets and their link interfaces, and plain paths) and every cache
#    entry *_LIBRARY (those PyTorch's config fills among them).
function(_ck_torch_library_files out)
  set(files "")
  set(pending ${TORCH_LIBRARIES})
  set(seen "")
  while(pending)
    list(POP_FRONT pending item)
    if(item IN_LIST seen)
      continue()
    endif()
    list(APPEND seen "${item}")
    if(TARGET "${item}")
      get_target_property(_type "${item}" TYPE)
      if(NOT _type STREQUAL "INTERFACE_LIBRARY")
        foreach(_prop IMPORTED_LOCATION IMPORTED_LOCATION_RELEASE IMPORTED_LOCATION_NOCONFIG
                      IMPORTED_LOCATION_RELWITHDEBINFO IMPORTED_LOCATION_DEBUG)
          get_target_property(_loc "${item}" ${_prop})
          if(_loc)
            list(APPEND files "${_loc}|target ${item}")
          endif()
        endforeach()
      endif()
      get_target_property(_links "${item}" INTERFACE_LINK_LIBRARIES)
      if(_links)
        list(APPEND pending ${_links})
      endif()
    elseif(IS_ABSOLUTE "${item}")
      list(APPEND files "${item}|TORCH_LIBRARIES")
    endif()
  endwhile()
  get_cmake_property(_cache CACHE_VARIABLES)
  foreach(_var IN LISTS _cache)
    if(_var MATCHES "_LIBRARY$" AND ${_var} AND IS_ABSOLUTE "${${_var}}")
      list(APPEND files "${${_var}}|${_var}")
    endif()
  endforeach()
  set(${out} "${files}" PARENT_SCOPE)
endfunction()
_ck_torch_library_files(_ck_torch_files)
set(_ck_outside "")
foreach(_ck_entry IN LISTS _ck_torch_files)
  string(REPLACE "|" ";" _ck_entry "${_ck_entry}")
  list(GET _ck_entry 0 _ck_file)
  list(GET _ck_entry 1 _ck_from)
  get_filename_component(_ck_base "${_ck_file}" NAME)
  if(NOT _ck_base MATCHES "^lib(torch|c10|caffe2|shm|kineto)")
    continue()  # CUDA, cuDNN, pthread...: not LibTorch's own
  endif()
  file(REAL_PATH "${_ck_file}" _ck_real)
  string(FIND "${_ck_real}" "${CORRIDORKEY_TORCH_PREFIX}/" _ck_at)
  if(NOT _ck_at EQUAL 0)
    list(APPEND _ck_outside "${_ck_file} (${_ck_from})")
  endif()
endforeach()
if(_ck_outside)
  list(JOIN _ck_outside "\n    " _ck_outside)
  message(FATAL_ERROR "LibTorch: the chosen LibTorch is ${CORRIDORKEY_TORCH_PREFIX} (Torch_DIR=${Torch_DIR}), but "
                      "these resolve elsewhere:\n    ${_ck_outside}\n"
                      "Linking them would mix two LibTorch versions. Remove those cache entries "
                      "(cmake -U<NAME>, or delete CMakeCache.txt) and configure again; the engine takes every "
                      "LibTorch library from the chosen prefix.")
endif()
message(STATUS "LibTorch ${Torch_VERSION} at ${CORRIDORKEY_TORCH_PREFIX} (Torch_DIR=${Torch_DIR})")
