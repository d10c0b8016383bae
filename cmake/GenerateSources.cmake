# ctgrad_generate_sources(<out_var> <template> <prefix> <NAME1> "<values>" [<NAME2> "<values>"])
#
# One source file per value of NAME1 (and of NAME2, for each), configured
# from <template> with @NAME1@ (and @NAME2@) replaced, named
# <prefix>_<value1>[_<value2>].cpp in the current binary folder; their paths
# in <out_var>. The programs compile each variant or (variant, part) of
# their models in a file of its own this way.
function(ctgrad_generate_sources out_var template prefix name1 values1)
  set(name2 ${ARGV5})
  set(values2 ${ARGV6})
  if(NOT name2)
    set(values2 "")
  endif()
  set(sources)
  foreach(value1 IN LISTS values1)
    set(${name1} ${value1})
    if(name2)
      foreach(value2 IN LISTS values2)
        set(${name2} ${value2})
        set(source ${CMAKE_CURRENT_BINARY_DIR}/${prefix}_${value1}_${value2}.cpp)
        configure_file(${template} ${source} @ONLY)
        list(APPEND sources ${source})
      endforeach()
    else()
      set(source ${CMAKE_CURRENT_BINARY_DIR}/${prefix}_${value1}.cpp)
      configure_file(${template} ${source} @ONLY)
      list(APPEND sources ${source})
    endif()
  endforeach()
  set(${out_var} ${sources} PARENT_SCOPE)
endfunction()
