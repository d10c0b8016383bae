# One binary for every x86-64 machine: lenet1, built here, runs under QEMU's
# user-mode emulation of older CPUs and picks the kernel set each one has.
# An instruction of a wider set anywhere outside that set's kernels (the
# program's own code, the dispatch) would stop it with SIGILL.
#   cmake -DQEMU=qemu-x86_64 -DLENET1=... -DDATA=... -DWORK_DIR=... -P older_cpu.cmake
foreach(variable IN ITEMS QEMU LENET1 DATA WORK_DIR)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "older_cpu.cmake: expected -D${variable}=...")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})

# cpu: QEMU's model; kernels: the --kernels flag; expect: the set that must
# run, or "refused" for a set the CPU lacks (exit 2, one line naming it).
function(run_on cpu kernels expect)
  execute_process(COMMAND ${QEMU} -cpu ${cpu} ${LENET1} train --steps 200 --threads 1 --kernels ${kernels}
                          --data ${DATA} --out ${WORK_DIR}/${cpu}_${kernels}
                  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(expect STREQUAL "refused")
    if(NOT status EQUAL 2 OR NOT output MATCHES "--kernels: kernel set '${kernels}' needs instructions this CPU lacks")
      message(FATAL_ERROR "${cpu}, --kernels ${kernels}: expected a refusal (exit 2), found exit ${status}:\n${output}")
    endif()
  elseif(NOT status EQUAL 0 OR NOT output MATCHES "kernels: ${expect} \\(")
    message(FATAL_ERROR "${cpu}, --kernels ${kernels}: expected a run on the ${expect} kernels, found exit "
                        "${status}:\n${output}")
  endif()
  message(STATUS "${cpu}, --kernels ${kernels}: ${expect}")
endfunction()

run_on(Nehalem auto sse2)     # SSE4.2, no AVX
run_on(Nehalem avx2 refused)
run_on(Haswell auto avx2)     # AVX2 and FMA, no AVX-512
run_on(Haswell avx512 refused)
