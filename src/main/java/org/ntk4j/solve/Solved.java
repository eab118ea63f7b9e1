package org.ntk4j.solve;

import org.ntk4j.predict.Posterior;

/** A posterior together with the report of the solver that produced it. */
public record Solved(Posterior posterior, SolveReport report) {
    public Solved {
        if (posterior == null || report == null)
            throw new IllegalArgumentException("solved: posterior and report are required");
    }
}
