#pragma once
// ctgrad is header-only. Its non-template I/O code (the safetensors reader
// and writer, config.json both ways, and with them all of nlohmann json) can
// instead be compiled once, as Asio's can: define
// CTGRAD_SEPARATE_COMPILATION for every file of the program, and compile
// <ctgrad/impl/src.hpp> in one file of its own. The headers then only declare
// that code, and a file that includes them parses no JSON library: about
// 2 s less of compile time for each file that includes <ctgrad/ctgrad.hpp>
// (docs/performance.md, "Build time"). This project's own targets are built
// so (CMakeLists.txt, ctgrad_compiled); an installed consumer gets the
// header-only default unless it does the same.
//
// CTGRAD_DECL marks those functions: inline when header-only, an ordinary
// external definition in the one compiled file.
#if defined(CTGRAD_SEPARATE_COMPILATION)
#define CTGRAD_DECL
#else
#define CTGRAD_DECL inline
#endif
