#!/usr/bin/env python3
"""Writes src/test/resources/kernel-fixtures/random-kernels.json: NNGP/NTK of random inputs and
architectures from the independent numpy reference ntref.py (checked against neural-tangents to
2e-15), for KernelFixturesTest. Run from anywhere:  python3 src/test/python/gen_kernel_fixtures.py

Each case: ARCH text (the ntk4j grammar), parameterization, x1, x2 (null = x2 is x1), and the
reference nngp, ntk, cov1, cov2. Inputs are random normals (some scaled), with a few repeated
points (a duplicate row inside x1 and a row shared by x1 and x2) in the 'repeated' cases.
"""
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ntref  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'kernel-fixtures',
                   'random-kernels.json')

# ntk4j sets the diagonal of the input kernel K0(x, x) to |x|^2/d exactly (the variance), so that the
# correlation of a point with itself is exactly 1. ntref (like neural-tangents) takes it from the
# matmul, which can differ by an ulp; the arc-cosine maps turn that ulp into ~1e-8 (and Sign at depth 2
# into ~1e-4, since its variance map is exactly 1). The reference here uses the exact diagonal.
_inputs_to_kernel = ntref.inputs_to_kernel


def _inputs_exact_diagonal(x1, x2=None, compute_ntk=True):
    k = _inputs_to_kernel(x1, x2, compute_ntk)
    if x2 is None:
        np.fill_diagonal(k.nngp, k.var1)
    return k


ntref.inputs_to_kernel = _inputs_exact_diagonal

TANH = ntref.numerical(np.tanh, lambda x: 1 - np.tanh(x) ** 2, 25)

# name -> (ntref activation, ARCH text)
ACTS = {
    'relu': (ntref.relu(), 'Relu'),
    'leaky': (ntref.leaky_relu(0.2), 'LeakyRelu(0.2)'),
    'abrelu': (ntref.ab_relu(-0.4, 1.3), 'ABRelu(-0.4,1.3)'),
    'abs': (ntref.abs_(), 'Abs'),
    'erf': (ntref.erf(1.7, 0.6, -0.2), 'Erf(1.7,0.6,-0.2)'),
    'sigmoid_like': (ntref.sigmoid_like(), 'Sigmoid_like'),
    'gelu': (ntref.gelu(), 'Gelu'),
    'sin': (ntref.sin(1.1, 0.8, 0.3), 'Sin(1.1,0.8,0.3)'),
    'cos': (ntref.cos(0.9, 1.2, -0.4), 'Cos(0.9,1.2,-0.4)'),
    'rbf': (ntref.rbf(0.7), 'Rbf(0.7)'),
    'exp': (ntref.exp(0.8, 0.4), 'Exp(0.8,0.4)'),
    'gaussian': (ntref.gaussian(1.2, -0.7), 'Gaussian(1.2,-0.7)'),
    'sign': (ntref.sign(), 'Sign'),
    'mono3': (ntref.monomial(3), 'Monomial(3)'),
    'mono5': (ntref.monomial(5), 'Monomial(5)'),
    'rmono2': (ntref.rectified_monomial(2), 'RectifiedMonomial(2)'),
    'rmono1': (ntref.rectified_monomial(1), 'RectifiedMonomial(1)'),
    'poly': (ntref.polynomial([0.2, -0.9, 0.4, 0.3]), 'Polynomial(coef=[0.2,-0.9,0.4,0.3])'),
    'gabor': (ntref.gabor(), 'Gabor'),
    'tanh': (TANH, 'Numerical(fn=tanh,deg=25)'),
    'identity': (ntref.identity(), 'Identity'),
}


def dense_text(width, w, b):
    return f'Dense({width},W_std={w!r}' + ('' if b is None else f',b_std={b!r}') + ')'


