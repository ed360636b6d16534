# -DCORRIDORKEY_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer on every target we build.
if(CORRIDORKEY_SANITIZE)
  set(_ck_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  # vptr checks need RTTI of LibTorch's polymorphic types, which we do not build: skip that one check.
  list(APPEND _ck_san -fno-sanitize=vptr)
  add_compile_options("$<$<COMPILE_LANGUAGE:C,CXX>:${_ck_san}>")
  add_link_options(${_ck_san})
endif()

# -DCORRIDORKEY_FUZZ=ON (clang): instrument everything for libFuzzer's coverage guidance, with
# ASan + UBSan; the fuzz targets themselves add the libFuzzer main (tests/fuzz).
if(CORRIDORKEY_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
endif()
