#!/usr/bin/env bash
# ONNX Runtime for the export tests (tests/unit/test_e2e_onnx.cpp): the npm
# package onnxruntime-node at the version tests/onnx/package-lock.json pins,
# installed into a folder of its own (default .cache/onnxruntime) by `npm ci`,
# which checks every tarball against the lock file's sha512 integrity and
# refuses a mismatch.
#   bash scripts/onnxruntime.sh [FOLDER]
# --ignore-scripts: the package ships its CPU library (libonnxruntime.so)
# inside; its install script would only fetch optional GPU parts from a host
# these machines cannot reach. A second call with the same lock file does
# nothing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/.cache/onnxruntime}
lock=$root/tests/onnx/package-lock.json
if cmp -s "$lock" "$dir/package-lock.json" && [[ -f $dir/node_modules/onnxruntime-node/package.json ]]; then
  exit 0
fi
mkdir -p "$dir"
cp "$root/tests/onnx/package.json" "$lock" "$dir/"
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
# The binding loads its library: the package is whole for this machine.
(cd "$dir" && node -e "require('onnxruntime-node')")
echo "onnxruntime: onnxruntime-node $(cd "$dir" && node -p "require('onnxruntime-node/package.json').version") in $dir"
