package org.ntk4j.calibration;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Posterior;

/**
 * Scores a posterior on held-out data: is its uncertainty calibrated? For test point i and output c,
 * with posterior mean μ, posterior variance σ² (of the latent function, shared by the outputs) and
 * the noise variance λ, the predictive distribution of the target is y ~ N(μ, σ² + λ), and of the
 * latent function f ~ N(μ, σ²). {@link #of} returns the error, the mean negative log likelihood,
 * the standardized residuals and the coverage of the central intervals at {@link #LEVELS} — pooled
 * over the outputs and per output ({@link Metrics}) — and the PIT values behind a reliability
 * diagram ({@link Calibration}).
 *
 * <pre>{@code
 * Posterior p = ScalablePredict.gpInference(arch, xTrain, yTrain, xTest, Get.NNGP, options, solver).posterior();
 * Calibration c = Calibrate.of(p, yTest, p.diagnostics().lambda());
 * double covered90 = c.pooled().coverage().fraction(0.9);
 * }</pre>
 *
 * <p>The noise is the λ of the model that produced the posterior (for an absolute regularization the
 * value given; for a relative one the posterior's {@code diagnostics().lambda()}): the same λ the
 * marginal likelihood treats as the noise variance (docs/evidence.md).
 */
public final class Calibrate {
    /** The nominal levels of {@link Metrics#coverage()}: 0.5, 0.8, 0.9, 0.95, 0.99. */
    public static final List<Double> LEVELS = List.of(0.5, 0.8, 0.9, 0.95, 0.99);

    private static final NormalDistribution STANDARD = NormalDistribution.of(0, 1);
    /** z_p = Φ⁻¹((1 + p)/2) for each of {@link #LEVELS}: the half-width of the central interval in standard deviations. */
    private static final double[] HALF_WIDTHS = LEVELS.stream()
            .mapToDouble(p -> STANDARD.inverseCumulativeProbability((1 + p) / 2))
            .toArray();

    private static final String REMEDY =
            "the score is not representable in float64: rescale the targets (y) towards order 1, "
                    + "and keep the noise (diagReg, giving lambda) above ~1e-300 times their square";

    private Calibrate() {}

    /** {@link #of(Posterior, Matrix, double, Matrix)} without the latent values. */
    public static Calibration of(Posterior posterior, Matrix yTest, double noise) {
        return of(posterior, yTest, noise, null);
    }

    /**
     * The calibration of {@code posterior} against the held-out targets {@code yTest} (m×k, row i at
     * the posterior's test point i) with noise variance {@code noise}, and against the latent
     * function's values {@code fTest} (m×k) when not null.
     *
     * @throws InvalidInputException when the posterior is null or has no variances (computed with
     *         {@code CovarianceMode.NONE}), yTest or fTest is not m×k or not finite, or the noise is
     *         negative or not finite
     * @throws IllPosedProblemException when a predictive variance σ² + λ is 0 (λ = 0 at a point the
     *         posterior knows exactly): the likelihood and the standardized residual are undefined
     * @throws org.ntk4j.error.NonFiniteResultException when a score overflows float64
     */
    public static Calibration of(Posterior posterior, Matrix yTest, double noise, Matrix fTest) {
        if (posterior == null) throw new InvalidInputException("posterior", "is null");
        double[] var = posterior.variancesOrDiagonal();
        if (var == null)
            throw new InvalidInputException(
                    "posterior",
                    "has no variances; compute it with CovarianceMode.DIAGONAL or FULL to score its uncertainty");
        if (!(noise >= 0) || !Double.isFinite(noise))
            throw new InvalidInputException("noise", "must be >= 0 and finite, got " + noise);
        int m = posterior.size(), k = posterior.outputs();
        requireHeldOut(yTest, fTest, m, k);
        double[] varY = new double[m], sdY = new double[m], sdF = new double[m];
        for (int i = 0; i < m; i++) {
            double v = Math.max(0, var[i]); // a round-off negative is a variance of 0, as Posterior.sd() has it
            if (!(v + noise > 0))
                throw new IllPosedProblemException("calibration: the predictive variance of y is 0 at test point " + i
                        + " (posterior variance 0 and noise 0), so its likelihood and standardized residual are"
                        + " undefined; give a noise (diagReg) > 0");
            varY[i] = v + noise;
            sdY[i] = Math.sqrt(varY[i]);
            sdF[i] = Math.sqrt(v);
        }
        Matrix mean = posterior.mean();
        Spread spread = new Spread(varY, sdY, sdF);
        List<Metrics> perOutput = new ArrayList<>(k);
        for (int c = 0; c < k; c++) perOutput.add(score(mean, yTest, fTest, spread, c, c + 1));
        Metrics pooled = k == 1 ? perOutput.get(0) : score(mean, yTest, fTest, spread, 0, k);
        double[] pit = new double[m * k], latentPit = fTest == null ? null : new double[m * k];
        for (int i = 0; i < m; i++)
            for (int c = 0; c < k; c++) {
                pit[i * k + c] = pit(yTest.get(i, c) - mean.get(i, c), sdY[i]);
                if (fTest != null) latentPit[i * k + c] = pit(fTest.get(i, c) - mean.get(i, c), sdF[i]);
            }
        return new Calibration(noise, m, k, pooled, perOutput, pit, latentPit);
    }

