package org.ntk4j.solve;

import java.io.Serializable;
import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.RoundOff;
import org.ntk4j.linalg.Rows;
import org.ntk4j.operator.StreamedKernelOperator;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Regularization;

/**
 * The Nyström solver's model ({@code predict --solver nystrom}) in steps that can run where the data
 * is, for engines that hold the training set in pieces (Spark partitions, {@code org.ntk4j.spark}):
 *
 * <ol>
 *   <li>{@link #centers}: the centers' kernel K_MM factored (on the driver);
 *   <li>{@link #sums}: one piece of the training set's contribution — G = BᵀB, Bᵀy (and F for the NTK
 *       ensemble) with B = K_nM·L⁻ᵀ, plus the kernel's trace for a relative λ; pieces add up with
 *       {@link Sums#plus} in any order;
 *   <li>{@link #solve}: λ, the M×M system G + λI factored and β = (G + λI)⁻¹Bᵀy (on the driver);
 *   <li>{@link #predict}: mean and variances at any test points from the centers and the weights.
 * </ol>
 *
 * Every formula is the Nyström solver's own (the same methods): the results equal
 * {@code ScalablePredict.gpInference} with {@code SolverKind.NYSTROM} on the same centers up to the
 * order of the sums. The parts are plain arrays ({@link Serializable}), so that they can be shipped to
 * other machines. Centers given by row indices are those of
 * {@link LowRankPreconditioner#sample(int, int, long)}: {@code java.util.Random(seed)}, a partial
 * Fisher–Yates shuffle of 0..n−1, the first M indices sorted. Unlike the solver, the steps do not
 * rescale the targets by a power of two first (that is exact, so it changes nothing unless |y| nears
 * 1e308, where Bᵀy could overflow).
 */
public final class NystromSteps {
    private NystromSteps() {}

    /**
     * How the kernels are computed: the architecture's text ({@link org.ntk4j.arch.text.ArchParser}
     * syntax, so that it can be shipped), the kernel to predict with, and whether variances are wanted
     * (the NTK ensemble's variances need a second factor and F).
     */
    public record Model(Architecture arch, Get get, boolean variances) {
        public Model {
            if (arch == null) throw new InvalidInputException("arch", "is required");
            if (get == null) throw new InvalidInputException("get", "is required (nngp, ntk or ntkgp)");
        }

        /** Whether the NTK is computed (it is unless the kernel is the NNGP). */
        public boolean ntk() {
            return get != Get.NNGP;
        }

        /** Whether this is the NTK ensemble with variances (it needs a second factor and F). */
        public boolean ensemble() {
            return get == Get.NTK && variances;
        }

        KernelOptions options() {
            return KernelOptions.defaults().withComputeNtk(ntk());
        }

        Kernels kernels(Matrix x1, Matrix x2) {
            return KernelFunction.of(arch).compute(x1, x2, options());
        }
    }

    /**
     * The M centers (column-major M×d) and the Cholesky factors of their kernels: {@code lower} of the
     * mean kernel's K_MM, {@code lowerNngp} of the NNGP's for the NTK ensemble (else null), both
     * column-major M×M with zeros above the diagonal.
     */
    public record Centers(int m, int d, double[] points, double[] lower, double[] lowerNngp, double rcond)
            implements Serializable {
        public Centers {
            if (m < 1 || d < 1 || points.length != (long) m * d || lower.length != (long) m * m)
                throw new IllegalArgumentException("centers: shapes disagree");
            if (lowerNngp != null && lowerNngp.length != lower.length)
                throw new IllegalArgumentException("centers: the NNGP factor is not M x M");
        }

        /** The centers as a matrix (M×d). */
        public Matrix pointMatrix() {
            return Matrix.wrapColumnMajor(m, d, points.clone());
        }

        Cholesky factor() {
            return Cholesky.ofFactor(NativeMatrix.copyOf(Matrix.wrapColumnMajor(m, m, lower), "L"), rcond);
        }

        Cholesky factorNngp() {
            return lowerNngp == null
                    ? null
                    : Cholesky.ofFactor(NativeMatrix.copyOf(Matrix.wrapColumnMajor(m, m, lowerNngp), "L_K"), 1);
        }
    }

