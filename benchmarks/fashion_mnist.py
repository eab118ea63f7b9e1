#!/usr/bin/env python3
"""Fashion-MNIST NTK regression, the numpy/scipy side of benchmarks/fashion_mnist.sh (issue 5).

Subcommands:
  prepare   --images-dir D --n N --m M --out DIR
            reads the IDX files of the Debian package dataset-fashion-mnist (gzipped), takes the first
            N training and the first M test images, scales pixels to [0, 1], standardizes each pixel
            with the mean and standard deviation of the N training images (a pixel whose training
            standard deviation is below 1e-3 -- constant in those images -- is only centered, not
            divided), one-hot labels minus 0.1 (centered: each row sums to 0). Writes x_train.npy
            (N x 784), y_train.npy (N x 10), x_test.npy (M x 784), float64, and labels_test.npy.
  reference --data DIR --depth L --w-std W --b-std B --diag-reg R --out DIR
            NTK regression at t = infinity exactly as neural-tangents' gp_inference(get='ntk') and
            `ntk4j predict --get ntk --cov none` compute it: the NTK of [Dense(W, B) -> Relu] x L ->
            Dense(W, B) (NTK parameterization) for train-train and test-train, the regularizer
            R * trace(K_dd) / n on the diagonal, scipy cho_factor / cho_solve, mean = K_td alpha.
            Writes mean.npy (M x 10). Meant to be timed from outside (interpreter start, .npy reading
            and writing included, as for bin/ntk4j).
  report    --data DIR --numpy-out DIR --ntk4j-out DIR ...   accuracies, agreement, the Markdown table.

Memory: the two 10k x 10k float64 kernels (0.8 GB each) are filled in place, 1000 rows at a time
(three 1000 x n temporaries of 80 MB each); the Cholesky factor overwrites K_dd (LAPACK on its
Fortran-ordered transpose). Peak ~1.9 GB at n = m = 10k.
The recursion is the one of kernel_numpy.py (neural-tangents' formulas for ReLU), whole-array
numpy operations, without exploiting the symmetry of K_dd (as kernel_numpy.py).
"""
import argparse
import gzip
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_numpy  # noqa: E402  (the shared numpy recursion)


