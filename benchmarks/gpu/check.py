"""ntk4j GPU device check: correctness of the GPU path against numpy (ntref.py) and timings
against numpy/scipy (CPU) and PyTorch (same GPU). Run by device-check.sh; see its header.

Usage: python3 check.py RESULTS_DIR BUNDLE_DIR [--smoke]
Writes RESULTS_DIR/table.md (also printed last), RESULTS_DIR/check.log (everything).
Every stage runs under its own timeout; a failed stage is recorded as FAILED with its reason
and the rest still runs. The whole run stays under BUDGET seconds (sizes are skipped if needed).
"""
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import peers  # noqa: E402

T0 = time.time()
RESULTS, BUNDLE = sys.argv[1], sys.argv[2]
SMOKE = '--smoke' in sys.argv
BUDGET = 100 if SMOKE else 430
os.makedirs(RESULTS, exist_ok=True)
LOG = open(os.path.join(RESULTS, 'check.log'), 'w')
for p in (os.path.join(BUNDLE, 'ntref'), os.path.join(HERE, '..', '..', 'src', 'test', 'python')):
    if os.path.exists(os.path.join(p, 'ntref.py')):
        sys.path.insert(0, p)
        break
import ntref  # noqa: E402

rows_correct, rows_time, notes = [], {}, []


def log(msg):
    line = f'[{time.time() - T0:6.1f}s] {msg}'
    print(line, flush=True)
    LOG.write(line + '\n')
    LOG.flush()


def left():
    return BUDGET - (time.time() - T0)


def java(args, timeout):
    jre = os.path.join(BUNDLE, 'jre', 'bin', 'java')
    debug = ['-Dntk4j.gpu.syncEachLaunch=true'] if SMOKE and args[0] == 'jobs' else []
    cmd = [jre, '-Xmx24g', '--enable-native-access=ALL-UNNAMED', '-Dorg.slf4j.simpleLogger.defaultLogLevel=info', *debug,
           '-cp', os.path.join(BUNDLE, 'lib', '*'), 'org.ntk4j.bench.gpu.DeviceCheck', *args]
    out, err, rc = run(cmd, timeout)
    # The library logs (stderr) which float64 GEMM engine it chose, and any engine that failed its self-check.
    for line in err.splitlines():
        if 'GEMM engine' in line:
            msg = line.split(' - ', 1)[-1].strip()
            if msg not in notes:
                notes.append(msg)
    return out, err, rc


def commit_measured():
    """The commit the bundle was built from (prepare.sh writes BUNDLE/COMMIT)."""
    try:
        with open(os.path.join(BUNDLE, 'COMMIT')) as f:
            return f.read().strip()
    except OSError:
        return 'unknown (bundle without COMMIT)'


def run(cmd, timeout):
    log('$ ' + ' '.join(cmd[-6:]))
    if shutil.which(cmd[0]) is None and not os.path.exists(cmd[0]):
        log(f'  -> {cmd[0]} not found')
        return '', f'{cmd[0]} not found', 'missing'
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        out, err, rc = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or '')
        err = (e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or '')) + f'\nTIMEOUT after {timeout}s'
        rc = 'timeout'
    LOG.write(out + '\n' + err + '\n')
    LOG.flush()
    if rc != 0:
        log(f'  -> exit {rc}: {err.strip().splitlines()[-1] if err.strip() else ""}')
    return out, err, rc


def stage(name, fn):
    log(f'== {name}')
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - a failed stage must not stop the others
        notes.append(f'{name}: FAILED {type(e).__name__}: {e}')
        LOG.write(traceback.format_exc())
        log(f'  FAILED {type(e).__name__}: {e}')


# ----------------------------------------------------------------- stage: device ----
def device():
    out, _, _ = run(['nvidia-smi', '--query-gpu=name,driver_version,memory.total,clocks.max.sm', '--format=csv,noheader'], 20)
    notes.insert(0, 'nvidia-smi: ' + out.strip())
    out, err, rc = java(['info'], 60)
    notes.insert(1, 'ntk4j: ' + (out.strip() or err.strip()[-300:]))
    log(notes[0])
    log(notes[1])


