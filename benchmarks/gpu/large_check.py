"""Large-n correctness of the GPU exact solve: ntk4j's GPU posterior (gpu.GpuPosterior through
ScalablePredict with Device.GPU: NNGP posterior mean and variance) against the same math in PyTorch float64 on the same card, at the benchmark's sizes.
The main device check verifies correctness only up to n = 4000; this covers n = 20k and 40k, with
the automatically chosen float64 GEMM engine and with a forced engine (-Dntk4j.gpu.gemm=...).
Usage: python3 large_check.py BUNDLE WORKDIR N[:ENGINE] ...   (ENGINE empty = automatic choice)
"""
import os, subprocess, sys, time
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers

ARCH = ('Dense(1024,W_std=1.5,b_std=0.05)->Relu->Dense(1024,W_std=1.5,b_std=0.05)->Relu'
        '->Dense(1024,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)')
D, M = 784, 500


def torch_reference(x, xt, y):
    import torch
    dev = torch.device('cuda')
    x, xt, y = (torch.tensor(a, dtype=torch.float64, device=dev) for a in (x, xt, y))
    n = x.shape[0]
    pre, _ = peers.variances((x * x).sum(1) / D)
    pret, covt = peers.variances((xt * xt).sum(1) / D)
    chunk = max(1024, int(2e9 // (8 * n)))
    k, _ = peers.torch_kernel(torch, x, x, pre, pre, False, chunk)
    k.diagonal().add_(peers.DIAG_REG * torch.trace(k) / n)
    L = torch.linalg.cholesky(k)
    del k
    alpha = torch.cholesky_solve(y, L)
    kdt, _ = peers.torch_kernel(torch, x, xt, pre, pret, False, chunk)
    mean = (kdt.T @ alpha).cpu().numpy()
    w = torch.linalg.solve_triangular(L, kdt, upper=False)
    var = (covt - (w * w).sum(0)).cpu().numpy()
    del L, kdt, w
    torch.cuda.empty_cache()
    return mean, var


def rel(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def main():
    bundle, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    refs = {}
    for spec in sys.argv[3:]:
        n_s, _, engine = spec.partition(':')
        n = int(n_s)
        rng = np.random.default_rng(99 + n)
        x, xt = rng.standard_normal((n, D)), rng.standard_normal((M, D))
        y = np.sin(x[:, :1]) + 0.1 * rng.standard_normal((n, 1))
        tag = f'n{n}_{engine or "auto"}'
        for name, a in (('x', x), ('xt', xt), ('y', y)):
            a.astype('<f8').tofile(os.path.join(work, f'{n}_{name}.bin'))
        job = os.path.join(work, f'{tag}.jobs')
        with open(job, 'w') as f:
            f.write('\t'.join(['gp', f'name={tag}', f'arch={ARCH}', f'n={n}', f'm={M}', f'd={D}', 'k=1', 'mode=nngp',
                               f'diagreg={peers.DIAG_REG}', 'dtype=float64', f'xtrain={work}/{n}_x.bin',
                               f'xtest={work}/{n}_xt.bin', f'ytrain={work}/{n}_y.bin']) + '\n')
        cmd = [os.path.join(bundle, 'jre', 'bin', 'java'), '-Xmx48g', '--enable-native-access=ALL-UNNAMED',
               '-Dorg.slf4j.simpleLogger.defaultLogLevel=info'] + ([f'-Dntk4j.gpu.gemm={engine}'] if engine else []) + [
               '-cp', os.path.join(bundle, 'lib', '*'), 'org.ntk4j.bench.gpu.DeviceCheck', 'jobs', job, work]
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=150)
        out = (p.stdout + p.stderr).strip().splitlines()
        status = [l for l in out if l.startswith('job ')] or out[-3:]
        engine_line = [l.split(' - ', 1)[-1] for l in out if 'GEMM engine' in l]
        print(f'{tag}: {"; ".join(status)} ({time.time() - t0:.1f} s){" | " + engine_line[0] if engine_line else ""}', flush=True)
        if not any(' ok ' in l for l in status):
            continue
        if n not in refs:
            refs[n] = torch_reference(x, xt, y)
        mean = np.fromfile(os.path.join(work, f'{tag}.mean.bin'), '<f8').reshape(M, 1)
        var = np.fromfile(os.path.join(work, f'{tag}.var.bin'), '<f8')
        print(f'{tag}: mean rel err {rel(mean, refs[n][0]):.2e}, variance rel err {rel(var, refs[n][1]):.2e} '
              f'(vs PyTorch float64 on the same card)', flush=True)


if __name__ == '__main__':
    main()
