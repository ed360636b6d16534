# Warnings for the project's own targets (not for third-party headers, which come in as SYSTEM).
add_library(corridorkey_warnings INTERFACE)
target_compile_options(corridorkey_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra>
  $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra>)
