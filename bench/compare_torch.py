#!/usr/bin/python3
"""PyTorch's side of bench/compare: the same model, recipe and data as an nnlab example, trained for a few epochs.

Times each epoch's training (no validation), evaluates the test split and prints one JSON line, as
build/bench/nnlab_compare_worker does. The models mirror examples/seed_mlp.toml, keras_cnn.toml, resnet20.toml
and resnet_small.toml, with Keras's initialisers and hyperparameters (Adam ε 1e-7, batch-norm momentum 0.99 and
ε 1e-3, L2 as weight decay on the kernels, label smoothing), so both sides do the same work. cifar10_94 mirrors
examples/cifar10_94.toml, K. Jordan's airbench94 recipe (github.com/KellerJordan/cifar10-airbench, airbench94.py)
in PyTorch's own terms: see train_cifar10_94. Run it through bench/compare, which gives PyTorch its best settings
on this machine (../shared/peers/README.md).

  compare_torch.py --model seed_mlp|keras_cnn|resnet20|resnet_small|cifar10_94 --epochs N --data DIR [--no-augment]
                   [--threads N] [--seed N] [--precision float32|bfloat16] [--train-samples N]   (a short smoke run)
  --epochs may be fractional for cifar10_94 only (its recipe is 9.9: ceil(9.9 × steps per epoch) steps); its
  --precision defaults to bfloat16, the recipe's, the others' to float32.
"""
import argparse
import json
import math
import os
import resource
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load_cifar10(root):
    """CIFAR-10's binary batches as uint8 NHWC arrays and int64 labels."""
    folder = os.path.join(root, "cifar-10-batches-bin")

    def read(names):
        raw = np.concatenate([np.fromfile(os.path.join(folder, n), dtype=np.uint8) for n in names])
        records = raw.reshape(-1, 3073)
        images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return torch.from_numpy(np.ascontiguousarray(images)), torch.from_numpy(records[:, 0].astype(np.int64))

    return read([f"data_batch_{i}.bin" for i in range(1, 6)]), read(["test_batch.bin"])


# Keras's default initialisers: glorot_uniform kernels, zero biases; he_normal is a truncated normal.
def glorot_uniform_(weight):
    nn.init.xavier_uniform_(weight)


def he_normal_(weight):
    fan_in = weight[0].numel()
    std = math.sqrt(2.0 / fan_in) / 0.87962566103423978
    nn.init.trunc_normal_(weight, std=std, a=-2 * std, b=2 * std)


def keras_init(module, conv_init=glorot_uniform_):
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            conv_init(m.weight)
        elif isinstance(m, nn.Linear):
            glorot_uniform_(m.weight)
        if isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
            nn.init.zeros_(m.bias)
    return module


def seed_mlp():
    return keras_init(nn.Sequential(nn.Flatten(), nn.Linear(3072, 512), nn.ReLU(), nn.Linear(512, 256), nn.Tanh(),
                                    nn.Linear(256, 10)))


def keras_cnn():
    return keras_init(nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Dropout(0.25), nn.Flatten(), nn.Linear(64 * 6 * 6, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, 10)))


def batch_norm(channels):
    return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01)  # Keras momentum 0.99


class Block(nn.Module):
    """ResNet-20's basic block: relu(bn(conv(relu(bn(conv(x))))) + shortcut(x))."""

    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.main = nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), batch_norm(c_out), nn.ReLU(),
                                  nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False), batch_norm(c_out))
        self.shortcut = (nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), batch_norm(c_out))
                         if stride != 1 or c_in != c_out else nn.Identity())

    def forward(self, x):
        return F.relu(self.main(x) + self.shortcut(x))


def resnet20():
    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), batch_norm(16), nn.ReLU()]
    c_in = 16
    for c_out, stride in ((16, 1), (32, 2), (64, 2)):
        for i in range(3):
            layers.append(Block(c_in, c_out, stride if i == 0 else 1))
            c_in = c_out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return keras_init(nn.Sequential(*layers), conv_init=he_normal_)


def conv_bn_relu(c_in, c_out, pool=False):
    return ([nn.Conv2d(c_in, c_out, 3, 1, 1, bias=False)] + ([nn.MaxPool2d(2)] if pool else []) +
            [batch_norm(c_out), nn.ReLU()])


