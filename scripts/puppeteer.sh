#!/usr/bin/env bash
# The browser driver of the page's tests (web/tests/browser.mjs): the npm
# package puppeteer-core at the version web/tests/package-lock.json pins,
# installed into a folder of its own (default .cache/puppeteer) by
# scripts/npm_pinned.sh (`npm ci`, integrity-checked, no install scripts).
# It drives Debian's chromium; puppeteer-core, unlike puppeteer, downloads
# no browser of its own.
#   bash scripts/puppeteer.sh [FOLDER]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/.cache/puppeteer}
version=$(bash "$root/scripts/npm_pinned.sh" "$root/web/tests" puppeteer-core "$dir")
echo "puppeteer: puppeteer-core $version in $dir"
