#!/usr/bin/env python3
"""Writes fresh random prediction problems and ntref.py's answers as JSON fixtures into
src/test/resources/predict-fixtures/ (read by org.ntk4j.predict.NtrefFixturesTest).

ntref.py is the independent numpy reference that reproduces neural-tangents 0.6.6 to <= 2e-15
(see docs/kernels.md §7). Run from the repository root:

    python3 src/test/python/gen_predict_fixtures.py

Deterministic (fixed seeds); the output is committed.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ntref  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'predict-fixtures')


def arr(a):
  return None if a is None else np.asarray(a, np.float64).tolist()


def kernels(x1, x2, depth, act, W, b):
  k = ntref.fcn_kernel(x1, x2, depth, act, W, b)
  return {'nngp': k.nngp, 'ntk': k.ntk}


def problem(name, seed, n, m, d, k, depth, act_name, act, W, b, indefinite_ntk=False):
  rng = np.random.default_rng(seed)
  x_train = rng.standard_normal((n, d))
  x_test = rng.standard_normal((m, d))
  y = rng.standard_normal((n, k))
  f0 = 0.3 * rng.standard_normal((n, k))
  g0 = 0.3 * rng.standard_normal((m, k))
  k_dd = kernels(x_train, None, depth, act, W, b)
  k_td = kernels(x_test, x_train, depth, act, W, b)
  k_tt = kernels(x_test, None, depth, act, W, b)
  if indefinite_ntk:
    # Push the smallest NTK eigenvalue to -3e-3 x mean diagonal: a non-PSD kernel such as a
    # round-off-damaged empirical NTK. neural-tangents clamps it to 0 in the exponentials.
    th = k_dd['ntk']
    w, v = np.linalg.eigh(th)
    target = -3e-3 * np.trace(th) / n
    th = th + (target - w[0]) * np.outer(v[:, 0], v[:, 0])
    k_dd['ntk'] = 0.5 * (th + th.T)
  fx = {
      'name': name, 'seed': seed,
      'network': {'depth': depth, 'activation': act_name, 'W_std': W, 'b_std': b},
      'indefinite_ntk': indefinite_ntk,
      'x_train': arr(x_train), 'x_test': arr(x_test), 'y_train': arr(y),
      'fx_train_0': arr(f0), 'fx_test_0': arr(g0),
      'k_dd': {g: arr(v) for g, v in k_dd.items()},
      'k_td': {g: arr(v) for g, v in k_td.items()},
      'k_tt': {g: arr(v) for g, v in k_tt.items()},
  }
  finite_t = [0.0, 0.3, 2.0, 25.0, 400.0]
  allow_inf = not indefinite_ntk

  def regularized_eigs(kern, diag_reg, absolute):
    return np.linalg.eigvalsh(ntref.add_diagonal_regularizer(kern, diag_reg, absolute))

  gd = []
  for diag_reg, absolute in [(0.0, False), (1e-3, False), (0.05, True)]:
    for lr in [1.0, 0.4]:
      pf = ntref.gradient_descent_mse(k_dd['ntk'], y, lr, diag_reg, absolute)
      tr, te = pf(np.array(finite_t), f0, g0, k_td['ntk'])
      mu = regularized_eigs(k_dd['ntk'], diag_reg, absolute)
      case = {'diag_reg': diag_reg, 'absolute': absolute, 'learning_rate': lr, 't': finite_t,
              'negative_eigenvalues': int(np.sum(mu < 0)),
              'fx_train_t': arr(tr), 'fx_test_t': arr(te)}
      if mu[0] > 0:
        tri, tei = pf(None, f0, g0, k_td['ntk'])
        case['fx_train_inf'] = arr(tri)
        case['fx_test_inf'] = arr(tei)
        # ridge outputs on the training set: k_test_train = k_train_train, fx_test_0 = fx_train_0
        _, ridge = pf(None, f0, f0, k_dd['ntk'])
        case['ridge_train_inf'] = arr(ridge)
      gd.append(case)
  fx['gradient_descent_mse'] = gd

  ens = []
  for diag_reg, absolute in [(1e-3, False), (0.02, True)]:
    pf = ntref.gradient_descent_mse_ensemble(k_dd, y, 0.7, diag_reg, absolute)
    for get in ['nngp', 'ntk']:
      for t in finite_t + ([None] if allow_inf else []):
        te = pf(t, k_td, k_tt['nngp'], get, True)[get]
        tr = pf(t, None, None, get, True)[get]
        ens.append({'get': get, 'diag_reg': diag_reg, 'absolute': absolute, 'learning_rate': 0.7, 't': t,
                    'test_mean': arr(te[0]), 'test_cov': arr(te[1]),
                    'train_mean': arr(tr[0]), 'train_cov': arr(tr[1])})
  fx['ensemble'] = ens

  if allow_inf:
    gp = []
    for diag_reg, absolute in [(0.0, False), (1e-4, False), (0.1, True)]:
      pf = ntref.gp_inference(k_dd, y, diag_reg, absolute)
      for get in ['nngp', 'ntk', 'ntkgp']:
        mean, cov = pf(get, k_td, k_tt)[get]
        gp.append({'get': get, 'diag_reg': diag_reg, 'absolute': absolute, 'mean': arr(mean), 'cov': arr(cov)})
    fx['gp_inference'] = gp
    fx['max_learning_rate'] = {
        'default': ntref.max_learning_rate(k_dd['ntk']),
        'y_train_size': ntref.max_learning_rate(k_dd['ntk'], y.size),
        'momentum_0_5': ntref.max_learning_rate(k_dd['ntk'], y.size, 0.5)}
  return fx


def main():
  os.makedirs(OUT, exist_ok=True)
  problems = [
      problem('relu-d2-k3', 101, n=20, m=7, d=5, k=3, depth=2, act_name='Relu', act=ntref.relu(), W=1.5, b=0.1),
      problem('erf-d1-k1-nobias', 202, n=13, m=5, d=4, k=1, depth=1, act_name='Erf', act=ntref.erf(), W=1.3, b=None),
      problem('relu-d1-indefinite-ntk', 303, n=11, m=4, d=3, k=2, depth=1, act_name='Relu', act=ntref.relu(), W=1.2,
              b=0.3, indefinite_ntk=True),
  ]
  for p in problems:
    path = os.path.join(OUT, p['name'] + '.json')
    with open(path, 'w') as f:
      json.dump(p, f, allow_nan=False)
    print('wrote', os.path.relpath(path))


if __name__ == '__main__':
  main()
