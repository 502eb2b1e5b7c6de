#!/usr/bin/env python3
"""Writes the .npy test files of package npy's npy_test.go with NumPy.

Run from this directory with Debian's python3-numpy (1.24):
    /usr/bin/python3 gen.py
The values are simple formulas that the Go test recomputes:
    noise_f4.npy      float32 [2, 1, 28, 28]   (i % 97) / 8 - 6     (i the flat index)
    images_u1.npy     uint8   [3, 28, 28]      (7 * i) % 256
    big_f4.npy        float32, big-endian, [2, 3]  i / 4
    v2_f4.npy         float32 [2, 3] in format version 2.0   i / 4
    fortran_f4.npy    float32 [2, 3] in Fortran order         (refused)
    int64.npy         int64 [4]                               (refused)
"""
import numpy as np

i = np.arange(2 * 784)
np.save("noise_f4.npy", ((i % 97) / 8 - 6).astype(np.float32).reshape(2, 1, 28, 28))
i = np.arange(3 * 784)
np.save("images_u1.npy", ((7 * i) % 256).astype(np.uint8).reshape(3, 28, 28))
a = (np.arange(6) / 4).astype(np.float32).reshape(2, 3)
np.save("big_f4.npy", a.astype(">f4"))
with open("v2_f4.npy", "wb") as f:
    np.lib.format.write_array(f, a, version=(2, 0))
np.save("fortran_f4.npy", np.asfortranarray(a))
np.save("int64.npy", np.arange(4, dtype=np.int64))
