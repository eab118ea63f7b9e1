package org.ntk4j.arch.activation;

/**
 * The arc-cosine tile map ({@link ArcCosine#mapTile}) in C ({@code native/cpu/arccos_tile.c}, built
 * into the jar as {@code native/linux-x86_64/libntk4j_cpu.so} where gcc was present), called through
 * JNI on the tile's arrays in place. It performs the Java loop's floating-point operations in the
 * same order, so both give bit-identical kernels (NativeArcCosineTest checks it).
 *
 * <p>why: the kernel of one CLI run takes well under a second, and the JIT reaches the vectorized
 * Java loop only ~0.3 s into it (interpreted, then profiled tier-3 code first); the C code runs
 * vectorized from the first tile (4000² ReLU kernel, 3 layers: recursion 0.23–0.26 s instead of
 * 0.39–0.42 s, fresh JVM, 2-core VM).
 *
 * <p>Not available (the Java loop is used) where {@link org.ntk4j.NativeCpu} cannot load the
 * library: other platforms than Linux x86-64, builds without it, {@code -Dntk4j.native.cpu=false}.
 */
final class NativeArcCosine {
    /** Whether the native map is loaded. */
    static final boolean AVAILABLE = org.ntk4j.NativeCpu.loaded();

    private NativeArcCosine() {}

    /**
     * As {@link ArcCosine#mapTile}; {@code work} holds at least 3·rows doubles (scratch), theta may
     * be null. Arrays are accessed in place (JNI critical sections, no copies).
     */
    static native void mapTile(
            double f,
            double s,
            int rows,
            int cols,
            double[] q1,
            int off1,
            double[] q2,
            int off2,
            double[] k,
            double[] theta,
            double[] work);
}
