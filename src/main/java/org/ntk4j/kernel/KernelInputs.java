package org.ntk4j.kernel;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/** Validation of kernel inputs, shared by the CPU and GPU engines so both fail alike. */
public final class KernelInputs {
    /** Largest number of kernel entries one Java array holds. */
    static final long MAX_ENTRIES = Integer.MAX_VALUE - 8;

    private KernelInputs() {}

    /**
     * Checks x1 (and x2 unless null): non-empty, equal input dimension, finite entries, no nonzero
     * row too small for its kernel ({@link #checkNotUnderflowing}), and a kernel that fits one Java
     * array; throws {@link InvalidInputException} naming x1 or x2.
     */
    public static void validate(Matrix x1, Matrix x2) {
        if (x1 == null) throw new InvalidInputException("x1", "is null");
        if (x1.rows() == 0 || x1.cols() == 0)
            throw new InvalidInputException(
                    "x1", "is empty (" + x1.rows() + "x" + x1.cols() + "); need at least one row and one column");
        if (x2 != null && (x2.rows() == 0 || x2.cols() == 0))
            throw new InvalidInputException(
                    "x2",
                    "is empty (" + x2.rows() + "x" + x2.cols() + "); need at least one row, or pass null for x2 = x1");
        if (x2 != null && x2.cols() != x1.cols())
            throw new InvalidInputException(
                    "x2",
                    "has " + x2.cols() + " columns but x1 has " + x1.cols() + "; both need the same input dimension");
        checkFinite("x1", x1);
        if (x2 != null) checkFinite("x2", x2);
        checkNotUnderflowing("x1", x1);
        if (x2 != null) checkNotUnderflowing("x2", x2);
        long entries = (long) x1.rows() * (x2 == null ? x1.rows() : x2.rows());
        if (entries > MAX_ENTRIES)
            throw new InvalidInputException(
                    x2 == null ? "x1" : "x2",
                    "the " + x1.rows() + "x" + (x2 == null ? x1.rows() : x2.rows()) + " kernel has " + entries
                            + " entries, more than one Java array holds (2^31-9); compute it in blocks of rows");
    }

    /**
     * Rejects a nonzero row whose mean square |x|²/d is below the normal float64 range (~2.2e-308,
     * entries below ~1e-154): its Gram entries x·x'/d underflow to subnormals or 0, so its kernel
     * would be silently wrong (a Sign network, scale-free, would see a zero input).
     */
    public static void checkNotUnderflowing(String name, Matrix x) {
        double[] q = x.rowMeanSquares();
        for (int i = 0; i < q.length; i++) {
            if (q[i] >= Double.MIN_NORMAL) continue;
            for (double v : x.row(i))
                if (v != 0)
                    throw new InvalidInputException(
                            name,
                            "row " + i + " (0-based) has mean square |x|^2/d = " + q[i]
                                    + ", below the float64 range (2.2e-308), so its kernel underflows; scale the inputs up (e.g. by 1e150)");
        }
    }

    /**
     * The per-row variances of the recursion after step {@code step} (CPU and GPU alike): the first
     * non-finite one is an {@link InvalidInputException} on "arch", before any kernel tile is computed.
     */
    static void requireFiniteVariances(double[] v, String name, int step) {
        org.ntk4j.linalg.Finite.Entry e = org.ntk4j.linalg.Finite.first(v);
        if (e != null)
            throw new InvalidInputException(
                    "arch",
                    "the kernel overflows: the variance of " + name + " row " + e.row() + " (0-based) after step "
                            + step + " is " + e.value() + "; use smaller W_std/b_std or scale the inputs down");
    }

    /** Throws {@link InvalidInputException} naming {@code name}, the row and the column of the first NaN/Inf. */
    public static void checkFinite(String name, Matrix x) {
        org.ntk4j.linalg.Finite.requireInput(x, name);
    }
}
