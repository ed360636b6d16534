# Stub of the module CMake generates from python/build_info.py.in.
VERSION: str
TORCH_VERSION: str
CUDA_BUILD: bool
