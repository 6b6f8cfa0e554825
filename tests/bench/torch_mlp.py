#!/usr/bin/env python3
"""The lecture's MLP (784-128-64-10, ReLU, Adam 1e-3, batch 64) in PyTorch, trained the way
mlp_demo trains it: 55000 Fashion-MNIST training images scaled to [0, 1], shuffled each epoch,
5000 held out. Prints the seconds per epoch (training only) and the test accuracy, in float64 and
float32, for comparison with bench_backprop and mlp_demo_reference on the same machine.

    python3 tests/bench/torch_mlp.py [--epochs N] [--data DIR] [--dtype float64|float32|both]
                                     [--fastest]
"""
import argparse
import time

import torch

import fashion_mnist


def run(dtype, epochs, data):
    torch.manual_seed(0)
    Xtr, ytr, Xte, yte = data
    Xtr = torch.tensor(Xtr, dtype=dtype) / 255.0
    ytr = torch.tensor(ytr, dtype=torch.long)
    Xte = torch.tensor(Xte, dtype=dtype) / 255.0
    yte = torch.tensor(yte, dtype=torch.long)
    X, y = Xtr[:55000], ytr[:55000]
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64),
                                torch.nn.ReLU(), torch.nn.Linear(64, 10)).to(dtype)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(X.shape[0])
        for b in range(0, X.shape[0], 64):
            idx_b = order[b:b + 64]
            opt.zero_grad()
            loss = loss_fn(model(X[idx_b]), y[idx_b])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
    with torch.no_grad():
        acc = (model(Xte).argmax(1) == yte).double().mean().item()
    return times, acc


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--data", default=None)
    p.add_argument("--dtype", choices=["float64", "float32", "both"], default="both")
    p.add_argument("--fastest", action="store_true",
                   help="print only 'torch_<dtype> <fastest seconds per epoch>' lines")
    a = p.parse_args()
    data = fashion_mnist.load(a.data)
    if not a.fastest:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for name, dtype in (("float64", torch.float64), ("float32", torch.float32)):
        if a.dtype not in (name, "both"):
            continue
        times, acc = run(dtype, a.epochs, data)
        if a.fastest:
            print(f"torch_{name} {min(times):.4f}")
        else:
            print(f"{name}: {sum(times) / len(times):.3f} s per epoch (fastest {min(times):.3f}), "
                  f"test accuracy {acc:.4f} after {a.epochs} epochs")


if __name__ == "__main__":
    main()
