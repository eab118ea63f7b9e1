package org.ntk4j.softopt;

import java.util.Arrays;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Scaling;

/**
 * Where ε comes from (§4.7, §7 step 3): an upper confidence bound on E_γ|U − V|, the prior-average
 * error of the proxy, from labelled policies <b>drawn from the prior</b> (the bound is an
 * expectation under γ, so labels from elsewhere do not estimate it).
 */
public final class EpsilonBound {
    private EpsilonBound() {}

    /** How an {@link Estimate} was obtained. */
    public enum Method {
        HOEFFDING,
        POSTERIOR_QUANTILE
    }

    /**
     * An estimate of ε.
     *
     * @param epsilon       the bound to use (holds with probability ≥ 1 − δ under the method's assumptions)
     * @param meanAbsError  the point estimate of E_γ|U − V| (sample mean of |u − h|, or posterior mean)
     * @param samples       n labelled policies (Hoeffding) or S posterior draws
     * @param delta         δ
     * @param range         R for Hoeffding, NaN for the posterior method
     * @param method        the method
     */
    public record Estimate(
            double epsilon, double meanAbsError, int samples, double delta, double range, Method method) {
        public Estimate {
            if (!(epsilon >= 0) || Double.isInfinite(epsilon))
                throw new IllegalArgumentException("epsilon estimate: " + epsilon);
            if (method == null) throw new IllegalArgumentException("epsilon estimate: method is null");
        }
    }

    /**
     * (E16): ε̂ = (1/n)Σ|u_j − h_j| + R·sqrt(ln(1/δ)/(2n)), the one-sided Hoeffding bound for
     * i.i.d. D_j = |u_j − h_j| ∈ [0, R]. Holds with probability ≥ 1 − δ over the labelled draws.
     *
     * @param proxy    u_j = U(π_j) for π_j ~ γ
     * @param observed h_j, the observed true utility of π_j
     * @param range    R, a known bound on |U − V| (R &gt; 0); an observed |u − h| above R is an error
     * @param delta    δ ∈ (0, 1), e.g. 0.05
     */
    public static Estimate hoeffding(double[] proxy, double[] observed, double range, double delta) {
        SoftOptChecks.finite("proxy", proxy);
        SoftOptChecks.finite("labels", observed);
        SoftOptChecks.sameLength("labels", observed, proxy.length, "the proxy values");
        SoftOptChecks.positive("range", range);
        SoftOptChecks.probability("delta", delta);
        int n = proxy.length;
        // on U, V and R scaled by a common power of two (exact): |U − V| and the sums cannot overflow
        int e = Math.max(Scaling.exponent(proxy, range), Scaling.exponent(observed));
        double[] u = Scaling.scalb(proxy, -e), h = Scaling.scalb(observed, -e);
        double r = Math.scalb(range, -e), sum = 0;
        for (int j = 0; j < n; j++) {
            double d = Math.abs(u[j] - h[j]);
            if (d > r)
                throw new InvalidInputException(
                        "range",
                        "R = " + range + " but label " + j + " has |U - V| = " + Math.scalb(d, e)
                                + "; Hoeffding needs a true bound on |U - V|: raise R");
            sum += d;
        }
        double mean = sum / n;
        // -log(δ), not log(1/δ): 1/δ overflows for a subnormal δ although the bound is finite
        double slack = r * Math.sqrt(-Math.log(delta) / (2.0 * n));
        double eps = Math.scalb(mean + slack, e);
        if (!Double.isFinite(eps))
            throw new InvalidInputException(
                    "range",
                    "R = " + range + " makes the Hoeffding bound overflow (R·sqrt(ln(1/δ)/(2n)) is infinite); "
                            + "give a smaller R (a bound on |U - V| in the units of the utilities)");
        return new Estimate(eps, Math.scalb(mean, e), n, delta, range, Method.HOEFFDING);
    }

    /**
     * The posterior-sampling alternative (§7 step 3): for each joint posterior draw V_s of the true
     * utility on the policies, compute E_γ|U − V_s|; return the (1 − δ) quantile (the
     * ⌈(1 − δ)S⌉-th smallest) over draws. Valid to the extent that the posterior is.
     *
     * @param prior        γ over the policies the draws cover (e.g. {@link Prior#uniform} over prior samples)
     * @param proxy        U on those policies
     * @param jointSamples S draws, each of length n (rows: draws)
     * @param delta        δ ∈ (0, 1)
     */
    public static Estimate posteriorQuantile(Prior prior, double[] proxy, double[][] jointSamples, double delta) {
        if (prior == null) throw new InvalidInputException("prior", "is missing (null)");
        SoftOptChecks.finite("proxy", proxy);
        SoftOptChecks.sameLength("proxy", proxy, prior.size(), "the prior");
        SoftOptChecks.probability("delta", delta);
        if (jointSamples == null || jointSamples.length == 0)
            throw new InvalidInputException("jointSamples", "no posterior draws given");
        int s = jointSamples.length;
        // on U and the draws scaled by a common power of two (exact): no |U − V| or sum overflows
        int scale = Scaling.exponent(proxy);
        for (double[] v : jointSamples)
            scale = Math.max(scale, Scaling.exponent(SoftOptChecks.finite("jointSamples", v)));
        double[] u = Scaling.scalb(proxy, -scale);
        double[] mae = new double[s];
        double mean = 0;
        for (int k = 0; k < s; k++) {
            double[] v = Scaling.scalb(jointSamples[k], -scale);
            SoftOptChecks.sameLength("jointSamples", v, proxy.length, "the proxy");
            double e = 0;
            for (int i = 0; i < v.length; i++) e += prior.weight(i) * Math.abs(u[i] - v[i]);
            mae[k] = e;
            mean += e / s;
        }
        Arrays.sort(mae);
        int rank = (int) Math.ceil((1 - delta) * s); // 1-based
        double eps = SoftOptChecks.representable(
                Math.scalb(mae[Math.min(s, Math.max(1, rank)) - 1], scale), "posterior-quantile epsilon");
        return new Estimate(eps, Math.scalb(mean, scale), s, delta, Double.NaN, Method.POSTERIOR_QUANTILE);
    }
}
