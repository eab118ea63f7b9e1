package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.spark.LoopbackSpark;

/**
 * {@code ntk4j spark} in local mode writes the numbers {@code predict --solver nystrom} writes for the
 * same centers (means to 1e-8 relative, variances to 1e-6), from .npy and from Parquet inputs (rows in
 * file order); its flag errors are one line, exit 3, naming the flag.
 */
class SparkCommandTest {
    static final String ARCH = "Dense(256,W_std=1.5,b_std=0.05)->Erf->Dense(1,W_std=1.5,b_std=0.05)";

    static double relMax(Matrix a, Matrix b) {
        double diff = 0, scale = 0;
        for (int i = 0; i < a.rows(); i++)
            for (int j = 0; j < a.cols(); j++) {
                diff = Math.max(diff, Math.abs(a.get(i, j) - b.get(i, j)));
                scale = Math.max(scale, Math.abs(b.get(i, j)));
            }
        return diff / scale;
    }

    /** 240 training rows (3 Gaussian inputs, y = tanh of their sum) and 20 test rows, written as DIR/x.npy, y.npy, xt.npy. */
    private record TanhData(double[][] x, double[][] y, double[][] xt) {
        static TanhData write(Path dir, long seed) {
            Random r = new Random(seed);
            int n = 240, m = 20, d = 3;
            double[][] x = new double[n][d], y = new double[n][1], xt = new double[m][d];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) s += x[i][j] = r.nextGaussian();
                y[i][0] = Math.tanh(s);
            }
            for (int i = 0; i < m; i++) for (int j = 0; j < d; j++) xt[i][j] = r.nextGaussian();
            Npy.write(dir.resolve("x.npy"), Matrix.of(x));
            Npy.write(dir.resolve("y.npy"), Matrix.of(y));
            Npy.write(dir.resolve("xt.npy"), Matrix.of(xt));
            return new TanhData(x, y, xt);
        }
    }

    @Test
    void writesWhatPredictNystromWrites(@TempDir Path dir) {
        TanhData data = TanhData.write(dir, 5);
        int n = data.x().length;
        double[][] x = data.x(), y = data.y(), xt = data.xt();
        String[] common = {
            "--x-test",
            dir.resolve("xt.npy").toString(),
            "--arch",
            ARCH,
            "--get",
            "nngp",
            "--diag-reg",
            "1e-3",
            "--centers",
            "30"
        };
        CliRun p = CliRun.of(concat(
                new String[] {
                    "predict",
                    "--solver",
                    "nystrom",
                    "--x-train",
                    dir.resolve("x.npy").toString(),
                    "--y-train",
                    dir.resolve("y.npy").toString(),
                    "--out",
                    dir.resolve("p").toString()
                },
                common));
        assertEquals(0, p.code(), p.err());
        CliRun s = CliRun.of(concat(
                new String[] {
                    "spark",
                    "--master",
                    "local[2]",
                    "--partitions",
                    "3",
                    "--x-train",
                    dir.resolve("x.npy").toString(),
                    "--y-train",
                    dir.resolve("y.npy").toString(),
                    "--out",
                    dir.resolve("s").toString()
                },
                common));
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().startsWith("spark: nngp posterior (nystrom, 30 centers"), s.out());
        Matrix pm = Npy.read(dir.resolve("p/mean.npy")), pv = Npy.read(dir.resolve("p/var.npy"));
        assertTrue(relMax(Npy.read(dir.resolve("s/mean.npy")), pm) < 1e-8);
        assertTrue(relMax(Npy.read(dir.resolve("s/var.npy")), pv) < 1e-6);

        // the same rows as Parquet: two files of training rows (read in name order), one of test rows
        SparkSession spark = LoopbackSpark.session("local[2]", "parquet-writer");
        try {
            StructType schema = new StructType()
                    .add("features", DataTypes.createArrayType(DataTypes.DoubleType), false)
                    .add("label", DataTypes.DoubleType, false);
            List<Row> a = new ArrayList<>(), b = new ArrayList<>(), t = new ArrayList<>();
            for (int i = 0; i < n; i++) (i < 100 ? a : b).add(RowFactory.create(x[i], y[i][0]));
            for (double[] q : xt) t.add(RowFactory.create((Object) q));
            spark.createDataFrame(a, schema)
                    .coalesce(1)
                    .write()
                    .parquet(dir.resolve("pa").toString());
            spark.createDataFrame(b, schema)
                    .coalesce(1)
                    .write()
                    .parquet(dir.resolve("pb").toString());
            spark.createDataFrame(t, new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType)))
                    .coalesce(1)
                    .write()
                    .parquet(dir.resolve("pt").toString());
        } finally {
            spark.stop();
        }
        Path train = dir.resolve("train");
        try {
            java.nio.file.Files.createDirectories(train);
            java.nio.file.Files.move(onlyParquet(dir.resolve("pa")), train.resolve("part-00000.parquet"));
            java.nio.file.Files.move(onlyParquet(dir.resolve("pb")), train.resolve("part-00001.parquet"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CliRun q = CliRun.of(
                "spark",
                "--master",
                "local[2]",
                "--x-train",
                train.toString(),
                "--x-test",
                dir.resolve("pt").toString(),
                "--arch",
                ARCH,
                "--get",
                "nngp",
                "--diag-reg",
                "1e-3",
                "--centers",
                "30",
                "--out",
                dir.resolve("q").toString());
        assertEquals(0, q.code(), q.err());
        assertTrue(relMax(Npy.read(dir.resolve("q/mean.npy")), pm) < 1e-8);
        assertTrue(relMax(Npy.read(dir.resolve("q/var.npy")), pv) < 1e-6);
    }

    /**
     * {@code spark --solver falkon} writes what {@code predict --solver falkon} writes for the same centers
     * (means to the tolerance, variances to 1e-6), and run.json says how it stopped; the cap is honoured.
     */
    @Test
    void falkonWritesWhatPredictFalkonWrites(@TempDir Path dir) throws Exception {
        TanhData.write(dir, 7);
        String[] common = {
            "--x-train",
            dir.resolve("x.npy").toString(),
            "--y-train",
            dir.resolve("y.npy").toString(),
            "--x-test",
            dir.resolve("xt.npy").toString(),
            "--arch",
            ARCH,
            "--get",
            "ntk",
            "--diag-reg",
            "1e-3",
            "--centers",
            "30",
            "--solver",
            "falkon"
        };
        CliRun p = CliRun.of(concat(
                new String[] {
                    "predict",
                    "--tolerance",
                    "1e-8",
                    "--max-iterations",
                    "200",
                    "--out",
                    dir.resolve("p").toString()
                },
                common));
        assertEquals(0, p.code(), p.err());
        // the converged falkon run on 3 partitions, with variances (s) and without them (n, below)
        String[] converged = concat(
                new String[] {"spark", "--master", "local[2]", "--partitions", "3", "--tolerance", "1e-8"},
                concat(new String[] {"--max-iterations", "200"}, common));
        CliRun s = CliRun.of(
                concat(converged, new String[] {"--out", dir.resolve("s").toString()}));
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().startsWith("spark: ntk posterior (falkon, "), s.out());
        assertTrue(relMax(Npy.read(dir.resolve("s/mean.npy")), Npy.read(dir.resolve("p/mean.npy"))) < 1e-8);
        assertTrue(relMax(Npy.read(dir.resolve("s/var.npy")), Npy.read(dir.resolve("p/var.npy"))) < 1e-6);
        JsonNode how = JSON.readTree(dir.resolve("s/run.json").toFile()).get("how");
        assertEquals("falkon", how.get("solver").asText());
        assertEquals("tolerance", how.get("solver_stop").asText());
        assertTrue(Integer.parseInt(how.get("solver_iterations").asText()) >= 1, how.toString());
        assertTrue(Double.parseDouble(how.get("solver_residual").asText()) <= 1e-9, how.toString());

        CliRun capped = CliRun.of(concat(
                new String[] {
                    "spark",
                    "--master",
                    "local[2]",
                    "--tolerance",
                    "1e-12",
                    "--max-iterations",
                    "2",
                    "--out",
                    dir.resolve("c").toString()
                },
                common));
        assertEquals(0, capped.code(), capped.err());
        JsonNode cap = JSON.readTree(dir.resolve("c/run.json").toFile()).get("how");
        assertEquals("2", cap.get("solver_iterations").asText());
        assertEquals("iteration cap", cap.get("solver_stop").asText());

        // --cov none: the same mean (to the tolerance: Spark's sums come back in any order, and CG
        // amplifies their rounding) without the variances' pass, and no var.npy
        CliRun meanOnly = CliRun.of(concat(
                converged,
                new String[] {"--cov", "none", "--out", dir.resolve("n").toString()}));
        assertEquals(0, meanOnly.code(), meanOnly.err());
        double meanDiff = relMax(Npy.read(dir.resolve("n/mean.npy")), Npy.read(dir.resolve("s/mean.npy")));
        assertTrue(meanDiff < 1e-8, "mean with --cov none differs by " + meanDiff);
        assertFalse(java.nio.file.Files.exists(dir.resolve("n/var.npy")));
        JsonNode files = JSON.readTree(dir.resolve("n/run.json").toFile()).get("files");
        assertEquals(1, files.size(), files.toString());
        assertEquals("mean.npy", files.get(0).get("name").asText());
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private static Path onlyParquet(Path dir) throws java.io.IOException {
        try (var s = java.nio.file.Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void flagErrorsNameTheFlag(@TempDir Path dir) {
        String x = dir.resolve("x.npy").toString();
        Npy.write(dir.resolve("x.npy"), Matrix.of(new double[][] {{1, 2}, {3, 4}}));
        String o = dir.resolve("o").toString();
        CliRun.of(
                        "spark",
                        "--x-train",
                        x,
                        "--y-train",
                        x,
                        "--x-test",
                        x,
                        "--arch",
                        "Dense(1)",
                        "--solver",
                        "falkon",
                        "--tolerance",
                        "1",
                        "--out",
                        o)
                .fails(3, "--tolerance: must be in (0, 1), got 1.0");
        CliRun.of("spark", "--x-train", x, "--x-test", x, "--arch", "Dense(1)", "--out", o)
                .fails(3, "--y-train: is required with a .npy/.csv --x-train");
        CliRun.of(
                        "spark",
                        "--master",
                        "yarn",
                        "--x-train",
                        x,
                        "--y-train",
                        x,
                        "--x-test",
                        x,
                        "--arch",
                        "Dense(1)",
                        "--out",
                        o)
                .fails(3, "--master: must be local[*], local[N] or spark://HOST:PORT");
        CliRun.of(
                        "spark",
                        "--x-train",
                        x,
                        "--y-train",
                        x,
                        "--x-test",
                        x,
                        "--arch",
                        "Dense(1)",
                        "--centers",
                        "2",
                        "--center-points",
                        x,
                        "--out",
                        o)
                .fails(3, "--center-points: gives the centers; drop --centers");
        CliRun.of(
                        "spark",
                        "--x-train",
                        x,
                        "--y-train",
                        x,
                        "--x-test",
                        x,
                        "--arch",
                        "Dense(1)",
                        "--cov",
                        "full",
                        "--out",
                        o)
                .fails(3, "--cov: spark writes variances (diag) or none");
    }
}
