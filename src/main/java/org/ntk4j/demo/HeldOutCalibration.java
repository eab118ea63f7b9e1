package org.ntk4j.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ntk4j.calibration.Calibrate;
import org.ntk4j.calibration.Calibration;
import org.ntk4j.calibration.Metrics;

/**
 * The calibration of the demo's posteriors at the held-out draws ({@link Calibrate}, one per seed),
 * pooled over the seeds by weighting each seed's means by its number of points: the coverage of the
 * labels H by the predictive intervals (variance σ² + λ) and of the true utility V by the posterior's
 * own (variance σ²), at {@link Calibrate#LEVELS}; the mean predictive negative log likelihood of H;
 * and the root mean square error.
 *
 * @param points    the held-out values scored, over all seeds
 * @param coverage  per level, the fraction of labels inside the predictive interval
 * @param fCoverage per level, the fraction of true utilities inside the posterior's interval
 * @param nll       the mean predictive negative log likelihood of the labels
 * @param rmse      the root mean square error of U against the labels
 */
record HeldOutCalibration(int points, double[] coverage, double[] fCoverage, double nll, double rmse) {
    HeldOutCalibration {
        coverage = coverage.clone();
        fCoverage = fCoverage.clone();
    }

    @Override
    public double[] coverage() {
        return coverage.clone();
    }

    @Override
    public double[] fCoverage() {
        return fCoverage.clone();
    }

    /** The seeds' calibrations together (each scored with the latent values). */
    static HeldOutCalibration pool(List<Calibration> seeds) {
        int levels = Calibrate.LEVELS.size(), n = 0;
        double[] cov = new double[levels], fcov = new double[levels];
        double nll = 0, sq = 0;
        for (Calibration c : seeds) {
            Metrics m = c.pooled();
            n += m.count();
            for (int k = 0; k < levels; k++) {
                double level = Calibrate.LEVELS.get(k);
                cov[k] += m.count() * m.coverage().fraction(level);
                fcov[k] += m.count() * m.fCoverage().fraction(level);
            }
            nll += m.count() * m.nll();
            sq += m.count() * m.rmse() * m.rmse();
        }
        for (int k = 0; k < levels; k++) {
            cov[k] /= n;
            fcov[k] /= n;
        }
        return new HeldOutCalibration(n, cov, fcov, nll / n, Math.sqrt(sq / n));
    }

    /** {points, coverage, f_coverage ({"0.5": fraction, ...}), nll, rmse}: the keys of {@code ntk4j calibrate}'s calibration.json. */
    Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("points", points);
        out.put("coverage", byLevel(coverage));
        out.put("f_coverage", byLevel(fCoverage));
        out.put("nll", nll);
        out.put("rmse", rmse);
        return out;
    }

    private static Map<String, Object> byLevel(double[] fractions) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < fractions.length; k++)
            m.put(
                    java.math.BigDecimal.valueOf(Calibrate.LEVELS.get(k))
                            .stripTrailingZeros()
                            .toPlainString(),
                    fractions[k]);
        return m;
    }
}
