package org.ntk4j.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maximizes the log marginal likelihood ({@link MarginalLikelihood}) — or, on request, the K-fold
 * cross-validated predictive log likelihood ({@link CrossValidation}) — over (W_std, b_std, λ) by
 * Commons Math's BOBYQA (Powell's bound-constrained trust-region method on quadratic models, without
 * derivatives), on the log scale of each parameter within the box
 * W_std ∈ [{@value #W_MIN}, {@value #W_MAX}], b_std ∈ [{@value #B_MIN}, {@value #B_MAX}],
 * λ ∈ [{@value #NOISE_MIN}, {@value #NOISE_MAX}] × the targets' scale ({@link #targetScale}). b_std is
 * left out when no Dense layer has a bias. Several starts: the architecture's own W_std and b_std
 * first ({@link Hyperparameters#of}), then points drawn uniformly on the log box; the best end wins.
 *
 * <p>Why log scales: the likelihood varies over orders of magnitude of λ and b_std, and positivity
 * becomes a box. Why derivative-free although the gradient exists: BOBYQA is the bound-constrained
 * optimizer Commons Math ships; the gradient is used after the search, for the reported projected
 * gradient norm and the Laplace standard errors (Hessian by central differences of the gradient, step
 * {@value #HESSIAN_STEP} on the log scale).
 *
 * Under cross-validation the gradient is not needed (BOBYQA needs none): the reported gradient norm
 * comes from central differences and there are no standard errors ({@link FitResult.StandardErrors}).
 *
 * <p>A start ends when BOBYQA's trust region shrinks to {@value #STOPPING_RADIUS}, when its best value
 * has risen by less than {@value #PLATEAU_RISE} over its last {@value #PLATEAU_WINDOW} evaluations
 * (docs/evidence.md §7), or at the options' evaluation limit.
 *
 * <p>A point where the likelihood cannot be evaluated (a kernel that overflows, a matrix singular
 * even with jitter, a non-finite likelihood) counts as the worst value, so the search moves away from it.
 */
public final class HyperparameterFit {
    private static final Logger LOG = LoggerFactory.getLogger(HyperparameterFit.class);

    public static final double W_MIN = 0.05;
    public static final double W_MAX = 10;
    public static final double B_MIN = 1e-4;
    public static final double B_MAX = 5;
    /** λ bounds relative to {@link #targetScale}. */
    public static final double NOISE_MIN = 1e-8;

    public static final double NOISE_MAX = 10;
    /** BOBYQA's initial and final trust-region radii on the log scale. */
    static final double INITIAL_RADIUS = 0.5;

    static final double STOPPING_RADIUS = 1e-4;
    /**
     * A start also ends when its best objective value has risen by less than {@value #PLATEAU_RISE}
     * (log-likelihood units) over its last {@value #PLATEAU_WINDOW} evaluations.
     */
    static final double PLATEAU_RISE = 1e-3;

    static final int PLATEAU_WINDOW = 20;
    /** Central-difference step of the Hessian, on the log scale. */
    static final double HESSIAN_STEP = 1e-3;
    /** Central-difference step of the cross-validated likelihood's reported gradient, on the log scale. */
    static final double DIFFERENCE_STEP = 1e-4;
    /** A parameter within this distance of a bound (log scale) is at the bound. */
    static final double AT_BOUND = 1e-4;
    /** The objective's value where the likelihood cannot be evaluated. */
    private static final double WORST = 1e300;

    private HyperparameterFit() {}

    /**
     * The scale var(y) of the targets that the noise bounds are relative to: the variance of all
     * entries of Y pooled over the outputs; the mean square when that is 0 (constant targets); 1 when
     * both are 0.
     */
    public static double targetScale(Matrix y) {
        double[] v = y.toColumnMajor();
        double mean = 0, sq = 0;
        for (double x : v) mean += x / v.length;
        for (double x : v) sq += (x - mean) * (x - mean) / v.length;
        if (sq > 0) return sq;
        double ms = 0;
        for (double x : v) ms += x * x / v.length;
        return ms > 0 ? ms : 1.0;
    }

    /**
     * Fits the hyperparameters of {@code ml}'s architecture to its data, maximizing the objective the
     * options choose: the LML, or the K-fold cross-validated predictive log likelihood
     * ({@link CrossValidation}, folds from the options' seed).
     */
    public static FitResult fit(MarginalLikelihood ml, FitOptions options) {
        if (ml == null) throw new InvalidInputException("ml", "is null");
        FitOptions o = options == null ? FitOptions.defaults() : options;
        CrossValidation cv =
                o.objective() == FitObjective.CROSS_VALIDATION ? CrossValidation.of(ml, o.folds(), o.seed()) : null;
        Target target = cv == null ? h -> evaluate(ml, h) : h -> evaluate(cv, h);
        Space space = new Space(Hyperparameters.hasBias(ml.architecture()), targetScale(ml.targets()));
        double noise0 = Double.isNaN(o.initialNoise()) ? 0.1 * space.scale : o.initialNoise();
        Random rng = new Random(o.seed());
        List<FitResult.Start> starts = new ArrayList<>();
        int evaluations = 0;
        double[] best = null;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < o.starts(); s++) {
            double[] u0 = s == 0
                    ? space.clamp(space.toLog(Hyperparameters.of(ml.architecture(), noise0)))
                    : space.random(rng);
            Objective f = new Objective(target, space);
            double[] u = search(f, space, u0, o.maxEvaluationsPerStart());
            evaluations += f.count;
            Hyperparameters end = space.fromLog(u);
            // under cross-validation a start's LML is one more evaluation, so that "lml" always means the LML
            double lml = cv == null ? f.bestValue : evaluate(ml, end);
            if (cv != null) evaluations++;
            starts.add(
                    new FitResult.Start(space.fromLog(u0), end, lml, cv == null ? Double.NaN : f.bestValue, f.count));
            LOG.debug(
                    "start {}: {} -> {}, objective {}, {} evaluations",
                    s,
                    space.fromLog(u0),
                    end,
                    f.bestValue,
                    f.count);
            if (f.bestValue > bestValue) {
                bestValue = f.bestValue;
                best = u;
            }
        }
        if (best == null)
            throw new IllPosedProblemException(
                    "the " + (cv == null ? "marginal likelihood" : "cross-validated likelihood")
                            + " could not be evaluated anywhere in the search box"
                            + " (W_std in [0.05, 10], b_std in [1e-4, 5], noise in [1e-8, 10] x var(y)); check the architecture and the data");
        Hyperparameters h = space.fromLog(best);
        boolean[] free = space.free(best);
        if (cv != null) {
            Evidence e = ml.evaluate(h);
            double[] g = differenceGradient(target, space, best, free);
            return new FitResult(
                    h,
                    h.applyTo(ml.architecture()),
                    e,
                    norm(g, free),
                    evaluations + 1 + 2 * count(free),
                    starts,
                    FitResult.StandardErrors.NONE,
                    FitObjective.CROSS_VALIDATION,
                    bestValue);
        }
        Evidence e = ml.evaluateWithGradient(h);
        double[] g = space.logGradient(e, h);
        Laplace lap = laplace(ml, space, best, free);
        evaluations += 1 + lap.evaluations;
        return new FitResult(
                h,
                h.applyTo(ml.architecture()),
                e,
                norm(g, free),
                evaluations,
                starts,
                lap.errors,
                FitObjective.LML,
                Double.NaN);
    }

    /** The Euclidean norm of {@code g} over the free parameters. */
    private static double norm(double[] g, boolean[] free) {
        double s = 0;
        for (int j = 0; j < g.length; j++) if (free[j]) s += g[j] * g[j];
        return Math.sqrt(s);
    }

    private static int count(boolean[] free) {
        int c = 0;
        for (boolean f : free) if (f) c++;
        return c;
    }

    /**
     * Central differences (step {@value #DIFFERENCE_STEP} on the log scale) of the objective over the
     * free parameters; 0 for the others. why differences: the cross-validated likelihood has no
     * analytic gradient here, and this one only reports how converged the search is.
     */
    private static double[] differenceGradient(Target target, Space space, double[] u, boolean[] free) {
        double[] g = new double[u.length];
        for (int j = 0; j < u.length; j++) {
            if (!free[j]) continue;
            double[] up = u.clone(), dn = u.clone();
            up[j] += DIFFERENCE_STEP;
            dn[j] -= DIFFERENCE_STEP;
            double fu = target.value(space.fromLog(up)), fd = target.value(space.fromLog(dn));
            // a neighbour that cannot be evaluated: no finite slope to report there
            g[j] = Double.isFinite(fu) && Double.isFinite(fd) ? (fu - fd) / (2 * DIFFERENCE_STEP) : 0;
        }
        return g;
    }

    /** One BOBYQA run from u0; returns the best point it evaluated. */
    private static double[] search(Objective f, Space space, double[] u0, int maxEval) {
        int dim = u0.length;
        // a full quadratic model ((dim + 1)(dim + 2)/2 points, 10 in 3-D) rather than the minimal 2·dim + 1:
        // fewer evaluations on the curved ridges these likelihoods have (measured: about 1.5x fewer)
        BOBYQAOptimizer opt = new BOBYQAOptimizer((dim + 1) * (dim + 2) / 2, INITIAL_RADIUS, STOPPING_RADIUS);
        try {
            opt.optimize(
                    new MaxEval(maxEval),
                    new ObjectiveFunction(f),
                    GoalType.MINIMIZE,
                    new InitialGuess(u0),
                    new SimpleBounds(space.lower(), space.upper()));
        } catch (TooManyEvaluationsException e) {
            LOG.debug("a start used its {} evaluations; keeping its best point", maxEval);
        } catch (Plateau e) {
            LOG.debug("a start ended on a plateau after {} evaluations", f.count);
        }
        // why the tracked best rather than BOBYQA's answer: after running out of evaluations it returns nothing
        return f.bestPoint == null ? u0 : f.bestPoint;
    }

    /** The function maximized, at some hyperparameters: −∞ where it cannot be evaluated. */
    @FunctionalInterface
    private interface Target {
        double value(Hyperparameters h);
    }

    /** Thrown by {@link Objective} to end a start whose progress has stalled ({@link #PLATEAU_RISE}). */
    private static final class Plateau extends RuntimeException {
        Plateau() {
            super(null, null, false, false);
        }
    }

    /**
     * −objective on the log scale, remembering the best point evaluated, and ending the start on a
     * plateau. why a plateau rule besides BOBYQA's radius: where the likelihood is nearly flat in a
     * direction (b_std drifting towards 0, a long curved ridge between b_std and λ) BOBYQA advances by
     * tiny gains for hundreds of evaluations; gains of 1e-3 in log likelihood are far below what
     * the data can tell apart (a likelihood ratio of 1.001).
     */
    private static final class Objective implements org.apache.commons.math3.analysis.MultivariateFunction {
        private final Target target;
        private final Space space;
        int count;
        double bestValue = Double.NEGATIVE_INFINITY;
        double[] bestPoint;
        private final List<Double> bestSoFar = new ArrayList<>();

        Objective(Target target, Space space) {
            this.target = target;
            this.space = space;
        }

        @Override
        public double value(double[] u) {
            count++;
            double v = target.value(space.fromLog(u));
            if (v > bestValue) {
                bestValue = v;
                bestPoint = u.clone();
            }
            bestSoFar.add(bestValue);
            if (count > PLATEAU_WINDOW
                    && Double.isFinite(bestValue)
                    && bestValue - bestSoFar.get(count - 1 - PLATEAU_WINDOW) < PLATEAU_RISE) throw new Plateau();
            return Double.isFinite(v) ? -v : WORST;
        }
    }

    /** The LML, or −∞ where it cannot be evaluated (see the class comment). */
    static double evaluate(MarginalLikelihood ml, Hyperparameters h) {
        try {
            return ml.evaluate(h).lml();
        } catch (IllPosedProblemException e) { // singular, or not finite (NonFiniteResultException)
            return Double.NEGATIVE_INFINITY;
        } catch (InvalidInputException e) {
            if (e.argument().equals("arch")) return Double.NEGATIVE_INFINITY; // the kernel overflows at these values
            throw e;
        }
    }

    /** The cross-validated log likelihood, or −∞ where it cannot be evaluated (as {@link #evaluate(MarginalLikelihood, Hyperparameters)}). */
    static double evaluate(CrossValidation cv, Hyperparameters h) {
        try {
            return cv.logLikelihood(h);
        } catch (IllPosedProblemException e) {
            return Double.NEGATIVE_INFINITY;
        } catch (InvalidInputException e) {
            if (e.argument().equals("arch")) return Double.NEGATIVE_INFINITY;
            throw e;
        }
    }

    private record Laplace(FitResult.StandardErrors errors, int evaluations) {}

    /** Standard errors from the Hessian of −LML over the free parameters (central differences of the log-scale gradient). */
    private static Laplace laplace(MarginalLikelihood ml, Space space, double[] u, boolean[] free) {
        int dim = u.length, m = 0;
        int[] idx = new int[dim];
        for (int j = 0; j < dim; j++) if (free[j]) idx[m++] = j;
        Double[] se = new Double[dim];
        int evals = 0;
        if (m > 0) {
            double[][] hess = new double[m][m];
            try {
                for (int a = 0; a < m; a++) {
                    double[] up = u.clone(), dn = u.clone();
                    up[idx[a]] += HESSIAN_STEP;
                    dn[idx[a]] -= HESSIAN_STEP;
                    Hyperparameters hu = space.fromLog(up), hd = space.fromLog(dn);
                    double[] gu = space.logGradient(ml.evaluateWithGradient(hu), hu);
                    double[] gd = space.logGradient(ml.evaluateWithGradient(hd), hd);
                    evals += 2;
                    for (int b = 0; b < m; b++) hess[a][b] = -(gu[idx[b]] - gd[idx[b]]) / (2 * HESSIAN_STEP);
                }
                RealMatrix h = new Array2DRowRealMatrix(hess);
                h = h.add(h.transpose()).scalarMultiply(0.5);
                RealMatrix inv =
                        new CholeskyDecomposition(h, 1e-10, 0).getSolver().getInverse();
                for (int a = 0; a < m; a++) se[idx[a]] = Math.sqrt(inv.getEntry(a, a));
            } catch (NonPositiveDefiniteMatrixException | IllPosedProblemException e) {
                LOG.warn(
                        "no Laplace standard errors: the Hessian of -LML at the optimum is not positive definite or not computable ({})",
                        e.getMessage());
                java.util.Arrays.fill(se, null);
            }
        }
        return new Laplace(space.errors(se), evals);
    }

    /** The search space: log W_std, [log b_std,] log λ with their bounds. */
    static final class Space {
        final boolean bias;
        final double scale;

        Space(boolean bias, double scale) {
            this.bias = bias;
            this.scale = scale;
        }

        int dim() {
            return bias ? 3 : 2;
        }

        double[] lower() {
            return bias
                    ? new double[] {Math.log(W_MIN), Math.log(B_MIN), Math.log(NOISE_MIN * scale)}
                    : new double[] {Math.log(W_MIN), Math.log(NOISE_MIN * scale)};
        }

        double[] upper() {
            return bias
                    ? new double[] {Math.log(W_MAX), Math.log(B_MAX), Math.log(NOISE_MAX * scale)}
                    : new double[] {Math.log(W_MAX), Math.log(NOISE_MAX * scale)};
        }

        double[] toLog(Hyperparameters h) {
            // a zero start (b_std = 0) goes to the lower bound through clamp
            double w = Math.log(h.wStd()), b = Math.log(h.bStd()), l = Math.log(h.noise());
            return bias ? new double[] {w, b, l} : new double[] {w, l};
        }

        Hyperparameters fromLog(double[] u) {
            return bias
                    ? new Hyperparameters(Math.exp(u[0]), Math.exp(u[1]), Math.exp(u[2]))
                    : new Hyperparameters(Math.exp(u[0]), 0.0, Math.exp(u[1]));
        }

        double[] clamp(double[] u) {
            double[] lo = lower(), hi = upper(), c = new double[u.length];
            for (int j = 0; j < u.length; j++)
                c[j] = Math.min(hi[j], Math.max(lo[j], Double.isNaN(u[j]) ? lo[j] : u[j]));
            return c;
        }

        double[] random(Random rng) {
            double[] lo = lower(), hi = upper(), u = new double[lo.length];
            for (int j = 0; j < u.length; j++) u[j] = lo[j] + (hi[j] - lo[j]) * rng.nextDouble();
            return u;
        }

        boolean[] free(double[] u) {
            double[] lo = lower(), hi = upper();
            boolean[] f = new boolean[u.length];
            for (int j = 0; j < u.length; j++) f[j] = u[j] - lo[j] > AT_BOUND && hi[j] - u[j] > AT_BOUND;
            return f;
        }

        /** ∂LML/∂(log θ) = θ·∂LML/∂θ, in this space's order. */
        double[] logGradient(Evidence e, Hyperparameters h) {
            Evidence.Gradient g = e.gradient();
            return bias
                    ? new double[] {h.wStd() * g.wStd(), h.bStd() * g.bStd(), h.noise() * g.noise()}
                    : new double[] {h.wStd() * g.wStd(), h.noise() * g.noise()};
        }

        FitResult.StandardErrors errors(Double[] se) {
            return bias
                    ? new FitResult.StandardErrors(se[0], se[1], se[2])
                    : new FitResult.StandardErrors(se[0], null, se[1]);
        }
    }
}
