package org.ntk4j.finite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.arch.activation.Gelu;
import org.ntk4j.arch.activation.Identity;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/**
 * Finite networks against independent checks: the empirical NTK against Jacobians from central
 * finite differences of f (h = 1e-5: truncation ~h²·f''' ≈ 1e-10, round-off ~ε/h ≈ 1e-11, so
 * 1e-7 relative is a safe bound that a wrong layer term — O(1) — cannot meet); gradient descent
 * against finite differences of the loss; structural identities exactly.
 */
class FiniteNetworkTest {
    static Matrix random(Random r, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) for (int j = 0; j < cols; j++) row[j] = r.nextGaussian();
        return Matrix.of(a);
    }

    /** Architectures covering: several hidden layers, no-bias layers, an output nonlinearity, Identity. */
    static List<Architecture> architectures() {
        return List.of(
                Architecture.of(
                        Dense.of(4, 1.3, 0.2), new Erf(), Dense.of(3, 0.9, 0.1), new Gelu(), Dense.of(2, 1.1, 0.3)),
                Architecture.of(Dense.noBias(5, 1.5), new Relu(), Dense.of(3, 1.2, 0.4), new Erf(2, 0.3, 0.5)),
                Architecture.of(Dense.of(4, 1.3, 0.2), new Erf(), new Identity(), Dense.noBias(3, 0.8)),
                Architecture.of(Dense.of(2, 1.0, 0.5)),
                Architecture.of(
                                Dense.of(4, 1.3, 0.2),
                                new Gelu(),
                                Dense.of(3, 0.9, 0.0),
                                new Erf(),
                                Dense.of(2, 1.1, 0.3))
                        .withParameterization(Parameterization.STANDARD),
                Architecture.of(Dense.noBias(4, 1.3), new Relu(), Dense.of(3, 0.7, 0.0))
                        .withParameterization(Parameterization.STANDARD));
    }

    /** Jacobian J[i][o][q] of f_o(x_i) w.r.t. every stored parameter q, by central differences. */
    static double[][][] jacobian(FiniteNetwork net, Matrix x, double h) {
        List<DenseParameters> p = net.parameters();
        int n = x.rows(), k = net.outputDim();
        List<double[]> flat = new ArrayList<>();
        for (DenseParameters d : p) {
            flat.add(d.weights().toColumnMajor());
            if (d.hasBias()) flat.add(d.bias());
        }
        int total = 0;
        for (double[] a : flat) total += a.length;
        double[][][] j = new double[n][k][total];
        int q = 0;
        for (int a = 0; a < flat.size(); a++) {
            for (int e = 0; e < flat.get(a).length; e++, q++) {
                double[] fp = perturbed(net, flat, a, e, h).apply(x).toColumnMajor();
                double[] fm = perturbed(net, flat, a, e, -h).apply(x).toColumnMajor();
                for (int i = 0; i < n; i++)
                    for (int o = 0; o < k; o++) j[i][o][q] = (fp[i + o * n] - fm[i + o * n]) / (2 * h);
            }
        }
        return j;
    }

    private static FiniteNetwork perturbed(FiniteNetwork net, List<double[]> flat, int array, int entry, double h) {
        List<DenseParameters> src = net.parameters();
        List<DenseParameters> out = new ArrayList<>();
        int a = 0;
        for (DenseParameters d : src) {
            double[] w = flat.get(a++).clone();
            if (a - 1 == array) w[entry] += h;
            double[] b = null;
            if (d.hasBias()) {
                b = flat.get(a++).clone();
                if (a - 1 == array) b[entry] += h;
            }
            out.add(new DenseParameters(Matrix.wrapColumnMajor(d.inputWidth(), d.outputWidth(), w), b));
        }
        return FiniteNetwork.of(net.architecture(), out);
    }

    static double maxRelative(double[] actual, double[] expected) {
        double err = 0, scale = 0;
        for (int i = 0; i < actual.length; i++) {
            err = Math.max(err, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return err / scale;
    }

    @Test
    void empiricalNtkEqualsFiniteDifferenceJacobianProducts() {
        Random r = new Random(7);
        int seed = 0;
        for (Architecture arch : architectures()) {
            FiniteNetwork net = FiniteNetwork.initialize(arch, 3, seed++);
            Matrix x1 = random(r, 4, 3), x2 = random(r, 3, 3);
            double[][][] j1 = jacobian(net, x1, 1e-5), j2 = jacobian(net, x2, 1e-5);
            int k = net.outputDim();
            double[] full = new double[4 * 3 * k * k], diag = new double[4 * 3 * k], trace = new double[4 * 3];
            int f = 0, g = 0;
            for (int i = 0; i < 4; i++)
                for (int jj = 0; jj < 3; jj++) {
                    for (int o = 0; o < k; o++)
                        for (int p = 0; p < k; p++, f++) {
                            double s = 0;
                            for (int q = 0; q < j1[i][o].length; q++) s += j1[i][o][q] * j2[jj][p][q];
                            full[f] = s;
                            if (o == p) {
                                diag[g++] = s;
                                trace[i * 3 + jj] += s / k;
                            }
                        }
                }
            OutputKernels fk = net.outputKernels(x1, x2, OutputKernels.Form.FULL);
            OutputKernels dk = net.outputKernels(x1, x2, OutputKernels.Form.DIAGONAL);
            EmpiricalKernels tk = net.kernels(x1, x2);
            String what = arch.describe() + " " + arch.parameterization();
            assertTrue(maxRelative(fk.ntk(), full) < 1e-7, what + " full: " + maxRelative(fk.ntk(), full));
            assertTrue(maxRelative(dk.ntk(), diag) < 1e-7, what + " diag: " + maxRelative(dk.ntk(), diag));
            assertTrue(
                    maxRelative(tk.ntk().toRowMajor(), trace) < 1e-7,
                    what + " trace: " + maxRelative(tk.ntk().toRowMajor(), trace));
        }
    }

    @Test
    void nngpIsTheOutputGram() {
        Random r = new Random(3);
        FiniteNetwork net = FiniteNetwork.initialize(architectures().get(0), 3, 512, 11);
        Matrix x1 = random(r, 5, 3), x2 = random(r, 2, 3);
        double[][] f1 = net.apply(x1).toArray(), f2 = net.apply(x2).toArray();
        Matrix nngp = net.kernels(x1, x2, false).nngp();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 2; j++)
                assertEquals((f1[i][0] * f2[j][0] + f1[i][1] * f2[j][1]) / 2, nngp.get(i, j), 1e-15);
    }

    @Test
    void symmetricCallAndOutputBlocksAgree() {
        Random r = new Random(5);
        FiniteNetwork net =
                FiniteNetwork.initialize(architectures().get(0).withParameterization(Parameterization.NTK), 3, 64, 2);
        Matrix x = random(r, 6, 3);
        EmpiricalKernels a = net.kernels(x, null), b = net.kernels(x, x);
        assertTrue(maxRelative(a.ntk().toColumnMajor(), b.ntk().toColumnMajor()) < 1e-15);
        assertTrue(maxRelative(a.nngp().toColumnMajor(), b.nngp().toColumnMajor()) < 1e-15);
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++) assertEquals(a.ntk().get(i, j), a.ntk().get(j, i), 1e-13);
        // The traced NTK from output blocks of 1 equals that from one block of all outputs.
        try (NativeWeights w = new NativeWeights(stepsOf(net))) {
            Forward f = Forward.run(stepsOf(net), w, x.toColumnMajor(), 6, 3, true);
            double[] one = KernelContraction.ntk(stepsOf(net), w, f, f, 2, KernelContraction.Form.TRACE, 1);
            double[] all = KernelContraction.ntk(stepsOf(net), w, f, f, 2, KernelContraction.Form.TRACE, 2);
            assertTrue(maxRelative(one, all) < 1e-14);
        }
    }

    private static List<Step> stepsOf(FiniteNetwork net) {
        List<Step> steps = new ArrayList<>();
        var params = net.parameters();
        int l = 0, nIn = net.inputDim();
        for (var layer : net.architecture().layers()) {
            if (layer instanceof org.ntk4j.arch.Activation a) {
                steps.add(new Step.ActivationStep(a, nIn));
                continue;
            }
            Dense d = (Dense) layer;
            DenseParameters p = params.get(l++);
            steps.add(Initializer.denseStep(
                    net.architecture().parameterization(),
                    d,
                    nIn,
                    p.outputWidth(),
                    p.weights().toColumnMajor(),
                    p.bias()));
            nIn = p.outputWidth();
        }
        return steps;
    }

    @Test
    void initializationIsReproducibleAndWidthOverridesHiddenLayersOnly() {
        Architecture arch = architectures().get(0);
        FiniteNetwork a = FiniteNetwork.initialize(arch, 3, 32, 42), b = FiniteNetwork.initialize(arch, 3, 32, 42);
        FiniteNetwork c = FiniteNetwork.initialize(arch, 3, 32, 43);
        assertEquals(a.parameters(), b.parameters());
        assertNotEquals(a.parameters(), c.parameters());
        List<Integer> widths = new ArrayList<>();
        for (var layer : a.architecture().layers()) if (layer instanceof Dense d) widths.add(d.width());
        assertEquals(List.of(32, 32, 2), widths);
        assertEquals(3L * 32 + 32 + 32 * 32 + 32 + 32 * 2 + 2, a.parameterCount());
        // Draws are standard normal (NTK parameterization stores them unscaled).
        FiniteNetwork big = FiniteNetwork.initialize(
                Architecture.of(Dense.of(1, 1.0, 1.0), new Relu(), Dense.of(1, 1, 1)), 500, 400, 1);
        double[] w = big.parameters().get(0).weights().toColumnMajor();
        double m = 0, v = 0;
        for (double x : w) m += x;
        m /= w.length;
        for (double x : w) v += (x - m) * (x - m);
        v /= w.length - 1;
        // 200000 draws: SE(mean) = 0.0022, SE(var) = 0.0032; 5 standard errors.
        assertEquals(0.0, m, 0.011);
        assertEquals(1.0, v, 0.016);
    }

    @Test
    void mirroredNetworkNegatesOutputsAndKeepsTheNtkBitForBit() {
        Random r = new Random(9);
        FiniteNetwork net = FiniteNetwork.initialize(architectures().get(0), 3, 128, 4);
        FiniteNetwork mirror = net.negateReadout();
        Matrix x1 = random(r, 5, 3), x2 = random(r, 4, 3);
        double[] f = net.apply(x1).toColumnMajor(), g = mirror.apply(x1).toColumnMajor();
        for (int q = 0; q < f.length; q++) assertEquals(-f[q], g[q], 0.0);
        assertArrayEquals(
                net.kernels(x1, x2).ntk().toColumnMajor(),
                mirror.kernels(x1, x2).ntk().toColumnMajor(),
                0.0);
        assertThrows(
                InvalidInputException.class,
                () -> FiniteNetwork.initialize(architectures().get(1), 3, 8, 1).negateReadout());
    }

    @Test
    void gradientStepEqualsFiniteDifferenceGradientOfTheLoss() {
        Random r = new Random(13);
        int seed = 100;
        for (Architecture arch : architectures()) {
            FiniteNetwork net = FiniteNetwork.initialize(arch, 3, seed++);
            Matrix x = random(r, 5, 3), y = random(r, 5, net.outputDim());
            double eta = 1e-3;
            FiniteNetwork stepped = net.train(x, y, 1, eta);
            List<DenseParameters> p0 = net.parameters(), p1 = stepped.parameters();
            List<double[]> flat = new ArrayList<>();
            for (DenseParameters d : p0) {
                flat.add(d.weights().toColumnMajor());
                if (d.hasBias()) flat.add(d.bias());
            }
            List<double[]> after = new ArrayList<>();
            for (DenseParameters d : p1) {
                after.add(d.weights().toColumnMajor());
                if (d.hasBias()) after.add(d.bias());
            }
            List<Double> gd = new ArrayList<>(), fd = new ArrayList<>();
            for (int a = 0; a < flat.size(); a++)
                for (int e = 0; e < flat.get(a).length; e++) {
                    gd.add((flat.get(a)[e] - after.get(a)[e]) / eta);
                    double h = 1e-5;
                    fd.add((perturbed(net, flat, a, e, h).loss(x, y)
                                    - perturbed(net, flat, a, e, -h).loss(x, y))
                            / (2 * h));
                }
            double[] g1 = gd.stream().mapToDouble(Double::doubleValue).toArray();
            double[] g2 = fd.stream().mapToDouble(Double::doubleValue).toArray();
            // (θ0 − θ1)/η carries cancellation error ~ε·|θ|/η ≈ 1e-12; FD error ~1e-10.
            assertTrue(maxRelative(g1, g2) < 1e-6, arch.describe() + ": " + maxRelative(g1, g2));
        }
    }

    @Test
    void trainingDecreasesTheLossAndIsReproducibleAndComposable() {
        Random r = new Random(17);
        Architecture arch = Architecture.of(
                Dense.of(8, 1.5, 0.1), new Erf(), Dense.of(8, 1.5, 0.1), new Relu(), Dense.of(2, 1.5, 0.1));
        Matrix x = random(r, 10, 3), y = random(r, 10, 2), xt = random(r, 4, 3);
        FiniteNetwork net = FiniteNetwork.initialize(arch, 3, 64, 21);
        FiniteNetwork trained = net.train(x, y, 200, 1.0);
        assertTrue(trained.loss(x, y) < 0.5 * net.loss(x, y), net.loss(x, y) + " -> " + trained.loss(x, y));
        FiniteNetwork again = FiniteNetwork.initialize(arch, 3, 64, 21).train(x, y, 200, 1.0);
        assertArrayEquals(trained.apply(xt).toColumnMajor(), again.apply(xt).toColumnMajor(), 0.0);
        FiniteNetwork split = net.train(x, y, 120, 1.0).train(x, y, 80, 1.0);
        assertArrayEquals(trained.apply(xt).toColumnMajor(), split.apply(xt).toColumnMajor(), 0.0);
        assertEquals(net.apply(xt), net.train(x, y, 0, 1.0).apply(xt));
    }

    @Test
    void badInputsGiveTypedErrors() {
        FiniteNetwork net = FiniteNetwork.initialize(architectures().get(0), 3, 8, 1);
        Matrix bad = Matrix.of(new double[][] {{1, Double.NaN, 0}});
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> net.apply(bad));
        assertEquals("x", e.argument());
        assertThrows(InvalidInputException.class, () -> net.kernels(Matrix.of(new double[][] {{1, 2}}), null));
        assertThrows(
                InvalidInputException.class,
                () -> net.train(
                        Matrix.of(new double[][] {{1, 2, 3}}), Matrix.of(new double[][] {{1, 2}, {3, 4}}), 1, 0.1));
        assertThrows(
                InvalidInputException.class,
                () -> net.train(Matrix.of(new double[][] {{1, 2, 3}}), Matrix.of(new double[][] {{1, 2}}), 1, -0.1));
        assertThrows(
                InvalidInputException.class,
                () -> FiniteNetwork.initialize(architectures().get(0), 3, 0, 1));
        assertThrows(
                InvalidInputException.class, () -> FiniteNetwork.initialize(Architecture.of(new Identity()), 3, 8, 1));
        assertThrows(
                InvalidInputException.class,
                () -> FiniteNetwork.of(architectures().get(0), net.parameters().subList(0, 2)));
        InvalidInputException div = assertThrows(
                InvalidInputException.class,
                () -> net.train(Matrix.of(new double[][] {{1, 2, 3}}), Matrix.of(new double[][] {{1, 2}}), 2000, 1e6));
        assertEquals("learningRate", div.argument());
    }
}
