#!/usr/bin/env python3
"""Plain numpy NNGP + NTK recursion of a fully-connected ReLU network (the baseline of issue 5).

Network: [Dense(W_std, b_std) -> Relu] * depth -> Dense(W_std, b_std), NTK parameterization,
kernel of x with itself (x2 = None), float64. The recursion is the one of neural-tangents
(docs/kernels.md §2-§4): sqrt(max(p - c^2, 0)) and arctan2, whole-array numpy operations.

--blocked computes the same kernels with a tuned numpy: row blocks, preallocated temporaries and
in-place ufuncs (no n x n temporaries beyond the outputs; ~2x faster here). The whole-array version is
the issue's "plain numpy" baseline, the blocked one a fairer one (written after the Fashion-MNIST
harness, which uses it, showed the gap).

Usage: kernel_numpy.py [--n 4000] [--d 784] [--depth 3] [--seed 0] [--x X.npy] [--blocked] [--out DIR]
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


def relu_blocks(x1, x2, depth, w_std, b_std, ntk_out, nngp_out=None, block=500):
    """NTK (and NNGP when nngp_out is given) between the rows of x1 and x2, the same recursion as
    relu_kernel, written into the preallocated outputs row block by row block, in place."""
    d = x1.shape[1]
    w2, b2 = w_std ** 2, b_std ** 2
    inv2pi = 1.0 / (2.0 * math.pi)
    n2 = x2.shape[0]
    v2_0 = np.einsum('ij,ij->i', x2, x2) / d
    scratch = np.empty((block, n2)) if nngp_out is None else None
    root = np.empty((block, n2))
    tmp = np.empty((block, n2))
    for i0 in range(0, x1.shape[0], block):
        i1 = min(i0 + block, x1.shape[0])
        b = i1 - i0
        g = scratch[:b] if nngp_out is None else nngp_out[i0:i1]
        th, rb, tb = ntk_out[i0:i1], root[:b], tmp[:b]
        np.matmul(x1[i0:i1], x2.T, out=g)
        g /= d
        v1 = np.einsum('ij,ij->i', x1[i0:i1], x1[i0:i1]) / d
        v2 = v2_0.copy()
        for layer in range(depth):
            g *= w2
            g += b2
            v1 = w2 * v1 + b2
            v2 = w2 * v2 + b2
            if layer == 0:
                th[...] = g
            else:
                th *= w2
                th += g
            # root = sqrt(max(v1 v2^T - g^2, 0)); theta = arctan2(root, g); dot = 1/2 - theta / 2pi
            np.multiply(g, g, out=tb)
            np.multiply.outer(v1, v2, out=rb)
            rb -= tb
            np.maximum(rb, 0.0, out=rb)
            np.sqrt(rb, out=rb)
            np.arctan2(rb, g, out=tb)
            tb *= -inv2pi
            tb += 0.5
            # nngp = root / 2pi + dot * nngp; ntk *= dot
            g *= tb
            rb *= inv2pi
            g += rb
            th *= tb
            v1 = v1 / 2
            v2 = v2 / 2
        g *= w2
        g += b2
        th *= w2
        th += g
    return ntk_out


def relu_kernel_blocked(x, depth, w_std=1.5, b_std=0.1):
    n = x.shape[0]
    nngp, ntk = np.empty((n, n)), np.empty((n, n))
    relu_blocks(x, x, depth, w_std, b_std, ntk, nngp)
    w2, b2 = w_std ** 2, b_std ** 2
    var = np.sum(x * x, axis=1) / x.shape[1]
    for _ in range(depth):
        var = (w2 * var + b2) / 2
    return nngp, ntk, w2 * var + b2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=4000)
    ap.add_argument('--d', type=int, default=784)
    ap.add_argument('--depth', type=int, default=3)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--x', help='input .npy (n x d); overrides --n/--d')
    ap.add_argument('--blocked', action='store_true', help='the tuned numpy version (row blocks, in place)')
    ap.add_argument('--out', help='directory for nngp.npy, ntk.npy, cov1.npy')
    a = ap.parse_args()
    if a.x:
        x = np.load(a.x).astype(np.float64)
    else:
        x = np.random.default_rng(a.seed).standard_normal((a.n, a.d))
    t0 = time.perf_counter()
    nngp, ntk, var = (relu_kernel_blocked if a.blocked else relu_kernel)(x, a.depth)
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        np.save(os.path.join(a.out, 'nngp.npy'), nngp)
        np.save(os.path.join(a.out, 'ntk.npy'), ntk)
        np.save(os.path.join(a.out, 'cov1.npy'), var)
    print(f'{time.perf_counter() - t0:.3f}')


if __name__ == '__main__':
    main()