    /**
     * The sums over some training rows: {@code rows} rows with k outputs, the trace of the mean kernel
     * over them, G = BᵀB (M×M, full), Bᵀy (M×k) and F = B_ΘᵀB_K (M×M, NTK ensemble only, else null).
     */
    public record Sums(int m, int k, long rows, double trace, double[] g, double[] by, double[] f)
            implements Serializable {
        public Sums {
            if (g.length != (long) m * m || by.length != (long) m * k || (f != null && f.length != g.length))
                throw new IllegalArgumentException("sums: shapes disagree");
        }

        /** No rows yet (the neutral element of {@link #plus}). */
        public static Sums zero(int m, int k, boolean ensemble) {
            return new Sums(m, k, 0, 0, new double[m * m], new double[m * k], ensemble ? new double[m * m] : null);
        }

        /** The sums over both sets of rows. */
        public Sums plus(Sums o) {
            if (o.m != m || o.k != k || (o.f == null) != (f == null))
                throw new IllegalArgumentException("sums: adding sums of different shapes");
            return new Sums(
                    m, k, rows + o.rows, trace + o.trace, add(g, o.g), add(by, o.by), f == null ? null : add(f, o.f));
        }

        static double[] add(double[] a, double[] b) {
            double[] c = a.clone();
            for (int i = 0; i < c.length; i++) c[i] += b[i];
            return c;
        }
    }

    /**
     * What the fit leaves besides the centers: λ, the lower Cholesky factor of G + λI (M×M; null for
     * weights that give means only, see {@link #falkonWeights}), the weights β (M×k, column-major), F
     * (NTK ensemble, else null), and the system's condition estimate (NaN without the system).
     */
    public record Weights(int m, int k, double lambda, double[] system, double[] beta, double[] f, double condition)
            implements Serializable {
        public Weights {
            if ((system != null && system.length != (long) m * m) || beta.length != (long) m * k)
                throw new IllegalArgumentException("weights: shapes disagree");
        }

        Cholesky factor() {
            if (system == null)
                throw new InvalidInputException(
                        "varianceCol", "these weights were fitted without variances (falkon, no varianceCol)");
            return Cholesky.ofFactor(NativeMatrix.copyOf(Matrix.wrapColumnMajor(m, m, system), "S"), 1 / condition);
        }
    }

    /** Mean (m×k) and variances (length m, or null when not asked for) at some test points. */
    public record Prediction(Matrix mean, double[] variances, int clamped) {
        public Prediction {
            variances = variances == null ? null : variances.clone();
        }

        @Override
        public double[] variances() {
            return variances == null ? null : variances.clone();
        }
    }

    /** The centers' kernels factored (jitter as the Nyström solver adds it). */
    public static Centers centers(Model model, Matrix z) {
        if (z == null || z.rows() == 0) throw new InvalidInputException("centers", "at least one center is needed");
        Kernels zz = model.kernels(z, null);
        try (Cholesky lm = Cholesky.factor(
                        NativeMatrix.copyOf(model.ntk() ? zz.ntk() : zz.nngp(), "center kernel"),
                        JitterPolicy.defaults(),
                        "Nystrom center kernel K_MM");
                Cholesky lk = model.ensemble()
                        ? Cholesky.factor(
                                NativeMatrix.copyOf(zz.nngp(), "center NNGP"),
                                JitterPolicy.defaults(),
                                "Nystrom center NNGP K_MM")
                        : null) {
            return new Centers(
                    z.rows(),
                    z.cols(),
                    z.toColumnMajor(),
                    lm.lower().toColumnMajor(),
                    lk == null ? null : lk.lower().toColumnMajor(),
                    lm.rcond());
        }
    }

