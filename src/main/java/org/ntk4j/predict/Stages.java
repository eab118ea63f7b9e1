package org.ntk4j.predict;

import org.ntk4j.kernel.KernelOptions;

/** The stages of a prediction as a progress listener shows them, and which kernels a request needs. */
final class Stages {
    static final String TRAIN = "train kernel",
            TEST = "test kernel",
            TEST_TEST = "test-test kernel",
            SOLVE = "factorization and solves";

    private Stages() {}

    /** {@code opt} reporting its kernel as {@code stage}. */
    static KernelOptions of(KernelOptions opt, String stage) {
        return opt.withProgress(opt.progress().renamed(stage));
    }

    /** Whether the test points' kernels with themselves are needed: a full covariance, or NTKGP variances. */
    static boolean needsTestTest(Get get, CovarianceMode mode) {
        return mode == CovarianceMode.FULL || (mode == CovarianceMode.DIAGONAL && get == Get.NTKGP);
    }
}