class Residual(nn.Module):
    """x + main(x), no activation after the sum (resnet_small.toml's blocks)."""

    def __init__(self, *layers):
        super().__init__()
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.main(x)


class Rescaling(nn.Module):
    def __init__(self, scale):
        super().__init__()
        self.scale = scale

    def forward(self, x):
        return x * self.scale


def resnet_small():
    """The fast CIFAR ResNet-9 at 5/8 width: 40-80-160-320 filters, max-pooling, logits scaled by 0.125."""
    a, b, c, d = 40, 80, 160, 320
    layers = (conv_bn_relu(3, a) + conv_bn_relu(a, b, pool=True) +
              [Residual(*conv_bn_relu(b, b), *conv_bn_relu(b, b))] + conv_bn_relu(b, c, pool=True) +
              conv_bn_relu(c, d, pool=True) +
              [Residual(*conv_bn_relu(d, d), *conv_bn_relu(d, d))] +
              [nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(d, 10, bias=False), Rescaling(0.125)])
    return keras_init(nn.Sequential(*layers), conv_init=he_normal_)


def shift_flip_rotate(x, generator, rotation_deg, shift):
    """ImageDataGenerator's rotation, shifts and flip as one affine warp (bilinear, nearest fill) per image."""
    n = x.shape[0]
    angle = (torch.rand(n, generator=generator) * 2 - 1) * math.radians(rotation_deg)
    tx = (torch.rand(n, generator=generator) * 2 - 1) * shift * 2  # affine_grid works in [-1, 1]
    ty = (torch.rand(n, generator=generator) * 2 - 1) * shift * 2
    flip = torch.where(torch.rand(n, generator=generator) < 0.5, -1.0, 1.0)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = torch.cos(angle) * flip
    theta[:, 0, 1] = -torch.sin(angle)
    theta[:, 1, 0] = torch.sin(angle) * flip
    theta[:, 1, 1] = torch.cos(angle)
    theta[:, 0, 2] = tx
    theta[:, 1, 2] = ty
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def crop_flip(x, generator, padding):
    """Random 32×32 crops of the reflect-padded images, then a horizontal flip with p = 0.5."""
    n, _, h, w = x.shape
    padded = F.pad(x, (padding,) * 4, mode="reflect")
    oy = torch.randint(0, 2 * padding + 1, (n,), generator=generator)
    ox = torch.randint(0, 2 * padding + 1, (n,), generator=generator)
    rows = (oy[:, None] + torch.arange(h))[:, None, :, None]
    cols = (ox[:, None] + torch.arange(w))[:, None, None, :]
    out = padded[torch.arange(n)[:, None, None, None], torch.arange(x.shape[1])[None, :, None, None], rows, cols]
    flip = torch.rand(n, generator=generator) < 0.5
    return torch.where(flip[:, None, None, None], out.flip(3), out)


def cutout(x, generator, size):
    """Zeroes one size×size square per image at a uniformly drawn centre, clipped at the borders."""
    n, _, h, w = x.shape
    rows = torch.randint(0, h, (n,), generator=generator) - size // 2
    cols = torch.randint(0, w, (n,), generator=generator) - size // 2
    r = torch.arange(h)[None, :, None]
    c = torch.arange(w)[None, None, :]
    inside = ((r >= rows[:, None, None]) & (r < rows[:, None, None] + size) & (c >= cols[:, None, None]) &
              (c < cols[:, None, None] + size))
    return x.masked_fill(inside[:, None, :, :], 0.0)


def one_cycle(total, max_lr, pct_start):
    """PyTorch's OneCycleLR (cosine, div_factor 25, final_div_factor 1e4) as the per-step learning rate."""
    up = pct_start * total - 1
    low, final = max_lr / 25, max_lr / 25 / 1e4

    def lr(step):
        if step <= up:
            return max_lr + (low - max_lr) * (1 + math.cos(math.pi * step / up)) / 2
        t = (step - up) / (total - 1 - up)
        return final + (max_lr - final) * (1 + math.cos(math.pi * t)) / 2
    return lr


