package org.ntk4j.calibration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.evidence.FitOptions;
import org.ntk4j.evidence.HyperparameterFit;
import org.ntk4j.evidence.Hyperparameters;
import org.ntk4j.evidence.MarginalLikelihood;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;
import org.ntk4j.solve.ScalablePredict;
import org.ntk4j.solve.SolverOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 15's calibration target: a world drawn from a 2-layer ReLU NNGP prior with known W_std,
 * b_std and λ (d = 8); the hyperparameters fitted by the evidence ({@link HyperparameterFit}, from
 * W_std = b_std = 1) on the n training points; on 2000 held-out points of the same draw, with the
 * latent f known, the central 90 % interval of f covers a fraction within [0.86, 0.94]. The
 * deliberately too-narrow posterior — the fitted W_std × 0.5, the same λ — is reported beside it and
 * must under-cover.
 *
 * <p>What one world can show: the 2000 held-out errors share one draw of f, so the coverage of one
 * world scatters around its expectation by more than the binomial 0.007. Measured while writing
 * this test: with the <em>true</em> hyperparameters, 0.869 to 0.915 over seeds 1–20 (mean 0.896),
 * the check that the posterior is exactly calibrated under its own prior; with the <em>fitted</em>
 * ones (n = 500, seeds 1–10) 0.847 to 0.934, mean 0.887, 6 of 10 worlds inside the window — the
 * plug-in of maximum-likelihood estimates (b_std and λ tend to come out low) costs about a point of
 * coverage, and a world whose evidence peaks at b_std's lower bound (n = 300, seed 6: all starts
 * agree) covers 0.834. So the default test pins one world and also checks the true-hyperparameter
 * posterior there; the slow {@link #averagedOverWorldsTheFittedPosteriorCoversAtTheNominalLevel}
 * states the target over ten worlds.
 */
class CalibrationTargetTest {
    private static final Logger LOG = LoggerFactory.getLogger(CalibrationTargetTest.class);

    private static final Architecture RELU2 =
            ArchParser.parse("Dense(512,W_std=1,b_std=1)->Relu->Dense(1,W_std=1,b_std=1)");
    private static final Hyperparameters TRUTH = new Hyperparameters(1.4, 0.3, 0.05);
    private static final int HELD_OUT = 2000, D = 8;

    @Test
    void theFittedPosteriorCoversTheLatentFunctionAtTheNominalLevel() {
        Outcome o = outcome(World.draw(300, 15));
        LOG.info(o.report());
        assertTrue(o.truth() >= 0.86 && o.truth() <= 0.94, o.report());
        assertTrue(o.fitted() >= 0.86 && o.fitted() <= 0.94, o.report());
        assertTrue(o.narrow() < 0.86 && o.narrow() < o.fitted(), o.report());
    }

    @Test
    @Tag("slow")
    void averagedOverWorldsTheFittedPosteriorCoversAtTheNominalLevel() {
        int worlds = 10;
        double truth = 0, fitted = 0, narrow = 0;
        for (long seed = 1; seed <= worlds; seed++) {
            Outcome o = outcome(World.draw(500, seed));
            LOG.info("world {}: {}", seed, o.report());
            truth += o.truth() / worlds;
            fitted += o.fitted() / worlds;
            narrow += o.narrow() / worlds;
        }
        String report = String.format(
                Locale.ROOT,
                "mean 90%% coverage of f over %d worlds: true hyperparameters %.4f, fitted %.4f, too narrow %.4f",
                worlds,
                truth,
                fitted,
                narrow);
        LOG.info(report);
        assertTrue(Math.abs(truth - 0.9) <= 0.02, report);
        assertTrue(fitted >= 0.86 && fitted <= 0.94, report);
        assertTrue(narrow < 0.86, report);
    }

    /** The 90 % coverage of f by the posterior with the true, the fitted and the too-narrow hyperparameters. */
    record Outcome(Hyperparameters fit, double truth, double fitted, double narrow, double fittedY) {
        String report() {
            return String.format(
                    Locale.ROOT,
                    "truth %s, fitted %s: 90%% interval of f covers %.4f (y %.4f; true hyperparameters %.4f);"
                            + " too narrow (W_std x 0.5) %.4f",
                    TRUTH,
                    fit,
                    fitted,
                    fittedY,
                    truth,
                    narrow);
        }
    }

    static Outcome outcome(World w) {
        Hyperparameters h = HyperparameterFit.fit(
                        MarginalLikelihood.of(RELU2, w.x(), w.y(), Get.NNGP),
                        FitOptions.defaults().withStarts(1))
                .hyperparameters();
        Calibration truth = w.calibrate(TRUTH.applyTo(RELU2), TRUTH.noise());
        Calibration fitted = w.calibrate(h.applyTo(RELU2), h.noise());
        Calibration narrow = w.calibrate(h.withWStd(0.5 * h.wStd()).applyTo(RELU2), h.noise());
        return new Outcome(
                h,
                f90(truth),
                f90(fitted),
                f90(narrow),
                fitted.pooled().coverage().fraction(0.9));
    }

    private static double f90(Calibration c) {
        return c.pooled().fCoverage().fraction(0.9);
    }

    /** n training pairs (x, y) and held-out inputs with their targets and latent values, from one prior draw. */
    record World(Matrix x, Matrix y, Matrix xs, Matrix ys, Matrix fs) {
        /** One world: f drawn at n + 2000 standard normal inputs (seeded), y = f + N(0, λ), the first n for training. */
        static World draw(int n, long seed) {
            Random r = new Random(seed);
            double[][] x = new double[n + HELD_OUT][D];
            for (double[] row : x) for (int j = 0; j < D; j++) row[j] = r.nextGaussian();
            double[] f = priorDraw(TRUTH.applyTo(RELU2), Matrix.of(x), r);
            double[][] xTrain = new double[n][], yTrain = new double[n][1], xTest = new double[HELD_OUT][];
            double[][] yTest = new double[HELD_OUT][1], fTest = new double[HELD_OUT][1];
            for (int i = 0; i < n + HELD_OUT; i++) {
                double y = f[i] + Math.sqrt(TRUTH.noise()) * r.nextGaussian();
                if (i < n) {
                    xTrain[i] = x[i];
                    yTrain[i][0] = y;
                } else {
                    xTest[i - n] = x[i];
                    yTest[i - n][0] = y;
                    fTest[i - n][0] = f[i];
                }
            }
            return new World(
                    Matrix.of(xTrain), Matrix.of(yTrain), Matrix.of(xTest), Matrix.of(yTest), Matrix.of(fTest));
        }

        /** The t = ∞ NNGP posterior of {@code arch} with noise λ on the held-out points, scored. */
        Calibration calibrate(Architecture arch, double noise) {
            PredictOptions o = PredictOptions.defaults().withRegularization(Regularization.absolute(noise));
            Posterior p = ScalablePredict.gpInference(arch, x, y, xs, Get.NNGP, o, SolverOptions.defaults())
                    .posterior();
            return Calibrate.of(p, ys, noise, fs);
        }
    }

    /**
     * One draw f ~ N(0, K) of the NNGP prior of {@code arch} at the rows of x: f = L·z with K = LLᵀ
     * (a nugget of 1e-9 × the mean diagonal keeps the factorization of many nearby points stable).
     */
    private static double[] priorDraw(Architecture arch, Matrix x, Random r) {
        Matrix k = KernelFunction.of(arch).compute(x, null).nngp();
        int n = x.rows();
        double mean = 0;
        for (int i = 0; i < n; i++) mean += k.get(i, i) / n;
        Matrix l;
        try (NativeMatrix a = NativeMatrix.copyOf(k, "prior covariance")) {
            for (int i = 0; i < n; i++) a.set(i, i, a.get(i, i) + 1e-9 * mean);
            try (Cholesky c = Cholesky.factor(a.takeOwnership(), JitterPolicy.defaults(), "prior covariance")) {
                l = c.lower();
            }
        }
        double[] z = new double[n], f = new double[n];
        for (int i = 0; i < n; i++) z[i] = r.nextGaussian();
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j <= i; j++) s += l.get(i, j) * z[j];
            f[i] = s;
        }
        return f;
    }
}
