package org.ntk4j.correction;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;

/**
 * Expectations over a centred Gaussian in one or two dimensions by a quadrature that is exact to
 * rounding for the kinked activations (docs/finite-width.md §4): the standard-normal variable is
 * written in polar form (radius r, angle θ) and every kink of φ at 0 becomes a boundary of the
 * pieces, so each piece integrates a smooth function.
 *
 * <ul>
 *   <li>Radius: Gauss–Legendre on {@link #PANELS} panels of [0, {@value #R_MAX}] (the Gaussian mass
 *       beyond is below 1e-40 for the polynomially growing integrands here).</li>
 *   <li>Angle (2-D): the circle is cut where u = 0 or v = 0 (four angles) and each arc gets
 *       Gauss–Legendre with {@link #ANGLE_NODES} nodes.</li>
 *   <li>1-D: u = √q·t over t ∈ (−∞, 0) and (0, ∞) separately, with the radial rule.</li>
 * </ul>
 * Kinks elsewhere than at 0 are not split and converge only algebraically.
 */
final class GaussianQuadrature {
    static final double R_MAX = 14.0;
    static final int PANELS = 7;
    static final int PANEL_NODES = 16;
    static final int ANGLE_NODES = 24;

    /** Radial nodes t_k > 0 and weights: ∫₀^∞ g(t) dt ≈ Σ w_k g(t_k) for the smooth integrands here. */
    private static final double[] RADIUS;

    private static final double[] RADIUS_WEIGHT;
    /** Gauss–Legendre on [−1, 1] for the arcs. */
    private static final double[] ARC_NODE;

    private static final double[] ARC_WEIGHT;

    static {
        GaussIntegratorFactory factory = new GaussIntegratorFactory();
        GaussIntegrator panel = factory.legendre(PANEL_NODES);
        RADIUS = new double[PANELS * PANEL_NODES];
        RADIUS_WEIGHT = new double[RADIUS.length];
        double h = R_MAX / PANELS;
        for (int p = 0; p < PANELS; p++)
            for (int k = 0; k < PANEL_NODES; k++) {
                RADIUS[p * PANEL_NODES + k] = h * (p + 0.5 * (panel.getPoint(k) + 1));
                RADIUS_WEIGHT[p * PANEL_NODES + k] = 0.5 * h * panel.getWeight(k);
            }
        GaussIntegrator arc = factory.legendre(ANGLE_NODES);
        ARC_NODE = new double[ANGLE_NODES];
        ARC_WEIGHT = new double[ANGLE_NODES];
        for (int k = 0; k < ANGLE_NODES; k++) {
            ARC_NODE[k] = arc.getPoint(k);
            ARC_WEIGHT[k] = arc.getWeight(k);
        }
    }

    private GaussianQuadrature() {}

    /** A point of a 1-D rule: the standard-normal value t and its probability weight. */
    interface Visitor1 {
        void accept(double t, double weight);
    }

    /** A point of a 2-D rule: the whitened coordinates (ξ1, ξ2) and the probability weight. */
    interface Visitor2 {
        void accept(double xi1, double xi2, double weight);
    }

    /** Visits the nodes of E[g(t)], t ~ N(0, 1), split at t = 0. */
    static void standardNormal(Visitor1 visitor) {
        double norm = 1 / Math.sqrt(2 * Math.PI);
        for (int k = 0; k < RADIUS.length; k++) {
            double t = RADIUS[k];
            double w = RADIUS_WEIGHT[k] * norm * Math.exp(-0.5 * t * t);
            visitor.accept(t, w);
            visitor.accept(-t, w);
        }
    }

    /** E[g(t)], t ~ N(0, 1). */
    static double expect(DoubleUnaryOperator g) {
        double[] s = {0};
        standardNormal((t, w) -> s[0] += w * g.applyAsDouble(t));
        return s[0];
    }

    /**
     * Visits the nodes of E[g(ξ)], ξ ~ N(0, I₂), with the circle cut at the given angles (radians;
     * the directions where a coordinate of the integrand's argument changes sign).
     */
    static void standardNormal2(double[] cuts, Visitor2 visitor) {
        double twoPi = 2 * Math.PI;
        double[] a = new double[cuts.length + 1];
        for (int i = 0; i < cuts.length; i++) a[i] = ((cuts[i] % twoPi) + twoPi) % twoPi;
        Arrays.sort(a, 0, cuts.length);
        a[cuts.length] = a[0] + twoPi;
        double[] radialWeight = new double[RADIUS.length];
        for (int k = 0; k < RADIUS.length; k++) {
            double r = RADIUS[k];
            // the 2-D standard normal in polar form: (1/2π)·r·e^{−r²/2} dr dθ
            radialWeight[k] = RADIUS_WEIGHT[k] * r * Math.exp(-0.5 * r * r) / twoPi;
        }
        for (int p = 0; p < cuts.length; p++) {
            double lo = a[p], hi = a[p + 1];
            if (hi - lo <= 0) continue;
            double half = 0.5 * (hi - lo), mid = 0.5 * (hi + lo);
            for (int j = 0; j < ANGLE_NODES; j++) {
                double th = mid + half * ARC_NODE[j];
                double wa = half * ARC_WEIGHT[j];
                double cs = Math.cos(th), sn = Math.sin(th);
                for (int k = 0; k < RADIUS.length; k++) {
                    double r = RADIUS[k];
                    visitor.accept(r * cs, r * sn, wa * radialWeight[k]);
                }
            }
        }
    }
}
