package org.ntk4j.demo;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.rng.UniformRandomProvider;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.evidence.Hyperparameters;
import org.ntk4j.kernel.ProgressListener;
import org.ntk4j.parallel.ParallelRegion;
import org.ntk4j.softopt.EpsilonBound;
import org.ntk4j.softopt.Maximin;
import org.ntk4j.softopt.Prior;
import org.ntk4j.softopt.SoftPolicy;
import org.ntk4j.utility.NtkUtilityModel;

/**
 * The coverage study of {@code ntk4j demo --worlds N}: does ε bound what it claims to bound, and does
 * the maximin's guarantee hold, over many worlds? World w (seed + w) draws its true utility from
 * {@link ToyUtility#FAMILY}, its policies and prior as the toy does ({@link ToyWorld}), and its labels
 * as the demo does; then, as the demo, it fits the hyperparameters by the marginal likelihood and the
 * posterior on every policy, and computes three (proxy U, ε) pairs:
 * <ul>
 *   <li>{@code hoeffding}: U the fitted posterior mean, ε by Hoeffding (E16) from the calibration labels;</li>
 *   <li>{@code posterior_fitted}: the same U, ε the posterior quantile ({@link GoodhartDemo#posteriorEpsilon});</li>
 *   <li>{@code posterior_narrow}: a deliberately too-narrow posterior, the fitted model with W_std ×
 *       {@value #NARROW_FACTOR} (b_std and λ kept): U its mean, ε its posterior quantile.</li>
 * </ul>
 * For each it records whether ε ≥ the true E_γ|U − V| (ε covered) and whether the maximin's
 * guaranteed value t* ≤ the true E_{p*}V of its own policy (guarantee held).
 *
 * <p>Worlds run in parallel ({@link ParallelRegion}), each on one thread (its kernels, likelihood and
 * OpenBLAS with one thread: {@link BlasThreads}), so no result depends on how many threads ran the study.
 */
public final class CoverageStudy {
    /** The too-narrow posterior's W_std, relative to the fitted one. */
    public static final double NARROW_FACTOR = 0.5;

    private CoverageStudy() {}

    /**
     * Runs worlds seed, seed+1, …, seed+worlds−1 with the demo's configuration and hand-picked model
     * (the fit's starting point).
     *
     * @param threads  worlds run at once (≥ 1)
     * @param progress receives a stage "coverage study" and (worlds done, worlds); called from the workers
     * @throws InvalidInputException when worlds or threads is below 1
     */
    public static CoverageResult run(
            ToyConfig cfg, long seed, int worlds, NtkUtilityModel model, int threads, ProgressListener progress) {
        if (worlds < 1) throw new InvalidInputException("worlds", "must be >= 1, got " + worlds);
        if (threads < 1) throw new InvalidInputException("threads", "must be >= 1, got " + threads);
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        // one thread per world: parallelism comes from running worlds at once
        NtkUtilityModel single = new NtkUtilityModel(
                model.architecture(),
                model.get(),
                model.regularization(),
                model.kernelOptions().withThreads(1).withProgress(null));
        CoverageResult.World[] out = new CoverageResult.World[worlds];
        AtomicInteger done = new AtomicInteger();
        p.onStage("coverage study", worlds);
        p.onProgress(0, worlds);
        return BlasThreads.one(() -> {
            ParallelRegion.forEach("the coverage study", "ntk4j-world", threads, worlds, () -> null, (none, w) -> {
                out[w] = world(cfg, seed + w, single);
                p.onProgress(done.incrementAndGet(), worlds);
            });
            return new CoverageResult(cfg, seed, Arrays.asList(out));
        });
    }

    /** One world: its own utility, policies and labels; the fit; the three (U, ε) pairs and their maximins. */
    static CoverageResult.World world(ToyConfig cfg, long seed, NtkUtilityModel model) {
        ToyWorld world = ToyWorld.generate(cfg.policies(), seed, ToyUtility.random(seed));
        Prior prior = world.prior();
        double[] v = world.trueUtility();
        // as in the demo: one generator for the labels, their noise and the posterior draws, in that order
        UniformRandomProvider rng = GoodhartDemo.labelRandom(seed);
        GoodhartDemo.Labels labels = GoodhartDemo.drawLabels(cfg, world, rng);
        GoodhartDemo.Training data = GoodhartDemo.training(world, labels);
        ModelFit fit = ModelFit.fit(model, data.x(), data.y(), seed);
        GoodhartDemo.Proxy proxy = GoodhartDemo.fitProxy(fit.apply(model), world, data, true);

        double[] uCal = GoodhartDemo.at(proxy.u(), labels.cal());
        double largest = 0;
        for (int j = 0; j < uCal.length; j++) largest = Math.max(largest, Math.abs(uCal[j] - labels.hCal()[j]));
        boolean rangeHeld = largest <= cfg.range();
        // where a label breaks Hoeffding's premise |U − H| ≤ R, R is raised to the largest |u − h| seen (the
        // least the data allow) so that the world still counts; such worlds are counted apart (rangeHeld)
        double range = rangeHeld ? cfg.range() : largest;
        EpsilonBound.Estimate hoeffding = EpsilonBound.hoeffding(uCal, labels.hCal(), range, cfg.delta());
        EpsilonBound.Estimate posterior = GoodhartDemo.posteriorEpsilon(cfg, prior, proxy, rng);

        Hyperparameters narrowH = fit.fitted().withWStd(fit.fitted().wStd() * NARROW_FACTOR);
        GoodhartDemo.Proxy narrow = GoodhartDemo.fitProxy(ModelFit.with(model, narrowH), world, data, true);
        EpsilonBound.Estimate narrowEps = GoodhartDemo.posteriorEpsilon(cfg, prior, narrow, rng);

        return new CoverageResult.World(
                seed,
                world.utility(),
                fit,
                rangeHeld,
                List.of(
                        bound(prior, proxy.u(), v, hoeffding.epsilon()),
                        bound(prior, proxy.u(), v, posterior.epsilon()),
                        bound(prior, narrow.u(), v, narrowEps.epsilon())));
    }

    /** The maximin for (U, ε) on the world and what it claims against what is true. */
    private static CoverageResult.Bound bound(Prior prior, double[] u, double[] v, double epsilon) {
        SoftPolicy mm = Maximin.solve(prior, u, epsilon);
        return new CoverageResult.Bound(
                epsilon,
                GoodhartDemo.trueMeanAbsError(prior, u, v),
                mm.guaranteedValue().getAsDouble(),
                mm.expectation(v),
                mm.q());
    }
}
