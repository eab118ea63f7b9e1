package org.ntk4j.solve;

/**
 * The result of a (block) conjugate-gradient solve A·X = B for k right-hand sides.
 *
 * @param x                  the solution, column-major n×k
 * @param k                  number of right-hand sides
 * @param iterations         iterations run (the slowest column's)
 * @param relativeResiduals  per column, the true relative residual ‖b − A·x‖/‖b‖ recomputed from x
 *                           after the iteration (0 for a zero right-hand side)
 * @param residualNorms      per column, ‖b − A·x‖
 * @param converged          whether every column reached the tolerance within the iteration cap
 */
public record CgResult(
        double[] x, int k, int iterations, double[] relativeResiduals, double[] residualNorms, boolean converged) {
    public CgResult {
        if (x == null
                || relativeResiduals == null
                || residualNorms == null
                || relativeResiduals.length != k
                || residualNorms.length != k) throw new IllegalArgumentException("cg result: inconsistent shapes");
        x = x.clone();
        relativeResiduals = relativeResiduals.clone();
        residualNorms = residualNorms.clone();
    }

    @Override
    public double[] x() {
        return x.clone();
    }

    @Override
    public double[] relativeResiduals() {
        return relativeResiduals.clone();
    }

    @Override
    public double[] residualNorms() {
        return residualNorms.clone();
    }

    /** The largest relative residual over the columns. */
    public double maxRelativeResidual() {
        double m = 0;
        for (double v : relativeResiduals) m = Math.max(m, v);
        return m;
    }
}
