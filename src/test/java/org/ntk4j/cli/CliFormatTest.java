package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Csv;
import org.ntk4j.io.Npy;
import org.ntk4j.io.ReadOptions;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;

/**
 * {@code --format csv} on every command that writes arrays (kernel, predict, finite, softopt): the
 * same files as {@code --format npy} with .csv for .npy, the same numbers bit for bit, run.json
 * listing the .csv files; CSV inputs written by ntk4j read back as inputs.
 */
class CliFormatTest {
    static final String ARCH = "Dense(64,W_std=1.5,b_std=0.1)->Erf->Dense(1,W_std=1.5,b_std=0.1)";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    int runs; // each run writes into fresh directories

    Path npy(String name, Matrix m) {
        Path f = dir.resolve(name);
        Npy.write(f, m);
        return f;
    }

    /** Runs {@code args} once per format (into DIR/npy and DIR/csv; "OUT" stands for the directory) and returns both. */
    Path[] both(String... args) {
        runs++;
        Path[] outs = {dir.resolve("npy" + runs), dir.resolve("csv" + runs)};
        String[] formats = {"npy", "csv"};
        for (int f = 0; f < 2; f++) {
            List<String> a = new ArrayList<>();
            for (String s : args) a.add(s.equals("OUT") ? outs[f].toString() : s);
            a.addAll(List.of("--format", formats[f]));
            CliRun r = CliRun.of(a.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            if (f == 1) assertTrue(r.out().contains(".csv") && !r.out().contains(".npy"), r.out());
        }
        return outs;
    }

    static Set<String> files(Path d, String ext) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(ext))
                    .map(n -> n.substring(0, n.length() - ext.length()))
                    .toList());
        }
    }

    /** Every array of the npy run is in the csv run under the same stem, with the same bits; run.json lists the csv names. */
    static void sameArrays(Path[] outs, String... stems) throws IOException {
        assertEquals(new TreeSet<>(List.of(stems)), files(outs[0], ".npy"));
        assertEquals(files(outs[0], ".npy"), files(outs[1], ".csv"));
        assertEquals(Set.of(), files(outs[1], ".npy"));
        for (String stem : stems)
            assertEquals(
                    Npy.read(
                            outs[0].resolve(stem + ".npy"),
                            ReadOptions.defaults().withCheckFinite(false)),
                    Csv.read(
                            outs[1].resolve(stem + ".csv"),
                            ReadOptions.defaults().withCheckFinite(false)),
                    stem);
        Set<String> listed = new TreeSet<>();
        for (JsonNode f : JSON.readTree(outs[1].resolve("run.json").toFile()).get("files"))
            listed.add(f.get("name").asText());
        for (String stem : stems) assertTrue(listed.contains(stem + ".csv"), listed.toString());
        assertTrue(listed.stream().noneMatch(n -> n.endsWith(".npy")), listed.toString());
    }

    @Test
    void kernelWritesCsvWithTheSameBitsAndReadsCsvInputs() throws IOException {
        Matrix x1 = CliKernelTest.random(6, 3, 1), x2 = CliKernelTest.random(4, 3, 2);
        Path[] outs = both(
                "kernel",
                "--arch",
                ARCH,
                "--x1",
                npy("x1.npy", x1).toString(),
                "--x2",
                npy("x2.npy", x2).toString(),
                "--out",
                "OUT");
        sameArrays(outs, "nngp", "ntk", "cov1", "cov2");
        // without --x2 the kernels go the symmetric native path; inputs as CSV that ntk4j wrote itself
        Path x1csv = dir.resolve("x1.csv");
        Csv.write(x1csv, x1, DType.FLOAT64);
        Path a = dir.resolve("sym-npy"), b = dir.resolve("sym-csv");
        assertEquals(
                0,
                CliRun.of("kernel", "--arch", ARCH, "--x1", x1csv.toString(), "--out", a.toString())
                        .code());
        assertEquals(
                0,
                CliRun.of(
                                "kernel",
                                "--arch",
                                ARCH,
                                "--x1",
                                npy("x1b.npy", x1).toString(),
                                "--out",
                                b.toString(),
                                "--format",
                                "csv")
                        .code());
        for (String stem : List.of("nngp", "ntk", "cov1"))
            assertEquals(Npy.read(a.resolve(stem + ".npy")), Csv.read(b.resolve(stem + ".csv")), stem);
    }

    @Test
    void float32CsvHoldsTheFloat32Values() throws IOException {
        Matrix x1 = CliKernelTest.random(5, 3, 3);
        Path[] outs = both(
                "kernel", "--arch", ARCH, "--x1", npy("x1.npy", x1).toString(), "--dtype", "float32", "--out", "OUT");
        for (String stem : List.of("nngp", "ntk", "cov1")) {
            double[] n = Npy.read(outs[0].resolve(stem + ".npy")).toColumnMajor();
            double[] c = Csv.read(outs[1].resolve(stem + ".csv")).toColumnMajor();
            for (int i = 0; i < n.length; i++)
                assertEquals(Float.floatToRawIntBits((float) n[i]), Float.floatToRawIntBits((float) c[i]), stem);
        }
    }

    @Test
    void predictWritesMeanAndVarianceOrCovariance() throws IOException {
        Matrix x = CliKernelTest.random(8, 3, 4), y = CliKernelTest.random(8, 2, 5), xt = CliKernelTest.random(5, 3, 6);
        String[] data = {
            "--x-train",
            npy("x.npy", x).toString(),
            "--y-train",
            npy("y.npy", y).toString(),
            "--x-test",
            npy("xt.npy", xt).toString()
        };
        List<String> a = new ArrayList<>(List.of("predict", "--arch", ARCH, "--diag-reg", "1e-3", "--out", "OUT"));
        a.addAll(List.of(data));
        sameArrays(both(a.toArray(String[]::new)), "mean", "var");
        a.addAll(List.of("--cov", "full", "--time", "2"));
        sameArrays(both(a.toArray(String[]::new)), "mean", "cov");
    }

    @Test
    void finiteAndSoftoptWriteCsv() throws IOException {
        Matrix x1 = CliKernelTest.random(4, 3, 7),
                xt = CliKernelTest.random(5, 3, 8),
                yt = CliKernelTest.random(5, 1, 9);
        Path[] outs = both(
                "finite",
                "--arch",
                ARCH,
                "--width",
                "32",
                "--seed",
                "3",
                "--x1",
                npy("x1.npy", x1).toString(),
                "--x-train",
                npy("xt.npy", xt).toString(),
                "--y-train",
                npy("yt.npy", yt).toString(),
                "--steps",
                "5",
                "--learning-rate",
                "0.5",
                "--out",
                "OUT");
        sameArrays(outs, "f0_x1", "nngp", "ntk", "trained_x1");

        Path u = dir.resolve("u.npy");
        Npy.writeVector(u, new double[] {0, 1, 2, 3, 4, 5, 6, 10});
        Path[] soft = {dir.resolve("s-npy"), dir.resolve("s-csv")};
        for (int f = 0; f < 2; f++) {
            CliRun r = CliRun.of(
                    "softopt",
                    "--utility",
                    u.toString(),
                    "--epsilon",
                    "0.3",
                    "--out",
                    soft[f].toString(),
                    "--format",
                    f == 0 ? "npy" : "csv");
            assertEquals(0, r.code(), r.err());
        }
        sameArrays(soft, "policy");
        assertTrue(Files.exists(soft[1].resolve("summary.json")));
    }

    @Test
    void exampleDataWritesCsv() throws IOException {
        Path[] outs = both("example-data", "--n-train", "7", "--n-test", "5", "--n-val", "3", "--out", "OUT");
        sameArrays(outs, "x_train", "y_train", "x_test", "f_test", "x_val", "y_val", "f_val");
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        CliRun.of(
                        "kernel",
                        "--arch",
                        ARCH,
                        "--x1",
                        "x.npy",
                        "--out",
                        dir.resolve("o").toString(),
                        "--format",
                        "json")
                .fails(2, "--format");
    }
}
