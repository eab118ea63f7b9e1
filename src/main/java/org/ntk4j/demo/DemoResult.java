package org.ntk4j.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.ntk4j.calibration.Calibration;

/**
 * The demo's outcome over all seeds, with per-method averages, the table it prints and the
 * {@code summary.json} content.
 *
 * @param config the toy configuration
 * @param seed   the first seed
 * @param runs   one run per seed
 */
public record DemoResult(ToyConfig config, long seed, List<SeedRun> runs) {
    public DemoResult {
        if (runs == null || runs.isEmpty()) throw new IllegalArgumentException("demo result: no runs");
        runs = List.copyOf(runs);
    }

    /** Method names in display order. */
    List<String> methods() {
        return runs.get(0).results().stream().map(MethodResult::name).toList();
    }

    /** The average of a method's results over seeds (guaranteed value only when defined on every seed). */
    MethodResult average(String name) {
        double t = 0, p = 0, g = 0, q = 0, kl = 0;
        boolean allG = true;
        for (SeedRun r : runs) {
            MethodResult m = r.result(name);
            t += m.trueUtility();
            p += m.proxyUtility();
            q += m.q();
            kl += m.klToPrior();
            if (m.guaranteedValue().isPresent()) g += m.guaranteedValue().getAsDouble();
            else allG = false;
        }
        int n = runs.size();
        return new MethodResult(
                name, t / n, p / n, allG ? OptionalDouble.of(g / n) : OptionalDouble.empty(), q / n, kl / n);
    }

    /** Seeds on which a method's expected true utility reached its guaranteed value. */
    int guaranteeHeld(String name) {
        return count(name, DemoResult::held);
    }

    /** Seeds on which a method's guarantee was vacuous ({@link #vacuous}). */
    int guaranteeVacuous(String name) {
        return count(name, DemoResult::vacuous);
    }

    private int count(String name, java.util.function.Predicate<MethodResult> p) {
        int k = 0;
        for (SeedRun r : runs) if (p.test(r.result(name))) k++;
        return k;
    }

    /** Whether true E[V] reached the guaranteed value (false where there is none). */
    static boolean held(MethodResult m) {
        return m.guaranteedValue().isPresent()
                && m.trueUtility() >= m.guaranteedValue().getAsDouble();
    }

    /**
     * Whether a guarantee is vacuous: at or below {@link ToyUtility#LOWEST}, the least true utility any
     * policy has, so that it holds for every policy distribution whatever the proxy's error — as
     * argmax's E_p[U] − ε/q does, with q the prior mass of its one policy.
     */
    static boolean vacuous(MethodResult m) {
        return m.guaranteedValue().isPresent() && m.guaranteedValue().getAsDouble() <= ToyUtility.LOWEST;
    }

    /** Mean over seeds of a per-run number. */
    public double mean(java.util.function.ToDoubleFunction<SeedRun> f) {
        double s = 0;
        for (SeedRun r : runs) s += f.applyAsDouble(r);
        return s / runs.size();
    }

