#!/usr/bin/env python3
"""The same per-example LeNet-1 training in PyTorch, for a side-by-side speed
comparison with ctgrad on the same machine and the same data files.

    /usr/bin/python3 bench/pytorch_reference.py --data data            # 2,000 steps: us/step
    /usr/bin/python3 bench/pytorch_reference.py --data data --passes 23 # the whole reproduction

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
    args = parser.parse_args()

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


if __name__ == "__main__":
    main()
