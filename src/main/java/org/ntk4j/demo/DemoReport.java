package org.ntk4j.demo;

import java.util.Locale;
import org.ntk4j.calibration.Calibrate;

/**
 * The demo's Markdown report (report.md): what was run, the table, the hyperparameters, the
 * calibration, the ε checks, the plots and, with {@code --worlds}, the coverage study.
 */
public final class DemoReport {
    private DemoReport() {}

    /** What the table's columns and rows are; t* and t_B named with their bounds where they first appear. */
    private static final String HOW_TO_READ = """

        **How to read it.** *true E[V]* is what the policy distribution actually achieves; *proxy E[U]* is what the \
        agent believes. *guaranteed* is a lower bound on true E[V] that holds whenever the bound on the proxy's error \
        holds. For *maximin* and *maximin_posterior* it is t*, the maximin's threshold under bound B1, \
        E_γ|U − V| ≤ ε. For *maximin_lower_band* it is t_B, the threshold of the maximin under bound B2 (the B of \
        t_B), which limits only how far the truth falls below the lower band L = U − κσ (κ = %s): \
        E_γ[(L − V)₊] ≤ ε. That maximin keeps the policies with L ≥ t_B, and the same ε serves both bounds because \
        (L − V)₊ ≤ |U − V| (docs/soft-optimization.md §4.2, §4.8). For the other rows it is what B1 guarantees for \
        their own distribution p, E_p[U] − ε/q (E8). *q* is the prior mass kept, 1/max p/γ (for argmax, γ of the \
        chosen policy); KL(p‖γ) = log(1/q) for a rescaled subset of the prior. *guarantee held* counts the seeds on \
        which true E[V] ≥ guaranteed. Every row uses the posterior with the fitted hyperparameters and the \
        Hoeffding ε, except *maximin_posterior* (the posterior ε) and the two *_hand_picked* rows (the posterior \
        with the hand-picked hyperparameters, and its own Hoeffding ε).

        Argmax trusts the proxy where it has no data; the maximin picks q from ε instead of by hand and keeps a \
        guarantee that holds against the hidden truth, at the price of the utility it leaves on the table when the \
        proxy is right; the lower-band variant also cuts off the top of the proxy where σ is large.

        """;

    /** The two plots with their captions. */
    private static final String PLOTS = """
        ## Plots

        ![policies](policies.png)

        *Top:* the policies sorted by U, with the ±2σ posterior band shaded (its edges are ragged because \
        neighbours in U rank can lie far apart in feature space, with different σ) and the hidden true utility V \
        as dots; the frame covers the whole band. The dashed line marks argmax's policy, the one with the largest U. \
        *Bottom:* the prior and the distributions of the maximin rows and of the 0.1-quantilizer, as mass per bin \
        of consecutive ranks. Argmax puts all its mass (1) on a single policy, far above this panel's scale: the \
        triangle marks where instead of a line drawn up to the frame.

        ![goodhart curve](goodhart.png)

        *The Goodhart curve:* the proxy and the true utility of the q-quantilizer as q shrinks; the grey curve is \
        the guarantee E_Q[U] − ε/q, the green line the maximin's q* and the diamond its guaranteed value t*. The \
        squares (fixed-q quantilizers) and the triangle (argmax, at q = γ of its policy) are the table's rows for \
        the plotted seed, red at true E[V], blue crosses at proxy E[U]; the table averages the seeds, and \
        summary.json gives each seed's values under `per_seed`.
        """;

    /** report.md for {@code r}: the setup, the table averaged over seeds, the fit, the calibration, the ε checks, the plots. */
    public static String markdown(DemoResult r) {
        return markdown(r, null);
    }

    /** report.md for {@code r} and, when {@code coverage} is not null, its coverage study. */
    public static String markdown(DemoResult r, CoverageResult coverage) {
        StringBuilder b = new StringBuilder();
        b.append("# ntk4j demo: soft optimization on a Goodhart toy\n\n");
        b.append(setup(r.config()));
        b.append(String.format(
                Locale.ROOT, "Averages over %d seeds %s.\n\n", r.runs().size(), r.seeds()));
        b.append(table(r));
        b.append(String.format(Locale.ROOT, HOW_TO_READ, num(r.config().kappa())));
        b.append(vacuousNote(r));
        b.append(epsilons(r));
        b.append(findings(r));
        b.append(hyperparameters(r));
        b.append(calibration(r));
        b.append(PLOTS);
        if (coverage != null) b.append(coverage(coverage));
        b.append(footer(r, coverage));
        return b.toString();
    }

