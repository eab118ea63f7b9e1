package org.ntk4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.Ntk4jException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.testing.Compare;

/**
 * Exact homogeneity over the float64 range (issue 13): a bias-free network of positively homogeneous
 * activations of degree a gives K(s·x) = s^(2·a^L)·K(x) (L = number of activations; Sign: a = 0,
 * scale-free), to 1e-12 relative, for s = 1e-150 … 1e150 wherever that value is representable, and
 * a typed error where it is not. The product q1·q2 of two variances over/underflows at s ≈ 1e±77:
 * before √(q1q2) was rescaled the ReLU NNGP at s = 1e-150 was 0–27 % of this value and s = 1e150
 * gave a false "kernel overflows" error.
 */
class HomogeneousScalingTest {
    /** Architecture and the degree of its activations. */
    record Net(String arch, int degree) {}

    static final Net[] NETS = {
        new Net("Dense(64,W_std=2)->Relu->Dense(1,W_std=2)", 1),
        new Net("Dense(64,W_std=2)->Relu->Dense(64,W_std=2)->Relu->Dense(1,W_std=2)", 1),
        new Net("Dense(64,W_std=1.5)->LeakyRelu(0.1)->Dense(64,W_std=1.2)->Abs->Dense(1,W_std=1.3)", 1),
        new Net("Dense(64,W_std=1.1)->ABRelu(-0.4,1.7)->Dense(2,W_std=0.8)", 1),
        new Net("Dense(64,W_std=1.3)->RectifiedMonomial(1)->Dense(64,W_std=1.4)->Relu->Dense(1)", 1),
        new Net("Dense(64,W_std=1.3)->RectifiedMonomial(2)->Dense(1)", 2),
        new Net("Dense(64,W_std=1.3)->Sign->Dense(64,W_std=1.1)->Sign->Dense(1,W_std=1.2)", 0),
        new Net("Dense(64,W_std=1.3)->Relu->Dense(64,W_std=1.1)->Sign->Dense(1,W_std=1.2)", 0),
    };

    static double log10Max(Matrix m) {
        double max = 0;
        for (int i = 0; i < m.rows(); i++)
            for (int j = 0; j < m.cols(); j++) max = Math.max(max, Math.abs(m.get(i, j)));
        return Math.log10(max);
    }

    @Test
    void biasFreeHomogeneousNetworksScaleExactlyFrom1eMinus150To1e150() {
        Matrix x = KernelPropertiesTest.random(7, 6, 4), x2 = KernelPropertiesTest.random(8, 3, 4);
        int checked = 0, refused = 0;
        for (Net net : NETS)
            for (Parameterization param : Parameterization.values()) {
                int[] c = checkScales(net, param, x, x2);
                checked += c[0];
                refused += c[1];
            }
        assertTrue(checked >= 2 * 8 * 20, "checked " + checked);
        assertTrue(refused > 0, "RectifiedMonomial(2) at 1e150 (kernel ~1e600) must be refused");
    }

    /** K(x, x) and K(x2, x) at s = 1e-150, 1e-140, …, 1e150; returns {scales compared, scales refused}. */
    static int[] checkScales(Net net, Parameterization param, Matrix x, Matrix x2) {
        KernelFunction kf = KernelFunction.of(ArchParser.parse(net.arch(), param));
        Kernels ref = kf.compute(x, null), refCross = kf.compute(x2, x);
        int layers = net.arch().split("->").length / 2;
        double power = net.degree() == 0 ? 0 : 2 * Math.pow(net.degree(), layers); // K(s·x) = s^power·K(x)
        String name = net.arch() + " (" + param + ")";
        int checked = 0, refused = 0;
        for (int e = -150; e <= 150; e += 10) {
            double s = Math.pow(10, e);
            Matrix xs = KernelPropertiesTest.scaled(x, s), x2s = KernelPropertiesTest.scaled(x2, s);
            double top = log10Max(ref.ntk()) + power * e, bottom = log10Max(ref.nngp()) + power * e - 2;
            if (top > 307 || bottom < -290) {
                if (top > 308.5) {
                    assertThrows(Ntk4jException.class, () -> kf.compute(xs, null), name + " at 1e" + e);
                    refused++;
                }
                continue; // too close to the edges of float64 for a 1e-12 comparison
            }
            Kernels k = kf.compute(xs, null), kc = kf.compute(x2s, xs);
            double f = Math.pow(10, power * e / 2.0); // s^(power/2), applied twice
            for (Matrix[] pair : new Matrix[][] {
                {k.nngp(), ref.nngp()}, {k.ntk(), ref.ntk()},
                {kc.nngp(), refCross.nngp()}, {kc.ntk(), refCross.ntk()}
            }) {
                Matrix want = KernelPropertiesTest.scaled(KernelPropertiesTest.scaled(pair[1], f), f);
                double err = Compare.relErr(pair[0], want); // normwise
                assertTrue(err <= 1e-12, name + " at s = 1e" + e + ": relative error " + err);
            }
            checked++;
        }
        return new int[] {checked, refused};
    }

    /** The correlation of a point with itself stays exactly 1 at any scale (NTK diagonals exact). */
    @Test
    void diagonalsStayExactAtExtremeScales() {
        KernelFunction kf = KernelFunction.of(
                ArchParser.parse("Dense(64,W_std=1.5)->Relu->Dense(64,W_std=1.5)->Relu->Dense(1,W_std=1.5)"));
        Matrix x = KernelPropertiesTest.random(3, 5, 3);
        Kernels ref = kf.compute(x, null);
        for (double s : new double[] {0x1p-500, 0x1p500}) { // powers of two: the scaled inputs are exact
            Kernels k = kf.compute(KernelPropertiesTest.scaled(x, s), null);
            for (int i = 0; i < 5; i++) {
                assertEquals(ref.nngp().get(i, i) * s * s, k.nngp().get(i, i), 0.0, "nngp diagonal at " + s);
                assertEquals(ref.ntk().get(i, i) * s * s, k.ntk().get(i, i), 0.0, "ntk diagonal at " + s);
            }
        }
    }
}
