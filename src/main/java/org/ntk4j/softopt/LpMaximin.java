package org.ntk4j.softopt;

import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InvalidInputException;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * The maximin policy distribution for any {@link AdversarySet} given by linear constraints,
 * solved as one linear program with ojAlgo's simplex (§4.8 "General solver"). By LP duality of the
 * adversary's inner problem max_{e,s} p·e s.t. Ae + Bs ≤ b,
 * <pre>  max_{p, y}  U·p − b·y   s.t.  Aᵀy ≥ p  (= p if e is free),  Bᵀy ≥ 0,  y ≥ 0,  Σp = 1,  p ≥ 0.</pre>
 * This is slower than the closed forms ({@link Maximin}, {@link LowerBandMaximin}) and is the
 * reference they are tested against.
 */
public final class LpMaximin {
    private LpMaximin() {}

    /**
     * An LP maximin solution.
     *
     * @param probabilities the maximin p (clipped at 0 and renormalized against solver round-off)
     * @param value         the guaranteed expected true utility, U·p − b·y at the optimum
     * @param dual          y, the multipliers of the adversary's constraints
     */
    public record Solution(double[] probabilities, double value, double[] dual) {
        public Solution {
            probabilities = probabilities.clone();
            dual = dual.clone();
        }

        @Override
        public double[] probabilities() {
            return probabilities.clone();
        }

        @Override
        public double[] dual() {
            return dual.clone();
        }
    }

    /** Solves the maximin LP for proxy utility U against the adversary set. */
    public static Solution solve(double[] utility, AdversarySet set) {
        SoftOptChecks.finite("utility", utility);
        if (set == null) throw new InvalidInputException("set", "is missing (null)");
        SoftOptChecks.sameLength("utility", utility, set.policies(), "the adversary set");
        int n = set.policies(), m = set.rows(), k = set.auxiliaries();
        ExpressionsBasedModel model = new ExpressionsBasedModel();
        Variable[] p = new Variable[n];
        Variable[] y = new Variable[m];
        for (int i = 0; i < n; i++) p[i] = model.addVariable("p" + i).lower(0).weight(utility[i]);
        for (int r = 0; r < m; r++) y[r] = model.addVariable("y" + r).lower(0).weight(-set.rhs(r));
        Expression sum = model.addExpression("sum").level(1);
        for (int i = 0; i < n; i++) sum.set(p[i], 1);
        for (int i = 0; i < n; i++) {
            Expression c = model.addExpression("dualA" + i);
            for (int r = 0; r < m; r++) if (set.a(r, i) != 0) c.set(y[r], set.a(r, i));
            c.set(p[i], -1);
            if (set.errorNonNegative()) c.lower(0);
            else c.level(0);
        }
        for (int j = 0; j < k; j++) {
            Expression c = model.addExpression("dualB" + j).lower(0);
            for (int r = 0; r < m; r++) if (set.b(r, j) != 0) c.set(y[r], set.b(r, j));
        }
        Optimisation.Result res = model.maximise();
        if (!res.getState().isOptimal()) {
            if (res.getState() == Optimisation.State.UNBOUNDED)
                throw new IllPosedProblemException("maximin LP is unbounded: the adversary set is empty "
                        + "(some bound b is too small for e = 0, s = 0 to be feasible)");
            throw new IllPosedProblemException("maximin LP not solved (state " + res.getState()
                    + "): every distribution has value -infinity under this adversary set");
        }
        double[] pv = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            pv[i] = Math.max(0, res.doubleValue(i));
            total += pv[i];
        }
        double[] yv = new double[m];
        for (int r = 0; r < m; r++) yv[r] = Math.max(0, res.doubleValue(n + r));
        double value = 0;
        for (int i = 0; i < n; i++) {
            pv[i] /= total;
            value += utility[i] * pv[i];
        }
        for (int r = 0; r < m; r++) value -= set.rhs(r) * yv[r];
        return new Solution(pv, value, yv);
    }
}
