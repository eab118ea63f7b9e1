package org.ntk4j.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Diagnostics;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;

/**
 * The metrics of {@link Calibrate} against closed forms: targets drawn exactly from the predictive
 * distribution N(μ, σ² + λ) are covered at the nominal levels within binomial error, their
 * standardized residuals have mean 0 and variance 1, and the likelihood is the Gaussian formula
 * written out here; a hand-worked point; the per-output and pooled views; the errors.
 */
class CalibrateTest {
    /** A t = ∞ posterior with the given m×k mean and m variances (λ in its diagnostics). */
    static Posterior posterior(double[][] mean, double[] var, double lambda) {
        return new Posterior(
                Get.NNGP,
                Double.POSITIVE_INFINITY,
                Matrix.of(mean),
                null,
                var,
                new Diagnostics(lambda, null, 0, 0, Double.NaN, null),
                null);
    }

    /** m test points, k outputs: means ~ N(0, 4), variances ~ U(0.05, 2). */
    record World(double[][] mean, double[] var, double[][] f, double[][] y) {}

    /** f ~ N(μ, σ²) and y = f + N(0, λ): exactly the posterior's predictive distributions. */
    static World world(int m, int k, double lambda, long seed) {
        Random r = new Random(seed);
        double[][] mean = new double[m][k], f = new double[m][k], y = new double[m][k];
        double[] var = new double[m];
        for (int i = 0; i < m; i++) {
            var[i] = 0.05 + 1.95 * r.nextDouble();
            for (int c = 0; c < k; c++) {
                mean[i][c] = 2 * r.nextGaussian();
                f[i][c] = mean[i][c] + Math.sqrt(var[i]) * r.nextGaussian();
                y[i][c] = f[i][c] + Math.sqrt(lambda) * r.nextGaussian();
            }
        }
        return new World(mean, var, f, y);
    }

    @Test
    void targetsFromThePredictiveDistributionAreCalibrated() {
        int m = 20_000;
        double lambda = 0.3;
        World w = world(m, 1, lambda, 1);
        Calibration c = Calibrate.of(posterior(w.mean(), w.var(), lambda), Matrix.of(w.y()), lambda, Matrix.of(w.f()));
        Metrics p = c.pooled();
        assertEquals(m, p.count());
        for (double level : Calibrate.LEVELS) {
            double se = Math.sqrt(level * (1 - level) / m);
            assertEquals(level, p.coverage().fraction(level), 4 * se, "y at " + level);
            assertEquals(level, p.fCoverage().fraction(level), 4 * se, "f at " + level);
        }
        // z ~ N(0, 1): mean within 4/√N, mean square deviation within 4·√(2/N)
        assertEquals(0, p.zMean(), 4 / Math.sqrt(m));
        assertEquals(1, p.zVar(), 4 * Math.sqrt(2.0 / m));
    }

    @Test
    void nllRmseAndZAreTheGaussianFormulas() {
        int m = 500;
        double lambda = 0.1;
        World w = world(m, 1, lambda, 2);
        Metrics p = Calibrate.of(posterior(w.mean(), w.var(), lambda), Matrix.of(w.y()), lambda)
                .pooled();
        double nll = 0, sq = 0, zs = 0;
        double[] z = new double[m];
        for (int i = 0; i < m; i++) {
            double s2 = w.var()[i] + lambda, r = w.y()[i][0] - w.mean()[i][0];
            nll += -Math.log(Math.exp(-r * r / (2 * s2)) / Math.sqrt(2 * Math.PI * s2));
            sq += r * r;
            z[i] = r / Math.sqrt(s2);
            zs += z[i];
        }
        double zMean = zs / m, zVar = 0;
        for (double v : z) zVar += (v - zMean) * (v - zMean) / m;
        assertEquals(nll / m, p.nll(), 1e-12 * Math.abs(nll / m));
        assertEquals(Math.sqrt(sq / m), p.rmse(), 1e-14);
        assertEquals(zMean, p.zMean(), 1e-14);
        assertEquals(zVar, p.zVar(), 1e-13);
        assertNull(p.fCoverage(), "no f given");
    }

