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
import org.ntk4j.calibration.Calibrate;
import org.ntk4j.calibration.Calibration;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.ProgressListener;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.GpInference;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.UtilityPosterior;
import org.ntk4j.softopt.EpsilonBound;
import org.ntk4j.softopt.LowerBandMaximin;
import org.ntk4j.softopt.Maximin;
import org.ntk4j.softopt.Prior;
import org.ntk4j.softopt.Quantilizer;
import org.ntk4j.softopt.SoftPolicy;
import org.ntk4j.utility.JointSamples;
import org.ntk4j.utility.NtkUtilityModel;
import org.ntk4j.utility.UtilityModel;

/**
 * The main job: on the Goodhart toy, fit the utility model's hyperparameters by the marginal
 * likelihood, fit the NTK posterior on labels drawn from the prior, estimate ε (E16, and from the
 * posterior), score the posterior's calibration on held-out draws, and compare argmax, fixed-q
 * quantilizers, the maximin (B1, with each ε) and the lower-band maximin (B2) on the hidden true
 * utility.
 */
public final class GoodhartDemo {
    /** Points of the Goodhart curve's q grid (log-spaced from 1e-3 to 1). */
    public static final int CURVE_POINTS = 49;

    /** Joint posterior draws behind the posterior ε: its 0.95 quantile is the 380th smallest of 400. */
    public static final int POSTERIOR_DRAWS = 400;

    private GoodhartDemo() {}

    /** The name of the fixed-q quantilizer in tables and summary.json, e.g. {@code quantilizer_q0.1}. */
    static String quantilizerName(double q) {
        return "quantilizer_q" + BigDecimal.valueOf(q).stripTrailingZeros().toPlainString();
    }

    /** Whether a method name is a fixed-q quantilizer's ({@link #quantilizerName}). */
    static boolean isQuantilizer(String name) {
        return name.startsWith("quantilizer_q");
    }

    /**
     * Runs the toy on seeds seed, seed+1, …, seed+cfg.seeds()−1.
     *
     * @param model    the hand-picked utility model (its architecture's W_std and b_std, and an
     *                 absolute regularization: the label-noise variance); each seed fits its own
     * @param progress receives (steps done, steps total): one step per seed
     *     (OpenBLAS runs on one thread meanwhile: {@link BlasThreads})
     */
    public static DemoResult run(ToyConfig cfg, long seed, NtkUtilityModel model, ProgressListener progress) {
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        return BlasThreads.one(() -> {
            List<SeedRun> runs = new ArrayList<>();
            p.onProgress(0, cfg.seeds());
            for (int k = 0; k < cfg.seeds(); k++) {
                runs.add(runSeed(cfg, seed + k, model));
                p.onProgress(k + 1, cfg.seeds());
            }
            return new DemoResult(cfg, seed, runs);
        });
    }

    /**
     * One seed: world, labels, hyperparameters, posterior, ε's, calibration, methods, curve; and the
     * hand-picked model's proxy, ε and calibration beside them.
     */
    static SeedRun runSeed(ToyConfig cfg, long seed, NtkUtilityModel model) {
        ToyWorld world = ToyWorld.generate(cfg.policies(), seed);
        Prior prior = world.prior();
        double[] v = world.trueUtility();
        // One generator for the label draws, their noise and the posterior samples, used in that order:
        // the seed alone fixes the run, so reordering the steps below would change every number.
        UniformRandomProvider rng = labelRandom(seed);
        Labels labels = drawLabels(cfg, world, rng);
        Training data = training(world, labels);
        ModelFit fit = ModelFit.fit(model, data.x(), data.y(), seed);
        Proxy proxy = fitProxy(fit.apply(model), world, data, true);
        EpsilonBound.Estimate eps = hoeffding(cfg, proxy, labels);
        EpsilonBound.Estimate postEps = posteriorEpsilon(cfg, prior, proxy, rng);
        Proxy hand = fitProxy(model, world, data, false);
        EpsilonBound.Estimate handEps = hoeffding(cfg, hand, labels);
        Methods methods =
                compareMethods(cfg, prior, v, proxy, eps.epsilon(), postEps.epsilon(), hand, handEps.epsilon());
        GoodhartCurve curve = curve(prior, proxy.u(), v, eps.epsilon(), methods.maximin());
        return new SeedRun(
                seed,
                world,
                proxy.u(),
                proxy.sd(),
                fit,
                eps,
                postEps,
                trueMeanAbsError(prior, proxy.u(), v),
                heldOutCalibration(fit.apply(model), world, data, labels),
                handEps,
                trueMeanAbsError(prior, hand.u(), v),
                heldOutCalibration(model, world, data, labels),
                methods.distributions(),
                methods.results(),
                curve);
    }

    /** The generator of a seed's labels and posterior draws (the world's policies come from the seed itself). */
    static UniformRandomProvider labelRandom(long seed) {
        return RandomSource.XO_SHI_RO_256_PP.create(seed ^ 0x5DEECE66DL);
    }

    /** The policies labelled (indices into the world) and their noisy labels, for fitting and for calibrating ε. */
    record Labels(int[] fit, int[] cal, double[] hFit, double[] hCal) {}

    /**
     * The training set: the fit draws' features and their labels centred by their mean (the NTK-GP prior
     * has mean 0, the utility does not), and that offset.
     */
    record Training(Matrix x, double[] y, double offset) {}

    /**
     * A fitted proxy: U (on the labels' scale) and σ on every policy, and the posterior itself (on the
     * centred scale, with its full covariance when asked for: the posterior ε draws from it).
     */
    record Proxy(double[] u, double[] sd, UtilityPosterior posterior) {}