# ----------------------------------------------------------------- stage: correctness ----
ACTS = [  # ARCH text, ntref activation
    ('Relu', ntref.relu()), ('LeakyRelu(0.2)', ntref.leaky_relu(0.2)), ('ABRelu(-0.4,0.9)', ntref.ab_relu(-0.4, 0.9)),
    ('Abs', ntref.abs_()), ('Identity', ntref.identity()), ('Erf(1.3,0.7,0.2)', ntref.erf(1.3, 0.7, 0.2)),
    ('Sigmoid_like', ntref.sigmoid_like()), ('Gelu', ntref.gelu()), ('Sin(1.1,0.9,0.3)', ntref.sin(1.1, 0.9, 0.3)),
    ('Cos(1.1,0.9,0.3)', ntref.cos(1.1, 0.9, 0.3)), ('Rbf(0.7)', ntref.rbf(0.7)), ('Exp(0.8,0.5)', ntref.exp(0.8, 0.5)),
    ('Gaussian(1.2,-0.6)', ntref.gaussian(1.2, -0.6)), ('Sign', ntref.sign()), ('Monomial(3)', ntref.monomial(3)),
    ('Monomial(5)', ntref.monomial(5)), ('RectifiedMonomial(0)', ntref.rectified_monomial(0)),
    ('RectifiedMonomial(2)', ntref.rectified_monomial(2)), ('Polynomial([0.5,-1.0,0.25,0.3])', ntref.polynomial([0.5, -1.0, 0.25, 0.3])),
    ('Gabor', ntref.gabor())]
DENSE = [(1.5, 0.1), (1.2, 0.05), (1.1, 0.2)]
TOL = {'float64': 1e-9, 'float32': 1e-4}


def arch_text(act):
    (w1, b1), (w2, b2), (w3, b3) = DENSE
    return f'Dense(512,W_std={w1},b_std={b1})->{act}->Dense(256,W_std={w2},b_std={b2})->{act}->Dense(1,W_std={w3},b_std={b3})'


def ref_layers(act, param='ntk'):
    (w1, b1), (w2, b2), (w3, b3) = DENSE
    return [('dense', dict(out_dim=512, W_std=w1, b_std=b1, parameterization=param)), act,
            ('dense', dict(out_dim=256, W_std=w2, b_std=b2, parameterization=param)), act,
            ('dense', dict(out_dim=1, W_std=w3, b_std=b3, parameterization=param))]


def ref_kernel(x1, x2, layers):
    """ntref.serial; for x2 = None the input covariance of a point with itself is pinned to its
    variance |x|^2/d (as ntk4j's CPU and GPU paths do), so the arc-cosine maps see correlation 1."""
    if x2 is not None:
        return ntref.serial(x1, x2, layers)
    k = ntref.inputs_to_kernel(x1, None)
    k.nngp[np.diag_indices(len(x1))] = k.var1
    for layer in layers:
        k = ntref.apply_activation(k, layer) if isinstance(layer, ntref.Activation) else ntref.dense(k, **layer[1])
    return k


