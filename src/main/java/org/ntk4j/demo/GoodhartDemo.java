package org.ntk4j.demo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AliasMethodDiscreteSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.ntk4j.kernel.ProgressListener;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.UtilityPosterior;
import org.ntk4j.softopt.EpsilonBound;
import org.ntk4j.softopt.LowerBandMaximin;
import org.ntk4j.softopt.Maximin;
import org.ntk4j.softopt.Prior;
import org.ntk4j.softopt.Quantilizer;
import org.ntk4j.softopt.SoftPolicy;
import org.ntk4j.utility.JointSamples;
import org.ntk4j.utility.UtilityModel;

/**
 * The main job: on the Goodhart toy, fit the NTK posterior on labels drawn from the prior,
 * estimate ε (E16) on further prior draws, and compare argmax, fixed-q quantilizers, the maximin
 * (B1) and the lower-band maximin (B2) on the hidden true utility.
 */
public final class GoodhartDemo {
    /** Points of the Goodhart curve's q grid (log-spaced from 1e-3 to 1). */
    public static final int CURVE_POINTS = 49;

    private GoodhartDemo() {}

    /** The name of the fixed-q quantilizer in tables and summary.json, e.g. {@code quantilizer_q0.1}. */
    static String quantilizerName(double q) {
        return "quantilizer_q" + BigDecimal.valueOf(q).stripTrailingZeros().toPlainString();
    }

    /**
     * Runs the toy on seeds seed, seed+1, …, seed+cfg.seeds()−1.
     *
     * @param progress receives (steps done, steps total): one step per seed
     */
    public static DemoResult run(ToyConfig cfg, long seed, UtilityModel model, ProgressListener progress) {
        List<SeedRun> runs = new ArrayList<>();
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        p.onProgress(0, cfg.seeds());
        for (int k = 0; k < cfg.seeds(); k++) {
            runs.add(runSeed(cfg, seed + k, model));
            p.onProgress(k + 1, cfg.seeds());
        }
        return new DemoResult(cfg, seed, runs);
    }