BATCH_SIZE = {"seed_mlp": 64, "keras_cnn": 64, "resnet20": 128, "resnet_small": 512, "cifar10_94": 1024}
LABEL_SMOOTHING = {"resnet_small": 0.2, "cifar10_94": 0.2}


# name: (model, augmentation, optimizer, learning rate at each step), as the example files set them.
def recipe(name, steps_per_epoch, epochs):
    if name == "seed_mlp":
        def lr(step):  # step_decay: halved every 10 epochs
            return 0.001 * 0.5 ** ((step // steps_per_epoch) // 10)
        return seed_mlp(), lambda x, g: shift_flip_rotate(x, g, 15, 0.1), "adam", lr
    if name == "keras_cnn":
        def lr(step):  # cosine_decay over 39,100 steps (50 epochs)
            return 0.001 * 0.5 * (1 + math.cos(math.pi * min(step, 39100) / 39100))
        return keras_cnn(), lambda x, g: shift_flip_rotate(x, g, 0, 0.1), "adam", lr
    if name == "resnet20":
        return resnet20(), lambda x, g: crop_flip(x, g, 4), "sgd", one_cycle(epochs * steps_per_epoch, 0.1, 0.3)
    if name == "resnet_small":
        return (resnet_small(), lambda x, g: cutout(crop_flip(x, g, 4), g, 8), "sgd",
                one_cycle(epochs * steps_per_epoch, 0.4, 0.2))
    raise SystemExit(f"compare_torch.py: unknown model '{name}' (seed_mlp, keras_cnn, resnet20, resnet_small)")


# cifar10_94: K. Jordan's airbench94 (94% on CIFAR-10 in 9.9 epochs), as examples/cifar10_94.toml sets it.
CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2470, 0.2435, 0.2616)


def normalise_cifar(images):
    """uint8 NCHW (any layout) → float NCHW, standardised per channel, channels_last storage."""
    mean = torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR_STD).view(1, 3, 1, 1)
    return ((images.float() / 255.0 - mean) / std).contiguous(memory_format=torch.channels_last)


def reflect_pad(images, r):
    """Reflect padding by r pixels on both spatial axes, by indexing (F.pad cannot reflect uint8)."""
    h, w = images.shape[-2:]

    def index(size):
        return torch.cat((torch.arange(r, 0, -1), torch.arange(size), torch.arange(size - 2, size - 2 - r, -1)))
    return images[:, :, index(h)][:, :, :, index(w)]


def translate(padded, generator, r):
    """Each image's window of the padded size minus 2r at an offset drawn in -r..r on each axis, independently."""
    n, c, h, w = padded.shape
    oy = torch.randint(0, 2 * r + 1, (n,), generator=generator)
    ox = torch.randint(0, 2 * r + 1, (n,), generator=generator)
    rows = (oy[:, None] + torch.arange(h - 2 * r))[:, None, :, None]
    cols = (ox[:, None] + torch.arange(w - 2 * r))[:, None, None, :]
    return padded[torch.arange(n)[:, None, None, None], torch.arange(c)[None, :, None, None], rows, cols]


def identity_conv(c_in, c_out, kernel_size=3, padding="same", bias=False):
    """PyTorch's default conv initialisation (bias zeroed), then the first c_in filters set to the identity."""
    conv = nn.Conv2d(c_in, c_out, kernel_size, padding=padding, bias=bias)
    with torch.no_grad():
        if bias:
            conv.bias.zero_()
        nn.init.dirac_(conv.weight[:c_in])
    return conv


def frozen_scale_batch_norm(channels):
    """ε 1e-12, running statistics 0.6 old + 0.4 new, γ fixed at 1 (only β is trained)."""
    norm = nn.BatchNorm2d(channels, eps=1e-12, momentum=0.4)
    norm.weight.requires_grad_(False)
    return norm


