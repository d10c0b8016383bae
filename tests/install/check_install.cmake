# cmake -DBUILD_DIR=... -DCONSUMER_DIR=... -DWORK_DIR=... -DCOMPILER=... -P check_install.cmake
# Installs ctgrad to a temporary prefix, builds the consumer project against it
# with find_package(ctgrad CONFIG), and runs it twice: portable
# (ctgrad::ctgrad) and native (ctgrad::ctgrad ctgrad::native), and a program
# that includes every installed header in two translation units. Both
# consumers run the kernels compiled into the installed library.
file(REMOVE_RECURSE ${WORK_DIR})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\n${out}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_CXX_COMPILER=${COMPILER})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)

run(${WORK_DIR}/build/all_headers)
if(NOT last_output MATCHES "all headers ok")
  message(FATAL_ERROR "all_headers did not run:\n${last_output}")
endif()

foreach(program consumer consumer_native)
  run(${WORK_DIR}/build/${program})
  if(NOT last_output MATCHES "consumer ok")
    message(FATAL_ERROR "${program} did not train:\n${last_output}")
  endif()
  string(REGEX MATCH "kernels ([a-z0-9]+)" found "${last_output}")
  set(${program}_set "${CMAKE_MATCH_1}")
  message(STATUS "${program}: ${last_output}")
endforeach()

# The installed library holds the kernels for every x86-64 instruction set
# and picks the widest this CPU runs, so a consumer built without any -march
# runs the set -march=native would name: ctgrad::native changes the
# consumer's own code, not which kernels run.
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/NativeKernelSet.cmake)
execute_process(COMMAND ${COMPILER} -dM -E -x c++ /dev/null OUTPUT_VARIABLE target_macros)
if(target_macros MATCHES "#define __x86_64__ 1")
  ctgrad_native_kernel_set(${COMPILER} expected)
  if(NOT consumer_set STREQUAL expected)
    message(FATAL_ERROR "the portable consumer runs the ${consumer_set} kernels: this CPU has ${expected}, "
                        "and the installed library must choose it at run time")
  endif()
endif()
if(NOT consumer_native_set STREQUAL consumer_set)
  message(FATAL_ERROR "both consumers call the installed kernels, yet run ${consumer_set} and ${consumer_native_set}")
endif()
message(STATUS "portable build: ${consumer_set}; ctgrad::native build: ${consumer_native_set}")
