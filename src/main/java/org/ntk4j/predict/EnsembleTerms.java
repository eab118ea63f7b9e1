package org.ntk4j.predict;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.JitterReport;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.RoundOff;
import org.ntk4j.linalg.Rows;

/**
 * One prediction call of {@link GradientDescentEnsemble}: the test kernels projected on the
 * eigenbasis once (Q = M_td V, P = K_td V), then cheap spectral formulas per time.
 */
final class EnsembleTerms implements AutoCloseable {
    private final Get get;
    private final RegularizedEigen eig;
    private final NativeMatrix coeff; // Vᵀ Y·2^-coeffExponent (not owned)
    private final int coeffExponent;
    private final NativeMatrix kddEig; // Vᵀ K_dd V (not owned; NTK covariance only)
    private final NativeMatrix q; // M_td V (owned; test set only)
    private final NativeMatrix p; // K_td V (owned; NTK test covariance only)
    private long factorNanos;
    private long prepNanos;

    private EnsembleTerms(
            Get get,
            RegularizedEigen eig,
            NativeMatrix coeff,
            int coeffExponent,
            NativeMatrix kddEig,
            NativeMatrix q,
            NativeMatrix p,
            long factorNanos,
            long prepNanos) {
        this.get = get;
        this.eig = eig;
        this.coeff = coeff;
        this.coeffExponent = coeffExponent;
        this.kddEig = kddEig;
        this.q = q;
        this.p = p;
        this.factorNanos = factorNanos;
        this.prepNanos = prepNanos;
    }

    /** {@code coeff} = Vᵀ·Y·2^-coeffExponent: the means are scaled back by 2^coeffExponent. */
    static EnsembleTerms prepare(
            Get get,
            RegularizedEigen eig,
            NativeMatrix coeff,
            int coeffExponent,
            NativeMatrix kddEig,
            Kernels trainTrain,
            Kernels testTrain,
            CovarianceMode mode,
            long factorNanos) {
        long t0 = System.nanoTime();
        if (testTrain == null)
            return new EnsembleTerms(get, eig, coeff, coeffExponent, kddEig, null, null, factorNanos, 0);
        int n = eig.size(), m = testTrain.nngp().rows();
        Matrix mtd = get == Get.NTK ? testTrain.ntk() : testTrain.nngp();
        if (mtd == null)
            throw new InvalidInputException(
                    "kTestTrain", get + " needs the NTK of the test against the training points");
        PredictorChecks.finite(mtd, "kTestTrain");
        PredictorChecks.shape(mtd, m, n, "kTestTrain", "test points x training points");
        NativeMatrix q = project(mtd, eig, "M_td V");
        NativeMatrix p = null;
        try {
            if (get == Get.NTK && mode != CovarianceMode.NONE) {
                Matrix ktd = PredictorChecks.finite(testTrain.nngp(), "kTestTrain");
                p = project(ktd, eig, "K_td V");
            }
        } catch (RuntimeException e) {
            q.close();
            throw e;
        }
        return new EnsembleTerms(get, eig, coeff, coeffExponent, kddEig, q, p, factorNanos, System.nanoTime() - t0);
    }

    private static NativeMatrix project(Matrix td, RegularizedEigen eig, String what) {
        try (NativeMatrix a = NativeMatrix.copyOf(td, "test-train kernel")) {
            return Blas.multiply(false, a, false, eig.vectors(), what);
        }
    }

    /** The posterior at time t, where s = ηt/N. */
    Posterior at(double t, double s, Kernels testTrain, Kernels testTest, CovarianceMode mode) {
        boolean train = q == null;
        int m = train ? eig.size() : q.rows();
        long t0 = System.nanoTime();
        Matrix mean;
        try (NativeMatrix cs = coeff.copy("scaled coefficients")) {
            cs.scaleRows(train ? eig.fitted(s) : eig.inverseFitted(s));
            try (NativeMatrix mu = Blas.multiply(false, train ? eig.vectors() : q, false, cs, "ensemble mean")) {
                mean = mu.toMatrix().scalb(coeffExponent);
            }
        }
        long meanNanos = System.nanoTime() - t0 + prepNanos;
        long c0 = System.nanoTime();
        Matrix cov = null;
        double[] var = null;
        int clamped = 0;
        if (mode == CovarianceMode.FULL) {
            try (NativeMatrix c =
                    train ? trainCovariance(s) : testCovariance(s, Covariances.fullPrior(get, testTest, m))) {
                clamped = RoundOff.clampNegativeDiagonal(c);
                cov = c.toMatrix();
            }
        } else if (mode == CovarianceMode.DIAGONAL) {
            var = train ? trainVariances(s) : testVariances(s, Covariances.diagonalPrior(get, testTrain, testTest, m));
            clamped = RoundOff.clampNegative(var);
        }
        long covNanos = System.nanoTime() - c0;
        Diagnostics d = new Diagnostics(
                eig.lambda,
                JitterReport.NONE,
                clamped,
                eig.negative,
                eig.condition(),
                new Timings(0, factorNanos, meanNanos, covNanos));
        factorNanos = 0; // reported once per call
        prepNanos = 0;
        return new Posterior(get, t, mean, cov, var, d, null);
    }

