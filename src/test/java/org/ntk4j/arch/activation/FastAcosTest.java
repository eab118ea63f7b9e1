package org.ntk4j.arch.activation;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FastAcosTest {
    @Test
    void matchesMathAcosToAnUlp() {
        Random r = new Random(3);
        double maxAbs = 0, maxRel = 0;
        for (int k = 0; k < 2_000_000; k++) {
            double x = switch (k % 4) {
                case 0 -> 2 * r.nextDouble() - 1;
                case 1 -> Math.copySign(1 - Math.pow(2, -1 - r.nextInt(53)) * r.nextDouble(), r.nextBoolean() ? 1 : -1);
                case 2 -> Math.copySign(Math.pow(2, -r.nextInt(1000)) * r.nextDouble(), r.nextBoolean() ? 1 : -1);
                default -> Math.copySign(Math.nextDown(1.0) - r.nextInt(64) * Math.ulp(0.5), r.nextBoolean() ? 1 : -1);
            };
            double e = Math.acos(x), a = FastAcos.acos(x);
            maxAbs = Math.max(maxAbs, Math.abs(a - e));
            if (e > 0) maxRel = Math.max(maxRel, Math.abs(a - e) / e);
        }
        // Math.acos is itself within 1 ulp, so allow the sum of both errors.
        assertTrue(maxAbs <= 1e-15, "max abs error " + maxAbs); // 2 ulp(π) near x = −1
        assertTrue(maxRel <= 7e-16, "max rel error " + maxRel);
    }

    @Test
    void exactEndpointsAndClamping() {
        assertEquals(0.0, FastAcos.acos(1.0));
        assertEquals(Math.PI, FastAcos.acos(-1.0));
        assertEquals(Math.PI / 2, FastAcos.acos(0.0));
        assertEquals(Math.PI / 2, FastAcos.acos(-0.0));
        assertEquals(0.0, FastAcos.acos(1 + 1e-15));
        assertEquals(Math.PI, FastAcos.acos(-1 - 1e-15));
        assertEquals(Math.PI / 2, FastAcos.acos(-Double.MIN_VALUE), 1e-300);
    }

    @Test
    void arrayPassesEqualTheScalarBitForBit() {
        Random r = new Random(4);
        int n = 1000;
        double[] x = new double[n], y = new double[n], h = new double[n];
        for (int i = 0; i < n; i++) x[i] = y[i] = 2.2 * r.nextDouble() - 1.1;
        FastAcos.acosHigh(y, h, n);
        FastAcos.acosLow(y, h, y, n);
        for (int i = 0; i < n; i++) assertEquals(FastAcos.acos(x[i]), y[i], 0.0);
    }
}
