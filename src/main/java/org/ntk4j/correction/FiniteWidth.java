package org.ntk4j.correction;

import java.util.stream.IntStream;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;

/**
 * Finite-width corrections at order 1/n (docs/finite-width.md): how far the kernels of one random
 * network of hidden width n are, in mean and in spread, from the infinite-width kernels.
 *
 * <pre>{@code
 * WidthCorrection c = FiniteWidth.correction(arch, x, 256);
 * Matrix mean = c.nngpMean();   // K + K⁽¹⁾/256
 * Matrix var = c.nngpVar();     // V(a, b; a, b)/256
 * Matrix ntkVar = c.ntkVar();   // Var[Θ̂(a, b)] at width 256
 * }</pre>
 *
 * Every pair of inputs costs one 2-D quadrature per layer (about 10⁴ evaluations of φ and φ′).
 */
public final class FiniteWidth {
    private FiniteWidth() {}

    /**
     * The 1/n statistics over the rows of {@code x} (m×d) for hidden width {@code width}: of the
     * readout's conditional NNGP (which does not depend on the parameterization) and, under the
     * NTK parameterization, of the empirical NTK of the single output. Under the standard
     * parameterization the NTK grows with the width and has no limit to correct: the NTK parts
     * are then absent.
     *
     * @throws InvalidInputException for a null or non-finite x, width {@literal <} 1, an architecture that does
     *     not end in a Dense readout, or a nonlinearity with a jump (Sign, step)
     */
    public static WidthCorrection correction(Architecture architecture, Matrix x, int width) {
        CorrectionPlan plan = CorrectionPlan.of(architecture);
        if (width < 1) throw new InvalidInputException("width", "must be >= 1, got " + width);
        int m = requireInputs(x);
        double[] gram = inputKernel(x);
        double[] k = new double[m * m], k1 = new double[m * m], v = new double[m * m];
        double[] th = new double[m * m], th1 = new double[m * m], tv = new double[m * m];
        IntStream.range(0, m * (m + 1) / 2).parallel().forEach(p -> {
            int a = (int) ((Math.sqrt(8.0 * p + 1) - 1) / 2);
            while (a * (a + 1) / 2 > p) a--;
            while ((a + 1) * (a + 2) / 2 <= p) a++;
            int b = p - a * (a + 1) / 2;
            PairRecursion.State s = PairRecursion.run(plan, gram[a * m + a], gram[b * m + b], gram[a * m + b]);
            for (int[] ij : new int[][] {{a, b}, {b, a}}) {
                int q = ij[0] + ij[1] * m;
                k[q] = s.k()[PairExpectations.AB];
                k1[q] = s.k1()[PairExpectations.AB];
                v[q] = s.nngpVar();
                th[q] = s.lam()[PairExpectations.AB];
                th1[q] = s.lam1()[PairExpectations.AB];
                tv[q] = s.ntkVar();
            }
        });
        boolean ntk = architecture.parameterization() == Parameterization.NTK;
        return new WidthCorrection(
                width,
                result(m, k, "NNGP"),
                result(m, k1, "NNGP mean correction"),
                result(m, v, "NNGP variance coefficient"),
                ntk ? result(m, th, "NTK") : null,
                ntk ? result(m, th1, "NTK mean correction") : null,
                ntk ? result(m, tv, "NTK variance coefficient") : null);
    }

    /** The most inputs {@link #vertex} accepts: its tensor has m⁴ entries (64⁴ float64 = 134 MB). */
    public static final int MAX_VERTEX_INPUTS = 64;

    /**
     * The full four-point vertex V(a,b;c,d) over the rows of {@code x} (m×d, m ≤ {@value
     * #MAX_VERTEX_INPUTS}): Cov[Ĝ(a,b), Ĝ(c,d)] = V(a,b;c,d)/n at hidden width n, for the readout's
     * conditional NNGP (docs/finite-width.md §9). It does not depend on the width or the
     * parameterization. Its diagonal V(a,b;a,b) equals {@link WidthCorrection#nngpVarCoef()}; the
     * entries over three or four distinct inputs are randomized quasi-Monte-Carlo estimates whose
     * standard errors the result carries. Cost: about m⁴/24 estimates of 4096 points per hidden
     * layer.
     *
     * @throws InvalidInputException as {@link #correction}, and for more than {@value
     *     #MAX_VERTEX_INPUTS} rows
     */
    public static FourPointVertex vertex(Architecture architecture, Matrix x) {
        CorrectionPlan plan = CorrectionPlan.of(architecture);
        int m = requireInputs(x);
        if (m > MAX_VERTEX_INPUTS)
            throw new InvalidInputException(
                    "x",
                    "has " + m + " rows; the full four-point vertex is limited to " + MAX_VERTEX_INPUTS
                            + " inputs (m⁴ entries); pass at most " + MAX_VERTEX_INPUTS
                            + " rows, or use correction() for the per-pair variances");
        VertexRecursion.Result r = VertexRecursion.run(plan, inputKernel(x), m);
        Finite.requireResult(r.v(), "four-point vertex", "scale the inputs towards order 1 or use smaller W_std/b_std");
        return new FourPointVertex(m, r.v(), r.se());
    }

    private static int requireInputs(Matrix x) {
        if (x == null) throw new InvalidInputException("x", "is null");
        if (x.rows() < 1) throw new InvalidInputException("x", "has no rows; give at least one input point");
        Finite.requireInput(x, "x");
        return x.rows();
    }

    /** x·x′/d over the rows (m×m row-major), the input kernel of docs/kernels.md §1. */
    private static double[] inputKernel(Matrix x) {
        int m = x.rows(), d = x.cols();
        double[] xs = x.as(DType.FLOAT64).toRowMajor();
        double[] gram = new double[m * m];
        for (int a = 0; a < m; a++)
            for (int b = 0; b < m; b++) {
                double s = 0;
                for (int k = 0; k < d; k++) s += xs[a * d + k] * xs[b * d + k];
                gram[a * m + b] = s / d;
            }
        return gram;
    }

    private static Matrix result(int m, double[] values, String what) {
        return Finite.requireResult(
                Matrix.wrapColumnMajor(m, m, values),
                what,
                "scale the inputs towards order 1 or use smaller W_std/b_std");
    }
}