    private static double[] sqrtClamped(double[] a) { // √max(a, 0) per entry
        double[] r = a.clone();
        for (int i = 0; i < r.length; i++) r[i] = Math.sqrt(Math.max(0, r[i]));
        return r;
    }

    /** NNGP: V·diag(μ⁺e^{−2μ⁺s})·Vᵀ; NTK: E·K_dd·E with E = V·diag(e^{−μ⁺s})·Vᵀ. */
    private NativeMatrix trainCovariance(double s) {
        int n = eig.size();
        try (NativeMatrix r = eig.vectors().copy("scaled eigenvectors")) {
            NativeMatrix c = NativeMatrix.allocate(n, n, "train covariance");
            if (get == Get.NNGP) {
                r.scaleColumns(sqrtClamped(nngpTrainWeights(s)));
                Blas.syrk(false, 1.0, r, 0.0, c, true);
            } else {
                r.scaleColumns(eig.decay(s));
                try (NativeMatrix tm = NativeMatrix.allocate(n, n, "E K_dd")) {
                    Blas.symmRight(1.0, r, kddEig, 0.0, tm);
                    Blas.gemm(false, true, 1.0, tm, r, 0.0, c);
                }
                c.symmetrize();
            }
            return c;
        }
    }

    private double[] trainVariances(double s) {
        if (get == Get.NNGP) return Rows.weightedSquares(eig.vectors(), nngpTrainWeights(s));
        int n = eig.size();
        try (NativeMatrix r = eig.vectors().copy("scaled eigenvectors");
                NativeMatrix tm = NativeMatrix.allocate(n, n, "E K_dd")) {
            r.scaleColumns(eig.decay(s));
            Blas.symmRight(1.0, r, kddEig, 0.0, tm);
            return Rows.dots(tm, r);
        }
    }

    private double[] nngpTrainWeights(double s) {
        double[] w = eig.decay(2 * s);
        for (int j = 0; j < w.length; j++) w[j] *= Math.max(eig.mu[j], 0);
        return w;
    }

    /** NNGP: prior − Q·diag(a(2s))·Qᵀ; NTK: prior + R·C·Rᵀ − (R·Pᵀ + P·Rᵀ) with R = Q·diag(a(s)). */
    private NativeMatrix testCovariance(double s, Matrix prior) {
        NativeMatrix c = NativeMatrix.copyOf(prior, "test covariance");
        try (NativeMatrix r = q.copy("scaled projections")) {
            if (get == Get.NNGP) {
                r.scaleColumns(sqrtClamped(eig.inverseFitted(2 * s)));
                Blas.syrk(false, -1.0, r, 1.0, c, true);
            } else {
                r.scaleColumns(eig.inverseFitted(s));
                try (NativeMatrix tm = NativeMatrix.allocate(r.rows(), r.cols(), "R C")) {
                    Blas.symmRight(1.0, r, kddEig, 0.0, tm);
                    Blas.gemm(false, true, 1.0, tm, r, 1.0, c);
                }
                Blas.syr2k(false, -1.0, r, p, 1.0, c, true);
            }
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private double[] testVariances(double s, double[] prior) {
        double[] v = prior.clone();
        if (get == Get.NNGP) {
            double[] sub = Rows.weightedSquares(q, eig.inverseFitted(2 * s));
            for (int i = 0; i < v.length; i++) v[i] -= sub[i];
            return v;
        }
        try (NativeMatrix r = q.copy("scaled projections");
                NativeMatrix tm = NativeMatrix.allocate(q.rows(), q.cols(), "R C")) {
            r.scaleColumns(eig.inverseFitted(s));
            Blas.symmRight(1.0, r, kddEig, 0.0, tm);
            double[] quad = Rows.dots(tm, r);
            double[] cross = Rows.dots(r, p);
            for (int i = 0; i < v.length; i++) v[i] += quad[i] - 2 * cross[i];
            return v;
        }
    }

    @Override
    public void close() {
        if (q != null) q.close();
        if (p != null) p.close();
    }
}