# ---------------------------------------------------------------------------------------- prepare
def read_idx(path):
    """An IDX file (optionally gzipped) as a numpy uint8 array of its declared shape."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack('>HBB', data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit('%s: not an unsigned-byte IDX file (magic %02x %02x)' % (path, zero, dtype))
    shape = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(shape)):
        raise SystemExit('%s: %d bytes of data for shape %s' % (path, arr.size, shape))
    return arr.reshape(shape)


def find_file(d, stem):
    for name in (stem + '.gz', stem):
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    raise SystemExit('no %s(.gz) in %s' % (stem, d))


def prepare(a):
    xtr = read_idx(find_file(a.images_dir, 'train-images-idx3-ubyte'))
    ytr = read_idx(find_file(a.images_dir, 'train-labels-idx1-ubyte'))
    xte = read_idx(find_file(a.images_dir, 't10k-images-idx3-ubyte'))
    yte = read_idx(find_file(a.images_dir, 't10k-labels-idx1-ubyte'))
    if xtr.shape != (60000, 28, 28) or ytr.shape != (60000,) or xte.shape != (10000, 28, 28) or yte.shape != (10000,):
        raise SystemExit('unexpected Fashion-MNIST shapes %s %s %s %s' % (xtr.shape, ytr.shape, xte.shape, yte.shape))
    if not (a.n <= 60000 and a.m <= 10000):
        raise SystemExit('--n <= 60000 and --m <= 10000')
    x = xtr[:a.n].reshape(a.n, -1).astype(np.float64) / 255.0
    xt = xte[:a.m].reshape(a.m, -1).astype(np.float64) / 255.0
    mu = x.mean(axis=0)
    sd = x.std(axis=0)
    sd[sd < 1e-3] = 1.0  # constant pixels of the training images: center only
    x = (x - mu) / sd
    xt = (xt - mu) / sd
    y = np.eye(10)[ytr[:a.n]] - 0.1
    os.makedirs(a.out, exist_ok=True)
    np.save(os.path.join(a.out, 'x_train.npy'), x)
    np.save(os.path.join(a.out, 'y_train.npy'), y)
    np.save(os.path.join(a.out, 'x_test.npy'), xt)
    np.save(os.path.join(a.out, 'labels_test.npy'), yte[:a.m].astype(np.int64))
    np.save(os.path.join(a.out, 'labels_train.npy'), ytr[:a.n].astype(np.int64))
    print('prepared n=%d m=%d d=%d; train label counts %s' % (a.n, a.m, x.shape[1], np.bincount(ytr[:a.n], minlength=10).tolist()))


# -------------------------------------------------------------------------------------- reference
def relu_ntk(x1, x2, depth, w_std, b_std, out, block=1000):
    """NTK of [Dense(w_std, b_std) -> Relu] x depth -> Dense(w_std, b_std) between the rows of x1 and
    x2, written into out (len(x1) x len(x2), float64), row block by row block, in place."""
    return kernel_numpy.relu_blocks(x1, x2, depth, w_std, b_std, out, None, block)


def reference(a):
    import scipy.linalg as sl
    x = np.load(os.path.join(a.data, 'x_train.npy'))
    y = np.load(os.path.join(a.data, 'y_train.npy'))
    xt = np.load(os.path.join(a.data, 'x_test.npy'))
    n, m = x.shape[0], xt.shape[0]
    k_td = relu_ntk(xt, x, a.depth, a.w_std, a.b_std, np.empty((m, n)))
    k_dd = relu_ntk(x, x, a.depth, a.w_std, a.b_std, np.empty((n, n)))
    lam = a.diag_reg * np.trace(k_dd) / n  # neural-tangents: relative to the mean diagonal
    k_dd.flat[::n + 1] += lam
    # k_dd is symmetric, so its transpose (a Fortran-ordered view) is the same matrix: LAPACK factors
    # it in place; passing k_dd itself (C order) would make scipy copy 0.8 GB first
    c = sl.cho_factor(k_dd.T, lower=True, overwrite_a=True, check_finite=False)
    assert np.shares_memory(c[0], k_dd), 'cho_factor copied K_dd'
    alpha = sl.cho_solve(c, y, check_finite=False)
    mean = k_td @ alpha
    os.makedirs(a.out, exist_ok=True)
    np.save(os.path.join(a.out, 'mean.npy'), mean)


# ----------------------------------------------------------------------------------------- report
def report(a):
    labels = np.load(os.path.join(a.data, 'labels_test.npy'))
    mn = np.load(os.path.join(a.numpy_out, 'mean.npy'))
    mj = np.load(os.path.join(a.ntk4j_out, 'mean.npy'))
    if mn.shape != mj.shape or mn.shape != (labels.size, 10):
        print('shape mismatch: numpy %s, ntk4j %s, labels %s' % (mn.shape, mj.shape, labels.shape))
        sys.exit(1)
    pn, pj = mn.argmax(axis=1), mj.argmax(axis=1)
    acc_n, acc_j = float((pn == labels).mean()), float((pj == labels).mean())
    rel = float(np.abs(mj - mn).max() / np.abs(mn).max())
    argmax_diff = int((pn != pj).sum())
    tn = [float(v) for v in open(a.numpy_time).read().split()]
    tj = [float(v) for v in open(a.ntk4j_time).read().split()]
    info = {k[3:].lower(): v for k, v in os.environ.items() if k.startswith('FM_')}
    import scipy
    try:
        blas = np.show_config(mode='dicts')['Build Dependencies']['blas']
        info['np_blas'] = '%s %s' % (blas.get('name'), blas.get('version'))
    except Exception:  # older numpy: no mode='dicts'
        info['np_blas'] = 'unknown'
    lines = []
    lines.append('# Fashion-MNIST NTK regression: ntk4j vs numpy/scipy (issue 5)')
    lines.append('')
    lines.append('`benchmarks/fashion_mnist.sh%s` on %s at commit %s.' % (info['args'], info['date'], info['commit']))
    lines.append('')
    lines.append('- Machine: %s, %s CPUs (nproc), %s RAM; JDK %s' % (info['cpu'], info['nproc'], info['ram'], info['java']))
    lines.append('- numpy %s, scipy %s (BLAS: %s); python %s' % (np.__version__, scipy.__version__, info['np_blas'], sys.version.split()[0]))
    lines.append('- Load average (1, 5, 15 min): %s before, %s after. **The machine is shared**: wall times depend on '
                 'what else runs; CPU time (user + sys) much less.' % (info['load0'], info['load1']))
    lines.append('- Data: Debian package %s: first n = %d training images, first m = %d test images, '
                 'd = 784; pixels / 255, then standardized per pixel with the n training images\' mean and standard '
                 'deviation (pixels constant in them only centered); labels one-hot - 0.1.' %
                 (info['pkg'], int(info['n']), labels.size))
    lines.append('- Model: NTK regression at t = infinity (neural-tangents `gp_inference(get="ntk")`), '
                 '`%s`, NTK parameterization, float64, diag_reg %s relative to the mean diagonal of K_dd.' %
                 (info['arch'], info['reg']))
    lines.append('- ntk4j: `bin/ntk4j predict --arch ARCH --x-train x_train.npy --y-train y_train.npy --x-test '
                 'x_test.npy --get ntk --cov none --diag-reg %s --device cpu --out DIR`' % info['reg'])
    lines.append('- numpy: `python3 benchmarks/fashion_mnist.py reference --data DIR --depth 3 --w-std 1.5 '
                 '--b-std 0.1 --diag-reg %s --out DIR` (kernels in row blocks of 1000 with in-place ufuncs, '
                 'symmetry of K_dd not used; scipy `cho_factor`/`cho_solve`)' % info['reg'])
    lines.append('- Times: %s, end to end (process start, .npy reading, kernels, solve, writing mean.npy), by '
                 '`/usr/bin/time`, numpy first, then ntk4j.' % ('one run each' if info['reps'] == '1' else 'best of %s runs each' % info['reps']))
    lines.append('')
    lines.append('| side | test accuracy | wall s | CPU s (user+sys) | peak RSS GB |')
    lines.append('|---|---|---|---|---|')
    lines.append('| numpy/scipy | %.4f | %.2f | %.2f | %.2f |' % (acc_n, tn[0], tn[1], tn[2] * 1024 / 1e9))
    lines.append('| ntk4j | %.4f | %.2f | %.2f | %.2f |' % (acc_j, tj[0], tj[1], tj[2] * 1024 / 1e9))
    lines.append('| **ratio ntk4j / numpy** | | **%.2f** | **%.2f** | %.2f |' % (tj[0] / tn[0], tj[1] / tn[1], tj[2] / tn[2]))
    lines.append('')
    lines.append('Agreement of the predicted means (m x 10): max |ntk4j - numpy| / max |numpy| = %.2e '
                 '(must be <= 1e-6); test points whose argmax differs: %d of %d.' % (rel, argmax_diff, labels.size))
    ok = rel <= 1e-6 and acc_n == acc_j
    if not ok:
        lines.append('')
        lines.append('**FAIL: ntk4j and numpy disagree** (relative difference %.2e, accuracies %.4f vs %.4f)' % (rel, acc_j, acc_n))
    text = '\n'.join(lines) + '\n'
    print(text)
    if a.results:
        with open(a.results, 'w') as f:
            f.write(text)
        print('written to %s' % a.results)
    sys.exit(0 if ok else 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('prepare')
    p.add_argument('--images-dir', required=True)
    p.add_argument('--n', type=int, default=10000)
    p.add_argument('--m', type=int, default=10000)
    p.add_argument('--out', required=True)
    r = sub.add_parser('reference')
    r.add_argument('--data', required=True)
    r.add_argument('--depth', type=int, default=3)
    r.add_argument('--w-std', type=float, default=1.5)
    r.add_argument('--b-std', type=float, default=0.1)
    r.add_argument('--diag-reg', type=float, required=True)
    r.add_argument('--out', required=True)
    q = sub.add_parser('report')
    for k in ('--data', '--numpy-out', '--ntk4j-out', '--numpy-time', '--ntk4j-time'):
        q.add_argument(k, required=True)
    q.add_argument('--results')
    a = ap.parse_args()
    {'prepare': prepare, 'reference': reference, 'report': report}[a.cmd](a)


if __name__ == '__main__':
    main()
