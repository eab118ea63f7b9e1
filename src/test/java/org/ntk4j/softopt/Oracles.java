package org.ntk4j.softopt;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.rng.UniformRandomProvider;

/** Independent references for the tests: literal E1 by brute force, and Commons Math simplex LPs. */
final class Oracles {
    private Oracles() {}

    /** E1 exactly as written: A(π), T(π) by O(n²) sums. */
    static double[] quantilizerBruteForce(double[] g, double[] u, double q) {
        int n = g.length;
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            if (g[i] == 0) continue;
            double a = 0, t = 0;
            for (int j = 0; j < n; j++) {
                if (u[j] > u[i]) a += g[j];
                if (u[j] == u[i]) t += g[j];
            }
            if (a >= q) p[i] = 0;
            else if (a + t <= q) p[i] = g[i] / q;
            else p[i] = g[i] / t * (q - a) / q;
        }
        return p;
    }

    /** max_p U·p − ε y s.t. p ≤ γ y, Σp = 1 (the B1 maximin LP) with Commons Math's simplex; returns the value. */
    static double b1MaximinValue(double[] g, double[] u, double eps) {
        int n = g.length;
        double[] obj = new double[n + 1];
        System.arraycopy(u, 0, obj, 0, n);
        obj[n] = -eps;
        List<LinearConstraint> cs = new ArrayList<>();
        double[] sum = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double[] c = new double[n + 1];
            c[i] = 1;
            c[n] = -g[i];
            cs.add(new LinearConstraint(c, Relationship.LEQ, 0));
            sum[i] = 1;
        }
        cs.add(new LinearConstraint(sum, Relationship.EQ, 1));
        PointValuePair r = new SimplexSolver(1e-9, 10, 1e-14)
                .optimize(
                        new MaxIter(100000),
                        new LinearObjectiveFunction(obj, 0),
                        new LinearConstraintSet(cs),
                        GoalType.MAXIMIZE,
                        new NonNegativeConstraint(true));
        return r.getValue();
    }

    /**
     * The inner problem of (E8) literally: min_V E_p[V] s.t. E_γ|U − V| ≤ ε, with V = U − e⁺ + e⁻
     * (e± ≥ 0); i.e. E_pU − max p·(e⁺ − e⁻) s.t. γ·(e⁺ + e⁻) ≤ ε. Bounded only if supp p ⊆ supp γ.
     */
    static double innerMin(double[] g, double[] u, double[] p, double eps) {
        int n = g.length;
        double[] obj = new double[2 * n];
        double[] budget = new double[2 * n];
        double base = 0;
        for (int i = 0; i < n; i++) {
            obj[i] = p[i];
            obj[n + i] = -p[i];
            budget[i] = g[i];
            budget[n + i] = g[i];
            base += p[i] * u[i];
        }
        List<LinearConstraint> cs = List.of(new LinearConstraint(budget, Relationship.LEQ, eps));
        PointValuePair r = new SimplexSolver(1e-9, 10, 1e-14)
                .optimize(
                        new MaxIter(100000),
                        new LinearObjectiveFunction(obj, 0),
                        new LinearConstraintSet(cs),
                        GoalType.MAXIMIZE,
                        new NonNegativeConstraint(true));
        return base - r.getValue();
    }

    /** max_p U·p s.t. 0 ≤ p ≤ γ/q, Σp = 1 (Taylor's E4) with Commons Math; returns the value. */
    static double cappedMax(double[] g, double[] u, double q) {
        int n = g.length;
        List<LinearConstraint> cs = new ArrayList<>();
        double[] sum = new double[n];
        for (int i = 0; i < n; i++) {
            double[] c = new double[n];
            c[i] = 1;
            cs.add(new LinearConstraint(c, Relationship.LEQ, g[i] / q));
            sum[i] = 1;
        }
        cs.add(new LinearConstraint(sum, Relationship.EQ, 1));
        return new SimplexSolver(1e-9, 10, 1e-14)
                .optimize(
                        new MaxIter(100000),
                        new LinearObjectiveFunction(u, 0),
                        new LinearConstraintSet(cs),
                        GoalType.MAXIMIZE,
                        new NonNegativeConstraint(true))
                .getValue();
    }

    /** A random instance: n policies, prior with some zeros, utilities continuous or with ties. */
    record Instance(double[] prior, double[] utility) {
        Prior gamma() {
            return Prior.normalize(prior);
        }
    }

    static Instance randomInstance(UniformRandomProvider rng, int n) {
        double[] g = new double[n];
        double[] u = new double[n];
        boolean ties = rng.nextBoolean();
        double s = 0;
        for (int i = 0; i < n; i++) {
            g[i] = rng.nextDouble() < 0.15 ? 0 : -Math.log(rng.nextDouble()); // exponential weights, some zero
            u[i] = ties ? rng.nextInt(6) - 2 : 10 * rng.nextDouble() - 5;
            s += g[i];
        }
        if (s == 0) g[rng.nextInt(n)] = 1;
        return new Instance(Prior.normalize(g).weights(), u);
    }
}
