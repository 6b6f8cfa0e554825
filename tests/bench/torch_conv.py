#!/usr/bin/env python3
"""One training step of the lecture's CNN in PyTorch, as bench_conv times it with the reference's
fast layers: conv(1->32, 3x3, pad 1) - ReLU - conv(32->64, 3x3, pad 1) - ReLU - max-pool 2x2
stride 2 - affine(64*14*14 -> 128) - ReLU - affine(128 -> 10), softmax loss, forward and backward
(no update), batch 64 of random 1 x 28 x 28 images. Prints the fastest step of the repeats.

    python3 tests/bench/torch_conv.py [--dtype float64|float32|both] [--threads T] [--repeats R]
                                      [--fastest]
"""
import argparse
import time

import torch


def step_seconds(dtype, repeats):
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.ReLU(),
        torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2, 2), torch.nn.Flatten(),
        torch.nn.Linear(64 * 14 * 14, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10)).to(dtype)
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.randn(64, 1, 28, 28, dtype=dtype)
    y = torch.arange(64) % 10

    def step():
        model.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()

    step()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dtype", choices=["float64", "float32", "both"], default="both")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--fastest", action="store_true",
                   help="print only 'torch_<dtype> <fastest seconds per step>' lines")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if not a.fastest:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for name, dtype in (("float64", torch.float64), ("float32", torch.float32)):
        if a.dtype not in (name, "both"):
            continue
        seconds = step_seconds(dtype, a.repeats)
        if a.fastest:
            print(f"torch_{name} {seconds:.4f}")
        else:
            print(f"{name}: {seconds * 1e3:.1f} ms per step (fastest of {a.repeats})")


if __name__ == "__main__":
    main()
