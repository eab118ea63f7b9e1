package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.Ntk4jException;
import org.ntk4j.io.Npy;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.LinearizedPrediction;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Predict;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;
import org.ntk4j.softopt.Maximin;
import org.ntk4j.softopt.Prior;
import org.ntk4j.softopt.SoftPolicy;
import org.ntk4j.solve.ScalablePredict;
import org.ntk4j.solve.SolverKind;
import org.ntk4j.solve.SolverOptions;
import org.ntk4j.testing.Compare;

/**
 * Issue 13's hostile numeric cases, tallied per family (the counts of the robustness report):
 * inputs and targets scaled by 1e±20 … 1e±307, huge/zero/tiny λ, extreme training times, float32,
 * soft-optimizer extremes, through the Java API and (the audit's cases) the command line in-process.
 * Each outcome is a finite result (checked against an exact scaling law where one exists: "wrong"
 * otherwise), a clean typed error (an ntk4j exception; CLI exit 3/4/5 with one line on stderr), an
 * internal error (any other exception; CLI exit 70) or a non-finite output (returned or written).
 * Writes the table to target/numeric-robustness.md; fails on any wrong, internal or non-finite outcome.
 */
class NumericRobustnessTallyTest {
    enum Outcome {
        FINITE,
        TYPED,
        WRONG,
        INTERNAL,
        NON_FINITE
    }

    @TempDir
    Path dir;

    final Map<String, int[]> tally = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();
    final List<String> typed = new ArrayList<>(); // the clean errors, with their messages, for the report

    static final int[] EXPONENTS = {-307, -300, -200, -155, -150, -100, -77, -20, 20, 77, 100, 150, 155, 200, 300, 307};

    static Matrix scaled(Matrix m, double s) {
        double[] a = m.toColumnMajor();
        for (int i = 0; i < a.length; i++) a[i] *= s;
        return Matrix.wrapColumnMajor(m.rows(), m.cols(), a);
    }

    static boolean finite(Matrix m) {
        return m == null || m.firstNonFinite() < 0;
    }

    /** max|a − b| ≤ tol·max|b|. */
    static boolean close(Matrix a, Matrix b, double tol) {
        return Compare.relErr(a, b) <= tol;
    }

