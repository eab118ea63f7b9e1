"""Compares the emulated CUDA dual maps (samples written by test_kernels) with ntref.py.

Usage: python3 check_activations.py SAMPLES NTREF_DIR
Prints one line per activation and "N passed, M failed" last; exit 1 on failure.
"""
import math
import sys
from collections import defaultdict

import numpy as np

sys.path.insert(0, sys.argv[2])
import ntref  # noqa: E402


def ref_activation(name):
    if '(' not in name:
        return {'Relu': ntref.relu, 'Abs': ntref.abs_, 'Gelu': ntref.gelu, 'Sign': ntref.sign,
                'Sigmoid_like': ntref.sigmoid_like, 'Gabor': ntref.gabor}[name]()
    head, args = name.split('(', 1)
    args = args[:-1]
    if head == 'Polynomial':
        return ntref.polynomial(eval(args))
    vals = [float(a) for a in args.split(',')]
    fn = {'LeakyRelu': ntref.leaky_relu, 'ABRelu': ntref.ab_relu, 'Erf': ntref.erf, 'Sin': ntref.sin,
          'Cos': ntref.cos, 'Rbf': ntref.rbf, 'Exp': ntref.exp, 'Gaussian': ntref.gaussian,
          'Monomial': lambda n: ntref.monomial(int(n)), 'RectifiedMonomial': lambda n: ntref.rectified_monomial(int(n))}[head]
    return fn(*vals)


def main():
    rows = defaultdict(list)
    for line in open(sys.argv[1]):
        parts = line.split()
        rows[parts[0]].append([float(v) for v in parts[1:]])
    ok = bad = 0
    for name, data in rows.items():
        a = np.array(data)
        c, q1, q2, k, t = a.T
        act = ref_activation(name)
        with np.errstate(all='ignore'):
            rk, rt = act.dual(c, q1, q2)
        rk = np.broadcast_to(rk, c.shape).astype(float)
        rt = np.broadcast_to(rt, c.shape).astype(float)
        # ntref returns NaN at zero variance for RectifiedMonomial / Polynomial (0/0); the GPU
        # returns the finite limit: compare those rows against the limit phi(0) E[phi(v)].
        fin = np.isfinite(rk) & np.isfinite(rt)
        ek = np.max(np.abs(k[fin] - rk[fin])) / max(np.max(np.abs(rk[fin])), 1e-300)
        et = np.max(np.abs(t[fin] - rt[fin])) / max(np.max(np.abs(rt[fin])), 1e-300) if np.any(rt[fin]) else np.max(np.abs(t[fin]))
        lim_ok = True
        for i in np.where(~fin)[0]:
            if name.startswith('RectifiedMonomial'):
                n = int(name[len('RectifiedMonomial('):-1])
                want_k = 0.5 if n == 0 else 0.0
                want_t = 0.5 if n == 1 else 0.0
            elif name.startswith('Polynomial'):
                coef = eval(name[len('Polynomial('):-1])
                # q1 = 0: u == 0, so T = phi(0) E[phi(v)], Tdot = phi'(0) E[phi'(v)], v ~ N(0, q2)
                xs, ws = np.polynomial.hermite_e.hermegauss(40)
                v = xs * math.sqrt(q2[i])
                phi = np.polyval(coef[::-1], v)
                dphi = np.polyval(np.polynomial.polynomial.polyder(coef)[::-1], v)
                want_k = coef[0] * np.sum(ws * phi) / math.sqrt(2 * math.pi)
                want_t = coef[1] * np.sum(ws * dphi) / math.sqrt(2 * math.pi)
            else:
                want_k, want_t = np.nan, np.nan
            lim_ok &= abs(k[i] - want_k) <= 1e-12 * max(1, abs(want_k)) and abs(t[i] - want_t) <= 1e-12 * max(1, abs(want_t))
        good = ek <= 1e-13 and et <= 1e-13 and lim_ok
        ok += good
        bad += not good
        print(f"{'ok  ' if good else 'FAIL'} {name:34s} nngp {ek:.2e}  ntk-factor {et:.2e}  "
              f"finite-limit rows {int(np.sum(~fin))} {'ok' if lim_ok else 'WRONG'}")
    print(f'{ok} passed, {bad} failed')
    sys.exit(1 if bad else 0)


main()
