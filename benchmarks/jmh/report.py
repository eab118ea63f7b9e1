#!/usr/bin/env python3
"""JMH JSON -> Markdown tables (benchmarks/jmh/run.sh calls it).

usage: report.py RESULT.json OUT.md [LOAD_BEFORE] [LOAD_AFTER] [JMH_ARGS]
Derived figures: per-layer recursion cost (ns per entry, from depth 4 vs depth 1 on a 128x128 tile),
GFLOP/s of the Gram (n(n+1)d flops), DGEMM (2 size^3), potrf (n^3/3), trsm (n^2 rhs), and their
fraction of the DGEMM peak measured in the same run.
"""
import datetime
import json
import math
import os
import platform
import subprocess
import sys

TO_S = {"ns/op": 1e-9, "us/op": 1e-6, "ms/op": 1e-3, "s/op": 1.0}
TILE_ENTRIES = 128 * 128


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine():
    model = ""
    for line in sh("lscpu").splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    return model or platform.processor(), os.cpu_count(), mem_kib / 2**20


def commit():
    c = sh("git rev-parse --short HEAD") or "unknown"
    dirty = sh("git status --porcelain --untracked-files=no")
    return c + (" (with uncommitted changes)" if dirty else ""), sh("git rev-parse --abbrev-ref HEAD")


def seconds(entry):
    m = entry["primaryMetric"]
    f = TO_S[m["scoreUnit"]]
    err = m.get("scoreError")
    err = err * f if isinstance(err, (int, float)) and math.isfinite(err) else float("nan")
    return m["score"] * f, err


def short(entry):
    return entry["benchmark"].rsplit(".", 2)[-2] + "." + entry["benchmark"].rsplit(".", 1)[-1]