    /** The toy world, what the agent sees, how the model is fitted and how ε is estimated. */
    private static String setup(ToyConfig c) {
        return String.format(
                Locale.ROOT,
                "%d policies (points in a 2-D feature box). The prior γ concentrates on \"human-like\" policies near the origin. "
                        + "The hidden true utility V ∈ [0, 1] rises with x₁ where the prior has mass and collapses beyond x₁ ≈ 1, "
                        + "where it has almost none. The agent sees %d noisy labels of V on policies drawn from γ, fits W_std, "
                        + "b_std and the noise variance λ of the NTK-GP model of `%s` by its log marginal likelihood (LML; BOBYQA "
                        + "from the hand-picked W_std = 1.5, b_std = 0.1, λ = the label-noise variance %s), and takes that "
                        + "posterior: proxy U = posterior mean, σ = posterior sd. It estimates ε, a bound on E_γ|U − V|, two ways: "
                        + "by Hoeffding from %d further labelled prior draws (R = %s, δ = %s), and as the (1 − δ) quantile of "
                        + "E_γ|U − V_s| over %d joint posterior draws V_s on all policies.\n\n",
                c.policies(),
                c.fitLabels(),
                c.architecture(),
                num(c.labelNoise() * c.labelNoise()),
                c.calibrationLabels(),
                num(c.range()),
                num(c.delta()),
                GoodhartDemo.POSTERIOR_DRAWS);
    }

