#!/usr/bin/env python3
"""PyTorch reference ("twin") of MAXL, Meta Auxiliary Learning (Liu, Davison & Johns, NeurIPS 2019).

It follows the seed's model_vgg_maxl.py (second-order meta step) and
model_vgg_maxl_firstorder.py (finite-difference meta step) so that the MetaLoop (Java/ND4J)
implementation can be checked against it, gradient for gradient, and compared with it for
accuracy and speed. Use Debian's interpreter, /usr/bin/python3, which has torch.

The model
    multi-task network: backbone ("encoder") -> features F, then two heads on F, each
        Linear(F,F) - ReLU - Linear(F,n) giving logits: "classifier" (n = P = len(psi), the
        primary classes) and "auxiliary" (n = A = sum(psi)). Probabilities = softmax(logits).
    label generator: its own backbone (same architecture, separate weights) and a "head"
        Linear(F,F) - ReLU - Linear(F,A) giving logits z; the generated auxiliary labels are
        t = mask-softmax(z, y): only the psi[y] columns that belong to primary class y are kept
        (the others get weight maskEpsilon, 0 by default).
    focal loss (gamma 2) on probabilities: per sample sum_c -y_c (1 - p_c)^gamma log(p_c + 1e-20),
        mean over the batch; y one-hot for the primary head, the soft t for the auxiliary head.
    entropy regulariser on the generated labels: pbar = mean_batch(t), sum_c pbar_c log(pbar_c + 1e-20),
        weighted by entropyWeight (0.2).
    backbones: "conv4" (Conv4 of the relational-reasoning paper: conv3x3 no bias - BN - ReLU -
        avgpool 2x2, global average pool after the 4th block, widths 8-16-32-64, F = 64) and
        "vgg16" (MAXL's VGG-16: 5 blocks of conv3x3 with bias - BN - ReLU, max-pool 2x2 after each
        block, flatten, F = 512 at 32 px). BatchNorm2d eps 1e-5, momentum 0.1.

The meta step (generator gradient), with theta the multi-task weights and phi the generator's:
    exact:        g = grad_theta(L_pri(theta) + L_aux(theta, t(phi))), kept in the graph;
                  theta+ = theta - alpha * (mu*buf + g + wd*theta)     (mu = momentum, wd = weight decay)
                  meta = L_pri(theta+) + entropyWeight * L_ent(t(phi));  generator gradient = grad_phi meta
    first-order:  the same theta' without a graph; d = grad L_pri(theta'); eps = 0.01 / ||d||;
                  G+- = grad_phi L_aux(theta +- eps*d, t(phi));
                  generator gradient = -alpha (G+ - G-) / (2 eps) + entropyWeight * grad_phi L_ent
                  (--seed-entropy / "seedEntropy": true drops the entropy term, as the seed does).
    Every forward pass of the meta step uses batch statistics (train mode). The virtual forwards
    (at theta+, theta', theta +- eps*d) are written with F.conv2d / F.batch_norm(training=True,
    running stats None), so they never touch the real running statistics.

Modes
    maxl_torch.py gradient --dir D [--double] [--per-tensor] [--save OUT] [--threads 2]
        D is written by the Java side (little-endian throughout):
          config.json     {"backbone": "conv4"|"vgg16", "channels", "height", "width", "psi": [...],
                           "batch", "alpha", "momentum", "weightDecay", "entropyWeight", "focalGamma",
                           "maskEpsilon", "seedEntropy"}   (optional "widths": conv4 [4 ints],
                           vgg16 [[..], ..] for narrow test networks; else inferred from the shapes)
          multitask.json, generator.json   [{"name": ..., "shape": [...]}, ...] in parameter order
          multitask.f32, generator.f32     the parameters concatenated in that order, float32,
                                           row-major; Linear weights stored [in, out] (y = x W + b)
          momentum.f32    (optional) the multi-task optimiser's momentum buffer, like multitask.f32
          images.f32      [batch, C, H, W] float32, already normalised
          primary.i32     [batch] int32 primary labels
          meta_gradient_exact.f32, meta_gradient_first_order.f32   Java's generator gradients,
                                           laid out like generator.f32 (a missing one is skipped);
                                           a .f64 (float64) beside one is read instead of it
        Prints, per variant, ||torch||, ||java||, ||java - torch|| / ||torch|| and the largest
        absolute difference, and torch's primary loss after the virtual step; then the same rows as
        one JSON line {"mode": "gradient", "dtype", "rows": [{"variant", "torch", "java", "rel",
        "maxabs", "loss_after"[, "tensors"]}]}. --save OUT writes
        torch's gradients in Java layout (torch_meta_gradient_exact.f32, ..._first_order.f32).

    maxl_torch.py train --data D --method single|maxl --meta exact|first-order --epochs E --batch B
                        [--schedule two-pass|fused] [--images N] [--eval every|final|none]
                        [--init DIR] [--order FILE]
                        [--lr 0.01 --gen-lr 0.001 --gen-wd 5e-4 --seed S --backbone conv4 ...]
        D holds train.u8 / test.u8 (uint8 images [N, C, H, W]), train_primary.u8 / test_primary.u8
        (one uint8 label per image) and config.json {"channels", "height", "width", "psi": [...],
        "normalise": {"mean": [per channel], "std": [per channel]}} (pixels are x/255, then
        (x - mean) / std; mean and std on the 0..1 scale; without "normalise" only x/255; x/255 is
        computed as x * float32(1/255), MetaLoop's way).
        single: the encoder and the primary head only (no auxiliary head, as MetaLoop's single
        network), focal loss, plain SGD.
        --init DIR starts from the Java side's initial weights instead of the twin's own (Xavier)
        initialisation: multitask.json/.f32 (single's without the auxiliary head) and, for maxl,
        generator.json/.f32, the gradient directory's format and loader; BatchNorm running
        statistics start at mean 0, variance 1 (as MetaLoop's). --order FILE replaces the twin's
        shuffles (torch.randperm seeded with --seed): rows of n int32 (little-endian), one per pass
        over the data, consumed in order (single and fused: one row per epoch; two-pass: pass A,
        pass B, ...), as MetaLoop's EpochOrder.permutation(n, seed, data epoch) gives them.
        maxl: each epoch a pass A (multi-task SGD step on L_pri + L_aux, t from the generator) over
        one shuffle, then a pass B (generator SGD step, lr gen-lr, weight decay gen-wd, with the
        meta gradient above, alpha = the multi-task network's current lr) over a fresh shuffle
        (--schedule two-pass, the default). --schedule fused is MetaLoop's: one pass per epoch, each
        batch taking the generator's meta step at theta (as pass B does, alpha the current lr), then
        the real multi-task SGD step with the gradient g already computed at theta (labels from the
        generator before its step): the virtual step is exactly the step taken.
        --images N trains on the first N training images; --eval picks when the test accuracy is
        computed (every epoch, the last, never: for timing). Epoch seconds exclude the evaluation.
        Prints the first step's training loss ("step 1: training loss ..."), one line per epoch and
        at the end
          RESULT method=<m> meta=<v> seed=<s> accuracy=<pct> epoch_seconds_median=<x>
        and one JSON line {"mode": "train", ..., "accuracy", "epoch_seconds": [...], "epoch_cpu_seconds": [...]
        (process CPU time, all threads), "epoch_losses": [...] (two-pass: pass A's), "first_loss", ...}.

    maxl_torch.py selftest [--keep] [--threads 2]
        Builds a random gradient directory in /tmp (conv4, 1x28x28, psi [2,2,2,2,2], batch 8) and
        checks, in float64: the loader round trip and the gradient-mode comparison; the exact
        generator gradient against central differences of the meta loss; the first-order variant
        against the exact one; mask-softmax on hand-made cases. Exits non-zero on a failure.
        The directory is removed on success unless --keep.
"""
import argparse
import json
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:
    print("PyTorch or numpy is not installed (Debian: apt-get install python3-torch python3-numpy)")
    sys.exit(0)

