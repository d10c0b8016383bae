#!/usr/bin/env bash
# npm packages a test needs, at the versions a lock file pins, installed into
# a folder of their own by `npm ci`, which checks every tarball against the
# lock file's sha512 integrity and refuses a mismatch; --ignore-scripts: no
# package's install script runs. A second call with the same lock file does
# nothing. Prints the package's installed version.
#   bash scripts/npm_pinned.sh SOURCE PACKAGE FOLDER
# SOURCE: the folder of package.json and package-lock.json; PACKAGE: the one
# whose presence says the install is whole.
set -euo pipefail

source_dir=$1 package=$2 dir=$3
if ! cmp -s "$source_dir/package-lock.json" "$dir/package-lock.json" ||
   [[ ! -f $dir/node_modules/$package/package.json ]]; then
  mkdir -p "$dir"
  cp "$source_dir/package.json" "$source_dir/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
fi
(cd "$dir" && node -p "require('$package/package.json').version")
