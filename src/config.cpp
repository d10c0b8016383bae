// ctgrad's compiled part for the project's own targets, built with
// CTGRAD_SEPARATE_COMPILATION (CMakeLists.txt, ctgrad_compiled): config.json
// both ways, with nlohmann json.
// One file for each part of <ctgrad/impl/src.hpp>, so that they compile
// side by side.
#include <ctgrad/train/impl/config.ipp>