def cifar10_94_net():
    """2×2 whitening conv (24 filters, frozen, set from the data later) and GELU; three groups of
    conv → max-pool 2 → BN → GELU → conv → BN → GELU at 64, 256, 256 filters; max-pool 3, a bias-free Linear, × 1/9."""
    layers = [identity_conv(3, 24, kernel_size=2, padding=0, bias=True), nn.GELU()]
    c_in = 24
    for c_out in (64, 256, 256):
        layers += [identity_conv(c_in, c_out), nn.MaxPool2d(2), frozen_scale_batch_norm(c_out), nn.GELU(),
                   identity_conv(c_out, c_out), frozen_scale_batch_norm(c_out), nn.GELU()]
        c_in = c_out
    layers += [nn.MaxPool2d(3), nn.Flatten(), nn.Linear(c_in, 10, bias=False), Rescaling(1 / 9)]
    model = nn.Sequential(*layers)
    model[0].weight.requires_grad_(False)
    return model


def whitening_filters(images, size=2, eps=5e-4):
    """The covariance of every size×size patch (stride 1) of the images, its eigenvectors largest eigenvalue first,
    each scaled by 1/√(eigenvalue + eps), then the same filters negated: 2·C·size² filters of shape C×size×size."""
    c = images.shape[1]
    patches = images.unfold(2, size, 1).unfold(3, size, 1)  # N, C, H', W', size, size
    patches = patches.permute(0, 2, 3, 1, 4, 5).reshape(-1, c * size * size)  # one row per patch, (C, y, x) order
    covariance = patches.T @ patches / patches.shape[0]
    eigenvalues, eigenvectors = torch.linalg.eigh(covariance, UPLO="U")  # ascending
    filters = (eigenvectors.T / torch.sqrt(eigenvalues + eps)[:, None]).flip(0).reshape(-1, c, size, size)
    return torch.cat((filters, -filters))


def triangle(total, start, peak_fraction, end):
    """The learning-rate factor at each step: linear from start at step 0 to 1 at int(peak_fraction·total), then to
    end at step total (airbench's triangle under LambdaLR)."""
    peak = int(peak_fraction * total)

    def factor(step):
        if step < peak:
            return start + (1.0 - start) * step / peak
        return 1.0 + (end - 1.0) * (step - peak) / (total - peak)
    return factor


def forward_flops_per_image(model, shape=(3, 32, 32)):
    """2 × the multiply-adds of the convolutions and Linear layers for one image, as bench/flop_count.hpp counts
    them (training ≈ 3 × this), read from the output shapes of one forward pass in eval mode."""
    flops = []

    def conv(m, inputs, output):
        flops.append(2 * output.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1])

    def linear(m, inputs, output):
        flops.append(2 * m.in_features * m.out_features)
    handles = [m.register_forward_hook(conv if isinstance(m, nn.Conv2d) else linear)
               for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *shape).contiguous(memory_format=torch.channels_last))
    model.train(training)
    for handle in handles:
        handle.remove()
    return sum(flops)


