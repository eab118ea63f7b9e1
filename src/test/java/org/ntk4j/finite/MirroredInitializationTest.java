package org.ntk4j.finite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.GradientDescentMse;
import org.ntk4j.predict.Regularization;

/**
 * The symmetry result (docs/soft-optimization.md §6.4, claim 19): flipping the readout weights and bias
 * of a network flips f₀ and leaves the empirical NTK unchanged, so over a mirrored pair of
 * initializations the correction term f₀(x) − Θ̂(x,X)Θ̂_r⁻¹(I − e^{−ηΘ̂t/N})f₀(X) averages to zero
 * <em>exactly</em> (bit for bit, not just to rounding), at any width, time and ridge; and the
 * pair's mean prediction is exactly the kernel-regression term Θ̂(x,X)Θ̂_r⁻¹(I − e^{−ηΘ̂t/N})Y.
 */
class MirroredInitializationTest {
    @Test
    void correctionTermVanishesExactlyOverMirroredPairs() {
        Random r = new Random(31);
        Matrix x = GradientDescentValidationTest.random(r, 7, 4, 1),
                xt = GradientDescentValidationTest.random(r, 5, 4, 1);
        Matrix y = GradientDescentValidationTest.random(r, 7, 2, 1);
        Matrix zero = Matrix.wrapColumnMajor(7, 2, new double[14]);
        double[] times = {0.5, 3, 40, Double.POSITIVE_INFINITY};
        int pairs = 0;
        for (Architecture arch : new Architecture[] {
            Architecture.of(Dense.of(64, 1.5, 0.1), new Erf(), Dense.of(2, 1.5, 0.1)),
            Architecture.of(Dense.of(64, 1.3, 0.2), new Relu(), Dense.of(64, 1.3, 0.2), new Erf(), Dense.noBias(2, 1.1))
        }) {
            for (long seed = 0; seed < 3; seed++) {
                FiniteNetwork net = FiniteNetwork.initialize(arch, 4, 32 << seed, seed), mirror = net.negateReadout();
                Matrix theta = net.kernels(x, null).ntk(),
                        thetaTd = net.kernels(xt, x).ntk();
                // Identical kernels, negated outputs: the premise of the symmetry.
                assertEquals(theta, mirror.kernels(x, null).ntk());
                assertEquals(thetaTd, mirror.kernels(xt, x).ntk());
                for (Regularization reg : new Regularization[] {Regularization.NONE, Regularization.relative(1e-2)}) {
                    try (GradientDescentMse gd = GradientDescentMse.fit(theta, zero, 0.7, reg, null);
                            GradientDescentMse gdy = GradientDescentMse.fit(theta, y, 0.7, reg, null)) {
                        // With Y = 0 the prediction is exactly the correction term.
                        var a = gd.predict(times, net.apply(x), net.apply(xt), thetaTd);
                        var b = gd.predict(times, mirror.apply(x), mirror.apply(xt), thetaTd);
                        var fa = gdy.predict(times, net.apply(x), net.apply(xt), thetaTd);
                        var fb = gdy.predict(times, mirror.apply(x), mirror.apply(xt), thetaTd);
                        var plain = gdy.predict(times, null, null, thetaTd);
                        for (int t = 0; t < times.length; t++) {
                            double[] ca = a.get(t).test().toColumnMajor(),
                                    cb = b.get(t).test().toColumnMajor();
                            double size = 0;
                            for (int q = 0; q < ca.length; q++) {
                                assertEquals(0.0, ca[q] + cb[q], 0.0, "correction term at t=" + times[t]);
                                size = Math.max(size, Math.abs(ca[q]));
                            }
                            assertTrue(size > 1e-3, "the correction term itself is not negligible");
                            double[] ma = fa.get(t).test().toColumnMajor(),
                                    mb = fb.get(t).test().toColumnMajor();
                            double[] kr = plain.get(t).test().toColumnMajor();
                            for (int q = 0; q < ma.length; q++)
                                assertEquals(kr[q], (ma[q] + mb[q]) / 2, 1e-12 * (1 + Math.abs(kr[q])), "pair mean");
                        }
                        pairs++;
                    }
                }
            }
        }
        assertEquals(12, pairs);
    }
}
