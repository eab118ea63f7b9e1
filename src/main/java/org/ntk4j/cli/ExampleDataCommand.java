package org.ntk4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ntk4j.demo.ExampleData;
import org.ntk4j.linalg.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ntk4j example-data}: writes the small generated regression set of {@link ExampleData}
 * (noisy sin(2x), fixed seed) so that every other command can be tried, and the README's tour run,
 * without any other tool: {@code x_train.npy} (n×1), {@code y_train.npy} (n), {@code x_test.npy}
 * (m×1, a grid) with {@code f_test.npy} (m, noise-free), and held-out {@code x_val.npy} (v×1),
 * {@code y_val.npy} (v) and {@code f_val.npy} (v, noise-free).
 */
@Command(
        name = "example-data",
        sortOptions = false,
        usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true,
        description = {
            "Write a small generated regression set: y = sin(2x) + noise, x_train and the held-out x_val",
            "uniform in [-2, 2], x_test an even grid over [-3, 3]. Writes DIR/x_train.npy, y_train.npy,",
            "x_test.npy, f_test.npy (sin(2x) at x_test), x_val.npy, y_val.npy and f_val.npy (sin(2x) at x_val)."
        })
final class ExampleDataCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(
            names = "--n-train",
            paramLabel = "N",
            defaultValue = "40",
            description = "Number of training points (default: 40).")
    int nTrain;

    @Option(
            names = "--n-test",
            paramLabel = "M",
            defaultValue = "101",
            description = "Number of test grid points (default: 101).")
    int nTest;

    @Option(
            names = "--n-val",
            paramLabel = "V",
            defaultValue = "200",
            description = "Number of held-out points, drawn like the training points (default: 200).")
    int nVal;

    @Option(
            names = "--noise",
            paramLabel = "SD",
            defaultValue = "0.1",
            description = "Standard deviation of the target noise (default: 0.1).")
    double noise;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed (default: 0).")
    long seed;

    @Mixin
    FormatOption formatOption;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    @Override
    public Integer call() {
        ExampleData data = ExampleData.generate(nTrain, nTest, nVal, noise, seed);
        OutputDir dir = main.outputDir("--out", out, formatOption.format);
        dir.writeMatrix("x_train", data.xTrain(), DType.FLOAT64);
        dir.writeVector("y_train", data.yTrain(), DType.FLOAT64);
        dir.writeMatrix("x_test", data.xTest(), DType.FLOAT64);
        dir.writeVector("f_test", data.fTest(), DType.FLOAT64);
        dir.writeMatrix("x_val", data.xVal(), DType.FLOAT64);
        dir.writeVector("y_val", data.yVal(), DType.FLOAT64);
        dir.writeVector("f_val", data.fVal(), DType.FLOAT64);
        main.out()
                .printf(
                        Locale.ROOT,
                        "example-data: y = sin(2x) + N(0, %s^2), %d training and %d held-out points in [-2, 2], %d test points on [-3, 3], seed %d -> %s%n",
                        noise,
                        nTrain,
                        nVal,
                        nTest,
                        seed,
                        String.join(
                                ", ", dir.written().stream().map(Path::toString).toList()));
        return 0;
    }
}
