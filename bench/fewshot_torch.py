#!/usr/bin/env python3
"""PyTorch reference for the few-shot benchmark: MAML, FOMAML and ProtoNet on ConvNet4.

This follows the semantics of PyTorch-MAML (Fangzhou Mu, 2020; see
shared/research/seeds.md section 3) so that the Java implementation can be
compared with it for accuracy and for speed. Use Debian's interpreter,
/usr/bin/python3, which has torch.

Mode "train" (accuracy):
    fewshot_torch.py train --data DIR [--threads 2]
  DIR is written by the Java benchmark and holds
    config.json          {"method": "maml"|"fomaml"|"protonet", "seed", "channels", "height", "width",
                          "train": {"ways", "shots", "queries", "metaBatch", "steps"},
                          "test": {"ways", "shots", "queries", "trials"},
                          "backbone": {"name": "convnet4", "width"},
                          "maml": {"innerSteps", "testInnerSteps", "innerLr", "firstOrder", "clip"},
                          "protonet": {"batchNorm": "inductive"|"transductive"},
                          "optimizer": {"name": "adam", "lr"}}
    train.u8             raw uint8 images [Ntrain, C, H, W], C order (Ntrain = size / (C*H*W))
    train_episodes.i32   raw little-endian int32 [S, E, N*(K+Q)]: row indices into train.u8 for
                         meta-step s, episode e: the support images way by way (K per way), then
                         the query images way by way (Q per way). Labels come from the position:
                         support row i has way i // K, query row j has way j // Q.
    test.u8, test_episodes.i32 [T, N2*(K2+Q2)]: the same for the test split.
  Pixels are x / 255, no normalisation. Prints one JSON line with the per-episode test
  accuracies, their mean, 95% intervals (Student t and normal) and timings.

Mode "speed":
    fewshot_torch.py speed --order second|first --inner-steps 5 [--steps 6] [--threads 2]
                           [--size 84] [--ways 5 --shots 1 --queries 15 --meta-batch 4 --width 32]
  Random images (torch.rand, seed 0), ConvNet4 with a linear head, MAML with transductive
  batch norm, Adam 1e-3, gradient clipping 10. Runs --steps meta-steps, drops the first
  (warm-up) and prints one JSON line with the timed steps, their median and the process's
  peak resident set size. Meant to be run once per configuration in a fresh process.
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


# ----------------------------------------------------------------------------------------------
# Model

class ConvNet4(nn.Module):
    """4 x [Conv3x3 (pad 1, bias) - BatchNorm2d - ReLU - MaxPool 2x2], flatten; optional Linear head.

    PyTorch default initialisation everywhere. track_running_stats=False makes the module's own
    forward use batch statistics always (train and eval), which is PyTorch-MAML's "transductive".
    """

    def __init__(self, channels, width, height, img_width, classes=None, track_running_stats=True):
        super().__init__()
        self.convs = nn.ModuleList()
        self.bns = nn.ModuleList()
        for block in range(4):
            self.convs.append(nn.Conv2d(channels if block == 0 else width, width, 3, padding=1, bias=True))
            self.bns.append(nn.BatchNorm2d(width, eps=1e-5, momentum=0.1, affine=True,
                                           track_running_stats=track_running_stats))
        # Feature size by a dummy forward (not hard-coded: 28 px -> 32, 84 px -> 800 for width 32).
        # Done in eval mode under no_grad so running statistics are not touched; it uses no RNG.
        was_training = self.training
        self.eval()
        with torch.no_grad():
            self.features = self.encode(torch.zeros(2, channels, height, img_width)).shape[1]
        self.train(was_training)
        # The head is created after the encoder, as in PyTorch-MAML (encoder, then classifier).
        self.head = nn.Linear(self.features, classes) if classes is not None else None

    def encode(self, x):
        for conv, bn in zip(self.convs, self.bns):
            x = F.max_pool2d(F.relu(bn(conv(x))), 2)
        return x.flatten(1)

    def forward(self, x):
        x = self.encode(x)
        return self.head(x) if self.head is not None else x


def functional_forward(model, x, weights):
    """ConvNet4 (+ head) with the given fast weights, batch norm always on batch statistics.

    weights: dict name -> tensor with the names of model.named_parameters(). F.batch_norm with no
    running buffers and training=True normalises with the current batch's statistics, so the
    support set and the query set each get their own statistics (transductive, as official MAML).
    """
    for block in range(4):
        x = F.conv2d(x, weights[f"convs.{block}.weight"], weights[f"convs.{block}.bias"], padding=1)
        x = F.batch_norm(x, None, None, weights[f"bns.{block}.weight"], weights[f"bns.{block}.bias"],
                         training=True, momentum=0.1, eps=1e-5)
        x = F.max_pool2d(F.relu(x), 2)
    x = x.flatten(1)
    return F.linear(x, weights["head.weight"], weights["head.bias"])


# ----------------------------------------------------------------------------------------------
# MAML / FOMAML

def adapt(model, names, start, support, labels, steps, lr, create_graph):
    """Inner loop: plain gradient descent on the support loss, all parameters, one learning rate.

    No momentum, no weight decay, nothing frozen (the head and all BN affine parameters adapt too;
    note PyTorch-MAML's *_reproduce configs freeze BN in the inner loop, this benchmark does not).
    With create_graph=False the returned fast weights still depend on `start` through the identity
    (fast = start - lr * constant), so an outer backward gives exactly the first-order (FOMAML)
    meta-gradient: the query gradient at the adapted weights.
    """
    fast = list(start)
    for _ in range(steps):
        loss = F.cross_entropy(functional_forward(model, support, dict(zip(names, fast))), labels)
        grads = torch.autograd.grad(loss, fast, create_graph=create_graph)
        fast = [w - lr * g for w, g in zip(fast, grads)]
    return fast


def maml_meta_step(model, names, optimiser, episodes, inner_steps, inner_lr, first_order, clip):
    """One meta-update over a meta-batch of episodes [(xs, ys, xq, yq), ...].

    Episodes are processed sequentially and their graphs are all kept until the single backward,
    as PyTorch-MAML does (it stacks the query logits of all episodes, then one cross-entropy);
    the mean of the per-episode query losses equals that cross-entropy since episodes have equal
    query counts.
    """
    optimiser.zero_grad()
    params = [p for _, p in model.named_parameters()]
    losses = []
    for xs, ys, xq, yq in episodes:
        fast = adapt(model, names, params, xs, ys, inner_steps, inner_lr, create_graph=not first_order)
        losses.append(F.cross_entropy(functional_forward(model, xq, dict(zip(names, fast))), yq))
    loss = torch.stack(losses).mean()
    loss.backward()
    # Element-wise clipping to [-clip, clip], as PyTorch-MAML (clip_grad_value_, not a norm clip).
    nn.utils.clip_grad_value_(model.parameters(), clip)
    optimiser.step()
    return loss.item()


def maml_test_episode(model, names, xs, ys, xq, yq, steps, lr):
    """Adapt from the meta-learned weights (no second-order graph), then argmax on the queries."""
    fast = [p.detach().requires_grad_() for _, p in model.named_parameters()]
    for _ in range(steps):
        with torch.enable_grad():
            loss = F.cross_entropy(functional_forward(model, xs, dict(zip(names, fast))), ys)
            grads = torch.autograd.grad(loss, fast)
        # Detach each step: nothing is differentiated through the test-time inner loop.
        fast = [(w - lr * g).detach().requires_grad_() for w, g in zip(fast, grads)]
    with torch.no_grad():
        predicted = functional_forward(model, xq, dict(zip(names, fast))).argmax(1)
    return (predicted == yq).sum().item() / yq.numel()


# ----------------------------------------------------------------------------------------------
# ProtoNet

def proto_logits(model, xs, xq, ways, shots):
    """Support and query in ONE forward (support first), so batch-statistics BN sees both sets;
    prototypes = mean support feature per way; logits = - squared Euclidean distance."""
    features = model(torch.cat([xs, xq]))
    support, query = features[:xs.shape[0]], features[xs.shape[0]:]
    prototypes = support.reshape(ways, shots, -1).mean(1)  # support is ordered way by way
    return -((query.unsqueeze(1) - prototypes.unsqueeze(0)) ** 2).sum(2)


# ----------------------------------------------------------------------------------------------
# Data

def load_split(directory, name, shape):
    """Images [n, C, H, W] uint8 (kept as uint8 in memory; converted per episode)."""
    raw = np.fromfile(os.path.join(directory, f"{name}.u8"), dtype=np.uint8)
    c, h, w = shape
    return raw.reshape(-1, c, h, w)


def load_episodes(directory, name, leading, per_episode, rows):
    raw = np.fromfile(os.path.join(directory, f"{name}_episodes.i32"), dtype="<i4")
    # numpy would silently wrap a negative index: refuse anything outside the image file.
    if raw.size and (raw.min() < 0 or raw.max() >= rows):
        raise SystemExit(f"{name}_episodes.i32 has indices outside 0..{rows - 1}")
    return raw.reshape(*leading, per_episode)


def make_episode(images, indices, ways, shots, queries):
    """(support x, support y, query x, query y); labels implied by position (way by way)."""
    x = torch.from_numpy(images[indices].astype(np.float32) / 255.0)
    n_support = ways * shots
    ys = torch.arange(ways).repeat_interleave(shots)
    yq = torch.arange(ways).repeat_interleave(queries)
    return x[:n_support], ys, x[n_support:], yq


# ----------------------------------------------------------------------------------------------
# Statistics

def _beta_continued_fraction(a, b, x):
    """Continued fraction of the regularized incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 1000):
        # even step
        numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1.0 + numerator * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + numerator / c
        c = c if abs(c) > tiny else tiny
        result *= d * c
        # odd step
        numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1.0 + numerator * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + numerator / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        result *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return result


