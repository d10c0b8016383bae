#!/usr/bin/env bash
# The browser driver of the page's tests (web/tests/browser.mjs): the npm
# package puppeteer-core at the version web/tests/package-lock.json pins,
# installed into a folder of its own (default .cache/puppeteer) by `npm ci`,
# which checks every tarball against the lock file's sha512 integrity and
# refuses a mismatch. It drives Debian's chromium; puppeteer-core, unlike
# puppeteer, downloads no browser of its own.
#   bash scripts/puppeteer.sh [FOLDER]
# --ignore-scripts: no package needs an install script here. A second call
# with the same lock file does nothing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/.cache/puppeteer}
lock=$root/web/tests/package-lock.json
if cmp -s "$lock" "$dir/package-lock.json" && [[ -f $dir/node_modules/puppeteer-core/package.json ]]; then
  exit 0
fi
mkdir -p "$dir"
cp "$root/web/tests/package.json" "$lock" "$dir/"
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "puppeteer: puppeteer-core $(cd "$dir" && node -p "require('puppeteer-core/package.json').version") in $dir"
