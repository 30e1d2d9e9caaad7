#!/usr/bin/python3
"""nnlab against PyTorch on this machine: the same models and recipes, alternating runs, one table.

Run through bench/compare, which installs and tunes the PyTorch peer first. Each model is trained for a fixed
number of epochs by nnlab (build/bench/nnlab_compare_worker) and by PyTorch (bench/compare_torch.py), one process
per run, the two sides alternating so that the machine's drift falls on both. Per model and side it prints the
median seconds per training epoch (over every epoch of every run), images/s, the GFLOP/s that implies (three
times the forward FLOPs per image, as counted by nnlab from the layers), its fraction of the precision's peak (oneDNN's
matmul on a large shape, measured at the start of the same run by build/bench/nnlab_matmul_peak), the median
peak RSS and the mean test accuracy after the fixed epochs, which shows the two sides did the same work.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

# name: (example file, compare_torch.py model, augmentation on, epochs option)
MODELS = {
    "seed_mlp": ("examples/seed_mlp.toml", "seed_mlp", False, "mlp_epochs"),
    "seed_mlp_augmented": ("examples/seed_mlp.toml", "seed_mlp", True, "mlp_epochs"),
    "keras_cnn": ("examples/keras_cnn.toml", "keras_cnn", True, "cnn_epochs"),
    "resnet20": ("examples/resnet20.toml", "resnet20", True, "cnn_epochs"),
    "resnet_small": ("examples/resnet_small.toml", "resnet_small", True, "cnn_epochs"),
    "cifar10_94": ("examples/cifar10_94.toml", "cifar10_94", True, "cnn_epochs"),
}


def run_worker(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"compare: {' '.join(command)} failed (exit {result.returncode}):\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def summarise(lines, forward_gflop, peak_gflops):
    seconds = statistics.median(s for line in lines for s in line["epoch_seconds"])
    images_per_second = lines[0]["train_images"] / seconds
    gflops = 3 * forward_gflop * images_per_second
    accuracies = [line["test_accuracy"] for line in lines]
    return {"framework": lines[0]["framework"], "threads": lines[0]["threads"], "seconds_per_epoch": seconds,
            "images_per_second": images_per_second, "gflops": gflops, "fraction_of_peak": gflops / peak_gflops,
            "peak_rss_mb": statistics.median(line["peak_rss_mb"] for line in lines),
            "test_accuracy": statistics.mean(accuracies),
            "test_accuracy_spread": max(accuracies) - min(accuracies), "runs": lines}


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated, from: " + ", ".join(MODELS))
    parser.add_argument("--runs", type=int, default=3, help="processes per side and model")
    parser.add_argument("--mlp-epochs", type=int, default=3)
    parser.add_argument("--cnn-epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--data", default=os.environ.get("NNLAB_DATA", os.path.join(root, "..", "shared", "datasets")))
    parser.add_argument("--torch-env", default="", help="VAR=value;... for the PyTorch processes only")
    parser.add_argument("--json", help="also write every run's figures here")
    parser.add_argument("--train-samples", type=int, help="only the first N training images (a smoke run)")
    parser.add_argument("--precision", choices=["float32", "bfloat16"], default="float32",
                        help="bfloat16: nnlab's precision = \"bfloat16\" against PyTorch's bfloat16 autocast")
    args = parser.parse_args()

    nnlab_env = dict(os.environ, NNLAB_DATA=args.data)
    torch_env = dict(os.environ)
    for assignment in filter(None, args.torch_env.split(";")):
        name, value = assignment.split("=", 1)
        torch_env[name] = value
    worker = os.path.join(root, "build", "bench", "nnlab_compare_worker")
    # The ceiling the GFLOP/s are quoted against, measured here and now: machines with the same name differ.
    peaks = run_worker([os.path.join(root, "build", "bench", "nnlab_matmul_peak"), "--threads", str(args.threads)],
                       nnlab_env)
    peak_gflops = peaks[args.precision]
    if not peak_gflops > 0:
        sys.exit(f"compare: this CPU has no {args.precision} matmul to measure a peak with")
    print(f"  matmul peak: {peaks['float32']:.0f} GFLOP/s float32, {peaks['bfloat16']:.0f} bfloat16", file=sys.stderr,
          flush=True)
    results = {}
    for name in args.models.split(","):
        if name not in MODELS:
            sys.exit(f"compare: unknown model '{name}'; expected one of {', '.join(MODELS)}")
        config, torch_model, augmented, epochs_option = MODELS[name]
        epochs = str(getattr(args, epochs_option))
        nnlab_command = [worker, os.path.join(root, config), epochs, "--threads", str(args.threads)]
        torch_command = ["/usr/bin/python3", os.path.join(root, "bench", "compare_torch.py"), "--model", torch_model,
                         "--epochs", epochs, "--data", args.data, "--threads", str(args.threads)]
        nnlab_command += ["--precision", args.precision]
        torch_command += ["--precision", args.precision]
        if args.train_samples:
            nnlab_command += ["--train-samples", str(args.train_samples)]
            torch_command += ["--train-samples", str(args.train_samples)]
        if not augmented:
            nnlab_command.append("--no-augment")
            torch_command.append("--no-augment")
        sides = {"nnlab": [], "pytorch": []}
        for run in range(args.runs):
            order = ["nnlab", "pytorch"] if run % 2 == 0 else ["pytorch", "nnlab"]
            for side in order:
                command, env = (nnlab_command, nnlab_env) if side == "nnlab" else (torch_command, torch_env)
                # Run k uses seed k on both sides, so the accuracy spread is the seeds' noise, not one draw repeated.
                line = run_worker(command + ["--seed", str(run + 1)], env)
                sides[side].append(line)
                print(f"  {name:<19} {side:<8} run {run + 1}: "
                      f"{' '.join(f'{s:.2f}' for s in line['epoch_seconds'])} s/epoch, "
                      f"test accuracy {line['test_accuracy']:.4f}", file=sys.stderr, flush=True)
        forward_gflop = sides["nnlab"][0]["forward_gflop_per_image"]
        results[name] = {side: summarise(lines, forward_gflop, peak_gflops)
                         for side, lines in sides.items()}
        results[name]["epochs"] = int(epochs)

    print(f"\n{args.precision}, {args.threads} threads, {args.runs} alternating processes per side; medians over every epoch; "
          f"peak {peak_gflops:.0f} GFLOP/s ({args.precision} oneDNN matmul, 4096³, measured in this run)")
    print("PyTorch: " + (args.torch_env.replace(";", ", ") or "as installed"))
    print()
    print("| model | epochs | side | s/epoch | images/s | GFLOP/s | % of peak | peak RSS MB | test accuracy |"
          " nnlab speed-up |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, result in results.items():
        speedup = result["nnlab"]["images_per_second"] / result["pytorch"]["images_per_second"]
        for side in ("nnlab", "pytorch"):
            r = result[side]
            print(f"| {name} | {result['epochs']} | {r['framework']} | {r['seconds_per_epoch']:.2f} | "
                  f"{r['images_per_second']:,.0f} | {r['gflops']:.0f} | {100 * r['fraction_of_peak']:.1f}% | "
                  f"{r['peak_rss_mb']:.0f} | {r['test_accuracy']:.4f} ± {r['test_accuracy_spread'] / 2:.4f} | "
                  f"{f'×{speedup:.2f}' if side == 'nnlab' else ''} |")
    if args.json:
        with open(args.json + ".tmp", "w") as f:
            json.dump({"matmul_peak_gflops": peaks, "models": results}, f, indent=1)
        os.replace(args.json + ".tmp", args.json)


if __name__ == "__main__":
    main()
