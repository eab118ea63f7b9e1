package org.ntk4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ntk4j.demo.CoverageResult;
import org.ntk4j.demo.CoverageStudy;
import org.ntk4j.demo.DemoPlots;
import org.ntk4j.demo.DemoReport;
import org.ntk4j.demo.DemoResult;
import org.ntk4j.demo.GoodhartDemo;
import org.ntk4j.demo.SeedRun;
import org.ntk4j.demo.ToyConfig;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.utility.NtkUtilityModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ntk4j demo}: the main job. Soft optimization on a Goodhart toy: fit the hyperparameters by
 * the marginal likelihood and the NTK posterior on labels drawn from the prior, estimate ε (Hoeffding
 * and posterior), score the calibration, and compare argmax, fixed-q quantilizers, the maximin and
 * the lower-band maximin on the hidden true utility, averaged over seeds. Prints a table and writes
 * report.md, summary.json, policies.png and goodhart.png into {@code --out}; {@code --worlds N} adds
 * the coverage study (and coverage.png).
 */
@Command(
        name = "demo",
        sortOptions = false,
        usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true,
        description = {
            "Soft optimization on a Goodhart toy: argmax vs quantilizers vs the maximin whose q comes from a bound.",
            "Fits W_std, b_std and the noise by the marginal likelihood; epsilon by Hoeffding and from the posterior.",
            "Prints a table; writes DIR/report.md, DIR/summary.json, DIR/policies.png, DIR/goodhart.png",
            "(and DIR/coverage.png with --worlds)."
        })
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "ntk4j-demo",
            description = "Output directory (default: ntk4j-demo).")
    Path out;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "0",
            description = "First seed; the table averages seeds S..S+4 (default: 0).")
    long seed;

    @Option(
            names = "--worlds",
            paramLabel = "N",
            defaultValue = "0",
            description = {
                "Add a coverage study over N random worlds (seeds S..S+N-1): how often each epsilon (Hoeffding,",
                "fitted posterior, too-narrow posterior) bounds the true error and the maximin's guarantee holds;",
                "writes DIR/coverage.png and adds 'coverage' to summary.json (default: 0, no study)."
            })
    int worlds;

    @Override
    public Integer call() {
        if (worlds < 0)
            throw new InvalidInputException("--worlds", "must be >= 0 (0: no coverage study), got " + worlds);
        OutputDir dir = main.outputDir("--out", out);
        ToyConfig cfg = ToyConfig.defaults();
        PrintStream o = main.out();
        long t0 = System.nanoTime();
        NtkUtilityModel model = NtkUtilityModel.ntkgp(cfg.architecture(), cfg.labelNoise() * cfg.labelNoise());
        DemoResult r;
        try (ProgressBar bar = ProgressBar.of(main, "demo: seeds")) {
            r = GoodhartDemo.run(cfg, seed, model, bar);
        }
        double demoSeconds = (System.nanoTime() - t0) / 1e9;
        CoverageResult study = null;
        double studySeconds = 0;
        if (worlds > 0) {
            try (ProgressBar bar = ProgressBar.of(main, "demo: worlds")) {
                study = CoverageStudy.run(
                        cfg, seed, worlds, model, Runtime.getRuntime().availableProcessors(), bar);
            }
            studySeconds = (System.nanoTime() - t0) / 1e9 - demoSeconds;
        }
        SeedRun first = r.runs().get(0);
        Map<String, Object> summary = r.summary();
        if (study != null) {
            summary.put("coverage", study.summary());
            summary.put("coverage_study", study.settings());
        }
        dir.writeText("report.md", DemoReport.markdown(r, study));
        dir.writeJson("summary.json", summary);
        dir.writeBytes("policies.png", DemoPlots.policies(first));
        dir.writeBytes("goodhart.png", DemoPlots.goodhart(first));
        if (study != null) dir.writeBytes("coverage.png", DemoPlots.coverage(study));
        o.println(String.format(
                Locale.ROOT,
                "ntk4j demo: %d policies, %d + %d labels from the prior, seeds %s (%.1f s)",
                cfg.policies(),
                cfg.fitLabels(),
                cfg.calibrationLabels(),
                r.seeds(),
                demoSeconds));
        o.println("hyperparameters by the marginal likelihood, mean over seeds: " + r.fitLine());
        o.println(String.format(
                Locale.ROOT,
                "epsilon (R = %s, delta = %s), mean over seeds: Hoeffding %.4f, posterior %.4f; E_prior|U - V| (hidden): %.4f",
                cfg.range(),
                cfg.delta(),
                r.mean(s -> s.epsilon().epsilon()),
                r.mean(s -> s.posteriorEpsilon().epsilon()),
                r.mean(SeedRun::trueMeanAbsError)));
        o.println("calibration at held-out prior draws, fitted (hand-picked): " + r.calibrationLine());
        o.println();
        o.print(r.table());
        o.println();
        o.println(
                "true E[V]: what the policy gets; proxy E[U]: what it expects; guaranteed: the bound's lower bound on true E[V];");
        o.println("held: seeds where true E[V] >= guaranteed. Maximin: q set by epsilon, not by hand.");
        if (study != null) {
            o.println();
            o.println(String.format(
                    Locale.ROOT,
                    "coverage study: %d random worlds, seeds %d..%d (%.1f s)",
                    worlds,
                    seed,
                    seed + worlds - 1,
                    studySeconds));
            o.print(study.table());
        }
        o.println("wrote "
                + String.join(", ", dir.written().stream().map(Path::toString).toList()));
        return 0;
    }
}