def relerr(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape:
        return float('inf')
    scale = np.max(np.abs(b))
    if scale == 0:
        return float(np.max(np.abs(a)))
    e = float(np.max(np.abs(a - b)) / scale)
    return e if np.all(np.isfinite(a)) else float('inf')


def correctness():
    work = tempfile.mkdtemp(prefix='ntk4j-check-')
    rng = np.random.default_rng(2026)
    jobs, checks = [], []

    def save(name, arr):
        p = os.path.join(work, name + '.in.bin')
        np.ascontiguousarray(arr, dtype='<f8').tofile(p)
        return p

    x1, x2 = rng.standard_normal((300, 40)), rng.standard_normal((200, 40))
    px1, px2 = save('x1', x1), save('x2', x2)
    acts = ACTS if not SMOKE else [a for a in ACTS if a[0] in ('Relu', 'Erf(1.3,0.7,0.2)', 'Gelu', 'RectifiedMonomial(2)', 'Polynomial([0.5,-1.0,0.25,0.3])', 'Sign')]
    for i, (text, act) in enumerate(acts):
        for sym in (False, True):
            for dt in ('float64', 'float32'):
                param = 'standard' if i % 4 == 3 else 'ntk'
                name = f'k{i}{"s" if sym else ""}_{dt}'
                args = {'name': name, 'arch': arch_text(text), 'param': param, 'x1': px1, 'n1': 300, 'd': 40, 'dtype': dt}
                if not sym:
                    args.update(x2=px2, n2=200)
                jobs.append(('kernel', args))
                checks.append(('activation ' + text + (' (standard)' if param == 'standard' else ''), 'sym 300' if sym else '300x200', dt, name,
                               lambda sym=sym, act=act, param=param: ref_kernel(x1, None if sym else x2, ref_layers(act, param))))
    # Gram (x x^T / d through one linear layer) at larger sizes
    for n, m, d in ((2000, 1500, 784),) + (((4096, None, 784),) if not SMOKE else ()):
        xa, xb = rng.standard_normal((n, d)), None if m is None else rng.standard_normal((m, d))
        args = {'name': f'gram{n}', 'arch': 'Dense(1,W_std=1.0)', 'x1': save(f'ga{n}', xa), 'n1': n, 'd': d, 'dtype': 'float64', 'ntk': 0}
        if xb is not None:
            args.update(x2=save(f'gb{n}', xb), n2=m)
        jobs.append(('kernel', args))
        checks.append(('Gram x1 x2^T/d', f'{n}x{m or n}, d={d}', 'float64', f'gram{n}',
                       lambda xa=xa, xb=xb: ntref.inputs_to_kernel(xa, xb, compute_ntk=False)))
    # Cholesky of regularized ReLU kernels
    relu = ref_layers(ntref.relu())
    for n in ((100, 1000, 3000) if not SMOKE else (100, 700)):
        xs = rng.standard_normal((n, 30))
        a = ref_kernel(xs, None, relu).nngp
        a = a + 1e-2 * np.trace(a) / n * np.eye(n)
        pa = save(f'chol{n}', a)
        for dt in ('float64', 'float32'):
            jobs.append(('chol', {'name': f'chol{n}_{dt}', 'a': pa, 'n': n, 'dtype': dt}))
            checks.append(('Cholesky L', f'n={n}', dt, f'chol{n}_{dt}', lambda a=a: np.linalg.cholesky(a)))
    # GP posterior: device-built kernels (the GPU posterior, float64 only) and host kernels (solve)
    erf_relu = [('dense', dict(W_std=1.5, b_std=0.05)), ntref.erf(), ('dense', dict(W_std=1.5, b_std=0.05)), ntref.relu(),
                ('dense', dict(W_std=1.5, b_std=0.05))]
    erf_relu_text = 'Dense(512,W_std=1.5,b_std=0.05)->Erf->Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(2,W_std=1.5,b_std=0.05)'
    for n in ((500, 2000, 4000) if not SMOKE else (500, 1500)):
        m, d, k = 300, 50, 2
        xtr, xte = rng.standard_normal((n, d)), rng.standard_normal((m, d))
        ytr = np.stack([np.sin(xtr[:, 0]), np.cos(xtr[:, 1])], 1) + 0.1 * rng.standard_normal((n, k))
        kdd, ktd = ref_kernel(xtr, None, erf_relu), ref_kernel(xte, xtr, erf_relu)
        ktt = ref_kernel(xte, None, erf_relu)
        p = {'xtrain': save(f'xtr{n}', xtr), 'xtest': save(f'xte{n}', xte), 'ytrain': save(f'ytr{n}', ytr)}
        for mode in ('nngp', 'ntkgp'):
            g = 'ntk' if mode == 'ntkgp' else 'nngp'
            for dt, reg in (('float64', 1e-3),):  # float32 posteriors are solved on the CPU (in float64)
                name = f'gp{n}_{mode}_{dt}'
                jobs.append(('gp', dict(name=name, arch=erf_relu_text, n=n, m=m, d=d, k=k, mode=mode, diagreg=reg, dtype=dt, **p)))
                pred = ntref.gp_inference({g: getattr(kdd, g)}, ytr, diag_reg=reg)
                ktt_g = getattr(ktt, g)
                res = lambda pred=pred, mode=mode, ktt_g=ktt_g, ktd=ktd, g=g: pred(get=mode, k_td={g: getattr(ktd, g)}, k_tt={'nngp' if mode == 'nngp' else 'ntk': ktt_g})[mode]
                checks.append((f'GP mean ({mode})', f'n={n}, m={m}', dt, name, lambda res=res: ('mean', res()[0])))
                checks.append((f'GP variance ({mode})', f'n={n}, m={m}', dt, name, lambda res=res: ('var', np.diag(res()[1]))))
        if n == 2000 or (SMOKE and n == 1500):
            name = f'solve{n}'
            jobs.append(('solve', dict(name=name, n=n, m=m, k=k, diagreg=1e-3, dtype='float64', kdd=save(f'kdd{n}', kdd.nngp),
                                       ktd=save(f'ktd{n}', ktd.nngp), y=p['ytrain'], kttdiag=save(f'ktt{n}', np.diag(ktt.nngp)))))
            pred = ntref.gp_inference({'nngp': kdd.nngp}, ytr, diag_reg=1e-3)
            res = lambda pred=pred, ktd=ktd, ktt=ktt: pred(get='nngp', k_td={'nngp': ktd.nngp}, k_tt=ktt.nngp)['nngp']
            checks.append(('GP mean, host kernels', f'n={n}, m={m}', 'float64', name, lambda res=res: ('mean', res()[0])))
            checks.append(('GP variance, host kernels', f'n={n}, m={m}', 'float64', name, lambda res=res: ('var', np.diag(res()[1]))))
    jobfile = os.path.join(work, 'jobs.txt')
    with open(jobfile, 'w') as f:
        for kind, args in jobs:
            f.write(kind + ''.join(f'\t{k}={v}' for k, v in args.items()) + '\n')
    out, err, rc = java(['jobs', jobfile, work], min(240, max(30, left() - 60)))
    status = {}
    for line in out.splitlines():
        if line.startswith('job '):
            parts = line.split(' ', 3)
            status[parts[1]] = parts[2] if parts[2] == 'ok' else 'FAILED ' + (parts[3] if len(parts) > 3 else '')
    log(f'{sum(v == "ok" for v in status.values())}/{len(jobs)} jobs ran')
    for what, size, dt, name, ref in checks:
        st = status.get(name, 'FAILED (no result' + (', java exit ' + str(rc) if rc != 0 else '') + ')')
        if st != 'ok':
            rows_correct.append((what, size, dt, 'FAILED', st.replace('FAILED ', '', 1)[:140]))
            continue
        try:
            r = ref()
            tol = TOL[dt] if not what.startswith('GP') else (1e-9 if dt == 'float64' else 1e-2)
            if isinstance(r, tuple):
                key, want = r
                got = np.fromfile(os.path.join(work, f'{name}.{key}.bin'), '<f8').reshape(np.shape(want) if np.ndim(want) > 1 else -1)
                errs = [('', relerr(got, want))]
            elif isinstance(r, np.ndarray):
                got = np.fromfile(os.path.join(work, f'{name}.L.bin'), '<f8').reshape(r.shape)
                errs = [('', relerr(got, r))]
                if dt == 'float32':
                    tol = 1e-4
            else:
                errs = []
                for key in ('nngp', 'ntk'):
                    p = os.path.join(work, f'{name}.{key}.bin')
                    if os.path.exists(p):
                        want = getattr(r, key)
                        got = np.fromfile(p, '<f8').reshape(want.shape)
                        errs.append((key, relerr(got, want)))  # relerr compares absolutely where ref is all 0
                cov = np.fromfile(os.path.join(work, f'{name}.cov1.bin'), '<f8')
                errs.append(('cov', relerr(cov, r.var1)))
            worst = max(e for _, e in errs)
            detail = ', '.join(f'{k} {e:.1e}' for k, e in errs if k)
            rows_correct.append((what, size, dt, 'ok' if worst <= tol else 'FAILED', f'{worst:.2e} (tol {tol:g}){"; " + detail if detail else ""}'))
        except Exception as e:  # noqa: BLE001
            rows_correct.append((what, size, dt, 'FAILED', f'{type(e).__name__}: {e}'[:120]))
    shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------- stage: timings ----
def parse_times(out):
    for line in out.splitlines():
        if line.startswith('time '):
            _, key, n, ms = line.split()
            rows_time.setdefault(int(n), {})[key] = float(ms)


def gemm():
    out, _, rc = java(['gemm', '4096' if SMOKE else '8192'], 90)
    for line in out.splitlines():
        if line.startswith('gemm '):
            notes.append(line)
            log(line)


SIZES = (5000,) if SMOKE else (5000, 10000, 20000, 40000)
if os.environ.get('NTK4J_CHECK_SIZES'):  # e.g. for a dry run of the CPU half on a small machine
    SIZES = tuple(int(v) for v in os.environ['NTK4J_CHECK_SIZES'].split(','))
D, M = 784, 2000
# (timeout seconds, time that must be left to start) per size and peer
PLAN = {'gpu': {1000: 30, 2000: 60, 5000: 60, 10000: 60, 20000: 90, 40000: 150},
        'torch': {1000: 30, 2000: 60, 5000: 60, 10000: 60, 20000: 90, 40000: 150},
        'numpy': {1000: 30, 2000: 60, 5000: 40, 10000: 60, 20000: 100, 40000: 200}}


def timings():
    reps = lambda n: 3 if n <= 10000 else (2 if n <= 20000 else 1)  # noqa: E731
    for n in SIZES:
        for peer in ('gpu', 'torch') if SMOKE else ('gpu', 'torch', 'numpy'):
            to = PLAN[peer][n]
            if peer == 'numpy' and n == 40000 and left() < to + 30:
                notes.append(f'numpy n={n}: skipped (time budget)')
                continue
            if left() < min(to, 45):
                notes.append(f'{peer} n={n}: skipped (time budget)')
                continue
            to = int(min(to, left() - 10))
            if peer == 'gpu':
                out, err, rc = java(['bench', str(n), str(D), str(M), str(reps(n))], to)
            else:
                out, err, rc = run([sys.executable, os.path.join(HERE, 'peers.py'), peer, str(n), str(D), str(M),
                                    str(1 if peer == 'numpy' else reps(n))], to)
            parse_times(out)
            if rc != 0:
                notes.append(f'{peer} n={n}: FAILED ({rc}): ' + (err.strip().splitlines()[-1][:150] if err.strip() else ''))


# ----------------------------------------------------------------- table ----
def table():
    lines = ['# ntk4j GPU device check', '']
    lines += [f'- {n}' for n in notes[:2]]
    lines.append(f'- code measured: {commit_measured()}')
    lines += ['', '## Correctness (GPU vs float64 numpy reference ntref.py; max|diff| / max|ref|)', '',
              '| check | size | dtype | result | error |', '|---|---|---|---|---|']
    lines += [f'| {a} | {b} | {c} | {d} | {e} |' for a, b, c, d, e in rows_correct]
    ok = sum(r[3] == 'ok' for r in rows_correct)
    lines += ['', f'{ok}/{len(rows_correct)} correctness checks passed.', '',
              f'## Timings (ms, median; d={D}, 3 hidden ReLU layers, m={M} test points, float64)', '',
              '| n | stage | ntk4j GPU | PyTorch GPU | numpy/scipy CPU | GPU/PyTorch | numpy/GPU |', '|---|---|---|---|---|---|---|']
    stages = [('kernel build (NNGP+NTK, n x n; x on device)', 'kernel_build'), ('Cholesky + alpha', 'cholesky_alpha'),
              ('test kernel (n x m)', 'test_kernel'), ('mean + variance', 'mean_var'), ('solve + mean + variance', 'solve_mean_var')]
    for n in sorted(rows_time):
        t = rows_time[n]
        for label, key in stages:
            g, tq, np_ = t.get('gpu_' + key), t.get('torch_' + key), t.get('numpy_' + key)
            f = lambda v: '—' if v is None else f'{v:.1f}'  # noqa: E731
            r1 = '—' if g is None or tq is None else f'{g / tq:.2f}'
            r2 = '—' if g is None or np_ is None else f'{np_ / g:.1f}'
            lines.append(f'| {n} | {label} | {f(g)} | {f(tq)} | {f(np_)} | {r1} | {r2} |')
        for key, label in (('gpu_factor', 'of which lambda + Cholesky'), ('gpu_alpha_mean', 'of which alpha = L^-T L^-1 y + mean'),
                           ('gpu_var', 'of which variances')):
            if key in t:
                lines.append(f'| {n} | {label} (the GPU posterior\'s timings) | {t[key]:.1f} | | | | |')
        if 'gpu_kernel_build_total' in t:
            lines.append(f'| {n} | kernel build incl. upload of x and allocation | {t["gpu_kernel_build_total"]:.1f} | | | | |')
        if 'gpu_kernel_build_to_host' in t:
            lines.append(f'| {n} | kernel build incl. copy to Java arrays | {t["gpu_kernel_build_to_host"]:.1f} | | | | |')
    lines += ['', '## Notes', ''] + [f'- {n}' for n in notes[2:]]
    lines.append(f'- wall time of the check: {time.time() - T0:.0f} s')
    return '\n'.join(lines) + '\n'


if __name__ == '__main__':
    stage('device', device)
    stage('correctness', correctness)
    stage('gemm throughput', gemm)
    stage('timings', timings)
    text = table()
    with open(os.path.join(RESULTS, 'table.md'), 'w') as f:
        f.write(text)
    print('\n' + text, flush=True)
