// lenet5: LeCun et al. 1998's LeNet-5 on Fashion-MNIST (issue 15, being built).
//   lenet5 prepare   the Debian package's IDX files into .npy splits
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <ctgrad/io/error.hpp>

#include "lenet5/prepare.hpp"

int main(int argc, char** argv) {
  CLI::App app{"lenet5: LeCun et al. 1998's LeNet-5 on Fashion-MNIST"};
  app.require_subcommand(1);
  lenet5::PrepareOptions options;
  auto* prepare = app.add_subcommand(
      "prepare", "Fashion-MNIST's IDX files (Debian package dataset-fashion-mnist) into .npy splits");
  prepare->add_option("--source", options.source, "Folder of the four *-idx?-ubyte.gz files")->capture_default_str();
  prepare->add_option("--out", options.out, "Where to write {train,test}_{images,labels}.npy")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "lenet5: %s\n", error.what());
    return 2;
  }
  try {
    lenet5::prepare(options, std::cout);
    return 0;
  } catch (const ctgrad::io::Error& error) {
    std::fprintf(stderr, "lenet5: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "lenet5: %s\n", error.what());
    return 1;
  }
}
