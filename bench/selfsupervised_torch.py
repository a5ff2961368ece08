#!/usr/bin/env python3
"""PyTorch twin of bench/selfsupervised: relational reasoning and SimCLR on the relational-reasoning Conv4.

It follows the relational-reasoning seed (shared/research/seeds.md sections 2.4-2.7) so that
MetaLoop's implementation can be compared with it for accuracy and speed. Use Debian's
interpreter, /usr/bin/python3, which has torch.

Mode "train" (accuracy), one seed:
    selfsupervised_torch.py train --data DIR --seed S [--threads 2]
  DIR is written by the Java benchmark and holds
    config.json          {"method": "relational-reasoning"|"simclr", "channels", "height", "width",
                          "epochs", "batch", "views", "steps_per_epoch", "lineval_epochs",
                          "random_weights"}
    views-S.u8           raw uint8 pre-training batches, in step order: for each epoch and each step,
                         views*batch images [C, H, W], view-major (rows k*batch .. k*batch+batch-1 are
                         view k of the step's images), exactly the batches MetaLoop trained on.
    train.u8, train_labels.u8, test.u8, test_labels.u8
                         the linear-evaluation images [N, C, H, W] and their labels (one byte each).
  Pixels are x / 255, no normalisation (as the MetaLoop side for Fashion-MNIST). With
  torch.manual_seed(S): Conv4, then the method's head, then (if asked) the untrained backbone's
  linear evaluation, then pre-training (Adam 1e-3 over backbone and head), then linear evaluation.
  Prints one JSON line: accuracy, random_accuracy, epoch_seconds, epoch_losses.

Mode "speed":
    selfsupervised_torch.py speed --views K [--steps 5] [--warmup 2] [--threads 2]
  One relational-reasoning training step of Conv4 at 32x32x3, batch 64, random uint8 images
  normalised with CIFAR-10's mean and std inside the step; prints one JSON line with the median
  step time and the process's peak resident set size.
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:
    print("PyTorch or numpy is not installed (Debian: apt-get install python3-torch python3-numpy)")
    sys.exit(0)

FEATURES = 64
CIFAR10_MEAN = (0.491, 0.482, 0.447)
CIFAR10_STD = (0.247, 0.243, 0.262)


# ----------------------------------------------------------------------------------------------
# Networks

class Conv4(nn.Module):
    """4 x [Conv3x3 (pad 1, no bias) - BatchNorm2d - ReLU - pool], widths 8-16-32-64.

    Average pooling 2x2 after the first three blocks, global average pooling after the last, so the
    output is 64 features whatever the image size. Conv weights N(0, sqrt(2 / (3*3*out))) (He with
    fan-out), BatchNorm weight 1 and bias 0 (PyTorch's defaults).
    """

    def __init__(self, channels):
        super().__init__()
        layers = []
        previous = channels
        for block, width in enumerate((8, 16, 32, 64)):
            conv = nn.Conv2d(previous, width, 3, padding=1, bias=False)
            nn.init.normal_(conv.weight, 0.0, math.sqrt(2.0 / (3 * 3 * width)))
            layers += [conv, nn.BatchNorm2d(width), nn.ReLU()]
            layers.append(nn.AvgPool2d(2) if block < 3 else nn.AdaptiveAvgPool2d(1))
            previous = width
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x).flatten(1)


def relation_head(features):
    """Linear(2F, 256) - BatchNorm1d - LeakyReLU(0.01) - Linear(256, 1), PyTorch default init."""
    return nn.Sequential(nn.Linear(2 * features, 256), nn.BatchNorm1d(256), nn.LeakyReLU(0.01), nn.Linear(256, 1))


def projection_head(features):
    """Linear(F, 256) - BatchNorm1d - LeakyReLU(0.01) - Linear(256, 64), PyTorch default init."""
    return nn.Sequential(nn.Linear(features, 256), nn.BatchNorm1d(256), nn.LeakyReLU(0.01), nn.Linear(256, 64))


# ----------------------------------------------------------------------------------------------
# Losses

def pair_indices(images, views):
    """Rows of the left and right feature of every relation pair, and the pairs' targets.

    Features are view-major (block k = view k of images 0..B-1). For each block pair (i, j), i < j:
    B positives (i, b) with (j, b), then B negatives (i, b) with (j, (b - shift) mod B), which is
    what torch.roll(block_j, shift) pairs with block_i; shift starts at 1, grows by one per block
    pair and goes back to 1 when it reaches B.
    """
    left, right, targets = [], [], []
    shift = 1
    b = torch.arange(images)
    for i in range(views):
        for j in range(i + 1, views):
            left += [i * images + b, i * images + b]
            right += [j * images + b, j * images + (b - shift) % images]
            targets += [torch.ones(images), torch.zeros(images)]
            shift += 1
            if shift >= images:
                shift = 1
    return torch.cat(left), torch.cat(right), torch.cat(targets)


def sigmoid_focal_loss(logits, targets, gamma=2.0, alpha=0.5):
    """Mean over pairs of alpha_t * (1 - p_t)^gamma * BCE-with-logits."""
    bce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p = torch.sigmoid(logits)
    p_t = p * targets + (1 - p) * (1 - targets)
    alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
    return (alpha_t * (1 - p_t) ** gamma * bce).mean()


def simclr_seed_loss(embeddings, temperature=0.5):
    """The seed's SimCLR loss: -log of the mean, over the 2B columns, of exp(s_pos) / sum_{k != c} exp(s_kc).

    Rows b and B + b are the two views of image b (view-major); s is the cosine similarity / tau.
    """
    z = F.normalize(embeddings, dim=1)
    n = z.shape[0]
    similarity = torch.exp(z @ z.t() / temperature)
    columns = torch.arange(n)
    partners = (columns + n // 2) % n
    positives = similarity[partners, columns]
    off_diagonal = ~torch.eye(n, dtype=torch.bool)
    denominators = (similarity * off_diagonal).sum(0)
    return -torch.log((positives / denominators).mean())


# ----------------------------------------------------------------------------------------------
# Training and linear evaluation

class Method:
    """Backbone + head + Adam over both; step(x) is one self-supervised training step."""

    def __init__(self, name, channels, views, batch):
        self.name = name
        self.backbone = Conv4(channels)
        if name == "relational-reasoning":
            self.head = relation_head(FEATURES)
            self.left, self.right, self.targets = pair_indices(batch, views)
        else:
            self.head = projection_head(FEATURES)
        self.optimiser = torch.optim.Adam(list(self.backbone.parameters()) + list(self.head.parameters()), lr=1e-3)

    def step(self, x):
        self.backbone.train()
        self.head.train()
        features = self.backbone(x)
        if self.name == "relational-reasoning":
            pairs = torch.cat([features[self.left], features[self.right]], dim=1)
            loss = sigmoid_focal_loss(self.head(pairs).squeeze(1), self.targets)
        else:
            loss = simclr_seed_loss(self.head(features))
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()
        return loss.item()


def features_of(backbone, images):
    """Features of uint8 images [N, C, H, W] through the frozen backbone in eval mode."""
    backbone.eval()
    out = []
    with torch.no_grad():
        for start in range(0, images.shape[0], 1000):
            x = torch.from_numpy(images[start:start + 1000]).float().div_(255)
            out.append(backbone(x))
    return torch.cat(out)


def linear_evaluation(backbone, data, epochs):
    """Test accuracy of Linear(64, 10) trained with Adam 1e-3, batch 128, on frozen features."""
    train_x = features_of(backbone, data["train"])
    test_x = features_of(backbone, data["test"])
    train_y, test_y = data["train_labels"], data["test_labels"]
    head = nn.Linear(train_x.shape[1], 10)
    optimiser = torch.optim.Adam(head.parameters(), lr=1e-3)
    n = train_x.shape[0]
    for _ in range(epochs):
        order = torch.randperm(n)
        for start in range(0, n, 128):
            rows = order[start:start + 128]
            loss = F.cross_entropy(head(train_x[rows]), train_y[rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    with torch.no_grad():
        return (head(test_x).argmax(1) == test_y).float().mean().item()


def load(directory, name, shape):
    images = np.fromfile(os.path.join(directory, name + ".u8"), dtype=np.uint8)
    return images.reshape(-1, *shape)


def train(args):
    with open(os.path.join(args.data, "config.json")) as f:
        config = json.load(f)
    shape = (config["channels"], config["height"], config["width"])
    data = {
        "train": load(args.data, "train", shape),
        "test": load(args.data, "test", shape),
        "train_labels": torch.from_numpy(np.fromfile(os.path.join(args.data, "train_labels.u8"), dtype=np.uint8)).long(),
        "test_labels": torch.from_numpy(np.fromfile(os.path.join(args.data, "test_labels.u8"), dtype=np.uint8)).long(),
    }
    epochs, steps = config["epochs"], config["steps_per_epoch"]
    views, batch = config["views"], config["batch"]
    rows = views * batch
    batches = np.memmap(os.path.join(args.data, f"views-{args.seed}.u8"), dtype=np.uint8, mode="r")
    if batches.size != epochs * steps * rows * math.prod(shape):
        raise SystemExit(f"views-{args.seed}.u8 has {batches.size} bytes, expected {epochs * steps * rows * math.prod(shape)}")
    batches = batches.reshape(epochs, steps, rows, *shape)

    torch.manual_seed(args.seed)
    method = Method(config["method"], shape[0], views, batch)
    random_accuracy = None
    if config["random_weights"]:
        random_accuracy = linear_evaluation(method.backbone, data, config["lineval_epochs"])
        print(f"seed {args.seed} random weights: {100 * random_accuracy:.2f}%", flush=True)
    epoch_seconds, epoch_losses = [], []
    for epoch in range(epochs):
        seconds, total = 0.0, 0.0
        for step in range(steps):
            images = np.array(batches[epoch, step])  # read from disk before the clock starts
            start = time.perf_counter()
            x = torch.from_numpy(images).float().div_(255)
            loss = method.step(x)
            seconds += time.perf_counter() - start
            total += loss
            if not math.isfinite(loss):
                raise SystemExit(f"epoch {epoch} step {step}: loss {loss}")
        epoch_seconds.append(seconds)
        epoch_losses.append(total / steps)
        print(f"seed {args.seed} epoch {epoch + 1}/{epochs}: mean loss {total / steps:.5f}, {seconds:.1f} s", flush=True)
    accuracy = linear_evaluation(method.backbone, data, config["lineval_epochs"])
    print(f"seed {args.seed} linear evaluation: {100 * accuracy:.2f}%  (PyTorch {torch.__version__}, "
          f"{torch.get_num_threads()} threads)", flush=True)
    print(json.dumps({"accuracy": accuracy, "random_accuracy": random_accuracy, "epoch_seconds": epoch_seconds,
                      "epoch_losses": epoch_losses, "torch": torch.__version__, "threads": torch.get_num_threads()}))


def speed(args):
    batch = 64
    torch.manual_seed(0)
    method = Method("relational-reasoning", 3, args.views, batch)
    generator = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (args.views * batch, 3, 32, 32), dtype=torch.uint8, generator=generator)
    mean = torch.tensor(CIFAR10_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR10_STD).view(1, 3, 1, 1)
    times = []
    for i in range(-args.warmup, args.steps):
        start = time.perf_counter()
        x = (images.float().div_(255) - mean) / std
        method.step(x)
        if i >= 0:
            times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"median_seconds": statistics.median(times), "step_seconds": times, "peak_rss_mib": peak,
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["train", "speed"])
    parser.add_argument("--data")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--views", type=int, default=4)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.mode == "train":
        train(args)
    else:
        speed(args)


if __name__ == "__main__":
    main()