    /** The sums over the rows of {@code x} (n×d) with targets {@code y} (n×k), in row blocks of ~4 M kernel entries. */
    public static Sums sums(Model model, Centers c, Matrix x, Matrix y) {
        if (x.rows() != y.rows())
            throw new InvalidInputException("labels", "has " + y.rows() + " rows for " + x.rows() + " feature rows");
        if (x.cols() != c.d())
            throw new InvalidInputException(
                    "features", "has " + x.cols() + " columns, the centers " + c.d() + " (one input dimension)");
        int n = x.rows(), k = y.cols(), mc = c.m();
        if (n == 0) return Sums.zero(mc, k, model.ensemble());
        KernelKind kind = model.get().meanKernel();
        double trace = traceOf(model, x, kind);
        Matrix z = c.pointMatrix();
        double[] xcm = x.toColumnMajor(), ycm = y.toColumnMajor();
        int rows = (int) Math.max(1, Math.min(n, NystromSolver.BLOCK_ENTRIES / mc));
        try (Cholesky lm = c.factor();
                Cholesky lk = model.ensemble() ? c.factorNngp() : null;
                NativeMatrix g = NativeMatrix.zeros(mc, mc, "B^T B");
                NativeMatrix by = NativeMatrix.zeros(mc, k, "B^T y");
                NativeMatrix f = lk != null ? NativeMatrix.zeros(mc, mc, "B_theta^T B_K") : null) {
            NystromSolver.BlockBuffers buf = null;
            try {
                for (int r0 = 0; r0 < n; r0 += rows) {
                    int r1 = Math.min(n, r0 + rows), b = r1 - r0;
                    if (buf == null || buf.rows != b) {
                        if (buf != null) buf.close();
                        buf = new NystromSolver.BlockBuffers(b, mc, k, lk != null);
                    }
                    Kernels kb = model.kernels(Rows.select(xcm, n, x.cols(), r0, r1), z);
                    NystromSolver.Gram.addBlock(kb, Rows.select(ycm, n, k, r0, r1), kind, lm, lk, buf, g, by, f);
                }
            } finally {
                if (buf != null) buf.close();
            }
            g.mirrorLowerToUpper();
            return new Sums(
                    mc,
                    k,
                    n,
                    trace,
                    g.toColumnMajorArray(),
                    by.toColumnMajorArray(),
                    f == null ? null : f.toColumnMajorArray());
        }
    }

    /** The trace of the mean kernel over the rows of x, as the Nyström solver's operator computes its diagonal. */
    private static double traceOf(Model model, Matrix x, KernelKind kind) {
        try (StreamedKernelOperator op =
                StreamedKernelOperator.of(model.arch(), x, KernelOptions.defaults(), model.ntk(), 0)) {
            double t = 0;
            for (double v : op.diagonal(kind)) t += v;
            return t;
        }
    }

    /** λ (relative to the mean diagonal over all rows summed, or absolute) and the weights β. */
    public static Weights solve(Sums s, Regularization reg) {
        return solve(s, lambda(reg, s.trace(), s.rows()));
    }

    /**
     * λ as the Nyström solver resolves {@code reg}: absolute, or relative to the mean diagonal of the
     * mean kernel over the {@code rows} training rows whose diagonal sums to {@code trace}.
     */
    public static double lambda(Regularization reg, double trace, long rows) {
        if (reg == null || reg.isZero())
            throw new InvalidInputException(
                    "diagReg", "the nystrom model needs a regularizer > 0; set diagReg (e.g. 1e-4)");
        if (rows == 0) throw new InvalidInputException("dataset", "has no rows to fit");
        if (rows > Integer.MAX_VALUE) throw new InvalidInputException("dataset", "has more than 2^31 - 1 rows");
        return reg.absolute() ? reg.diagReg() : reg.lambda(trace, (int) rows);
    }

    /** The weights β for a resolved λ &gt; 0 ({@link #lambda}). */
    public static Weights solve(Sums s, double lambda) {
        if (s.rows() == 0) throw new InvalidInputException("dataset", "has no rows to fit");
        int mc = s.m(), k = s.k();
        try (NativeMatrix g = NativeMatrix.copyOf(Matrix.wrapColumnMajor(mc, mc, s.g()), "G");
                Cholesky sys = NystromSolver.factorSystem(g, lambda);
                NativeMatrix beta = NativeMatrix.copyOf(Matrix.wrapColumnMajor(mc, k, s.by()), "beta")) {
            sys.solveInPlace(beta);
            return new Weights(
                    mc,
                    k,
                    lambda,
                    sys.lower().toColumnMajor(),
                    beta.toColumnMajorArray(),
                    s.f() == null ? null : s.f().clone(),
                    sys.conditionEstimate());
        }
    }