def train_cifar10_94(args, x_train, y_train, x_test, y_test, autocast):
    """airbench94's recipe: alternating flips and 2-pixel translations, batch 1024 without the last partial batch,
    ceil(epochs × steps per epoch) steps; SGD with Nesterov momentum 0.85 in airbench's decoupled units, batch-norm
    biases at 64× the learning rate, a triangular schedule; the summed label-smoothed loss; from epoch 3 a lookahead
    EMA every 5 steps; the whitening bias trained for 3 epochs. Reports plain and test-time-augmented accuracy."""
    memory_format = torch.channels_last
    n = x_train.shape[0]
    batch = BATCH_SIZE["cifar10_94"]
    steps_per_epoch = n // batch  # drop_last
    if steps_per_epoch == 0:
        raise SystemExit(f"compare_torch.py: cifar10_94 needs at least {batch} training images")
    total_steps = math.ceil(steps_per_epoch * args.epochs)
    model = cifar10_94_net().to(memory_format=memory_format)
    forward_flops = forward_flops_per_image(model)

    start = time.perf_counter()  # the whitening filters, from the first 5,000 training images as they are
    with torch.no_grad():
        model[0].weight.copy_(whitening_filters(normalise_cifar(x_train[:5000].permute(0, 3, 1, 2))))
    whitening_seconds = time.perf_counter() - start

    momentum = 0.85
    kilostep_scale = 1024 * (1 + 1 / (1 - momentum))  # airbench's lr and wd are per 1024 images, momentum-free
    lr = 11.5 / kilostep_scale
    wd = 0.0153 * batch / kilostep_scale
    lr_biases = 64 * lr
    norm_biases = [m.bias for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    ids = {id(p) for p in norm_biases}
    rest = [p for p in model.parameters() if p.requires_grad and id(p) not in ids]  # the whitening bias included
    optimizer = torch.optim.SGD([{"params": norm_biases, "lr": lr_biases, "weight_decay": wd / lr_biases},
                                 {"params": rest, "lr": lr, "weight_decay": wd / lr}], momentum=momentum, nesterov=True)
    for group in optimizer.param_groups:
        group["base_lr"] = group["lr"]
    factor_at = triangle(total_steps, 0.2, 0.23, 0.07)
    ema_start_epoch, ema_every, whiten_bias_epochs = 3, 5, 3
    generator = torch.Generator().manual_seed(args.seed)

    epoch_seconds = []
    ema = None  # [(EMA copy, the live tensor)] for every float tensor of the state_dict, once it exists
    step = 0
    for epoch in range(math.ceil(total_steps / steps_per_epoch)):
        model.train()
        model[0].bias.requires_grad_(epoch < whiten_bias_epochs)  # no gradient from then on: SGD skips it
        start = time.perf_counter()
        if epoch == 0:  # as airbench's loader, in the first epoch: each image flipped or not once, then padded
            images = x_train.permute(0, 3, 1, 2)  # NCHW view of the NHWC bytes
            if not args.no_augment:
                flipped = torch.rand(n, generator=generator) < 0.5
                images = reflect_pad(torch.where(flipped[:, None, None, None], images.flip(3), images), 2)
        order = torch.randperm(n, generator=generator)
        for first in range(0, steps_per_epoch * batch, batch):
            index = order[first:first + batch]
            x = images[index]
            if not args.no_augment:
                x = translate(x, generator, 2)
                if epoch % 2 == 1:  # the whole set mirrored every other epoch
                    x = x.flip(3)
            x = normalise_cifar(x)
            for group in optimizer.param_groups:
                group["lr"] = group["base_lr"] * factor_at(step)
            with autocast:
                logits = model(x)
                loss = F.cross_entropy(logits.float(), y_train[index], label_smoothing=0.2, reduction="sum")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            if epoch >= ema_start_epoch and step % ema_every == 0:
                with torch.no_grad():
                    if ema is None:
                        ema = [(t.clone(), t) for t in model.state_dict().values() if t.is_floating_point()]
                    else:  # lookahead: the weights pulled to an average whose memory grows over the run
                        rho = 0.95 ** ema_every * (step / total_steps) ** 3
                        for average, live in ema:
                            average.lerp_(live, 1 - rho)
                            live.copy_(average)
            if step >= total_steps:
                break
        if ema is not None:
            with torch.no_grad():
                for average, live in ema:
                    live.copy_(average)
        epoch_seconds.append(time.perf_counter() - start)

    start = time.perf_counter()
    model.eval()
    plain = tta = 0

    def mirrored(x):
        return 0.5 * model(x).float() + 0.5 * model(x.flip(3)).float()
    with torch.no_grad(), autocast:
        for first in range(0, x_test.shape[0], 500):
            x = normalise_cifar(x_test[first:first + 500].permute(0, 3, 1, 2))
            labels = y_test[first:first + 500]
            logits = model(x).float()
            level1 = 0.5 * logits + 0.5 * model(x.flip(3)).float()
            padded = F.pad(x, (1,) * 4, mode="reflect")
            shifted = 0.5 * (mirrored(padded[:, :, 0:32, 0:32].contiguous(memory_format=memory_format)) +
                             mirrored(padded[:, :, 2:34, 2:34].contiguous(memory_format=memory_format)))
            plain += int((logits.argmax(1) == labels).sum())
            tta += int(((0.5 * level1 + 0.5 * shifted).argmax(1) == labels).sum())
    eval_seconds = time.perf_counter() - start

    trained = step * batch
    images_per_second = trained / sum(epoch_seconds)
    print(json.dumps({"framework": "pytorch " + torch.__version__, "threads": torch.get_num_threads(),
                      "precision": args.precision,
                      "epoch_seconds": epoch_seconds, "train_images": n, "steps": step, "images_trained": trained,
                      "images_per_second": images_per_second,
                      "forward_gflop_per_image": forward_flops / 1e9,
                      "train_gflop_per_image": 3 * forward_flops / 1e9,
                      "gflops": 3 * forward_flops / 1e9 * images_per_second,
                      "whitening_seconds": whitening_seconds, "eval_seconds": eval_seconds,
                      "test_accuracy": plain / x_test.shape[0], "tta_accuracy": tta / x_test.shape[0],
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))


def parse_args(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, choices=sorted(BATCH_SIZE))
    parser.add_argument("--epochs", type=float, required=True, help="a whole number, but for cifar10_94")
    parser.add_argument("--data", required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--no-augment", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--train-samples", type=int, help="only the first N training images")
    parser.add_argument("--precision", choices=["float32", "bfloat16"],
                        help="bfloat16: the forward pass under torch.autocast (CPU, bfloat16), as PyTorch advises; "
                             "default float32, bfloat16 for cifar10_94 (its recipe's)")
    args = parser.parse_args(argv)
    if args.epochs <= 0:
        parser.error("--epochs must be positive")
    if args.model != "cifar10_94":
        if args.epochs != int(args.epochs):
            parser.error(f"--epochs must be a whole number for {args.model}")
        args.epochs = int(args.epochs)
    if args.precision is None:
        args.precision = "bfloat16" if args.model == "cifar10_94" else "float32"
    return args


def main():
    args = parse_args()
    autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.precision == "bfloat16")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_cifar10(args.data)
    if args.train_samples:
        x_train, y_train = x_train[:args.train_samples], y_train[:args.train_samples]
    if args.model == "cifar10_94":
        return train_cifar10_94(args, x_train, y_train, x_test, y_test, autocast)
    n = x_train.shape[0]
    batch = BATCH_SIZE[args.model]
    steps = (n + batch - 1) // batch  # as Keras, the last batch of an epoch is smaller, not dropped
    model, augment, optimizer_name, lr_at = recipe(args.model, steps, args.epochs)
    convolutional = args.model != "seed_mlp"
    memory_format = torch.channels_last if convolutional else torch.contiguous_format
    model = model.to(memory_format=memory_format)
    if optimizer_name == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    else:
        decayed = [m.weight for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
        if args.model == "resnet20":  # its Dense kernel carries no L2
            decayed = [p for p in decayed if p.dim() == 4]
        ids = {id(p) for p in decayed}
        rest = [p for p in model.parameters() if id(p) not in ids]
        # Keras's l2(2.5e-4) adds 2.5e-4·Σw² to the loss: a gradient of 5e-4·w.
        optimizer = torch.optim.SGD([{"params": decayed, "weight_decay": 5e-4}, {"params": rest}], lr=0.1,
                                    momentum=0.9, nesterov=True)
    generator = torch.Generator().manual_seed(args.seed)

    def to_input(images):  # uint8 NHWC → float NCHW view in [0, 1], channels_last storage for the CNNs
        return images.permute(0, 3, 1, 2).float().div_(255.0).contiguous(memory_format=memory_format)

    epoch_seconds = []
    step = 0
    for _ in range(args.epochs):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(n, generator=generator)
        for first in range(0, n, batch):
            index = order[first:first + batch]
            x = to_input(x_train[index])
            if not args.no_augment:
                x = augment(x, generator).contiguous(memory_format=memory_format)
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step)
            with autocast:
                logits = model(x)
            loss = F.cross_entropy(logits.float(), y_train[index], label_smoothing=LABEL_SMOOTHING.get(args.model, 0.0))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
        epoch_seconds.append(time.perf_counter() - start)

    model.eval()
    correct = 0
    with torch.no_grad():
        for first in range(0, x_test.shape[0], 500):
            with autocast:
                logits = model(to_input(x_test[first:first + 500]))
            correct += int((logits.argmax(1) == y_test[first:first + 500]).sum())
    print(json.dumps({"framework": "pytorch " + torch.__version__, "threads": torch.get_num_threads(),
                      "precision": args.precision,
                      "epoch_seconds": epoch_seconds, "train_images": n,
                      "test_accuracy": correct / x_test.shape[0],
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))


if __name__ == "__main__":
    main()
