#!/usr/bin/env bash
# The browser page (web/, docs/browser.md): LeNet-1's 1989 training and a
# drawing pad, in WebAssembly.
#   bash scripts/web.sh build   build the page into build-web/site
#   bash scripts/web.sh serve   build it, then serve it on http://127.0.0.1:8000/ (PORT=...)
# What it needs, each made if missing: the native `lenet1` program (for the
# data and the shipped weights), the prepared digits, the shipped weights
# (`lenet1 train`, seed 1, 23 passes, the sse2 kernels), and the WebAssembly module
# (Emscripten: Debian's emscripten package). Settings from the environment:
#   LENET1    the native program (default build/lenet1/lenet1, built if missing)
#   DATA      the prepared digits (default data, made by `lenet1 prepare`)
#   WEB_BUILD Emscripten's build folder; the page goes to its site/ (default build-web)
set -euo pipefail

mode=${1:-}
case "$mode" in
  build|serve) ;;
  *) echo "usage: bash scripts/web.sh build|serve" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
lenet1=${LENET1:-build/lenet1/lenet1}
data=${DATA:-data}
web_build=${WEB_BUILD:-build-web}
site=$web_build/site

for command in em++ emcmake node; do
  if ! command -v "$command" >/dev/null 2>&1; then
    echo "web: expected the \`$command\` command on PATH, found none (apt-get install emscripten nodejs)" >&2
    exit 1
  fi
done
# Emscripten's JavaScript optimizer needs Debian's acorn module, which a
# Node.js that is not Debian's does not look for.
export NODE_PATH=${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs

if [[ ! -x $lenet1 ]]; then
  [[ -f build/CMakeCache.txt ]] || cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCTGRAD_KERNEL_SETS=native >/dev/null
  cmake --build build -j"$(nproc)" --target lenet1
fi
"$lenet1" prepare --out "$data" --cache .cache

emcmake cmake -S web -B "$web_build" >/dev/null
cmake --build "$web_build" -j"$(nproc)"

mkdir -p "$site/data"
cp web/index.html web/style.css web/page.js web/curves.js web/pad.js web/worker.js \
   "$web_build/lenet1.js" "$web_build/lenet1.wasm" "$site/"
cp "$data"/{train,test}_{images,labels}.npy "$site/data/"
# The shipped weights: the page's own training with seed 1 (the sse2 set is
# what it runs), so every machine ships the same weights; a build without
# that set (CTGRAD_KERNEL_SETS=native) trains on its own widest.
if [[ ! -f $site/lenet1.safetensors ]]; then
  kernels=sse2
  "$lenet1" train --data "$data" --kernels sse2 --steps 0 --threads 1 >/dev/null 2>&1 || kernels=auto
  "$lenet1" train --data "$data" --seed 1 --kernels "$kernels" --save "$site/lenet1.safetensors" |
    grep -E '^(eval|done|saved)' | tail -4
fi
echo "web: the page is in $site ($(du -sh "$site" | cut -f1))"

if [[ $mode == serve ]]; then
  port=${PORT:-8000}
  echo "web: serving $site on http://127.0.0.1:$port/ (Ctrl-C stops)"
  exec python3 -m http.server --bind 127.0.0.1 --directory "$site" "$port"
fi