    /**
     * Falkon's right-hand sides over some training rows: b = K_Mn·y (M×k, column-major, the raw mean
     * kernel against the centers) with the rows' count and the trace of their mean kernel (for a
     * relative λ, {@link #lambda}); pieces add up with {@link #plus} in any order.
     */
    public record Rhs(int m, int k, long rows, double trace, double[] b) implements Serializable {
        public Rhs {
            if (b.length != (long) m * k) throw new IllegalArgumentException("rhs: shapes disagree");
        }

        /** No rows yet (the neutral element of {@link #plus}). */
        public static Rhs zero(int m, int k) {
            return new Rhs(m, k, 0, 0, new double[m * k]);
        }

        /** The right-hand sides over both sets of rows. */
        public Rhs plus(Rhs o) {
            if (o.m != m || o.k != k)
                throw new IllegalArgumentException("rhs: adding right-hand sides of different shapes");
            return new Rhs(m, k, rows + o.rows, trace + o.trace, Sums.add(b, o.b));
        }
    }

    /** Falkon's right-hand sides over the rows of {@code x} (n×d) with targets {@code y} (n×k), in row blocks. */
    public static Rhs rhs(Model model, Centers c, Matrix x, Matrix y) {
        checkRows(c, x, y);
        int n = x.rows(), k = y.cols();
        if (n == 0) return Rhs.zero(c.m(), k);
        double[] ycm = y.toColumnMajor();
        double[] b = kernelPass(model, c, x, k, (kb, out, r0, r1) -> {
            try (NativeMatrix yb = NativeMatrix.copyOf(Rows.select(ycm, n, k, r0, r1), "y block")) {
                Blas.gemm(true, false, 1.0, kb, yb, 1.0, out);
            }
        });
        return new Rhs(c.m(), k, n, traceOf(model, x, model.get().meanKernel()), b);
    }

    /**
     * Falkon's data term over the rows of {@code x}: K_xMᵀ·(K_xM·V) for V column-major M×k (the raw mean
     * kernel, as {@link Falkon}'s contract asks), in row blocks of ~4 M kernel entries; a new M×k array.
     * Pieces over disjoint rows add up to K_MnK_nM·V.
     */
    public static double[] dataTerm(Model model, Centers c, Matrix x, double[] v, int k) {
        if (x.cols() != c.d())
            throw new InvalidInputException(
                    "features", "has " + x.cols() + " columns, the centers " + c.d() + " (one input dimension)");
        if (x.rows() == 0) return new double[c.m() * k];
        try (NativeMatrix vm = NativeMatrix.copyOf(Matrix.wrapColumnMajor(c.m(), k, v), "V")) {
            return kernelPass(model, c, x, k, (kb, out, r0, r1) -> {
                try (NativeMatrix t = Blas.multiply(false, kb, false, vm, "K_bM V")) {
                    Blas.gemm(true, false, 1.0, kb, t, 1.0, out);
                }
            });
        }
    }

