package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.activation.*;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;

/**
 * The host half of the GPU path, checked without a GPU: the activation encoding (through a Java
 * transcription of native/activations.cuh, itself checked against ntref.py by the emulator test),
 * the op program and the per-example recursions against the CPU KernelFunction.
 */
class GpuProgramTest {
    static final List<Activation> ACTS = List.of(
            new Relu(),
            new LeakyRelu(0.2),
            new ABRelu(-0.4, 0.9),
            new Abs(),
            new Erf(1.3, 0.7, 0.2),
            new SigmoidLike(),
            new Gelu(),
            new Sin(1.1, 0.9, 0.3),
            new Cos(1.1, 0.9, 0.3),
            new Rbf(0.7),
            new Exp(0.8, 0.5),
            new Gaussian(1.2, -0.6),
            new Sign(),
            new Monomial(0),
            new Monomial(3),
            new Monomial(5),
            new RectifiedMonomial(0),
            new RectifiedMonomial(1),
            new RectifiedMonomial(3),
            new Polynomial(0.5, -1.0, 0.25, 0.3, 0.1),
            new Gabor());

    /** native/activations.cuh's dual(), transcribed (float64). */
    static double[] deviceDual(int id, double[] p, double c, double q1, double q2) {
        double pi = Math.PI;
        switch (id) {
            case 1: {
                double root = Math.sqrt(Math.max(q1 * q2 - c * c, 0)),
                        th = root == 0 && c == 0 ? pi / 2 : Math.atan2(root, c);
                double dot = p[1] - p[0] * th;
                return new double[] {p[0] * root + dot * c, dot};
            }
            case 2: {
                double b2 = p[1],
                        cb = b2 * c,
                        root = Math.sqrt(Math.max((1 + 2 * b2 * q1) * (1 + 2 * b2 * q2) - 4 * cb * cb, 0));
                return new double[] {p[0] * (2 / pi) * Math.atan2(2 * cb, root) + p[2], p[0] * b2 * (4 / pi) / root};
            }
            case 4: {
                double s = q1 + q2, s1 = Math.exp(p[1] * (-0.5 * s + c)), s2 = Math.exp(p[1] * (-0.5 * s - c)) * p[2];
                return new double[] {p[0] * (s1 - s2), p[0] * p[1] * (s1 + s2)};
            }
            case 5: {
                double k = Math.exp(p[0] * (2 * c - (q1 + q2)));
                return new double[] {k, 2 * p[0] * k};
            }
            case 6: {
                double k = Math.exp(p[1] * ((q1 + q2) / 2 + c));
                return new double[] {p[0] * k, p[0] * p[1] * k};
            }
            case 7: {
                double b = p[1], det = Math.sqrt(Math.max((1 - 2 * b * q1) * (1 - 2 * b * q2) - 4 * b * b * c * c, 0));
                return new double[] {p[0] / det, p[0] * 4 * b * b * c / (det * det * det)};
            }
            case 9: {
                int n = (int) p[0];
                Monomial m = new Monomial(n);
                return new double[] {m.nngp(c, q1, q2), m.ntkFactor(c, q1, q2)}; // same E_n table
            }
            case 11: {
                int d = (int) p[0], g = 1;
                double t = 0, dd = 0, cl = 1, clm1 = 0;
                for (int l = 0; l < d; l++) {
                    int ni = (d - 1 - l) / 2 + 1;
                    double r1 = 0, r2 = 0;
                    for (int i = ni - 1; i >= 0; i--) {
                        r1 = r1 * q1 + p[g + i];
                        r2 = r2 * q2 + p[g + i];
                    }
                    g += ni;
                    t += r1 * r2 * cl;
                    if (l >= 1) dd += l * r1 * r2 * clm1;
                    clm1 = cl;
                    cl *= c;
                }
                return new double[] {t, dd};
            }
            default:
                // parameterless maps (Gelu, Sign, RectifiedMonomial's degree, Gabor) are checked by the emulator test
                return null;
        }
    }

