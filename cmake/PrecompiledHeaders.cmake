# Precompiled headers for the project's own targets (not for consumers).
#
# Every file that trains, tests or benchmarks a model parses the same few
# large headers first: ctgrad.hpp (Boost.Hana, xsimd), the trainer, and in
# the tests Catch2. Parsing them is about 2 s per file on this project's
# machine, a tenth of a model file's compile time and most of a small
# test's (docs/performance.md, "Build time"). One precompiled header per kind
# of file is built once per build folder, in a host target with the same
# flags, and reused by every file of that kind (CMake's REUSE_FROM):
#   library  ctgrad.hpp and the trainer: models, programs, benchmarks, examples
#   tests    the same and Catch2
# Files compiled with other flags (ctgrad_no_numeric_code's -Og) skip it.
# CTGRAD_PRECOMPILED_HEADERS=OFF compiles every file from its own includes
# alone; the install test checks that each installed header stands alone.
option(CTGRAD_PRECOMPILED_HEADERS "Precompile the large headers the project's own files share" ON)

set(ctgrad_pch_library_headers
    <algorithm> <array> <cmath> <cstdint> <filesystem> <fstream> <memory> <random> <string> <vector>
    <ctgrad/ctgrad.hpp> <ctgrad/train/instantiate.hpp> <ctgrad/train/trainer.hpp>)

# ctgrad_precompiled_headers(<target> library|tests [<link libraries>...])
# The first call of a kind creates its host; every call makes <target> use it.
function(ctgrad_precompiled_headers target kind)
  if(NOT CTGRAD_PRECOMPILED_HEADERS)
    return()
  endif()
  set(host ctgrad_pch_${kind})
  if(NOT TARGET ${host})
    set(source ${PROJECT_BINARY_DIR}/${host}.cpp)
    file(CONFIGURE OUTPUT ${source} CONTENT "// Host of the ${kind} precompiled header (cmake/PrecompiledHeaders.cmake).\n")
    add_library(${host} OBJECT EXCLUDE_FROM_ALL ${source})
    target_link_libraries(${host} PRIVATE ctgrad::ctgrad ctgrad_project_options ${ARGN})
    set(headers ${ctgrad_pch_library_headers})
    if(kind STREQUAL "tests")
      list(PREPEND headers <catch2/catch.hpp>)
    endif()
    target_precompile_headers(${host} PRIVATE ${headers})
  endif()
  target_precompile_headers(${target} REUSE_FROM ${host})
  # GCC 12 loses track, for code from a precompiled header, that libstdc++'s
  # std::string is a system header's, and reports its false positives on
  # string concatenation at -O3 (GCC bugs 105651, 105329; fixed in GCC 13).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-array-bounds -Wno-stringop-overflow)
  endif()
endfunction()
