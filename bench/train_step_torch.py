#!/usr/bin/env python3
"""PyTorch reference for bench/train-step: the same networks, batches and step as TrainStepBench.

Prints one line per network, "RESULT<TAB>name<TAB>forward seconds<TAB>step seconds" (medians),
or a note and nothing else when PyTorch is not installed.
"""
import argparse
import statistics
import sys
import time

try:
    import torch
    from torch import nn
except ImportError:
    print("PyTorch is not installed (Debian: apt-get install python3-torch)")
    sys.exit(0)


def convnet4(in_channels, width, classes, side):
    layers = []
    for block in range(4):
        layers += [nn.Conv2d(in_channels if block == 0 else width, width, 3, padding=1, bias=True),
                   nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2)]
    layers.append(nn.Flatten())
    for _ in range(4):
        side //= 2
    features = width * side * side
    return nn.Sequential(*layers, nn.Linear(features, classes))


def conv4(in_channels, classes):
    widths = [8, 16, 32, 64]
    layers = []
    previous = in_channels
    for block, width in enumerate(widths):
        layers += [nn.Conv2d(previous, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
        layers.append(nn.AvgPool2d(2) if block < 3 else nn.AdaptiveAvgPool2d(1))
        previous = width
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(64, classes))


class ResNet12Block(nn.Module):
    def __init__(self, c_in, c):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(c_in, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.LeakyReLU(0.1),
            nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.LeakyReLU(0.1),
            nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))
        self.shortcut = nn.Sequential(nn.Conv2d(c_in, c, 1, bias=False), nn.BatchNorm2d(c))
        self.after = nn.Sequential(nn.LeakyReLU(0.1), nn.MaxPool2d(2))

    def forward(self, x):
        return self.after(self.main(x) + self.shortcut(x))


def resnet12(in_channels, classes):
    widths = [64, 128, 256, 512]
    blocks = []
    previous = in_channels
    for width in widths:
        blocks.append(ResNet12Block(previous, width))
        previous = width
    return nn.Sequential(*blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, classes))


CONFIGS = [
    ("convnet4-32 84px b80", lambda: convnet4(3, 32, 5, 84), 3, 84, 80, 5),
    ("conv4 32px b64", lambda: conv4(3, 10), 3, 32, 64, 10),
    ("resnet12 84px b20", lambda: resnet12(3, 5), 3, 84, 20, 5),
]


def measure(build, channels, side, batch, classes, timed):
    torch.manual_seed(1)
    model = build()
    model.train()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.rand(batch, channels, side, side)
    y = torch.randint(0, classes, (batch,))
    loss_fn = nn.CrossEntropyLoss()
    forward, step = [], []
    for i in range(-3, timed):
        start = time.perf_counter()
        model(x)
        mid = time.perf_counter()
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
        end = time.perf_counter()
        if i >= 0:
            forward.append(mid - start)
            step.append(end - mid)
    return statistics.median(forward), statistics.median(step)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timed", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", action="append", default=[], help="row names to run (default: all)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    for name, build, channels, side, batch, classes in CONFIGS:
        if args.only and name not in args.only:
            continue
        fwd, stp = measure(build, channels, side, batch, classes, args.timed)
        print(f"RESULT\t{name}\t{fwd}\t{stp}", flush=True)


if __name__ == "__main__":
    main()
