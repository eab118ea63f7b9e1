package org.ntk4j.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.activation.ABRelu;
import org.ntk4j.arch.activation.Abs;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.arch.activation.Gelu;
import org.ntk4j.arch.activation.LeakyRelu;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.arch.activation.SigmoidLike;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;

/**
 * The closed-form derivatives of the kernel: each dual map's tangent against the activation's own
 * maps, and the forward-mode recursion's ∂M/∂W_std, ∂M/∂b_std against differences of the kernel —
 * of the engine's kernels on fresh inputs, and of the recursion itself on inputs with a repeated
 * point and a zero row (where the arc-cosine angle is exactly 0 or its variance 0). Measured:
 * maps ≤ 4e-11, kernel derivatives ≤ 3e-11 relative to the largest entry, M itself ≤ 5e-16.
 */
class KernelDerivativesTest {
    private static final Activation[] CLOSED_FORM = {
        new Relu(),
        new LeakyRelu(0.2),
        new ABRelu(-0.4, 1.3),
        new Abs(),
        new Erf(),
        new Erf(1.7, 0.6, -0.2),
        new SigmoidLike()
    };

    private static final String[] ARCHS = {
        "Dense(32,W_std=1,b_std=1)->Relu->Dense(16,W_std=1,b_std=1)->Relu->Dense(1,W_std=1,b_std=1)",
        "Dense(16,W_std=1)->LeakyRelu(0.2)->Dense(16,W_std=1,b_std=0)->ABRelu(-0.4,1.3)->Dense(1,W_std=1,b_std=1)",
        "Dense(32,W_std=1,b_std=1)->Erf(1.7,0.6,-0.2)->Dense(8,W_std=1,b_std=1)->Abs->Dense(2,W_std=1,b_std=1)",
        "Dense(16,W_std=1,b_std=1)->Sigmoid_like->Dense(8,W_std=1)->Relu->Dense(1,W_std=1,b_std=1)",
    };

    @Test
    void closedFormsExistForTheReluFamilyAndErfOnly() {
        for (Activation a : CLOSED_FORM) assertNotNull(DualMapTangent.of(a), a.describe());
        assertNull(DualMapTangent.of(new Gelu()));
    }

    /** T and Ṫ of the tangents are the activations' own maps (to rounding: the kernel uses a fast arccos). */
    @Test
    void tangentValuesAreTheActivationsMaps() {
        Random r = new Random(1);
        double[] out = new double[6], z = new double[2];
        for (Activation a : CLOSED_FORM) {
            DualMapTangent t = DualMapTangent.of(a);
            for (int s = 0; s < 2000; s++) {
                double q1 = 0.05 + 3 * r.nextDouble(), q2 = s % 7 == 0 ? q1 : 0.05 + 3 * r.nextDouble();
                double c = (s % 7 == 0 ? 1 : 2 * r.nextDouble() - 1) * Math.sqrt(q1 * q2);
                t.eval(c, q1, q2, z, z, z, 2, out);
                assertEquals(a.nngp(c, q1, q2), out[0], 2e-15 * (1 + Math.abs(out[0])), a.describe() + " T");
                assertEquals(a.ntkFactor(c, q1, q2), out[1], 2e-15 * (1 + Math.abs(out[1])), a.describe() + " Tdot");
            }
        }
    }

    /** dT, dṪ along random directions at interior points against Richardson differences of the activation's maps. */
    @Test
    void tangentDerivativesMatchDifferencesOfTheMaps() {
        Random r = new Random(2);
        double[] out = new double[6], dc = new double[2], d1 = new double[2], d2 = new double[2];
        for (Activation a : CLOSED_FORM) {
            DualMapTangent t = DualMapTangent.of(a);
            for (int s = 0; s < 300; s++) {
                double q1 = 0.2 + 2 * r.nextDouble(),
                        q2 = 0.2 + 2 * r.nextDouble(),
                        c = (1.8 * r.nextDouble() - 0.9) * Math.sqrt(q1 * q2);
                for (int k = 0; k < 2; k++) {
                    dc[k] = r.nextGaussian();
                    d1[k] = r.nextGaussian();
                    d2[k] = r.nextGaussian();
                }
                t.eval(c, q1, q2, dc, d1, d2, 2, out);
                for (int k = 0; k < 2; k++) {
                    final int kk = k;
                    double ft = EvidenceTestData.derivative(
                            u -> a.nngp(c + u * dc[kk], q1 + u * d1[kk], q2 + u * d2[kk]), 0, 1e-4);
                    double fd = EvidenceTestData.derivative(
                            u -> a.ntkFactor(c + u * dc[kk], q1 + u * d1[kk], q2 + u * d2[kk]), 0, 1e-4);
                    double et = Math.abs(out[2 + 2 * k] - ft) / (1 + Math.abs(ft)),
                            ed = Math.abs(out[3 + 2 * k] - fd) / (1 + Math.abs(fd));
                    assertTrue(
                            et <= 1e-8 && ed <= 1e-8,
                            a.describe() + " at (" + c + ", " + q1 + ", " + q2 + "): dT " + out[2 + 2 * k] + " vs " + ft
                                    + ", dTdot " + out[3 + 2 * k] + " vs " + fd);
                }
            }
        }
    }

