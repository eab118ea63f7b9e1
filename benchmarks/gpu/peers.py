"""The same math as ntk4j's GPU benchmark, in numpy/scipy (CPU) and in PyTorch (same GPU).

Network: [Dense(W_std=1.5, b_std=0.05) -> Relu] x 3 -> Dense(W_std=1.5, b_std=0.05), NTK
parameterization (docs/kernels.md §2-§4), inputs x (n x d), K0 = x x^T / d. Stages timed:
  kernel build   NNGP and NTK of x with itself (n x n, full matrices)
  cholesky_alpha L = chol(K + lambda I), lambda = 1e-4 * mean diag(K), alpha = (K + lambda I)^-1 y
  test_kernel    NNGP between the n training and m test points
  mean_var       mean = K_dt^T alpha, var = diag(K_tt) - ||L^-1 K_dt||^2 per test point
Usage: python3 peers.py numpy|torch N D M REPS   (prints "time KEY N MILLIS" lines)
"""
import math
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

W2, B2, LAYERS, DIAG_REG = 1.5 ** 2, 0.05 ** 2, 3, 1e-4
F = 1 / (2 * math.pi)


def data(n, d, m, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    xt = rng.standard_normal((m, d))
    y = np.sin(x[:, :1]) + 0.1 * rng.standard_normal((n, 1))
    return x, xt, y


def variances(q):
    """Pre-activation variances of each ReLU layer and the output variance."""
    pre = []
    for _ in range(LAYERS):
        q = W2 * q + B2
        pre.append(q)
        q = q / 2  # ReLU: T(q, q, q) = q / 2
    return pre, W2 * q + B2


# ---------------------------------------------------------------- numpy ------------
def np_block(c, pre1, pre2, ntk):
    """In place on a block of dot products / d: all layers, ReLU dual maps (docs/kernels.md §4.1)."""
    t = np.zeros_like(c) if ntk else None
    for l in range(LAYERS):
        c *= W2
        c += B2
        if ntk:
            t *= W2
            t += c
        q1, q2 = pre1[l][:, None], pre2[l][None, :]
        root = np.sqrt(np.maximum(q1 * q2 - c * c, 0))
        th = np.arctan2(root, c)
        dot = 0.5 - F * th
        c *= dot
        c += F * root
        if ntk:
            t *= dot
    c *= W2
    c += B2
    if ntk:
        t *= W2
        t += c
    return c, t


def np_kernel(x1, x2, pre1, pre2, ntk, threads):
    d = x1.shape[1]
    k = x1 @ x2.T
    k /= d
    t = np.empty_like(k) if ntk else None
    rows = max(1, len(x1) // (threads * 8))

    def work(r0):
        c, tt = np_block(k[r0:r0 + rows], [p[r0:r0 + rows] for p in pre1], pre2, ntk)
        if ntk:
            t[r0:r0 + rows] = tt
    with ThreadPoolExecutor(threads) as ex:
        list(ex.map(work, range(0, len(x1), rows)))
    return k, t


def run_numpy(n, d, m, reps):
    import scipy.linalg
    threads = os.cpu_count()
    x, xt, y = data(n, d, m, 1234 + n)
    q = np.sum(x * x, 1) / d
    qt = np.sum(xt * xt, 1) / d
    pre, _ = variances(q)
    pret, covt = variances(qt)
    best = {}
    for _ in range(reps):
        t0 = time.perf_counter()
        k, th = np_kernel(x, x, pre, pre, True, threads)
        best.setdefault('numpy_kernel_build', []).append(time.perf_counter() - t0)
        del th
        t0 = time.perf_counter()
        lam = DIAG_REG * np.trace(k) / n
        k[np.diag_indices(n)] += lam
        c = scipy.linalg.cho_factor(k, lower=True, overwrite_a=True, check_finite=False)
        alpha = scipy.linalg.cho_solve(c, y, check_finite=False)
        t1 = time.perf_counter()
        kdt, _ = np_kernel(x, xt, pre, pret, False, threads)
        t2 = time.perf_counter()
        mean = kdt.T @ alpha
        w = scipy.linalg.solve_triangular(c[0], kdt, lower=True, check_finite=False, overwrite_b=True)
        var = covt - np.sum(w * w, 0)
        t3 = time.perf_counter()
        assert np.all(np.isfinite(mean)) and np.all(np.isfinite(var))
        for key, v in (('numpy_cholesky_alpha', t1 - t0), ('numpy_test_kernel', t2 - t1), ('numpy_mean_var', t3 - t2),
                       ('numpy_solve_mean_var', (t1 - t0) + (t3 - t2))):
            best.setdefault(key, []).append(v)
        del k, c, kdt, w
    for key, v in best.items():
        print(f'time {key} {n} {1000 * float(np.median(v)):.3f}', flush=True)


# ---------------------------------------------------------------- torch ------------
def torch_kernel(torch, x1, x2, pre1, pre2, ntk, chunk):
    d = x1.shape[1]
    k = x1 @ x2.T
    k /= d
    t = torch.empty_like(k) if ntk else None
    for r0 in range(0, x1.shape[0], chunk):
        c = k[r0:r0 + chunk]
        tt = torch.zeros_like(c) if ntk else None
        for l in range(LAYERS):
            c.mul_(W2).add_(B2)
            if ntk:
                tt.mul_(W2).add_(c)
            q1, q2 = pre1[l][r0:r0 + chunk, None], pre2[l][None, :]
            root = torch.sqrt(torch.clamp(q1 * q2 - c * c, min=0))
            th = torch.atan2(root, c)
            dot = 0.5 - F * th
            c.mul_(dot).add_(F * root)
            if ntk:
                tt.mul_(dot)
        c.mul_(W2).add_(B2)
        if ntk:
            tt.mul_(W2).add_(c)
            t[r0:r0 + chunk] = tt
    return k, t


def run_torch(n, d, m, reps):
    import torch
    dev = torch.device('cuda')
    x, xt, y = (torch.tensor(a, dtype=torch.float64, device=dev) for a in data(n, d, m, 1234 + n))
    q = (x * x).sum(1) / d
    qt = (xt * xt).sum(1) / d
    pre, _ = variances(q)
    pret, covt = variances(qt)
    chunk = max(1024, int(2e9 // (8 * n)))  # ~2 GB per temporary

    def sync():
        torch.cuda.synchronize()
    # warm-up
    xs = x[:512]
    ks, _ = torch_kernel(torch, xs, xs, [p[:512] for p in pre], [p[:512] for p in pre], True, chunk)
    torch.linalg.cholesky(ks + torch.eye(512, device=dev, dtype=torch.float64))
    sync()
    best = {}
    for _ in range(reps):
        sync()
        t0 = time.perf_counter()
        k, th = torch_kernel(torch, x, x, pre, pre, True, chunk)
        sync()
        best.setdefault('torch_kernel_build', []).append(time.perf_counter() - t0)
        del th
        t0 = time.perf_counter()
        lam = DIAG_REG * torch.trace(k) / n
        k.diagonal().add_(lam)
        L = torch.linalg.cholesky(k)
        del k
        alpha = torch.cholesky_solve(y, L)
        sync()
        t1 = time.perf_counter()
        kdt, _ = torch_kernel(torch, x, xt, pre, pret, False, chunk)
        sync()
        t2 = time.perf_counter()
        mean = kdt.T @ alpha
        w = torch.linalg.solve_triangular(L, kdt, upper=False)
        var = covt - (w * w).sum(0)
        sync()
        t3 = time.perf_counter()
        assert bool(torch.isfinite(mean).all()) and bool(torch.isfinite(var).all())
        for key, v in (('torch_cholesky_alpha', t1 - t0), ('torch_test_kernel', t2 - t1), ('torch_mean_var', t3 - t2),
                       ('torch_solve_mean_var', (t1 - t0) + (t3 - t2))):
            best.setdefault(key, []).append(v)
        del L, kdt, w
        torch.cuda.empty_cache()
    for key, v in best.items():
        print(f'time {key} {n} {1000 * float(np.median(v)):.3f}', flush=True)


if __name__ == '__main__':
    which, n, d, m, reps = sys.argv[1], *map(int, sys.argv[2:6])
    (run_numpy if which == 'numpy' else run_torch)(n, d, m, reps)
