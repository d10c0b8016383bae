#!/usr/bin/env bash
# ONNX Runtime for the export tests (tests/unit/test_e2e_onnx.cpp): the npm
# package onnxruntime-node at the version tests/onnx/package-lock.json pins,
# installed into a folder of its own (default .cache/onnxruntime) by
# scripts/npm_pinned.sh (`npm ci`, integrity-checked, --ignore-scripts: the
# package ships its CPU library, libonnxruntime.so, inside; its install
# script would only fetch optional GPU parts from a host these machines
# cannot reach).
#   bash scripts/onnxruntime.sh [FOLDER]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/.cache/onnxruntime}
version=$(bash "$root/scripts/npm_pinned.sh" "$root/tests/onnx" onnxruntime-node "$dir")
# The binding loads its library: the package is whole for this machine.
(cd "$dir" && node -e "require('onnxruntime-node')")
echo "onnxruntime: onnxruntime-node $version in $dir"
