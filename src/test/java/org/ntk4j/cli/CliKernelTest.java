package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.io.Npy;
import org.ntk4j.io.NpyArray;
import org.ntk4j.io.NpyDType;
import org.ntk4j.io.ReadOptions;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;

/** {@code ntk4j kernel} end to end in-process: the files it writes equal the Java API's result. */
class CliKernelTest {
    static final String ARCH =
            "Dense(512, W_std=1.5, b_std=0.05) -> Erf -> Dense(256,W_std=1.3,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.05)";

    @TempDir
    Path dir;

    static Matrix random(int n, int d, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        return Matrix.of(x);
    }

    @Test
    void writesNngpNtkAndCov1EqualToTheJavaApi() {
        Matrix x1 = random(7, 5, 1);
        Npy.write(dir.resolve("x1.npy"), x1);
        Path out = dir.resolve("new/sub/out");
        CliRun r = CliRun.of(
                "kernel", "--arch", ARCH, "--x1", dir.resolve("x1.npy").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("kernel: 7x7 NNGP and NTK (float64) in "), r.out());
        Kernels k =
                KernelFunction.of(ArchParser.parse(ARCH, Parameterization.NTK)).compute(x1, null);
        assertEquals(k.nngp(), Npy.read(out.resolve("nngp.npy")));
        assertEquals(k.ntk(), Npy.read(out.resolve("ntk.npy")));
        NpyArray cov1 = Npy.readArray(out.resolve("cov1.npy"), ReadOptions.defaults());
        assertTrue(cov1.vector());
        assertArrayEquals(k.cov1(), cov1.toVector());
        assertFalse(Files.exists(out.resolve("cov2.npy")));
        // Sanity against something this test did not compute: the NNGP's diagonal is cov1.
        for (int i = 0; i < 7; i++) assertEquals(k.cov1()[i], k.nngp().get(i, i), 1e-12 * Math.abs(k.cov1()[i]));
    }

    @Test
    void withX2CsvStandardParameterizationAndFloat32() throws IOException {
        Matrix x1 = random(4, 3, 2), x2 = random(6, 3, 3);
        Npy.write(dir.resolve("x1.npy"), x1, DType.FLOAT32); // float32 input is read and widened
        StringBuilder csv = new StringBuilder("f1,f2,f3\n");
        for (int i = 0; i < 6; i++)
            csv.append(x2.get(i, 0))
                    .append(',')
                    .append(x2.get(i, 1))
                    .append(',')
                    .append(x2.get(i, 2))
                    .append('\n');
        Files.writeString(dir.resolve("x2.csv"), csv);
        Path out = dir.resolve("out");
        String arch = "Dense(100,W_std=1.2,b_std=0.3)->Gelu->Dense(1,W_std=1.2)";
        CliRun r = CliRun.of(
                "kernel",
                "--arch",
                arch,
                "--parameterization",
                "standard",
                "--x1",
                dir.resolve("x1.npy").toString(),
                "--x2",
                dir.resolve("x2.csv").toString(),
                "--dtype",
                "float32",
                "--device",
                "cpu",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        Kernels k = KernelFunction.of(ArchParser.parse(arch, Parameterization.STANDARD))
                .compute(
                        x1.as(DType.FLOAT32).as(DType.FLOAT64),
                        x2,
                        KernelOptions.defaults().withDtype(DType.FLOAT32));
        ReadOptions keep = ReadOptions.defaults().withKeepFloat32(true);
        NpyArray nngp = Npy.readArray(out.resolve("nngp.npy"), keep);
        assertEquals(NpyDType.FLOAT32, nngp.dtype());
        assertEquals(4, nngp.matrix().rows());
        assertEquals(6, nngp.matrix().cols());
        assertEquals(k.nngp(), nngp.matrix());
        assertEquals(k.ntk(), Npy.read(out.resolve("ntk.npy"), keep));
        assertEquals(
                NpyDType.FLOAT32, Npy.readArray(out.resolve("cov2.npy"), keep).dtype());
        double[] cov2 = Npy.readVector(out.resolve("cov2.npy"));
        for (int j = 0; j < 6; j++) assertEquals((float) k.cov2()[j], cov2[j]);
        assertEquals(4, Npy.readVector(out.resolve("cov1.npy")).length);
    }

    @Test
    void tooLargeForMemoryExits4BeforeWriting() {
        // A 30000×30000 NNGP+NTK in float64 needs 14.4 GB: more than the test JVM may allocate (JavaCPP's limit is
        // -Xmx).
        int n = 30000;
        // the float64 outputs are off-heap: JavaCPP's limit (the test JVM's -Xmx unless raised, as the slow profile
        // does)
        org.junit.jupiter.api.Assumptions.assumeTrue(
                16L * n * n > org.ntk4j.linalg.MemoryGuard.availableOffHeap(),
                "off-heap memory too large for this check");
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = Math.sin(i);
        Npy.writeVector(dir.resolve("big.npy"), v);
        CliRun.of(
                        "kernel",
                        "--arch",
                        "Dense(8)->Relu->Dense(1)",
                        "--x1",
                        dir.resolve("big.npy").toString(),
                        "--out",
                        dir.resolve("out").toString())
                .fails(4, "the 30000x30000 kernel (NNGP+NTK, float64: off-heap outputs and Gram panel) needs 14,4");
        assertFalse(Files.exists(dir.resolve("out/nngp.npy")));
    }
}
