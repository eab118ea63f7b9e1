package org.ntk4j.cli;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
import org.ntk4j.NativeCpu;

/**
 * The OpenBLAS that ntk4j calls (bytedeco's {@code org.bytedeco.openblas} preset), as {@code ntk4j
 * info} reports it: the version, OpenBLAS's build configuration, the core type its kernels were
 * chosen for on this processor, and its thread count.
 *
 * <p>The preset maps none of {@code openblas_get_config()}, {@code openblas_get_corename()} and
 * {@code openblas_get_num_threads()}: the thread count is read from OpenBLAS's exported
 * {@code blas_cpu_number} (what {@code openblas_get_num_threads()} returns), and the two strings are
 * got by calling the functions at their addresses through ntk4j's native CPU library
 * ({@code native/cpu/openblas_info.c}); where that library is not loaded they are unknown. (A
 * class, not a record: the native call may not be a record's method.)
 */
final class OpenBlasInfo {
    private OpenBlasInfo() {}

    /**
     * What OpenBLAS says about itself.
     *
     * @param version   e.g. "0.3.31"
     * @param preset    the JavaCPP preset's version, e.g. "0.3.31-1.5.13" (null when unknown)
     * @param config    {@code openblas_get_config()}, e.g. "OpenBLAS 0.3.31 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=128" (null when unknown)
     * @param core      {@code openblas_get_corename()}, e.g. "Haswell" (null when unknown)
     * @param threads   the threads OpenBLAS uses (0 when unknown)
     */
    record Report(String version, String preset, String config, String core, int threads) {
        /** "OpenBLAS 0.3.31 (JavaCPP preset 0.3.31-1.5.13)". */
        String describe() {
            return "OpenBLAS " + version + (preset == null ? "" : " (JavaCPP preset " + preset + ")");
        }

        /** The thread count, or "unknown". */
        String describeThreads() {
            return threads <= 0 ? "unknown" : Integer.toString(threads);
        }
    }

    /** Loads OpenBLAS (if not yet) and asks it; throws what loading throws (UnsatisfiedLinkError, ...). */
    static Report query() {
        Loader.load(openblas.class);
        Package p = openblas.class.getPackage();
        String preset = p == null ? null : p.getImplementationVersion();
        // the preset jar's version starts with OpenBLAS's ("0.3.31-1.5.13"); the header constant is
        // compiled into this class, so it is only the fallback
        String version = preset != null
                ? preset.replaceFirst("-.*$", "")
                : openblas.OPENBLAS_VERSION.strip().replaceFirst("^OpenBLAS\\s+", "");
        return new Report(
                version, preset, string("openblas_get_config"), string("openblas_get_corename"), blasCpuNumber());
    }

    /** The threads OpenBLAS uses: its {@code blas_cpu_number}, set when it initialized (0 when not found). */
    private static int blasCpuNumber() {
        Pointer cpus = Loader.addressof("blas_cpu_number");
        return cpus == null || cpus.isNull() ? 0 : new IntPointer(cpus).get();
    }

    /** The string a {@code const char *f(void)} of OpenBLAS returns, or null (function or native library missing). */
    private static String string(String function) {
        if (!NativeCpu.loaded()) return null;
        Pointer f = Loader.addressof(function);
        if (f == null || f.isNull()) return null;
        try {
            String s = callString(f.address());
            return s == null ? null : ErrorHandler.oneLine(s).strip();
        } catch (UnsatisfiedLinkError e) { // a native library built before this function existed
            return null;
        }
    }

    /** Calls the {@code const char *(void)} function at {@code function} and returns its string. */
    private static native String callString(long function);
}