BN_EPS = 1e-5
BN_MOMENTUM = 0.1
LOG_EPS = 1e-20          # inside the logs of the focal loss and the entropy, as in the seed
FD_SCALE = 0.01          # first-order variant: eps = FD_SCALE / ||d||, as in DARTS and the seed

PIXEL_SCALE = float(np.float32(1.0) / np.float32(255.0))   # MetaLoop's 1f / 255f
CONV4_WIDTHS = [8, 16, 32, 64]
VGG16_BLOCKS = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]


# ----------------------------------------------------------------------------------------------
# Functional building blocks
#
# Every module below has forward(x, ctx=None). With ctx None it uses its own parameters and its
# BatchNorm modules as usual (train mode: batch statistics, running statistics updated; eval
# mode: running statistics). With ctx, a dict id(parameter) -> tensor, the listed tensors replace
# the module's parameters and every BatchNorm normalises with the batch statistics without
# reading or writing any running statistics (the "virtual" forwards of the meta step).

def pick(param, ctx):
    """The tensor to use for `param`: the parameter itself, or its replacement in ctx."""
    return param if ctx is None else ctx[id(param)]


def make_ctx(module, tensors):
    """A ctx that replaces module.parameters(), in order, by `tensors`."""
    params = list(module.parameters())
    if len(params) != len(tensors):
        raise ValueError(f"{len(tensors)} tensors for {len(params)} parameters")
    return {id(p): t for p, t in zip(params, tensors)}


def batch_norm(bn, x, ctx):
    if ctx is None:
        return bn(x)
    return F.batch_norm(x, None, None, pick(bn.weight, ctx), pick(bn.bias, ctx),
                        training=True, momentum=BN_MOMENTUM, eps=BN_EPS)


def conv(layer, x, ctx):
    bias = None if layer.bias is None else pick(layer.bias, ctx)
    return F.conv2d(x, pick(layer.weight, ctx), bias, stride=layer.stride, padding=layer.padding)


def mlp(seq, x, ctx):
    """Linear - ReLU - Linear (an nn.Sequential whose items 0 and 2 are the Linear layers)."""
    x = F.linear(x, pick(seq[0].weight, ctx), pick(seq[0].bias, ctx))
    x = F.relu(x)
    return F.linear(x, pick(seq[2].weight, ctx), pick(seq[2].bias, ctx))


def head(features, out):
    return nn.Sequential(nn.Linear(features, features), nn.ReLU(), nn.Linear(features, out))


# ----------------------------------------------------------------------------------------------
# Backbones (tensor names and order as the Java side: see the module docstring)

class Conv4Block(nn.Module):
    """conv3x3 (no bias) - BatchNorm - ReLU - pool (avg 2x2, or global average for the last)."""

    def __init__(self, cin, cout, last):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=1, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.last = last

    def forward(self, x, ctx=None):
        x = F.relu(batch_norm(self.bn, conv(self.conv, x, ctx), ctx))
        if self.last:
            return x.mean(dim=(2, 3))                  # global average pooling -> [N, C]
        return F.avg_pool2d(x, 2, 2)                   # floors odd sizes, as the Java AvgPool2d


class Conv4(nn.Module):
    def __init__(self, channels, widths=None):
        super().__init__()
        widths = widths or CONV4_WIDTHS
        if len(widths) != 4:
            raise ValueError(f"conv4 needs 4 widths, got {widths}")
        cin = channels
        for i, w in enumerate(widths):
            self.add_module(f"conv{i + 1}", Conv4Block(cin, w, last=(i == 3)))
            cin = w

    def forward(self, x, ctx=None):
        for block in self.children():
            x = block(x, ctx)
        return x


class VggBlock(nn.Module):
    """conv3x3 (bias) - BN - ReLU, repeated, then max-pool 2x2; tensors conv<i>.*, bn<i>.*."""

    def __init__(self, cin, widths):
        super().__init__()
        self.n = len(widths)
        for i, w in enumerate(widths):
            # registration order conv1, bn1, conv2, bn2, ... = the Java parameter order
            self.add_module(f"conv{i + 1}", nn.Conv2d(cin, w, 3, stride=1, padding=1, bias=True))
            self.add_module(f"bn{i + 1}", nn.BatchNorm2d(w, eps=BN_EPS, momentum=BN_MOMENTUM))
            cin = w

    def forward(self, x, ctx=None):
        for i in range(1, self.n + 1):
            x = conv(getattr(self, f"conv{i}"), x, ctx)
            x = F.relu(batch_norm(getattr(self, f"bn{i}"), x, ctx))
        return F.max_pool2d(x, 2, 2)


class Vgg16(nn.Module):
    def __init__(self, channels, blocks=None):
        super().__init__()
        blocks = blocks or VGG16_BLOCKS
        cin = channels
        for b, widths in enumerate(blocks):
            self.add_module(f"block{b + 1}", VggBlock(cin, widths))
            cin = widths[-1]

    def forward(self, x, ctx=None):
        for block in self.children():
            x = block(x, ctx)
        return x.flatten(1)


def make_backbone(name, channels, widths=None):
    if name == "conv4":
        return Conv4(channels, widths)
    if name == "vgg16":
        return Vgg16(channels, widths)
    raise ValueError(f"unknown backbone {name!r} (conv4 or vgg16)")


def feature_size(backbone, channels, height, width):
    """F by a dummy forward on a fresh backbone (eval mode, no grad: running stats untouched)."""
    was_training = backbone.training
    backbone.eval()
    with torch.no_grad():
        dtype = next(backbone.parameters()).dtype
        f = backbone(torch.zeros(2, channels, height, width, dtype=dtype)).shape[1]
    backbone.train(was_training)
    return int(f)


# ----------------------------------------------------------------------------------------------
# The two networks

class MultiTask(nn.Module):
    """encoder, then the primary head ("classifier") and the auxiliary head ("auxiliary").

    with_auxiliary=False leaves the auxiliary head out (single's network, as MetaLoop's: the
    encoder and the classifier only); heads="both" then gives (primary logits, None).
    """

    def __init__(self, backbone, channels, height, width, psi, widths=None, with_auxiliary=True):
        super().__init__()
        self.encoder = make_backbone(backbone, channels, widths)
        f = feature_size(self.encoder, channels, height, width)
        self.classifier = head(f, len(psi))
        self.auxiliary = head(f, sum(psi)) if with_auxiliary else None

    def forward(self, x, ctx=None, heads="both"):
        """Logits of the primary head, of the auxiliary head, or (both) the pair."""
        feats = self.encoder(x, ctx)
        if heads == "primary":
            return mlp(self.classifier, feats, ctx)
        if self.auxiliary is None:
            if heads == "auxiliary":
                raise ValueError("this multi-task network has no auxiliary head")
            return mlp(self.classifier, feats, ctx), None
        if heads == "auxiliary":
            return mlp(self.auxiliary, feats, ctx)
        return mlp(self.classifier, feats, ctx), mlp(self.auxiliary, feats, ctx)

    def init_maxl(self):
        """MAXL's multi-task initialisation: conv and linear weights Xavier-uniform, biases 0
        (BatchNorm keeps PyTorch's default: scale 1, shift 0)."""
        xavier_init(self, nn.init.xavier_uniform_)


class LabelGenerator(nn.Module):
    """Its own encoder, then "head" giving logits z over the A auxiliary classes; forward gives t."""

    def __init__(self, backbone, channels, height, width, psi, widths=None, mask_epsilon=0.0):
        super().__init__()
        self.encoder = make_backbone(backbone, channels, widths)
        f = feature_size(self.encoder, channels, height, width)
        self.head = head(f, sum(psi))
        # mask[y] = 1 on primary class y's auxiliary block, mask_epsilon elsewhere
        self.register_buffer("mask", class_mask(psi, mask_epsilon), persistent=False)

    def logits(self, x, ctx=None):
        return mlp(self.head, self.encoder(x, ctx), ctx)

    def forward(self, x, y, ctx=None):
        return mask_softmax(self.logits(x, ctx), self.mask[y])

    def init_maxl(self):
        """MAXL's label-generator initialisation: conv and linear weights Xavier-normal, biases 0."""
        xavier_init(self, nn.init.xavier_normal_)