    @Test
    void oneHandWorkedPoint() {
        // μ = 0, σ² = 0.75, λ = 0.25: y ~ N(0, 1); y = 1 is z = 1, inside the 80 % interval (±1.2816), not the 50 %
        // (±0.6745)
        Calibration c = Calibrate.of(
                posterior(new double[][] {{0}}, new double[] {0.75}, 0.25),
                Matrix.of(new double[][] {{1}}),
                0.25,
                Matrix.of(new double[][] {{0.9}}));
        Metrics p = c.pooled();
        assertEquals(0.5 * Math.log(2 * Math.PI) + 0.5, p.nll(), 1e-15);
        assertEquals(1, p.rmse(), 0);
        assertEquals(1, p.zMean(), 0);
        assertEquals(0, p.zVar(), 0);
        assertEquals(List.of(0.0, 1.0, 1.0, 1.0, 1.0), p.coverage().fractions());
        // f = 0.9 against sd √0.75 = 0.866: z = 1.039, inside from the 80 % interval on
        assertEquals(List.of(0.0, 1.0, 1.0, 1.0, 1.0), p.fCoverage().fractions());
        assertEquals(0.8413447460685429, c.pit()[0], 1e-15); // Φ(1)
        assertEquals(Calibrate.LEVELS, p.coverage().levels());
    }

    @Test
    void eachOutputAloneAndPooled() {
        int m = 300;
        double lambda = 0.2;
        World w = world(m, 2, lambda, 3);
        Calibration both =
                Calibrate.of(posterior(w.mean(), w.var(), lambda), Matrix.of(w.y()), lambda, Matrix.of(w.f()));
        assertEquals(2, both.outputs());
        assertEquals(m, both.testPoints());
        assertEquals(2 * m, both.pooled().count());
        double nll = 0, sq = 0;
        for (int c = 0; c < 2; c++) {
            Calibration alone = Calibrate.of(
                    posterior(column(w.mean(), c), w.var(), lambda),
                    Matrix.of(column(w.y(), c)),
                    lambda,
                    Matrix.of(column(w.f(), c)));
            assertEquals(alone.pooled(), both.perOutput().get(c), "output " + c);
            nll += alone.pooled().nll() / 2;
            sq += alone.pooled().rmse() * alone.pooled().rmse() / 2;
        }
        assertEquals(nll, both.pooled().nll(), 1e-12 * Math.abs(nll));
        assertEquals(Math.sqrt(sq), both.pooled().rmse(), 1e-12);
        for (double level : Calibrate.LEVELS) {
            double mean = (both.perOutput().get(0).coverage().fraction(level)
                            + both.perOutput().get(1).coverage().fraction(level))
                    / 2;
            assertEquals(mean, both.pooled().coverage().fraction(level), 1e-15);
        }
        // one output: the pooled metrics are that output's
        Calibration one =
                Calibrate.of(posterior(column(w.mean(), 0), w.var(), lambda), Matrix.of(column(w.y(), 0)), lambda);
        assertEquals(List.of(one.pooled()), one.perOutput());
    }

    @Test
    void thePitGivesTheCoverageAtAnyLevelAndTheHistogram() {
        int m = 2000;
        World w = world(m, 2, 0.1, 4);
        Calibration c = Calibrate.of(posterior(w.mean(), w.var(), 0.1), Matrix.of(w.y()), 0.1, Matrix.of(w.f()));
        for (double level : Calibrate.LEVELS) {
            assertEquals(c.pooled().coverage().fraction(level), c.coverage(level), 1e-12);
            assertEquals(c.pooled().fCoverage().fraction(level), c.latentCoverage(level), 1e-12);
        }
        assertEquals(0, c.coverage(0), 0);
        assertEquals(1, c.coverage(1), 0);
        long[] h = c.pitHistogram(20);
        long total = 0;
        for (long v : h) {
            total += v;
            assertEquals(2 * m / 20.0, v, 4 * Math.sqrt(2 * m / 20.0), "a PIT bin of calibrated draws");
        }
        assertEquals(2L * m, total);
        assertEquals(2 * m, c.pit().length);
    }

    @Test
    void tooNarrowIntervalsUnderCover() {
        int m = 5000;
        World w = world(m, 1, 0.2, 5);
        double[] narrow = w.var().clone();
        for (int i = 0; i < m; i++) narrow[i] /= 4;
        Metrics p = Calibrate.of(posterior(w.mean(), narrow, 0.05), Matrix.of(w.y()), 0.05, Matrix.of(w.f()))
                .pooled();
        assertTrue(p.coverage().fraction(0.9) < 0.75, "y: " + p.coverage());
        assertTrue(p.fCoverage().fraction(0.9) < 0.75, "f: " + p.fCoverage());
        assertTrue(p.zVar() > 2, "z_var " + p.zVar());
    }

