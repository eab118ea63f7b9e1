package org.ntk4j.correction;

import org.ntk4j.arch.Architecture;
import org.ntk4j.finite.FiniteNetwork;
import org.ntk4j.linalg.Matrix;

/**
 * Monte Carlo over actual networks ({@link FiniteNetwork}, seeds 0..N−1 offset by {@code seed0}):
 * the mean and variance of the conditional NNGP Ĝ and of the empirical NTK Θ̂ per entry, with
 * standard errors (the SE of a variance from the fourth central moment).
 */
final class WidthMonteCarlo {
    /** Per entry (column-major m×m): mean, its SE, variance, its SE. */
    record Stats(double[] mean, double[] meanSe, double[] var, double[] varSe) {}

    record Result(Stats nngp, Stats ntk) {}

    static Result run(Architecture arch, Matrix x, int width, int samples, long seed0, boolean ntk) {
        int q = x.rows() * x.rows();
        double[][] g = new double[samples][], t = new double[samples][];
        for (int s = 0; s < samples; s++) {
            FiniteNetwork net = FiniteNetwork.initialize(arch, x.cols(), width, seed0 + s);
            g[s] = net.conditionalNngp(x, null).toColumnMajor();
            if (ntk) t[s] = net.kernels(x, null).ntk().toColumnMajor();
        }
        return new Result(stats(g, q), ntk ? stats(t, q) : null);
    }

    static Stats stats(double[][] xs, int q) {
        int n = xs.length;
        double[] mean = new double[q], meanSe = new double[q], var = new double[q], varSe = new double[q];
        for (int e = 0; e < q; e++) {
            double m = 0;
            for (double[] x : xs) m += x[e];
            m /= n;
            double m2 = 0, m4 = 0;
            for (double[] x : xs) {
                double d = x[e] - m;
                m2 += d * d;
                m4 += d * d * d * d;
            }
            m2 /= n;
            m4 /= n;
            mean[e] = m;
            var[e] = m2 * n / (n - 1);
            meanSe[e] = Math.sqrt(var[e] / n);
            varSe[e] = Math.sqrt(Math.max(m4 - m2 * m2, 0) / n);
        }
        return new Stats(mean, meanSe, var, varSe);
    }
}