    /** One seed: world, labels, fit, ε, methods, curve. */
    static SeedRun runSeed(ToyConfig cfg, long seed, UtilityModel model) {
        ToyWorld world = ToyWorld.generate(cfg.policies(), seed);
        Prior prior = world.prior();
        double[] v = world.trueUtility();
        // One generator for the label draws, their noise and the posterior samples, used in that order:
        // the seed alone fixes the run, so reordering the steps below would change every number.
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed ^ 0x5DEECE66DL);
        Labels labels = drawLabels(cfg, world, rng);
        Proxy proxy = fitProxy(model, world, labels);
        EpsilonBound.Estimate eps = EpsilonBound.hoeffding(
                calibrationProxy(proxy.u(), labels.cal()), labels.hCal(), cfg.range(), cfg.delta());
        EpsilonBound.Estimate postEps = posteriorEpsilon(cfg, model, world, labels, proxy, rng);
        double trueMae = trueMeanAbsError(prior, proxy.u(), v);
        Methods methods = compareMethods(cfg, prior, proxy, v, eps.epsilon());
        GoodhartCurve curve = curve(prior, proxy.u(), v, eps.epsilon(), methods.maximin());
        return new SeedRun(
                seed,
                world,
                proxy.u(),
                proxy.sd(),
                eps,
                postEps,
                trueMae,
                methods.distributions(),
                methods.results(),
                curve);
    }

    /** The policies labelled (indices into the world) and their noisy labels, for fitting and for calibrating ε. */
    private record Labels(int[] fit, int[] cal, double[] hFit, double[] hCal) {}

    /** The fitted proxy: U (on the labels' scale) and σ, and the centred training set it was fitted on. */
    private record Proxy(Matrix xFit, double[] yFit, double[] u, double[] sd) {}

    /** Every method's policy distribution and result, in table order, and the maximin (for the curve). */
    private record Methods(Map<String, double[]> distributions, List<MethodResult> results, SoftPolicy maximin) {}

    /** Step 1: fit and calibration policies drawn from the prior, then their labels (all indices first, then all noise). */
    private static Labels drawLabels(ToyConfig cfg, ToyWorld world, UniformRandomProvider rng) {
        SharedStateDiscreteSampler draw =
                AliasMethodDiscreteSampler.of(rng, world.prior().weights());
        ZigguratSampler.NormalizedGaussian noise = ZigguratSampler.NormalizedGaussian.of(rng);
        double[] v = world.trueUtility();
        int[] fit = draws(draw, cfg.fitLabels());
        int[] cal = draws(draw, cfg.calibrationLabels());
        double[] hFit = observe(v, fit, cfg.labelNoise(), noise);
        double[] hCal = observe(v, cal, cfg.labelNoise(), noise);
        return new Labels(fit, cal, hFit, hCal);
    }

    /** Step 2: the NTK posterior on all policies, fitted on centred labels (the NTK-GP prior has mean 0, the utility does not). */
    private static Proxy fitProxy(UtilityModel model, ToyWorld world, Labels labels) {
        double[] hFit = labels.hFit();
        double offset = 0;
        for (double h : hFit) offset += h / hFit.length;
        double[] yFit = new double[hFit.length];
        for (int j = 0; j < yFit.length; j++) yFit[j] = hFit[j] - offset;
        Matrix xFit = rows(world.features(), labels.fit());
        UtilityPosterior est = model.fit(xFit, yFit, world.features(), false);
        double[] u = est.mean();
        for (int i = 0; i < u.length; i++) u[i] += offset;
        return new Proxy(xFit, yFit, u, est.sd());
    }

    /** Step 3: U at the calibration draws, to compare with their labels (E16). */
    private static double[] calibrationProxy(double[] u, int[] cal) {
        double[] uCal = new double[cal.length];
        for (int j = 0; j < cal.length; j++) uCal[j] = u[cal[j]];
        return uCal;
    }

    /**
     * Step 4: §7 step 3's alternative ε, a posterior quantile on the calibration draws (their
     * empirical measure stands in for γ). Draws and mean are both on the centred scale:
     * |U − V_s| does not depend on the offset.
     */
    private static EpsilonBound.Estimate posteriorEpsilon(
            ToyConfig cfg, UtilityModel model, ToyWorld world, Labels labels, Proxy proxy, UniformRandomProvider rng) {
        int[] cal = labels.cal();
        UtilityPosterior calPost = model.fit(proxy.xFit(), proxy.yFit(), rows(world.features(), cal), true);
        double[][] joint = JointSamples.draw(calPost, 400, rng);
        return EpsilonBound.posteriorQuantile(Prior.uniform(cal.length), calPost.mean(), joint, cfg.delta());
    }

    /** Step 5: E_γ|U − V|, the quantity ε bounds (computable only because the world is a toy). */
    private static double trueMeanAbsError(Prior prior, double[] u, double[] v) {
        double trueMae = 0;
        for (int i = 0; i < u.length; i++) trueMae += prior.weight(i) * Math.abs(u[i] - v[i]);
        return trueMae;
    }

    /** Step 6: argmax, the fixed-q quantilizers, the maximin (B1) and the lower-band maximin (B2), each evaluated on V. */
    private static Methods compareMethods(ToyConfig cfg, Prior prior, Proxy proxy, double[] v, double eps) {
        double[] u = proxy.u();
        Map<String, double[]> dists = new LinkedHashMap<>();
        List<MethodResult> results = new ArrayList<>();
        double[] pArg = argmax(u);
        dists.put("argmax", pArg);
        results.add(evaluate("argmax", pArg, prior, u, v, eps, OptionalDouble.empty()));
        for (double q : cfg.quantilizerQs()) {
            SoftPolicy qq = Quantilizer.of(prior, u, q);
            dists.put(quantilizerName(q), qq.probabilities());
            results.add(evaluate(quantilizerName(q), qq.probabilities(), prior, u, v, eps, OptionalDouble.empty()));
        }
        SoftPolicy mm = Maximin.solve(prior, u, eps);
        dists.put("maximin", mm.probabilities());
        results.add(evaluate("maximin", mm.probabilities(), prior, u, v, eps, mm.guaranteedValue()));
        SoftPolicy lb = LowerBandMaximin.solve(prior, u, proxy.sd(), cfg.kappa(), eps);
        dists.put("maximin_lower_band", lb.probabilities());
        results.add(evaluate("maximin_lower_band", lb.probabilities(), prior, u, v, eps, lb.guaranteedValue()));
        return new Methods(dists, results, mm);
    }

    /** All mass on the first policy with the largest U. */
    private static double[] argmax(double[] u) {
        int best = 0;
        for (int i = 1; i < u.length; i++) if (u[i] > u[best]) best = i;
        double[] pArg = new double[u.length];
        pArg[best] = 1;
        return pArg;
    }

    static MethodResult evaluate(
            String name, double[] p, Prior prior, double[] u, double[] v, double eps, OptionalDouble guarantee) {
        double ratio = 0, kl = 0, ev = 0, eu = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) continue;
            double r = p[i] / prior.weight(i);
            ratio = Math.max(ratio, r);
            kl += p[i] * Math.log(r);
            ev += p[i] * v[i];
            eu += p[i] * u[i];
        }
        OptionalDouble g = guarantee;
        if (g.isEmpty()) {
            double b = Maximin.guaranteedValue(prior, u, p, eps); // E8: the B1 bound for this p
            g = Double.isFinite(b) ? OptionalDouble.of(b) : OptionalDouble.empty();
        }
        return new MethodResult(name, ev, eu, g, 1 / ratio, Math.max(kl, 0));
    }

    static GoodhartCurve curve(Prior prior, double[] u, double[] v, double eps, SoftPolicy maximin) {
        int n = CURVE_POINTS;
        double[] q = new double[n], tv = new double[n], pu = new double[n], lb = new double[n];
        for (int k = 0; k < n; k++) {
            q[k] = Math.pow(10, -3 + 3.0 * k / (n - 1));
            SoftPolicy qq = Quantilizer.of(prior, u, Math.min(1.0, q[k]));
            tv[k] = qq.expectation(v);
            pu[k] = qq.expectation(u);
            lb[k] = Maximin.guaranteedValue(prior, u, qq.probabilities(), eps);
        }
        return new GoodhartCurve(q, tv, pu, lb, maximin.q(), maximin.threshold());
    }

    private static int[] draws(SharedStateDiscreteSampler s, int m) {
        int[] idx = new int[m];
        for (int j = 0; j < m; j++) idx[j] = s.sample();
        return idx;
    }

    private static double[] observe(double[] v, int[] idx, double noiseSd, ZigguratSampler.NormalizedGaussian z) {
        double[] h = new double[idx.length];
        for (int j = 0; j < idx.length; j++) h[j] = Math.min(1, Math.max(0, v[idx[j]] + noiseSd * z.sample()));
        return h;
    }

    static Matrix rows(Matrix x, int[] idx) {
        double[][] r = new double[idx.length][];
        for (int j = 0; j < idx.length; j++) r[j] = x.row(idx[j]);
        return Matrix.of(r);
    }
}
