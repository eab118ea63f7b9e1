package org.ntk4j.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ntk4j.Ntk4j;
import org.ntk4j.gpu.GpuInfo;
import org.ntk4j.gpu.GpuRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ntk4j info}: version, Java, GPU, backend, BLAS and resources, for bug reports and sanity
 * checks. Every line is {@code key: value} (one key per line, no control characters), so that
 * scripts can pick a value with {@code sed -n 's/^blas: //p'}.
 */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description =
                "Print the version, Java runtime, GPU, compute backend, BLAS library and resources, as key: value lines.")
final class InfoCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        lines().forEach((k, v) -> main.out().println(k + ": " + ErrorHandler.oneLine(v)));
        return 0;
    }

    /** The report, key by key in the order printed; values may need {@link ErrorHandler#oneLine}. */
    static Map<String, String> lines() {
        Map<String, String> l = new LinkedHashMap<>();
        Runtime rt = Runtime.getRuntime();
        l.put("ntk4j", Ntk4j.VERSION);
        l.put(
                "java",
                String.format(
                        Locale.ROOT,
                        "%s (%s), %s",
                        System.getProperty("java.version"),
                        System.getProperty("java.vendor"),
                        System.getProperty("java.home")));
        GpuInfo gpu = GpuRuntime.probe();
        l.put("gpu", gpu.device());
        l.put("cuda driver", gpu.driver());
        l.put(
                "cuda kernels",
                gpu.fatbin().equals("none")
                        ? "none in this build (no nvcc when it was built)"
                        : "built with " + gpu.fatbin());
        l.put("backend", backend(gpu));
        blas(l);
        l.put("processors", Integer.toString(rt.availableProcessors()));
        l.put(
                "max heap",
                String.format(Locale.ROOT, "%.1f GiB (raise with NTK4J_OPTS=-Xmx...)", rt.maxMemory() / 1073741824.0));
        return l;
    }

    /** Which backend each stage uses with {@code --device auto} (the default). */
    private static String backend(GpuInfo gpu) {
        if (!gpu.usable()) return "kernels CPU; solves and predictions CPU (LAPACK)";
        return "kernels GPU (CPU for Numerical activations); exact t = inf posteriors GPU (nngp, ntkgp, and the ntk"
                + " mean; float64), other solves and predictions CPU (LAPACK)";
    }

    /**
     * The OpenBLAS ntk4j calls ({@link OpenBlasInfo}): {@code blas} (version and preset), {@code blas
     * config}, {@code blas core} and {@code blas threads}; loading it also proves the natives load
     * here. A failure to load is reported on the {@code blas} line, not as an error of the diagnostic.
     */
    private static void blas(Map<String, String> l) {
        try {
            OpenBlasInfo.Report b = OpenBlasInfo.query();
            l.put("blas", b.describe());
            l.put(
                    "blas config",
                    b.config() == null ? "unknown (ntk4j's native CPU library is not loaded)" : b.config());
            l.put("blas core", b.core() == null ? "unknown (ntk4j's native CPU library is not loaded)" : b.core());
            l.put("blas threads", b.describeThreads());
        } catch (Throwable t) { // UnsatisfiedLinkError etc.
            l.put("blas", "unavailable (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")");
        }
    }
}
