#!/usr/bin/env bash
# Builds and runs the benchmark suite; writes the results as JSON.
#   bash scripts/bench.sh [output.json] [extra Google Benchmark flags...]
# Medians of 5 repetitions; every kernel set of one benchmark runs in the same process.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/bench_results.json}
shift || true
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target ctgrad_bench
build/bench/ctgrad_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$out" --benchmark_out_format=json "$@"
echo "results: $out"
