package org.ntk4j.correction;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Layer;
import org.ntk4j.arch.activation.Identity;
import org.ntk4j.error.InvalidInputException;

/**
 * An architecture read as the 1/n recursion sees it (docs/finite-width.md §2): the first Dense layer
 * maps the inputs to the deterministic covariance G⁰ = σ_b² + σ_w²·x·x′/d; every later Dense layer
 * is a {@link Transition} through the nonlinearity before it (the identity when two Dense layers
 * follow each other) over a hidden layer of width n.
 *
 * @param first       (σ_w², σ_b²) of the first Dense layer
 * @param transitions the later Dense layers, the readout last
 */
record CorrectionPlan(Transition first, List<Transition> transitions) {
    /** One Dense layer after a hidden layer: Ĝ′ = σ_b² + (σ_w²/n)·Σᵢ φ(zᵢ(a))·φ(zᵢ(b)). */
    record Transition(Activation phi, double w2, double b2) {}

    CorrectionPlan {
        transitions = List.copyOf(transitions);
    }

    /** The plan of {@code arch}; it must end in a Dense readout (Identity layers are ignored). */
    static CorrectionPlan of(Architecture arch) {
        if (arch == null) throw new InvalidInputException("architecture", "is null");
        Transition first = null;
        Activation pending = null;
        List<Transition> out = new ArrayList<>();
        for (Layer layer : arch.layers()) {
            if (layer instanceof Activation a) {
                if (!a.isIdentity()) pending = a;
                continue;
            }
            Dense d = (Dense) layer;
            double w2 = d.wStd() * d.wStd(), b2 = d.bStd() * d.bStd();
            if (first == null) first = new Transition(new Identity(), w2, b2);
            else out.add(new Transition(pending == null ? new Identity() : requireContinuous(pending), w2, b2));
            pending = null;
        }
        if (first == null)
            throw new InvalidInputException("architecture", "needs a Dense layer; the correction is about its widths");
        if (pending != null)
            throw new InvalidInputException(
                    "architecture",
                    "ends in " + pending.describe()
                            + "; the 1/n correction is defined for the pre-activation of a Dense readout: end the"
                            + " architecture with Dense");
        return new CorrectionPlan(first, out);
    }

    /**
     * A φ with a jump (Sign, the step function) has a delta for φ′, which {@link Activation#derivative}
     * does not represent (it returns 0 by convention), so the derivatives of §4 would be wrong.
     */
    private static Activation requireContinuous(Activation a) {
        double e = 1e-12;
        double lo = a.apply(-e), hi = a.apply(e);
        if (Math.abs(hi - lo) > 1e-6 * (1 + Math.abs(hi) + Math.abs(lo)))
            throw new InvalidInputException(
                    "architecture",
                    a.describe() + " jumps at 0; the 1/n correction needs a continuous nonlinearity (φ′ enters it)");
        return a;
    }
}
