# What the system lacks among the core's small dependencies comes from third_party/ (see its
# README): nlohmann-json and spdlog (header-only, with {fmt}), and GoogleTest built from source.
# Called after find_package() has looked for each; nothing here runs where the system has them.
set(_ck_tp ${PROJECT_SOURCE_DIR}/third_party)

if(NOT TARGET nlohmann_json::nlohmann_json)
  add_library(ck_vendored_nlohmann_json INTERFACE)
  target_include_directories(ck_vendored_nlohmann_json SYSTEM INTERFACE ${_ck_tp}/nlohmann_json/include)
  add_library(nlohmann_json::nlohmann_json ALIAS ck_vendored_nlohmann_json)
  message(STATUS "nlohmann-json: not on the system, using third_party/nlohmann_json (3.11.2)")
endif()

if(NOT TARGET spdlog::spdlog)
  # Debian's spdlog headers take {fmt} from outside (SPDLOG_FMT_EXTERNAL); both header-only here.
  add_library(ck_vendored_spdlog INTERFACE)
  target_include_directories(ck_vendored_spdlog SYSTEM INTERFACE ${_ck_tp}/spdlog/include ${_ck_tp}/fmt/include)
  target_compile_definitions(ck_vendored_spdlog INTERFACE FMT_HEADER_ONLY)
  add_library(spdlog::spdlog ALIAS ck_vendored_spdlog)
  message(STATUS "spdlog: not on the system, using third_party/spdlog (1.10.0) and third_party/fmt (9.1.0)")
endif()

if(CORRIDORKEY_BUILD_TESTS AND NOT TARGET GTest::gtest)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  add_subdirectory(${_ck_tp}/googletest ${PROJECT_BINARY_DIR}/third_party/googletest EXCLUDE_FROM_ALL)
  if(NOT TARGET GTest::gtest)  # GoogleTest 1.12 defines these aliases itself
    add_library(GTest::gtest ALIAS gtest)
    add_library(GTest::gtest_main ALIAS gtest_main)
  endif()
  message(STATUS "GoogleTest: not on the system, building third_party/googletest (1.12.1)")
endif()
