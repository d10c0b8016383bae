# cmake -DCOMPILER=... -DSOURCE=... -DINCLUDE=... -DEXPECTED=<regex> -P check.cmake
execute_process(
  COMMAND ${COMPILER} -std=c++20 -fsyntax-only -I${INCLUDE} ${SOURCE}
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
message(STATUS "first error, as expected: ${first_error}")
