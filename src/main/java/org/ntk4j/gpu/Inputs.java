package org.ntk4j.gpu;

import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.kernel.KernelInputs;
import org.ntk4j.linalg.Matrix;

/** Input validation shared by the GPU engines (the same checks and messages as the CPU path). */
final class Inputs {
    private Inputs() { }

    static void validate(Matrix x1, Matrix x2) { KernelInputs.validate(x1, x2); }

    /** Fails before allocating {@code bytes} of Java heap that are not available. */
    static void checkHeap(long bytes, String what) {
        Runtime rt = Runtime.getRuntime();
        long avail = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > avail) {
            System.gc();
            avail = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        }
        if (bytes > avail) throw new InsufficientMemoryException(what, bytes, avail);
    }
}
