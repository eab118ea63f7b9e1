package org.ntk4j.predict;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;

/** Shared pieces of covariance assembly: the prior at the test points. */
final class Covariances {
    private Covariances() {}

    /**
     * The prior covariance at the test points: the NTK Θ_tt for NTKGP, else the NNGP K_tt.
     * Full mode needs {@code testTest}; diagonal mode takes its diagonal or, for NNGP priors without
     * it, the variances {@code testTrain.cov1()}.
     */
    static Matrix fullPrior(Get get, Kernels testTest, int m) {
        if (testTest == null)
            throw new InvalidInputException(
                    "kTestTest", "the full covariance needs the test-test kernel (" + m + "x" + m + ")");
        Matrix p = get == Get.NTKGP ? testTest.ntk() : testTest.nngp();
        if (p == null)
            throw new InvalidInputException("kTestTest", "NTKGP needs the NTK of the test points with themselves");
        PredictorChecks.finite(p, "kTestTest");
        PredictorChecks.shape(p, m, m, "kTestTest", "test points x test points");
        return p;
    }

    static double[] diagonalPrior(Get get, Kernels testTrain, Kernels testTest, int m) {
        return diagonalPrior(get, testTest != null ? null : testTrain.cov1(), testTest, m);
    }

    /** As above, with the NNGP prior variances of the test points given directly ({@code testCov1}). */
    static double[] diagonalPrior(Get get, double[] testCov1, Kernels testTest, int m) {
        double[] d;
        if (testTest != null) {
            Matrix p = get == Get.NTKGP ? testTest.ntk() : testTest.nngp();
            if (p == null)
                throw new InvalidInputException("kTestTest", "NTKGP needs the NTK of the test points with themselves");
            PredictorChecks.shape(p, m, m, "kTestTest", "test points x test points");
            d = new double[m];
            for (int i = 0; i < m; i++) d[i] = p.get(i, i);
        } else {
            if (get == Get.NTKGP)
                throw new InvalidInputException(
                        "kTestTest", "NTKGP variances need the NTK of the test points with themselves");
            d = testCov1.clone();
        }
        for (int i = 0; i < m; i++)
            if (!Double.isFinite(d[i]))
                throw new InvalidInputException("kTestTest", "prior variance " + i + " is " + d[i]);
        return d;
    }
}
