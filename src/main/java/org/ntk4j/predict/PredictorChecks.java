package org.ntk4j.predict;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/** Argument validation shared by the predictors: every failure names the argument and the remedy. */
final class PredictorChecks {
    private PredictorChecks() {}

    /** Relative asymmetry tolerated in a kernel (round-off of an empirical NTK, say). */
    static final double SYMMETRY_TOL = 1e-8;

    /** 1 − K_ij²/(K_ii·K_jj) at or below this marks two training points the kernel cannot tell apart. */
    static final double INDISTINGUISHABLE_TOL = 1e-12;

    static Matrix present(Matrix m, String arg) {
        if (m == null) throw new InvalidInputException(arg, "is required");
        return m;
    }

    /** Non-null and all finite. */
    static Matrix finite(Matrix m, String arg) {
        return Finite.requireInput(present(m, arg), arg);
    }

    static void shape(Matrix m, int rows, int cols, String arg, String why) {
        if (m.rows() != rows || m.cols() != cols)
            throw new InvalidInputException(
                    arg, "must be " + rows + "x" + cols + " (" + why + "), got " + m.rows() + "x" + m.cols());
    }

    static void rows(Matrix m, int rows, String arg, String why) {
        if (m.rows() != rows)
            throw new InvalidInputException(arg, "has " + m.rows() + " rows but " + why + " has " + rows);
    }

    /** Square, finite and symmetric to {@link #SYMMETRY_TOL} relative. */
    static Matrix kernel(Matrix k, String arg) {
        finite(k, arg);
        if (k.rows() != k.cols())
            throw new InvalidInputException(arg, "must be square, got " + k.rows() + "x" + k.cols());
        if (k.rows() == 0) throw new InvalidInputException(arg, "is empty: need at least one training point");
        double scale = 0;
        int n = k.rows();
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(k.get(i, i)));
        for (int j = 0; j < n; j++)
            for (int i = j + 1; i < n; i++) {
                double d = Math.abs(k.get(i, j) - k.get(j, i));
                if (d > SYMMETRY_TOL * Math.max(scale, Double.MIN_NORMAL))
                    throw new InvalidInputException(
                            arg,
                            "is not symmetric: |K[" + i + "," + j + "] - K[" + j + "," + i + "]| = " + d
                                    + "; pass the kernel of the training inputs with themselves");
            }
        return k;
    }

    /** As {@link #kernel(Matrix, String)} for an off-heap kernel; the symmetry scan goes by 64×64 blocks (cache-friendly). */
    static NativeMatrix kernel(NativeMatrix k, String arg) {
        if (k.rows() != k.cols())
            throw new InvalidInputException(arg, "must be square, got " + k.rows() + "x" + k.cols());
        int n = k.rows();
        if (n == 0) throw new InvalidInputException(arg, "is empty: need at least one training point");
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(k.get(i, i)));
        double tol = SYMMETRY_TOL * Math.max(scale, Double.MIN_NORMAL);
        final int b = 64;
        for (int j0 = 0; j0 < n; j0 += b)
            for (int i0 = j0; i0 < n; i0 += b)
                for (int j = j0, j1 = Math.min(n, j0 + b); j < j1; j++)
                    for (int i = Math.max(i0, j), i1 = Math.min(n, i0 + b); i < i1; i++) {
                        double a = k.get(i, j), c = k.get(j, i);
                        if (!Double.isFinite(a) || !Double.isFinite(c)) throw Finite.input(arg, Finite.first(k));
                        double d = Math.abs(a - c);
                        if (d > tol)
                            throw new InvalidInputException(
                                    arg,
                                    "is not symmetric: |K[" + i + "," + j + "] - K[" + j + "," + i + "]| = " + d
                                            + "; pass the kernel of the training inputs with themselves");
                    }
        return k;
    }

    /** A training time: ≥ 0 or +∞. */
    static double time(double t) {
        if (Double.isNaN(t) || t < 0)
            throw new InvalidInputException("time", "must be >= 0 (or infinity for the converged solution), got " + t);
        return t;
    }

    static double[] times(double[] ts) {
        if (ts == null || ts.length == 0) throw new InvalidInputException("time", "give at least one time");
        for (double t : ts) time(t);
        return ts.clone();
    }

    static double learningRate(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr))
            throw new InvalidInputException("learningRate", "must be > 0 and finite, got " + lr);
        return lr;
    }

    /**
     * With no regularization the t = ∞ solution needs K invertible; two training points whose 2×2
     * kernel block is singular (duplicates, or parallel inputs of a homogeneous network) make it
     * ill-posed. neural-tangents returns NaN there; we say so.
     */
    static void distinguishable(NativeMatrix k, String what) {
        int n = k.rows();
        double[] d = k.diagonal();
        for (int j = 0; j < n; j++) {
            if (!(d[j] > 0)) continue;
            for (int i = j + 1; i < n; i++) {
                if (!(d[i] > 0)) continue;
                double kij = k.get(i, j);
                double prod = d[i] * d[j];
                if (prod - kij * kij <= INDISTINGUISHABLE_TOL * prod)
                    throw new IllPosedProblemException(
                            what + ": training points " + j + " and " + i
                                    + " are indistinguishable to the kernel (duplicates, or parallel inputs of a bias-free network), "
                                    + "so with diagReg = 0 the converged (t = inf) solution does not exist (neural-tangents returns NaN here); "
                                    + "remedy: remove the duplicate, set diagReg > 0 (e.g. 1e-6), or predict at a finite training time");
            }
        }
    }

    /** Exact duplicate rows of x (0-based indices in the message). */
    static void noDuplicateRows(Matrix x, String arg) {
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < x.rows(); i++) {
            double[] r = x.row(i);
            int h = Arrays.hashCode(r);
            Integer prev = seen.putIfAbsent(h, i);
            if (prev != null) {
                if (Arrays.equals(x.row(prev), r))
                    throw new IllPosedProblemException(
                            arg + ": rows " + prev + " and " + i + " are identical, so with diagReg = 0 the "
                                    + "converged (t = inf) solution does not exist (neural-tangents returns NaN here); "
                                    + "remedy: remove the duplicate, set diagReg > 0 (e.g. 1e-6), or predict at a finite training time");
                for (int p = 0; p < i; p++) // hash collision: fall back to a scan for this row
                if (p != prev && Arrays.equals(x.row(p), r))
                        throw new IllPosedProblemException(arg + ": rows " + p + " and " + i
                                + " are identical; remove the duplicate or set diagReg > 0");
            }
        }
    }
}