    /**
     * Checks held-out values before a posterior is computed for them: {@code yTest} (required) and
     * {@code fTest} (when not null) must be finite {@code testPoints}×{@code outputs} matrices — one
     * row per test point (xTest), one column per output (yTrain).
     *
     * @throws InvalidInputException naming yTest or fTest
     */
    public static void requireHeldOut(Matrix yTest, Matrix fTest, int testPoints, int outputs) {
        requireShape(yTest, "yTest", testPoints, outputs);
        if (fTest != null) requireShape(fTest, "fTest", testPoints, outputs);
    }

    private static void requireShape(Matrix v, String name, int m, int k) {
        if (v == null) throw new InvalidInputException(name, "is null");
        if (v.rows() != m || v.cols() != k)
            throw new InvalidInputException(
                    name,
                    "is " + v.rows() + "x" + v.cols() + " but must be " + m + "x" + k
                            + ": one row per test point (xTest), one column per output (yTrain)");
        Finite.requireInput(v, name);
    }

    /** Per test point: the predictive variance of y and its square root, and the posterior standard deviation of f. */
    private record Spread(double[] varY, double[] sdY, double[] sdF) {}

    /** The metrics of output columns [c0, c1) pooled. */
    private static Metrics score(Matrix mean, Matrix y, Matrix f, Spread s, int c0, int c1) {
        double[] sdY = s.sdY(), sdF = s.sdF();
        int m = sdY.length, count = m * (c1 - c0);
        double sq = 0, nll = 0, zSum = 0;
        long[] inY = new long[LEVELS.size()], inF = new long[LEVELS.size()];
        for (int i = 0; i < m; i++)
            for (int c = c0; c < c1; c++) {
                double mu = mean.get(i, c), r = y.get(i, c) - mu, s2 = s.varY()[i];
                sq += r * r;
                nll += 0.5 * Math.log(2 * Math.PI * s2) + r * r / (2 * s2);
                zSum += r / sdY[i];
                count(inY, r, sdY[i]);
                if (f != null) count(inF, f.get(i, c) - mu, sdF[i]);
            }
        double zMean = zSum / count, zVar = 0;
        for (int i = 0; i < m; i++) // second pass: the mean square deviation without cancellation
        for (int c = c0; c < c1; c++) {
                double d = (y.get(i, c) - mean.get(i, c)) / sdY[i] - zMean;
                zVar += d * d;
            }
        zVar /= count;
        return new Metrics(
                count,
                Finite.requireResult(Math.sqrt(sq / count), "calibration rmse", REMEDY),
                Finite.requireResult(nll / count, "calibration nll", REMEDY),
                Finite.requireResult(zMean, "calibration z mean", REMEDY),
                Finite.requireResult(zVar, "calibration z variance", REMEDY),
                coverage(inY, count),
                f == null ? null : coverage(inF, count));
    }

    /** Counts r in each central interval ±z_p·s (s = 0: in only when r = 0). */
    private static void count(long[] in, double r, double s) {
        double a = Math.abs(r);
        for (int l = 0; l < in.length; l++) if (a <= HALF_WIDTHS[l] * s) in[l]++;
    }

    private static Coverage coverage(long[] in, int count) {
        List<Double> f = new ArrayList<>(in.length);
        for (long c : in) f.add((double) c / count);
        return new Coverage(LEVELS, f);
    }

    /** Φ(r/s); with s = 0 the limit of a point mass: 0.5 at r = 0, else 0 or 1. */
    private static double pit(double r, double s) {
        if (s == 0) return r == 0 ? 0.5 : r > 0 ? 1 : 0;
        return STANDARD.cumulativeProbability(r / s);
    }
}
