#!/usr/bin/env python3
"""Plain numpy NNGP + NTK recursion of a fully-connected ReLU network (the baseline of issue 5).

Network: [Dense(W_std, b_std) -> Relu] * depth -> Dense(W_std, b_std), NTK parameterization,
kernel of x with itself (x2 = None), float64. The recursion is the one of neural-tangents
(spec §2-§4): sqrt(max(p - c^2, 0)) and arctan2, whole-array numpy operations.

Usage: kernel_numpy.py [--n 4000] [--d 784] [--depth 3] [--seed 0] [--x X.npy] [--out DIR]
Prints the seconds of the kernel computation (excluding input generation / loading).
With --out, also writes nngp.npy, ntk.npy, cov1.npy there (and the time includes writing them).
"""
import argparse
import math
import os
import time

import numpy as np


def relu_kernel(x, depth, w_std=1.5, b_std=0.1):
    d = x.shape[1]
    w2, b2 = w_std ** 2, b_std ** 2
    nngp = x @ x.T / d
    var = np.sum(x * x, axis=1) / d
    ntk = None
    for _ in range(depth):
        nngp = w2 * nngp + b2
        var = w2 * var + b2
        ntk = nngp.copy() if ntk is None else nngp + w2 * ntk
        p = np.outer(var, var)
        root = np.sqrt(np.maximum(p - nngp * nngp, 0.0))
        theta = np.arctan2(root, nngp)
        dot = 0.5 - theta / (2 * math.pi)
        nngp = root / (2 * math.pi) + dot * nngp
        ntk *= dot
        var = var / 2
    nngp = w2 * nngp + b2
    var = w2 * var + b2
    ntk = nngp + w2 * ntk
    return nngp, ntk, var


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=4000)
    ap.add_argument('--d', type=int, default=784)
    ap.add_argument('--depth', type=int, default=3)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--x', help='input .npy (n x d); overrides --n/--d')
    ap.add_argument('--out', help='directory for nngp.npy, ntk.npy, cov1.npy')
    a = ap.parse_args()
    if a.x:
        x = np.load(a.x).astype(np.float64)
    else:
        x = np.random.default_rng(a.seed).standard_normal((a.n, a.d))
    t0 = time.perf_counter()
    nngp, ntk, var = relu_kernel(x, a.depth)
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        np.save(os.path.join(a.out, 'nngp.npy'), nngp)
        np.save(os.path.join(a.out, 'ntk.npy'), ntk)
        np.save(os.path.join(a.out, 'cov1.npy'), var)
    print(f'{time.perf_counter() - t0:.3f}')


if __name__ == '__main__':
    main()
