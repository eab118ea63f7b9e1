package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/**
 * The exit-code contract from the user's side: every bad value a user can give a flag is invalid
 * input (exit 3) whose one line starts with that flag, never an internal error (70) — since a bare
 * IllegalArgumentException now means a bug, each of these must be validated into a typed error.
 * picocli's own conversions ('abc' for a number, 'nan' spelled in lower case) are usage errors
 * (exit 2, CliErrorsTest); the values here are the ones that parse.
 */
class CliBadValuesTest {
    static final String ARCH = "Dense(8,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)";

    @TempDir
    Path dir;

    String npy(String name, double[][] v) {
        Path f = dir.resolve(name);
        Npy.write(f, Matrix.of(v));
        return f.toString();
    }

    String vec(String name, double... v) {
        Path f = dir.resolve(name);
        Npy.writeVector(f, v);
        return f.toString();
    }

    @Test
    void everyBadValueIsInvalidInputNamingItsFlag() {
        String x = npy("x.npy", new double[][] {{1, 2, 3}, {0, 1, 0}, {-1, .5, 2}, {2, 2, 2}});
        String y = npy("y.npy", new double[][] {{1}, {2}, {3}, {4}}), xt = npy("xt.npy", new double[][] {{1, 1, 1}});
        String u = vec("u.npy", 1, 2, 3), labels = npy("labels.npy", new double[][] {{0, 1}, {1, 2}});
        String out = dir.resolve("out").toString();
        String kernel = "kernel --x1 " + x + " --out " + out + " --arch ";
        String predict =
                "predict --arch " + ARCH + " --x-train " + x + " --y-train " + y + " --x-test " + xt + " --out " + out;
        String finite = "finite --arch " + ARCH + " --width 4 --seed 1 --x1 " + x + " --out " + out;
        String train = finite + " --x-train " + x + " --y-train " + y + " --steps 2";
        String softopt = "softopt --utility " + u + " --out " + out;
        List<String[]> cases = new ArrayList<>(); // {flag, command line}
        for (String arch : new String[] {
            "Dense(0)->Relu->Dense(1)",
            "Dense(8,W_std=NaN)->Relu->Dense(1)",
            "Dense(8,b_std=-1)->Relu->Dense(1)",
            "Dense(1e10)->Relu->Dense(1)",
            "Dense(8)->Rbf(gamma=-1)->Dense(1)",
            "Dense(8)->Monomial(degree=9)->Dense(1)",
            "Dense(8)->Polynomial(coef=[])->Dense(1)",
            "Dense(8)->Numerical(fn=x)->Dense(1)",
            "Relu",
            "Dense(8)->Swish"
        }) cases.add(new String[] {"--arch", kernel + arch});
        cases.add(new String[] {"--arch", finite.replace(ARCH, "Identity")}); // no Dense layer: nothing to initialize
        for (String bad : new String[] {"NaN", "Infinity", "-Infinity", "-1"}) {
            cases.add(new String[] {"--diag-reg", predict + " --diag-reg " + bad});
            cases.add(new String[] {"--learning-rate", predict + " --time 1 --learning-rate " + bad});
            cases.add(new String[] {"--tolerance", predict + " --diag-reg 1 --solver cg --tolerance " + bad});
            cases.add(new String[] {"--learning-rate", train + " --learning-rate " + bad});
            cases.add(new String[] {"--epsilon", softopt + " --epsilon " + bad});
            cases.add(new String[] {"--q", softopt + " --q " + bad});
            cases.add(new String[] {"--kappa", softopt + " --epsilon 0.1 --sd " + u + " --kappa " + bad});
            cases.add(new String[] {"--range", softopt + " --labels " + labels + " --range " + bad});
            cases.add(new String[] {"--delta", softopt + " --labels " + labels + " --range 10 --delta " + bad});
        }
        cases.add(new String[] {"--time", predict + " --time NaN"});
        cases.add(new String[] {"--time", predict + " --time -1"});
        cases.add(new String[] {"--tolerance", predict + " --tolerance 1"});
        cases.add(new String[] {"--centers", predict + " --centers -1"});
        cases.add(new String[] {"--centers", predict + " --centers 0"});
        cases.add(new String[] {"--centers", predict + " --solver falkon --diag-reg 1 --centers 5"}); // > n = 4
        cases.add(new String[] {"--centers", predict + " --solver nystrom --diag-reg 1 --centers 5"});
        cases.add(new String[] {"--max-iterations", predict + " --solver falkon --diag-reg 1 --max-iterations 0"});
        cases.add(new String[] {"--tolerance", predict + " --solver falkon --diag-reg 1 --tolerance 0"});
        String centers = npy("c.npy", new double[][] {{1, 0, 0}, {0, 1, 1}});
        cases.add(new String[] {
            "--center-points", predict + " --solver falkon --diag-reg 1 --centers 2 --center-points " + centers
        });
        cases.add(new String[] {"--center-points", predict + " --diag-reg 1 --center-points " + centers});
        cases.add(new String[] {
            "--center-points",
            predict + " --solver nystrom --diag-reg 1 --center-points " + npy("c2.npy", new double[][] {{1, 0}})
        });
        cases.add(new String[] {"--diag-reg", predict + " --solver cg"});
        cases.add(new String[] {"--width", finite.replace("--width 4", "--width 0")});
        cases.add(new String[] {"--steps", train.replace("--steps 2", "--steps -1")});
        cases.add(
                new String[] {"--kappa", softopt + " --epsilon 0.1 --sd " + vec("sd.npy", 1, 1e300, 1) + " --kappa 1e10"
                }); // κ·sd overflows
        cases.add(new String[] {"--range", softopt + " --labels " + labels + " --range 1e308 --delta 1e-300"
        }); // the bound overflows
        cases.add(new String[] {"--utility", "softopt --utility " + vec("empty.npy") + " --epsilon 0.1 --out " + out});
        cases.add(new String[] {"--prior", softopt + " --epsilon 0.1 --prior " + vec("p0.npy", 0, 0, 0)});
        cases.add(new String[] {"--sd", softopt + " --epsilon 0.1 --sd " + vec("sdneg.npy", 1, -1, 1)});
        cases.add(new String[] {
            "--labels", softopt + " --range 10 --labels " + npy("l3.npy", new double[][] {{0, 1, 2}})
        });
        for (String[] c : cases) {
            CliRun r = CliRun.of(c[1].split(" "));
            String where = c[1].replace(dir.toString(), "") + " -> exit " + r.code() + ": " + r.err();
            assertEquals(3, r.code(), where);
            assertTrue(r.err().startsWith("ntk4j: error: " + c[0] + ": "), where);
            assertEquals(1, r.err().lines().count(), where);
        }
        assertFalse(Files.exists(dir.resolve("out").resolve("run.json")));
    }

    @Test
    void aTinyDeltaGivesAFiniteBoundNotAnError() throws Exception {
        // ln(1/δ) with 1/δ = ∞ made the estimate infinite (exit 70); -ln δ = 744.4 is finite
        Path out = dir.resolve("o");
        CliRun r = CliRun.of(
                "softopt",
                "--utility",
                vec("u.npy", 1, 2, 3),
                "--labels",
                npy("l.npy", new double[][] {{0, 1}, {1, 2}}),
                "--range",
                "10",
                "--delta",
                "4.9e-324",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        double eps = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("summary.json").toFile())
                .get("epsilon")
                .asDouble();
        assertEquals(
                0 + 10 * Math.sqrt(-Math.log(Double.MIN_VALUE) / 4),
                eps,
                1e-12 * eps); // mean |U - V| is 0 on these labels
    }
}
