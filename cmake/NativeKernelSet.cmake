# ctgrad_native_kernel_set(<compiler> <out_var>)
#
# The widest x86-64 kernel set (avx512, avx2, sse2) whose instructions the
# building machine has, as `<compiler> -march=native` sees them: the same
# instruction sets src/kernels/dispatch.cpp asks the CPU for. Used by the
# top CMakeLists.txt (an unoptimized build's one set) and by the install
# test (which set an installed consumer must run here).
function(ctgrad_native_kernel_set compiler out_var)
  execute_process(COMMAND ${compiler} -march=native -dM -E -x c++ /dev/null
                  OUTPUT_VARIABLE macros ERROR_QUIET)
  if(macros MATCHES "__AVX512BW__ 1" AND macros MATCHES "__AVX512VL__ 1" AND macros MATCHES "__AVX512DQ__ 1"
     AND macros MATCHES "__AVX512CD__ 1")
    set(${out_var} avx512 PARENT_SCOPE)
  elseif(macros MATCHES "__AVX2__ 1" AND macros MATCHES "__FMA__ 1")
    set(${out_var} avx2 PARENT_SCOPE)
  else()
    set(${out_var} sse2 PARENT_SCOPE)
  endif()
endfunction()