    /** Every method's policy distribution and result, in table order, and the maximin (for the curve). */
    private record Methods(Map<String, double[]> distributions, List<MethodResult> results, SoftPolicy maximin) {}

    /** Step 1: fit and calibration policies drawn from the prior, then their labels (all indices first, then all noise). */
    static Labels drawLabels(ToyConfig cfg, ToyWorld world, UniformRandomProvider rng) {
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

    /** Step 2: the centred training set. */
    static Training training(ToyWorld world, Labels labels) {
        double[] hFit = labels.hFit();
        double offset = 0;
        for (double h : hFit) offset += h / hFit.length;
        double[] yFit = new double[hFit.length];
        for (int j = 0; j < yFit.length; j++) yFit[j] = hFit[j] - offset;
        return new Training(rows(world.features(), labels.fit()), yFit, offset);
    }

    /** Step 3 (after the hyperparameters): the posterior on all policies, with its full covariance if asked. */
    static Proxy fitProxy(UtilityModel model, ToyWorld world, Training data, boolean covariance) {
        UtilityPosterior est = model.fit(data.x(), data.y(), world.features(), covariance);
        double[] u = est.mean();
        for (int i = 0; i < u.length; i++) u[i] += data.offset();
        return new Proxy(u, est.sd(), est);
    }

    /** Step 4: ε by Hoeffding (E16) from the calibration labels and U at their policies. */
    static EpsilonBound.Estimate hoeffding(ToyConfig cfg, Proxy proxy, Labels labels) {
        return EpsilonBound.hoeffding(at(proxy.u(), labels.cal()), labels.hCal(), cfg.range(), cfg.delta());
    }

    /**
     * Step 5: ε as the posterior quantile (§7 step 3) on the prior's own policies: the (1 − δ) quantile of
     * E_γ|U − V_s| over {@link #POSTERIOR_DRAWS} joint draws V_s ~ N(U, Σ) on every policy, γ's weights.
     */
    static EpsilonBound.Estimate posteriorEpsilon(ToyConfig cfg, Prior prior, Proxy proxy, UniformRandomProvider rng) {
        return JointSamples.posteriorEpsilon(proxy.posterior(), prior, cfg.delta(), POSTERIOR_DRAWS, rng);
    }

    /**
     * A model's calibration at the held-out (calibration) draws, whose labels it did not see
     * ({@link Calibrate}): its posterior there against their labels H (predictive variance σ² + λ) and
     * against the true utility V (σ²), both centred as the training labels are.
     */
    static Calibration heldOutCalibration(NtkUtilityModel model, ToyWorld world, Training data, Labels labels) {
        Matrix xCal = rows(world.features(), labels.cal());
        KernelFunction kf = KernelFunction.of(model.architecture());
        KernelOptions ko = model.kernelOptions();
        Kernels dd = kf.compute(data.x(), null, ko);
        Kernels td = kf.compute(xCal, data.x(), ko);
        Kernels tt = kf.compute(xCal, null, ko);
        double[] h = labels.hCal().clone(), f = at(world.trueUtility(), labels.cal()); // centred below: copies
        for (int j = 0; j < h.length; j++) {
            h[j] -= data.offset();
            f[j] -= data.offset();
        }
        try (GpInference gp =
                GpInference.fit(dd, Matrix.column(data.y()), model.regularization(), JitterPolicy.defaults())) {
            Posterior p = gp.predict(model.get(), td, tt, CovarianceMode.DIAGONAL);
            return Calibrate.of(p, Matrix.column(h), model.regularization().diagReg(), Matrix.column(f));
        }
    }

    /** The entries of {@code a} at {@code idx}. */
    static double[] at(double[] a, int[] idx) {
        double[] out = new double[idx.length];
        for (int j = 0; j < idx.length; j++) out[j] = a[idx[j]];
        return out;
    }

    /** E_γ|U − V|, the quantity ε bounds (computable only because the world is a toy). */
    static double trueMeanAbsError(Prior prior, double[] u, double[] v) {
        double trueMae = 0;
        for (int i = 0; i < u.length; i++) trueMae += prior.weight(i) * Math.abs(u[i] - v[i]);
        return trueMae;
    }

    /**
     * Step 6: argmax, the fixed-q quantilizers, the maximin (B1) with the Hoeffding ε and with the
     * posterior ε, and the lower-band maximin (B2, Hoeffding ε), each evaluated on V; then argmax and
     * the maximin of the hand-picked model, to show what the fit changed.
     */
    private static Methods compareMethods(
            ToyConfig cfg,
            Prior prior,
            double[] v,
            Proxy proxy,
            double eps,
            double postEps,
            Proxy hand,
            double handEps) {
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
        SoftPolicy mp = Maximin.solve(prior, u, postEps);
        dists.put("maximin_posterior", mp.probabilities());
        results.add(evaluate("maximin_posterior", mp.probabilities(), prior, u, v, postEps, mp.guaranteedValue()));
        SoftPolicy lb = LowerBandMaximin.solve(prior, u, proxy.sd(), cfg.kappa(), eps);
        dists.put("maximin_lower_band", lb.probabilities());
        results.add(evaluate("maximin_lower_band", lb.probabilities(), prior, u, v, eps, lb.guaranteedValue()));
        double[] uh = hand.u();
        double[] pHand = argmax(uh);
        dists.put("argmax_hand_picked", pHand);
        results.add(evaluate("argmax_hand_picked", pHand, prior, uh, v, handEps, OptionalDouble.empty()));
        SoftPolicy mh = Maximin.solve(prior, uh, handEps);
        dists.put("maximin_hand_picked", mh.probabilities());
        results.add(evaluate("maximin_hand_picked", mh.probabilities(), prior, uh, v, handEps, mh.guaranteedValue()));
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
