// ctgrad's compiled part for the project's own targets, built with
// CTGRAD_SEPARATE_COMPILATION (CMakeLists.txt, ctgrad_compiled): the
// processes of a run, over MPI when it is found.
// One file for each part of <ctgrad/impl/src.hpp>, so that they compile
// side by side.
#include <ctgrad/train/impl/processes.ipp>
