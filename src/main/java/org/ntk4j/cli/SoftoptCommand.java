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
import org.ntk4j.predict.UtilityPosterior;
import org.ntk4j.softopt.EpsilonBound;
import org.ntk4j.softopt.LowerBandMaximin;
import org.ntk4j.softopt.Maximin;
import org.ntk4j.softopt.Prior;
import org.ntk4j.softopt.Quantilizer;
import org.ntk4j.softopt.SoftPolicy;
import org.ntk4j.utility.JointSamples;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
            "ε is given (--epsilon), or estimated (--epsilon-from): by Hoeffding from labelled prior draws, as the "
                    + "(1 − δ) posterior quantile of E_γ|U − V| (--cov or --samples), or the larger of both.",
            "Writes DIR/policy.npy (n, sums to 1; policy.csv with --format csv) and DIR/summary.json (mode, threshold, q, guaranteed_value, epsilon, "
                    + "support_size, kl_to_prior, epsilon_method, epsilon_estimates)."
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
        Estimate estimate;

        @Option(names = "--q", paramLabel = "q", description = "A plain q-quantilizer, 0 < q ≤ 1 (no guarantee).")
        Double q;
    }

    /**
     * ε estimated (§4.7 of docs/soft-optimization.md): by Hoeffding from labelled prior draws (E16),
     * as a posterior quantile from joint draws of V (§7 step 3), or the larger of the two.
     */
    static final class Estimate {
        @Option(
                names = "--epsilon-from",
                paramLabel = "METHOD",
                converter = MethodConverter.class,
                description = "hoeffding (--labels, --range), posterior (--cov or --samples) or both (the larger ε); "
                        + "default: hoeffding.")
        Method method;

        @Option(
                names = "--labels",
                paramLabel = "H",
                description =
                        "m×2: column 0 the index of a policy drawn from the prior, column 1 its observed true utility; ε by Hoeffding.")
        Path labels;

        @Option(names = "--range", paramLabel = "R", description = "A bound on |U − V| (needed with --labels).")
        Double range;

        @Option(
                names = "--cov",
                paramLabel = "C",
                description = "n×n posterior covariance of the true utility V on the policies (mean: --utility).")
        Path cov;

        @Option(names = "--samples", paramLabel = "V", description = "S×n joint posterior draws of V, one per row.")
        Path samples;

        @Option(
                names = "--draws",
                paramLabel = "S",
                description = "Joint draws made from --cov (default: " + DEFAULT_DRAWS + ").")
        Integer draws;

        @Option(names = "--seed", paramLabel = "SEED", description = "Seed of the draws from --cov (default: 0).")
        Long seed;
    }

    static final int DEFAULT_DRAWS = 4000;

    /** Where ε comes from with {@code --epsilon-from}. */
    enum Method {
        HOEFFDING,
        POSTERIOR,
        BOTH;

        String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean usesLabels() {
            return this != POSTERIOR;
        }

        boolean usesPosterior() {
            return this != HOEFFDING;
        }
    }

    static final class MethodConverter implements CommandLine.ITypeConverter<Method> {
        @Override
        public Method convert(String s) {
            for (Method m : Method.values()) if (m.jsonName().equals(s)) return m;
            throw new CommandLine.TypeConversionException("'" + s + "' is not one of hoeffding, posterior, both");
        }
    }

    @Option(
            names = "--delta",
            paramLabel = "δ",
            defaultValue = "0.05",
            description = "Failure probability of the estimated ε, and of the band with --kappa auto (default: 0.05).")
    double delta;

    @Option(
            names = "--sd",
            paramLabel = "SD",
            description = "Posterior sd of each policy (n): maximin on the lower band L = U − κ·sd.")
    Path sd;

    @Option(
            names = "--kappa",
            paramLabel = "κ",
            converter = KappaConverter.class,
            description = "Band width in sd units for --sd (default: 1), or auto: z_{1−δ}, a pointwise (1 − δ) "
                    + "lower band under a Gaussian posterior.")
    Kappa kappa;

    /** κ as given: a number, or {@code auto} (derived from δ in {@link #checkFlags}). */
    record Kappa(double value, boolean auto) {}

    static final class KappaConverter implements CommandLine.ITypeConverter<Kappa> {
        @Override
        public Kappa convert(String s) {
            if (s.equals("auto")) return new Kappa(Double.NaN, true);
            try {
                return new Kappa(Double.parseDouble(s), false);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + s + "' is not a number or auto");
            }
        }
    }

    @Mixin
    FormatOption formatOption;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Override
    public Integer call() {
        double k = checkFlags();
        Inputs in = readInputs();
        OutputDir dir = main.outputDir("--out", out, formatOption.format);
        Epsilon eps = epsilon(in);
        SoftPolicy p = solve(in, eps.value(), k);
        Map<String, Object> summary = summary(p, in, eps, k);
        dir.writeVector("policy", p.probabilities(), DType.FLOAT64);
        dir.writeJson("summary.json", summary);
        printResult(p, in.u().length, eps, dir);
        return 0;
    }

    /**
     * The proxy utilities, the prior over the policies and, when given (else null), the posterior
     * sds ({@code --sd}), the posterior covariance ({@code --cov}) or joint draws ({@code --samples}).
     */
    private record Inputs(double[] u, Prior gamma, double[] sds, Matrix cov, Matrix samples) {}

    /**
     * The bound ε (NaN for a plain quantilizer), how it was set ({@code given}, {@code hoeffding},
     * {@code posterior}, {@code both}; null for a quantilizer) and the estimates computed (null
     * where not).
     */
    private record Epsilon(
            double value, String method, EpsilonBound.Estimate hoeffding, EpsilonBound.Estimate posterior) {}

    /**
     * Step 1: the flags alone, and their combinations, before any file is read. Returns κ (1 by
     * default; with {@code --kappa auto}, z_{1−δ}); NaN without {@code --sd}.
     */
    private double checkFlags() {
        if (kappa != null && sd == null)
            throw new CommandLine.ParameterException(spec.commandLine(), "--kappa needs --sd");
        if (sd != null && bound.q != null)
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--sd needs a bound (--epsilon, --labels or --epsilon-from), not --q");
        if (bound.estimate != null) checkEstimateFlags(bound.estimate);
        if (bound.epsilon != null && !(bound.epsilon >= 0 && Double.isFinite(bound.epsilon)))
            throw new InvalidInputException(
                    "--epsilon", "is " + bound.epsilon + "; the bound must be a finite number >= 0");
        if (bound.q != null && !(bound.q > 0 && bound.q <= 1))
            throw new InvalidInputException("--q", "is " + bound.q + "; a quantilizer needs 0 < q <= 1");
        if (!(delta > 0 && delta < 1))
            throw new InvalidInputException("--delta", "is " + delta + "; it must lie strictly between 0 and 1");
        if (bound.estimate != null && bound.estimate.draws != null && bound.estimate.draws < 1)
            throw new InvalidInputException("--draws", "is " + bound.estimate.draws + "; give at least 1 draw");
        if (sd == null) return Double.NaN;
        if (kappa == null) return 1.0;
        return kappa.auto() ? LowerBandMaximin.pointwiseKappa(delta) : kappa.value();
    }

    /** The combinations of {@code --epsilon-from} and the inputs each method needs. */
    private void checkEstimateFlags(Estimate e) {
        Method m = method(e);
        if (m == null)
            throw usage(
                    "--" + (e.cov != null ? "cov" : e.samples != null ? "samples" : e.draws != null ? "draws" : "seed")
                            + " needs --epsilon-from posterior or both");
        if (m.usesLabels() && (e.labels == null || e.range == null))
            throw usage(
                    e.method == null
                            ? "--labels needs --range R (a bound on |U − V|)"
                            : "--epsilon-from " + m.jsonName() + " needs --labels H and --range R");
        if (!m.usesLabels() && (e.labels != null || e.range != null))
            throw usage("--labels and --range are for --epsilon-from hoeffding or both, not " + m.jsonName());
        if (m.usesPosterior() && e.cov == null && e.samples == null)
            throw usage("--epsilon-from " + m.jsonName() + " needs --cov C or --samples V");
        if (e.cov != null && e.samples != null)
            throw usage("--cov and --samples are mutually exclusive: give the covariance or the draws");
        if (!m.usesPosterior() && (e.cov != null || e.samples != null || e.draws != null || e.seed != null))
            throw usage("--cov, --samples, --draws and --seed are for --epsilon-from posterior or both");
        if (e.samples != null && (e.draws != null || e.seed != null))
            throw usage("--draws and --seed set the draws made from --cov; --samples gives the draws");
    }

    /** The method asked for: {@code --epsilon-from}, else Hoeffding when labels are given (as before the flag existed). */
    private static Method method(Estimate e) {
        if (e.method != null) return e.method;
        return e.labels != null || e.range != null ? Method.HOEFFDING : null;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Step 2: the utility, prior, sd, covariance and draws files, each checked against the number of policies. */
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
        Estimate e = bound.estimate;
        Matrix cov = null, samples = null;
        if (e != null && e.cov != null) {
            cov = InputFiles.matrix("--cov", e.cov);
            if (cov.rows() != n || cov.cols() != n)
                throw new InvalidInputException(
                        "--cov",
                        "is " + cov.rows() + "×" + cov.cols() + "; expected " + n + "×" + n
                                + " (the posterior covariance of the " + n + " policies of --utility)");
        }
        if (e != null && e.samples != null) {
            samples = InputFiles.matrix("--samples", e.samples);
            if (samples.cols() != n)
                throw new InvalidInputException(
                        "--samples",
                        "has " + samples.cols() + " columns but --utility has " + n
                                + " policies; expected S×n, one joint draw per row");
            if (samples.rows() == 0)
                throw new InvalidInputException("--samples", "has no rows; give at least one joint draw");
        }
        return new Inputs(u, gamma, sds, cov, samples);
    }

    /**
     * Step 3: ε as given, or estimated. The labels file is read only here, after the output
     * directory exists, as it always was: a bad labels file fails with the directory made.
     */
    private Epsilon epsilon(Inputs in) {
        if (bound.epsilon != null) return new Epsilon(bound.epsilon, "given", null, null);
        if (bound.estimate == null) return new Epsilon(Double.NaN, null, null, null);
        Estimate e = bound.estimate;
        Method m = method(e);
        EpsilonBound.Estimate h = m.usesLabels() ? epsilonFromLabels(in.u(), e.labels, e.range, delta) : null;
        EpsilonBound.Estimate p = m.usesPosterior() ? epsilonFromPosterior(in, e) : null;
        EpsilonBound.Estimate chosen = h == null ? p : p == null ? h : EpsilonBound.larger(h, p);
        return new Epsilon(chosen.epsilon(), m.jsonName(), h, p);
    }

    /** Step 4: the policy the flags chose: a q-quantilizer, the lower-band maximin (with --sd) or the maximin. */
    private SoftPolicy solve(Inputs in, double eps, double k) {
        if (bound.q != null) return Quantilizer.of(in.gamma(), in.u(), bound.q);
        if (in.sds() != null) return LowerBandMaximin.solve(in.gamma(), in.u(), in.sds(), k, eps);
        return Maximin.solve(in.gamma(), in.u(), eps);
    }

    /** Step 5: summary.json, its keys in the documented order. */
    private Map<String, Object> summary(SoftPolicy p, Inputs in, Epsilon eps, double k) {
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
        if (in.sds() != null) {
            s.put("kappa", k);
            s.put("kappa_rule", kappa != null && kappa.auto() ? "auto" : "given");
        }
        s.put("epsilon_method", eps.method());
        Map<String, Object> estimates = new LinkedHashMap<>();
        if (eps.hoeffding() != null) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("epsilon", eps.hoeffding().epsilon());
            h.put("mean_abs_error", eps.hoeffding().meanAbsError());
            h.put("labels", eps.hoeffding().samples());
            h.put("range", eps.hoeffding().range());
            h.put("delta", eps.hoeffding().delta());
            estimates.put("hoeffding", h);
        }
        if (eps.posterior() != null) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("epsilon", eps.posterior().epsilon());
            q.put("mean_abs_error", eps.posterior().meanAbsError());
            q.put("draws", eps.posterior().samples());
            q.put("delta", eps.posterior().delta());
            q.put("source", in.cov() != null ? "cov" : "samples");
            if (in.cov() != null) q.put("seed", seedOrDefault(bound.estimate));
            estimates.put("posterior", q);
        }
        s.put("epsilon_estimates", estimates);
        return s;
    }

    /** Step 6: the one-line result and the files written. */
    private void printResult(SoftPolicy p, int n, Epsilon eps, OutputDir dir) {
        main.out()
                .println(String.format(
                        Locale.ROOT,
                        "%s: threshold %.6g, q %.6g, guaranteed value %s, epsilon %s%s, support %d of %d, KL %.4g nats",
                        p.mode().jsonName(),
                        p.threshold(),
                        p.q(),
                        orNone(p.guaranteedValue()),
                        orNone(p.epsilon()),
                        estimated(eps),
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

    /** How an estimated ε was obtained, for the one-line result: " (posterior)", " (both: hoeffding 0.2, posterior 0.3)". */
    private static String estimated(Epsilon eps) {
        if (eps.hoeffding() == null && eps.posterior() == null) return "";
        if (eps.hoeffding() == null || eps.posterior() == null) return " (" + eps.method() + ")";
        return String.format(
                Locale.ROOT,
                " (both: hoeffding %.6g, posterior %.6g)",
                eps.hoeffding().epsilon(),
                eps.posterior().epsilon());
    }

    /** ε by (E16) from an m×2 labels file: column 0 a policy index, column 1 its observed true utility. */
    static EpsilonBound.Estimate epsilonFromLabels(double[] u, Path file, double range, double delta) {
        Matrix h = InputFiles.matrix("--labels", file);
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
        return EpsilonBound.hoeffding(proxy, observed, range, delta);
    }

    /**
     * ε as the (1 − δ) posterior quantile of E_γ|U − V| (§7 step 3): over {@code --draws} joint
     * draws from N(U, C) with C = {@code --cov}, or over the rows of {@code --samples}.
     */
    private EpsilonBound.Estimate epsilonFromPosterior(Inputs in, Estimate e) {
        if (in.samples() != null) {
            Matrix v = in.samples();
            int n = v.cols();
            double[] row = new double[n];
            return EpsilonBound.posteriorQuantile(
                    in.gamma(),
                    in.u(),
                    v.rows(),
                    s -> {
                        for (int i = 0; i < n; i++) row[i] = v.get(s, i);
                        return row;
                    },
                    delta);
        }
        Matrix c = in.cov();
        double[] sdFromCov = new double[c.rows()];
        for (int i = 0; i < sdFromCov.length; i++) sdFromCov[i] = Math.sqrt(Math.max(c.get(i, i), 0));
        UtilityPosterior posterior = UtilityPosterior.of(in.u(), sdFromCov, c);
        int draws = e.draws == null ? DEFAULT_DRAWS : e.draws;
        return JointSamples.posteriorEpsilon(posterior, in.gamma(), delta, draws, seedOrDefault(e));
    }

    private static long seedOrDefault(Estimate e) {
        return e == null || e.seed == null ? 0L : e.seed;
    }
}
