package org.ntk4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ntk4j.arch.Architecture;
import org.ntk4j.device.Device;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.parallel.ParallelRegion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ntk4j kernel}: the infinite-width NNGP and NTK of an architecture on x1 (against x2, or
 * x1 itself), written as {@code nngp.npy}, {@code ntk.npy} (n1 x n2), {@code cov1.npy} (n1) and, with
 * {@code --x2}, {@code cov2.npy} (n2).
 */
@Command(
        name = "kernel",
        sortOptions = false,
        usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true,
        description = {
            "Compute the infinite-width NNGP and NTK kernels of a fully-connected network.",
            "Writes DIR/nngp.npy, DIR/ntk.npy (n1 x n2), DIR/cov1.npy (n1) and, with --x2, DIR/cov2.npy (n2)",
            "(.csv instead of .npy with --format csv)."
        })
final class KernelCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ArchOptions archOptions;

    @Option(names = "--x1", required = true, paramLabel = "X1", description = "Inputs x1 (n1 x d), .npy or .csv.")
    Path x1;

    @Option(names = "--x2", paramLabel = "X2", description = "Inputs x2 (n2 x d); default: x2 = x1.")
    Path x2;

    @Option(
            names = "--dtype",
            paramLabel = "float64|float32",
            defaultValue = "float64",
            converter = Choices.DTypeConverter.class,
            description = "Precision of the results (default: float64).")
    DType dtype;

    @Option(
            names = "--device",
            paramLabel = "auto|cpu|gpu",
            defaultValue = "auto",
            converter = Choices.DeviceConverter.class,
            description = "Where to compute (default: auto).")
    Device device;

    @Mixin
    FormatOption formatOption;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    @Override
    public Integer call() {
        Architecture a = archOptions.architecture();
        Matrix m1 = InputFiles.matrix("--x1", x1);
        Matrix m2 = x2 == null ? null : InputFiles.matrix("--x2", x2);
        checkShapes(m1, m2);
        OutputDir dir = main.outputDir("--out", out, formatOption.format);

        long t0 = System.nanoTime();
        KernelOptions options = KernelOptions.defaults().withDtype(dtype).withDevice(device);
        KernelFunction kf = KernelFunction.of(a);
        try (ProgressBar bar = ProgressBar.of(main, "kernel")) {
            if (dtype == DType.FLOAT32) {
                // float32 results live in heap float arrays: half the memory of float64 storage
                Kernels k = kf.compute(m1, m2, options.withProgress(bar));
                bar.close();
                double seconds = (System.nanoTime() - t0) / 1e9;
                dir.writeMatrix("nngp", k.nngp(), dtype);
                if (k.ntk() != null) dir.writeMatrix("ntk", k.ntk(), dtype);
                write(dir, k.cov1(), k.cov2(), k.nngp().rows(), k.nngp().cols(), seconds);
                return 0;
            }
            // float64: the kernels go from native storage straight to the files (no heap n1 x n2
            // arrays; no transposing copy when x2 = x1, the result being exactly symmetric)
            try (NativeKernels k = kf.computeOffHeap(m1, m2, options.withProgress(bar), true)) {
                bar.close();
                double seconds = (System.nanoTime() - t0) / 1e9;
                boolean symmetric = m2 == null && kf.selfKernelIsSymmetric();
                // the two n1 x n2 files are written concurrently: each write is one core filling fresh page-cache
                // pages (two new 128 MB files: 0.81 s one after the other, 0.52 s concurrently, 2-core VM); the
                // region returns only when both writers have stopped, so the kernels are never closed under one
                Runnable nngpFile = () -> dir.writeMatrix("nngp", k.nngp(), dtype, symmetric);
                if (k.ntk() == null) nngpFile.run();
                else
                    ParallelRegion.all(
                            "writing the kernels",
                            "ntk4j-writer",
                            nngpFile,
                            () -> dir.writeMatrix("ntk", k.ntk(), dtype, symmetric));
                write(dir, k.cov1(), k.cov2(), k.nngp().rows(), k.nngp().cols(), seconds);
            }
        }
        return 0;
    }

    /** The variances and the summary line. */
    private void write(OutputDir dir, double[] cov1, double[] cov2, int n1, int n2, double seconds) {
        dir.writeVector("cov1", cov1, dtype);
        if (cov2 != null) dir.writeVector("cov2", cov2, dtype);
        main.out()
                .printf(
                        Locale.ROOT,
                        "kernel: %dx%d NNGP and NTK (%s) in %.2f s -> %s%n",
                        n1,
                        n2,
                        dtype.name().toLowerCase(Locale.ROOT),
                        seconds,
                        String.join(
                                ", ",
                                dir.written().stream()
                                        .sorted(java.util.Comparator.comparing(KernelCommand::fileOrder))
                                        .map(Path::toString)
                                        .toList()));
    }

    /** nngp, ntk, cov1, cov2: the order of the summary line whatever order the files were finished in. */
    private static int fileOrder(Path p) {
        String name = p.getFileName().toString();
        int i = java.util.List.of("nngp", "ntk", "cov1", "cov2").indexOf(name.substring(0, name.lastIndexOf('.')));
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    private static void checkShapes(Matrix m1, Matrix m2) {
        if (m1.rows() == 0 || m1.cols() == 0)
            throw new InvalidInputException(
                    "--x1", "is empty (" + m1.rows() + "x" + m1.cols() + "); give at least one row and one feature");
        if (m2 == null) return;
        if (m2.rows() == 0) throw new InvalidInputException("--x2", "has no rows; give at least one");
        if (m2.cols() != m1.cols())
            throw new InvalidInputException(
                    "--x2",
                    "has " + m2.cols() + " features (columns) but --x1 has " + m1.cols()
                            + "; both must have the same number of columns");
    }
}
