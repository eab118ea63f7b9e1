package org.ntk4j.evidence;

import org.ntk4j.arch.Architecture;
import org.ntk4j.kernel.LayerPlan;

/**
 * ∂M/∂W_std and ∂M/∂b_std by finite differences, for architectures with a nonlinearity that has no
 * closed-form tangent (Gelu, Sin, the quadrature of Numerical, ...): each entry's recursion
 * (docs/kernels.md §2–§3, the activations' own T and Ṫ) is run at the four points of
 * {@link Richardson} in each parameter and the results combined. Whole entries are differenced,
 * not the dual maps: a point and its duplicate (or itself) then stay exactly on the boundary
 * c² = q1q2 where some maps are not differentiable, as they do in the true derivative.
 */
final class DifferencePlan implements EntryDerivatives {
    /** The recursion at W_std + h, − h, + h/2, − h/2 (index order of {@link Richardson#points}). */
    private final ValueRecursion[] wPlans;
    /** The same in b_std, or null when no layer has a bias (then ∂M/∂b_std = 0). */
    private final ValueRecursion[] bPlans;

    private final double hw;
    private final double hb;

    private DifferencePlan(Architecture arch, Hyperparameters h, boolean ntk, int inputDim, double[] q0) {
        hw = Richardson.step(h.wStd());
        hb = Richardson.step(h.bStd());
        double[] wp = Richardson.points(h.wStd(), hw), bp = Richardson.points(h.bStd(), hb);
        wPlans = new ValueRecursion[4];
        for (int p = 0; p < 4; p++)
            wPlans[p] = new ValueRecursion(h.withWStd(wp[p]).applyTo(arch), ntk, inputDim, q0);
        if (Hyperparameters.hasBias(arch)) {
            bPlans = new ValueRecursion[4];
            for (int p = 0; p < 4; p++)
                bPlans[p] = new ValueRecursion(h.withBStd(bp[p]).applyTo(arch), ntk, inputDim, q0);
        } else {
            bPlans = null;
        }
    }

    static DifferencePlan of(Architecture arch, Hyperparameters h, boolean ntk, int inputDim, double[] q0) {
        return new DifferencePlan(arch, h, ntk, inputDim, q0);
    }

    @Override
    public Evidence.GradientMethod method() {
        return Evidence.GradientMethod.FINITE_DIFFERENCES;
    }

    @Override
    public Evaluator evaluator() {
        return (gram, i, j, out) -> {
            out[0] = differentiate(wPlans, hw, gram, i, j);
            out[1] = bPlans == null ? 0.0 : differentiate(bPlans, hb, gram, i, j);
        };
    }

    private static double differentiate(ValueRecursion[] plans, double h, double gram, int i, int j) {
        return Richardson.combine(
                plans[0].value(gram, i, j),
                plans[1].value(gram, i, j),
                plans[2].value(gram, i, j),
                plans[3].value(gram, i, j),
                h);
    }

    /** The value recursion of one entry with one architecture's parameters (its per-point variances prepared). */
    static final class ValueRecursion {
        private final LayerPlan.Step[] steps;
        private final double[][] pre;
        private final boolean ntk;

        ValueRecursion(Architecture arch, boolean ntk, int inputDim, double[] q0) {
            LayerPlan plan = new LayerPlan(arch, inputDim);
            this.steps = plan.steps().toArray(new LayerPlan.Step[0]);
            this.pre = new double[plan.activations()][];
            this.ntk = ntk;
            plan.variances(q0, pre, null, "xTrain");
        }

        /** M_ij at these parameters. */
        double value(double gram, int i, int j) {
            double k = gram, th = 0;
            for (LayerPlan.Step s : steps) {
                if (s instanceof LayerPlan.DenseStep d) {
                    th = d.ntkAlpha() * k + d.ntkBeta() + d.w2() * th;
                    k = d.w2() * k + d.b2();
                } else {
                    LayerPlan.ActStep a = (LayerPlan.ActStep) s;
                    double q1 = pre[a.index()][i], q2 = pre[a.index()][j];
                    th *= a.act().ntkFactor(k, q1, q2);
                    k = a.act().nngp(k, q1, q2);
                }
            }
            return ntk ? th : k;
        }
    }
}