def build(spec):
    """spec: list of ('d', width, W, b) or activation names -> (ntref layers, ARCH text)."""
    layers, text = [], []
    for s in spec:
        if isinstance(s, tuple):
            _, width, w, b = s
            layers.append(('dense', dict(out_dim=width, W_std=w, b_std=b)))
            text.append(dense_text(width, w, b))
        else:
            act, t = ACTS[s]
            layers.append(act)
            text.append(t)
    return layers, '->'.join(text)


def case(rng, spec, parameterization, n1, n2, d, scale=1.0, repeated=False, x2_none=False):
    layers, arch = build(spec)
    for l in layers:
        if not isinstance(l, ntref.Activation):
            l[1]['parameterization'] = parameterization
    x1 = rng.standard_normal((n1, d)) * scale
    x2 = None if x2_none else rng.standard_normal((n2, d)) * scale
    if repeated:
        x1[1] = x1[0]
        if x2 is not None:
            x2[2] = x1[3]
    k = ntref.serial(x1, x2, layers)
    return dict(arch=arch, parameterization=parameterization, repeated=repeated,
                x1=x1.tolist(), x2=None if x2 is None else x2.tolist(),
                nngp=k.nngp.tolist(), ntk=k.ntk.tolist(), cov1=k.var1.tolist(),
                cov2=None if x2 is None else k.var2.tolist())


def main():
    rng = np.random.default_rng(20260301)
    D = lambda w, W, b: ('d', w, W, b)  # noqa: E731
    cases = []
    # Depth 3 ReLU (the benchmark network), both parameterizations, x2 given and not.
    relu3 = [D(256, 1.5, 0.1), 'relu', D(128, 1.4, 0.2), 'relu', D(64, 1.3, 0.05), 'relu', D(1, 1.5, 0.1)]
    for p in ('ntk', 'standard'):
        for none in (False, True):
            cases.append(case(rng, relu3, p, 9, 7, 12, x2_none=none))
    # Mixed activations, widths varying per layer (the standard parameterization uses them).
    mixed = [D(40, 1.2, 0.3), 'erf', D(30, 1.6, None), 'relu', D(20, 0.9, 0.0), 'gelu', D(3, 1.1, 0.2)]
    for p in ('ntk', 'standard'):
        for none in (False, True):
            cases.append(case(rng, mixed, p, 8, 6, 17, x2_none=none))
    # Every activation at depth 2 (random W/b), both parameterizations, random x2/None.
    for name in ACTS:
        w, b = float(np.round(rng.uniform(0.6, 1.6), 3)), float(np.round(rng.uniform(0.0, 0.5), 3))
        if name in ('exp', 'mono5'):
            w = 0.8
        spec = [D(50, w, b), name, D(25, w, None), name, D(2, w, b)]
        for p in ('ntk', 'standard'):
            cases.append(case(rng, spec, p, 6, 5, int(rng.integers(3, 20)), x2_none=bool(rng.integers(0, 2))))
    # Identity inside a network and a network ending in an activation.
    cases.append(case(rng, [D(10, 1.3, 0.1), 'identity', D(5, 1.0, 0.2), 'erf'], 'ntk', 5, 4, 6))
    # Repeated points (duplicate row inside x1, a row of x1 in x2): ~1e-8 relative near correlation 1.
    for name in ('relu', 'erf', 'gelu', 'abs'):
        cases.append(case(rng, [D(64, 1.5, 0.1), name, D(32, 1.5, 0.1), name, D(1, 1.5, 0.1)], 'ntk', 7, 5, 9,
                          repeated=True, x2_none=False))
        cases.append(case(rng, [D(64, 1.5, 0.1), name, D(1, 1.5, 0.1)], 'ntk', 7, 5, 9, repeated=True, x2_none=True))
    doc = dict(source='src/test/python/gen_kernel_fixtures.py with ntref.py, numpy ' + np.__version__,
               seed=20260301, cases=cases)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, allow_nan=False)
    print(f'wrote {len(cases)} cases to {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()
