package org.ntk4j.evidence;

import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.MemoryGuard;
import org.ntk4j.predict.Get;
import org.ntk4j.solve.SolverChoice;

/**
 * The log marginal likelihood (LML) of the t = ∞ NNGP or NTK-GP posterior as a function of the
 * architecture's hyperparameters, and its gradient (docs/evidence.md). The model: the k columns of
 * Y are independent draws y_c ~ N(0, M + λI) with M = K (NNGP) or Θ (NTK-GP) on the training inputs
 * — zero mean, Y as given (not centred), λ the absolute noise variance — so
 * <pre>
 *   LML = −½ Σ_c y_cᵀ(M + λI)⁻¹y_c − (k/2)·log det(M + λI) − (nk/2)·log 2π
 *   ∂LML/∂θ = ½ Σ_c α_cᵀ(∂M/∂θ)α_c − (k/2)·tr((M + λI)⁻¹∂M/∂θ),   α = (M + λI)⁻¹Y
 * </pre>
 * over θ = (W_std, b_std, λ), W_std and b_std each one value shared by the Dense layers
 * ({@link Hyperparameters}). This is the evidence of exactly the model {@code Predict.gpInference}
 * uses with {@link Get#NNGP} or {@link Get#NTKGP} and an absolute regularization λ.
 *
 * <p>{@link EvidenceModel#EXACT}: one n×n off-heap matrix, factored and (for the gradient) inverted
 * in place, O(n³); ∂M/∂W_std and ∂M/∂b_std are never stored: a per-entry forward-mode recursion
 * streams them into the contraction, in closed form for the arc-cosine family (Relu, LeakyRelu,
 * ABRelu, Abs) and Erf (Sigmoid_like), by Richardson differences of the recursion otherwise.
 * {@link EvidenceModel#NYSTROM}: the likelihood of the Nyström model the Nyström solver predicts with
 * — a different model from the GP when M &lt; n — in O(n·M²).
 *
 * <pre>{@code
 * MarginalLikelihood ml = MarginalLikelihood.of(arch, xTrain, yTrain, Get.NNGP);
 * Evidence e = ml.evaluateWithGradient(new Hyperparameters(1.5, 0.1, 1e-2));
 * double lml = e.lml(), dW = e.gradient().wStd();
 * }</pre>
 *
 * <p>Errors: {@link InvalidInputException} naming {@code arch}, {@code xTrain}, {@code yTrain},
 * {@code get} or {@code noise}; {@link org.ntk4j.error.IllPosedProblemException} when M + λI is
 * singular even with the jitter the policy allows; {@link org.ntk4j.error.NonFiniteResultException}
 * when the likelihood or its gradient is not representable.
 */
public final class MarginalLikelihood {
    private final Problem problem;
    private final EvidenceOptions options;

    private MarginalLikelihood(Problem problem, EvidenceOptions options) {
        this.problem = problem;
        this.options = options;
    }

    /** The LML of {@code get} (NNGP or NTKGP) with default options ({@link EvidenceOptions#defaults()}). */
    public static MarginalLikelihood of(Architecture arch, Matrix xTrain, Matrix yTrain, Get get) {
        return of(arch, xTrain, yTrain, get, EvidenceOptions.defaults());
    }

    /**
     * The LML of {@code get} (NNGP or NTKGP) on (xTrain, yTrain): n×d inputs and n×k targets.
     *
     * @throws InvalidInputException for a null, empty, mismatched or non-finite argument, or get = NTK
     */
    public static MarginalLikelihood of(
            Architecture arch, Matrix xTrain, Matrix yTrain, Get get, EvidenceOptions options) {
        if (arch == null) throw new InvalidInputException("arch", "is null");
        if (xTrain == null) throw new InvalidInputException("xTrain", "is null");
        if (yTrain == null) throw new InvalidInputException("yTrain", "is null");
        if (xTrain.rows() == 0 || xTrain.cols() == 0)
            throw new InvalidInputException(
                    "xTrain",
                    "is empty (" + xTrain.rows() + "x" + xTrain.cols() + "); need at least one row and one column");
        if (yTrain.rows() != xTrain.rows())
            throw new InvalidInputException(
                    "yTrain",
                    "has " + yTrain.rows() + " rows but xTrain has " + xTrain.rows()
                            + "; need one target row per training point");
        if (yTrain.cols() == 0) throw new InvalidInputException("yTrain", "has no columns; need at least one output");
        Finite.requireInput(xTrain, "xTrain");
        Finite.requireInput(yTrain, "yTrain");
        if (get == null) throw new InvalidInputException("get", "is null; use NNGP or NTKGP");
        if (get == Get.NTK)
            throw new InvalidInputException(
                    "get",
                    "NTK (the trained ensemble) has no marginal likelihood: its posterior is not the "
                            + "conditional of a Gaussian prior on the targets; use NNGP or NTKGP");
        return new MarginalLikelihood(
                new Problem(arch, xTrain, yTrain, get == Get.NTKGP),
                options == null ? EvidenceOptions.defaults() : options);
    }

    /** The architecture whose W_std and b_std the hyperparameters replace. */
    Architecture architecture() {
        return problem.arch();
    }

    /** The training targets (n×k). */
    Matrix targets() {
        return problem.y();
    }

    /** The validated problem (for {@link CrossValidation}, which scores the same model differently). */
    Problem problem() {
        return problem;
    }

    /** The options of the evaluations. */
    EvidenceOptions options() {
        return options;
    }

    /** The model the evaluations use: the options' choice, with AUTO resolved ({@link EvidenceModel#AUTO}). */
    public EvidenceModel model() {
        if (options.model() != EvidenceModel.AUTO) return options.model();
        int n = problem.n();
        long limit = options.solverOptions().memoryLimit();
        // the n×n kernel and, while it is computed, about as much again for the kernel engine's panels
        long need = 2 * MemoryGuard.float64Bytes(n, n);
        long budget = limit > 0 ? limit : MemoryGuard.availableOffHeap() / 2;
        return n <= SolverChoice.EXACT_MAX_N && need <= budget ? EvidenceModel.EXACT : EvidenceModel.NYSTROM;
    }

    /** The LML at {@code h}, without the gradient. */
    public Evidence evaluate(Hyperparameters h) {
        return run(h, false);
    }

    /** The LML at {@code h} and its gradient with respect to (W_std, b_std, λ). */
    public Evidence evaluateWithGradient(Hyperparameters h) {
        return run(h, true);
    }

    private Evidence run(Hyperparameters h, boolean gradient) {
        if (h == null) throw new InvalidInputException("hyperparameters", "is null");
        return model() == EvidenceModel.EXACT
                ? ExactEvidence.evaluate(problem, h, options, gradient)
                : NystromEvidence.evaluate(problem, h, options, gradient);
    }
}
