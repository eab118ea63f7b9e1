package org.ntk4j.predict;

import org.ntk4j.linalg.MemoryGuard;

/**
 * Upper bounds of the native memory a prediction needs, checked before any work so that a problem
 * too large fails at once with the byte count ({@link org.ntk4j.error.InsufficientMemoryException})
 * instead of after the kernels were computed.
 */
final class Workspace {
    private Workspace() {}

    private static long b(long entries) {
        return MemoryGuard.float64Bytes(entries, 1);
    }

    /** gp inference: factor n², test-train m·n, NTK covariance 3·m·n + n², full covariance m². */
    static long gp(int n, int m, int k, Get get, CovarianceMode mode) {
        return gp(n, m, k, get, mode, true);
    }

    /** As above; without {@code factor} when the factorization is already cached. */
    static long gp(int n, int m, int k, Get get, CovarianceMode mode, boolean factor) {
        return gp(n, m, k, get, mode, factor, true);
    }

    /**
     * As above. {@code factor}: the factorization allocates its n² (false when cached, or when it is
     * done in place on a kernel already held off-heap); {@code nngpCopy}: the NTK covariance copies
     * the NNGP train kernel (false when that kernel is already held off-heap).
     */
    static long gp(int n, int m, int k, Get get, CovarianceMode mode, boolean factor, boolean nngpCopy) {
        return gp(n, m, k, get, mode, factor, nngpCopy, true);
    }

    /** As above; {@code testCopies}: false when the test-train kernels are already held off-heap (not copied). */
    static long gp(
            int n, int m, int k, Get get, CovarianceMode mode, boolean factor, boolean nngpCopy, boolean testCopies) {
        long e = (factor ? (long) n * n : 0) + (long) n * k + (testCopies ? (long) m * n : 0) + (long) m * k;
        if (mode != CovarianceMode.NONE && get == Get.NTK)
            e += (testCopies ? 3L : 2L) * m * n + (nngpCopy ? (long) n * n : 0);
        if (mode == CovarianceMode.FULL) e += (long) m * m;
        return b(e);
    }

    /** ensemble at finite t: eigenvectors n², projections, V^T K V (2n² while built), covariances. */
    static long ensemble(int n, int m, int k, Get get, CovarianceMode mode, boolean train) {
        long e = (long) n * n + 2L * n * k;
        if (train) {
            if (mode != CovarianceMode.NONE) e += 2L * n * n + (get == Get.NTK ? 3L * n * n : 0);
            if (mode == CovarianceMode.FULL) e += (long) n * n;
        } else {
            e += 2L * m * n + (long) m * k;
            if (mode != CovarianceMode.NONE) e += 2L * m * n + (get == Get.NTK ? 3L * n * n + (long) m * n : 0);
            if (mode == CovarianceMode.FULL) e += (long) m * m;
        }
        return b(e);
    }

    /** one linearized network: decomposition n², test kernel m·n, outputs. */
    static long linearized(int n, int m, int k) {
        return b(2L * n * n + (long) m * n + 4L * (n + m) * k);
    }

    static void require(String what, long bytes) {
        MemoryGuard.requireOffHeap(what, bytes);
    }
}
