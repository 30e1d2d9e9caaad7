#!/usr/bin/env python3
"""bench/scaling_model.py — predicted data-parallel scaling efficiency at 8, 64 and 512 nodes from measured figures.

    bench/step_time > step_times.txt            # one node's step time against the batch it holds
    python3 bench/scaling_model.py step_times.txt [--alpha-us 10.5 --bandwidth-gbs 1.1 --name "TCP, 10 Gb/s"] …

A step on N nodes is the compute of one node holding its share b of the global batch (measured by bench/step_time,
which includes loading, augmentation and the optimizer's update) plus the gradient all-reduce, as a ring does it:

    T_ar(N, S) = 2(N − 1)·α + 2(N − 1)/N · S/β          (S the gradient bytes, α a hop's latency, β a link's bytes/s)

(--halving: 2·log2(N)·α for the latency, as Rabenseifner's algorithm, which MPI libraries pick for large N)

less what overlap hides: nnlab starts the buckets while backward runs (docs/data_parallel.md), which can hide at
most the backward part of the step, taken as half of it (--overlap). Efficiency is the throughput of N nodes over N
times one node's: E(N) = T_step(1) / (N · T_step(N)), with T_step(1) the compute alone at the full batch.

Rows: the recipe as written (global batch G fixed, each node holding G/N: Keras's semantics, what the results
mean), the same with gradients summed in bfloat16 (S/2), and with a larger global batch (each node keeps the
recipe's G, the global batch is N·G, the learning rate scaled with it: Goyal et al. 2017), and both. Links are
given as α and β pairs; the defaults are what bench/two_host_netem measured over TCP here and an assumed 100 Gb/s
RDMA-class link (this machine's kernel has no netem and its TCP stack tops out below 10 Gb/s, so 100 Gb/s could not
be emulated).
"""
import argparse
import math
import sys

NODES = (2, 8, 64, 512)


def read_step_times(path):
    """{model: ({batch: seconds}, trainable parameters)} from bench/step_time's output."""
    models = {}
    with open(path) as lines:
        for line in lines:
            fields = line.split()
            if len(fields) != 5 or not fields[1].isdigit():
                continue
            model, batch, ms, _, params = fields
            times, _ = models.setdefault(model, ({}, int(params)))
            times[int(batch)] = float(ms) / 1000.0
    return models


def allreduce_seconds(nodes, gradient_bytes, alpha, beta, halving):
    if nodes == 1:
        return 0.0
    hops = 2 * math.log2(nodes) if halving else 2 * (nodes - 1)
    return hops * alpha + 2 * (nodes - 1) / nodes * gradient_bytes / beta


def step_seconds(compute, nodes, gradient_bytes, alpha, beta, overlap, halving):
    reduce = allreduce_seconds(nodes, gradient_bytes, alpha, beta, halving)
    return compute + reduce - min(reduce, overlap * compute), reduce


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step_times", help="bench/step_time's output")
    parser.add_argument("--link", action="append", metavar="NAME:ALPHA_US:BETA_GBS",
                        help="a link: its name, a hop's latency in µs and its bandwidth in GB/s (repeatable)")
    parser.add_argument("--overlap", type=float, default=0.5,
                        help="the share of a step's compute that can hide the all-reduce (default 0.5)")
    parser.add_argument("--halving", action="store_true",
                        help="Rabenseifner's reduce-scatter by recursive halving and all-gather by doubling: "
                             "2·log2(N) latencies instead of the ring's 2(N − 1), the same bytes")
    args = parser.parse_args()
    links = args.link or ["TCP 10 Gb/s (measured here):10.5:1.1", "100 Gb/s RDMA (assumed):3:11"]
    models = read_step_times(args.step_times)
    if not models:
        sys.exit(f"scaling_model: no step times in {args.step_times} (expected bench/step_time's output)")
    for link in links:
        name, alpha_us, beta_gbs = link.rsplit(":", 2)
        alpha, beta = float(alpha_us) * 1e-6, float(beta_gbs) * 1e9
        algorithm = "recursive halving" if args.halving else "ring"
        print(f"\n{name}: α {float(alpha_us):g} µs, β {float(beta_gbs):g} GB/s, {algorithm}, "
              f"overlap {args.overlap:g} of compute")
        print(f"{'model':13} {'variant':34}" + "".join(f" {f'N = {n}':>24}" for n in NODES))
        for model, (times, params) in models.items():
            global_batch = max(times)
            single = times[global_batch]
            variants = (("recipe (global batch fixed)", 4, False), ("recipe, bf16 gradients", 2, False),
                        ("global batch N·G, lr scaled", 4, True), ("global batch N·G, bf16 gradients", 2, True))
            for label, bytes_per_value, weak in variants:
                cells = []
                for n in NODES:
                    batch = global_batch if weak else global_batch // n
                    if batch < 1 or (not weak and global_batch % n):
                        cells.append("— (batch < nodes)")
                        continue
                    if batch not in times:
                        cells.append("— (not measured)")
                        continue
                    step, reduce = step_seconds(times[batch], n, bytes_per_value * params, alpha, beta, args.overlap,
                                                 args.halving)
                    efficiency = single / (n * step) if not weak else times[batch] / step
                    cells.append(f"{100 * efficiency:5.1f}% ({1000 * times[batch]:.1f}+{1000 * reduce:.1f}ms)")
                print(f"{model:13} {label:34}" + "".join(f" {c:>24}" for c in cells))
    print("\ncells: efficiency (compute of a step + its all-reduce, before overlap)")


if __name__ == "__main__":
    main()
