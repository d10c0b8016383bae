#!/usr/bin/env python3
"""The same per-example LeNet-1 training in PyTorch, for a side-by-side speed
comparison with ctgrad on the same machine and the same data files.

    /usr/bin/python3 bench/pytorch_reference.py --data data            # 2,000 steps: us/step
    /usr/bin/python3 bench/pytorch_reference.py --data data --passes 23 # the whole reproduction
    /usr/bin/python3 bench/pytorch_reference.py --data data --batch-sweep   # examples/s by batch and threads
    /usr/bin/python3 bench/pytorch_reference.py --data data --time-to-error 5.0 --batch 32 --lr 0.17 --threads 2

Needs PyTorch (Debian: apt-get install python3-torch python3-numpy); it is not
part of the build or the tests. The network, init, loss and SGD are those of
the published PyTorch reproduction (lecun1989-repro), which ctgrad's
lenet1/model.hpp reproduces.
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
    sys.exit(f"pytorch_reference.py: needs PyTorch and NumPy ({error}); on Debian: apt-get install python3-torch python3-numpy")


class Net(nn.Module):
    def __init__(self, modern=False):
        super().__init__()
        self.modern = modern

        def winit(fan_in, *shape):
            return (torch.rand(*shape) - 0.5) * 2 * 2.4 / fan_in ** 0.5

        self.H1w = nn.Parameter(winit(5 * 5 * 1, 12, 1, 5, 5))
        self.H1b = nn.Parameter(torch.zeros(12, 8, 8))
        self.H2w = nn.Parameter(winit(5 * 5 * 8, 12, 8, 5, 5))
        self.H2b = nn.Parameter(torch.zeros(12, 4, 4))
        self.H3w = nn.Parameter(winit(4 * 4 * 12, 4 * 4 * 12, 30))
        self.H3b = nn.Parameter(torch.zeros(30))
        self.outw = nn.Parameter(winit(30, 30, 10))
        self.outb = nn.Parameter(torch.zeros(10) if modern else -torch.ones(10))

    def forward(self, x):
        act = torch.relu if self.modern else torch.tanh
        x = F.pad(x, (2, 2, 2, 2), 'constant', -1.0)
        x = act(F.conv2d(x, self.H1w, stride=2) + self.H1b)
        x = F.pad(x, (2, 2, 2, 2), 'constant', -1.0)
        slice1 = F.conv2d(x[:, 0:8], self.H2w[0:4], stride=2)
        slice2 = F.conv2d(x[:, 4:12], self.H2w[4:8], stride=2)
        slice3 = F.conv2d(torch.cat((x[:, 0:4], x[:, 8:12]), dim=1), self.H2w[8:12], stride=2)
        x = act(torch.cat((slice1, slice2, slice3), dim=1) + self.H2b)
        if self.modern:
            x = F.dropout(x, p=0.25, training=self.training)
        x = act(x.flatten(start_dim=1) @ self.H3w + self.H3b)
        x = x @ self.outw + self.outb
        return x if self.modern else torch.tanh(x)


def load(data, split):
    images = torch.from_numpy(np.load(f"{data}/{split}_images.npy"))
    labels = torch.from_numpy(np.load(f"{data}/{split}_labels.npy").astype(np.int64))
    targets = -torch.ones(len(labels), 10)
    targets[torch.arange(len(labels)), labels] = 1.0
    return images, targets


def evaluate(model, split, images, targets):
    model.eval()
    with torch.no_grad():
        scores = model(images)
        if model.modern:
            loss = F.cross_entropy(scores, targets.argmax(dim=1))
        else:
            loss = torch.mean((targets - scores) ** 2)
        err = torch.mean((targets.argmax(dim=1) != scores.argmax(dim=1)).float())
    model.train()
    print(f"eval: split {split:5s}. loss {loss.item():e}. error {err.item() * 100:.2f}%. "
          f"misses: {int(err.item() * targets.size(0))}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data")
    parser.add_argument("--steps", type=int, default=2000, help="SGD steps to time (ignored with --passes)")
    parser.add_argument("--passes", type=int, default=0, help="run the whole reproduction instead")
    parser.add_argument("--lr", type=float, default=0.03)
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
    parser.add_argument("--modern", action="store_true",
                        help="the 'modern' recipe: ReLU, dropout 0.25, cross-entropy, AdamW 3e-4 decaying to 1e-4, "
                             "1-pixel shifts (lenet1 train --recipe modern)")
    parser.add_argument("--batch-sweep", action="store_true",
                        help="1989 training throughput (examples/s, median of 3) for batch 1, 8, 32, 128 on 1 and 2 "
                             "threads, as ctgrad_bench --benchmark_filter=lenet1_train measures it")
    parser.add_argument("--time-to-error", type=float, default=0,
                        help="train the 1989 network in shuffled minibatches of --batch until the test error is at "
                             "most this (%%); print the training seconds (evaluation excluded) and the pass")
    parser.add_argument("--batch", type=int, default=32, help="minibatch size for --time-to-error")
    parser.add_argument("--one-cycle", type=int, default=0, metavar="PASSES",
                        help="--time-to-error: OneCycleLR peaking at --lr over this many passes (10%% warm-up), "
                             "as lenet1 train --one-cycle --passes PASSES; 0: a constant --lr")
    args = parser.parse_args()
    if args.batch_sweep:
        return batch_sweep(args)
    if args.time_to_error:
        return time_to_error(args)

    torch.manual_seed(1337)
    np.random.seed(1337)
    if args.threads:
        torch.set_num_threads(args.threads)
    train_x, train_y = load(args.data, "train")
    test_x, test_y = load(args.data, "test")
    model = Net(modern=args.modern)
    if args.modern:
        optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")

    def step(i):
        x, y = train_x[i:i + 1], train_y[i:i + 1]
        if args.modern:
            shift_x, shift_y = np.random.randint(-1, 2, size=2)
            x = torch.roll(x, (int(shift_x), int(shift_y)), (2, 3))
            loss = F.cross_entropy(model(x), y.argmax(dim=1))
        else:
            loss = torch.mean((y - model(x)) ** 2)
        model.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    if args.passes:
        start = time.perf_counter()
        for p in range(args.passes):
            if args.modern and args.passes > 1:
                alpha = p / (args.passes - 1)
                for group in optimizer.param_groups:
                    group["lr"] = (1.0 - alpha) * 3e-4 + alpha * (3e-4 / 3)
            for i in range(train_x.size(0)):
                step(i)
            print(p + 1)
            evaluate(model, "train", train_x, train_y)
            evaluate(model, "test", test_x, test_y)
        print(f"done: {args.passes * train_x.size(0)} steps in {time.perf_counter() - start:.2f} s")
    else:
        for i in range(100):  # warm-up
            step(i)
        times = []
        for repeat in range(5):
            start = time.perf_counter()
            for i in range(args.steps):
                step(i % train_x.size(0))
            times.append((time.perf_counter() - start) / args.steps * 1e6)
        times.sort()
        print(f"pytorch per-example SGD step: median {times[2]:.1f} us over 5 x {args.steps} steps "
              f"(min {times[0]:.1f}, max {times[-1]:.1f})")


def mse_step(model, optimizer, x, y):
    loss = torch.mean((y - model(x)) ** 2)  # mean over the batch and the 10 outputs, as ctgrad's mse
    model.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


def batch_sweep(args):
    train_x, train_y = load(args.data, "train")
    print(f"torch {torch.__version__}; 1989 LeNet-1, MSE, SGD; examples/s, median of 3 runs of >= 4096 examples")
    print("| threads | " + " | ".join(f"batch {b}" for b in (1, 8, 32, 128)) + " |")
    print("|---|" + "---:|" * 4)
    for threads in (1, 2):
        torch.set_num_threads(threads)
        row = []
        for batch in (1, 8, 32, 128):
            torch.manual_seed(1)
            model = Net()
            optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
            steps = max(4096 // batch, 32)
            for i in range(10):  # warm-up
                mse_step(model, optimizer, train_x[:batch], train_y[:batch])
            rates = []
            for repeat in range(3):
                start = time.perf_counter()
                for i in range(steps):
                    first = (i * batch) % (train_x.size(0) - batch)
                    mse_step(model, optimizer, train_x[first:first + batch], train_y[first:first + batch])
                rates.append(steps * batch / (time.perf_counter() - start))
            rates.sort()
            row.append(f"{rates[1] / 1000:.1f}k")
        print(f"| {threads} | " + " | ".join(row) + " |", flush=True)


def time_to_error(args):
    torch.manual_seed(1)
    if args.threads:
        torch.set_num_threads(args.threads)
    train_x, train_y = load(args.data, "train")
    test_x, test_y = load(args.data, "test")
    model = Net()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    steps_per_pass = (train_x.size(0) + args.batch - 1) // args.batch
    schedule = (torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=args.one_cycle *
                                                    steps_per_pass, pct_start=0.1, cycle_momentum=False)
                if args.one_cycle else None)
    generator = torch.Generator().manual_seed(1)
    training = 0.0
    for p in range(args.one_cycle or 200):
        start = time.perf_counter()
        order = torch.randperm(train_x.size(0), generator=generator)
        for first in range(0, train_x.size(0), args.batch):
            index = order[first:first + args.batch]
            mse_step(model, optimizer, train_x[index], train_y[index])
            if schedule:
                schedule.step()
        training += time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            error = torch.mean((test_y.argmax(dim=1) != model(test_x).argmax(dim=1)).float()).item() * 100
        model.train()
        print(f"pass {p + 1}: test error {error:.2f}%, {training:.3f} s of training", flush=True)
        if error <= args.time_to_error:
            print(f"target: test error {error:.2f}% <= {args.time_to_error:.2f}% after pass {p + 1}, "
                  f"{training:.3f} s of training (evaluation excluded); torch {torch.__version__}, "
                  f"threads {torch.get_num_threads()}, batch {args.batch}, lr {args.lr}"
                  + (f", one-cycle over {args.one_cycle} passes" if args.one_cycle else ""))
            return
    print(f"target not reached in {args.one_cycle or 200} passes")


if __name__ == "__main__":
    main()
