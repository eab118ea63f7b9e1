package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.softopt.AdversarySet;
import org.ntk4j.softopt.LpMaximin;
import org.ntk4j.softopt.Prior;

/** {@code ntk4j softopt}: Example 1 through the CLI, every mode, an LP on random instances, and the documented errors. */
class SoftoptCommandTest {
    static final double[] U = {0, 1, 2, 3, 4, 5, 6, 10};
    static final double[] G = {0.10, 0.20, 0.25, 0.20, 0.12, 0.08, 0.04, 0.01};
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Path vec(String name, double[] v) {
        Path f = tmp.resolve(name);
        Npy.writeVector(f, v);
        return f;
    }

    JsonNode summary(Path out) throws Exception {
        return JSON.readTree(out.resolve("summary.json").toFile());
    }

    @Test
    void example1Maximin() throws Exception {
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of(
                "softopt",
                "--utility",
                vec("u.npy", U).toString(),
                "--prior",
                vec("p.npy", scaled(G, 7)).toString(),
                "--epsilon",
                "0.3",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(
                new double[] {0, 0, 0, 0, 0.48, 0.32, 0.16, 0.04}, Npy.readVector(out.resolve("policy.npy")), 1e-12);
        JsonNode s = summary(out);
        assertEquals("maximin", s.get("mode").asText());
        assertEquals(3.68, s.get("threshold").asDouble(), 1e-12);
        assertEquals(3.68, s.get("guaranteed_value").asDouble(), 1e-12);
        assertEquals(0.25, s.get("q").asDouble(), 1e-12);
        assertEquals(0.3, s.get("epsilon").asDouble(), 0);
        assertEquals(4, s.get("support_size").asInt());
        assertEquals(Math.log(4), s.get("kl_to_prior").asDouble(), 1e-12);
    }

    @Test
    void quantilizerAndLowerBandModes() throws Exception {
        Path out = tmp.resolve("q");
        assertEquals(
                0,
                CliRun.of(
                                "softopt",
                                "--utility",
                                vec("u.npy", U).toString(),
                                "--prior",
                                vec("p.npy", G).toString(),
                                "--q",
                                "0.19",
                                "--out",
                                out.toString())
                        .code());
        JsonNode s = summary(out);
        assertEquals("quantilizer", s.get("mode").asText());
        assertTrue(s.get("guaranteed_value").isNull());
        assertTrue(s.get("epsilon").isNull());
        assertEquals(0.19, s.get("q").asDouble(), 1e-12);
        assertArrayEquals(
                new double[] {0, 0, 0, 0, 0.31579, 0.42105, 0.21053, 0.05263},
                Npy.readVector(out.resolve("policy.npy")),
                5e-6);

        Path out2 = tmp.resolve("b2");
        double[] sd = {0, 0, 0, 0, 0, 0, 0, 8}; // the top policy is unreliable: L = 10 − 8 = 2
        assertEquals(
                0,
                CliRun.of(
                                "softopt",
                                "--utility",
                                vec("u.npy", U).toString(),
                                "--prior",
                                vec("p.npy", G).toString(),
                                "--epsilon",
                                "0.3",
                                "--sd",
                                vec("sd.npy", sd).toString(),
                                "--out",
                                out2.toString())
                        .code());
        JsonNode b = summary(out2);
        assertEquals("maximin_lower_band", b.get("mode").asText());
        assertEquals(0.0, Npy.readVector(out2.resolve("policy.npy"))[7], "the top is cut off");
        assertEquals(b.get("threshold").asDouble(), b.get("guaranteed_value").asDouble(), 0);
    }

    @Test
    void epsilonFromLabels() throws Exception {
        // policies 4, 5, 6 observed with errors 0.1, 0.3, 0.2
        Path labels = tmp.resolve("h.npy");
        Npy.write(labels, Matrix.of(new double[][] {{4, 4.1}, {5, 4.7}, {6, 6.2}}));
        Path out = tmp.resolve("l");
        CliRun r = CliRun.of(
                "softopt",
                "--utility",
                vec("u.npy", U).toString(),
                "--prior",
                vec("p.npy", G).toString(),
                "--labels",
                labels.toString(),
                "--range",
                "1",
                "--delta",
                "0.1",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        double eps = 0.2 + Math.sqrt(Math.log(10) / 6);
        assertEquals(eps, summary(out).get("epsilon").asDouble(), 1e-12);
        assertEquals("maximin", summary(out).get("mode").asText());
    }

    /** The CLI's maximin against an LP (ojAlgo) over all distributions, on fresh random instances. */
    @Test
    void matchesAnLpOnRandomInstances() throws Exception {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(2024L);
        for (int k = 0; k < 20; k++) {
            int n = 2 + rng.nextInt(30);
            double[] u = new double[n], w = new double[n];
            for (int i = 0; i < n; i++) {
                u[i] = 4 * rng.nextDouble() - 1;
                w[i] = rng.nextDouble();
            }
            double eps = rng.nextDouble();
            Path out = tmp.resolve("r" + k);
            assertEquals(
                    0,
                    CliRun.of(
                                    "softopt",
                                    "--utility",
                                    vec("u" + k + ".npy", u).toString(),
                                    "--prior",
                                    vec("w" + k + ".npy", w).toString(),
                                    "--epsilon",
                                    Double.toString(eps),
                                    "--out",
                                    out.toString())
                            .code());
            LpMaximin.Solution lp = LpMaximin.solve(u, AdversarySet.meanAbsoluteError(Prior.normalize(w), eps));
            assertEquals(lp.value(), summary(out).get("guaranteed_value").asDouble(), 1e-9, "instance " + k);
        }
    }

    @Test
    void documentedErrors() {
        String u = vec("u.npy", U).toString(), o = tmp.resolve("e").toString();
        CliRun.of(
                        "softopt",
                        "--utility",
                        u,
                        "--prior",
                        vec("neg.npy", new double[] {1, 1, 1, 1, -1, 1, 1, 1}).toString(),
                        "--epsilon",
                        "0.3",
                        "--out",
                        o)
                .fails(3, "--prior");
        CliRun.of(
                        "softopt",
                        "--utility",
                        u,
                        "--prior",
                        vec("zero.npy", new double[8]).toString(),
                        "--epsilon",
                        "0.3",
                        "--out",
                        o)
                .fails(3, "--prior");
        CliRun.of(
                        "softopt",
                        "--utility",
                        u,
                        "--prior",
                        vec("short.npy", new double[] {1, 2}).toString(),
                        "--epsilon",
                        "0.3",
                        "--out",
                        o)
                .fails(3, "--prior");
        CliRun.of("softopt", "--utility", u, "--epsilon", "-0.1", "--out", o).fails(3, "--epsilon");
        CliRun.of("softopt", "--utility", u, "--q", "0", "--out", o).fails(3, "--q");
        CliRun.of("softopt", "--utility", u, "--q", "1.5", "--out", o).fails(3, "--q");
        CliRun.of("softopt", "--utility", u, "--epsilon", "0.1", "--q", "0.5", "--out", o)
                .fails(2, "mutually exclusive");
        CliRun.of("softopt", "--utility", u, "--out", o).fails(2, "Missing required");
        CliRun.of("softopt", "--utility", u, "--q", "0.5", "--sd", u, "--out", o)
                .fails(2, "--sd needs a bound");
        CliRun.of("softopt", "--utility", u, "--epsilon", "0.1", "--kappa", "2", "--out", o)
                .fails(2, "--kappa needs --sd");
        ByteBuffer nan = ByteBuffer.allocate(16)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(1)
                .putDouble(Double.NaN);
        Path bad = NpyRaw.file(tmp.resolve("nan.npy"), "<f8", "(2,)", nan.array());
        CliRun.of("softopt", "--utility", bad.toString(), "--epsilon", "0.1", "--out", o)
                .fails(3, "--utility");
        Path labels = tmp.resolve("h.npy");
        Npy.write(labels, Matrix.of(new double[][] {{4, 9}}));
        CliRun.of("softopt", "--utility", u, "--labels", labels.toString(), "--range", "1", "--out", o)
                .fails(3, "--range");
        Npy.write(labels, Matrix.of(new double[][] {{8.5, 1}}));
        CliRun.of("softopt", "--utility", u, "--labels", labels.toString(), "--range", "1", "--out", o)
                .fails(3, "--labels");
    }

    private static double[] scaled(double[] a, double f) {
        double[] b = a.clone();
        for (int i = 0; i < b.length; i++) b[i] *= f;
        return b;
    }
}
