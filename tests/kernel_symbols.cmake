# Each SIMD kernel set's objects define, as functions or data other files
# can link to, only names in the set's own namespace (src/kernels/isa.hpp).
# A weak symbol outside it (an inline function of a shared header, compiled
# for AVX-512) could be the copy the linker keeps for every caller, and the
# same binary would then die on a CPU without AVX-512.
#   cmake -DNM=nm -DSET=avx512 "-DOBJECTS=a.o;b.o" -P kernel_symbols.cmake
foreach(variable IN ITEMS NM SET OBJECTS)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "kernel_symbols.cmake: expected -D${variable}=...")
  endif()
endforeach()
execute_process(COMMAND ${NM} -C --defined-only ${OBJECTS} OUTPUT_VARIABLE symbols RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "kernel_symbols.cmake: ${NM} failed on the ${SET} set's objects")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(strays "")
set(own 0)
foreach(line IN LISTS lines)
  # "address type name": the linkable ones (T text, D/R/B data, W/V weak, u unique)
  if(line MATCHES "^[0-9a-f]+ ([TDRBWVu]) (.*)$")
    set(name "${CMAKE_MATCH_2}")
    if(name MATCHES "ctgrad::kernels::${SET}::")
      math(EXPR own "${own} + 1")
    elseif(NOT name MATCHES "^DW\\.ref\\.__gxx_personality_v0$")
      list(APPEND strays "${name}")
    endif()
  endif()
endforeach()
if(own EQUAL 0)
  message(FATAL_ERROR "kernel_symbols.cmake: no symbol of namespace ctgrad::kernels::${SET} in the objects given")
endif()
if(strays)
  list(REMOVE_DUPLICATES strays)
  list(JOIN strays "\n  " listed)
  message(FATAL_ERROR "The ${SET} kernel set's objects define symbols outside ctgrad::kernels::${SET} "
                      "(make them always_inline or move them into the set's namespace):\n  ${listed}")
endif()
message(STATUS "${SET}: ${own} symbols, all in ctgrad::kernels::${SET}")
