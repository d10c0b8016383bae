#!/usr/bin/env python3
"""LeNet-5's modern variant (lenet5/model.hpp: ReLU, max pooling with a bias
per plane, Table I's C3, cross-entropy, AdamW) trained in PyTorch on the same
.npy files, for a side-by-side comparison with `lenet5 train --recipe modern`:

    /usr/bin/python3 bench/pytorch_lenet5.py --data data/fashion-mnist --threads 2            # the recipe: error, seconds
    /usr/bin/python3 bench/pytorch_lenet5.py --data data/fashion-mnist --threads 2 --c3 full  # the calibration net: C3 reads all 6 planes
    /usr/bin/python3 bench/pytorch_lenet5.py --data data/fashion-mnist --throughput            # examples/s by batch, threads

Needs PyTorch (Debian: apt-get install python3-torch python3-numpy); it is not
part of the build or the tests. C3 reads Table I's planes through three
grouped convolutions over gathered planes, so it meets exactly the
connections ctgrad's three table convolutions meet (--c3 full: all 6 planes).
The learning rate decays linearly to a third over the passes, as the
trainer's --lr-decay does; init is PyTorch's default bound 1/sqrt(fan-in) on
the weights, biases 0, as lenet5::initialize.
"""
import argparse
import sys
import time

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as error:
    sys.exit(f"pytorch_lenet5.py: needs PyTorch and NumPy ({error}); on Debian: apt-get install python3-torch python3-numpy")

# Table I: the S2 planes each C3 plane reads, by fan-in.
READS_THREE = [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5]]
READS_FOUR = [[0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5],
              [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5]]


def uniform(fan_in, *shape):
    return nn.Parameter((torch.rand(*shape) * 2 - 1) / fan_in ** 0.5)


class LeNet5(nn.Module):
    def __init__(self, c3="table"):
        super().__init__()
        self.c3 = c3
        self.c1w, self.c1b = uniform(25, 6, 1, 5, 5), nn.Parameter(torch.zeros(6))
        self.s2b = nn.Parameter(torch.zeros(6))
        if c3 == "table":
            self.c3w3 = uniform(75, 6, 3, 5, 5)
            self.c3w4 = uniform(100, 9, 4, 5, 5)
            self.c3w6 = uniform(150, 1, 6, 5, 5)
            self.register_buffer("three", torch.tensor(sum(READS_THREE, [])))
            self.register_buffer("four", torch.tensor(sum(READS_FOUR, [])))
        else:
            self.c3w = uniform(150, 16, 6, 5, 5)
        self.c3b = nn.Parameter(torch.zeros(16))
        self.s4b = nn.Parameter(torch.zeros(16))
        self.c5w, self.c5b = uniform(400, 120, 16, 5, 5), nn.Parameter(torch.zeros(120))
        self.f6w, self.f6b = uniform(120, 120, 84), nn.Parameter(torch.zeros(84))
        self.outw, self.outb = uniform(84, 84, 10), nn.Parameter(torch.zeros(10))

    def forward(self, x):
        x = F.pad(x, (2, 2, 2, 2), "constant", -1.0)
        x = torch.relu(F.conv2d(x, self.c1w) + self.c1b[:, None, None])
        x = torch.relu(F.max_pool2d(x, 2) + self.s2b[:, None, None])
        if self.c3 == "table":
            x = torch.cat((F.conv2d(x.index_select(1, self.three), self.c3w3, groups=6),
                           F.conv2d(x.index_select(1, self.four), self.c3w4, groups=9),
                           F.conv2d(x, self.c3w6)), dim=1)
        else:
            x = F.conv2d(x, self.c3w)
        x = torch.relu(x + self.c3b[:, None, None])
        x = torch.relu(F.max_pool2d(x, 2) + self.s4b[:, None, None])
        x = torch.relu(F.conv2d(x, self.c5w) + self.c5b[:, None, None]).flatten(start_dim=1)
        x = torch.relu(x @ self.f6w + self.f6b)
        return x @ self.outw + self.outb


def load(data, split):
    try:
        images = np.load(f"{data}/{split}_images.npy")
        labels = np.load(f"{data}/{split}_labels.npy")
    except OSError as error:
        sys.exit(f"pytorch_lenet5.py: --data: {error} (run `lenet5 prepare` first)")
    if images.ndim != 4 or images.shape[1:] != (1, 28, 28):
        sys.exit(f"pytorch_lenet5.py: --data: expected [N, 1, 28, 28] images, found {images.shape}")
    return torch.from_numpy(images.astype(np.float32)), torch.from_numpy(labels.astype(np.int64))


def test_error(model, x, y):
    model.eval()
    with torch.no_grad():
        wrong = sum((model(x[i:i + 1000]).argmax(dim=1) != y[i:i + 1000]).sum().item() for i in range(0, len(x), 1000))
    model.train()
    return 100.0 * wrong / len(x)


def train(args):
    torch.manual_seed(args.seed)
    train_x, train_y = load(args.data, "train")
    test_x, test_y = load(args.data, "test")
    model = LeNet5(args.c3)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    generator = torch.Generator().manual_seed(args.seed)
    seconds = 0.0
    for p in range(args.passes):
        # --lr-decay: linear from lr to lr / 3 over the passes
        alpha = p / (args.passes - 1) if args.passes > 1 else 0
        for group in optimizer.param_groups:
            group["lr"] = args.lr * (1 - alpha) + args.lr / 3 * alpha
        start = time.perf_counter()
        order = torch.randperm(len(train_x), generator=generator)
        for first in range(0, len(train_x), args.batch):
            index = order[first:first + args.batch]
            loss = F.cross_entropy(model(train_x[index]), train_y[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        seconds += time.perf_counter() - start
        print(f"pass {p + 1}: test error {test_error(model, test_x, test_y):.2f}%, {seconds:.1f} s of training",
              flush=True)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, c3 {args.c3}, batch {args.batch}, "
          f"lr {args.lr}, seed {args.seed}: {len(train_x) * args.passes / seconds:.0f} examples/s")


def throughput(args):
    train_x, train_y = load(args.data, "train")
    print(f"torch {torch.__version__}; LeNet-5 modern (c3 {args.c3}), AdamW step; examples/s, median of 3 runs")
    print("| threads | batch 1 | batch 64 |")
    print("|---|---:|---:|")
    for threads in (1, 2):
        torch.set_num_threads(threads)
        row = []
        for batch in (1, 64):
            torch.manual_seed(1)
            model = LeNet5(args.c3)
            optimizer = torch.optim.AdamW(model.parameters(), lr=1e-6)
            steps = max(4096 // batch, 64)
            rates = []
            for repeat in range(4):  # the first is warm-up
                start = time.perf_counter()
                for i in range(steps):
                    first = (i * batch) % (len(train_x) - batch)
                    loss = F.cross_entropy(model(train_x[first:first + batch]), train_y[first:first + batch])
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    optimizer.step()
                rates.append(steps * batch / (time.perf_counter() - start))
            rates = sorted(rates[1:])
            row.append(f"{rates[1] / 1000:.2f}k")
        print(f"| {threads} | " + " | ".join(row) + " |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data/fashion-mnist")
    parser.add_argument("--passes", type=int, default=10)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
    parser.add_argument("--c3", choices=("table", "full"), default="table")
    parser.add_argument("--throughput", action="store_true", help="examples/s of training steps by batch and threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    throughput(args) if args.throughput else train(args)


if __name__ == "__main__":
    main()
