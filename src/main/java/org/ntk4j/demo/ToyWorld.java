package org.ntk4j.demo;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.softopt.Prior;

/**
 * The Goodhart toy (a hidden world the demo knows and the agent does not). Policies are points x
 * in the box [−3, 3] × [−2, 2], spread uniformly. The prior γ ∝ exp(−‖x‖²/(2·0.8²)) puts its mass on
 * "human-like" policies near the origin, so labels drawn from it cover only that region. The true
 * utility, in [0, 1], is by default ({@link ToyUtility#STANDARD})
 * <pre>  V(x) = sigmoid(2x₁) · exp(−½((x₁ − 1)₊/0.5)²) · (1 − 0.1·tanh(x₂²))</pre>
 * It rises with x₁ where the data are, then collapses beyond x₁ ≈ 1, where the prior has almost no
 * mass: a regression fitted on prior draws extrapolates the rise, and argmax of the proxy lands there.
 * The coverage study draws V from {@link ToyUtility#FAMILY} instead.
 *
 * @param features    n×2 policy features
 * @param prior       γ
 * @param trueUtility V
 * @param utility     the function V is drawn from
 */
record ToyWorld(Matrix features, Prior prior, double[] trueUtility, ToyUtility utility) {
    public ToyWorld {
        trueUtility = trueUtility.clone();
    }

    @Override
    public double[] trueUtility() {
        return trueUtility.clone();
    }

    /** Number of policies. */
    public int size() {
        return trueUtility.length;
    }

    /** The standard world's true utility at x = (x1, x2). */
    public static double trueUtility(double x1, double x2) {
        return ToyUtility.STANDARD.value(x1, x2);
    }

    /** A world of n policies drawn with {@code seed}, with the standard utility. */
    public static ToyWorld generate(int n, long seed) {
        return generate(n, seed, ToyUtility.STANDARD);
    }

    /** A world of n policies drawn with {@code seed} (the policies do not depend on the utility). */
    public static ToyWorld generate(int n, long seed, ToyUtility utility) {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed);
        double[][] x = new double[n][2];
        double[] w = new double[n], v = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = 6 * rng.nextDouble() - 3;
            x[i][1] = 4 * rng.nextDouble() - 2;
            w[i] = Math.exp(-0.5 * (x[i][0] * x[i][0] + x[i][1] * x[i][1]) / 0.64);
            v[i] = utility.value(x[i][0], x[i][1]);
        }
        return new ToyWorld(Matrix.of(x), Prior.normalize(w), v, utility);
    }
}
