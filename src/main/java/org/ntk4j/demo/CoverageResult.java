package org.ntk4j.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The outcome of the coverage study ({@link CoverageStudy}): per world, the three (U, ε) pairs and
 * what they claimed against the truth; over the worlds, how often each held.
 *
 * @param config the toy configuration every world used
 * @param seed   world w has seed + w
 * @param worlds one entry per world, in world order
 */
public record CoverageResult(ToyConfig config, long seed, List<World> worlds) {
    /** The bound methods in table order, as summary.json names them ({@code World.bounds} has the same order). */
    public static final List<String> METHODS = List.of("hoeffding", "posterior_fitted", "posterior_narrow");

    public CoverageResult {
        if (worlds == null || worlds.isEmpty()) throw new IllegalArgumentException("coverage result: no worlds");
        worlds = List.copyOf(worlds);
    }

    /**
     * One (U, ε) pair on one world, and its maximin.
     *
     * @param epsilon          ε
     * @param trueMeanAbsError E_γ|U − V|, what ε claims to bound
     * @param guaranteed       the maximin's guaranteed value t*
     * @param trueValue        E_{p*}V, what the maximin's policy truly gets
     * @param q                the maximin's q*
     */
    public record Bound(double epsilon, double trueMeanAbsError, double guaranteed, double trueValue, double q) {
        /** ε ≥ E_γ|U − V|. */
        public boolean covered() {
            return epsilon >= trueMeanAbsError;
        }

        /** t* ≤ E_{p*}V. */
        public boolean held() {
            return guaranteed <= trueValue;
        }
    }

    /**
     * One world.
     *
     * @param seed      its seed
     * @param utility   its true utility's parameters
     * @param fit       the hyperparameters fitted on its labels
     * @param rangeHeld whether every calibration label had |U − H| ≤ R (Hoeffding's premise, as far as
     *                  the labels show; where not, its ε used R = the largest |U − H| seen)
     * @param bounds    per method of {@link #METHODS}, in that order
     */
    public record World(long seed, ToyUtility utility, ModelFit fit, boolean rangeHeld, List<Bound> bounds) {
        public World {
            if (bounds.size() != METHODS.size()) throw new IllegalArgumentException("world: one bound per method");
            bounds = List.copyOf(bounds);
        }

        /** The bound of method {@code name}. */
        public Bound bound(String name) {
            int k = METHODS.indexOf(name);
            if (k < 0) throw new IllegalArgumentException("no method " + name);
            return bounds.get(k);
        }
    }

    /** Worlds where ε of {@code method} covered the true error. */
    public int epsilonCovered(String method) {
        return count(w -> w.bound(method).covered());
    }

    /** Worlds where the maximin's guarantee held for {@code method}. */
    public int guaranteeHeld(String method) {
        return count(w -> w.bound(method).held());
    }

    /** Worlds where every calibration label satisfied |U − H| ≤ R. */
    public int rangeHeld() {
        return count(World::rangeHeld);
    }

    /** Among the worlds where |U − H| ≤ R held, those where the Hoeffding ε covered. */
    public int hoeffdingCoveredWhereRangeHeld() {
        return count(w -> w.rangeHeld() && w.bound("hoeffding").covered());
    }

    private int count(Predicate<World> p) {
        int k = 0;
        for (World w : worlds) if (p.test(w)) k++;
        return k;
    }

    private double mean(String method, java.util.function.ToDoubleFunction<Bound> f) {
        double s = 0;
        for (World w : worlds) s += f.applyAsDouble(w.bound(method));
        return s / worlds.size();
    }

    /** The binomial standard error of a fraction k/n: sqrt(p(1 − p)/n) at p = k/n. */
    static double standardError(int k, int n) {
        double p = k / (double) n;
        return Math.sqrt(p * (1 - p) / n);
    }

    /**
     * summary.json's {@code coverage}: per method {worlds, epsilon_covered, guarantee_held (counts),
     * mean_epsilon, mean_true_mean_abs_error, mean_guaranteed_value, mean_true_utility}, Hoeffding's
     * with {@code range_held}.
     */
    public Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String m : METHODS) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("worlds", worlds.size());
            e.put("epsilon_covered", epsilonCovered(m));
            e.put("guarantee_held", guaranteeHeld(m));
            e.put("mean_epsilon", mean(m, Bound::epsilon));
            e.put("mean_true_mean_abs_error", mean(m, Bound::trueMeanAbsError));
            e.put("mean_guaranteed_value", mean(m, Bound::guaranteed));
            e.put("mean_true_utility", mean(m, Bound::trueValue));
            if (m.equals("hoeffding")) e.put("range_held", rangeHeld());
            out.put(m, e);
        }
        return out;
    }

    /** summary.json's {@code coverage_study}: how the worlds were made. */
    public Map<String, Object> settings() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("worlds", worlds.size());
        out.put("seeds", List.of(seed, seed + worlds.size() - 1));
        out.put("family", ToyUtility.FAMILY);
        out.put("narrow_w_std_factor", CoverageStudy.NARROW_FACTOR);
        out.put("posterior_draws", GoodhartDemo.POSTERIOR_DRAWS);
        out.put("delta", config.delta());
        out.put("range", config.range());
        return out;
    }

    /** The table the demo prints: per method, ε covered and guarantee held as counts and fractions ± SE. */
    public String table() {
        int n = worlds.size();
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%-18s %24s %24s %12s %14s%n",
                "epsilon from",
                "eps >= E|U - V|",
                "t* <= E_p*[V]",
                "mean eps",
                "mean E|U - V|"));
        for (String m : METHODS) {
            int c = epsilonCovered(m), h = guaranteeHeld(m);
            b.append(String.format(
                    Locale.ROOT,
                    "%-18s %24s %24s %12.4f %14.4f%n",
                    m,
                    fraction(c, n),
                    fraction(h, n),
                    mean(m, Bound::epsilon),
                    mean(m, Bound::trueMeanAbsError)));
        }
        return b.toString();
    }

    /** "k/n (f ± se)". */
    static String fraction(int k, int n) {
        return String.format(Locale.ROOT, "%d/%d (%.3f ± %.3f)", k, n, k / (double) n, standardError(k, n));
    }
}
