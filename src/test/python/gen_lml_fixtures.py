#!/usr/bin/env python3
"""Writes src/test/resources/evidence-fixtures/lml-reference.json: log marginal likelihoods of the
NNGP and NTK-GP models on random problems, computed here with numpy alone, for
MarginalLikelihoodFixturesTest (issue 15, target: the LML equals an independent numpy computation
to 1e-10 relative). Run from anywhere:  python3 src/test/python/gen_lml_fixtures.py

Independent of ntk4j's Java code and of ntref.py: the infinite-width recursion is written out below
from docs/kernels.md (Dense rule of §2 for both parameterizations, the arc-cosine maps of §4.1, Erf's
of §4.3), and the likelihood from docs/evidence.md §1:
    LML = -1/2 sum_c y_c^T (M + lam I)^-1 y_c - (k/2) log det(M + lam I) - (n k / 2) log(2 pi)
with M = K (nngp) or Theta (ntkgp), y as given (no centring), lam absolute.

Each case: ARCH text (its W_std/b_std are the hyperparameters), parameterization, get, w_std, b_std,
noise, x (n x d), y (n x k) and the reference lml.
"""
import json
import math
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'evidence-fixtures',
                   'lml-reference.json')


# --- nonlinearities: (T, Tdot) as functions of (c, q1, q2) arrays -------------------------------

def arccos_family(a, b):
    """phi = a min(x,0) + b max(x,0): T = f R + (s - f theta) c, Tdot = s - f theta."""
    f = (a - b) ** 2 / (2 * math.pi)
    s = (a * a + b * b) / 2

    def maps(c, q1, q2):
        p = q1 * q2
        sp = np.sqrt(p)
        rho = np.where(sp > 0, np.clip(c / np.where(sp > 0, sp, 1.0), -1.0, 1.0), 0.0)
        theta = np.arccos(rho)
        r = np.sqrt(np.maximum(p - c * c, 0.0))
        tdot = s - f * theta
        return f * r + tdot * c, tdot
    return maps


def erf_family(a, b, shift):
    """phi = a erf(b x) + shift."""
    def maps(c, q1, q2):
        b2 = b * b
        cb = b2 * c
        root = np.sqrt(np.maximum((1 + 2 * b2 * q1) * (1 + 2 * b2 * q2) - 4 * cb * cb, 0.0))
        t = a * a * (2 / math.pi) * np.arctan2(2 * cb, root) + shift * shift
        return t, a * a * b2 * (4 / math.pi) / root
    return maps


ACTS = {
    'Relu': arccos_family(0.0, 1.0),
    'LeakyRelu(0.2)': arccos_family(0.2, 1.0),
    'ABRelu(-0.4,1.3)': arccos_family(-0.4, 1.3),
    'Abs': arccos_family(-1.0, 1.0),
    'Erf': erf_family(1.0, 1.0, 0.0),
    'Erf(1.7,0.6,-0.2)': erf_family(1.7, 0.6, -0.2),
    'Sigmoid_like': erf_family(0.5, 1 / 2.4020563531719796, 0.5),
}


# --- the recursion ----------------------------------------------------------------------------

def kernels(x, layers, parameterization):
    """layers: ('dense', width, w, b or None) or an ACTS name. Returns (K, Theta) on x against itself."""
    n, d = x.shape
    k = (x @ x.T) / d
    q = np.sum(x * x, axis=1) / d
    np.fill_diagonal(k, q)  # the diagonal is the variance |x|^2/d exactly (docs/kernels.md section 1)
    theta = np.zeros_like(k)
    width = d
    for layer in layers:
        if isinstance(layer, tuple):
            _, out, w, b = layer
            w2, b2 = w * w, (0.0 if b is None else b * b)
            if parameterization == 'ntk':
                k = w2 * k + b2
                theta = k + w2 * theta
            else:
                theta = width * k + (0.0 if b is None else 1.0) + w2 * theta
                k = w2 * k + b2
            q = w2 * q + b2
            width = out
        else:
            maps = ACTS[layer]
            q1, q2 = q[:, None], q[None, :]
            t, tdot = maps(k, q1 + 0 * k, q2 + 0 * k)
            theta = theta * tdot
            k = t
            q = maps(q, q, q)[0]
            np.fill_diagonal(k, q)
    return k, theta


def lml(m, y, noise):
    n, kout = y.shape
    a = m + noise * np.eye(n)
    l = np.linalg.cholesky(a)
    z = np.linalg.solve(l, y)          # L^-1 y
    quad = float(np.sum(z * z))        # y^T A^-1 y summed over outputs
    logdet = 2.0 * float(np.sum(np.log(np.diag(l))))
    return -0.5 * quad - 0.5 * kout * logdet - 0.5 * n * kout * math.log(2 * math.pi)


def arch_text(layers):
    out = []
    for layer in layers:
        if isinstance(layer, tuple):
            _, width, w, b = layer
            out.append(f'Dense({width},W_std={w!r}' + ('' if b is None else f',b_std={b!r}') + ')')
        else:
            out.append(layer)
    return '->'.join(out)


def main():
    rng = np.random.default_rng(20260415)
    shapes = [  # activations between Dense layers, output width
        (['Relu'], 1), (['Relu', 'Relu'], 1), (['Relu', 'Relu', 'Relu'], 2),
        (['Erf'], 1), (['Erf(1.7,0.6,-0.2)', 'Erf'], 3), (['LeakyRelu(0.2)', 'ABRelu(-0.4,1.3)'], 1),
        (['Abs', 'Sigmoid_like'], 2), (['Relu', 'Erf'], 1),
    ]
    cases = []
    for si, (acts, out_width) in enumerate(shapes):
        for parameterization in ('ntk', 'standard'):
            for get in ('nngp', 'ntkgp'):
                w = float(np.round(rng.uniform(0.6, 1.8), 4))
                b = float(np.round(rng.uniform(0.0, 0.6), 4))
                no_bias = si == 5  # one family without biases (b_std absent: a layer without b keeps none)
                layers = []
                for ai, act in enumerate(acts):
                    layers.append(('dense', int(rng.integers(8, 64)), w, None if no_bias else b))
                    layers.append(act)
                layers.append(('dense', out_width, w, None if no_bias else b))
                n, d, kout = int(rng.integers(12, 40)), int(rng.integers(2, 7)), int(rng.integers(1, 4))
                x = rng.standard_normal((n, d))
                y = np.sin(x[:, :1] + np.arange(kout)) + 0.3 * rng.standard_normal((n, kout))
                kk, th = kernels(x, layers, parameterization)
                m = kk if get == 'nngp' else th
                noise = float(np.round(10 ** rng.uniform(-2.5, -0.3), 6) * np.mean(np.diag(m)))
                cases.append(dict(arch=arch_text(layers), parameterization=parameterization, get=get,
                                  w_std=w, b_std=b, noise=noise, x=x.tolist(), y=y.tolist(), lml=lml(m, y, noise)))
    doc = dict(source='src/test/python/gen_lml_fixtures.py, numpy ' + np.__version__, seed=20260415, cases=cases)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, allow_nan=False)
    print(f'wrote {len(cases)} cases to {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()
