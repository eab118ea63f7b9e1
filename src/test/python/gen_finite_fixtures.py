#!/usr/bin/env python3
"""Writes fresh random finite-network problems and numpy's answers as JSON fixtures into
src/test/resources/finite-fixtures/ (read by org.ntk4j.finite.NtrefFiniteFixturesTest).

For each case: random standard-normal parameters (ntref.init_fcn), the outputs on x1 and x2,
the empirical NNGP/NTK traced over outputs (ntref.empirical_fcn, checked against neural-tangents
to 3e-16), and the outputs after K steps of full-batch gradient descent on
L = 1/(2N)||f(X) - Y||^2 (N = n*k), by an independent numpy backpropagation below.
Parameters are stored as neural-tangents stores them: the draws under the NTK parameterization,
(W_std/sqrt(n_in)) W and b_std b under the standard one. Run from the repository root:

    python3 src/test/python/gen_finite_fixtures.py

Deterministic (fixed seeds); the output is committed.
"""
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ntref  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'finite-fixtures')


def stored(params, W_std, b_std, parameterization):
  """The trainable parameters in the form the library stores."""
  if parameterization == 'ntk':
    return [(W.copy(), None if b_std is None else b.copy()) for W, b in params]
  out = []
  for W, b in params:
    out.append((W_std / math.sqrt(W.shape[0]) * W, None if b_std is None else b_std * b))
  return out


def forward(sp, x, act, W_std, b_std, parameterization):
  a, acts, pres = x, [x], []
  for i, (W, b) in enumerate(sp):
    if parameterization == 'ntk':
      h = (W_std / math.sqrt(W.shape[0])) * (a @ W) + (0.0 if b is None else b_std * b)
    else:
      h = a @ W + (0.0 if b is None else b)
    pres.append(h)
    if i < len(sp) - 1:
      a = act.fn(h)
      acts.append(a)
  return acts, pres


def gd(sp, x, y, act, W_std, b_std, parameterization, steps, lr):
  """Full-batch gradient descent on 1/(2N)||f - y||^2 with respect to the stored parameters."""
  sp = [(W.copy(), None if b is None else b.copy()) for W, b in sp]
  N = y.size
  losses = []
  for _ in range(steps + 1):
    acts, pres = forward(sp, x, act, W_std, b_std, parameterization)
    r = pres[-1] - y
    losses.append(0.5 * np.sum(r * r) / N)
    if len(losses) == steps + 1:
      break
    g = r / N  # dL/dh of the last layer
    grads = [None] * len(sp)
    for l in range(len(sp) - 1, -1, -1):
      W, b = sp[l]
      wm = W_std / math.sqrt(W.shape[0]) if parameterization == 'ntk' else 1.0
      bm = b_std if parameterization == 'ntk' else 1.0
      gW = wm * acts[l].T @ g
      gb = None if b is None else bm * g.sum(axis=0)
      grads[l] = (gW, gb)
      if l > 0:
        g = (wm * g @ W.T) * act.dfn(pres[l - 1])
    sp = [(W - lr * gW, None if b is None else b - lr * gb) for (W, b), (gW, gb) in zip(sp, grads)]
  return sp, losses


def case(name, seed, arch_act, act, depth, W_std, b_std, parameterization, d, width, k, n1, n2, n, steps, lr):
  rng = np.random.default_rng(seed)
  params = ntref.init_fcn(rng, d, [width] * depth + [k])
  x1 = rng.standard_normal((n1, d))
  x2 = rng.standard_normal((n2, d))
  x_train = rng.standard_normal((n, d))
  y_train = rng.standard_normal((n, k))
  nngp, ntk = ntref.empirical_fcn(params, x1, x2, act, W_std, b_std, parameterization)
  nngp11, ntk11 = ntref.empirical_fcn(params, x1, None, act, W_std, b_std, parameterization)
  sp = stored(params, W_std, b_std, parameterization)
  f1 = forward(sp, x1, act, W_std, b_std, parameterization)[1][-1]
  f2 = forward(sp, x2, act, W_std, b_std, parameterization)[1][-1]
  # Consistency of the two numpy forward passes (ntref's and this file's).
  assert np.allclose(nngp, f1 @ f2.T / k, rtol=1e-13, atol=1e-13)
  trained, losses = gd(sp, x_train, y_train, act, W_std, b_std, parameterization, steps, lr)
  assert losses[-1] < losses[0], (name, losses[0], losses[-1])
  t1 = forward(trained, x1, act, W_std, b_std, parameterization)[1][-1]
  t2 = forward(trained, x2, act, W_std, b_std, parameterization)[1][-1]
  b_txt = '' if b_std is None else f',b_std={b_std!r}'
  layers = []
  for _ in range(depth):
    layers += [f'Dense({width},W_std={W_std!r}{b_txt})', arch_act]
  layers.append(f'Dense({k},W_std={W_std!r}{b_txt})')
  doc = {
      'name': name, 'arch': '->'.join(layers), 'parameterization': parameterization,
      'params': [[W.tolist(), None if b is None else b.tolist()] for W, b in sp],
      'x1': x1.tolist(), 'x2': x2.tolist(), 'x_train': x_train.tolist(), 'y_train': y_train.tolist(),
      'steps': steps, 'learning_rate': lr,
      'f_x1': f1.tolist(), 'f_x2': f2.tolist(),
      'nngp': nngp.tolist(), 'ntk': ntk.tolist(), 'nngp_x1x1': nngp11.tolist(), 'ntk_x1x1': ntk11.tolist(),
      'loss_0': losses[0], 'loss_K': losses[-1],
      'trained_x1': t1.tolist(), 'trained_x2': t2.tolist(),
  }
  with open(os.path.join(OUT, name + '.json'), 'w') as f:
    json.dump(doc, f)
  print(name, 'loss', losses[0], '->', losses[-1])


def main():
  os.makedirs(OUT, exist_ok=True)
  case('erf-d2-ntk', 1, 'Erf', ntref.erf(), 2, 1.3, 0.2, 'ntk', 4, 7, 3, 5, 4, 6, 40, 0.5)
  case('relu-d1-nobias-ntk', 2, 'Relu', ntref.relu(), 1, 1.5, None, 'ntk', 3, 16, 2, 4, 3, 8, 40, 0.5)
  case('gelu-d3-standard', 3, 'Gelu', ntref.gelu(), 3, 1.1, 0.3, 'standard', 5, 6, 2, 3, 5, 7, 40, 0.2)
  case('sin-d2-standard-k1', 4, 'Sin(0.3,1.5,-0.7853981633974483)', ntref.sin(0.3, 1.5, -math.pi / 4), 2,
       0.9, 0.1, 'standard', 3, 9, 1, 4, 2, 5, 40, 0.5)
  case('leakyrelu-d2-ntk-k4', 5, 'LeakyRelu(0.1)', ntref.leaky_relu(0.1), 2, 1.2, 0.05, 'ntk', 6, 12, 4, 6, 3, 9, 40, 0.5)


if __name__ == '__main__':
  main()
