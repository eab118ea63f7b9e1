package org.ntk4j.examples;

import java.util.Random;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.calibration.Calibrate;
import org.ntk4j.calibration.Calibration;
import org.ntk4j.calibration.Metrics;
import org.ntk4j.evidence.Evidence;
import org.ntk4j.evidence.FitOptions;
import org.ntk4j.evidence.FitResult;
import org.ntk4j.evidence.HyperparameterFit;
import org.ntk4j.evidence.Hyperparameters;
import org.ntk4j.evidence.MarginalLikelihood;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Predict;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;

/**
 * Choose W_std, b_std and the noise variance λ from the data by the marginal likelihood (the
 * evidence), then check on held-out points whether the fitted posterior's intervals are calibrated.
 *
 * <p>The data come from a known function, f(x) = sin(2·x₁) + 0.5·x₂, observed with noise of variance
 * 0.01, so the fit can be compared with the truth: λ should come out near 0.01, and about 90 % of the
 * held-out targets should fall inside the 90 % predictive intervals.
 */
public final class FitAndCalibrate {
    static final double NOISE_SD = 0.1;

    public static void main(String[] args) {
        Random rng = new Random(5);
        Data train = Data.sample(120, rng), test = Data.sample(400, rng);
        Matrix x = train.x(), y = train.y();

        // 1. The model family, with guessed hyperparameters (W_std = 1.5, b_std = 0.1, λ = 0.1).
        Architecture guess = ArchParser.parse("Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)");
        MarginalLikelihood ml = MarginalLikelihood.of(guess, x, y, Get.NNGP);
        Evidence before = ml.evaluate(Hyperparameters.of(guess, 0.1));

        // 2. Maximize the log marginal likelihood over (W_std, b_std, λ), starting from the guess. One start
        //    keeps the example quick; the default, 3 (the guess and two random points), guards against a
        //    local maximum.
        FitResult fit =
                HyperparameterFit.fit(ml, FitOptions.defaults().withStarts(1).withInitialNoise(0.1));
        Hyperparameters h = fit.hyperparameters();
        System.out.printf(
                "LML %.3f at the guess -> %.3f fitted: W_std = %.4f, b_std = %.4f, noise = %.5f (true %.5f)%n",
                before.lml(), fit.evidence().lml(), h.wStd(), h.bStd(), h.noise(), NOISE_SD * NOISE_SD);

        // 3. Predict the held-out points with the fitted architecture and λ (as an absolute noise variance).
        PredictOptions options = PredictOptions.defaults().withRegularization(Regularization.absolute(h.noise()));
        Posterior p = Predict.gpInference(fit.architecture(), x, y, test.x(), Get.NNGP, options);

        // 4. Score the posterior's uncertainty on them: targets y ~ N(μ, σ² + λ), latent f ~ N(μ, σ²).
        Calibration c = Calibrate.of(p, test.y(), h.noise(), test.f());
        Metrics s = c.pooled();
        System.out.printf(
                "held-out: rmse %.4f, nll %.4f, z variance %.3f; 90%% interval covers %.3f of y, %.3f of f%n",
                s.rmse(),
                s.nll(),
                s.zVar(),
                s.coverage().fraction(0.9),
                s.fCoverage().fraction(0.9));

        // 5. Checks. The fit must have raised the evidence above the guess's.
        check(fit.evidence().lml() > before.lml(), "the fit raised the LML");
        // The coverage, counted here from the posterior's own mean and variances (z_0.95 = 1.6449).
        double[] mean = p.meanOf(0), var = p.variances();
        int inside = 0;
        for (int i = 0; i < mean.length; i++)
            if (Math.abs(test.y().get(i, 0) - mean[i]) <= 1.6448536269514722 * Math.sqrt(var[i] + h.noise())) inside++;
        double counted = (double) inside / mean.length;
        // (one point may differ: it could sit on the interval's edge, where the last digit of z decides)
        check(Math.abs(counted - s.coverage().fraction(0.9)) <= 1.0 / mean.length, "coverage as counted: " + counted);
        // Calibrated within reason: 400 points give a binomial sd of 0.015 at 90 %; allow 4 of them.
        check(Math.abs(counted - 0.9) <= 0.06, "the 90 % interval covers about 90 % of held-out targets");
        // Better than knowing nothing: the error is well below the targets' own spread.
        check(s.rmse() < 0.5 * Math.sqrt(HyperparameterFit.targetScale(test.y())), "rmse below half the targets' sd");
        System.out.println("FitAndCalibrate: all checks passed");
    }

    /** Inputs x (n×2), noisy targets y (n×1) and the latent function's values f (n×1). */
    record Data(Matrix x, Matrix y, Matrix f) {
        /** n points x uniform in [−2, 2]², f(x) = sin(2·x₁) + 0.5·x₂ and y = f(x) + noise. */
        static Data sample(int n, Random rng) {
            double[][] x = new double[n][2];
            double[] f = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i][0] = -2 + 4 * rng.nextDouble();
                x[i][1] = -2 + 4 * rng.nextDouble();
                f[i] = Math.sin(2 * x[i][0]) + 0.5 * x[i][1];
                y[i] = f[i] + NOISE_SD * rng.nextGaussian();
            }
            return new Data(Matrix.of(x), Matrix.column(y), Matrix.column(f));
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError("FitAndCalibrate: check failed: " + what);
    }
}
