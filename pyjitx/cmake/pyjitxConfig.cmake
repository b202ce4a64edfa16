# CMake package config of the pyjitx runtime (docs/spec.md §4.2).
#
#   cmake -Dpyjitx_DIR="$(pyjitx config --cmakedir)" ...
#   find_package(pyjitx CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE pyjitx::runtime)         # libpyjitx_runtime.so
#   target_link_libraries(app PRIVATE pyjitx::runtime_static)  # libpyjitx_runtime.a
#
# Both targets carry the include directory of <pyjitx/runtime.h> & co.
# Paths are found relative to this file: it lives in the installed package
# (pyjitx/cmake), next to pyjitx/lib and, in a wheel, pyjitx/include; a
# source checkout uses libruntime/include of the tree instead.
# Sets pyjitx_INCLUDE_DIR, pyjitx_LIBRARY, pyjitx_STATIC_LIBRARY.

get_filename_component(_pyjitx_package "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

if(EXISTS "${_pyjitx_package}/include/pyjitx/runtime.h")
  set(pyjitx_INCLUDE_DIR "${_pyjitx_package}/include")
elseif(EXISTS "${_pyjitx_package}/../libruntime/include/pyjitx/runtime.h")
  get_filename_component(pyjitx_INCLUDE_DIR "${_pyjitx_package}/../libruntime/include" ABSOLUTE)
else()
  set(pyjitx_FOUND FALSE)
  set(pyjitx_NOT_FOUND_MESSAGE "pyjitx's C headers are missing from ${_pyjitx_package}: reinstall pyjitx")
  return()
endif()

set(pyjitx_LIBRARY "${_pyjitx_package}/lib/libpyjitx_runtime.so")
set(pyjitx_STATIC_LIBRARY "${_pyjitx_package}/lib/libpyjitx_runtime.a")
foreach(_pyjitx_file IN ITEMS "${pyjitx_LIBRARY}" "${pyjitx_STATIC_LIBRARY}")
  if(NOT EXISTS "${_pyjitx_file}")
    set(pyjitx_FOUND FALSE)
    set(pyjitx_NOT_FOUND_MESSAGE "${_pyjitx_file} is missing: the native part of pyjitx was not built (pip install -e . or python setup.py build_ext --inplace)")
    return()
  endif()
endforeach()

find_package(Threads REQUIRED)

if(NOT TARGET pyjitx::runtime)
  add_library(pyjitx::runtime SHARED IMPORTED)
  set_target_properties(pyjitx::runtime PROPERTIES
    IMPORTED_LOCATION "${pyjitx_LIBRARY}"
    IMPORTED_SONAME "libpyjitx_runtime.so"
    INTERFACE_INCLUDE_DIRECTORIES "${pyjitx_INCLUDE_DIR}")
endif()

if(NOT TARGET pyjitx::runtime_static)
  add_library(pyjitx::runtime_static STATIC IMPORTED)
  set_target_properties(pyjitx::runtime_static PROPERTIES
    IMPORTED_LOCATION "${pyjitx_STATIC_LIBRARY}"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "${pyjitx_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "m;Threads::Threads")
endif()

set(pyjitx_FOUND TRUE)
unset(_pyjitx_package)
unset(_pyjitx_file)
