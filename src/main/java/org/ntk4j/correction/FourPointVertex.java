package org.ntk4j.correction;

import org.ntk4j.error.InvalidInputException;

/**
 * The four-point vertex V(a,b;c,d) of the readout's conditional NNGP over m inputs
 * (docs/finite-width.md §9): Cov[Ĝ(a,b), Ĝ(c,d)] = V(a,b;c,d)/n + O(1/n²) at hidden width n.
 * Immutable. V is symmetric under a ↔ b, c ↔ d and (a,b) ↔ (c,d), and is stored once per pair of
 * pairs; {@link #toArray()} expands it to the m×m×m×m tensor.
 *
 * <p>Entries whose four inputs are at most two distinct points (V(a,b;a,b) among them) come from the
 * pair quadrature, to rounding; the others rest on 3-D and 4-D Gaussian expectations estimated by
 * randomized quasi-Monte Carlo, whose standard error {@link #standardError} gives per entry (0 for
 * the exact ones).
 */
public final class FourPointVertex {
    private final int inputs;
    private final double[] v;
    private final double[] se;

    FourPointVertex(int inputs, double[] pairValues, double[] pairErrors) {
        int np = inputs * (inputs + 1) / 2;
        if (inputs < 1 || pairValues.length != np * np || pairErrors.length != np * np)
            throw new IllegalArgumentException("four-point vertex: " + pairValues.length + " values for " + inputs
                    + " inputs; expected " + np * np);
        this.inputs = inputs;
        this.v = pairValues.clone();
        this.se = pairErrors.clone();
    }

    /** m, the number of inputs. */
    public int inputs() {
        return inputs;
    }

    /** V(a,b;c,d), the width-independent coefficient of Cov[Ĝ(a,b), Ĝ(c,d)]. */
    public double get(int a, int b, int c, int d) {
        return v[index(a, b, c, d)];
    }

    /** The estimated standard error of {@link #get} (0 where the entry needs no 3-D or 4-D estimate). */
    public double standardError(int a, int b, int c, int d) {
        return se[index(a, b, c, d)];
    }

    /** The largest {@link #standardError} over all entries. */
    public double maxStandardError() {
        double max = 0;
        for (double e : se) max = Math.max(max, e);
        return max;
    }

    /**
     * Cov[Ĝ(a,b), Ĝ(c,d)] at width n to order 1/n: V(a,b;c,d)/n.
     *
     * @throws InvalidInputException for width {@literal <} 1
     */
    public double covariance(int a, int b, int c, int d, int width) {
        if (width < 1) throw new InvalidInputException("width", "must be >= 1, got " + width);
        return get(a, b, c, d) / width;
    }

    /** The whole tensor, m⁴ values in C order: entry (a, b, c, d) at ((a·m + b)·m + c)·m + d. */
    public double[] toArray() {
        int m = inputs;
        double[] out = new double[m * m * m * m];
        int q = 0;
        for (int a = 0; a < m; a++)
            for (int b = 0; b < m; b++) {
                int row = VertexRecursion.pair(a, b) * pairs();
                for (int c = 0; c < m; c++) for (int d = 0; d < m; d++) out[q++] = v[row + VertexRecursion.pair(c, d)];
            }
        return out;
    }

    private int pairs() {
        return inputs * (inputs + 1) / 2;
    }

    private int index(int a, int b, int c, int d) {
        for (int i : new int[] {a, b, c, d})
            if (i < 0 || i >= inputs)
                throw new IndexOutOfBoundsException("input index " + i + " outside [0, " + inputs + ")");
        return VertexRecursion.pair(a, b) * pairs() + VertexRecursion.pair(c, d);
    }
}
