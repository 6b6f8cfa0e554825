"""Fashion-MNIST for the Python baselines (numpy_linear_demo.py, torch_mlp.py): where the IDX
files are ($PIXELGRAD_DATA, datasets/data, Debian's path, as the C++ loader looks) and the four
arrays as uint8 images (N, 784) and labels (N)."""
import gzip
import os
import struct
import sys

import numpy as np


def find(explicit=None):
    candidates = [explicit] if explicit else []
    if os.environ.get("PIXELGRAD_DATA"):
        candidates.append(os.path.join(os.environ["PIXELGRAD_DATA"], "fashion-mnist"))
    candidates += ["datasets/data/fashion-mnist", "/usr/share/datasets/fashion-mnist"]
    for c in candidates:
        if c and os.path.exists(os.path.join(c, "train-images-idx3-ubyte.gz")):
            return c
    sys.exit("Fashion-MNIST not found (apt-get install dataset-fashion-mnist)")


def idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(root=None):
    """(X_train, y_train, X_test, y_test): images (N, 784) and labels, uint8."""
    root = find(root)
    part = lambda name: idx(os.path.join(root, name + ".gz"))
    return (part("train-images-idx3-ubyte").reshape(-1, 784), part("train-labels-idx1-ubyte"),
            part("t10k-images-idx3-ubyte").reshape(-1, 784), part("t10k-labels-idx1-ubyte"))
