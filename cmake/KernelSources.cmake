# The SIMD kernel files, compiled once per kernel set: by the top
# CMakeLists.txt for each x86-64 set (or a non-x86 machine's one), and by
# web/CMakeLists.txt for WebAssembly's one. Absolute paths, so both can use them.
get_filename_component(ctgrad_kernel_dir ${CMAKE_CURRENT_LIST_DIR}/../src/kernels ABSOLUTE)
set(ctgrad_scalar_kernel_sources ${ctgrad_kernel_dir}/scalar.cpp)
set(ctgrad_simd_kernel_sources)
foreach(name IN ITEMS simd simd_matmul simd_matmul_tiled simd_matmul_backward_b simd_rows_matmul
                      simd_rows_matmul_backward_b simd_im2col simd_im2row simd_conv2d_forward simd_conv2d_backward
                      simd_conv2d_input simd_col2im)
  list(APPEND ctgrad_simd_kernel_sources ${ctgrad_kernel_dir}/${name}.cpp)
endforeach()