    /** The table the demo prints (one row per method, averages over seeds). */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%-22s %12s %12s %12s %10s %8s %8s%n",
                "method",
                "true E[V]",
                "proxy E[U]",
                "guaranteed",
                "q",
                "KL",
                "held"));
        for (String name : methods()) {
            MethodResult m = average(name);
            b.append(String.format(
                    Locale.ROOT,
                    "%-22s %12.4f %12.4f %12s %10.4g %8.3f %8s%n",
                    name,
                    m.trueUtility(),
                    m.proxyUtility(),
                    m.guaranteedValue().isPresent()
                            ? DemoResult.formatValue(m.guaranteedValue().getAsDouble())
                                    + (guaranteeVacuous(name) > 0 ? "*" : "")
                            : "-",
                    m.q(),
                    m.klToPrior(),
                    guaranteeHeld(name) + "/" + runs.size() + (guaranteeVacuous(name) > 0 ? "*" : "")));
        }
        if (methods().stream().anyMatch(name -> guaranteeVacuous(name) > 0))
            b.append("* vacuous on some or all seeds: below 0, the least true utility of any policy, so it holds for"
                    + " every policy and says nothing about safety\n");
        return b.toString();
    }

    /**
     * The per-seed numbers summary.json reports beside the methods, by key: averaged at the top level
     * and given per seed under {@code per_seed}. The keys are the coverage study's names for the same
     * quantities ({@link CoverageResult#summary}: {@code epsilon}, {@code true_mean_abs_error}).
     */
    private static final Map<String, java.util.function.ToDoubleFunction<SeedRun>> SEED_NUMBERS = seedNumbers();

    private static Map<String, java.util.function.ToDoubleFunction<SeedRun>> seedNumbers() {
        Map<String, java.util.function.ToDoubleFunction<SeedRun>> m = new LinkedHashMap<>();
        m.put("epsilon", r -> r.epsilon().epsilon());
        m.put("epsilon_posterior", r -> r.posteriorEpsilon().epsilon());
        m.put("true_mean_abs_error", SeedRun::trueMeanAbsError);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The content of summary.json: {@code methods} (per method the averages over seeds of true_utility,
     * proxy_utility, guaranteed_value, q, kl_to_prior, and the counts guarantee_held_seeds and
     * guarantee_vacuous_seeds), {@code seeds}, the averages of epsilon, epsilon_posterior and
     * true_mean_abs_error, {@code hyperparameters} and {@code calibration} (pooled), then {@code
     * per_seed}: one entry per seed with its {@code seed} and the same quantities for that seed alone
     * (per method the booleans guarantee_held and guarantee_vacuous in place of the counts), and
     * {@code config}.
     */
    public Map<String, Object> summary() {
        Map<String, Object> methods = new LinkedHashMap<>();
        for (String name : methods()) {
            Map<String, Object> e = methodValues(average(name));
            e.put("guarantee_held_seeds", guaranteeHeld(name));
            e.put("guarantee_vacuous_seeds", guaranteeVacuous(name));
            methods.put(name, e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("methods", methods);
        out.put("seeds", seeds());
        SEED_NUMBERS.forEach((key, f) -> out.put(key, mean(f)));
        out.put("hyperparameters", hyperparameters());
        out.put("calibration", calibrations(runs));
        out.put("per_seed", perSeed());
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("policies", config.policies());
        cfg.put("fit_labels", config.fitLabels());
        cfg.put("calibration_labels", config.calibrationLabels());
        cfg.put("label_noise", config.labelNoise());
        cfg.put("kappa", config.kappa());
        cfg.put("delta", config.delta());
        cfg.put("range", config.range());
        cfg.put("architecture", config.architecture());
        cfg.put("fit_starts", ModelFit.STARTS);
        cfg.put("posterior_draws", GoodhartDemo.POSTERIOR_DRAWS);
        out.put("config", cfg);
        return out;
    }

    /** summary.json's {@code per_seed}: each seed's own values of what the top level averages. */
    private List<Map<String, Object>> perSeed() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SeedRun r : runs) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seed", r.seed());
            Map<String, Object> methods = new LinkedHashMap<>();
            for (MethodResult m : r.results()) {
                Map<String, Object> v = methodValues(m);
                v.put("guarantee_held", held(m));
                v.put("guarantee_vacuous", vacuous(m));
                methods.put(m.name(), v);
            }
            e.put("methods", methods);
            SEED_NUMBERS.forEach((key, f) -> e.put(key, f.applyAsDouble(r)));
            e.put("calibration", calibrations(List.of(r)));
            out.add(e);
        }
        return out;
    }

    /** {true_utility, proxy_utility, guaranteed_value (null where undefined), q, kl_to_prior} of one result. */
    private static Map<String, Object> methodValues(MethodResult m) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("true_utility", m.trueUtility());
        e.put("proxy_utility", m.proxyUtility());
        e.put(
                "guaranteed_value",
                m.guaranteedValue().isPresent() ? m.guaranteedValue().getAsDouble() : null);
        e.put("q", m.q());
        e.put("kl_to_prior", m.klToPrior());
        return e;
    }

    /** {fitted, hand_picked}: the calibration of both models pooled over {@code seeds}. */
    private static Map<String, Object> calibrations(List<SeedRun> seeds) {
        Map<String, Object> cal = new LinkedHashMap<>();
        cal.put(
                "fitted",
                HeldOutCalibration.pool(seeds.stream().map(SeedRun::calibration).toList())
                        .summary());
        cal.put(
                "hand_picked",
                HeldOutCalibration.pool(seeds.stream()
                                .map(SeedRun::handPickedCalibration)
                                .toList())
                        .summary());
        return cal;
    }

    /** Per seed: {seed, hand_picked: {w_std, b_std, noise, lml}, fitted: {w_std, b_std, noise, lml, evaluations}}. */
    private List<Map<String, Object>> hyperparameters() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SeedRun r : runs) {
            ModelFit f = r.fit();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seed", r.seed());
            e.put("hand_picked", values(f.handPicked(), f.handPickedLml()));
            Map<String, Object> fitted = values(f.fitted(), f.fittedLml());
            fitted.put("evaluations", f.evaluations());
            e.put("fitted", fitted);
            out.add(e);
        }
        return out;
    }

    private static Map<String, Object> values(org.ntk4j.evidence.Hyperparameters h, double lml) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("w_std", h.wStd());
        m.put("b_std", h.bStd());
        m.put("noise", h.noise());
        m.put("lml", Double.isFinite(lml) ? lml : null);
        return m;
    }

    /** A calibration pooled over the seeds. */
    HeldOutCalibration calibration(java.util.function.Function<SeedRun, Calibration> which) {
        return HeldOutCalibration.pool(runs.stream().map(which).toList());
    }

    /** The fitted hyperparameters (means over seeds) beside the hand-picked ones, in a line. */
    public String fitLine() {
        ModelFit first = runs.get(0).fit();
        return String.format(
                Locale.ROOT,
                "W_std = %.4f, b_std = %.4f, noise = %.3e, LML = %.2f (hand-picked W_std = %s, b_std = %s, noise = %s: LML = %.2f)",
                mean(s -> s.fit().fitted().wStd()),
                mean(s -> s.fit().fitted().bStd()),
                mean(s -> s.fit().fitted().noise()),
                mean(s -> s.fit().fittedLml()),
                first.handPicked().wStd(),
                first.handPicked().bStd(),
                first.handPicked().noise(),
                mean(s -> s.fit().handPickedLml()));
    }

    /** The pooled calibration in a line: coverage of V at the five levels and the labels' nll, fitted (hand-picked). */
    public String calibrationLine() {
        HeldOutCalibration f = calibration(SeedRun::calibration), h = calibration(SeedRun::handPickedCalibration);
        return "true utility in the central 50/80/90/95/99 % intervals " + fractions(f.fCoverage()) + " ("
                + fractions(h.fCoverage()) + "), "
                + String.format(Locale.ROOT, "labels' nll %.3f (%.3f)", f.nll(), h.nll());
    }

    private static String fractions(double[] c) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < c.length; k++) b.append(k == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.3f", c[k]));
        return b.toString();
    }

    /** A value for the table: 4 decimals, or scientific notation when huge (argmax's guarantee). */
    static String formatValue(double x) {
        return Math.abs(x) < 1e4 ? String.format(Locale.ROOT, "%.4f", x) : String.format(Locale.ROOT, "%.3e", x);
    }

    /** The seeds used. */
    public List<Long> seeds() {
        List<Long> s = new ArrayList<>();
        for (SeedRun r : runs) s.add(r.seed());
        return s;
    }
}
