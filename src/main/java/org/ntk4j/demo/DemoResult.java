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
        int k = 0;
        for (SeedRun r : runs) {
            MethodResult m = r.result(name);
            if (m.guaranteedValue().isPresent()
                    && m.trueUtility() >= m.guaranteedValue().getAsDouble()) k++;
        }
        return k;
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
                            : "-",
                    m.q(),
                    m.klToPrior(),
                    guaranteeHeld(name) + "/" + runs.size()));
        }
        return b.toString();
    }

    /** The content of summary.json: {"methods": {name: {true_utility, proxy_utility, guaranteed_value, q, kl_to_prior}}, ...}. */
    public Map<String, Object> summary() {
        Map<String, Object> methods = new LinkedHashMap<>();
        for (String name : methods()) {
            MethodResult m = average(name);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("true_utility", m.trueUtility());
            e.put("proxy_utility", m.proxyUtility());
            e.put(
                    "guaranteed_value",
                    m.guaranteedValue().isPresent() ? m.guaranteedValue().getAsDouble() : null);
            e.put("q", m.q());
            e.put("kl_to_prior", m.klToPrior());
            e.put("guarantee_held_seeds", guaranteeHeld(name));
            methods.put(name, e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("methods", methods);
        out.put("seeds", seeds());
        out.put("epsilon", mean(r -> r.epsilon().epsilon()));
        out.put("epsilon_posterior", mean(r -> r.posteriorEpsilon().epsilon()));
        out.put("true_prior_mean_abs_error", mean(r -> r.trueMeanAbsError()));
        out.put("hyperparameters", hyperparameters());
        Map<String, Object> cal = new LinkedHashMap<>();
        cal.put("fitted", calibration(SeedRun::calibration).summary());
        cal.put("hand_picked", calibration(SeedRun::handPickedCalibration).summary());
        out.put("calibration", cal);
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
