package org.ntk4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ntk4j.arch.Architecture;
import org.ntk4j.correction.FiniteWidth;
import org.ntk4j.correction.FourPointVertex;
import org.ntk4j.correction.WidthCorrection;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.io.ArrayFormat;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ntk4j correction}: the kernels of a width-n network to order 1/n (docs/finite-width.md).
 * Writes {@code nngp_mean.npy} (K + K⁽¹⁾/n), {@code nngp_var.npy} (V(a,b;a,b)/n) and their
 * width-independent coefficients {@code nngp_mean_coef.npy}, {@code nngp_var_coef.npy}; under the
 * NTK parameterization also {@code ntk_mean.npy}, {@code ntk_var.npy}, {@code ntk_mean_coef.npy},
 * {@code ntk_var_coef.npy}. All m×m float64. With {@code --full} also {@code vertex.npy}, the
 * four-point vertex V(a,b;c,d) of shape (m, m, m, m), for m ≤ {@value FiniteWidth#MAX_VERTEX_INPUTS}.
 */
@Command(
        name = "correction",
        sortOptions = false,
        usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true,
        description = {
            "Finite-width corrections at order 1/n: the mean and variance of the conditional NNGP and",
            "(NTK parameterization) of the NTK of a width-n network, entry by entry over x1.",
            "Writes DIR/nngp_mean.npy, nngp_var.npy, nngp_mean_coef.npy, nngp_var_coef.npy",
            "[ntk_mean.npy, ntk_var.npy, ntk_mean_coef.npy, ntk_var_coef.npy] [vertex.npy with --full]."
        })
final class CorrectionCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ArchOptions archOptions;

    @Option(names = "--x1", required = true, paramLabel = "X", description = "Inputs (mxd), .npy or .csv.")
    Path x1;

    @Option(
            names = "--width",
            required = true,
            paramLabel = "N",
            description = "Width n of every hidden Dense layer (the widths in ARCH are not used).")
    int width;

    @Mixin
    FormatOption formatOption;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    @Option(
            names = "--full",
            description = {
                "Also write vertex.npy: the four-point vertex V(a,b;c,d), shape m x m x m x m (m <= "
                        + FiniteWidth.MAX_VERTEX_INPUTS + ").",
                "Entries over 3-4 distinct inputs are quasi-Monte-Carlo estimates except for Erf",
                "(docs/finite-width.md section 9); their largest standard error goes to run.json."
            })
    boolean full;

    @Override
    public Integer call() {
        Architecture a = archOptions.architecture();
        if (width < 1) throw new InvalidInputException("--width", "must be >= 1, got " + width);
        Matrix x = InputFiles.matrix("--x1", x1);
        if (x.rows() < 1) throw new InvalidInputException("--x1", "has no rows; give at least one input point");
        if (full && x.rows() > FiniteWidth.MAX_VERTEX_INPUTS)
            throw new InvalidInputException(
                    "--full",
                    "the four-point vertex is limited to m <= " + FiniteWidth.MAX_VERTEX_INPUTS
                            + " inputs (m^4 entries)," + " but --x1 has " + x.rows()
                            + " rows; pass fewer rows or drop --full");
        if (full && formatOption.format != ArrayFormat.NPY)
            throw new InvalidInputException(
                    "--format", "vertex.npy is a 4-D array and CSV holds matrices; drop --full or use --format npy");
        OutputDir dir = main.outputDir("--out", out, formatOption.format);
        long t0 = System.nanoTime();
        WidthCorrection c = FiniteWidth.correction(a, x, width);
        dir.writeMatrix("nngp_mean", c.nngpMean(), DType.FLOAT64);
        dir.writeMatrix("nngp_var", c.nngpVar(), DType.FLOAT64);
        dir.writeMatrix("nngp_mean_coef", c.nngpMeanCoef(), DType.FLOAT64);
        dir.writeMatrix("nngp_var_coef", c.nngpVarCoef(), DType.FLOAT64);
        if (c.hasNtk()) {
            dir.writeMatrix("ntk_mean", c.ntkMean(), DType.FLOAT64);
            dir.writeMatrix("ntk_var", c.ntkVar(), DType.FLOAT64);
            dir.writeMatrix("ntk_mean_coef", c.ntkMeanCoef(), DType.FLOAT64);
            dir.writeMatrix("ntk_var_coef", c.ntkVarCoef(), DType.FLOAT64);
        } else {
            dir.note("ntk", "not written: under the standard parameterization the NTK has no limit to correct");
        }
        if (full) {
            FourPointVertex v = FiniteWidth.vertex(a, x);
            long m = x.rows();
            dir.writeArray("vertex.npy", v.toArray(), DType.FLOAT64, m, m, m, m);
            dir.note("vertex_max_standard_error", Double.toString(v.maxStandardError()));
        }
        main.out()
                .printf(
                        Locale.ROOT,
                        "correction: %d inputs, width %d%s, in %.2f s -> %s%n",
                        x.rows(),
                        width,
                        c.hasNtk() ? "" : " (standard parameterization: NNGP only)",
                        (System.nanoTime() - t0) / 1e9,
                        String.join(
                                ", ", dir.written().stream().map(Path::toString).toList()));
        return 0;
    }
}
