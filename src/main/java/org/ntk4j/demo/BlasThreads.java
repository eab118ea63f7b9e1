package org.ntk4j.demo;

import java.util.function.Supplier;
import org.bytedeco.openblas.global.openblas;

/**
 * Runs the demo's work with OpenBLAS on one thread, restoring the thread count afterwards. Why:
 * <ul>
 *   <li>speed: the marginal-likelihood fit makes hundreds of Cholesky factorizations of a few hundred
 *       rows; with OpenBLAS's two threads on a loaded two-core machine each waited for a descheduled
 *       helper thread (measured: 74 ms per likelihood evaluation against 2.1 ms on one thread), and the
 *       coverage study runs worlds on every core already;</li>
 *   <li>reproducibility: OpenBLAS's multi-threaded factorization rounds differently from its
 *       single-threaded one, and the fit's optimizer carries such differences into the fitted values
 *       (measured: the demo's numbers moved in the 7th digit), so one thread makes the numbers the same
 *       on every machine.</li>
 * </ul>
 * The thread count is global to the process: callers are serialized on a lock, and nothing else
 * should use OpenBLAS meanwhile (the CLI runs one command per process).
 */
final class BlasThreads {
    private static final Object LOCK = new Object();

    private BlasThreads() {}

    /** {@code work} with OpenBLAS on one thread. */
    static <T> T one(Supplier<T> work) {
        synchronized (LOCK) {
            int before = openblas.blas_get_num_threads(); // -1 until someone has set it
            openblas.blas_set_num_threads(1);
            try {
                return work.get();
            } finally {
                openblas.blas_set_num_threads(before > 0 ? before : startupThreads());
            }
        }
    }

    /** The count OpenBLAS starts with: OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS or OMP_NUM_THREADS, else the processors. */
    static int startupThreads() {
        for (String v : new String[] {"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"}) {
            String s = System.getenv(v);
            if (s == null) continue;
            try {
                int n = Integer.parseInt(s.trim());
                if (n > 0) return n;
            } catch (NumberFormatException e) {
                // OpenBLAS ignores a value it cannot read; so does this
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
