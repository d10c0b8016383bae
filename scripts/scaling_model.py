#!/usr/bin/env python3
"""Training over MPI on a cluster, on paper: from one rank's measured step
time and the exchange Processes::ordered_sum makes, the time a step spends
exchanging and the examples per rank that keep R machines efficient
(docs/scaling.md).

  python3 scripts/scaling_model.py --step-us 190.6 --batch 32 --floats 9761

--step-us and --batch: one rank's step on one thread, measured
(`lenet1_distributed/batch:32/threads:1` on one process); --floats: the
exchanged sum (the model's parameters and the loss: 9,761 for LeNet-1).

The exchange (ctgrad/train/impl/processes.ipp): the running sum passes from
rank to rank in sqrt(n (R - 2) / 6250) pieces (1 to 64), a pipeline of
R - 1 hops, then the last rank broadcasts the n floats. Modelled without
overlap with the computation:
  chain     = (pieces + R - 2) * (latency + piece bytes / bandwidth)
  broadcast = ceil(log2 R) * (latency + n bytes / bandwidth)   (a binomial
              tree; Open MPI picks its own algorithm, often faster)
  efficiency(b) = b t / (b t + chain + broadcast), t = step / batch.
Networks are assumptions, not measurements: 10 Gbit/s Ethernet with 20 us
per message (MPI over TCP), 100 Gbit/s InfiniBand with 2 us.
"""
import argparse
import math

NETWORKS = [("10 Gbit/s, 20 us", 10e9 / 8, 20e-6), ("100 Gbit/s, 2 us", 100e9 / 8, 2e-6)]
RANKS = [2, 8, 64]
SHARD = 8  # examples per shard (train/data_parallel.hpp): batches per rank in whole shards


def exchange_seconds(n, ranks, bandwidth, latency):
    pieces = min(max(1, round(math.sqrt(n * (ranks - 2) / 6250))), 64)
    piece = math.ceil(n / pieces)
    chain = (pieces + ranks - 2) * (latency + 4 * piece / bandwidth)
    broadcast = math.ceil(math.log2(ranks)) * (latency + 4 * n / bandwidth)
    return chain + broadcast


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step-us", type=float, required=True, help="one rank's step, microseconds")
    parser.add_argument("--batch", type=int, required=True, help="the examples of that step")
    parser.add_argument("--floats", type=int, required=True, help="floats summed over the ranks per step")
    parser.add_argument("--efficiency", type=float, default=0.8, help="the target (default 0.8)")
    args = parser.parse_args()
    if args.step_us <= 0 or args.batch <= 0 or args.floats <= 0 or not 0 < args.efficiency < 1:
        parser.error("--step-us, --batch and --floats must be positive, --efficiency between 0 and 1")
    per_example = args.step_us * 1e-6 / args.batch
    print(f"computation: {per_example * 1e6:.2f} us per example; exchange: {args.floats} floats, "
          f"{4 * args.floats / 1e3:.1f} kB sent and about twice that received per rank and step")
    print(f"| network | ranks | exchange per step | examples per rank for {args.efficiency:.0%} | global batch |")
    print("|---|---:|---:|---:|---:|")
    for name, bandwidth, latency in NETWORKS:
        for ranks in RANKS:
            exchange = exchange_seconds(args.floats, ranks, bandwidth, latency)
            # b t / (b t + exchange) >= e  <=>  b >= e / (1 - e) * exchange / t
            needed = args.efficiency / (1 - args.efficiency) * exchange / per_example
            per_rank = SHARD * math.ceil(needed / SHARD)
            print(f"| {name} | {ranks} | {exchange * 1e6:,.0f} us | {per_rank:,} | {ranks * per_rank:,} |")


if __name__ == "__main__":
    main()
