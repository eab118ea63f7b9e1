package org.ntk4j.demo;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/**
 * A tiny regression data set for the README's tour and for trying the commands: noisy samples of
 * the smooth function {@link #f f(x) = sin(2x)} in one dimension. The training inputs and the
 * held-out (validation) inputs are drawn independently and uniformly from [−2, 2], so the held-out
 * points test the model where it has data, as a calibration check should; the test inputs are an
 * even grid over [−3, 3], so a prediction on them shows both interpolation and the growing
 * uncertainty outside the data. Targets are f plus independent Gaussian noise of standard deviation
 * {@code noise}. The same seed gives the same numbers on every machine (xoshiro256++ and the
 * ziggurat normal sampler of Commons RNG).
 *
 * @param xTrain training inputs, n×1
 * @param yTrain noisy training targets, n
 * @param xTest  test inputs, m×1 (the grid)
 * @param fTest  the noise-free function at the test inputs, m
 * @param xVal   held-out inputs, v×1 (drawn like the training inputs)
 * @param yVal   noisy held-out targets, v (fresh noise: labels for {@code calibrate})
 * @param fVal   the noise-free function at the held-out inputs, v
 */
public record ExampleData(
        Matrix xTrain, double[] yTrain, Matrix xTest, double[] fTest, Matrix xVal, double[] yVal, double[] fVal) {
    /** Lower end of the interval the training and held-out inputs are drawn from. */
    public static final double TRAIN_LOW = -2;
    /** Upper end of the interval the training and held-out inputs are drawn from. */
    public static final double TRAIN_HIGH = 2;
    /** Lower end of the test grid (beyond the training interval: extrapolation). */
    public static final double TEST_LOW = -3;
    /** Upper end of the test grid. */
    public static final double TEST_HIGH = 3;

    public ExampleData {
        yTrain = yTrain.clone();
        fTest = fTest.clone();
        yVal = yVal.clone();
        fVal = fVal.clone();
    }

    @Override
    public double[] yTrain() {
        return yTrain.clone();
    }

    @Override
    public double[] fTest() {
        return fTest.clone();
    }

    @Override
    public double[] yVal() {
        return yVal.clone();
    }

    @Override
    public double[] fVal() {
        return fVal.clone();
    }

    /** The function the targets sample: sin(2x). */
    public static double f(double x) {
        return Math.sin(2 * x);
    }

    /**
     * Generates the data set.
     *
     * @param nTrain number of training points, at least 1
     * @param nTest  number of test grid points, at least 2
     * @param nVal   number of held-out points, at least 1
     * @param noise  standard deviation of the target noise, finite and ≥ 0
     * @param seed   seed of the generator
     * @throws InvalidInputException naming {@code nTrain}, {@code nTest}, {@code nVal} or {@code noise}
     */
    public static ExampleData generate(int nTrain, int nTest, int nVal, double noise, long seed) {
        if (nTrain < 1) throw new InvalidInputException("nTrain", "must be >= 1, got " + nTrain);
        if (nTest < 2) throw new InvalidInputException("nTest", "must be >= 2 (a grid), got " + nTest);
        if (nVal < 1) throw new InvalidInputException("nVal", "must be >= 1, got " + nVal);
        if (!Double.isFinite(noise) || noise < 0)
            throw new InvalidInputException("noise", "must be finite and >= 0, got " + noise);
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed);
        ZigguratSampler.NormalizedGaussian z = ZigguratSampler.NormalizedGaussian.of(rng);
        Sample train = sample(nTrain, noise, rng, z);
        double[] xTest = new double[nTest], fTest = new double[nTest];
        for (int j = 0; j < nTest; j++) {
            xTest[j] = TEST_LOW + (TEST_HIGH - TEST_LOW) * j / (nTest - 1);
            fTest[j] = f(xTest[j]);
        }
        Sample val = sample(nVal, noise, rng, z);
        return new ExampleData(
                Matrix.column(train.x), train.y, Matrix.column(xTest), fTest, Matrix.column(val.x), val.y, val.f);
    }

    /** Inputs drawn uniformly from the training interval, with f and the noisy targets. */
    private record Sample(double[] x, double[] y, double[] f) {}

    private static Sample sample(int n, double noise, UniformRandomProvider rng, ZigguratSampler.NormalizedGaussian z) {
        double[] x = new double[n], y = new double[n], fx = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = TRAIN_LOW + (TRAIN_HIGH - TRAIN_LOW) * rng.nextDouble();
            fx[i] = f(x[i]);
            y[i] = fx[i] + noise * z.sample();
        }
        return new Sample(x, y, fx);
    }
}
