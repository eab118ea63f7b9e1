package org.ntk4j.demo;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/**
 * A tiny regression data set for the README's tour and for trying the commands: noisy samples of
 * the smooth function {@link #f f(x) = sin(2x)} in one dimension. The training inputs are drawn
 * uniformly from [−2, 2]; the test inputs are an even grid over [−3, 3], so a prediction shows both
 * interpolation and the growing uncertainty outside the data. Targets are f plus independent
 * Gaussian noise of standard deviation {@code noise}. The same seed gives the same numbers on every
 * machine (xoshiro256++ and the ziggurat normal sampler of Commons RNG).
 *
 * @param xTrain training inputs, n×1
 * @param yTrain noisy training targets, n
 * @param xTest  test inputs, m×1 (the grid)
 * @param yTest  noisy test targets, m (fresh noise: held-out labels for {@code calibrate})
 * @param fTest  the noise-free function at the test inputs, m
 */
public record ExampleData(Matrix xTrain, double[] yTrain, Matrix xTest, double[] yTest, double[] fTest) {
    /** Lower end of the interval the training inputs are drawn from. */
    public static final double TRAIN_LOW = -2;
    /** Upper end of the interval the training inputs are drawn from. */
    public static final double TRAIN_HIGH = 2;
    /** Lower end of the test grid (beyond the training interval: extrapolation). */
    public static final double TEST_LOW = -3;
    /** Upper end of the test grid. */
    public static final double TEST_HIGH = 3;

    public ExampleData {
        yTrain = yTrain.clone();
        yTest = yTest.clone();
        fTest = fTest.clone();
    }

    @Override
    public double[] yTrain() {
        return yTrain.clone();
    }

    @Override
    public double[] yTest() {
        return yTest.clone();
    }

    @Override
    public double[] fTest() {
        return fTest.clone();
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
     * @param noise  standard deviation of the target noise, finite and ≥ 0
     * @param seed   seed of the generator
     * @throws InvalidInputException naming {@code nTrain}, {@code nTest} or {@code noise}
     */
    public static ExampleData generate(int nTrain, int nTest, double noise, long seed) {
        if (nTrain < 1) throw new InvalidInputException("nTrain", "must be >= 1, got " + nTrain);
        if (nTest < 2) throw new InvalidInputException("nTest", "must be >= 2 (a grid), got " + nTest);
        if (!Double.isFinite(noise) || noise < 0)
            throw new InvalidInputException("noise", "must be finite and >= 0, got " + noise);
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed);
        ZigguratSampler.NormalizedGaussian z = ZigguratSampler.NormalizedGaussian.of(rng);
        double[] xTrain = new double[nTrain], yTrain = new double[nTrain];
        for (int i = 0; i < nTrain; i++) {
            xTrain[i] = TRAIN_LOW + (TRAIN_HIGH - TRAIN_LOW) * rng.nextDouble();
            yTrain[i] = f(xTrain[i]) + noise * z.sample();
        }
        double[] xTest = new double[nTest], yTest = new double[nTest], fTest = new double[nTest];
        for (int j = 0; j < nTest; j++) {
            xTest[j] = TEST_LOW + (TEST_HIGH - TEST_LOW) * j / (nTest - 1);
            fTest[j] = f(xTest[j]);
            yTest[j] = fTest[j] + noise * z.sample();
        }
        return new ExampleData(Matrix.column(xTrain), yTrain, Matrix.column(xTest), yTest, fTest);
    }
}
