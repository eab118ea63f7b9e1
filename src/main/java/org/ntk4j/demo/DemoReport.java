package org.ntk4j.demo;

import java.util.Locale;

/** The demo's Markdown report (report.md): what was run, the table, the checks, the plots. */
public final class DemoReport {
    private DemoReport() {}

    /** How to read the table, and the two plots with their captions. */
    private static final String HOW_TO_READ = """
        **How to read it.** *true E[V]* is what the policy distribution actually achieves; *proxy E[U]* is what the \
        agent believes. *guaranteed* is the lower bound on true E[V] that holds whenever E_γ|U − V| ≤ ε: t* for the \
        maximin, t_B for the lower-band maximin (valid under the same ε because (L − V)₊ ≤ |U − V|), and \
        E_p[U] − ε·max p/γ for the others. *q* is the prior mass kept (1/max p/γ; γ of the chosen policy for argmax); \
        KL(p‖γ) = log(1/q) for a rescaled subset of the prior. *held* counts the seeds on which true E[V] ≥ guaranteed.

        Argmax trusts the proxy where it has no data and pays for it: its proxy value is the highest and its true \
        value collapses. The maximin picks q from ε instead of by hand and keeps a guarantee that holds against the \
        hidden truth; the lower-band variant also cuts off the top of the proxy where σ is large.

        ![policies](policies.png)

        *Top:* policies sorted by U, with the ±2σ band and the hidden true utility. *Bottom:* the prior and the \
        distributions each method puts on the policies.

        ![goodhart curve](goodhart.png)

        *The Goodhart curve:* as q shrinks the proxy keeps rising while the true utility peaks and falls; the green \
        line marks the maximin's q* and the diamond its guaranteed value.
        """;

    /** report.md for {@code r}: the setup, the table averaged over seeds, the ε checks, how to read it, the plots. */
    public static String markdown(DemoResult r) {
        StringBuilder b = new StringBuilder();
        b.append("# ntk4j demo: soft optimization on a Goodhart toy\n\n");
        b.append(setup(r.config()));
        b.append(String.format(
                Locale.ROOT, "Averages over %d seeds %s.\n\n", r.runs().size(), r.seeds()));
        b.append(table(r));
        b.append(epsilons(r));
        b.append(HOW_TO_READ);
        b.append(footer(r));
        return b.toString();
    }

    /** The toy world, what the agent sees and how ε is estimated. */
    private static String setup(ToyConfig c) {
        return String.format(
                Locale.ROOT,
                "%d policies (points in a 2-D feature box). The prior γ concentrates on \"human-like\" policies near the origin. "
                        + "The hidden true utility V ∈ [0, 1] rises with x₁ where the prior has mass and collapses beyond x₁ ≈ 1, "
                        + "where it has almost none. The agent sees %d noisy labels of V on policies drawn from γ, fits the NTK-GP "
                        + "posterior of `%s` (proxy U = posterior mean, σ = posterior sd), and estimates ε, a bound on E_γ|U − V|, "
                        + "from %d further labelled prior draws by Hoeffding (R = %s, δ = %s).\n\n",
                c.policies(),
                c.fitLabels(),
                c.architecture(),
                c.calibrationLabels(),
                num(c.range()),
                num(c.delta()));
    }

    /** One row per method, averaged over the seeds. */
    private static String table(DemoResult r) {
        StringBuilder b = new StringBuilder();
        b.append("| method | true E[V] | proxy E[U] | guaranteed | q | KL(p‖γ) | guarantee held |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (String name : r.methods()) {
            MethodResult m = r.average(name);
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %.4f | %.4f | %s | %.4g | %.3f | %d/%d |\n",
                    name,
                    m.trueUtility(),
                    m.proxyUtility(),
                    m.guaranteedValue().isPresent()
                            ? DemoResult.formatValue(m.guaranteedValue().getAsDouble())
                            : "—",
                    m.q(),
                    m.klToPrior(),
                    r.guaranteeHeld(name),
                    r.runs().size()));
        }
        return b.toString();
    }

    /** ε by Hoeffding, the quantity it bounds, and the posterior-sampling alternative, each the mean over seeds. */
    private static String epsilons(DemoResult r) {
        return String.format(
                Locale.ROOT,
                "%nε (Hoeffding, mean over seeds) = %.4f; the quantity it bounds, E_γ|U − V| "
                        + "(computable only because the world is a toy) = %.4f; the posterior-sampling alternative (§7 step 3) = %.4f.%n%n",
                r.mean(s -> s.epsilon().epsilon()),
                r.mean(SeedRun::trueMeanAbsError),
                r.mean(s -> s.posteriorEpsilon().epsilon()));
    }

    /** Which seed the plots show, and the command that regenerates the report. */
    private static String footer(DemoResult r) {
        SeedRun first = r.runs().get(0);
        return String.format(
                Locale.ROOT,
                "%nPlots show seed %d. Regenerate with `bin/ntk4j demo --seed %d`.%n",
                first.seed(),
                r.seed());
    }

    private static String num(double x) {
        return java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }
}
