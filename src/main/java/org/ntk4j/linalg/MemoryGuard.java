package org.ntk4j.linalg;

import org.bytedeco.javacpp.Pointer;
import org.ntk4j.error.InsufficientMemoryException;

/**
 * Checks, before a big allocation, that it fits: off-heap (JavaCPP, where LAPACK workspaces live)
 * against JavaCPP's limit and the free physical memory, and on-heap against the JVM's free heap.
 * Throws {@link InsufficientMemoryException} with the byte counts instead of letting the JVM die.
 */
public final class MemoryGuard {
    private MemoryGuard() {}

    /** Bytes of {@code rows × cols} float64 values, or {@code Long.MAX_VALUE} on overflow. */
    public static long float64Bytes(long rows, long cols) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        if (rows != 0 && cols > Long.MAX_VALUE / 8 / rows) return Long.MAX_VALUE;
        return rows * cols * 8;
    }

    /** Off-heap bytes that can still be allocated (JavaCPP limit and free physical memory). */
    public static long availableOffHeap() {
        long avail = Long.MAX_VALUE;
        long max = Pointer.maxBytes();
        if (max > 0) avail = Math.max(0, max - Pointer.totalBytes());
        long physical = Pointer.availablePhysicalBytes();
        if (physical > 0) avail = Math.min(avail, physical);
        return avail;
    }

    /**
     * Heap bytes that can still be allocated: the max heap minus what is in use, but no more than the
     * committed free heap plus the free physical memory. why: the heap limit (bin/ntk4j: 70% of RAM)
     * and off-heap storage (the kernels LAPACK factors) share the RAM; a heap allowed to grow past
     * what off-heap matrices left free would be killed by the OS instead of failing with a byte count.
     */
    public static long availableHeap() {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        long avail = rt.maxMemory() - used;
        long physical = Pointer.availablePhysicalBytes();
        if (physical > 0) avail = Math.min(avail, rt.freeMemory() + physical);
        return avail;
    }

    /** Throws if {@code bytes} of off-heap memory cannot be allocated for {@code what}. */
    public static void requireOffHeap(String what, long bytes) {
        long avail = availableOffHeap();
        // why: JavaCPP counts native memory until its Pointer is collected; matrices that are already
        // garbage (e.g. an earlier solve's workspaces) still count. Collect and let JavaCPP's
        // deallocator run before declaring the memory missing, as JavaCPP's own allocator does.
        for (int attempt = 0; bytes > avail && attempt < 10; attempt++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            avail = availableOffHeap();
        }
        if (bytes > avail) throw new InsufficientMemoryException(what, bytes, avail);
    }

    /**
     * Throws if {@code bytes} of heap cannot be allocated for {@code what}. The free heap is read
     * after garbage that a collection could reclaim, so this only fails when a full GC would not help.
     */
    public static void requireHeap(String what, long bytes) {
        if (bytes <= availableHeap()) return;
        System.gc(); // why: free heap is under-reported until garbage is collected
        long avail = availableHeap();
        if (bytes > avail) throw new InsufficientMemoryException(what, bytes, avail);
    }
}
