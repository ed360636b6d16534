# OpenFX, vendored in third_party/openfx (BSD-3-Clause, see its README entry): the API headers, which
# the plugin (plugins/ofx) is built against, and the HostSupport library, on which the test host
# is built. HostSupport needs expat (Debian: libexpat1-dev); without it the plugin is still built
# and its host tests are left out.
set(CORRIDORKEY_OPENFX_DIR ${PROJECT_SOURCE_DIR}/third_party/openfx)

add_library(corridorkey_openfx_api INTERFACE)
target_include_directories(corridorkey_openfx_api SYSTEM INTERFACE ${CORRIDORKEY_OPENFX_DIR}/include)

find_package(EXPAT QUIET)
set(CORRIDORKEY_OFX_HOSTSUPPORT OFF)
if(EXPAT_FOUND)
  set(CORRIDORKEY_OFX_HOSTSUPPORT ON)
  file(GLOB _ck_ofx_host_sources CONFIGURE_DEPENDS ${CORRIDORKEY_OPENFX_DIR}/HostSupport/src/*.cpp)
  add_library(corridorkey_openfx_hostsupport STATIC ${_ck_ofx_host_sources})
  target_include_directories(corridorkey_openfx_hostsupport SYSTEM PUBLIC ${CORRIDORKEY_OPENFX_DIR}/include
                                                                          ${CORRIDORKEY_OPENFX_DIR}/HostSupport/include)
  target_link_libraries(corridorkey_openfx_hostsupport PUBLIC EXPAT::EXPAT ${CMAKE_DL_LIBS})
  # Third-party code, compiled as its authors do (C++17), its warnings not ours to fix.
  target_compile_options(corridorkey_openfx_hostsupport PRIVATE -w)
  set_target_properties(corridorkey_openfx_hostsupport PROPERTIES CXX_STANDARD 17 POSITION_INDEPENDENT_CODE ON)
endif()
