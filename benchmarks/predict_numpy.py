#!/usr/bin/env python3
"""numpy/scipy baseline of exact NNGP prediction (benchmarks/README.md): mean and variances.

Network: [Dense(W_std=1.5, b_std=0.1) -> Relu] * 2 -> Dense(W_std=1.5, b_std=0.1), NTK
parameterization, float64. Steps (each timed):
  kernels   K_dd (n x n), K_td (m x n) and the test variances diag(K_tt) (m)
  factor    scipy.linalg.cho_factor(K_dd + lambda I), lambda = diag_reg * mean diagonal
  mean      cho_solve for alpha = K_r^-1 y, then K_td @ alpha          (m x k)
  variance  solve_triangular(L, K_td^T) and diag(K_tt) - column sums of squares (m)

Usage: predict_numpy.py [--n 4000] [--m 1000] [--d 64] [--k 1] [--diag-reg 1e-4] [--seed 0]
                        [--repeats 3] [--data DIR]
With --data, writes x_train.npy, y_train.npy, x_test.npy and the results mean.npy, var.npy there
(for the Java side of the benchmark to read and compare). Prints one line per repeat and the best.
"""
import argparse
import math
import os
import time

import numpy as np
import scipy.linalg


def relu_nngp(x1, x2, depth=2, w_std=1.5, b_std=0.1):
  """NNGP K(x1, x2) and the variances of x1's rows (x2 = None: x1 with itself)."""
  d = x1.shape[1]
  w2, b2 = w_std ** 2, b_std ** 2
  same = x2 is None
  x2 = x1 if same else x2
  k = x1 @ x2.T / d
  v1 = np.sum(x1 * x1, axis=1) / d
  v2 = v1 if same else np.sum(x2 * x2, axis=1) / d
  for _ in range(depth):
    k = w2 * k + b2
    v1 = w2 * v1 + b2
    v2 = w2 * v2 + b2
    root = np.sqrt(np.maximum(np.outer(v1, v2) - k * k, 0.0))
    theta = np.arctan2(root, k)
    k = root / (2 * math.pi) + (0.5 - theta / (2 * math.pi)) * k
    v1 = v1 / 2
    v2 = v2 / 2
  return w2 * k + b2, w2 * v1 + b2


def run(x, y, xt, diag_reg):
  t = {}
  t0 = time.perf_counter()
  k_dd, _ = relu_nngp(x, None)
  k_td, var_t = relu_nngp(xt, x)
  t['kernels'] = time.perf_counter() - t0

  t0 = time.perf_counter()
  n = k_dd.shape[0]
  lam = diag_reg * np.trace(k_dd) / n
  k_dd[np.diag_indices(n)] += lam
  cho = scipy.linalg.cho_factor(k_dd, lower=True, overwrite_a=True, check_finite=False)
  t['factor'] = time.perf_counter() - t0

  t0 = time.perf_counter()
  alpha = scipy.linalg.cho_solve(cho, y, check_finite=False)
  mean = k_td @ alpha
  t['mean'] = time.perf_counter() - t0

  t0 = time.perf_counter()
  v = scipy.linalg.solve_triangular(cho[0], k_td.T, lower=True, check_finite=False)
  var = var_t - np.einsum('ij,ij->j', v, v)
  t['variance'] = time.perf_counter() - t0
  t['total'] = sum(t.values())
  return mean, var, t


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument('--n', type=int, default=4000)
  ap.add_argument('--m', type=int, default=1000)
  ap.add_argument('--d', type=int, default=64)
  ap.add_argument('--k', type=int, default=1)
  ap.add_argument('--diag-reg', type=float, default=1e-4)
  ap.add_argument('--seed', type=int, default=0)
  ap.add_argument('--repeats', type=int, default=3)
  ap.add_argument('--data', help='directory to write inputs and results for the Java side')
  a = ap.parse_args()
  rng = np.random.default_rng(a.seed)
  x = rng.standard_normal((a.n, a.d))
  xt = rng.standard_normal((a.m, a.d))
  y = np.sin(x[:, :a.k] * 2) + 0.1 * rng.standard_normal((a.n, a.k))
  best = None
  for r in range(a.repeats):
    mean, var, t = run(x, y, xt, a.diag_reg)
    print('numpy run %d: ' % (r + 1) + ', '.join('%s %.3f s' % kv for kv in t.items()), flush=True)
    best = t if best is None else {s: min(best[s], t[s]) for s in t}
  print('numpy best:  ' + ', '.join('%s %.3f s' % kv for kv in best.items()))
  if a.data:
    os.makedirs(a.data, exist_ok=True)
    for name, arr in [('x_train', x), ('y_train', y), ('x_test', xt), ('mean', mean), ('var', var)]:
      np.save(os.path.join(a.data, name + '.npy'), arr)


if __name__ == '__main__':
  main()
