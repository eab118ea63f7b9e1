package org.ntk4j.solve;

import java.util.Locale;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.PredictOptions;

/**
 * The AUTO rule: EXACT while n ≤ {@link #EXACT_MAX_N} (a dense Cholesky of 20k points takes about
 * a minute on 2 cores; its cost grows as n³) and its dense kernels and factor fit the memory budget;
 * else CG while λ > 0 and the cached tiles plus the variance right-hand sides fit; else NYSTROM.
 * An explicit choice is honoured (and checked for what it needs).
 *
 * @param kind   the solver to run (never AUTO)
 * @param reason one line: why
 */
public record SolverChoice(SolverKind kind, String reason) {
    public static final int EXACT_MAX_N = 20_000;

    public static SolverChoice choose(int n, int m, int k, Get get, PredictOptions o, SolverOptions so) {
        boolean ntk = get != Get.NNGP, reg = !o.regularization().isZero();
        long budget = so.memoryBudget();
        int kinds = get == Get.NTK ? 2 : 1;
        // exact: the train-train kernels, computed off-heap and factored in place (Predict), or on the heap
        // plus a factor copy when the kernels are returned; test-train kernels (+ NTK covariance workspace)
        boolean ntkCov = get == Get.NTK && o.covariance() != CovarianceMode.NONE;
        long exact = 8L * n * n * (o.returnKernels() ? (ntk ? 2 : 1) + 1 + (ntkCov ? 1 : 0) : (ntkCov ? 2 : 1))
                + 8L * m * n * (2 + kinds);
        long cg = 8L * n * n * (ntk ? 2 : 1) + 8L * n * (k + 3L * m + so.rankFor(n));
        String mem = String.format(Locale.ROOT, "budget %.1f GiB", budget / 1073741824.0);
        switch (so.solver()) {
            case EXACT:
                return new SolverChoice(SolverKind.EXACT, "requested");
            case CG:
                if (!reg)
                    throw new InvalidInputException(
                            "diagReg", "the cg solver needs a regularizer > 0; set diagReg or use the exact solver");
                return new SolverChoice(SolverKind.CG, "requested");
            case NYSTROM:
                if (!reg)
                    throw new InvalidInputException(
                            "diagReg",
                            "the nystrom solver needs a regularizer > 0; set diagReg or use the exact solver");
                return new SolverChoice(SolverKind.NYSTROM, "requested");
            case FALKON:
                if (!reg)
                    throw new InvalidInputException(
                            "diagReg",
                            "the falkon solver needs a regularizer > 0; set diagReg or use the exact solver");
                return new SolverChoice(SolverKind.FALKON, "requested");
            default:
        }
        if (n <= EXACT_MAX_N && exact <= budget)
            return new SolverChoice(
                    SolverKind.EXACT,
                    String.format(
                            Locale.ROOT,
                            "auto: n = %d <= %d and %.2f GiB fit the %s",
                            n,
                            EXACT_MAX_N,
                            exact / 1073741824.0,
                            mem));
        if (!reg) {
            if (exact <= budget)
                return new SolverChoice(SolverKind.EXACT, "auto: diagReg = 0 rules out the iterative solvers");
            throw new InsufficientMemoryException(
                    "the exact solve (iterative solvers need diagReg > 0; set one)", exact, budget);
        }
        if (cg <= budget)
            return new SolverChoice(
                    SolverKind.CG,
                    String.format(
                            Locale.ROOT,
                            "auto: n = %d > %d or exact does not fit; cached CG tiles %.2f GiB fit the %s",
                            n,
                            EXACT_MAX_N,
                            cg / 1073741824.0,
                            mem));
        return new SolverChoice(
                SolverKind.NYSTROM,
                String.format(
                        Locale.ROOT, "auto: n = %d, CG tiles (%.1f GiB) exceed the %s", n, cg / 1073741824.0, mem));
    }
}