def xavier_init(module, init):
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            init(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


# ----------------------------------------------------------------------------------------------
# Losses

def class_mask(psi, epsilon=0.0):
    """[P, A]: row y is 1 on columns [sum(psi[:y]), sum(psi[:y+1])) and epsilon elsewhere."""
    mask = torch.full((len(psi), sum(psi)), float(epsilon))
    start = 0
    for y, n in enumerate(psi):
        mask[y, start:start + n] = 1.0
        start += n
    return mask


def mask_softmax(z, mask):
    """t_c = exp(z_c) mask_c / sum_c' exp(z_c') mask_c', computed stably.

    Written as softmax(z + log mask): softmax subtracts the row maximum of z + log mask, which for
    maskEpsilon 0 is the maximum over the masked-in block (log 0 = -inf leaves the other columns
    at exactly 0, with zero gradient, whatever their logits). For maskEpsilon > 0 it is the same
    quantity (exp(z + log eps) = eps exp(z)) up to rounding.
    """
    return torch.softmax(z + torch.log(mask.to(z.dtype)), dim=1)


def focal_loss(prob, target, gamma):
    """Mean over the batch of sum_c -target_c (1 - p_c)^gamma log(p_c + 1e-20)."""
    per_sample = torch.sum(-target * (1.0 - prob) ** gamma * torch.log(prob + LOG_EPS), dim=1)
    return per_sample.mean()


def entropy_loss(t):
    """sum_c pbar_c log(pbar_c + 1e-20), pbar the batch mean of the generated labels."""
    pbar = t.mean(dim=0)
    return torch.sum(pbar * torch.log(pbar + LOG_EPS))


# ----------------------------------------------------------------------------------------------
# The meta step

class MetaConfig:
    """The hyper-parameters of one meta step (names as the Java config.json)."""

    def __init__(self, alpha=0.01, momentum=0.0, weight_decay=0.0, entropy_weight=0.2,
                 focal_gamma=2.0, seed_entropy=False, fd_scale=FD_SCALE):
        self.alpha = alpha
        self.fd_scale = fd_scale          # first-order variant: eps = fd_scale / ||d||
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.entropy_weight = entropy_weight
        self.focal_gamma = focal_gamma
        self.seed_entropy = seed_entropy


def virtual_step(params, grads, cfg, buffers=None):
    """theta - alpha * (mu * buf + g + wd * theta): one SGD step as the multi-task optimiser
    would take it (PyTorch SGD: d = g + wd*theta; buf+ = mu*buf + d; theta - lr*buf+)."""
    out = []
    for i, (p, g) in enumerate(zip(params, grads)):
        d = g
        if cfg.weight_decay != 0.0:
            d = d + cfg.weight_decay * p
        if cfg.momentum != 0.0 and buffers is not None:
            d = cfg.momentum * buffers[i] + d
        out.append(p - cfg.alpha * d)
    return out


def zeros_for_none(grads, like):
    return [torch.zeros_like(p) if g is None else g for g, p in zip(grads, like)]


def one_hot(y, n, dtype):
    return F.one_hot(y, n).to(dtype)


def exact_generator_gradient(mt, gen, x, y, cfg, buffers=None, step=None):
    """Second-order meta gradient (the seed's model_vgg_maxl.py, pass B).

    Returns (generator gradient as a list like gen.parameters(), primary loss at theta+).
    The forward at theta uses the module (train mode), so like the seed it updates the
    multi-task network's running statistics; the forward at theta+ does not.
    With `step` a dict, it also receives what the fused schedule's real multi-task step needs:
    "theta_grad" (g at theta, detached, like mt.parameters()), "loss" (L_pri + L_aux at theta) and
    "primary_loss".
    """
    mt.train()
    gen.train()
    theta = list(mt.parameters())
    phi = list(gen.parameters())
    target = one_hot(y, mt.classifier[2].out_features, x.dtype)

    pri, aux = mt(x)
    t = gen(x, y)                                   # not detached: g depends on phi through t
    loss_pri = focal_loss(torch.softmax(pri, 1), target, cfg.focal_gamma)
    loss = loss_pri + focal_loss(torch.softmax(aux, 1), t, cfg.focal_gamma)
    g = torch.autograd.grad(loss, theta, create_graph=True, allow_unused=True)
    g = zeros_for_none(g, theta)
    if step is not None:
        step["theta_grad"] = [gi.detach() for gi in g]
        step["loss"] = loss.item()
        step["primary_loss"] = loss_pri.item()
    theta_plus = virtual_step(theta, g, cfg, buffers)

    pri_plus = mt(x, ctx=make_ctx(mt, theta_plus), heads="primary")
    loss_pri_plus = focal_loss(torch.softmax(pri_plus, 1), target, cfg.focal_gamma)
    meta = loss_pri_plus + cfg.entropy_weight * entropy_loss(t)
    grads = torch.autograd.grad(meta, phi, allow_unused=True)
    return zeros_for_none(grads, phi), loss_pri_plus.item()


def exact_meta_loss(mt, gen, x, y, cfg, buffers=None):
    """The value differentiated by exact_generator_gradient (for the finite-difference check)."""
    mt.train()
    gen.train()
    theta = list(mt.parameters())
    target = one_hot(y, mt.classifier[2].out_features, x.dtype)
    pri, aux = mt(x)
    t = gen(x, y)
    loss = focal_loss(torch.softmax(pri, 1), target, cfg.focal_gamma) \
        + focal_loss(torch.softmax(aux, 1), t, cfg.focal_gamma)
    g = zeros_for_none(torch.autograd.grad(loss, theta, allow_unused=True), theta)
    with torch.no_grad():
        theta_plus = virtual_step(theta, g, cfg, buffers)
        pri_plus = mt(x, ctx=make_ctx(mt, theta_plus), heads="primary")
        return (focal_loss(torch.softmax(pri_plus, 1), target, cfg.focal_gamma)
                + cfg.entropy_weight * entropy_loss(t)).item()


def first_order_generator_gradient(mt, gen, x, y, cfg, buffers=None, step=None):
    """Finite-difference meta gradient (the seed's model_vgg_maxl_firstorder.py).

    -alpha * (G+ - G-) / (2 eps) approximates -alpha * d2 L_aux / (dphi dtheta) . d, the
    second-order term of the exact gradient, with two first-order gradients. Returns
    (generator gradient, primary loss at theta'); `step` as in exact_generator_gradient.
    """
    mt.train()
    gen.train()
    theta = list(mt.parameters())
    phi = list(gen.parameters())
    target = one_hot(y, mt.classifier[2].out_features, x.dtype)

    # the generated labels once, with their graph (batch statistics: the same t at every theta)
    t = gen(x, y)

    # theta' = one virtual SGD step, no graph
    pri, aux = mt(x)
    loss = focal_loss(torch.softmax(pri, 1), target, cfg.focal_gamma) \
        + focal_loss(torch.softmax(aux, 1), t.detach(), cfg.focal_gamma)
    g = zeros_for_none(torch.autograd.grad(loss, theta, allow_unused=True), theta)
    if step is not None:
        step["theta_grad"] = [gi.detach() for gi in g]
        step["loss"] = loss.item()
        step["primary_loss"] = focal_loss(torch.softmax(pri, 1), target, cfg.focal_gamma).item()
    with torch.no_grad():
        theta_prime = [p.detach().requires_grad_(True)
                       for p in virtual_step([p.detach() for p in theta], g, cfg, buffers)]

    # d = gradient of the primary loss at theta' (the auxiliary head gets zeros)
    pri_prime = mt(x, ctx=make_ctx(mt, theta_prime), heads="primary")
    loss_pri_prime = focal_loss(torch.softmax(pri_prime, 1), target, cfg.focal_gamma)
    d = zeros_for_none(torch.autograd.grad(loss_pri_prime, theta_prime, allow_unused=True), theta_prime)
    norm = torch.sqrt(sum(torch.sum(di * di) for di in d))
    eps = cfg.fd_scale / norm

    # G+- = gradient w.r.t. phi of the auxiliary loss at theta +- eps d (L_pri has none)
    sides = []
    for sign in (1.0, -1.0):
        with torch.no_grad():
            shifted = [p.detach() + sign * eps * di for p, di in zip(theta, d)]
        aux_s = mt(x, ctx=make_ctx(mt, shifted), heads="auxiliary")
        loss_aux = focal_loss(torch.softmax(aux_s, 1), t, cfg.focal_gamma)
        sides.append(zeros_for_none(torch.autograd.grad(loss_aux, phi, retain_graph=True,
                                                        allow_unused=True), phi))
    grads = [-cfg.alpha * (gp - gm) / (2.0 * eps) for gp, gm in zip(*sides)]

    if not cfg.seed_entropy:
        ent = zeros_for_none(torch.autograd.grad(cfg.entropy_weight * entropy_loss(t), phi,
                                                 allow_unused=True), phi)
        grads = [a + b for a, b in zip(grads, ent)]
    return [gr.detach() for gr in grads], loss_pri_prime.item()


def generator_gradient(variant, mt, gen, x, y, cfg, buffers=None, step=None):
    if variant == "exact":
        return exact_generator_gradient(mt, gen, x, y, cfg, buffers, step)
    if variant == "first-order":
        return first_order_generator_gradient(mt, gen, x, y, cfg, buffers, step)
    raise ValueError(f"unknown meta variant {variant!r} (exact or first-order)")


# ----------------------------------------------------------------------------------------------
# Java layout: parameters in order, float32 little-endian, Linear weights [in, out]

def linear_weight_ids(module):
    return {id(m.weight) for m in module.modules() if isinstance(m, nn.Linear)}


def read_f32(path):
    return np.fromfile(path, dtype="<f4")


def read_entries(path):
    with open(path) as f:
        entries = json.load(f)
    return [(e["name"], [int(s) for s in e["shape"]]) for e in entries]


def java_shape(module, name, param, linear_ids):
    return list(param.shape[::-1]) if id(param) in linear_ids else list(param.shape)


def flat_to_tensors(module, entries, flat, what):
    """Split a flat Java-layout vector into tensors shaped like module.parameters() (by order),
    checking every shape; Linear weights are transposed from [in, out] to [out, in]."""
    named = list(module.named_parameters())
    linear_ids = linear_weight_ids(module)
    if len(entries) != len(named):
        raise ValueError(f"{what}: the file lists {len(entries)} tensors, the model has {len(named)}:\n"
                         f"  file:  {[n for n, _ in entries]}\n  model: {[n for n, _ in named]}")
    for (name, shape), (mine, param) in zip(entries, named):
        expected = java_shape(module, mine, param, linear_ids)
        if shape != expected:
            raise ValueError(f"{what}: tensor {name!r} has shape {shape}, the model's {mine!r} "
                             f"needs {expected} (Java layout)")
        if name != mine:
            print(f"note: {what}: file tensor {name!r} is loaded into {mine!r} (same shape)")
    total = sum(int(np.prod(s)) for _, s in entries)
    if flat.size != total:
        raise ValueError(f"{what}: {flat.size} floats, the listed shapes need {total}")
    out, offset = [], 0
    for (name, shape), (mine, param) in zip(entries, named):
        n = int(np.prod(shape))
        arr = flat[offset:offset + n].reshape(shape)
        offset += n
        if id(param) in linear_ids:
            arr = arr.T
        out.append(torch.from_numpy(np.ascontiguousarray(arr)).to(param.dtype))
    return out


def tensors_to_flat(module, tensors, dtype="<f4"):
    """The inverse: tensors like module.parameters() -> flat float32 (or dtype) vector in Java layout."""
    linear_ids = linear_weight_ids(module)
    parts = []
    for p, t in zip(module.parameters(), tensors):
        a = t.detach().cpu().double().numpy()
        if id(p) in linear_ids:
            a = a.T
        parts.append(np.ascontiguousarray(a).reshape(-1))
    return np.concatenate(parts).astype(dtype)


def write_entries(module, path):
    linear_ids = linear_weight_ids(module)
    entries = [{"name": n, "shape": java_shape(module, n, p, linear_ids)}
               for n, p in module.named_parameters()]
    with open(path, "w") as f:
        json.dump(entries, f, indent=1)


def load_params(module, entries, flat, what):
    tensors = flat_to_tensors(module, entries, flat, what)
    with torch.no_grad():
        for p, t in zip(module.parameters(), tensors):
            p.copy_(t)


def infer_widths(backbone, entries):
    """The encoder's conv widths from the listed shapes (so narrow Java test networks load too)."""
    convs = [(n, s) for n, s in entries if n.startswith("encoder.") and len(s) == 4]
    if backbone == "conv4":
        return [s[0] for _, s in convs] if len(convs) == 4 else None
    blocks = {}
    for n, s in convs:
        m = re.search(r"block(\d+)", n)
        if m is None:
            return None
        blocks.setdefault(int(m.group(1)), []).append(s[0])
    return [blocks[b] for b in sorted(blocks)] or None


def has_auxiliary_head(entries):
    """Whether a multitask.json lists an auxiliary head (single's network has none)."""
    return any(name.startswith("auxiliary.") for name, _ in entries)


def load_init(directory, mt, gen):
    """Initial weights written by the Java side (an --init directory, the gradient directory's format):
    multitask.json/.f32 into mt and, when gen is given, generator.json/.f32 into it, by order with every
    shape checked (Linear weights [in, out] transposed). Running statistics are not in the files: they
    stay at PyTorch's start, mean 0 and variance 1, which is MetaLoop's too."""
    mt_entries = read_entries(os.path.join(directory, "multitask.json"))
    if has_auxiliary_head(mt_entries) != (mt.auxiliary is not None):
        raise ValueError(f"{directory}: multitask.json {'has' if has_auxiliary_head(mt_entries) else 'lacks'} an "
                         f"auxiliary head, the network here {'has' if mt.auxiliary is not None else 'lacks'} one")
    load_params(mt, mt_entries, read_f32(os.path.join(directory, "multitask.f32")), "multitask")
    if gen is not None:
        gen_path = os.path.join(directory, "generator.json")
        if not os.path.exists(gen_path):
            raise ValueError(f"{directory}: no generator.json (maxl needs the label generator's initial weights)")
        load_params(gen, read_entries(gen_path), read_f32(os.path.join(directory, "generator.f32")), "generator")
    for m in list(mt.modules()) + (list(gen.modules()) if gen is not None else []):
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
    return mt_entries


class EpochOrders:
    """Per data epoch example orders: an --order file (rows of n int32, little-endian, written by
    the Java side: EpochOrder.permutation(n, seed, d) for d = 0, 1, ...) consumed row by row, one
    row per pass over the data (two-pass MAXL: pass A then pass B, as MetaLoop's data epochs 2e and
    2e + 1); without a file, torch.randperm with the seeded generator."""

    def __init__(self, n, seed, path=None):
        self.n = n
        self.generator = torch.Generator().manual_seed(seed)
        self.rows = None
        self.used = 0
        if path is not None:
            flat = np.fromfile(path, dtype="<i4")
            if flat.size == 0 or flat.size % n != 0:
                raise ValueError(f"{path}: {flat.size} int32, not whole rows of {n} (the training images)")
            self.rows = flat.reshape(-1, n).astype(np.int64)
            for d, row in enumerate(self.rows):
                if not np.array_equal(np.sort(row), np.arange(n)):
                    raise ValueError(f"{path}: row {d} is not a permutation of 0..{n - 1}")

    def next(self):
        if self.rows is None:
            return torch.randperm(self.n, generator=self.generator)
        if self.used >= len(self.rows):
            raise ValueError(f"--order holds {len(self.rows)} data epochs, the run needs more")
        row = torch.from_numpy(self.rows[self.used])
        self.used += 1
        return row


# ----------------------------------------------------------------------------------------------
# Mode "gradient"

class GradientCase:
    """A gradient directory loaded into torch: networks, batch, meta config, Java's results."""

    def __init__(self, directory, dtype=torch.float32, seed_entropy=False):
        with open(os.path.join(directory, "config.json")) as f:
            c = json.load(f)
        self.config = c
        backbone = c.get("backbone", "conv4")
        ch, h, w, psi = int(c["channels"]), int(c["height"]), int(c["width"]), [int(v) for v in c["psi"]]
        mt_entries = read_entries(os.path.join(directory, "multitask.json"))
        gen_entries = read_entries(os.path.join(directory, "generator.json"))
        mt_widths = c.get("widths") or infer_widths(backbone, mt_entries)
        gen_widths = c.get("widths") or infer_widths(backbone, gen_entries)

        self.mt = MultiTask(backbone, ch, h, w, psi, mt_widths, with_auxiliary=has_auxiliary_head(mt_entries))
        self.gen = LabelGenerator(backbone, ch, h, w, psi, gen_widths,
                                  mask_epsilon=float(c.get("maskEpsilon", 0.0)))
        self.mt.to(dtype)
        self.gen.to(dtype)
        load_params(self.mt, mt_entries, read_f32(os.path.join(directory, "multitask.f32")), "multitask")
        load_params(self.gen, gen_entries, read_f32(os.path.join(directory, "generator.f32")), "generator")
        self.gen_entries = gen_entries

        self.buffers = None
        mom_path = os.path.join(directory, "momentum.f32")
        if os.path.exists(mom_path):
            self.buffers = flat_to_tensors(self.mt, mt_entries, read_f32(mom_path), "momentum")

        labels = np.fromfile(os.path.join(directory, "primary.i32"), dtype="<i4")
        images = read_f32(os.path.join(directory, "images.f32"))
        n = labels.size
        if "batch" in c and int(c["batch"]) != n:
            raise ValueError(f"config says batch {c['batch']}, primary.i32 has {n} labels")
        if images.size != n * ch * h * w:
            raise ValueError(f"images.f32 has {images.size} floats, expected {n}x{ch}x{h}x{w}")
        if labels.min() < 0 or labels.max() >= len(psi):
            raise ValueError(f"primary labels outside [0, {len(psi)})")
        self.x = torch.from_numpy(images.reshape(n, ch, h, w).copy()).to(dtype)
        self.y = torch.from_numpy(labels.astype(np.int64))
        self.cfg = MetaConfig(alpha=float(c.get("alpha", 0.01)), momentum=float(c.get("momentum", 0.0)),
                              weight_decay=float(c.get("weightDecay", 0.0)),
                              entropy_weight=float(c.get("entropyWeight", 0.2)),
                              focal_gamma=float(c.get("focalGamma", 2.0)),
                              seed_entropy=bool(c.get("seedEntropy", False)) or seed_entropy)
        if self.cfg.momentum != 0.0 and self.buffers is None:
            # PyTorch SGD's first step: an empty buffer behaves as zeros
            self.buffers = [torch.zeros_like(p) for p in self.mt.parameters()]

    def gradient(self, variant):
        return generator_gradient(variant, self.mt, self.gen, self.x, self.y, self.cfg, self.buffers)


VARIANTS = [("exact", "meta_gradient_exact.f32"), ("first-order", "meta_gradient_first_order.f32")]


def compare_gradients(case, directory, per_tensor=False, save=None):
    """Compute both variants, compare with Java's files; returns the rows (dicts)."""
    rows = []
    for variant, filename in VARIANTS:
        grads, loss_after = case.gradient(variant)
        torch_flat = tensors_to_flat(case.gen, grads, np.float64)
        if variant == "exact":
            print(f"torch primary loss after the virtual step: {loss_after:.9g}")
        if save:
            os.makedirs(save, exist_ok=True)
            tensors_to_flat(case.gen, grads).tofile(os.path.join(save, "torch_" + filename))
        path = os.path.join(directory, filename)
        path64 = path[:-len(".f32")] + ".f64"
        if os.path.exists(path64):
            # a float64 run's gradient in float64 (float32 files would hide differences below 6e-8)
            java_flat = np.fromfile(path64, dtype="<f8")
        elif os.path.exists(path):
            java_flat = read_f32(path).astype(np.float64)
        else:
            print(f"({variant}: {filename} missing, row skipped; ||torch|| = {np.linalg.norm(torch_flat):.6g})")
            continue
        if java_flat.size != torch_flat.size:
            raise ValueError(f"{filename}: {java_flat.size} floats, the generator has {torch_flat.size}")
        diff = java_flat - torch_flat
        tn = np.linalg.norm(torch_flat)
        rows.append({"variant": variant, "torch": tn, "java": np.linalg.norm(java_flat),
                     "rel": np.linalg.norm(diff) / tn if tn > 0 else float("inf"),
                     "maxabs": np.abs(diff).max() if diff.size else 0.0, "loss_after": loss_after})
        if per_tensor:
            rows[-1]["tensors"] = []
            print(f"  {variant}, per tensor (name | ||torch|| | rel diff):")
            offset = 0
            for name, shape in case.gen_entries:
                n = int(np.prod(shape))
                tt, jj = torch_flat[offset:offset + n], java_flat[offset:offset + n]
                offset += n
                nt = np.linalg.norm(tt)
                rel = np.linalg.norm(jj - tt) / nt if nt > 0 else np.linalg.norm(jj - tt)
                rows[-1]["tensors"].append({"name": name, "torch": float(nt), "rel": float(rel)})
                print(f"    {name:40s} {nt:12.5g} {rel:12.3e}")
    print(f"{'variant':12s} | {'||torch||':>13s} | {'||java||':>13s} | {'rel diff':>10s} | {'max abs diff':>12s}")
    for r in rows:
        print(f"{r['variant']:12s} | {r['torch']:13.7g} | {r['java']:13.7g} | {r['rel']:10.3e} | {r['maxabs']:12.3e}")
    return rows


def cmd_gradient(args):
    dtype = torch.float64 if args.double else torch.float32
    case = GradientCase(args.dir, dtype, seed_entropy=args.seed_entropy)
    c = case.config
    print(f"backbone {c.get('backbone', 'conv4')}, batch {case.x.shape[0]}, psi {c['psi']}, "
          f"alpha {case.cfg.alpha}, momentum {case.cfg.momentum}, weightDecay {case.cfg.weight_decay}, "
          f"entropyWeight {case.cfg.entropy_weight}, focalGamma {case.cfg.focal_gamma}, "
          f"maskEpsilon {c.get('maskEpsilon', 0.0)}, seedEntropy {case.cfg.seed_entropy}, "
          f"momentum buffer {'given' if os.path.exists(os.path.join(args.dir, 'momentum.f32')) else 'none'}, "
          f"{'float64' if args.double else 'float32'}")
    rows = compare_gradients(case, args.dir, per_tensor=args.per_tensor, save=args.save)
    # one machine-readable line for callers (bench/maxl): the rows above, numbers as floats
    print(json.dumps({"mode": "gradient", "dtype": "float64" if args.double else "float32",
                      "rows": [{k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in r.items()}
                               for r in rows]}), flush=True)


# ----------------------------------------------------------------------------------------------
# Mode "train"

class Split:
    """uint8 images [N, C, H, W] and uint8 primary labels, normalised per batch."""

    def __init__(self, directory, name, ch, h, w, mean, std, limit=None):
        raw = np.fromfile(os.path.join(directory, f"{name}.u8"), dtype=np.uint8)
        labels = np.fromfile(os.path.join(directory, f"{name}_primary.u8"), dtype=np.uint8)
        per = ch * h * w
        if raw.size % per != 0 or raw.size // per != labels.size:
            raise ValueError(f"{name}: {raw.size} bytes of images for {labels.size} labels of {ch}x{h}x{w}")
        if limit is not None:
            if not 0 < limit <= labels.size:
                raise ValueError(f"{name}: --images {limit}, the file holds {labels.size}")
            raw, labels = raw[:limit * per], labels[:limit]     # the first `limit` images
        self.images = torch.from_numpy(raw.reshape(-1, ch, h, w))
        self.labels = torch.from_numpy(labels.astype(np.int64))
        self.mean = torch.tensor(mean, dtype=torch.float32).view(1, ch, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(1, ch, 1, 1)

    def __len__(self):
        return self.labels.numel()

    def batch(self, idx):
        # x * float32(1/255), as MetaLoop's Images.toTensor (x / 255 can differ in the last bit)
        x = self.images[idx].float().mul_(PIXEL_SCALE)
        return (x - self.mean) / self.std, self.labels[idx]


def normalisation(c, ch):
    n = c.get("normalise") or c.get("normalize") or {}
    mean = n.get("mean", c.get("mean", [0.0] * ch))
    std = n.get("std", c.get("std", [1.0] * ch))
    if len(mean) == 1 and ch > 1:
        mean = mean * ch
    if len(std) == 1 and ch > 1:
        std = std * ch
    if len(mean) != ch or len(std) != ch:
        raise ValueError(f"normalise mean/std need {ch} values, got {mean} / {std}")
    return [float(v) for v in mean], [float(v) for v in std]


def evaluate(mt, split, batch):
    mt.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(split), batch):
            idx = torch.arange(start, min(start + batch, len(split)))
            x, y = split.batch(idx)
            correct += (mt(x, heads="primary").argmax(1) == y).sum().item()
    mt.train()
    return 100.0 * correct / len(split)


def batches(n, batch, orders):
    """One pass over the data: the next example order (EpochOrders) cut into batches, last partial kept."""
    perm = orders.next()
    if perm.numel() != n:
        raise ValueError(f"an order of {perm.numel()} examples for {n} training images")
    return [perm[i:i + batch] for i in range(0, n, batch)]


def cmd_train(args):
    with open(os.path.join(args.data, "config.json")) as f:
        c = json.load(f)
    ch, h, w, psi = int(c["channels"]), int(c["height"]), int(c["width"]), [int(v) for v in c["psi"]]
    backbone = args.backbone or c.get("backbone", "conv4")
    mean, std = normalisation(c, ch)
    train = Split(args.data, "train", ch, h, w, mean, std, limit=args.images)
    test = Split(args.data, "test", ch, h, w, mean, std)
    if train.labels.max().item() >= len(psi) or test.labels.max().item() >= len(psi):
        raise ValueError(f"primary labels outside [0, {len(psi)})")

    torch.manual_seed(args.seed)
    orders = EpochOrders(len(train), args.seed, args.order)
    maxl = args.method == "maxl"
    fused = maxl and args.schedule == "fused"
    # single: the encoder and the primary head only (MetaLoop's single network has no auxiliary head)
    mt = MultiTask(backbone, ch, h, w, psi, with_auxiliary=maxl)
    gen = LabelGenerator(backbone, ch, h, w, psi, mask_epsilon=args.mask_epsilon) if maxl else None
    if args.init is not None:
        load_init(args.init, mt, gen)
    else:
        mt.init_maxl()
        if gen is not None:
            gen.init_maxl()
    if maxl:
        gen_opt = torch.optim.SGD(gen.parameters(), lr=args.gen_lr, weight_decay=args.gen_wd)
    opt = torch.optim.SGD(mt.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)
    # MAXL halves the multi-task rate every 50 epochs (StepLR); 0 switches the schedule off
    sched = torch.optim.lr_scheduler.StepLR(opt, args.lr_step, args.lr_gamma) if args.lr_step > 0 else None
    P = len(psi)
    print(f"train: method {args.method}{' meta ' + args.meta + ' schedule ' + args.schedule if maxl else ''}, "
          f"backbone {backbone}, {len(train)} train / {len(test)} test images {ch}x{h}x{w}, psi {psi}, "
          f"batch {args.batch}, lr {args.lr}{f', gen lr {args.gen_lr} wd {args.gen_wd}' if maxl else ''}, "
          f"seed {args.seed}, threads {torch.get_num_threads()}, "
          f"initial weights {args.init or 'own (Xavier, seeded)'}, order {args.order or 'own (randperm, seeded)'}",
          flush=True)

    def meta_config(alpha):
        return MetaConfig(alpha=alpha, momentum=args.momentum, weight_decay=args.weight_decay,
                          entropy_weight=args.entropy_weight, focal_gamma=args.focal_gamma,
                          seed_entropy=args.seed_entropy)

    def momentum_buffers(params):
        if args.momentum == 0.0:
            return None
        buffers = [opt.state[p].get("momentum_buffer") if p in opt.state else None for p in params]
        return [torch.zeros_like(p) if b is None else b for p, b in zip(params, buffers)]

    epoch_seconds, epoch_cpu_seconds, epoch_losses, acc = [], [], [], float("nan")
    first_loss = None

    def first_step(loss):
        nonlocal first_loss
        if first_loss is None:
            first_loss = loss
            print(f"step 1: training loss {loss:.9f}", flush=True)

    for epoch in range(1, args.epochs + 1):
        alpha = opt.param_groups[0]["lr"]
        loss_sum, pri_sum, nb = 0.0, 0.0, 0
        meta_sum, mb = 0.0, 0
        t0 = time.perf_counter()
        c0 = time.process_time()                   # CPU seconds of all threads (a shared machine's steadier figure)
        mt.train()
        if fused:
            # ---- one pass: per batch the generator's meta step at theta, then the multi-task step
            # with the gradient g already computed at theta (labels from the generator before its
            # step): the virtual step is exactly the real one (MetaLoop's schedule)
            gen.train()
            cfg = meta_config(alpha)
            params = list(mt.parameters())
            for idx in batches(len(train), args.batch, orders):
                x, y = train.batch(idx)
                step = {}
                grads, loss_after = generator_gradient(args.meta, mt, gen, x, y, cfg, momentum_buffers(params), step)
                for p, g in zip(gen.parameters(), grads):
                    p.grad = g.detach()
                gen_opt.step()
                for p, g in zip(params, step["theta_grad"]):
                    p.grad = g
                opt.step()
                first_step(step["loss"])
                loss_sum += step["loss"]
                pri_sum += step["primary_loss"]
                nb += 1
                meta_sum += loss_after
                mb += 1
            seconds_a, seconds_b = time.perf_counter() - t0, 0.0
        else:
            # ---- pass A: multi-task step
            for idx in batches(len(train), args.batch, orders):
                x, y = train.batch(idx)
                pri, aux = mt(x)                           # single: aux is None (no auxiliary head)
                loss_pri = focal_loss(torch.softmax(pri, 1), one_hot(y, P, x.dtype), args.focal_gamma)
                loss = loss_pri
                if maxl:
                    gen.train()
                    with torch.no_grad():
                        t = gen(x, y)                      # only theta steps here: t can be detached
                    loss = loss + focal_loss(torch.softmax(aux, 1), t, args.focal_gamma)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                first_step(loss.item())
                loss_sum += loss.item()
                pri_sum += loss_pri.item()
                nb += 1
            seconds_a = time.perf_counter() - t0

            # ---- pass B: generator step with the meta gradient
            t1 = time.perf_counter()
            if maxl:
                cfg = meta_config(alpha)
                params = list(mt.parameters())
                for idx in batches(len(train), args.batch, orders):
                    x, y = train.batch(idx)
                    grads, loss_after = generator_gradient(args.meta, mt, gen, x, y, cfg, momentum_buffers(params))
                    for p, g in zip(gen.parameters(), grads):
                        p.grad = g.detach()
                    gen_opt.step()
                    meta_sum += loss_after
                    mb += 1
            seconds_b = time.perf_counter() - t1
        if sched is not None:
            sched.step()
        epoch_cpu_seconds.append(time.process_time() - c0)

        t2 = time.perf_counter()
        evaluated = args.eval == "every" or (args.eval == "final" and epoch == args.epochs)
        if evaluated:
            acc = evaluate(mt, test, max(args.batch, 256))
        seconds_eval = time.perf_counter() - t2
        total = seconds_a + seconds_b
        epoch_seconds.append(total)
        epoch_losses.append(loss_sum / nb)
        passes = (f"pass_a {seconds_a:7.2f}s  pass_b {seconds_b:7.2f}s  " if not fused else "")
        print(f"epoch {epoch:3d}  {passes}total {total:7.2f}s  "
              f"(eval {seconds_eval:.2f}s)  train_loss {loss_sum / nb:.4f}  primary_loss {pri_sum / nb:.4f}"
              + (f"  primary_loss_after_virtual_step {meta_sum / mb:.4f}" if mb else "")
              + (f"  test_accuracy {acc:.2f}%" if evaluated else ""), flush=True)

    print(f"RESULT method={args.method} meta={args.meta if maxl else 'none'} seed={args.seed} "
          f"accuracy={acc:.2f} epoch_seconds_median={statistics.median(epoch_seconds):.3f}", flush=True)
    # the same as one JSON line, with every epoch's seconds (callers such as bench/maxl read this)
    print(json.dumps({"mode": "train", "method": args.method, "meta": args.meta if maxl else "none",
                      "schedule": args.schedule if maxl else "none", "seed": args.seed, "images": len(train),
                      "accuracy": None if math.isnan(acc) else acc, "epoch_seconds": epoch_seconds,
                      "epoch_cpu_seconds": epoch_cpu_seconds,
                      "epoch_losses": epoch_losses, "first_loss": first_loss,
                      "init": args.init, "order": args.order, "threads": torch.get_num_threads()}), flush=True)


# ----------------------------------------------------------------------------------------------
# Mode "selftest"

def write_gradient_dir(directory, mt, gen, x, y, config, buffers=None):
    """Write a gradient directory as the Java side would (used by the self-test)."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    write_entries(mt, os.path.join(directory, "multitask.json"))
    write_entries(gen, os.path.join(directory, "generator.json"))
    tensors_to_flat(mt, list(mt.parameters())).tofile(os.path.join(directory, "multitask.f32"))
    tensors_to_flat(gen, list(gen.parameters())).tofile(os.path.join(directory, "generator.f32"))
    if buffers is not None:
        tensors_to_flat(mt, buffers).tofile(os.path.join(directory, "momentum.f32"))
    x.detach().numpy().astype("<f4").tofile(os.path.join(directory, "images.f32"))
    y.numpy().astype("<i4").tofile(os.path.join(directory, "primary.i32"))


def randomise(module, gen):
    """Random weights for the test: the default init, BatchNorm scale/shift and biases jittered."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5, generator=gen)
                m.bias.uniform_(-0.3, 0.3, generator=gen)
            elif isinstance(m, (nn.Linear, nn.Conv2d)) and m.bias is not None:
                m.bias.uniform_(-0.1, 0.1, generator=gen)


def cmd_selftest(args):
    torch.manual_seed(1234)
    rng = torch.Generator().manual_seed(1234)
    failures = []

    def check(name, ok, detail):
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)
        if not ok:
            failures.append(name)

    psi, ch, h, w, batch = [2, 2, 2, 2, 2], 1, 28, 28, 8
    base = {"backbone": "conv4", "channels": ch, "height": h, "width": w, "psi": psi, "batch": batch,
            "alpha": 0.01, "momentum": 0.0, "weightDecay": 0.0, "entropyWeight": 0.2,
            "focalGamma": 2.0, "maskEpsilon": 0.0, "seedEntropy": False}
    # a larger alpha as well: it makes the second-order term a bigger share of the gradient
    setups = [("plain", dict(base), False),
              ("momentum 0.9 + wd 5e-4 + buffer, alpha 0.1",
               dict(base, alpha=0.1, momentum=0.9, weightDecay=5e-4), True)]
    root = tempfile.mkdtemp(prefix="maxl_selftest_")
    print(f"self-test directory: {root}")

    for label, config, with_buffer in setups:
        print(f"--- {label}")
        src_mt = MultiTask("conv4", ch, h, w, psi)
        src_gen = LabelGenerator("conv4", ch, h, w, psi)
        randomise(src_mt, rng)
        randomise(src_gen, rng)
        x = torch.randn(batch, ch, h, w, generator=rng)
        y = torch.randint(0, len(psi), (batch,), generator=rng)
        buffers = [0.01 * torch.randn(p.shape, generator=rng) for p in src_mt.parameters()] if with_buffer else None
        directory = os.path.join(root, label.split()[0])
        write_gradient_dir(directory, src_mt, src_gen, x, y, config, buffers)

        # (d) loader round trip: the loaded networks hold the written float32 values
        case = GradientCase(directory, torch.float64)
        worst = 0.0
        for a, b in [(src_mt, case.mt), (src_gen, case.gen)]:
            for p, q in zip(a.parameters(), b.parameters()):
                worst = max(worst, (p.double().float().double() - q).abs().max().item())
        if buffers is not None:
            for p, q in zip(buffers, case.buffers):
                worst = max(worst, (p.float().double() - q).abs().max().item())
        worst = max(worst, (x.float().double() - case.x).abs().max().item())
        check("(d) loader round trip", worst == 0.0, f"largest difference {worst:.3e}")

        # (e) the functional forward at theta equals the module forward (train mode)
        with torch.no_grad():
            a = case.mt(case.x)
            b = case.mt(case.x, ctx=make_ctx(case.mt, list(case.mt.parameters())))
        diff = max((a[0] - b[0]).abs().max().item(), (a[1] - b[1]).abs().max().item())
        check("(e) functional forward = module forward", diff < 1e-12, f"largest difference {diff:.3e}")

        # (a) exact gradient vs central differences of L_pri+ + w L_ent
        exact, loss_after = case.gradient("exact")
        phi = list(case.gen.parameters())

        def meta_value():
            return exact_meta_loss(case.mt, case.gen, case.x, case.y, case.cfg, case.buffers)

        h_fd = 1e-5
        # a few coordinates: the largest |gradient| entry of three random tensors, plus random ones
        coords = []
        for _ in range(3):
            k = int(torch.randint(0, len(phi), (1,), generator=rng))
            coords.append((k, int(exact[k].abs().argmax())))
        for _ in range(5):
            k = int(torch.randint(0, len(phi), (1,), generator=rng))
            coords.append((k, int(torch.randint(0, phi[k].numel(), (1,), generator=rng))))
        scale = max(g.abs().max().item() for g in exact)
        names = [n for n, _ in case.gen.named_parameters()]
        worst = 0.0
        for k, i in coords:
            flat = phi[k].data.view(-1)
            old = flat[i].item()
            flat[i] = old + h_fd
            up = meta_value()
            flat[i] = old - h_fd
            down = meta_value()
            flat[i] = old
            fd = (up - down) / (2 * h_fd)
            an = exact[k].view(-1)[i].item()
            err = abs(fd - an) / (1e-6 * scale + abs(an))
            worst = max(worst, err)
            print(f"      {names[k]}[{i}]: autograd {an:+.10e}  central difference {fd:+.10e}")
        check("(a) exact gradient vs central differences (coordinates)", worst < 1e-4,
              f"largest relative error {worst:.3e} over {len(coords)} coordinates")
        # and along one random direction through all generator parameters
        direction = [torch.randn(p.shape, generator=rng, dtype=p.dtype) for p in phi]
        dnorm = math.sqrt(sum((v * v).sum().item() for v in direction))
        direction = [v / dnorm for v in direction]
        for p, v in zip(phi, direction):
            p.data.add_(h_fd * v)
        up = meta_value()
        for p, v in zip(phi, direction):
            p.data.sub_(2 * h_fd * v)
        down = meta_value()
        for p, v in zip(phi, direction):
            p.data.add_(h_fd * v)
        fd = (up - down) / (2 * h_fd)
        an = sum((g * v).sum().item() for g, v in zip(exact, direction))
        rel = abs(fd - an) / abs(an)
        check("(a) exact gradient vs central differences (random direction)", rel < 1e-6,
              f"autograd {an:+.10e}, central difference {fd:+.10e}, relative error {rel:.3e}")

        # (b) first-order vs exact: the same gradient up to the finite-difference error
        first, loss_first = case.gradient("first-order")
        e_flat = torch.cat([g.reshape(-1) for g in exact])
        f_flat = torch.cat([g.reshape(-1) for g in first])
        rel = ((f_flat - e_flat).norm() / e_flat.norm()).item()
        check("(b) first-order vs exact", rel < 5e-2, f"relative difference {rel:.3e} "
              f"(||exact|| {e_flat.norm().item():.6g}); primary loss after the virtual step "
              f"{loss_after:.9g} / {loss_first:.9g}")
        # the second-order part alone (without the shared entropy term): its finite-difference
        # estimate must converge to the exact one as eps shrinks (at eps = 0.01/||d|| the ReLU
        # kinks and the curvature leave a few per cent)
        ent = zeros_for_none(torch.autograd.grad(
            case.cfg.entropy_weight * entropy_loss(case.gen(case.x, case.y)), phi, allow_unused=True), phi)
        second_e = e_flat - torch.cat([g.reshape(-1) for g in ent])
        case.cfg.seed_entropy = True
        rels = []
        for scale in (FD_SCALE, 1e-3, 1e-5):
            case.cfg.fd_scale = scale
            first_only, _ = case.gradient("first-order")
            second_f = torch.cat([g.reshape(-1) for g in first_only])
            rels.append(((second_f - second_e).norm() / second_e.norm()).item())
        case.cfg.seed_entropy = False
        case.cfg.fd_scale = FD_SCALE
        check("(b) first-order -> exact as eps shrinks (second-order part only)",
              rels[-1] < 1e-2 and rels[-1] < rels[0],
              "relative difference " + ", ".join(f"{r:.2e} at {s:g}/||d||"
                                                 for r, s in zip(rels, (FD_SCALE, 1e-3, 1e-5)))
              + f" (||second-order part|| {second_e.norm().item():.6g})")

        # (f) gradient mode: torch's own gradients written as Java's files compare as equal
        tensors_to_flat(case.gen, exact).tofile(os.path.join(directory, "meta_gradient_exact.f32"))
        tensors_to_flat(case.gen, first).tofile(os.path.join(directory, "meta_gradient_first_order.f32"))
        rows = compare_gradients(GradientCase(directory, torch.float64), directory)
        ok = len(rows) == 2 and all(r["rel"] < 1e-6 for r in rows)
        check("(f) gradient mode reads its own results back", ok,
              ", ".join(f"{r['variant']} {r['rel']:.2e}" for r in rows))

    # (c) mask-softmax
    print("--- mask-softmax")
    mask = class_mask([2, 3])
    t = mask_softmax(torch.zeros(1, 5, dtype=torch.float64), mask[torch.tensor([0])])
    want = torch.tensor([[0.5, 0.5, 0.0, 0.0, 0.0]], dtype=torch.float64)
    check("(c) psi [2,3], class 0, zero logits", torch.allclose(t, want, atol=1e-15, rtol=0), str(t.tolist()))
    t = mask_softmax(torch.tensor([[0.0, 0.0, 20.0, 0.0, 0.0]], dtype=torch.float64), mask[torch.tensor([0])])
    check("(c) psi [2,3], class 0, logits [0,0,20,0,0]", torch.allclose(t, want, atol=1e-15, rtol=0),
          str(t.tolist()))
    z = torch.tensor([[1000.0, 0.0, 1000.0, 0.0, -1000.0], [0.0, 1000.0, 0.0, 0.0, 0.0]], requires_grad=True)
    t = mask_softmax(z, mask[torch.tensor([0, 1])])
    t[:, 0].sum().backward()
    finite = bool(torch.isfinite(t).all()) and bool(torch.isfinite(z.grad).all())
    want = torch.tensor([[1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1 / 3, 1 / 3, 1 / 3]])
    check("(c) logit 1000 (float32) finite, values and gradient",
          finite and torch.allclose(t.detach(), want, atol=1e-6), str(t.detach().tolist()))
    mask_e = class_mask([2, 3], 1e-8)
    t = mask_softmax(torch.zeros(1, 5, dtype=torch.float64), mask_e[torch.tensor([1])])
    s = 3 + 2e-8
    want = torch.tensor([[1e-8 / s, 1e-8 / s, 1 / s, 1 / s, 1 / s]], dtype=torch.float64)
    check("(c) maskEpsilon 1e-8, class 1, zero logits", torch.allclose(t, want, atol=1e-15, rtol=1e-12),
          str(t.tolist()))

    if not failures and not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{'ALL PASS' if not failures else 'FAILED: ' + ', '.join(failures) + f' (files kept in {root})'}")
    sys.exit(1 if failures else 0)


