package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.UtilityPosterior;
import org.ntk4j.softopt.AdversarySet;
import org.ntk4j.softopt.EpsilonBound;
import org.ntk4j.softopt.LowerBandMaximin;
import org.ntk4j.softopt.LpMaximin;
import org.ntk4j.softopt.Maximin;
import org.ntk4j.softopt.Prior;
import org.ntk4j.utility.JointSamples;

/**
 * {@code ntk4j softopt}: Example 1 through the CLI, every mode, an LP on random instances, ε from
 * labels, from the posterior or both, κ auto, and the documented errors.
 */
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

    /** The summary of a run that must succeed. */
    JsonNode run(String... args) throws Exception {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.code(), r.err());
        int out = List.of(args).indexOf("--out");
        return summary(Path.of(args[out + 1]));
    }

    Path mat(String name, double[][] v) {
        Path f = tmp.resolve(name);
        Npy.write(f, Matrix.of(v));
        return f;
    }

    /** A PSD covariance for Example 1's 8 policies: σ_i² on the diagonal, correlation 0.5 between neighbours' errors. */
    static double[][] covariance() {
        int n = U.length;
        double[][] f = new double[n][n]; // C = F Fᵀ: PSD by construction
        for (int i = 0; i < n; i++) {
            f[i][i] = 0.2 + 0.1 * i;
            if (i > 0) f[i][i - 1] = 0.15;
        }
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) for (int k = 0; k < n; k++) c[i][j] += f[i][k] * f[j][k];
        return c;
    }

    /** --epsilon-from posterior --cov: the same ε as the Java one call, the maximin on it, and the summary keys. */
    @Test
    void epsilonFromTheCovariance() throws Exception {
        double[][] c = covariance();
        Path cov = mat("c.npy", c), u = vec("u.npy", U), g = vec("p.npy", G);
        Path out = tmp.resolve("post");
        JsonNode s = run(
                "softopt",
                "--utility",
                u.toString(),
                "--prior",
                g.toString(),
                "--epsilon-from",
                "posterior",
                "--cov",
                cov.toString(),
                "--draws",
                "2000",
                "--seed",
                "5",
                "--delta",
                "0.1",
                "--out",
                out.toString());
        double[] sd = new double[U.length];
        for (int i = 0; i < sd.length; i++) sd[i] = Math.sqrt(c[i][i]);
        EpsilonBound.Estimate expected = JointSamples.posteriorEpsilon(
                UtilityPosterior.of(U, sd, Matrix.of(c)), Prior.normalize(G), 0.1, 2000, 5L);
        assertEquals(expected.epsilon(), s.get("epsilon").asDouble(), 0);
        assertEquals(
                Maximin.solve(Prior.normalize(G), U, expected.epsilon()).threshold(),
                s.get("guaranteed_value").asDouble(),
                0);
        assertEquals("maximin", s.get("mode").asText());
        assertEquals("posterior", s.get("epsilon_method").asText());
        JsonNode est = s.get("epsilon_estimates");
        assertEquals(List.of("posterior"), names(est));
        JsonNode post = est.get("posterior");
        assertEquals(List.of("epsilon", "mean_abs_error", "draws", "delta", "source", "seed"), names(post));
        assertEquals(expected.epsilon(), post.get("epsilon").asDouble(), 0);
        assertEquals(expected.meanAbsError(), post.get("mean_abs_error").asDouble(), 0);
        assertEquals(2000, post.get("draws").asInt());
        assertEquals(0.1, post.get("delta").asDouble(), 0);
        assertEquals("cov", post.get("source").asText());
        assertEquals(5, post.get("seed").asLong());

        // defaults: 4000 draws, seed 0, δ = 0.05; the same seed gives the same ε
        Path d1 = tmp.resolve("d1"), d2 = tmp.resolve("d2");
        String[] common = {
            "softopt", "--utility", u.toString(), "--epsilon-from", "posterior", "--cov", cov.toString(), "--out"
        };
        JsonNode a = run(concat(common, d1.toString())), b = run(concat(common, d2.toString()));
        assertEquals(a.get("epsilon").asDouble(), b.get("epsilon").asDouble(), 0);
        assertEquals(
                4000, a.get("epsilon_estimates").get("posterior").get("draws").asInt());
        assertEquals(0, a.get("epsilon_estimates").get("posterior").get("seed").asLong());
        assertEquals(
                JointSamples.posteriorEpsilon(
                                UtilityPosterior.of(U, sd, Matrix.of(c)), Prior.uniform(U.length), 0.05, 4000, 0L)
                        .epsilon(),
                a.get("epsilon").asDouble(),
                0);
    }

    /** --samples: the (1 − δ) quantile over the given draws, as in EpsilonBoundTest, and no seed. */
    @Test
    void epsilonFromGivenDraws() throws Exception {
        double[][] v = new double[100][];
        for (int s = 0; s < 100; s++) v[s] = new double[] {s / 100.0, -s / 100.0}; // E_γ|U − V_s| = s/100
        Path out = tmp.resolve("samples");
        JsonNode s = run(
                "softopt",
                "--utility",
                vec("u.npy", new double[] {0, 0}).toString(),
                "--epsilon-from",
                "posterior",
                "--samples",
                mat("v.npy", v).toString(),
                "--out",
                out.toString());
        assertEquals(0.94, s.get("epsilon").asDouble(), 1e-15); // the 95th smallest of 0.00..0.99
        JsonNode post = s.get("epsilon_estimates").get("posterior");
        assertEquals(List.of("epsilon", "mean_abs_error", "draws", "delta", "source"), names(post));
        assertEquals("samples", post.get("source").asText());
        assertEquals(100, post.get("draws").asInt());
        assertEquals(0.495, post.get("mean_abs_error").asDouble(), 1e-12);
    }

    /** both: each estimate is reported and the larger one is used, whichever it is. */
    @Test
    void bothUsesTheLarger() throws Exception {
        // Hoeffding on policies 4, 5, 6 with errors 0.1, 0.3, 0.2, R = 1, δ = 0.1: 0.2 + sqrt(ln 10 / 6) ≈ 0.8195
        Path labels = mat("h.npy", new double[][] {{4, 4.1}, {5, 4.7}, {6, 6.2}});
        double hoeffding = 0.2 + Math.sqrt(Math.log(10) / 6);
        for (double shift : new double[] {0.5, 1.5}) { // every draw's E_γ|U − V| = shift
            double[][] v = new double[50][U.length];
            for (int k = 0; k < 50; k++)
                for (int i = 0; i < U.length; i++) v[k][i] = U[i] + (i % 2 == 0 ? shift : -shift);
            Path out = tmp.resolve("both" + shift);
            JsonNode s = run(
                    "softopt",
                    "--utility",
                    vec("u.npy", U).toString(),
                    "--prior",
                    vec("p.npy", G).toString(),
                    "--epsilon-from",
                    "both",
                    "--labels",
                    labels.toString(),
                    "--range",
                    "1",
                    "--samples",
                    mat("v" + shift + ".npy", v).toString(),
                    "--delta",
                    "0.1",
                    "--out",
                    out.toString());
            assertEquals("both", s.get("epsilon_method").asText());
            JsonNode est = s.get("epsilon_estimates");
            assertEquals(List.of("hoeffding", "posterior"), names(est));
            assertEquals(hoeffding, est.get("hoeffding").get("epsilon").asDouble(), 1e-12);
            assertEquals(3, est.get("hoeffding").get("labels").asInt());
            assertEquals(1.0, est.get("hoeffding").get("range").asDouble(), 0);
            assertEquals(shift, est.get("posterior").get("epsilon").asDouble(), 1e-12);
            assertEquals(Math.max(hoeffding, shift), s.get("epsilon").asDouble(), 1e-12, "shift " + shift);
        }
    }

    /** hoeffding named or implied by --labels: the same ε; a given ε and a quantilizer report their method too. */
    @Test
    void epsilonMethodOfEveryMode() throws Exception {
        Path labels = mat("h.npy", new double[][] {{4, 4.1}, {5, 4.7}, {6, 6.2}});
        String u = vec("u.npy", U).toString();
        JsonNode named = run(
                "softopt",
                "--utility",
                u,
                "--epsilon-from",
                "hoeffding",
                "--labels",
                labels.toString(),
                "--range",
                "1",
                "--out",
                tmp.resolve("h1").toString());
        JsonNode implied = run(
                "softopt",
                "--utility",
                u,
                "--labels",
                labels.toString(),
                "--range",
                "1",
                "--out",
                tmp.resolve("h2").toString());
        assertEquals(named.get("epsilon").asDouble(), implied.get("epsilon").asDouble(), 0);
        assertEquals(0.2 + Math.sqrt(Math.log(20) / 6), named.get("epsilon").asDouble(), 1e-12); // δ = 0.05 by default
        for (JsonNode s : List.of(named, implied)) {
            assertEquals("hoeffding", s.get("epsilon_method").asText());
            assertEquals(List.of("hoeffding"), names(s.get("epsilon_estimates")));
            assertEquals(
                    List.of("epsilon", "mean_abs_error", "labels", "range", "delta"),
                    names(s.get("epsilon_estimates").get("hoeffding")));
        }
        JsonNode given = run(
                "softopt",
                "--utility",
                u,
                "--epsilon",
                "0.3",
                "--out",
                tmp.resolve("g").toString());
        assertEquals("given", given.get("epsilon_method").asText());
        assertEquals(List.of(), names(given.get("epsilon_estimates")));
        JsonNode q = run(
                "softopt",
                "--utility",
                u,
                "--q",
                "0.5",
                "--out",
                tmp.resolve("q").toString());
        assertTrue(q.get("epsilon_method").isNull());
        assertEquals(List.of(), names(q.get("epsilon_estimates")));
    }

    /** --kappa auto: κ = z_{1−δ}; without --kappa, κ stays 1. */
    @Test
    void kappaAuto() throws Exception {
        double[] sd = {0.1, 0.2, 0.1, 0.3, 0.5, 0.4, 1.0, 3.0};
        String u = vec("u.npy", U).toString(),
                p = vec("p.npy", G).toString(),
                sdFile = vec("sd.npy", sd).toString();
        JsonNode auto = run(
                "softopt",
                "--utility",
                u,
                "--prior",
                p,
                "--epsilon",
                "0.3",
                "--sd",
                sdFile,
                "--kappa",
                "auto",
                "--delta",
                "0.1",
                "--out",
                tmp.resolve("auto").toString());
        double z = 1.2815515655446004; // z_{0.9}
        assertEquals(z, auto.get("kappa").asDouble(), 1e-15);
        assertEquals("auto", auto.get("kappa_rule").asText());
        assertEquals(
                LowerBandMaximin.solve(Prior.normalize(G), U, sd, z, 0.3).threshold(),
                auto.get("guaranteed_value").asDouble(),
                1e-15);
        JsonNode plain = run(
                "softopt",
                "--utility",
                u,
                "--prior",
                p,
                "--epsilon",
                "0.3",
                "--sd",
                sdFile,
                "--delta",
                "0.1",
                "--out",
                tmp.resolve("plain").toString());
        assertEquals(1.0, plain.get("kappa").asDouble(), 0);
        assertEquals("given", plain.get("kappa_rule").asText());
        assertEquals(
                LowerBandMaximin.solve(Prior.normalize(G), U, sd, 1.0, 0.3).threshold(),
                plain.get("guaranteed_value").asDouble(),
                1e-15);
    }

    /** Every wrong combination of the ε flags is a usage error (2); every bad value or file names its flag (3). */
    @Test
    void epsilonFromErrors() {
        String u = vec("u.npy", U).toString(), o = tmp.resolve("e").toString();
        String cov = mat("c.npy", covariance()).toString();
        String samples = mat("v.npy", new double[][] {U, U}).toString();
        String labels = mat("h.npy", new double[][] {{4, 4.1}}).toString();
        String[] base = {"softopt", "--utility", u, "--out", o};
        // usage (exit 2)
        CliRun.of(concat(base, "--epsilon", "0.1", "--epsilon-from", "posterior", "--cov", cov))
                .fails(2, "mutually exclusive");
        CliRun.of(concat(base, "--q", "0.5", "--epsilon-from", "hoeffding", "--labels", labels, "--range", "1"))
                .fails(2, "mutually exclusive");
        CliRun.of(concat(base, "--epsilon", "0.1", "--cov", cov)).fails(2, "mutually exclusive");
        CliRun.of(concat(base, "--epsilon-from", "posterior"))
                .fails(2, "--epsilon-from posterior needs --cov C or --samples V");
        CliRun.of(concat(base, "--epsilon-from", "both", "--labels", labels, "--range", "1"))
                .fails(2, "--epsilon-from both needs --cov C or --samples V");
        CliRun.of(concat(base, "--epsilon-from", "posterior", "--cov", cov, "--samples", samples))
                .fails(2, "--cov and --samples are mutually exclusive");
        CliRun.of(concat(base, "--epsilon-from", "hoeffding"))
                .fails(2, "--epsilon-from hoeffding needs --labels H and --range R");
        CliRun.of(concat(base, "--epsilon-from", "both", "--cov", cov))
                .fails(2, "--epsilon-from both needs --labels H and --range R");
        CliRun.of(concat(base, "--labels", labels)).fails(2, "--labels needs --range");
        CliRun.of(concat(base, "--epsilon-from", "posterior", "--cov", cov, "--labels", labels, "--range", "1"))
                .fails(2, "--labels and --range are for --epsilon-from hoeffding or both");
        CliRun.of(concat(base, "--labels", labels, "--range", "1", "--cov", cov))
                .fails(2, "--cov, --samples, --draws and --seed are for --epsilon-from posterior or both");
        CliRun.of(concat(base, "--cov", cov)).fails(2, "--cov needs --epsilon-from posterior or both");
        CliRun.of(concat(base, "--draws", "10")).fails(2, "--draws needs --epsilon-from posterior or both");
        CliRun.of(concat(base, "--epsilon-from", "posterior", "--samples", samples, "--draws", "10"))
                .fails(2, "--draws and --seed set the draws made from --cov");
        CliRun.of(concat(base, "--epsilon-from", "posterior", "--samples", samples, "--seed", "1"))
                .fails(2, "--draws and --seed set the draws made from --cov");
        CliRun.of(concat(base, "--epsilon-from", "hoeffdings", "--labels", labels, "--range", "1"))
                .fails(2, "is not one of hoeffding, posterior, both");
        CliRun.of(concat(base, "--epsilon", "0.1", "--sd", u, "--kappa", "automatic"))
                .fails(2, "is not a number or auto");
        // invalid input (exit 3), naming the flag
        String post = "--epsilon-from posterior --cov ";
        invalid("--cov", concat(base, (post + mat("c3.npy", new double[3][3])).split(" ")), "expected 8×8");
        invalid("--cov", concat(base, (post + mat("c87.npy", new double[8][7])).split(" ")), "expected 8×8");
        double[][] indefinite = covariance();
        indefinite[0][7] = indefinite[7][0] = 2; // |c_07| > sqrt(c_00 c_77): no longer a covariance
        invalid("--cov", concat(base, (post + mat("ci.npy", indefinite)).split(" ")), "positive semi-definite");
        double[][] asymmetric = covariance();
        asymmetric[0][1] += 0.01;
        invalid("--cov", concat(base, (post + mat("ca.npy", asymmetric)).split(" ")), "not symmetric");
        invalid(
                "--samples",
                concat(
                        base,
                        "--epsilon-from",
                        "posterior",
                        "--samples",
                        mat("v7.npy", new double[][] {{1, 2, 3, 4, 5, 6, 7}}).toString()),
                "has 7 columns");
        invalid("--draws", concat(base, (post + cov + " --draws 0").split(" ")), "at least 1");
        for (String delta : new String[] {"0", "1", "-0.5", "NaN"}) {
            invalid("--delta", concat(base, (post + cov + " --delta " + delta).split(" ")), "strictly between 0 and 1");
            invalid("--delta", concat(base, "--epsilon", "0.1", "--delta", delta), "strictly between 0 and 1");
            invalid("--delta", concat(base, "--q", "0.5", "--delta", delta), "strictly between 0 and 1");
        }
        invalid(
                "--delta",
                concat(base, "--epsilon", "0.1", "--sd", u, "--kappa", "auto", "--delta", "0.7"),
                "delta <= 0.5");
        assertFalse(java.nio.file.Files.exists(tmp.resolve("e").resolve("policy.npy")));
    }

    /** Exit 3 with one line that starts with the flag. */
    static void invalid(String flag, String[] args, String part) {
        CliRun r = CliRun.of(args).fails(3, part);
        assertTrue(r.err().startsWith("ntk4j: error: " + flag + ": "), r.err());
    }

    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static List<String> names(JsonNode object) {
        List<String> r = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(r::add);
        return r;
    }

    private static double[] scaled(double[] a, double f) {
        double[] b = a.clone();
        for (int i = 0; i < b.length; i++) b[i] *= f;
        return b;
    }
}
