package org.ntk4j.arch.activation;

import java.io.File;
import java.net.URL;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Not available (the Java loop is used, logged at debug level) on other platforms than Linux
 * x86-64, in builds without the library, or with {@code -Dntk4j.native.cpu=false}.
 */
final class NativeArcCosine {
    private static final Logger LOG = LoggerFactory.getLogger(NativeArcCosine.class);
    private static final String LIBRARY = "/native/linux-x86_64/libntk4j_cpu.so";

    /** Whether the native map is loaded. */
    static final boolean AVAILABLE = load();

    private NativeArcCosine() { }

    /**
     * As {@link ArcCosine#mapTile}; {@code work} holds at least 3·rows doubles (scratch), theta may
     * be null. Arrays are accessed in place (JNI critical sections, no copies).
     */
    static native void mapTile(double f, double s, int rows, int cols, double[] q1, int off1, double[] q2, int off2,
                               double[] k, double[] theta, double[] work);

    private static boolean load() {
        if (!Boolean.parseBoolean(System.getProperty("ntk4j.native.cpu", "true"))) {
            LOG.debug("native CPU kernels disabled by -Dntk4j.native.cpu=false; using the Java implementation");
            return false;
        }
        if (!System.getProperty("os.name", "").startsWith("Linux") || !"amd64".equals(System.getProperty("os.arch"))) {
            LOG.debug("native CPU kernels exist for Linux x86-64 only; using the Java implementation");
            return false;
        }
        URL url = NativeArcCosine.class.getResource(LIBRARY);
        if (url == null) {
            LOG.debug("native CPU kernels not in this build (no C compiler when it was built); using the Java implementation");
            return false;
        }
        try {
            // a library inside a jar is extracted once into JavaCPP's cache (~/.javacpp/cache) and reused
            File file = "file".equals(url.getProtocol()) ? new File(url.toURI()) : Loader.cacheResource(url);
            System.load(file.getAbsolutePath());
            LOG.debug("native CPU kernels loaded from {}", file);
            return true;
        } catch (Exception | LinkageError e) {
            LOG.warn("native CPU kernels could not be loaded ({}); using the Java implementation (same results, slower)", e.toString());
            return false;
        }
    }
}
