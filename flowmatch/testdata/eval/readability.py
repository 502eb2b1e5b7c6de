#!/usr/bin/env python3
"""Readability of generated digits: the share that a small MNIST classifier
recognises with confidence, and how the recognised classes spread.

    /usr/bin/python3 readability.py MNIST_DIR samples.npy [more.npy ...]

MNIST_DIR holds the four IDX files (gzip), for example the GoMNIST copy in
the Go module cache (`go env GOMODCACHE`)/github.com/petar/!go!m!n!i!s!t@*/data.
The classifier (two conv layers and a linear layer, Debian's python3-torch)
is trained for 2 epochs on the training set (about 99% test accuracy) and
cached in /tmp/windrose_mnist_cnn.pt. For each .npy file of uint8 images
[N, 28, 28] (windrose sample -npy) it prints: the share of images whose top
class has probability > 0.9 ("readable"), the mean top probability, and the
count of readable images per digit. The same line for the first 1,000 test
images is the ceiling. It is the cheap, classifier-confidence cousin of the
Inception score (Salimans et al. 2016); it rewards clean digits and notices
mode collapse through the class counts, nothing more.
"""
import gzip
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(2)
CACHE = "/tmp/windrose_mnist_cnn.pt"


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc = nn.Linear(64 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.fc(x.flatten(1))


def prep(u8):
    return torch.from_numpy(u8.astype(np.float32) / 255).reshape(-1, 1, 28, 28)


def main():
    d = sys.argv[1]
    net = Net()
    if os.path.exists(CACHE):
        net.load_state_dict(torch.load(CACHE))
    else:
        x = prep(idx(os.path.join(d, "train-images-idx3-ubyte.gz")))
        y = torch.from_numpy(idx(os.path.join(d, "train-labels-idx1-ubyte.gz")).astype(np.int64))
        opt = torch.optim.Adam(net.parameters(), 1e-3)
        for _ in range(2):
            perm = torch.randperm(len(x))
            for i in range(0, len(x), 128):
                j = perm[i:i + 128]
                loss = F.cross_entropy(net(x[j]), y[j])
                opt.zero_grad()
                loss.backward()
                opt.step()
        torch.save(net.state_dict(), CACHE)
    net.eval()
    xt = idx(os.path.join(d, "t10k-images-idx3-ubyte.gz"))
    yt = idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))
    with torch.no_grad():
        acc = (net(prep(xt)).argmax(1).numpy() == yt).mean()
    print(f"classifier test accuracy {acc:.4f}")
    report("MNIST test[:1000]", xt[:1000], net)
    for p in sys.argv[2:]:
        report(p, np.load(p), net)


def report(name, u8, net):
    with torch.no_grad():
        p = F.softmax(net(prep(u8)), 1)
    top, cls = p.max(1)
    ok = top > 0.9
    counts = np.bincount(cls[ok].numpy(), minlength=10)
    print(f"{name}: n {len(u8)}, readable {ok.float().mean():.3f}, mean top prob {top.mean():.3f}, "
          f"readable per digit {counts.tolist()}")


if __name__ == "__main__":
    main()
