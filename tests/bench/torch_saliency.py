#!/usr/bin/env python3
"""The saliency assignment's methods in PyTorch on the lecture's nets (MLP 784-128-64-10; the CNN
conv(1->32)-ReLU-conv(32->64)-ReLU-maxpool-linear(12544->128)-ReLU-linear(128->10)), with PyTorch's
default initialization and the first Fashion-MNIST test images scaled to [0, 1], as bench_saliency
runs ours: gradient saliency and Grad-CAM (on conv2) for a batch, the lecture's optimize_mask (300
Adam steps, lr 0.1, loss = -score) one image at a time as on the slides, and the same for a batch
with the loss summed over it. Prints "<name> <seconds per image>", the fastest of the repeats.

    python3 tests/bench/torch_saliency.py [--dtype float32|float64] [--images N] [--data DIR]
"""
import argparse
import time

import torch

import fashion_mnist


def fastest(run, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def optimize_mask(model, image, target_label, num_iters=300, lr=0.1):
    """The lecture's optimize_mask, as on its slide (without the progress lines)."""
    model.eval()
    image = image.unsqueeze(0).detach()
    mask = torch.zeros_like(image, requires_grad=True)
    optimizer = torch.optim.Adam([mask], lr=lr)
    for _ in range(num_iters):
        optimizer.zero_grad()
        output = model(image * torch.sigmoid(mask))
        loss = -output[0, target_label]
        loss.backward()
        optimizer.step()
    return torch.sigmoid(mask).detach()


def optimize_masks(model, images, targets, num_iters=300, lr=0.1):
    """The same for a batch: the loss summed over the images, so that each mask learns alone."""
    mask = torch.zeros_like(images, requires_grad=True)
    optimizer = torch.optim.Adam([mask], lr=lr)
    for _ in range(num_iters):
        optimizer.zero_grad()
        output = model(images * torch.sigmoid(mask))
        loss = -output.gather(1, targets[:, None]).sum()
        loss.backward()
        optimizer.step()
    return torch.sigmoid(mask).detach()


def gradient_saliency(model, images, targets):
    x = images.clone().requires_grad_(True)
    model(x).gather(1, targets[:, None]).sum().backward()
    return x.grad.abs()


def grad_cam(features, head, images, targets):
    a = features(images).detach().requires_grad_(True)
    head(a).gather(1, targets[:, None]).sum().backward()
    alpha = a.grad.mean(dim=(2, 3), keepdim=True)
    cam = torch.relu((alpha * a).sum(1))
    top = cam.flatten(1).max(1).values.clamp_min(1e-30)
    return cam / top[:, None, None]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--images", type=int, default=1000)
    p.add_argument("--cnn-masks", type=int, default=20)
    p.add_argument("--single", type=int, default=20, help="images for the one-at-a-time mask")
    p.add_argument("--data", default=None)
    a = p.parse_args()
    dtype = getattr(torch, a.dtype)
    torch.manual_seed(0)
    _, _, Xte, yte = fashion_mnist.load(a.data)
    X = torch.tensor(Xte[:a.images], dtype=dtype) / 255.0
    t = torch.tensor(yte[:a.images], dtype=torch.long)
    mlp = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64),
                              torch.nn.ReLU(), torch.nn.Linear(64, 10)).to(dtype)
    features = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.ReLU(),
                                   torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU()).to(dtype)
    head = torch.nn.Sequential(torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                               torch.nn.Linear(64 * 14 * 14, 128), torch.nn.ReLU(),
                               torch.nn.Linear(128, 10)).to(dtype)
    cnn = torch.nn.Sequential(features, head)
    images = X.reshape(-1, 1, 28, 28)

    def batches(f, x, y):
        for s in range(0, x.shape[0], 250):
            f(x[s:s + 250], y[s:s + 250])

    n = X.shape[0]
    print(f"seconds per image; {n} images, {a.dtype}, {torch.get_num_threads()} threads")
    print(f"mlp_gradient {fastest(lambda: batches(lambda x, y: gradient_saliency(mlp, x, y), X, t), 3) / n:.6f}")
    single = fastest(lambda: [optimize_mask(mlp, X[i], int(t[i])) for i in range(a.single)], 1)
    print(f"mlp_mask_one_by_one {single / a.single:.6f}")
    print(f"mlp_mask {fastest(lambda: batches(lambda x, y: optimize_masks(mlp, x, y), X, t), 1) / n:.6f}")
    print(f"cnn_gradient {fastest(lambda: batches(lambda x, y: gradient_saliency(cnn, x, y), images, t), 3) / n:.6f}")
    print(f"cnn_grad_cam {fastest(lambda: batches(lambda x, y: grad_cam(features, head, x, y), images, t), 3) / n:.6f}")
    m = a.cnn_masks
    print(f"cnn_mask {fastest(lambda: optimize_masks(cnn, images[:m], t[:m]), 1) / m:.6f}")


if __name__ == "__main__":
    main()