    /** ∂M of the closed-form recursion against Richardson differences of the engine's kernel matrices (fresh inputs). */
    @Test
    void kernelDerivativesMatchDifferencesOfTheEngine() {
        Matrix x = EvidenceTestData.inputs(12, 4, 7, false);
        Hyperparameters h = new Hyperparameters(1.4, 0.3, 0.0);
        for (String text : ARCHS)
            for (Parameterization par : Parameterization.values()) {
                Architecture base = ArchParser.parse(text, par);
                for (boolean ntk : new boolean[] {false, true}) {
                    double[][] analytic = closedForm(base, h, ntk, x);
                    Kernels k0 = KernelFunction.of(h.applyTo(base)).compute(x, null);
                    double[] m0 = (ntk ? k0.ntk() : k0.nngp()).toColumnMajor();
                    double[] engineW = engineDifference(base, x, ntk, u -> h.withWStd(u), h.wStd());
                    double[] engineB = engineDifference(base, x, ntk, u -> h.withBStd(u), h.bStd());
                    String what = text + " [" + par + (ntk ? ", NTK]" : ", NNGP]");
                    assertClose(analytic[0], m0, 1e-12, what + " M");
                    assertClose(analytic[1], engineW, 1e-8, what + " dM/dW_std");
                    assertClose(analytic[2], engineB, 1e-8, what + " dM/db_std");
                }
            }
    }

    /**
     * With a repeated point and a zero row (no bias on the first layer: its variance stays 0 into the
     * first nonlinearity), the closed form against differences of the same recursion ({@link DifferencePlan},
     * which runs the activations' own maps on the entries' exact inputs).
     */
    @Test
    void kernelDerivativesAtRepeatedPointsAndZeroRows() {
        Matrix x0 = EvidenceTestData.inputs(10, 3, 11, true);
        double[][] rows = x0.toArray();
        rows[4] = new double[3];
        Matrix x = Matrix.of(rows);
        Hyperparameters h = new Hyperparameters(1.2, 0.25, 0.0);
        for (String text : ARCHS)
            for (Parameterization par : Parameterization.values())
                for (boolean ntk : new boolean[] {false, true}) {
                    Architecture base = ArchParser.parse(text, par), arch = h.applyTo(base);
                    InputRows in = new InputRows(x);
                    DifferencePlan fd = DifferencePlan.of(arch, h, ntk, in.dimension(), in.variances());
                    double[][] analytic = closedForm(base, h, ntk, x);
                    int n = x.rows();
                    double[] dw = new double[n * n], db = new double[n * n], out = new double[2];
                    EntryDerivatives.Evaluator ev = fd.evaluator();
                    for (int j = 0; j < n; j++)
                        for (int i = j; i < n; i++) {
                            ev.derivatives(in.gram(i, j), i, j, out);
                            dw[i + j * n] = dw[j + i * n] = out[0];
                            db[i + j * n] = db[j + i * n] = out[1];
                        }
                    String what = text + " [" + par + (ntk ? ", NTK]" : ", NNGP]");
                    assertClose(analytic[1], dw, 1e-9, what + " dM/dW_std");
                    assertClose(analytic[2], db, 1e-9, what + " dM/db_std");
                    // the repeated pair is exactly parallel in the closed form: its entries equal the diagonal's
                    assertEquals(analytic[0][0], analytic[0][1], 0.0, what + " M at the repeated pair");
                    assertEquals(analytic[1][0], analytic[1][1], 0.0, what + " dM/dW_std at the repeated pair");
                }
    }

    /** {M, ∂M/∂W_std, ∂M/∂b_std} as full column-major n×n arrays from the closed-form recursion (lower triangle mirrored). */
    static double[][] closedForm(Architecture base, Hyperparameters h, boolean ntk, Matrix x) {
        InputRows in = new InputRows(x);
        TangentPlan plan = TangentPlan.of(h.applyTo(base), h, ntk, in.dimension(), in.variances());
        assertNotNull(plan);
        int n = x.rows();
        double[][] res = new double[3][n * n];
        double[] dc = new double[2], d1 = new double[2], d2 = new double[2], out = new double[6], m = new double[3];
        for (int j = 0; j < n; j++)
            for (int i = j; i < n; i++) {
                plan.entry(in.gram(i, j), i, j, dc, d1, d2, out, m);
                for (int t = 0; t < 3; t++) res[t][i + j * n] = res[t][j + i * n] = m[t];
            }
        return res;
    }

    private static double[] engineDifference(
            Architecture base, Matrix x, boolean ntk, java.util.function.DoubleFunction<Hyperparameters> at, double v) {
        double h = 1e-3 * Math.max(v, 0.1);
        double[][] m = new double[4][];
        double[] pts = {v + h, v - h, v + h / 2, v - h / 2};
        for (int p = 0; p < 4; p++) {
            Kernels k = KernelFunction.of(at.apply(pts[p]).applyTo(base)).compute(x, null);
            m[p] = (ntk ? k.ntk() : k.nngp()).toColumnMajor();
        }
        double[] d = new double[m[0].length];
        for (int i = 0; i < d.length; i++) {
            double d1 = (m[0][i] - m[1][i]) / (2 * h), d2 = (m[2][i] - m[3][i]) / h;
            d[i] = (4 * d2 - d1) / 3;
        }
        return d;
    }

    private static void assertClose(double[] actual, double[] expected, double tol, String what) {
        double num = 0, den = 0;
        for (int i = 0; i < expected.length; i++) {
            num = Math.max(num, Math.abs(actual[i] - expected[i]));
            den = Math.max(den, Math.abs(expected[i]));
        }
        double err = den == 0 ? num : num / den;
        assertTrue(err <= tol, what + ": relative error " + err);
    }
}
