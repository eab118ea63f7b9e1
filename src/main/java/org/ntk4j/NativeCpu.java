package org.ntk4j;

import java.io.File;
import java.net.URL;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ntk4j's CPU library in C ({@code native/cpu/*.c}, built into the jar as
 * {@code native/linux-x86_64/libntk4j_cpu.so} where gcc was present), loaded once for every class
 * with native methods in it (the arc-cosine tile map, SHA-256 of the output files). Each such class
 * has a Java implementation that is used, logged at debug level, where the library is not
 * available: other platforms than Linux x86-64, builds without it, or {@code -Dntk4j.native.cpu=false}.
 */
public final class NativeCpu {
    private static final Logger LOG = LoggerFactory.getLogger(NativeCpu.class);
    private static final String LIBRARY = "/native/linux-x86_64/libntk4j_cpu.so";
    private static final boolean LOADED = load();

    private NativeCpu() {}

    /** Whether the library is loaded (its native methods can be called). */
    public static boolean loaded() {
        return LOADED;
    }

    private static boolean load() {
        if (!Boolean.parseBoolean(System.getProperty("ntk4j.native.cpu", "true"))) {
            LOG.debug("native CPU kernels disabled by -Dntk4j.native.cpu=false; using the Java implementation");
            return false;
        }
        if (!System.getProperty("os.name", "").startsWith("Linux") || !"amd64".equals(System.getProperty("os.arch"))) {
            LOG.debug("native CPU kernels exist for Linux x86-64 only; using the Java implementation");
            return false;
        }
        URL url = NativeCpu.class.getResource(LIBRARY);
        if (url == null) {
            LOG.debug(
                    "native CPU kernels not in this build (no C compiler when it was built); using the Java implementation");
            return false;
        }
        try {
            // a library inside a jar is extracted once into JavaCPP's cache (~/.javacpp/cache) and reused
            File file = "file".equals(url.getProtocol()) ? new File(url.toURI()) : Loader.cacheResource(url);
            System.load(file.getAbsolutePath());
            LOG.debug("native CPU kernels loaded from {}", file);
            return true;
        } catch (Exception | LinkageError e) {
            LOG.warn(
                    "native CPU kernels could not be loaded ({}); using the Java implementation (same results, slower)",
                    e.toString());
            return false;
        }
    }
}
