#!/usr/bin/env python3
"""End-to-end numpy/scipy side of target 2 for benchmarks/compare.sh: reads x_train.npy,
y_train.npy, x_test.npy from --data, computes the NNGP posterior mean and per-point variance exactly
as predict_numpy.py does (Cholesky, cho_solve, triangular solve; [Dense(1.5, 0.1) -> Relu] x 2 ->
Dense, diag_reg 1e-4 relative), and writes mean.npy and var.npy to --out. Timed from outside, so
the interpreter start and the file I/O count, as they do for bin/ntk4j."""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from predict_numpy import run  # noqa: E402


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument('--data', required=True)
  ap.add_argument('--out', required=True)
  ap.add_argument('--diag-reg', type=float, default=1e-4)
  a = ap.parse_args()
  x = np.load(os.path.join(a.data, 'x_train.npy'))
  y = np.load(os.path.join(a.data, 'y_train.npy'))
  xt = np.load(os.path.join(a.data, 'x_test.npy'))
  mean, var, _ = run(x, y, xt, a.diag_reg)
  os.makedirs(a.out, exist_ok=True)
  np.save(os.path.join(a.out, 'mean.npy'), mean)
  np.save(os.path.join(a.out, 'var.npy'), var)


if __name__ == '__main__':
  main()
