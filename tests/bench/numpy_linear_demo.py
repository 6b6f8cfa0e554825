# numpy baseline for the linear demo: the same procedure (49000 / 1000 / 10000 split, pixels / 255,
# training mean subtracted, bias column, 3 x 3 grid of learning rates x regs, 1500 SGD iterations
# of batch 200 with replacement, W = 0.001 N(0, 1)) with numpy's own random numbers. Prints the
# best pair and the test accuracy of the best SVM and softmax, to set beside linear_demo_reference.
import sys

import numpy as np

import fashion_mnist

X, y, Xt, yt = fashion_mnist.load(sys.argv[1] if len(sys.argv) > 1 else None)
X, Xt = X.astype(float) / 255, Xt.astype(float) / 255
y, yt = y.astype(int), yt.astype(int)
Xtr, ytr, Xval, yval = X[:49000], y[:49000], X[49000:50000], y[49000:50000]
mean = Xtr.mean(axis=0)
bias = lambda A: np.hstack([A - mean, np.ones((A.shape[0], 1))])
Xtr, Xval, Xt = bias(Xtr), bias(Xval), bias(Xt)


def svm(W, X, y, reg):
    n = X.shape[0]
    s = X @ W
    m = np.maximum(0, s - s[np.arange(n), y][:, None] + 1)
    m[np.arange(n), y] = 0
    M = (m > 0).astype(float)
    M[np.arange(n), y] = -M.sum(axis=1)
    return m.sum() / n + reg * np.sum(W * W), X.T @ M / n + 2 * reg * W


def softmax(W, X, y, reg):
    n = X.shape[0]
    s = X @ W
    s -= s.max(axis=1, keepdims=True)
    P = np.exp(s)
    P /= P.sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(n), y]).sum() / n + reg * np.sum(W * W)
    P[np.arange(n), y] -= 1
    return loss, X.T @ P / n + 2 * reg * W


def train(f, lr, reg, rng):
    W = 0.001 * rng.standard_normal((785, 10))
    for _ in range(1500):
        b = rng.integers(0, Xtr.shape[0], 200)
        _, dW = f(W, Xtr[b], ytr[b], reg)
        W -= lr * dW
    return W


acc = lambda W, X, y: float(np.mean(np.argmax(X @ W, axis=1) == y))
for name, f in (("SVM", svm), ("softmax", softmax)):
    best = None
    for lr in (3e-2, 3e-1, 3.0):
        for reg in (1e-3, 1e-2, 1e-1):
            W = train(f, lr, reg, np.random.default_rng(0))
            v = acc(W, Xval, yval)
            if best is None or v > best[0]:
                best = (v, lr, reg, W)
    v, lr, reg, W = best
    print(f"numpy {name}: best lr {lr:g}, reg {reg:g}: val accuracy {v:.4f}, "
          f"test accuracy {acc(W, Xt, yt):.4f}")