    /** Runs one API case: its value must be finite (isFinite) and, where an oracle is given, right. */
    <T> void api(String family, String label, Supplier<T> run, Predicate<T> isFinite, Predicate<T> right) {
        Outcome o;
        try {
            T v = run.get();
            o = !isFinite.test(v)
                    ? Outcome.NON_FINITE
                    : right == null || right.test(v) ? Outcome.FINITE : Outcome.WRONG;
        } catch (Ntk4jException e) {
            o = e.getMessage() != null && !e.getMessage().contains("\n") ? Outcome.TYPED : Outcome.INTERNAL;
            label += ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (RuntimeException e) {
            o = Outcome.INTERNAL;
            label += ": " + e;
        }
        record(family, label, o);
    }

    /** Runs one CLI case; on exit 0 every .npy written must be finite. */
    void cli(String family, String label, Path out, String... args) {
        CliRun r = CliRun.of(args);
        Outcome o;
        if (r.code() == 0) {
            o = Outcome.FINITE;
            try (var files = Files.list(out)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".npy")).toList())
                    try {
                        Npy.read(f);
                    } catch (org.ntk4j.error.InvalidInputException e) { // the reader refuses NaN/Inf
                        o = Outcome.NON_FINITE;
                    }
            } catch (java.io.IOException e) {
                o = Outcome.INTERNAL;
            }
        } else if ((r.code() == 3 || r.code() == 4 || r.code() == 5)
                && r.err().lines().count() == 1) {
            o = Outcome.TYPED;
            label += ": " + r.err().strip();
        } else o = Outcome.INTERNAL;
        record(family, label + " (exit " + r.code() + ")", o);
    }

    void record(String family, String label, Outcome o) {
        tally.computeIfAbsent(family, k -> new int[Outcome.values().length])[o.ordinal()]++;
        if (o == Outcome.WRONG || o == Outcome.INTERNAL || o == Outcome.NON_FINITE)
            problems.add(family + " / " + label + ": " + o);
        if (o == Outcome.TYPED) typed.add(family + " / " + label);
    }

    @Test
    void hostileNumericCasesGiveFiniteResultsOrTypedErrors() throws Exception {
        kernelsOfScaledInputs();
        posteriorsOfScaledTargets();
        linearizedOfScaledTargets();
        posteriorsOfScaledInputs();
        regularizationAndTime();
        softoptExtremes();
        commandLine();

        StringBuilder t = new StringBuilder(
                "| family | tried | finite (correct) | clean typed error | wrong | internal error | non-finite output |\n|---|---|---|---|---|---|---|\n");
        int[] all = new int[Outcome.values().length];
        tally.forEach((f, c) -> {
            int tried = 0;
            for (int i = 0; i < c.length; i++) {
                tried += c[i];
                all[i] += c[i];
            }
            t.append(String.format(
                    Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d |%n", f, tried, c[0], c[1], c[2], c[3], c[4]));
        });
        int tried = 0;
        for (int c : all) tried += c;
        t.append(String.format(
                Locale.ROOT,
                "| **all** | %d | %d | %d | %d | %d | %d |%n",
                tried,
                all[0],
                all[1],
                all[2],
                all[3],
                all[4]));
        System.out.println(t);
        Files.writeString(
                Path.of("target", "numeric-robustness.md"),
                t + "\nClean typed errors:\n\n- " + String.join("\n- ", typed) + "\n");
        assertEquals(List.of(), problems);
    }

    /** Bias-free ReLU/Abs (homogeneous of degree 2: oracle), Sign (scale-free: oracle), with bias, Erf, Gelu; float64 and float32. */
    void kernelsOfScaledInputs() {
        Matrix x = NonFiniteCliTest.data(6, 3, 1, 1);
        String[][] archs = {
            {"Dense(32,W_std=1.5)->Relu->Dense(32,W_std=1.5)->Relu->Dense(1,W_std=1.5)", "2"},
            {"Dense(32,W_std=1.3)->Abs->Dense(1,W_std=1.2)", "2"},
            {"Dense(32,W_std=1.3)->Sign->Dense(1,W_std=1.2)", "0"},
            {"Dense(32,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)", ""},
            {"Dense(32,W_std=1.2,b_std=0.1)->Erf->Dense(1)", ""},
            {"Dense(32,W_std=1.2,b_std=0.1)->Gelu->Dense(1)", ""}
        };
        for (String[] a : archs) {
            KernelFunction kf = KernelFunction.of(ArchParser.parse(a[0]));
            Kernels ref = kf.compute(x, null);
            for (DType dt : DType.values())
                for (int e : EXPONENTS) {
                    double s = Math.pow(10, e);
                    Predicate<Kernels> right = a[1].isEmpty()
                            ? null
                            : k -> {
                                double f = a[1].equals("0") ? 1 : s; // K(s·x) = s^power·K(x), applied as f·f
                                double tol = dt == DType.FLOAT32 ? 2e-6 : 1e-12;
                                Matrix wn = scaled(scaled(ref.nngp(), f), f), wt = scaled(scaled(ref.ntk(), f), f);
                                double min = 1e-290
                                        * (dt == DType.FLOAT32
                                                ? 1e252
                                                : 1); // near the bottom of the range only ~rounding holds
                                if (Math.abs(wn.get(0, 0)) < min) return true;
                                return close(k.nngp(), wn, tol) && close(k.ntk(), wt, tol);
                            };
                    api(
                            "kernel, inputs x 1e±20…1e±307 (6 archs, float64/float32)",
                            a[0] + " " + dt + " 1e" + e,
                            () -> kf.compute(
                                    scaled(x, s), null, KernelOptions.defaults().withDtype(dt)),
                            k -> finite(k.nngp()) && finite(k.ntk()),
                            right);
                }
        }
    }

    static final Architecture NET =
            ArchParser.parse("Dense(32,W_std=1.5)->Relu->Dense(32,W_std=1.5)->Relu->Dense(1,W_std=1.5)");
    static final Matrix X = NonFiniteCliTest.data(10, 3, 2, 1),
            Y = NonFiniteCliTest.data(10, 1, 3, 1),
            XT = NonFiniteCliTest.data(4, 3, 4, 1);

    static boolean finite(Posterior p) {
        return finite(p.mean())
                && finite(p.covariance())
                && (p.variances() == null
                        || java.util.Arrays.stream(p.variances()).allMatch(Double::isFinite));
    }

    /** Targets ×1e±20…1e±307 on the exact and CG paths: mean = scale × the unit mean, variances unchanged. */
    void posteriorsOfScaledTargets() {
        for (SolverKind solver : new SolverKind[] {SolverKind.EXACT, SolverKind.CG, SolverKind.NYSTROM})
            for (Get get : Get.values()) {
                PredictOptions o = PredictOptions.defaults()
                        .withRegularization(Regularization.relative(1e-4))
                        .withCovariance(CovarianceMode.DIAGONAL);
                SolverOptions so = SolverOptions.defaults().withSolver(solver);
                Posterior ref =
                        ScalablePredict.gpInference(NET, X, Y, XT, get, o, so).posterior();
                for (int e : EXPONENTS) {
                    double s = Math.pow(10, e);
                    api(
                            "posterior, targets x 1e±20…1e±307 (exact, cg, nystrom; nngp/ntk/ntkgp)",
                            solver + " " + get + " 1e" + e,
                            () -> ScalablePredict.gpInference(NET, X, scaled(Y, s), XT, get, o, so)
                                    .posterior(),
                            NumericRobustnessTallyTest::finite,
                            p -> Math.abs(e) > 290
                                    || (close(p.mean(), scaled(ref.mean(), s), 1e-8)
                                            && close(
                                                    Matrix.column(p.variances()),
                                                    Matrix.column(ref.variances()),
                                                    1e-8)));
                }
            }
    }

    /** A linearized network (initial outputs 0) with targets ×1e±20…1e±307 at t = 2 and ∞: outputs = scale × the unit outputs. */
    void linearizedOfScaledTargets() {
        PredictOptions o = PredictOptions.defaults().withRegularization(Regularization.relative(1e-4));
        for (double t : new double[] {2, Double.POSITIVE_INFINITY}) {
            LinearizedPrediction ref = Predict.linearized(NET, X, Y, XT, null, null, Get.NTK, t, o);
            for (int e : EXPONENTS) {
                double s = Math.pow(10, e);
                api(
                        "linearized network, targets x 1e±20…1e±307 (t = 2, inf)",
                        "t=" + t + " 1e" + e,
                        () -> Predict.linearized(NET, X, scaled(Y, s), XT, null, null, Get.NTK, t, o),
                        p -> finite(p.train()) && finite(p.test()),
                        p -> Math.abs(e) > 290
                                || (close(p.train(), scaled(ref.train(), s), 1e-8)
                                        && close(p.test(), scaled(ref.test(), s), 1e-8)));
            }
        }
    }

    /** Inputs ×1e±20…1e±307, bias-free ReLU: the mean is scale-free, the variances scale by s². */
    void posteriorsOfScaledInputs() {
        for (Get get : Get.values()) {
            PredictOptions o = PredictOptions.defaults()
                    .withRegularization(Regularization.relative(1e-4))
                    .withCovariance(CovarianceMode.DIAGONAL);
            Posterior ref = Predict.gpInference(NET, X, Y, XT, get, o);
            for (int e : EXPONENTS) {
                double s = Math.pow(10, e);
                api(
                        "posterior, inputs x 1e±20…1e±307 (bias-free ReLU; nngp/ntk/ntkgp)",
                        get + " 1e" + e,
                        () -> Predict.gpInference(NET, scaled(X, s), Y, scaled(XT, s), get, o),
                        NumericRobustnessTallyTest::finite,
                        p -> Math.abs(e) > 150
                                || (close(p.mean(), ref.mean(), 1e-8)
                                        && close(
                                                scaled(scaled(Matrix.column(p.variances()), 1 / s), 1 / s),
                                                Matrix.column(ref.variances()),
                                                1e-8)));
            }
        }
    }

    /** λ from 0 to 1e308 (relative and absolute) × t from 0 to ∞, NTK ensemble with variances. */
    void regularizationAndTime() {
        double[] regs = {0, 1e-300, 1e-20, 1e-4, 1e20, 1e300, 1e308};
        double[] times = {0, 1e-300, 2, 1e300, Double.POSITIVE_INFINITY};
        for (boolean absolute : new boolean[] {false, true})
            for (double reg : regs)
                for (double t : times) {
                    PredictOptions o = PredictOptions.defaults()
                            .withCovariance(CovarianceMode.DIAGONAL)
                            .withRegularization(absolute ? Regularization.absolute(reg) : Regularization.relative(reg));
                    api(
                            "ensemble, diag-reg 0…1e308 (relative/absolute) x t 0…inf",
                            (absolute ? "absolute " : "relative ") + reg + " t=" + t,
                            () -> Predict.ensemble(NET, X, Y, XT, Get.NTK, new double[] {t}, o)
                                    .get(0),
                            NumericRobustnessTallyTest::finite,
                            null);
                }
    }

    /** Utilities 1e-300…1.7e308 with mixed signs × ε 0…MAX × priors uniform/huge/tiny: S(t*) = ε. */
    void softoptExtremes() {
        double[] scales = {1e-300, 1e-150, 1, 1e150, 1e300, 1e307, 1.7e308};
        double[] epsFactors = {0, 1e-300, 1e-3, 1, 9e307, 1e308};
        double[][] priors = {{1, 1, 1, 1}, {1e308, 1e308, 1e308, 0.5e308}, {1e-300, 4.9e-324, 1e-300, 2e-300}};
        for (double s : scales)
            for (double ef : epsFactors)
                for (double[] w : priors) {
                    double[] u = {s, 0, -s / 3, s / 7};
                    double eps = Math.min(Double.MAX_VALUE, ef <= 1 ? ef * s : ef);
                    api(
                            "softopt maximin, |U| 1e-300…1.7e308 x eps 0…1e308 x priors",
                            "U~" + s + " eps=" + eps + " prior~" + w[0],
                            () -> Maximin.solve(Prior.normalize(w), u, eps),
                            (SoftPolicy p) -> Double.isFinite(p.threshold())
                                    && p.guaranteedValue().isPresent(),
                            p -> Math.abs(Maximin.expectedExcess(Prior.normalize(w), u, p.threshold()) - eps)
                                    <= 1e-9 * Math.max(s, eps));
                }
    }

    Path npy(String name, Matrix m) {
        Path f = dir.resolve(name);
        Npy.write(f, m);
        return f;
    }

    /** The audit's cases through the command line. */
    void commandLine() {
        String arch = "Dense(32,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)";
        String x = npy("x.npy", X).toString(), xt = npy("xt.npy", XT).toString();
        String yHuge = npy("yh.npy", scaled(Y, 1e307)).toString(),
                y = npy("y.npy", Y).toString();
        int[] n = {0};
        java.util.function.Function<String[], String[]> predict = more -> {
            List<String> a = new ArrayList<>(List.of("predict", "--arch", arch, "--x-train", x, "--x-test", xt));
            a.addAll(List.of(more));
            return a.toArray(String[]::new);
        };
        for (String solver : new String[] {"exact", "cg"}) {
            Path out = dir.resolve("p" + n[0]++);
            cli(
                    "command line (audit cases)",
                    "predict --y-train x1e307 --diag-reg 1e-4 --solver " + solver,
                    out,
                    predict.apply(new String[] {
                        "--y-train", yHuge, "--diag-reg", "1e-4", "--solver", solver, "--out", out.toString()
                    }));
        }
        for (String dt : new String[] {"float64", "float32"}) {
            Path out = dir.resolve("p" + n[0]++);
            cli(
                    "command line (audit cases)",
                    "predict --y-train x1e307 --dtype " + dt,
                    out,
                    predict.apply(new String[] {
                        "--y-train", yHuge, "--diag-reg", "1e-4", "--dtype", dt, "--out", out.toString()
                    }));
        }
        for (String t : new String[] {"2", "inf"}) {
            Path out = dir.resolve("p" + n[0]++);
            cli("command line (audit cases)", "predict --diag-reg 1e308 --time " + t, out, predict.apply(new String[] {
                "--y-train", y, "--diag-reg", "1e308", "--time", t, "--out", out.toString()
            }));
        }
        for (double s : new double[] {1e20, 1e-150, 1e150}) {
            for (String dt : new String[] {"float64", "float32"}) {
                Path out = dir.resolve("k" + n[0]++);
                cli(
                        "command line (audit cases)",
                        "kernel x" + s + " --dtype " + dt,
                        out,
                        "kernel",
                        "--arch",
                        "Dense(32,W_std=1.5)->Relu->Dense(1,W_std=1.5)",
                        "--x1",
                        npy("xs" + n[0] + ".npy", scaled(X, s)).toString(),
                        "--dtype",
                        dt,
                        "--out",
                        out.toString());
            }
        }
        Path u = dir.resolve("u.npy"), g = dir.resolve("g.npy");
        Npy.writeVector(u, new double[] {1e308, 0, -1});
        Npy.writeVector(g, new double[] {1e308, 1e308, 1e308});
        Path o1 = dir.resolve("s1"), o2 = dir.resolve("s2");
        cli(
                "command line (audit cases)",
                "softopt U=[1e308,0,-1] --epsilon 9e307",
                o1,
                "softopt",
                "--utility",
                u.toString(),
                "--epsilon",
                "9e307",
                "--out",
                o1.toString());
        cli(
                "command line (audit cases)",
                "softopt --prior [1e308]*3",
                o2,
                "softopt",
                "--utility",
                u.toString(),
                "--prior",
                g.toString(),
                "--epsilon",
                "1",
                "--out",
                o2.toString());
    }
}
