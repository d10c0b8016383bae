# cmake -DCOMPILER=... -DSOURCE=... -DINCLUDE=... -DEXPECTED=<regex> [-DMAX_LINE=400] -P check.cmake
# The file must fail to compile; the first "error:" line must match EXPECTED
# (the rule in words and the shapes it was broken by, see
# include/ctgrad/core/shape_rule.hpp); and no line of the whole error output
# may run past MAX_LINE characters, so that the shapes are not buried in an
# "In instantiation of" line quoting a whole network's type.
#    cmake -DCOMPILER=... -DINCLUDE=... -DPCH_OUT=<dir>/ctgrad/ctgrad.hpp.gch -P check.cmake
# builds the precompiled ctgrad.hpp the checks then find through -DPCH_DIR=<dir>.
# Both compile with CTGRAD_SEPARATE_COMPILATION: the library's declarations
# without the definitions of its compiled part (I/O, JSON, MPI; ctgrad/impl/),
# which a header-only file instantiates at its end, 2 s a check, while no
# shape rule is among them.
if(DEFINED PCH_OUT)
  get_filename_component(pch_parent ${PCH_OUT} DIRECTORY)
  file(MAKE_DIRECTORY ${pch_parent})
  execute_process(
    COMMAND ${COMPILER} -std=c++20 -DCTGRAD_SEPARATE_COMPILATION -I${INCLUDE} -x c++-header ${INCLUDE}/ctgrad/ctgrad.hpp -o ${PCH_OUT}
    RESULT_VARIABLE status
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "precompiling ${INCLUDE}/ctgrad/ctgrad.hpp failed:\n${output}")
  endif()
  return()
endif()
set(pch_include "")
if(DEFINED PCH_DIR)
  set(pch_include -I${PCH_DIR})
endif()
if(NOT DEFINED MAX_LINE)
  set(MAX_LINE 400)
endif()
execute_process(
  COMMAND ${COMPILER} -std=c++20 -DCTGRAD_SEPARATE_COMPILATION -fsyntax-only ${pch_include} -I${INCLUDE} ${SOURCE}
  RESULT_VARIABLE status
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(status EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must not: expected an error matching '${EXPECTED}'")
endif()
string(REGEX MATCH "error: [^\n]*" first_error "${output}")
if(NOT first_error MATCHES "${EXPECTED}")
  message(FATAL_ERROR "${SOURCE}: the first error should match '${EXPECTED}', but it is:\n  ${first_error}")
endif()
# Line by line without CMake's list splitting on ';' (C++ has many).
string(REPLACE ";" "," flat "${output}")
string(REPLACE "\n" ";" lines "${flat}")
set(longest 0)
foreach(line IN LISTS lines)
  string(LENGTH "${line}" length)
  if(length GREATER longest)
    set(longest ${length})
    set(longest_line "${line}")
  endif()
endforeach()
if(longest GREATER MAX_LINE)
  message(FATAL_ERROR "${SOURCE}: an error line runs to ${longest} characters (at most ${MAX_LINE}):\n  ${longest_line}")
endif()
message(STATUS "first error, as expected (longest line ${longest} characters): ${first_error}")
