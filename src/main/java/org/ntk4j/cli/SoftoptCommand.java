package org.ntk4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.softopt.EpsilonBound;
import org.ntk4j.softopt.LowerBandMaximin;
import org.ntk4j.softopt.Maximin;
import org.ntk4j.softopt.Prior;
import org.ntk4j.softopt.Quantilizer;
import org.ntk4j.softopt.SoftPolicy;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ntk4j softopt}: a policy distribution from proxy utilities — the maximin under the bound
 * E_γ|U − V| ≤ ε (q set by ε), its lower-band variant with posterior sd, or a plain q-quantilizer.
 * Writes {@code policy.npy} (n, sums to 1) and {@code summary.json}.
 */
@Command(
        name = "softopt",
        sortOptions = false,
        usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true,
        description = {
            "Soft-optimize over n policies: maximin distribution under a bound on the proxy's error, or a q-quantilizer.",
            "Writes DIR/policy.npy (n, sums to 1) and DIR/summary.json (mode, threshold, q, guaranteed_value, epsilon, "
                    + "support_size, kl_to_prior)."
        })
final class SoftoptCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--utility",
            required = true,
            paramLabel = "U",
            description = "Proxy utility of each policy (n), .npy or .csv.")
    Path utility;

    @Option(
            names = "--prior",
            paramLabel = "P",
            description = "Non-negative prior weights (n), normalized here (default: uniform).")
    Path prior;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Bound bound;

    /** Exactly one way to set the bound, or q itself. */
    static final class Bound {
        @Option(names = "--epsilon", paramLabel = "ε", description = "The bound ε on E_γ|U − V| (maximin).")
        Double epsilon;

        @ArgGroup(exclusive = false)
        Labels labels;

        @Option(names = "--q", paramLabel = "q", description = "A plain q-quantilizer, 0 < q ≤ 1 (no guarantee).")
        Double q;
    }

    /** ε from labelled prior draws (E16 of docs/soft-optimization.md). */
    static final class Labels {
        @Option(
                names = "--labels",
                required = true,
                paramLabel = "H",
                description =
                        "m×2: column 0 the index of a policy drawn from the prior, column 1 its observed true utility; ε by Hoeffding.")
        Path file;

        @Option(
                names = "--range",
                required = true,
                paramLabel = "R",
                description = "A bound on |U − V| (needed with --labels).")
        double range;

        @Option(
                names = "--delta",
                paramLabel = "δ",
                defaultValue = "0.05",
                description = "Failure probability of the bound (default: 0.05).")
        double delta;
    }

    @Option(
            names = "--sd",
            paramLabel = "SD",
            description = "Posterior sd of each policy (n): maximin on the lower band L = U − κ·sd.")
    Path sd;

    @Option(names = "--kappa", paramLabel = "κ", description = "Band width in sd units for --sd (default: 1).")
    Double kappa;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Override
    public Integer call() {
        checkFlags();
        Inputs in = readInputs();
        OutputDir dir = main.outputDir("--out", out);
        Epsilon eps = epsilon(in.u());
        SoftPolicy p = solve(in, eps.value());
        Map<String, Object> summary = summary(p, in, eps.fromLabels());
        dir.writeVector("policy.npy", p.probabilities(), DType.FLOAT64);
        dir.writeJson("summary.json", summary);
        printResult(p, in.u().length, dir);
        return 0;
    }

    /** The proxy utilities, the prior over the policies and, with {@code --sd}, the posterior sds (else null). */
    private record Inputs(double[] u, Prior gamma, double[] sds) {}

    /** The bound ε (NaN for a plain quantilizer) and, when it came from {@code --labels}, its estimate. */
    private record Epsilon(double value, EpsilonBound.Estimate fromLabels) {}

    /** Step 1: the flags alone, and their combinations, before any file is read. */
    private void checkFlags() {
        if (kappa != null && sd == null)
            throw new CommandLine.ParameterException(spec.commandLine(), "--kappa needs --sd");
        if (sd != null && bound.q != null)
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--sd needs a bound (--epsilon or --labels), not --q");
        if (bound.epsilon != null && !(bound.epsilon >= 0 && Double.isFinite(bound.epsilon)))
            throw new InvalidInputException(
                    "--epsilon", "is " + bound.epsilon + "; the bound must be a finite number >= 0");
        if (bound.q != null && !(bound.q > 0 && bound.q <= 1))
            throw new InvalidInputException("--q", "is " + bound.q + "; a quantilizer needs 0 < q <= 1");
    }

    /** Step 2: the utility, prior and sd files, each checked against the number of policies. */
    private Inputs readInputs() {
        double[] u = InputFiles.vector("--utility", utility);
        int n = u.length;
        if (n == 0) throw new InvalidInputException("--utility", "is empty; give the utility of at least one policy");
        Prior gamma = Prior.uniform(n);
        if (prior != null) {
            double[] w = InputFiles.vector("--prior", prior);
            if (w.length != n)
                throw new InvalidInputException(
                        "--prior", "has " + w.length + " weights but --utility has " + n + " policies");
            gamma = Prior.normalize(w);
        }
        double[] sds = null;
        if (sd != null) {
            sds = InputFiles.vector("--sd", sd);
            if (sds.length != n)
                throw new InvalidInputException(
                        "--sd", "has " + sds.length + " values but --utility has " + n + " policies");
        }
        return new Inputs(u, gamma, sds);
    }

    /**
     * Step 3: ε as given, or estimated from the labels. The labels file is read only here, after
     * the output directory exists, as it always was: a bad labels file fails with the directory made.
     */
    private Epsilon epsilon(double[] u) {
        if (bound.epsilon != null) return new Epsilon(bound.epsilon, null);
        if (bound.labels == null) return new Epsilon(Double.NaN, null);
        EpsilonBound.Estimate fromLabels = epsilonFromLabels(u, bound.labels);
        return new Epsilon(fromLabels.epsilon(), fromLabels);
    }

    /** Step 4: the policy the flags chose: a q-quantilizer, the lower-band maximin (with --sd) or the maximin. */
    private SoftPolicy solve(Inputs in, double eps) {
        if (bound.q != null) return Quantilizer.of(in.gamma(), in.u(), bound.q);
        if (in.sds() != null) return LowerBandMaximin.solve(in.gamma(), in.u(), in.sds(), kappaOrDefault(), eps);
        return Maximin.solve(in.gamma(), in.u(), eps);
    }

    private double kappaOrDefault() {
        return kappa == null ? 1.0 : kappa;
    }

    /** Step 5: summary.json, its keys in the documented order. */
    private Map<String, Object> summary(SoftPolicy p, Inputs in, EpsilonBound.Estimate fromLabels) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mode", p.mode().jsonName());
        s.put("threshold", p.threshold());
        s.put("q", p.q());
        s.put(
                "guaranteed_value",
                p.guaranteedValue().isPresent() ? p.guaranteedValue().getAsDouble() : null);
        s.put("epsilon", p.epsilon().isPresent() ? p.epsilon().getAsDouble() : null);
        s.put("support_size", p.supportSize());
        s.put("kl_to_prior", p.klToPrior());
        s.put("policies", in.u().length);
        s.put("boundary_acceptance", p.boundaryAcceptance());
        if (in.sds() != null) s.put("kappa", kappaOrDefault());
        if (fromLabels != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("method", "hoeffding");
            e.put("labels", fromLabels.samples());
            e.put("mean_abs_error", fromLabels.meanAbsError());
            e.put("range", fromLabels.range());
            e.put("delta", fromLabels.delta());
            s.put("epsilon_estimate", e);
        }
        return s;
    }

    /** Step 6: the one-line result and the files written. */
    private void printResult(SoftPolicy p, int n, OutputDir dir) {
        main.out()
                .println(String.format(
                        Locale.ROOT,
                        "%s: threshold %.6g, q %.6g, guaranteed value %s, epsilon %s, support %d of %d, KL %.4g nats",
                        p.mode().jsonName(),
                        p.threshold(),
                        p.q(),
                        orNone(p.guaranteedValue()),
                        orNone(p.epsilon()),
                        p.supportSize(),
                        n,
                        p.klToPrior()));
        main.out()
                .println("wrote "
                        + String.join(
                                ", ", dir.written().stream().map(Path::toString).toList()));
    }

    private static String orNone(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.6g", v.getAsDouble()) : "none";
    }

    /** ε by (E16) from an m×2 labels file: column 0 a policy index, column 1 its observed true utility. */
    static EpsilonBound.Estimate epsilonFromLabels(double[] u, Labels l) {
        Matrix h = InputFiles.matrix("--labels", l.file);
        if (h.cols() != 2)
            throw new InvalidInputException(
                    "--labels", "has " + h.cols() + " columns; expected m×2 (policy index, observed true utility)");
        int m = h.rows();
        double[] proxy = new double[m], observed = new double[m];
        for (int j = 0; j < m; j++) {
            double idx = h.get(j, 0);
            if (idx != Math.rint(idx) || idx < 0 || idx >= u.length)
                throw new InvalidInputException(
                        "--labels",
                        "row " + j + " has policy index " + idx + "; column 0 must hold integers in [0, "
                                + (u.length - 1) + "]");
            proxy[j] = u[(int) idx];
            observed[j] = h.get(j, 1);
        }
        return EpsilonBound.hoeffding(proxy, observed, l.range, l.delta);
    }
}
