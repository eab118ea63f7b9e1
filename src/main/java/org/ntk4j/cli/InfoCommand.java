package org.ntk4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ntk4j.Ntk4j;
import org.ntk4j.gpu.GpuInfo;
import org.ntk4j.gpu.GpuRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code ntk4j info}: version, Java, backend, BLAS and resources, for bug reports and sanity checks. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Print the version, Java runtime, compute backend, BLAS library and resources.")
final class InfoCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        PrintStream o = main.out();
        Runtime rt = Runtime.getRuntime();
        o.println("ntk4j " + Ntk4j.VERSION);
        o.printf(
                Locale.ROOT,
                "java:       %s (%s), %s%n",
                System.getProperty("java.version"),
                System.getProperty("java.vendor"),
                System.getProperty("java.home"));
        GpuInfo gpu = GpuRuntime.probe();
        o.println("gpu:        " + gpu.describe());
        // Which backend each stage uses with --device auto (the default).
        String kernels = gpu.usable() ? "GPU (CPU for Numerical activations)" : "CPU";
        o.println("backend:    kernels " + kernels
                + (gpu.usable()
                        ? "; exact t = inf posteriors GPU (nngp, ntkgp, and the ntk mean; float64), other solves and predictions CPU (LAPACK)"
                        : "; solves and predictions CPU (LAPACK)"));
        o.println("blas:       " + blas());
        o.println("processors: " + rt.availableProcessors());
        o.printf(Locale.ROOT, "max heap:   %.1f GiB (raise with NTK4J_OPTS=-Xmx...)%n", rt.maxMemory() / 1073741824.0);
        return 0;
    }

    /**
     * The OpenBLAS the kernels call and its thread count. The JavaCPP preset maps neither
     * {@code openblas_get_config()} nor {@code openblas_get_num_threads()}, so the version comes
     * from the preset's jar (upstream version before the dash) and vendor and threads from ND4J's
     * BLAS binding to the same library; loading both also proves the natives load here.
     */
    static String blas() {
        try {
            Class<?> c = org.bytedeco.openblas.global.openblas.class;
            org.bytedeco.javacpp.Loader.load(c);
            String preset = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
            String version = preset == null ? "(unknown version)" : preset.replaceFirst("-.*$", "");
            var blas = org.nd4j.linalg.factory.Nd4j.factory().blas();
            int threads = blas.getMaxThreads();
            return String.format(
                    Locale.ROOT,
                    "%s %s (JavaCPP preset %s), %d thread%s",
                    blas.getBlasVendor() == org.nd4j.linalg.api.blas.Blas.Vendor.OPENBLAS
                            ? "OpenBLAS"
                            : blas.getBlasVendor(),
                    version,
                    preset,
                    threads,
                    threads == 1 ? "" : "s");
        } catch (Throwable t) { // UnsatisfiedLinkError etc.: report, don't fail the diagnostic
            return "unavailable (" + t.getClass().getSimpleName() + ": " + ErrorHandler.oneLine(t.getMessage()) + ")";
        }
    }
}