    /** Falkon's preconditioner from the centers' own factor (so K̃_MM, jitter included, is the model's). */
    public static FalkonPreconditioner falkonPreconditioner(Centers c, double lambda, long n) {
        Cholesky l = c.factor();
        try {
            return FalkonPreconditioner.of(l, true, lambda, n);
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
    }

    /**
     * The weights of the same Nyström model from Falkon's α: β = Lᵀ·α (the mean is K_tM·α =
     * K_tM·L⁻ᵀ·β), with the factor of G + λI, F and the condition taken from {@code direct} (the
     * direct solve's weights at the same λ, needed for variances), or none ({@code system} null) when
     * {@code direct} is null: such weights give means only.
     */
    public static Weights falkonWeights(Centers c, double lambda, Falkon.Result fit, Weights direct) {
        int mc = c.m(), k = fit.k();
        double[] alpha = fit.alpha(), l = c.lower(), beta = new double[mc * k];
        for (int j = 0; j < k; j++)
            for (int i = 0; i < mc; i++) {
                double s = 0;
                for (int r = i; r < mc; r++) s += l[i * mc + r] * alpha[j * mc + r]; // L[r, i]
                beta[j * mc + i] = s;
            }
        if (direct == null) return new Weights(mc, k, lambda, null, beta, null, Double.NaN);
        if (direct.m() != mc || direct.k() != k || direct.lambda() != lambda)
            throw new IllegalArgumentException("falkon weights: the direct solve is of another system");
        return new Weights(mc, k, lambda, direct.system(), beta, direct.f(), direct.condition());
    }

    private interface BlockStep {
        void accumulate(NativeMatrix kb, NativeMatrix out, int r0, int r1);
    }

    /** One pass over x's row blocks, each block's mean kernel against the centers handed to {@code step}; the M×k sum. */
    private static double[] kernelPass(Model model, Centers c, Matrix x, int k, BlockStep step) {
        int n = x.rows(), mc = c.m();
        KernelKind kind = model.get().meanKernel();
        Matrix z = c.pointMatrix();
        double[] xcm = x.toColumnMajor();
        int rows = (int) Math.max(1, Math.min(n, NystromSolver.BLOCK_ENTRIES / mc));
        try (NativeMatrix out = NativeMatrix.zeros(mc, k, "K_Mn V")) {
            for (int r0 = 0; r0 < n; r0 += rows) {
                int r1 = Math.min(n, r0 + rows);
                Kernels blk = model.kernels(Rows.select(xcm, n, x.cols(), r0, r1), z);
                try (NativeMatrix kb = NativeMatrix.copyOf(kind == KernelKind.NTK ? blk.ntk() : blk.nngp(), "K_bM")) {
                    step.accumulate(kb, out, r0, r1);
                }
            }
            return out.toColumnMajorArray();
        }
    }

    private static void checkRows(Centers c, Matrix x, Matrix y) {
        if (x.rows() != y.rows())
            throw new InvalidInputException("labels", "has " + y.rows() + " rows for " + x.rows() + " feature rows");
        if (x.cols() != c.d())
            throw new InvalidInputException(
                    "features", "has " + x.cols() + " columns, the centers " + c.d() + " (one input dimension)");
    }

    /** Mean and, when the model asks for them, variances at the rows of {@code xt}, in one block. */
    public static Prediction predict(Model model, Centers c, Weights w, Matrix xt) {
        if (xt.cols() != c.d())
            throw new InvalidInputException(
                    "features", "has " + xt.cols() + " columns, the centers " + c.d() + " (one input dimension)");
        if (xt.rows() == 0) return new Prediction(Matrix.wrapColumnMajor(0, w.k(), new double[0]), null, 0);
        Kernels tz = model.kernels(xt, c.pointMatrix());
        try (Cholesky lm = c.factor();
                NativeMatrix bt = NystromSolver.whitened(tz, model.ntk(), lm);
                NativeMatrix beta = NativeMatrix.copyOf(Matrix.wrapColumnMajor(w.m(), w.k(), w.beta()), "beta")) {
            Matrix mean = NystromSolver.mean(bt, beta);
            if (!model.variances()) return new Prediction(mean, null, 0);
            double[] var;
            try (Cholesky s = w.factor()) {
                if (model.ensemble()) {
                    try (Cholesky lk = c.factorNngp();
                            NativeMatrix f = NativeMatrix.copyOf(Matrix.wrapColumnMajor(w.m(), w.m(), w.f()), "F")) {
                        var = NystromSolver.ensembleVarianceDiagonal(tz.cov1(), bt, s, lk, tz.nngp(), f);
                    }
                } else {
                    double[] prior = model.get() == Get.NTKGP ? priorNtk(model, xt) : tz.cov1();
                    var = NystromSolver.gpVarianceDiagonal(prior, bt, s, w.lambda());
                }
            }
            int clamped = RoundOff.clampNegative(var);
            return new Prediction(mean, var, clamped);
        }
    }

    private static double[] priorNtk(Model model, Matrix xt) {
        try (StreamedKernelOperator op =
                StreamedKernelOperator.of(model.arch(), xt, KernelOptions.defaults(), true, 0)) {
            return op.priorVariances(xt, KernelKind.NTK);
        }
    }

    /** The training-row indices of M centers among n rows for {@code seed} (see the class comment). */
    public static int[] centerIndices(int n, int m, long seed) {
        if (m < 1 || m > n)
            throw new InvalidInputException("centers", "must be between 1 and the " + n + " training rows, got " + m);
        return LowRankPreconditioner.sample(n, m, seed);
    }
}