    @Test
    void encodingReproducesEveryActivationsDualMap() {
        Random r = new Random(7);
        for (Activation a : ACTS) {
            DeviceCode code =
                    assertInstanceOf(DeviceEncodable.class, a, a.describe()).deviceCode();
            for (int t = 0; t < 200; t++) {
                double q1 = 0.05 + 1.5 * r.nextDouble(), q2 = 0.05 + 1.5 * r.nextDouble();
                if (a instanceof Gaussian) {
                    q1 *= 0.3;
                    q2 *= 0.3;
                }
                double c = (2 * r.nextDouble() - 1) * 0.95 * Math.sqrt(q1 * q2);
                double[] dev = deviceDual(code.id(), code.params(), c, q1, q2);
                if (dev == null) continue;
                assertEquals(a.nngp(c, q1, q2), dev[0], 1e-13 * Math.max(1, Math.abs(dev[0])), a.describe() + " nngp");
                assertEquals(
                        a.ntkFactor(c, q1, q2),
                        dev[1],
                        1e-13 * Math.max(1, Math.abs(dev[1])),
                        a.describe() + " ntk factor");
            }
        }
        assertInstanceOf(CpuOnly.class, Numerical.builtin("tanh", 25));
        assertNotNull(GpuProgram.unsupportedReason(Architecture.of(Dense.of(4, 1, 0), Numerical.builtin("tanh", 25))));
        assertNull(GpuProgram.unsupportedReason(Architecture.of(Dense.of(4, 1, 0), new Relu(), new Identity())));
    }

    @Test
    void opProgramFollowsTheParameterization() {
        Architecture a = Architecture.of(
                new Identity(),
                Dense.of(7, 1.5, 0.1),
                new Identity(),
                new Erf(),
                Dense.noBias(3, 2.0),
                Dense.of(1, 0.5, 0.2));
        GpuProgram ntk = GpuProgram.compile(a, 5);
        assertEquals(3, ntk.ops.size());
        assertArrayEquals(
                new double[] {2.25, 0.01, 2.25, 0.01, DeviceCode.ERF, 0, 0, 0},
                java.util.Arrays.copyOfRange(ntk.opArray, 0, 8),
                1e-15);
        assertEquals(0, ntk.opArray[8 + 4], "no activation after the second Dense");
        GpuProgram std = GpuProgram.compile(a.withParameterization(Parameterization.STANDARD), 5);
        assertEquals(5, std.opArray[2], "standard: alpha = N_in = input dim");
        assertEquals(1, std.opArray[3], "standard: +1 for the bias");
        assertEquals(7, std.opArray[8 + 2], "N_in = previous width");
        assertEquals(0, std.opArray[8 + 3], "no bias: no +1");
        assertEquals(3, std.opArray[16 + 2]);
    }

    @Test
    void hostRecursionsMatchTheCpuKernel() {
        Random r = new Random(3);
        int n = 9, d = 6;
        double[][] xs = new double[n][d];
        for (double[] row : xs) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        Matrix x = Matrix.of(xs);
        for (Parameterization p : Parameterization.values())
            for (Activation act : List.of(
                    new Relu(),
                    new Erf(1.1, 0.8, 0.1),
                    new Gelu(),
                    new RectifiedMonomial(2),
                    new Polynomial(0.1, 1, 0.3))) {
                Architecture a = new Architecture(
                        List.of(Dense.of(11, 1.4, 0.2), act, Dense.of(5, 0.9, 0.1), act, Dense.of(1, 1.2, 0.3)), p);
                Kernels cpu = KernelFunction.of(a).compute(x, null);
                GpuProgram prog = GpuProgram.compile(a, d);
                GpuProgram.Rows rows = prog.rows(x.rowMeanSquares(), "x1", true);
                for (int i = 0; i < n; i++) {
                    assertEquals(
                            cpu.cov1()[i], rows.cov()[i], 1e-14 * Math.abs(cpu.cov1()[i]), a.describe() + " cov " + i);
                    assertEquals(
                            cpu.nngp().get(i, i),
                            rows.cov()[i],
                            1e-14 * Math.abs(cpu.cov1()[i]),
                            a.describe() + " K(x,x)");
                    assertEquals(
                            cpu.ntk().get(i, i),
                            rows.diagNtk()[i],
                            1e-13 * Math.abs(cpu.ntk().get(i, i)),
                            a.describe() + " " + p + " NTK(x,x)");
                }
            }
    }
}
