// The project's own targets are built with CTGRAD_SEPARATE_COMPILATION: this
// file compiles ctgrad's non-template I/O once for all of them
// (CMakeLists.txt, ctgrad_compiled).
#include <ctgrad/impl/src.hpp>
