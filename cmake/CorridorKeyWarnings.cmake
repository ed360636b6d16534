# Warnings for the project's own targets (not for third-party headers, which come in as SYSTEM).
add_library(corridorkey_warnings INTERFACE)
target_compile_options(corridorkey_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra>
  # GCC 12 reports std::string concatenation at -O2 as overlapping memcpy (GCC bug 105651).
  $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>>:-Wno-restrict>
  $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra>)
