package org.ntk4j.solve;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.Rows;
import org.ntk4j.operator.KernelOperator;

/**
 * The centers of one Nyström model resolved against its training set: their points (M×d) and, when
 * they were drawn from the training rows, those rows' indices (then the kernel blocks are asked of
 * the operator by index, as it may hold them). What the Nyström and Falkon solvers share.
 *
 * @param points  the centers, M×d
 * @param indices their training-row indices (increasing), or null for centers given as points
 */
record Centers(Matrix points, int[] indices) {
    /** The centers {@code selection} picks for the training inputs {@code xTrain} (n×d). */
    static Centers resolve(CenterSelection selection, Matrix xTrain) {
        int n = xTrain.rows(), d = xTrain.cols();
        return switch (selection) {
            case CenterSelection.Sampled s -> {
                int[] idx = s.indices(n);
                yield new Centers(Rows.select(xTrain.toColumnMajor(), n, d, idx), idx);
            }
            case CenterSelection.Points p -> {
                if (p.points().cols() != d)
                    throw new InvalidInputException(
                            "centerPoints",
                            "has " + p.points().cols() + " columns but the training inputs have " + d
                                    + "; give centers with the inputs' dimension");
                yield new Centers(p.points(), null);
            }
        };
    }

    /** M. */
    int count() {
        return points.rows();
    }

    /** K_MM (and Θ_MM when {@code ntk}). */
    Kernels among(KernelOperator kernels, boolean ntk) {
        return kernels.among(points, ntk);
    }

    /** K_bM for the training rows [r0, r1). */
    Kernels block(KernelOperator kernels, int r0, int r1) {
        return indices != null ? kernels.block(r0, r1, indices) : kernels.block(r0, r1, points);
    }

    /** K_tM for {@code test} (m×d); cov1 the NNGP variances of the test points. */
    Kernels at(KernelOperator kernels, Matrix test) {
        return indices != null ? kernels.at(test, indices) : kernels.at(test, points);
    }
}
