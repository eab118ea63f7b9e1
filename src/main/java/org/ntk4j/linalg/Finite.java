package org.ntk4j.linalg;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.error.NonFiniteResultException;

/**
 * The one place that finds the first NaN or ±Infinity in a matrix or vector and says where it is:
 * the input checks of the readers, kernels, predictors, finite networks and the soft optimizer
 * ({@link InvalidInputException}) and the result checks ({@link NonFiniteResultException}) go
 * through here, so all messages name positions the same way.
 *
 * <p>Positions are <b>0-based</b> (row i, column j), as numpy indexes; "the first" non-finite entry
 * is the one with the smallest row, then the smallest column (the first a reader of the file, or of
 * the printed matrix, meets). The message also counts the others.
 */
public final class Finite {
    private Finite() {}

    /**
     * A non-finite entry: its 0-based position (col = −1 for an entry of a vector), its value and how
     * many non-finite entries there are in all.
     */
    public record Entry(int row, int col, double value, long count) {
        /** "NaN", "+Inf" or "-Inf". */
        public String what() {
            return Double.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
        }

        /**
         * For example {@code "entry (row 3, column 0) is NaN (0-based), and 2 more non-finite entries"},
         * or {@code "entry 3 is +Inf (0-based)"} for a vector.
         */
        public String describe() {
            return "entry " + (col < 0 ? String.valueOf(row) : "(row " + row + ", column " + col + ")") + " is "
                    + what() + " (0-based)"
                    + (count > 1 ? ", and " + (count - 1) + " more non-finite entr" + (count > 2 ? "ies" : "y") : "");
        }
    }

    /** Reads entry k of a column-major rows×cols array. */
    private interface ColumnMajor {
        double at(int k);
    }

    /** The first non-finite entry of {@code m}, or null when all are finite. */
    public static Entry first(Matrix m) {
        if (m.firstNonFinite() < 0) return null;
        return locate(m.rows(), m.cols(), k -> m.f64 != null ? m.f64[k] : m.f32[k], Double::isFinite);
    }

    /** The first non-finite entry of an off-heap matrix, or null when all are finite. */
    public static Entry first(NativeMatrix m) {
        if (m.allFinite()) return null;
        return locate(m.rows(), m.cols(), m::at, Double::isFinite);
    }

    /** The first non-finite entry of a vector (row = its index, col = −1), or null. */
    public static Entry first(double[] v) {
        for (double x : v)
            if (!Double.isFinite(x)) {
                Entry e = locate(v.length, 1, k -> v[k], Double::isFinite);
                return new Entry(e.row(), -1, e.value(), e.count());
            }
        return null;
    }

    /** The slow path, once some entry is known to fail {@code ok}: the full scan for the first and the count. */
    private static Entry locate(int rows, int cols, ColumnMajor a, java.util.function.DoublePredicate ok) {
        int bi = Integer.MAX_VALUE, bj = 0;
        long bad = 0;
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++) {
                if (ok.test(a.at(i + j * rows))) continue;
                bad++;
                if (i < bi) {
                    bi = i;
                    bj = j;
                }
            }
        return new Entry(bi, bj, a.at(bi + bj * rows), bad);
    }

    /** Throws {@link InvalidInputException} naming {@code arg} and the first non-finite entry of an input. */
    public static Matrix requireInput(Matrix m, String arg) {
        Entry e = first(m);
        if (e != null) throw input(arg, e);
        return m;
    }

    /** As {@link #requireInput(Matrix, String)} for a vector. */
    public static double[] requireInput(double[] v, String arg) {
        Entry e = first(v);
        if (e != null) throw input(arg, e);
        return v;
    }

    /** The exception for a non-finite input entry {@code e} of argument {@code arg}. */
    public static InvalidInputException input(String arg, Entry e) {
        return new InvalidInputException(
                arg, e.describe() + "; inputs must be finite (remove or impute NaN/Inf values)");
    }

    /**
     * Throws {@link NonFiniteResultException} for {@code stage} when a computed result holds NaN or
     * ±Infinity; {@code remedy} says what to change (e.g. "rescale the targets").
     */
    public static Matrix requireResult(Matrix m, String stage, String remedy) {
        Entry e = first(m);
        if (e != null) throw result(stage, e, remedy);
        return m;
    }

    /** As {@link #requireResult(Matrix, String, String)} for a vector. */
    public static double[] requireResult(double[] v, String stage, String remedy) {
        Entry e = first(v);
        if (e != null) throw result(stage, e, remedy);
        return v;
    }

    /** As {@link #requireResult(Matrix, String, String)} for one computed number. */
    public static double requireResult(double v, String stage, String remedy) {
        if (!Double.isFinite(v))
            throw new NonFiniteResultException(stage, "is " + new Entry(0, 0, v, 1).what() + "; " + remedy);
        return v;
    }

    /**
     * Throws {@link NonFiniteResultException} for {@code stage} when an entry of a finite float64
     * result would become ±Infinity stored as float32 (|v| beyond ~3.4e38).
     */
    public static Matrix requireFloat32(Matrix m, String stage) {
        if (m == null || m.dtype() == DType.FLOAT32) return m;
        double[] a = m.toColumnMajor();
        for (double v : a)
            if (!Float.isFinite((float) v)) {
                Entry e = locate(m.rows(), m.cols(), k -> a[k], x -> Float.isFinite((float) x));
                throw new NonFiniteResultException(
                        stage + " (float32)",
                        "entry (row " + e.row() + ", column " + e.col() + ") is " + e.value()
                                + " (0-based), beyond float32's range (~3.4e38); use float64 (DType.FLOAT64) or rescale the data");
            }
        return m;
    }

    /** The exception for a non-finite result at {@code e}. */
    private static NonFiniteResultException result(String stage, Entry e, String remedy) {
        return new NonFiniteResultException(stage, e.describe() + "; " + remedy);
    }
}