def fmt(x, digits=3):
    if not isinstance(x, (int, float)) or not math.isfinite(x):  # JMH writes "NaN" as a string
        return "-"
    return f"{x:.{digits}g}"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, out = sys.argv[1], sys.argv[2]
    load_before = sys.argv[3] if len(sys.argv) > 3 else "?"
    load_after = sys.argv[4] if len(sys.argv) > 4 else "?"
    args = sys.argv[5] if len(sys.argv) > 5 else ""
    with open(path) as f:
        data = json.load(f)
    if not data:
        sys.exit(f"report.py: {path} holds no results (no benchmark matched or ran)")
    model, cpus, ram = machine()
    c, branch = commit()
    first = data[0]
    lines = [
        f"# JMH benchmarks, {datetime.date.today().isoformat()}",
        "",
        f"- machine: {model}, {cpus} CPUs (nproc), {ram:.1f} GiB RAM",
        f"- JDK: {first.get('vmName', '?')} {first.get('jdkVersion', '?')} ({first.get('vmVersion', '')}); JMH {first.get('jmhVersion', '?')}",
        f"- JVM args: `{' '.join(first.get('jvmArgs', []))}`",
        f"- commit: {c} on branch {branch}",
        f"- command: `benchmarks/jmh/run.sh {args}`".replace("run.sh `", "run.sh`"),
        f"- load average (1, 5, 15 min): {load_before} before, {load_after} after "
        "(the machine is shared: times on a loaded machine are inflated)",
        "- score ± JMH's 99.9% confidence half-width over the measurement iterations (- where too few); with the "
        "default 3 iterations that is 31.6 standard errors (Student t, 2 degrees of freedom), so it is wide",
        "",
    ]

    by = {}
    for e in data:
        by.setdefault(short(e), []).append(e)

    # 1. recursion per activation
    rec = {}
    for e in by.get("RecursionBench.tile", []):
        rec.setdefault(e["params"]["act"], {})[int(e["params"]["depth"])] = seconds(e)
    if rec:
        java_only = any("-Dntk4j.native.cpu=false" in " ".join(e.get("jvmArgs", [])) for e in by.get("RecursionBench.tile", []))
        lines += ["## Recursion per activation (one 128x128 tile, 1 thread)", "",
                  "Per layer = Dense update + the activation's T and Ṫ maps + NTK update: "
                  "(t(depth 4) − t(depth 1)) / 3 / 128², in ns per kernel entry (NNGP and NTK together). "
                  + ("Every map in Java (-Dntk4j.native.cpu=false)." if java_only else
                     "The arc-cosine family (Relu, LeakyRelu, ABRelu, Abs) runs its map in C (libntk4j_cpu, JNI) "
                     "where the build has it; the others in Java."), "",
                  "| activation | ns/entry per layer | ± | depth 1 tile µs | depth 4 tile µs |", "|---|---|---|---|---|"]
        rows = []
        for act, d in rec.items():
            if 1 in d and 4 in d:
                (t1, e1), (t4, e4) = d[1], d[4]
                per = (t4 - t1) / 3 / TILE_ENTRIES * 1e9
                err = math.sqrt(e1 ** 2 + e4 ** 2) / 3 / TILE_ENTRIES * 1e9
                rows.append((per, f"| {act} | {per:.2f} | {fmt(err, 2)} | {t1 * 1e6:.1f} | {t4 * 1e6:.1f} |"))
            else:
                rows.append((float("inf"), f"| {act} | - (needs depth 1 and 4) | - | - | - |"))
        lines += [r for _, r in sorted(rows)] + [""]

    # 2. Gram vs DGEMM peak
    peak = None
    for e in by.get("GramBench.dgemm", []):
        s = int(e["params"]["size"])
        t, _ = seconds(e)
        peak = 2.0 * s ** 3 / t / 1e9
    gram_rows = []
    for name, label in (("GramBench.gramPanels", "Gram as KernelFunction computes it (32 MiB panels: dsyrk + dgemm)"),
                        ("GramBench.gramPanelsInPlace", "Gram, the same panels written into the n x n output (off-heap path)"),
                        ("GramBench.gramSyrk", "Gram, one cblas_dsyrk (upper triangle)")):
        for e in by.get(name, []):
            n, d = int(e["params"]["n"]), int(e["params"]["d"])
            t, err = seconds(e)
            gf = n * (n + 1) * d / t / 1e9
            gram_rows.append(f"| {label}, n={n}, d={d} | {t * 1e3:.1f} ± {fmt(err * 1e3)} | {gf:.1f} | {fmt(gf / peak) if peak else '-'} |")
    for e in by.get("GramBench.dgemm", []):
        s = int(e["params"]["size"])
        t, err = seconds(e)
        gram_rows.append(f"| DGEMM peak: cblas_dgemm {s}x{s}x{s} | {t * 1e3:.1f} ± {fmt(err * 1e3)} | {peak:.1f} | 1 |")
    if gram_rows:
        lines += ["## Input Gram matrix vs DGEMM peak (OpenBLAS, all threads)", "",
                  "Gram flops counted: n(n+1)·d (its upper triangle); DGEMM: 2·size³.", "",
                  "| what | ms | GFLOP/s | fraction of DGEMM peak |", "|---|---|---|---|"] + gram_rows + [""]

    # 3. Cholesky and trsm
    lin = []
    for name, label, flops in (("CholeskyBench.potrf", "LAPACKE_dpotrf", lambda p: int(p["n"]) ** 3 / 3),
                               ("CholeskyBench.choleskyFactor", "Cholesky.factor (dlansy + dpotrf + dpocon)", lambda p: int(p["n"]) ** 3 / 3),
                               ("CholeskyBench.trsm", "trsm L⁻¹B (Blas.solveLowerLeft)", lambda p: int(p["n"]) ** 2 * int(p["rhs"]))):
        for e in sorted(by.get(name, []), key=lambda e: int(e["params"]["n"])):
            p = e["params"]
            t, err = seconds(e)
            gf = flops(p) / t / 1e9
            rhs = f", rhs={p['rhs']}" if "rhs" in p else ""
            lin.append(f"| {label} | {p['n']}{rhs} | {t * 1e3:.1f} ± {fmt(err * 1e3)} | {gf:.1f} | {fmt(gf / peak) if peak else '-'} |")
    if lin:
        lines += ["## Cholesky and triangular solve (OpenBLAS, all threads)", "",
                  "Flops: potrf n³/3, trsm n²·rhs.", "",
                  "| what | n | ms | GFLOP/s | fraction of DGEMM peak |", "|---|---|---|---|---|"] + lin + [""]

    # 4. end to end
    e2e = []
    for e in sorted(by.get("PredictBench.fitPredictNngp", []), key=lambda e: int(e["params"]["n"])):
        p = e["params"]
        t, err = seconds(e)
        e2e.append(f"| {p['n']} | {p['m']} | {p['d']} | {t:.3f} ± {fmt(err)} |")
    if e2e:
        lines += ["## End to end: Predict.gpInference, NNGP mean + per-point variances", "",
                  "`[Dense(512, 1.5, 0.1) -> Relu] x 2 -> Dense(1)`, diag-reg 1e-4 (relative), float64, "
                  "kernels + Cholesky + solves (no JVM start, no file I/O).", "",
                  "| n (train) | m (test) | d | s |", "|---|---|---|---|"] + e2e + [""]

    lines += ["## All results", "", "| benchmark | params | score | ± | unit |", "|---|---|---|---|---|"]
    for e in data:
        m = e["primaryMetric"]
        params = ", ".join(f"{k}={v}" for k, v in e.get("params", {}).items())
        lines.append(f"| {short(e)} | {params} | {fmt(m['score'], 4)} | {fmt(m.get('scoreError'), 2)} | {m['scoreUnit']} |")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
