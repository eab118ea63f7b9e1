package org.ntk4j.softopt;

import org.ntk4j.error.InvalidInputException;

/**
 * An adversary set for the general maximin (§4.8 "General solver"), in error form: the true
 * utility is V = U − e for some error e with
 * <pre>  A·e + B·s ≤ b,   s ≥ 0,   e ≥ 0 (or e free)</pre>
 * where s are auxiliary variables (e.g. s ≥ |e| to express absolute errors). Immutable.
 *
 * @param errorCoefficients     A, m rows × n policies
 * @param auxiliaryCoefficients B, m rows × k auxiliaries (k may be 0)
 * @param bounds                b, m values
 * @param errorNonNegative      true: e ≥ 0 (the adversary can only lower V); false: e is free
 */
public record AdversarySet(
        double[][] errorCoefficients, double[][] auxiliaryCoefficients, double[] bounds, boolean errorNonNegative) {
    public AdversarySet {
        int m = SoftOptChecks.finite("bounds", bounds).length;
        if (errorCoefficients == null || errorCoefficients.length != m)
            throw new InvalidInputException("errorCoefficients", "needs one row per bound (" + m + ")");
        if (auxiliaryCoefficients == null || auxiliaryCoefficients.length != m)
            throw new InvalidInputException(
                    "auxiliaryCoefficients", "needs one row per bound (" + m + "); rows may be empty");
        int n = errorCoefficients[0].length, k = auxiliaryCoefficients[0].length;
        double[][] a = new double[m][], bb = new double[m][];
        for (int r = 0; r < m; r++) {
            a[r] = SoftOptChecks.finite("errorCoefficients", errorCoefficients[r])
                    .clone();
            SoftOptChecks.sameLength("errorCoefficients", a[r], n, "row 0");
            bb[r] = auxiliaryCoefficients[r].clone();
            if (k > 0) SoftOptChecks.finite("auxiliaryCoefficients", bb[r]);
            if (bb[r].length != k) throw new InvalidInputException("auxiliaryCoefficients", "rows differ in length");
        }
        errorCoefficients = a;
        auxiliaryCoefficients = bb;
        bounds = bounds.clone();
    }

    /** Number of policies n. */
    public int policies() {
        return errorCoefficients[0].length;
    }

    /** Number of auxiliary variables k. */
    public int auxiliaries() {
        return auxiliaryCoefficients[0].length;
    }

    /** Number of constraint rows m. */
    public int rows() {
        return bounds.length;
    }

    @Override
    public double[][] errorCoefficients() {
        return deepCopy(errorCoefficients);
    }

    @Override
    public double[][] auxiliaryCoefficients() {
        return deepCopy(auxiliaryCoefficients);
    }

    @Override
    public double[] bounds() {
        return bounds.clone();
    }

    double a(int r, int i) {
        return errorCoefficients[r][i];
    }

    double b(int r, int k) {
        return auxiliaryCoefficients[r][k];
    }

    double rhs(int r) {
        return bounds[r];
    }

    private static double[][] deepCopy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) c[i] = x[i].clone();
        return c;
    }

    /**
     * B1 written literally, without using "raising V never helps": e free, s ≥ |e|
     * (rows e − s ≤ 0 and −e − s ≤ 0), and Σγ s ≤ ε.
     */
    public static AdversarySet meanAbsoluteError(Prior prior, double epsilon) {
        SoftOptChecks.epsilon(epsilon);
        int n = prior.size();
        double[][] a = new double[2 * n + 1][n], b = new double[2 * n + 1][n];
        double[] rhs = new double[2 * n + 1];
        for (int i = 0; i < n; i++) {
            a[i][i] = 1;
            b[i][i] = -1;
            a[n + i][i] = -1;
            b[n + i][i] = -1;
            b[2 * n][i] = prior.weight(i);
        }
        rhs[2 * n] = epsilon;
        return new AdversarySet(a, b, rhs, false);
    }

    /**
     * B2 written literally: e free, s ≥ e − w (rows e − s ≤ w), s ≥ 0, Σγ s ≤ ε; i.e.
     * E_γ[(L − V)₊] ≤ ε with L = U − w.
     *
     * @param halfWidth w ≥ 0 per policy (κσ)
     */
    public static AdversarySet lowerBand(Prior prior, double[] halfWidth, double epsilon) {
        SoftOptChecks.epsilon(epsilon);
        SoftOptChecks.finite("halfWidth", halfWidth);
        SoftOptChecks.sameLength("halfWidth", halfWidth, prior.size(), "the prior");
        int n = prior.size();
        double[][] a = new double[n + 1][n], b = new double[n + 1][n];
        double[] rhs = new double[n + 1];
        for (int i = 0; i < n; i++) {
            a[i][i] = 1;
            b[i][i] = -1;
            rhs[i] = halfWidth[i];
            b[n][i] = prior.weight(i);
        }
        rhs[n] = epsilon;
        return new AdversarySet(a, b, rhs, false);
    }
}
