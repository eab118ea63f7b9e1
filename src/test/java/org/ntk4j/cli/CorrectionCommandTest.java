package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.correction.FiniteWidth;
import org.ntk4j.correction.WidthCorrection;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/** {@code ntk4j correction}: its files are the Java API's results, and its documented failures. */
class CorrectionCommandTest {
    static final String ARCH = "Dense(16,W_std=1.5,b_std=0.1)->Relu->Dense(16,W_std=1.2)->Erf->Dense(1,W_std=1.1)";
    static final double[][] X = {{1, 2, 0.5}, {-0.3, 0.4, 1}, {0.7, -1.2, -0.1}};

    @TempDir
    Path dir;

    CliRun run(String... more) {
        Path x = dir.resolve("x.npy");
        if (!Files.exists(x)) Npy.write(x, Matrix.of(X));
        String[] base = {
            "correction",
            "--arch",
            ARCH,
            "--x1",
            x.toString(),
            "--out",
            dir.resolve("out").toString()
        };
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return CliRun.of(all);
    }

    double[] read(String name) {
        return Npy.read(dir.resolve("out").resolve(name)).toColumnMajor();
    }

    @Test
    void writesTheApisResults() {
        CliRun r = run("--width", "64");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("correction: 3 inputs, width 64"), r.out());
        WidthCorrection c = FiniteWidth.correction(ArchParser.parse(ARCH), Matrix.of(X), 64);
        assertArrayEquals(c.nngpMean().toColumnMajor(), read("nngp_mean.npy"));
        assertArrayEquals(c.nngpVar().toColumnMajor(), read("nngp_var.npy"));
        assertArrayEquals(c.nngpMeanCoef().toColumnMajor(), read("nngp_mean_coef.npy"));
        assertArrayEquals(c.nngpVarCoef().toColumnMajor(), read("nngp_var_coef.npy"));
        assertArrayEquals(c.ntkMean().toColumnMajor(), read("ntk_mean.npy"));
        assertArrayEquals(c.ntkVar().toColumnMajor(), read("ntk_var.npy"));
        assertArrayEquals(c.ntkMeanCoef().toColumnMajor(), read("ntk_mean_coef.npy"));
        assertArrayEquals(c.ntkVarCoef().toColumnMajor(), read("ntk_var_coef.npy"));
        assertTrue(Files.exists(dir.resolve("out").resolve("run.json")));
    }

    @Test
    void standardParameterizationWritesTheNngpPartsOnly() {
        CliRun r = run("--width", "64", "--parameterization", "standard");
        assertEquals(0, r.code(), r.err());
        WidthCorrection c = FiniteWidth.correction(ArchParser.parse(ARCH, Parameterization.STANDARD), Matrix.of(X), 64);
        assertArrayEquals(c.nngpVarCoef().toColumnMajor(), read("nngp_var_coef.npy"));
        assertFalse(Files.exists(dir.resolve("out").resolve("ntk_mean.npy")));
    }

    /** --full: vertex.npy is the API's vertex as an (m, m, m, m) float64 C-order array. */
    @Test
    void fullWritesTheVertex() throws java.io.IOException {
        CliRun r = run("--width", "64", "--full");
        assertEquals(0, r.code(), r.err());
        byte[] bytes = Files.readAllBytes(dir.resolve("out").resolve("vertex.npy"));
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        String header = new String(bytes, 10, headerLength, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(header.contains("'shape': (3, 3, 3, 3)"), header);
        assertTrue(header.contains("'descr': '<f8'") && header.contains("'fortran_order': False"), header);
        double[] got = new double[81];
        java.nio.ByteBuffer.wrap(bytes, 10 + headerLength, 81 * 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asDoubleBuffer()
                .get(got);
        assertArrayEquals(
                FiniteWidth.vertex(ArchParser.parse(ARCH), Matrix.of(X)).toArray(), got);
        assertTrue(Files.readString(dir.resolve("out").resolve("run.json")).contains("vertex_max_standard_error"));
    }

    /** --format csv: the same matrices as .csv (bit for bit through Csv.read); --full with csv is refused (a 4-D array). */
    @Test
    void csvHoldsTheSameMatricesAndFullNeedsNpy() {
        CliRun r = run("--width", "64", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        WidthCorrection c = FiniteWidth.correction(ArchParser.parse(ARCH), Matrix.of(X), 64);
        assertEquals(c.nngpMean(), org.ntk4j.io.Csv.read(dir.resolve("out").resolve("nngp_mean.csv")));
        assertEquals(c.ntkVarCoef(), org.ntk4j.io.Csv.read(dir.resolve("out").resolve("ntk_var_coef.csv")));
        assertFalse(Files.exists(dir.resolve("out").resolve("nngp_mean.npy")));
        run("--width", "64", "--format", "csv", "--full").fails(3, "--format: vertex.npy is a 4-D array");
    }

    @Test
    void fullIsLimitedTo64Inputs() {
        Path x = dir.resolve("x65.npy");
        Npy.write(x, Matrix.of(new double[65][2]));
        CliRun.of(
                        "correction",
                        "--arch",
                        ARCH,
                        "--x1",
                        x.toString(),
                        "--width",
                        "8",
                        "--out",
                        dir.resolve("o4").toString(),
                        "--full")
                .fails(3, "--full: the four-point vertex is limited to m <= 64 inputs");
    }

    @Test
    void refusesWhatItCannotCompute() {
        run("--width", "0").fails(3, "--width: must be >= 1");
        CliRun.of(
                        "correction",
                        "--arch",
                        "Dense(8,W_std=1)->Sign->Dense(1,W_std=1)",
                        "--x1",
                        write().toString(),
                        "--width",
                        "8",
                        "--out",
                        dir.resolve("o2").toString())
                .fails(3, "jumps at 0");
        CliRun.of(
                        "correction",
                        "--arch",
                        "Dense(8,W_std=1)->Relu",
                        "--x1",
                        write().toString(),
                        "--width",
                        "8",
                        "--out",
                        dir.resolve("o3").toString())
                .fails(3, "end the architecture with Dense");
    }

    private Path write() {
        Path x = dir.resolve("x.npy");
        if (!Files.exists(x)) Npy.write(x, Matrix.of(X));
        return x;
    }
}
