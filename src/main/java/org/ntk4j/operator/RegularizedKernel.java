package org.ntk4j.operator;

import org.ntk4j.kernel.KernelKind;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * M + λI for one kernel kind of a {@link KernelOperator}: the regularized train-train kernel as an
 * operator, never formed densely (the products go through the underlying operator, λ·V is added
 * here). λ > 0 bounds its condition number by (λ_max(M) + λ)/λ, which is what makes CG on it
 * converge and its error bounds hold.
 */
public final class RegularizedKernel implements LinearOperator {
    private final KernelOperator kernel;
    private final KernelKind kind;
    private final double lambda;

    /**
     * M + λI, M the {@code kind} kernel of {@code kernel}.
     *
     * @param kernel the training kernels (not owned: the caller closes them)
     * @param kind   which kernel is regularized
     * @param lambda the ridge λ ≥ 0 added to the diagonal
     */
    public RegularizedKernel(KernelOperator kernel, KernelKind kind, double lambda) {
        if (kernel == null || kind == null)
            throw new IllegalArgumentException("regularized kernel: kernel and kind are required");
        if (!kernel.has(kind))
            throw new IllegalArgumentException("regularized kernel: the operator does not hold the " + kind.label());
        if (!(lambda >= 0) || !Double.isFinite(lambda))
            throw new IllegalArgumentException("regularized kernel: lambda must be finite and >= 0, got " + lambda);
        this.kernel = kernel;
        this.kind = kind;
        this.lambda = lambda;
    }

    /** The sum of {@code diagonal}: with n it gives a relative regularizer's λ. */
    public static double trace(double[] diagonal) {
        double t = 0;
        for (double v : diagonal) t += v;
        return t;
    }

    /** Number of rows n. */
    public int size() {
        return kernel.size();
    }

    /** The ridge λ. */
    public double lambda() {
        return lambda;
    }

    /** Which kernel is regularized. */
    public KernelKind kind() {
        return kind;
    }

    /** The unregularized kernels. */
    public KernelOperator kernel() {
        return kernel;
    }

    /** (M + λI)·V for V column-major n×k; a new array. */
    @Override
    public double[] apply(double[] v, int k) {
        int n = kernel.size();
        try (NativeMatrix vm = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, k, v), "regularized-kernel operand");
                NativeMatrix mv = kernel.times(kind, vm)) {
            double[] a = mv.toColumnMajorArray();
            for (int i = 0; i < a.length; i++) a[i] += lambda * v[i];
            return a;
        }
    }
}