# ----------------------------------------------------------------------------------------------

def main():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    # --threads belongs to each mode (after the mode name): argparse would let a subparser's
    # default overwrite a value given before the mode name
    parser = argparse.ArgumentParser(description="PyTorch reference of MAXL (Meta Auxiliary Learning)")
    sub = parser.add_subparsers(dest="mode", required=True)

    g = sub.add_parser("gradient", parents=[common], help="compare generator gradients with the Java side's")
    g.add_argument("--dir", required=True, help="directory written by the Java side")
    g.add_argument("--double", action="store_true", help="compute in float64 (weights cast)")
    g.add_argument("--seed-entropy", action="store_true",
                   help="first-order: drop the entropy term (as the seed); also set by config seedEntropy")
    g.add_argument("--per-tensor", action="store_true", help="print the relative difference per tensor")
    g.add_argument("--save", help="write torch's gradients here, in Java layout")

    t = sub.add_parser("train", parents=[common], help="train single-task or MAXL and report test accuracy")
    t.add_argument("--data", required=True)
    t.add_argument("--method", choices=["single", "maxl"], default="maxl")
    t.add_argument("--meta", choices=["exact", "first-order"], default="exact")
    t.add_argument("--epochs", type=int, default=200)
    t.add_argument("--batch", type=int, default=100)
    t.add_argument("--lr", type=float, default=0.01, help="multi-task SGD rate (alpha of the meta step)")
    t.add_argument("--momentum", type=float, default=0.0, help="multi-task SGD momentum (MAXL config: 0)")
    t.add_argument("--weight-decay", type=float, default=0.0, help="multi-task SGD weight decay (MAXL config: 0)")
    t.add_argument("--lr-step", type=int, default=50, help="StepLR step in epochs, 0 = constant rate")
    t.add_argument("--lr-gamma", type=float, default=0.5)
    t.add_argument("--gen-lr", type=float, default=0.001)
    t.add_argument("--gen-wd", type=float, default=5e-4)
    t.add_argument("--entropy-weight", type=float, default=0.2)
    t.add_argument("--focal-gamma", type=float, default=2.0)
    t.add_argument("--mask-epsilon", type=float, default=0.0)
    t.add_argument("--seed-entropy", action="store_true", help="first-order: drop the entropy term")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--schedule", choices=["two-pass", "fused"], default="two-pass",
                   help="maxl: two-pass (the seed's: pass A multi-task steps, then pass B generator steps "
                        "over a fresh shuffle) or fused (MetaLoop's: per batch the generator's meta step, "
                        "then the multi-task step with the same g, one pass per epoch)")
    t.add_argument("--images", type=int, default=None, help="train on the first N training images (default all)")
    t.add_argument("--eval", choices=["every", "final", "none"], default="every",
                   help="test accuracy after every epoch (default), after the last only, or never")
    t.add_argument("--backbone", choices=["conv4", "vgg16"], default=None,
                   help="default: config.json's \"backbone\", else conv4")
    t.add_argument("--init", default=None,
                   help="start from the weights in this directory (multitask.json/.f32 and, for maxl, "
                        "generator.json/.f32, as the gradient directory; written by the Java side)")
    t.add_argument("--order", default=None,
                   help="example orders, one row of n int32 per pass over the data, consumed in order "
                        "(MetaLoop's EpochOrder per data epoch); default: torch.randperm seeded with --seed")

    st = sub.add_parser("selftest", parents=[common], help="check the gradients and the mask-softmax")
    st.add_argument("--keep", action="store_true", help="keep the test directory in /tmp")

    args = parser.parse_args()
    torch.set_num_threads(max(1, args.threads))
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    if args.mode == "gradient":
        cmd_gradient(args)
    elif args.mode == "train":
        cmd_train(args)
    else:
        cmd_selftest(args)


if __name__ == "__main__":
    main()