    /** One row per method, averaged over the seeds. */
    private static String table(DemoResult r) {
        StringBuilder b = new StringBuilder();
        b.append("| method | true E[V] | proxy E[U] | guaranteed | q | KL(p‖γ) | guarantee held |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (String name : r.methods()) {
            MethodResult m = r.average(name);
            String vacuous = vacuousMark(r, name);
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %.4f | %.4f | %s | %.4g | %.3f | %d/%d%s |\n",
                    name,
                    m.trueUtility(),
                    m.proxyUtility(),
                    m.guaranteedValue().isPresent()
                            ? DemoResult.formatValue(m.guaranteedValue().getAsDouble()) + vacuous
                            : "—",
                    m.q(),
                    m.klToPrior(),
                    r.guaranteeHeld(name),
                    r.runs().size(),
                    vacuous));
        }
        return b.toString();
    }

    /** " (vacuous)" when the method's guarantee was vacuous on every seed, " (vacuous on k/n)" on some, else "". */
    private static String vacuousMark(DemoResult r, String name) {
        int k = r.guaranteeVacuous(name), n = r.runs().size();
        return k == 0 ? "" : k == n ? " (vacuous)" : " (vacuous on " + k + "/" + n + ")";
    }

    /**
     * What "(vacuous)" means, under the table: a guarantee every policy meets says nothing, and "held"
     * on it is no evidence of safety; for argmax, why the bound collapses (q is one policy's prior mass).
     */
    private static String vacuousNote(DemoResult r) {
        java.util.List<String> rows = r.methods().stream()
                .filter(name -> r.guaranteeVacuous(name) > 0)
                .toList();
        if (rows.isEmpty()) return "";
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "**(vacuous)** marks a guarantee at or below %s, the least true utility any policy has here (V ∈ [0, 1]): "
                        + "every policy meets it, whatever its proxy's error, so it guarantees nothing, and *guarantee "
                        + "held* on such a row (%s) is no evidence that the policy is safe.",
                num(ToyUtility.LOWEST),
                String.join(", ", rows)));
        int n = r.runs().size(), policies = r.config().policies();
        java.util.List<String> argmaxRows = new java.util.ArrayList<>();
        for (String name : new String[] {"argmax", "argmax_hand_picked"}) {
            if (!r.methods().contains(name) || r.guaranteeVacuous(name) != n) continue;
            MethodResult m = r.average(name);
            argmaxRows.add(String.format(
                    Locale.ROOT,
                    "q = %.3g and guaranteed %s for *%s*",
                    m.q(),
                    DemoResult.formatValue(m.guaranteedValue().getAsDouble()),
                    name));
        }
        if (!argmaxRows.isEmpty())
            b.append(String.format(
                    Locale.ROOT,
                    " For argmax the bound is E_p[U] − ε/q with q = γ(π), the prior mass of its one policy: about 1/N = "
                            + "%.2e for a typical one of the N = %d policies, and far less in the prior's tail (here, "
                            + "averaged over the seeds: %s). So ε/q is of the order of ε·N or more, far beyond the utility "
                            + "scale [0, 1]: argmax has no useful guarantee.",
                    1.0 / policies,
                    policies,
                    String.join("; ", argmaxRows)));
        b.append(" The guarantees that say something are the maximin rows' t* and t_B.\n");
        return b.toString();
    }

    /** The two ε's and the quantity they bound, each the mean over seeds; the hand-picked model's beside. */
    private static String epsilons(DemoResult r) {
        return String.format(
                Locale.ROOT,
                "%nε (means over seeds): Hoeffding %.4f, posterior quantile %.4f; the quantity both bound, E_γ|U − V| "
                        + "(computable only because the world is a toy), %.4f. With the hand-picked hyperparameters: "
                        + "Hoeffding ε %.4f, E_γ|U − V| %.4f.%n%n",
                r.mean(s -> s.epsilon().epsilon()),
                r.mean(s -> s.posteriorEpsilon().epsilon()),
                r.mean(SeedRun::trueMeanAbsError),
                r.mean(s -> s.handPickedEpsilon().epsilon()),
                r.mean(SeedRun::handPickedTrueMeanAbsError));
    }

    /** What the fit changed, in this run's numbers. */
    private static String findings(DemoResult r) {
        MethodResult arg = r.average("argmax"), hand = r.average("argmax_hand_picked");
        MethodResult mm = r.average("maximin"), mp = r.average("maximin_posterior");
        return String.format(
                Locale.ROOT,
                "**What the fit changed.** Argmax gets true E[V] = %.4f (proxy %.4f) with the fitted hyperparameters "
                        + "and %.4f (proxy %.4f) with the hand-picked ones. The maximin gets %.4f with the Hoeffding ε and "
                        + "%.4f with the posterior ε, whose guarantees held on %d/%d and %d/%d seeds.%n%n",
                arg.trueUtility(),
                arg.proxyUtility(),
                hand.trueUtility(),
                hand.proxyUtility(),
                mm.trueUtility(),
                mp.trueUtility(),
                r.guaranteeHeld("maximin"),
                r.runs().size(),
                r.guaranteeHeld("maximin_posterior"),
                r.runs().size());
    }

    /** Per seed: the fitted W_std, b_std, λ and LML, beside the hand-picked values' LML. */
    private static String hyperparameters(DemoResult r) {
        StringBuilder b = new StringBuilder("## Hyperparameters from the marginal likelihood\n\n");
        SeedRun first = r.runs().get(0);
        b.append(String.format(
                Locale.ROOT,
                "The hand-picked values are W_std = %s, b_std = %s, λ = %s. The LML is of the centred fit labels under "
                        + "the NTK-GP prior (docs/evidence.md); higher is better.\n\n",
                num(first.fit().handPicked().wStd()),
                num(first.fit().handPicked().bStd()),
                num(first.fit().handPicked().noise())));
        b.append("| seed | W_std | b_std | λ | LML (fitted) | LML (hand-picked) | evaluations |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SeedRun s : r.runs()) {
            ModelFit f = s.fit();
            b.append(String.format(
                    Locale.ROOT,
                    "| %d | %.4f | %.4f | %.3e | %.2f | %s | %d |\n",
                    s.seed(),
                    f.fitted().wStd(),
                    f.fitted().bStd(),
                    f.fitted().noise(),
                    f.fittedLml(),
                    Double.isFinite(f.handPickedLml()) ? String.format(Locale.ROOT, "%.2f", f.handPickedLml()) : "—",
                    f.evaluations()));
        }
        return b.append('\n').toString();
    }

    /** The fitted and the hand-picked posterior's calibration at the held-out draws, pooled over seeds. */
    private static String calibration(DemoResult r) {
        HeldOutCalibration fitted = r.calibration(SeedRun::calibration);
        HeldOutCalibration hand = r.calibration(SeedRun::handPickedCalibration);
        StringBuilder b = new StringBuilder("## Calibration on held-out policies\n\n");
        b.append(String.format(
                Locale.ROOT,
                "At the %d calibration draws of each seed (prior draws whose labels the fit did not use; %d in all), "
                        + "scored by `org.ntk4j.calibration` as `ntk4j calibrate` scores: the fraction of true utilities "
                        + "V inside the posterior's central interval U ± z·σ, of labels H inside U ± z·sqrt(σ² + λ), and "
                        + "the labels' mean predictive negative log likelihood (lower is better). A calibrated posterior "
                        + "covers each level's fraction.\n\n",
                r.config().calibrationLabels(),
                fitted.points()));
        b.append("| hyperparameters | scored |");
        for (double level : Calibrate.LEVELS) b.append(String.format(Locale.ROOT, " %.0f %% |", 100 * level));
        b.append(" nll |\n|---|---|");
        for (int k = 0; k <= Calibrate.LEVELS.size(); k++) b.append("---:|");
        b.append('\n');
        calibrationRow(b, "fitted", "true utility V", fitted.fCoverage(), Double.NaN);
        calibrationRow(b, "fitted", "labels H", fitted.coverage(), fitted.nll());
        calibrationRow(b, "hand-picked", "true utility V", hand.fCoverage(), Double.NaN);
        calibrationRow(b, "hand-picked", "labels H", hand.coverage(), hand.nll());
        return b.append('\n').toString();
    }

    private static void calibrationRow(StringBuilder b, String model, String scored, double[] coverage, double nll) {
        b.append("| ").append(model).append(" | ").append(scored).append(" |");
        for (double c : coverage) b.append(String.format(Locale.ROOT, " %.3f |", c));
        b.append(Double.isNaN(nll) ? " — |\n" : String.format(Locale.ROOT, " %.3f |\n", nll));
    }

    /** The coverage study: the family, the table, the plot, and what a posterior bound's coverage means. */
    private static String coverage(CoverageResult c) {
        int n = c.worlds().size();
        StringBuilder b = new StringBuilder("\n## Coverage study over random worlds\n\n");
        b.append(String.format(
                Locale.ROOT,
                "%d worlds (seeds %d to %d). Each draws its true utility from %s; its policies, prior and labels as the toy "
                        + "does; then, as above, it fits the hyperparameters by the LML and the posterior on every policy, and "
                        + "computes ε three ways: by Hoeffding (proxy U = the fitted posterior mean), as the posterior quantile "
                        + "of the fitted posterior (same U), and as the posterior quantile of a deliberately too-narrow posterior "
                        + "(the fitted model with W_std × %s, b_std and λ kept; U = its own mean). *ε covered*: ε ≥ the true "
                        + "E_γ|U − V|. *guarantee held*: the maximin's guaranteed value t* ≤ the true expected utility of its "
                        + "own policy. Fractions ± one binomial standard error.\n\n",
                n,
                c.seed(),
                c.seed() + n - 1,
                ToyUtility.FAMILY,
                num(CoverageStudy.NARROW_FACTOR)));
        // a bare | inside a cell would end it: E_γ\|U − V\| in the header
        b.append(
                "| ε from | worlds | ε covered | guarantee held | mean ε | mean E_γ\\|U − V\\| | mean t* | mean E_p*[V] |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        java.util.Map<String, Object> s = c.summary();
        for (String m : CoverageResult.METHODS) {
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> e = (java.util.Map<String, Object>) s.get(m);
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %s | %.4f | %.4f | %.4f | %.4f |\n",
                    m,
                    n,
                    CoverageResult.fraction(c.epsilonCovered(m), n),
                    CoverageResult.fraction(c.guaranteeHeld(m), n),
                    (Double) e.get("mean_epsilon"),
                    (Double) e.get("mean_true_mean_abs_error"),
                    (Double) e.get("mean_guaranteed_value"),
                    (Double) e.get("mean_true_utility")));
        }
        b.append(String.format(
                Locale.ROOT,
                "%nHoeffding's ε holds with probability ≥ 1 − δ = %s over the calibration draws whenever |U − H| ≤ R (it "
                        + "bounds E_γ|U − H|, the error against the noisy labels H, which is at least E_γ|U − V| for "
                        + "zero-mean noise, up to the clipping of labels to [0, 1]); every "
                        + "calibration label satisfied it in %d/%d worlds (where one did not, that world's ε used R = the largest "
                        + "|U − H| seen). A posterior bound has frequentist coverage 1 − δ only when the world is drawn from "
                        + "the posterior's own prior; these worlds are not (their utilities come from the family above, not from "
                        + "the NTK-GP prior), so its coverage here is measured, not promised — and the too-narrow posterior "
                        + "shows what a misjudged prior does to it. The guarantee t* can hold where ε does not: it is a worst "
                        + "case over every V with E_γ|U − V| ≤ ε, and the true V is rarely that worst case.%n%n",
                num(1 - c.config().delta()),
                c.rangeHeld(),
                n));
        b.append("![coverage](coverage.png)\n\n");
        b.append("*Top:* ε against the true E_γ|U − V|, one point per world and method; points above the diagonal are "
                + "covered. *Bottom:* the fractions of worlds where ε covered and where the guarantee held, with the "
                + "nominal 1 − δ.\n");
        return b.toString();
    }

    /** Which seed the plots show, and the command that regenerates the report. */
    private static String footer(DemoResult r, CoverageResult c) {
        SeedRun first = r.runs().get(0);
        return c == null
                ? String.format(
                        Locale.ROOT,
                        "%nPlots show seed %d. Regenerate with `bin/ntk4j demo --seed %d`.%n",
                        first.seed(),
                        r.seed())
                : String.format(
                        Locale.ROOT,
                        "%nPlots show seed %d. Regenerate with `bin/ntk4j demo --seed %d --worlds %d`.%n",
                        first.seed(),
                        r.seed(),
                        c.worlds().size());
    }

    private static String num(double x) {
        return java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }
}
