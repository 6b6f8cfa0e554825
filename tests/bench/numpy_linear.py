# numpy baseline for bench_linear: the same vectorized SVM and softmax loss + gradient formulas
# (CS231n's), on the same shapes, fastest of a few runs. Prints "name seconds" lines.
import sys
import time

import numpy as np

quick = len(sys.argv) > 1 and sys.argv[1] == "--quick"
n, d, c = (600 if quick else 60000), 785, 10
rng = np.random.default_rng(0)
X = rng.uniform(-0.5, 0.5, (n, d))
W = 0.001 * rng.uniform(-0.5, 0.5, (d, c))
y = rng.integers(0, c, n)
reg = 1e-3


def svm(W, X, y, reg):
    scores = X @ W
    correct = scores[np.arange(n), y][:, None]
    margins = np.maximum(0, scores - correct + 1)
    margins[np.arange(n), y] = 0
    loss = margins.sum() / n + reg * np.sum(W * W)
    M = (margins > 0).astype(float)
    M[np.arange(n), y] = -M.sum(axis=1)
    return loss, X.T @ M / n + 2 * reg * W


def softmax(W, X, y, reg):
    scores = X @ W
    scores -= scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    sums = e.sum(axis=1, keepdims=True)
    loss = (np.log(sums).sum() - scores[np.arange(n), y].sum()) / n + reg * np.sum(W * W)
    P = e / sums
    P[np.arange(n), y] -= 1
    return loss, X.T @ P / n + 2 * reg * W


for name, f in (("svm_loss_vectorized", svm), ("softmax_loss_vectorized", softmax)):
    best = 1e30
    for _ in range(1 if quick else 5):
        t0 = time.perf_counter()
        f(W, X, y, reg)
        best = min(best, time.perf_counter() - t0)
    print(f"{name} {best:.6f}")