def regularized_incomplete_beta(a, b, x):
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log1p(-x))
    # The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def student_t_quantile(p, df):
    """Inverse Student-t CDF for p in (0.5, 1), by bisection on the CDF written with the
    regularized incomplete beta function: P(T > t) = I_{df/(df+t^2)}(df/2, 1/2) / 2.
    (scipy is not installed for Debian's python3, so scipy.stats.t.ppf is not used.)"""
    tail = 1.0 - p
    lo, hi = 0.0, 1.0
    while 0.5 * regularized_incomplete_beta(df / 2.0, 0.5, df / (df + hi * hi)) > tail:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if 0.5 * regularized_incomplete_beta(df / 2.0, 0.5, df / (df + mid * mid)) > tail:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return 0.5 * (lo + hi)


# ----------------------------------------------------------------------------------------------
# Modes

def train_mode(args):
    with open(os.path.join(args.data, "config.json")) as f:
        config = json.load(f)
    method = config["method"]
    if method not in ("maml", "fomaml", "protonet"):
        raise SystemExit(f"unknown method {method}")
    if config["backbone"]["name"] != "convnet4":
        raise SystemExit(f"only convnet4 is implemented, not {config['backbone']['name']}")
    if config["optimizer"]["name"] != "adam":
        raise SystemExit(f"only adam is implemented, not {config['optimizer']['name']}")
    shape = (config["channels"], config["height"], config["width"])
    tr, te = config["train"], config["test"]
    n, k, q, e, s = tr["ways"], tr["shots"], tr["queries"], tr["metaBatch"], tr["steps"]
    n2, k2, q2, t = te["ways"], te["shots"], te["queries"], te["trials"]

    train_images = load_split(args.data, "train", shape)
    test_images = load_split(args.data, "test", shape)
    train_episodes = load_episodes(args.data, "train", (s, e), n * (k + q), len(train_images))
    test_episodes = load_episodes(args.data, "test", (t,), n2 * (k2 + q2), len(test_images))

    torch.manual_seed(config["seed"])
    maml = method in ("maml", "fomaml")
    if maml:
        settings = config["maml"]
        # "fomaml" is first-order by definition; "maml" honours the config flag.
        first_order = method == "fomaml" or bool(settings.get("firstOrder", False))
        model = ConvNet4(shape[0], config["backbone"]["width"], shape[1], shape[2], classes=n)
        names = [name for name, _ in model.named_parameters()]
    else:
        transductive = config["protonet"]["batchNorm"] == "transductive"
        # Transductive: no running statistics at all, so batch statistics in training and at test
        # (the test batch is the concatenated support + query of one episode).
        model = ConvNet4(shape[0], config["backbone"]["width"], shape[1], shape[2],
                         track_running_stats=not transductive)
    optimiser = torch.optim.Adam(model.parameters(), lr=config["optimizer"]["lr"])

    # Training. A step's time includes assembling its episodes from the in-memory uint8 arrays.
    model.train()
    step_seconds = []
    train_start = time.perf_counter()
    for step in range(s):
        start = time.perf_counter()
        episodes = [make_episode(train_images, train_episodes[step, i], n, k, q) for i in range(e)]
        if maml:
            maml_meta_step(model, names, optimiser, episodes, settings["innerSteps"], settings["innerLr"],
                           first_order, settings["clip"])
        else:
            optimiser.zero_grad()
            losses = [F.cross_entropy(proto_logits(model, xs, xq, n, k), yq) for xs, _, xq, yq in episodes]
            torch.stack(losses).mean().backward()
            optimiser.step()
        step_seconds.append(time.perf_counter() - start)
    train_seconds = time.perf_counter() - train_start

    # Test.
    accuracies = []
    test_start = time.perf_counter()
    if not maml:
        # Inductive: running statistics at test. Transductive: the BN modules have none and keep
        # using batch statistics in eval mode.
        model.eval()
    for trial in range(t):
        xs, ys, xq, yq = make_episode(test_images, test_episodes[trial], n2, k2, q2)
        if maml:
            accuracies.append(maml_test_episode(model, names, xs, ys, xq, yq,
                                                settings["testInnerSteps"], settings["innerLr"]))
        else:
            with torch.no_grad():
                predicted = proto_logits(model, xs, xq, n2, k2).argmax(1)
            accuracies.append((predicted == yq).sum().item() / yq.numel())  # correct / (N2*Q2)
    test_seconds = time.perf_counter() - test_start

    mean = statistics.fmean(accuracies)
    if t > 1:
        std = statistics.stdev(accuracies)  # ddof 1
        ci95_t = student_t_quantile(0.975, t - 1) * std / math.sqrt(t)
        ci95_z = 1.959964 * std / math.sqrt(t)
    else:
        ci95_t = ci95_z = None
    print(json.dumps({
        "method": method, "trials": t, "accuracies": accuracies, "mean": mean,
        "ci95_t": ci95_t, "ci95_z": ci95_z,
        "train_seconds": train_seconds,
        "meta_step_seconds_median": statistics.median(step_seconds) if step_seconds else None,
        "test_seconds": test_seconds, "threads": torch.get_num_threads(), "torch": torch.__version__,
    }), flush=True)


