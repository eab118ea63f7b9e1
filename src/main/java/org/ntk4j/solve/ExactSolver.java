package org.ntk4j.solve;

import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.operator.DenseKernelOperator;
import org.ntk4j.operator.KernelOperator;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.GpInference;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Predict;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;

/**
 * The exact posterior by a dense Cholesky of M + λI ({@link GpInference}): the training kernels are
 * computed off-heap and factored in place, the test-train kernels computed off-heap in the m×n layout
 * the triangular solves want. On another operator (e.g. a streamed one) the kernels are first made
 * dense. Cost O(n³) time and n² memory per kernel kind; exact up to round-off.
 */
final class ExactSolver implements PosteriorSolver {
    static final ExactSolver INSTANCE = new ExactSolver();

    private ExactSolver() {}

    @Override
    public SolverKind kind() {
        return SolverKind.EXACT;
    }

    /** Checks the workspace and (λ = 0) duplicate rows first, then computes the kernels the request needs. */
    @Override
    public KernelOperator operator(PosteriorRequest r) {
        GpInference.checkExact(r.xTrain(), r.yTrain(), r.xTest(), r.get(), r.options());
        return GpInference.trainKernels(r.arch(), r.xTrain(), r.get(), r.options());
    }

    /**
     * {@link Predict#gpInference}'s exact posterior (its operator is {@link #operator}'s: the off-heap
     * kernels factored in place; with kernels returned, the heap path), with this solver's report.
     */
    @Override
    public Solved solve(PosteriorRequest r, String reason) {
        long t0 = System.nanoTime();
        Posterior p = Predict.gpInference(r.arch(), r.xTrain(), r.yTrain(), r.xTest(), r.get(), r.options());
        return new Solved(p, SolveReport.builder(SolverKind.EXACT, reason).build(System.nanoTime() - t0));
    }

    /**
     * On any operator: a dense one is solved on as it is (taken over); another is first made dense
     * from its columns. The test side comes from the operator ({@link KernelOperator#against}).
     */
    @Override
    public Solved solve(KernelOperator kernels, Regularization reg, PosteriorRequest r, String reason) {
        long t0 = System.nanoTime();
        PredictOptions o = r.options().withRegularization(reg);
        DenseKernelOperator dense = kernels instanceof DenseKernelOperator d ? d : densify(kernels);
        Posterior p;
        try (GpInference gp = GpInference.fit(dense, r.yTrain(), reg, o.jitter());
                NativeKernels td = transposed(kernels.against(r.xTest()))) {
            boolean testTest = o.covariance() == CovarianceMode.FULL
                    || (o.covariance() == CovarianceMode.DIAGONAL && r.get() == Get.NTKGP);
            Kernels tt = testTest ? kernels.among(r.xTest(), r.get() != Get.NNGP) : null;
            p = gp.predict(r.get(), td, tt, o.covariance());
        }
        return new Solved(p, SolveReport.builder(SolverKind.EXACT, reason).build(System.nanoTime() - t0));
    }

    /** The dense n×n kernels of {@code op}, from its columns. */
    private static DenseKernelOperator densify(KernelOperator op) {
        int n = op.size();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        NativeMatrix k = op.columns(KernelKind.NNGP, all), t = null;
        try {
            t = op.has(KernelKind.NTK) ? op.columns(KernelKind.NTK, all) : null;
            return DenseKernelOperator.of(new NativeKernels(k, t, op.diagonal(KernelKind.NNGP), null));
        } catch (RuntimeException e) {
            k.close();
            if (t != null) t.close();
            throw e;
        }
    }

    /** n×m train-test kernels as m×n test-train ones (the given ones are closed). */
    private static NativeKernels transposed(NativeKernels k) {
        try (k) {
            NativeMatrix a = transpose(k.nngp()), b = null;
            try {
                b = k.ntk() == null ? null : transpose(k.ntk());
                return new NativeKernels(a, b, k.cov2(), k.cov1());
            } catch (RuntimeException e) {
                a.close();
                if (b != null) b.close();
                throw e;
            }
        }
    }

    private static NativeMatrix transpose(NativeMatrix m) {
        NativeMatrix t = NativeMatrix.allocate(m.cols(), m.rows(), "transposed kernel");
        for (int j = 0; j < m.cols(); j++) for (int i = 0; i < m.rows(); i++) t.set(j, i, m.get(i, j));
        return t;
    }
}
