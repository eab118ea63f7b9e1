package org.ntk4j.finite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.arch.activation.Gelu;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;

/**
 * Issue 2's Monte-Carlo criterion: the average of the empirical kernels of actual random networks
 * (NTK parameterization, hidden width 1024, a readout of 128 outputs traced, 100 seeds; one
 * hidden layer by default, two in the slow profile) matches the analytic NNGP and NTK within neural-tangents' own tolerance
 * (stax_test.py::test_exact: relative Frobenius error ≤ 0.04) for Relu, Erf and Gelu.
 * Inputs as neural-tangents' test: cos of standard normals, 6 points.
 */
class MonteCarloConvergenceTest {
    static final int WIDTH = 1024, OUTPUTS = 128, SEEDS = 100;

    static Matrix inputs(int n, int d, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) for (int j = 0; j < d; j++) row[j] = Math.cos(r.nextGaussian());
        return Matrix.of(x);
    }

    /** Average of the empirical (nngp, ntk) over seeds 0..seeds−1, computed in parallel. */
    static double[][] monteCarlo(Architecture arch, Matrix x, int width, int seeds) throws Exception {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<EmpiricalKernels>> futures = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                final long seed = s;
                futures.add(pool.submit(() ->
                        FiniteNetwork.initialize(arch, x.cols(), width, seed).kernels(x, null)));
            }
            int n = x.rows();
            double[] nngp = new double[n * n], ntk = new double[n * n];
            for (Future<EmpiricalKernels> f : futures) { // summed in seed order: deterministic
                EmpiricalKernels k = f.get();
                double[] a = k.nngp().toColumnMajor(), b = k.ntk().toColumnMajor();
                for (int q = 0; q < a.length; q++) {
                    nngp[q] += a[q] / seeds;
                    ntk[q] += b[q] / seeds;
                }
            }
            return new double[][] {nngp, ntk};
        } finally {
            pool.shutdownNow();
        }
    }

    static double relativeFrobenius(double[] actual, double[] expected) {
        double num = 0, den = 0;
        for (int q = 0; q < actual.length; q++) {
            num += (actual[q] - expected[q]) * (actual[q] - expected[q]);
            den += expected[q] * expected[q];
        }
        return Math.sqrt(num / den);
    }

    static Architecture mlp(Activation phi, int depth) {
        List<org.ntk4j.arch.Layer> layers = new ArrayList<>();
        for (int l = 0; l < depth; l++) {
            layers.add(Dense.of(WIDTH, 1.5, 0.1));
            layers.add(phi);
        }
        layers.add(Dense.of(OUTPUTS, 1.5, 0.1));
        return new Architecture(layers, org.ntk4j.arch.Parameterization.NTK);
    }

    static void check(Activation phi, int depth) throws Exception {
        Architecture arch = mlp(phi, depth);
        Matrix x = inputs(6, 5, 1);
        double[][] mc = monteCarlo(arch, x, WIDTH, SEEDS);
        Kernels exact = KernelFunction.of(arch).compute(x, null);
        double eNngp = relativeFrobenius(mc[0], exact.nngp().toColumnMajor());
        double eNtk = relativeFrobenius(mc[1], exact.ntk().toColumnMajor());
        org.slf4j.LoggerFactory.getLogger(MonteCarloConvergenceTest.class)
                .info(String.format("MC depth " + depth + " %s: nngp %.4f ntk %.4f%n", phi.describe(), eNngp, eNtk));
        assertTrue(eNngp <= 0.04, phi.describe() + " NNGP relative Frobenius error " + eNngp);
        assertTrue(eNtk <= 0.04, phi.describe() + " NTK relative Frobenius error " + eNtk);
    }

    @Test
    void relu() throws Exception {
        check(new Relu(), 1);
    }

    @Test
    void erf() throws Exception {
        check(new Erf(), 1);
    }

    @Test
    void gelu() throws Exception {
        check(new Gelu(), 1);
    }

    /**
     * Two hidden layers: the backward pass then runs through a 1024×1024 weight matrix for each of
     * the 128 outputs (≈ 0.8 GFMA per network, 300 networks), so this variant is slow.
     */
    @Test
    @Tag("slow")
    void twoHiddenLayers() throws Exception {
        for (Activation phi : List.of(new Relu(), new Erf(), new Gelu())) check(phi, 2);
    }
}
