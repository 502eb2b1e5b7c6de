#!/usr/bin/env python3
"""Draws the recipe study's figure: one labelled row of samples per run.

A label may contain "=": the file is what follows the last one.

  /usr/bin/python3 bench/recipe_study/mosaic.py OUT.png COLS 'LABEL=FILE.npy' ...

Each FILE.npy is a uint8 array [N, 28, 28] (windrose sample -npy); its first
COLS images make the row. The rows of the study all start from the same noise
(seed 123), so a column shows one noise vector under every recipe."""
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

out, cols, rows = sys.argv[1], int(sys.argv[2]), [a.rsplit("=", 1) for a in sys.argv[3:]]
scale, pad, label_w = 2, 2, 330
cell = 28 * scale + pad
img = Image.new("L", (label_w + cols * cell + pad, len(rows) * cell + pad), 255)
draw = ImageDraw.Draw(img)
try:
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 15)
except OSError:
    font = ImageFont.load_default()
for r, (label, path) in enumerate(rows):
    x = np.load(path)[:cols].reshape(-1, 28, 28)
    y0 = pad + r * cell
    draw.text((8, y0 + cell // 2 - 9), label, fill=0, font=font)
    for c in range(len(x)):
        tile = Image.fromarray(x[c]).resize((28 * scale, 28 * scale), Image.NEAREST)
        img.paste(tile, (label_w + pad + c * cell, y0))
img.save(out)
print("wrote", out)
