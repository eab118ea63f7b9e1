package org.ntk4j.predict;

import org.ntk4j.error.InvalidInputException;

/**
 * neural-tangents' {@code diag_reg}: the inverted train-train kernel M becomes M + λI with
 * λ = diagReg · (mean diagonal entry of M), or λ = diagReg when {@code absolute}. Only the inverted
 * matrix is regularized (never the prior in a covariance).
 *
 * @param diagReg  ≥ 0 and finite
 * @param absolute whether diagReg is λ itself rather than relative to the mean diagonal
 */
public record Regularization(double diagReg, boolean absolute) {
    /** No regularization. */
    public static final Regularization NONE = new Regularization(0, false);

    public Regularization {
        if (!(diagReg >= 0) || !Double.isFinite(diagReg))
            throw new InvalidInputException("diagReg", "must be >= 0 and finite, got " + diagReg);
    }

    /** diagReg relative to the mean diagonal (neural-tangents' default). */
    public static Regularization relative(double diagReg) {
        return new Regularization(diagReg, false);
    }

    /** An absolute λ. */
    public static Regularization absolute(double lambda) {
        return new Regularization(lambda, true);
    }

    /**
     * λ for a kernel whose diagonal sums to {@code trace} over {@code n} rows.
     *
     * @throws InvalidInputException when λ is not representable (a relative diagReg near 1e308 times
     *         a mean diagonal above 1): every result would be NaN
     */
    public double lambda(double trace, int n) {
        if (absolute) return diagReg;
        double lambda = diagReg * trace / n;
        if (!Double.isFinite(lambda)) lambda = diagReg * (trace / n); // the product alone may overflow
        if (!Double.isFinite(lambda))
            throw new InvalidInputException(
                    "diagReg",
                    "gives lambda = diagReg x mean diagonal of the kernel = " + diagReg + " x " + (trace / n)
                            + ", which overflows float64; use a smaller diagReg (1e-4 to 1 is usual)");
        return lambda;
    }

    /** Whether λ is exactly zero. */
    public boolean isZero() {
        return diagReg == 0;
    }
}
