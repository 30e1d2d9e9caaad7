#!/usr/bin/python3
"""PyTorch's side of bench/compare: the same model, recipe and data as an nnlab example, trained for a few epochs.

Times each epoch's training (no validation), evaluates the test split and prints one JSON line, as
build/bench/nnlab_compare_worker does. The models mirror examples/seed_mlp.toml, keras_cnn.toml, resnet20.toml
and resnet_small.toml, with Keras's initialisers and hyperparameters (Adam ε 1e-7, batch-norm momentum 0.99 and
ε 1e-3, L2 as weight decay on the kernels, label smoothing), so both sides do the same work. Run it through
bench/compare, which gives PyTorch its best settings on this machine (../shared/peers/README.md).

  compare_torch.py --model seed_mlp|keras_cnn|resnet20|resnet_small --epochs N --data DIR [--no-augment] [--threads N]
                   [--train-samples N]   (a short smoke run)
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


BATCH_SIZE = {"seed_mlp": 64, "keras_cnn": 64, "resnet20": 128, "resnet_small": 512}
LABEL_SMOOTHING = {"resnet_small": 0.2}


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, choices=sorted(BATCH_SIZE))
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--no-augment", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--train-samples", type=int, help="only the first N training images")
    parser.add_argument("--precision", choices=["float32", "bfloat16"], default="float32",
                        help="bfloat16: the forward pass under torch.autocast (CPU, bfloat16), as PyTorch advises")
    args = parser.parse_args()
    autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.precision == "bfloat16")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_cifar10(args.data)
    if args.train_samples:
        x_train, y_train = x_train[:args.train_samples], y_train[:args.train_samples]
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
