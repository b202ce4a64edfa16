"""The NDArray kernels, as plain annotated Python, and their seeded inputs.

`pad_to_array` turns ragged token-id lists into the fixed-width id matrix
and mask a model takes, the per-element way (np.zeros, then a Python loop
assigning each id and mask element): the version a CPython programmer
writes first, and the one pyjitx compiles and numba jits unchanged.  The
image pipeline's kernel is pyjitx.image.preprocess itself (its `.py_func`
is CPython's version); `image_input` makes its picture.  Nothing here
imports pyjitx.
"""
import random
from typing import List

import numpy as np

PAD_LENGTH = 128


def pad_to_array(rows: List[List[int]], length: int):
    """(ids, mask): ids[i, j] = rows[i][j] and mask[i, j] = 1 for the first
    `length` ids of each row, zeros elsewhere; int64 and int8 (n, length)."""
    n = len(rows)
    ids = np.zeros((n, length), np.int64)
    mask = np.zeros((n, length), np.int8)
    for i in range(n):
        row = rows[i]
        m = min(len(row), length)
        for j in range(m):
            ids[i, j] = row[j]
            mask[i, j] = 1
    return ids, mask


def pad_inputs(n: int = 1000, seed: int = 7) -> List[List[int]]:
    """n id lists of 1..200 ids below 30000, from a fixed seed."""
    rng = random.Random(seed)
    return [[rng.randrange(30000) for _ in range(rng.randint(1, 200))] for _ in range(n)]


def image_input(height: int, width: int, seed: int = 11) -> np.ndarray:
    """A uint8 RGB picture (height, width, 3): smooth gradients with noise,
    so that resampling has edges and flat areas to work on."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0.0, 1.0, height)[:, None, None]
    x = np.linspace(0.0, 1.0, width)[None, :, None]
    base = 255.0 * (0.5 + 0.5 * np.sin(6.0 * x + 4.0 * y + np.array([0.0, 2.0, 4.0])))
    noisy = base + rng.normal(0.0, 12.0, (height, width, 3))
    return np.clip(noisy, 0, 255).astype(np.uint8)
