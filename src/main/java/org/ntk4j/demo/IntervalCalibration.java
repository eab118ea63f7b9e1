package org.ntk4j.demo;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.special.Erf;

/**
 * How well a Gaussian posterior N(U, σ²) of the true utility describes the true utility V at
 * held-out policies: the fraction of V inside the central 50, 80, 90, 95 and 99 % intervals
 * U ± z·σ, and the mean negative log density of V. Kept as counts and a sum so that seeds pool
 * exactly.
 *
 * <p>A few lines for the demo alone; the library's calibration metrics (the {@code ntk4j calibrate}
 * work) should replace it once they are available.
 *
 * @param points  how many policies were scored
 * @param covered per level of {@link #LEVELS}, how many had V inside the interval
 * @param nllSum  Σ −log N(V; U, σ²)
 */
record IntervalCalibration(int points, int[] covered, double nllSum) {
    /** The central interval levels, in order. */
    static final double[] LEVELS = {0.5, 0.8, 0.9, 0.95, 0.99};

    IntervalCalibration {
        covered = covered.clone();
        if (covered.length != LEVELS.length) throw new IllegalArgumentException("calibration: one count per level");
    }

    @Override
    public int[] covered() {
        return covered.clone();
    }

    /** Scores the posterior (mean, sd) against the truth at the same policies. */
    static IntervalCalibration of(double[] mean, double[] sd, double[] truth) {
        if (mean.length != sd.length || mean.length != truth.length)
            throw new IllegalArgumentException("calibration: mean, sd and truth differ in length");
        double[] z = new double[LEVELS.length];
        for (int k = 0; k < z.length; k++) z[k] = Math.sqrt(2) * Erf.erfInv(LEVELS[k]);
        int[] in = new int[LEVELS.length];
        double nll = 0;
        for (int i = 0; i < mean.length; i++) {
            double r = Math.abs(truth[i] - mean[i]);
            for (int k = 0; k < z.length; k++) if (r <= z[k] * sd[i]) in[k]++;
            // a zero posterior variance (a policy on the training set, in exact arithmetic) would make the density
            // infinite: the floor keeps the mean finite, and such a miss still dominates it
            double var = Math.max(sd[i] * sd[i], Double.MIN_NORMAL);
            nll += 0.5 * Math.log(2 * Math.PI * var) + r * r / (2 * var);
        }
        return new IntervalCalibration(mean.length, in, nll);
    }

    /** The counts of several scorings together (e.g. over seeds). */
    static IntervalCalibration pool(List<IntervalCalibration> parts) {
        int n = 0;
        int[] in = new int[LEVELS.length];
        double nll = 0;
        for (IntervalCalibration c : parts) {
            n += c.points;
            for (int k = 0; k < in.length; k++) in[k] += c.covered[k];
            nll += c.nllSum;
        }
        return new IntervalCalibration(n, in, nll);
    }

    /** The fraction of policies whose V lies in the central interval of level {@code LEVELS[k]}. */
    double coverage(int k) {
        return points == 0 ? 0 : covered[k] / (double) points;
    }

    /** The mean negative log density of V. */
    double nll() {
        return points == 0 ? 0 : nllSum / points;
    }

    /** A level as summary.json spells it ("0.5", "0.95"). */
    static String levelName(int k) {
        return BigDecimal.valueOf(LEVELS[k]).stripTrailingZeros().toPlainString();
    }

    /** {points, coverage: {"0.5": f, ...}, nll}: what summary.json says. */
    Map<String, Object> summary() {
        Map<String, Object> cov = new LinkedHashMap<>();
        for (int k = 0; k < LEVELS.length; k++) cov.put(levelName(k), coverage(k));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("points", points);
        out.put("coverage", cov);
        out.put("nll", nll());
        return out;
    }
}