    @Test
    void zeroPosteriorVarianceCoversOnlyTheMeanItself() {
        // σ² = 0 (a training point, λ > 0): y still has variance λ; f is covered only where it equals the mean
        Calibration c = Calibrate.of(
                posterior(new double[][] {{1}, {2}}, new double[] {0, 0}, 0.5),
                Matrix.of(new double[][] {{1}, {2}}),
                0.5,
                Matrix.of(new double[][] {{1}, {2.5}}));
        assertEquals(0.5, c.pooled().fCoverage().fraction(0.99), 0);
        assertArrayEquals(new double[] {0.5, 1}, c.latentPit(), 0);
        assertEquals(0.5 * Math.log(2 * Math.PI * 0.5), c.pooled().nll(), 1e-15);
        assertTrue(c.hasLatent());
        assertFalse(Calibrate.of(
                        posterior(new double[][] {{1}}, new double[] {0}, 0.5), Matrix.of(new double[][] {{1}}), 0.5)
                .hasLatent());
        // a round-off negative variance counts as 0
        assertEquals(
                c.pooled(),
                Calibrate.of(
                                posterior(new double[][] {{1}, {2}}, new double[] {-1e-17, 0}, 0.5),
                                Matrix.of(new double[][] {{1}, {2}}),
                                0.5,
                                Matrix.of(new double[][] {{1}, {2.5}}))
                        .pooled());
    }

    @Test
    void errorsNameTheArgument() {
        Posterior p = posterior(new double[][] {{0, 1}, {1, 0}}, new double[] {1, 1}, 0.1);
        Matrix y = Matrix.of(new double[][] {{0, 1}, {1, 0}});
        assertEquals("posterior", thrown(() -> Calibrate.of(null, y, 0.1)).argument());
        Posterior meanOnly = new Posterior(
                Get.NNGP,
                Double.POSITIVE_INFINITY,
                y,
                null,
                null,
                new Diagnostics(0.1, null, 0, 0, Double.NaN, null),
                null);
        assertTrue(thrown(() -> Calibrate.of(meanOnly, y, 0.1)).getMessage().startsWith("posterior: has no variances"));
        assertEquals("yTest", thrown(() -> Calibrate.of(p, null, 0.1)).argument());
        InvalidInputException shape = thrown(() -> Calibrate.of(p, Matrix.of(new double[][] {{0, 1}}), 0.1));
        assertEquals("yTest", shape.argument());
        assertTrue(shape.getMessage().contains("is 1x2 but must be 2x2"), shape.getMessage());
        assertEquals(
                "fTest",
                thrown(() -> Calibrate.of(p, y, 0.1, Matrix.of(new double[][] {{0}, {1}})))
                        .argument());
        InvalidInputException nan =
                thrown(() -> Calibrate.of(p, Matrix.of(new double[][] {{0, 1}, {Double.NaN, 0}}), 0.1));
        assertEquals("yTest", nan.argument());
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        assertEquals(
                "fTest",
                thrown(() -> Calibrate.of(p, y, 0.1, Matrix.of(new double[][] {{0, 1}, {1, Double.POSITIVE_INFINITY}})))
                        .argument());
        for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY})
            assertEquals("noise", thrown(() -> Calibrate.of(p, y, bad)).argument());
        IllPosedProblemException zero = assertThrows(
                IllPosedProblemException.class,
                () -> Calibrate.of(
                        posterior(new double[][] {{0}}, new double[] {0}, 0), Matrix.of(new double[][] {{0}}), 0));
        assertTrue(zero.getMessage().contains("predictive variance of y is 0 at test point 0"), zero.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Calibrate.of(p, y, 0.1).pooled().coverage().fraction(0.7));
        assertThrows(IllegalStateException.class, () -> Calibrate.of(p, y, 0.1).latentCoverage(0.5));
    }

    private static InvalidInputException thrown(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(InvalidInputException.class, e);
    }

    private static double[][] column(double[][] a, int c) {
        double[][] col = new double[a.length][1];
        for (int i = 0; i < a.length; i++) col[i][0] = a[i][c];
        return col;
    }
}