def speed_mode(args):
    torch.manual_seed(0)
    ways, shots, queries, size = args.ways, args.shots, args.queries, args.size
    # One fixed meta-batch of random images, reused every step (3 channels, as mini-ImageNet).
    episodes = []
    for _ in range(args.meta_batch):
        xs = torch.rand(ways * shots, args.channels, size, size)
        xq = torch.rand(ways * queries, args.channels, size, size)
        episodes.append((xs, torch.arange(ways).repeat_interleave(shots),
                         xq, torch.arange(ways).repeat_interleave(queries)))
    model = ConvNet4(args.channels, args.width, size, size, classes=ways)
    model.train()
    names = [name for name, _ in model.named_parameters()]
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    timed = []
    for step in range(args.steps):
        start = time.perf_counter()
        maml_meta_step(model, names, optimiser, episodes, args.inner_steps, 0.01,
                       first_order=args.order == "first", clip=10.0)
        if step > 0:  # the first step is warm-up
            timed.append(time.perf_counter() - start)
    print(json.dumps({
        "order": args.order, "innerSteps": args.inner_steps, "step_seconds": timed,
        "median_seconds": statistics.median(timed) if timed else None,
        # Linux reports ru_maxrss in KiB.
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "threads": torch.get_num_threads(), "torch": torch.__version__,
    }), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    train = modes.add_parser("train", help="meta-train on the Java benchmark's episodes, then test")
    train.add_argument("--data", required=True)
    train.add_argument("--threads", type=int, default=2)
    speed = modes.add_parser("speed", help="time MAML meta-steps on random images")
    speed.add_argument("--order", choices=["second", "first"], required=True)
    speed.add_argument("--inner-steps", type=int, default=5)
    speed.add_argument("--steps", type=int, default=6)
    speed.add_argument("--threads", type=int, default=2)
    speed.add_argument("--size", type=int, default=84)
    speed.add_argument("--channels", type=int, default=3)
    speed.add_argument("--ways", type=int, default=5)
    speed.add_argument("--shots", type=int, default=1)
    speed.add_argument("--queries", type=int, default=15)
    speed.add_argument("--meta-batch", type=int, default=4)
    speed.add_argument("--width", type=int, default=32)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.mode == "train":
        train_mode(args)
    else:
        speed_mode(args)


if __name__ == "__main__":
    main()
