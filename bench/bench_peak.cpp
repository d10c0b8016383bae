// The machine's float32 multiply-add peak, measured beside the models so
// that a step's share of it is a ratio from one run: independent chains of
// vector FMAs (more chains than the FMA latency times the FMA ports, so the
// ports never wait), no memory traffic. `machine_peak/<set>/threads:T`
// reports FLOP/s (a multiply-add is 2) over the wall time of T threads,
// each on its own chains.
#include <immintrin.h>

#include <cstddef>

#include <benchmark/benchmark.h>

namespace {

constexpr int chains = 12;        // covers latency 4 x 2 ports, with room
constexpr int rounds = 1 << 12;   // FMAs a chain per call

// The factors come from the caller, so that the compiler cannot fold the
// chains at compile time.
__attribute__((target("avx512f"))) float fma_chains_avx512(float start, float factor, float term) {
  __m512 acc[chains];
  for (int c = 0; c < chains; ++c) acc[c] = _mm512_set1_ps(start * static_cast<float>(c));
  const __m512 a = _mm512_set1_ps(factor), b = _mm512_set1_ps(term);
  for (int r = 0; r < rounds; ++r)
    for (int c = 0; c < chains; ++c) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
  __m512 sum = acc[0];
  for (int c = 1; c < chains; ++c) sum = _mm512_add_ps(sum, acc[c]);
  float lanes[16];
  _mm512_storeu_ps(lanes, sum);
  return lanes[0] + lanes[15];
}

__attribute__((target("avx2,fma"))) float fma_chains_avx2(float start, float factor, float term) {
  __m256 acc[chains];
  for (int c = 0; c < chains; ++c) acc[c] = _mm256_set1_ps(start * static_cast<float>(c));
  const __m256 a = _mm256_set1_ps(factor), b = _mm256_set1_ps(term);
  for (int r = 0; r < rounds; ++r)
    for (int c = 0; c < chains; ++c) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
  __m256 sum = acc[0];
  for (int c = 1; c < chains; ++c) sum = _mm256_add_ps(sum, acc[c]);
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  return lanes[0] + lanes[7];
}

template <float (*Chains)(float, float, float), int Lanes>
void machine_peak(benchmark::State& state) {
  float start = 0.001f, factor = 0.999f, term = 0.0001f;
  for (auto _ : state) {
    benchmark::DoNotOptimize(start);
    benchmark::DoNotOptimize(factor);
    benchmark::DoNotOptimize(term);
    benchmark::DoNotOptimize(Chains(start, factor, term));
  }
  const double flop_per_call = 2.0 * Lanes * chains * rounds;
  state.counters["FLOP/s"] =
      benchmark::Counter(flop_per_call * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

const bool registered = [] {
  __builtin_cpu_init();
  for (int threads : {1, 2}) {
    if (__builtin_cpu_supports("avx512f"))
      benchmark::RegisterBenchmark("machine_peak/avx512", machine_peak<fma_chains_avx512, 16>)
          ->Threads(threads)
          ->UseRealTime();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
      benchmark::RegisterBenchmark("machine_peak/avx2", machine_peak<fma_chains_avx2, 8>)
          ->Threads(threads)
          ->UseRealTime();
  }
  return true;
}();

}  // namespace
