package org.ntk4j.operator;

import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * The kernels of one training set (n points) — the NNGP K and, when held, the NTK Θ — as an operator:
 * what the posterior solvers need from a kernel without knowing where it lives. Implementations:
 * {@link DenseKernelOperator} (the n×n matrices off-heap, factored in place by the exact solver),
 * {@link StreamedKernelOperator} (tiles computed on demand, optionally cached: CG and Nyström at any
 * n), a GPU-resident one in {@code org.ntk4j.gpu}; a distributed one would be one more.
 * {@link RegularizedKernel} adds λI (the operator CG solves with).
 *
 * <p>The operator is bound to its architecture, so it also gives the kernels of the training set
 * against other points and of those points with themselves (the test side of a posterior). Every
 * entry is one {@link org.ntk4j.kernel.KernelFunction} computes (see an implementation for how it
 * evaluates the diagonal). Matrices returned are owned by the caller. Not thread-safe; close to free what it holds.
 */
public interface KernelOperator extends AutoCloseable {
    /** Number of training points n. */
    int size();

    /** Whether this operator holds {@code kind} (the NNGP is always held unless stated otherwise). */
    boolean has(KernelKind kind);

    /** The diagonal M(x_i, x_i) of {@code kind}, length n. */
    double[] diagonal(KernelKind kind);

    /** M·V for a block V of n×k vectors: a new n×k matrix. */
    NativeMatrix times(KernelKind kind, NativeMatrix v);

    /** The columns M[:, idx] (n×|idx|). */
    NativeMatrix columns(KernelKind kind, int[] idx);

    /**
     * The dense block of the training rows [r0, r1) against the training points {@code cols}
     * ((r1 − r0)×|cols|), of every kind held.
     */
    Kernels block(int r0, int r1, int[] cols);

    /**
     * The dense block of the training rows [r0, r1) against {@code points} (m×d, e.g. Nyström centers
     * given as points), (r1 − r0)×m, of every kind held.
     */
    Kernels block(int r0, int r1, Matrix points);

    /**
     * The kernels of {@code points} (m×d) against {@code others} (q×d), m×q, of every kind held; cov1
     * the NNGP variances of {@code points}. (Test points against centers given as points.)
     */
    Kernels at(Matrix points, Matrix others);

    /**
     * The kernels of {@code points} (m×d) against the training points {@code cols} (m×|cols|), of every
     * kind held; cov1 the NNGP variances of {@code points}. (Nyström's test points against its centers.)
     */
    Kernels at(Matrix points, int[] cols);

    /**
     * The kernels of the training points against {@code points} (m×d): n×m of every kind held, cov1
     * the NNGP variances of the training points, cov2 those of {@code points}.
     */
    NativeKernels against(Matrix points);

    /** The kernels of {@code points} with themselves (m×m), with the NTK when {@code ntk}. */
    Kernels among(Matrix points, boolean ntk);

    /** The prior variances M(z, z) of {@code kind} at each of {@code points} (length m). */
    double[] priorVariances(Matrix points, KernelKind kind);

    /** Full passes of kernel evaluation over the n×n kernel so far (0 for a dense operator after it was built). */
    default long passes() {
        return 0;
    }

    /** Whether products reuse stored tiles instead of computing the kernel again. */
    default boolean cachesTiles() {
        return true;
    }

    /** Frees what this operator holds; idempotent. */
    @Override
    void close();
}
