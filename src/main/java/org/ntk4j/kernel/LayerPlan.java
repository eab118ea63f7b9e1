package org.ntk4j.kernel;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Layer;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.activation.Numerical;

/**
 * The one compilation of an architecture: its recursion as a list of steps (docs/kernels.md §2–§3),
 * and the per-example variance recursion, which is cheap (O(n·layers)) and done once, before the
 * n1×n2 tiles. The CPU tiles run these steps; the GPU backend serializes them for its kernel.
 */
public final class LayerPlan {
    /** One step: a Dense affine map or a nonlinearity (Identity steps are dropped: they change nothing). */
    public sealed interface Step permits DenseStep, ActStep {}

    /**
     * Dense: NNGP K ← w2·K + b2; NTK Θ ← K_new + w2·Θ ('ntk') or Θ ← nIn·K_old + w2·Θ + bias ('standard').
     */
    public record DenseStep(double w2, double b2, double nIn, double biasTerm, boolean standard) implements Step {
        /** α of the NTK update written for both parameterizations as Θ ← α·K_old + β + w2·Θ. */
        public double ntkAlpha() {
            return standard ? nIn : w2;
        }

        /** β of that update. */
        public double ntkBeta() {
            return standard ? biasTerm : b2;
        }
    }

    /** A nonlinearity; {@code index} selects its pre-activation variances. */
    public record ActStep(Activation act, int index) implements Step {}

    final Step[] steps;
    final int activations;
    /** Whether every map gives bit-identical results for (c, q1, q2) and (c, q2, q1) (all but Numerical). */
    final boolean symmetricMaps;

    /** Compiles {@code arch} for inputs of dimension {@code inputDim} (the standard parameterization's first N_in). */
    public LayerPlan(Architecture arch, int inputDim) {
        List<Step> out = new ArrayList<>();
        boolean standard = arch.parameterization() == Parameterization.STANDARD;
        double width = inputDim; // finite width of the current activations (standard parameterization)
        int acts = 0;
        boolean symmetric = true;
        for (Layer l : arch.layers()) {
            if (l instanceof Dense d) {
                double b2 = d.hasBias() ? d.bStd() * d.bStd() : 0.0;
                out.add(new DenseStep(d.wStd() * d.wStd(), b2, width, d.hasBias() ? 1.0 : 0.0, standard));
                width = d.width();
            } else if (l instanceof Activation a && !a.isIdentity()) {
                out.add(new ActStep(a, acts++));
                if (a instanceof Numerical) symmetric = false;
            }
        }
        steps = out.toArray(new Step[0]);
        activations = acts;
        symmetricMaps = symmetric;
    }

    /** The steps in order; every ActStep directly follows a DenseStep (Architecture guarantees it). */
    public List<Step> steps() {
        return List.of(steps);
    }

    /** The number of ActSteps (the length of {@link #variances}'s {@code pre}). */
    public int activations() {
        return activations;
    }

    /**
     * Runs the variance recursion for the rows of one input. {@code pre[a]} receives the
     * pre-activation variances of activation a; the return value is the output variance (cov).
     * With a non-null {@code ntkDiag} (zeros on entry) it also receives Θ(x, x) per row.
     *
     * @param q0   input variances |x|²/d
     * @param name "x1" or "x2", for error messages
     */
    public double[] variances(double[] q0, double[][] pre, double[] ntkDiag, String name) {
        double[] v = q0.clone();
        int layer = 0;
        for (Step s : steps) {
            layer++;
            if (s instanceof DenseStep d) {
                double alpha = d.ntkAlpha(), beta = d.ntkBeta();
                for (int i = 0; i < v.length; i++) {
                    if (ntkDiag != null) ntkDiag[i] = alpha * v[i] + beta + d.w2() * ntkDiag[i];
                    v[i] = d.w2() * v[i] + d.b2();
                }
            } else {
                ActStep a = (ActStep) s;
                pre[a.index()] = v.clone();
                for (int i = 0; i < v.length; i++) {
                    if (ntkDiag != null) ntkDiag[i] *= a.act().ntkFactor(v[i], v[i], v[i]);
                    v[i] = a.act().variance(v[i]);
                }
            }
            KernelInputs.requireFiniteVariances(v, name, layer);
        }
        return v;
    }
}
