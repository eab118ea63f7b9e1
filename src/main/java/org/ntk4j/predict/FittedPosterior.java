package org.ntk4j.predict;

import java.nio.file.Path;
import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.error.ModelFileException;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.JitterReport;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.operator.DenseKernelOperator;

/**
 * The exact t = ∞ posterior ({@code gp_inference}) fitted once and used for many predictions: the
 * training kernel is computed and factored by {@link #fit}, and every {@link #predict} computes only
 * the test kernels and the triangular solves. {@link #save} writes what prediction needs to a
 * directory and {@link #load} reads it back (format: docs/saved-models.md), so a later run predicts
 * without refactoring.
 *
 * <p>Predictions are bit for bit those of {@link Predict#gpInference} with the same architecture,
 * data, {@code get} and options (float64 arrays are saved exactly, and both run the same test-side
 * code), also after a save and a load.
 *
 * <pre>{@code
 * try (FittedPosterior f = FittedPosterior.fit(arch, xTrain, yTrain, Get.NNGP,
 *         PredictOptions.defaults().withRegularization(Regularization.relative(1e-4)))) {
 *     f.save(Path.of("model"));
 * }
 * try (FittedPosterior f = FittedPosterior.load(Path.of("model"))) {
 *     Posterior p = f.predict(xTest, CovarianceMode.DIAGONAL);
 * }
 * }</pre>
 *
 * <p>Memory: the factor of the n×n training kernel (8n² bytes) off-heap, and for {@link Get#NTK} the
 * NNGP training kernel too (its covariance needs it), so 16n². Instances are immutable and
 * thread-safe (predictions on one instance run one at a time); {@link #close} frees the off-heap
 * memory, after which {@link #predict} and {@link #save} throw {@link IllegalStateException}.
 */
public final class FittedPosterior implements AutoCloseable {
    private final Architecture arch;
    private final Get get;
    private final Regularization regularization;
    private final DType dtype;
    private final Matrix xTrain;
    private final Matrix yTrain;
    private final GpInference gp;
    private final Timings fitTimings;
    private volatile boolean closed;

    FittedPosterior(
            Architecture arch,
            Get get,
            Regularization regularization,
            DType dtype,
            Matrix xTrain,
            Matrix yTrain,
            GpInference gp,
            Timings fitTimings) {
        this.arch = arch;
        this.get = get;
        this.regularization = regularization;
        this.dtype = dtype;
        this.xTrain = xTrain;
        this.yTrain = yTrain;
        this.gp = gp;
        this.fitTimings = fitTimings;
    }

    /**
     * Computes the training kernels of {@code arch} on {@code xTrain} (off-heap, on the device the
     * kernel options name) and factors M + λI, M the NNGP for {@link Get#NNGP} and the NTK otherwise,
     * with the options' regularization and jitter policy; the weights M_r⁻¹·y too. The options'
     * covariance mode is not used: a fitted posterior keeps what every mode needs.
     *
     * @throws InvalidInputException when an argument is missing or the data are invalid (as for
     *         {@link Predict#gpInference}); with λ = 0, duplicate training rows are an
     *         {@link org.ntk4j.error.IllPosedProblemException}
     */
    public static FittedPosterior fit(
            Architecture arch, Matrix xTrain, Matrix yTrain, Get get, PredictOptions options) {
        if (arch == null) throw new InvalidInputException("arch", "is required");
        if (get == null) throw new InvalidInputException("get", "is required (NNGP, NTK or NTKGP)");
        PredictOptions o = (options == null ? PredictOptions.defaults() : options)
                .withCovariance(CovarianceMode.DIAGONAL); // keeps the NNGP K_dd for the NTK's covariance
        PredictionData.check(xTrain, yTrain, null, false);
        if (o.regularization().isZero()) PredictorChecks.noDuplicateRows(xTrain, "xTrain"); // predictions will need it
        Workspace.require(
                "gp inference workspace (" + xTrain.rows() + " training points)",
                Workspace.gp(xTrain.rows(), 0, yTrain.cols(), get, o.covariance()));
        long t0 = System.nanoTime();
        DenseKernelOperator kernels = GpInference.trainKernels(arch, xTrain, get, o);
        long kernelNanos = System.nanoTime() - t0;
        GpInference gp = GpInference.fit(kernels, yTrain, o.regularization(), o.jitter());
        Timings timings;
        try {
            RegularizedCholesky factor = gp.fitted(get.meanKernel()).factor();
            // only the lower triangle is the factor; the rest held the kernel and is never read again
            factor.cholesky.factorStorage().zeroUpper();
            timings = new Timings(kernelNanos, factor.nanos, 0, 0);
        } catch (RuntimeException e) {
            gp.close();
            throw e;
        }
        return new FittedPosterior(
                arch, get, o.regularization(), o.kernelOptions().dtype(), xTrain, yTrain, gp, timings);
    }

    /**
     * Reads a model {@link #save} wrote. Every array file is checked against the size and SHA-256
     * recorded in {@code model.json} before it is read, and every shape against the others.
     *
     * @throws ModelFileException when the directory is not a saved model, or is corrupt, truncated,
     *         incomplete or of a format version this ntk4j does not read
     */
    public static FittedPosterior load(Path dir) {
        return SavedModel.read(dir);
    }

    /**
     * Writes this model to the directory {@code modelDir}: {@code model.json} and the arrays (see
     * docs/saved-models.md). The directory is written under a temporary name beside it and renamed
     * into place when complete, so {@code modelDir} never holds half a model; an existing saved model
     * there is replaced. {@code modelDir} must not exist, or be empty, or hold a saved model.
     *
     * @throws InvalidInputException       when {@code modelDir} holds something other than a saved model,
     *                                     or the architecture has no text form that parses back to it
     * @throws org.ntk4j.error.OutputWriteException when it cannot be written (disk full, permissions)
     */
    public void save(Path modelDir) {
        requireOpen();
        SavedModel.write(this, modelDir);
    }

    /**
     * Checks, before a long {@link #fit}, that {@link #save} can write to {@code modelDir}: it must not
     * exist, or be an empty directory, or hold a saved model; its parent directories are created.
     *
     * @throws InvalidInputException naming {@code modelDir} when it is a file or holds other files
     */
    public static void requireSavable(Path modelDir) {
        SavedModel.checkTarget(modelDir);
    }

    /**
     * The posterior at {@code xTest} (m×d; null: the training points, mean y and covariance 0) with
     * the covariance {@code mode}, the test kernels computed with the options the model was fitted
     * with on the default device ({@link org.ntk4j.device.Device#AUTO}).
     */
    public Posterior predict(Matrix xTest, CovarianceMode mode) {
        return predict(xTest, mode, KernelOptions.defaults().withDtype(dtype));
    }

    /**
     * As {@link #predict(Matrix, CovarianceMode)}, with the test kernels computed on the device, tiles,
     * threads and progress listener of {@code kernelOptions}; its dtype must be the model's
     * ({@link #dtype()}), the precision the training kernels were computed in.
     */
    public Posterior predict(Matrix xTest, CovarianceMode mode, KernelOptions kernelOptions) {
        requireOpen();
        if (mode == null) throw new InvalidInputException("mode", "is required (FULL, DIAGONAL or NONE)");
        KernelOptions k = kernelOptions == null ? KernelOptions.defaults().withDtype(dtype) : kernelOptions;
        if (k.dtype() != dtype)
            throw new InvalidInputException(
                    "kernelOptions",
                    "dtype " + k.dtype() + " differs from the model's " + dtype
                            + ": the test kernels must be computed in the precision the model was fitted in");
        if (xTest != null && xTest.cols() != xTrain.cols())
            throw new InvalidInputException(
                    "xTest",
                    "has " + xTest.cols() + " columns but the model was fitted on " + xTrain.cols()
                            + "-dimensional inputs; give test points with " + xTrain.cols() + " columns");
        PredictionData.check(xTrain, yTrain, xTest, false);
        return gp.predictAt(xTest, get, mode, k, 0);
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("this fitted posterior is closed");
    }

    /**
     * How long {@link #fit} took: the training kernels and the factorization ({@link Timings#ZERO}
     * for a loaded model). A prediction's own timings count only its test side.
     */
    public Timings fitTimings() {
        return fitTimings;
    }

    /** Which posterior this is. */
    public Get get() {
        return get;
    }

    /** The architecture the kernels come from. */
    public Architecture architecture() {
        return arch;
    }

    /** The regularization asked for (λ itself is {@link #lambda()}). */
    public Regularization regularization() {
        return regularization;
    }

    /** λ added to the inverted kernel's diagonal (absolute). */
    public double lambda() {
        return state().factor().lambda;
    }

    /** The jitter the Cholesky factorization needed beyond λ ({@link JitterReport#NONE} when none). */
    public JitterReport jitter() {
        return state().factor().cholesky.jitter();
    }

    /** The precision of the kernels (the stored arrays are float64 whatever it is). */
    public DType dtype() {
        return dtype;
    }

    /** The number of training points n. */
    public int trainSize() {
        return xTrain.rows();
    }

    /** The input dimension d. */
    public int inputDimension() {
        return xTrain.cols();
    }

    /** The number of outputs k. */
    public int outputs() {
        return yTrain.cols();
    }

    /** The training inputs (n×d, in the precision they were given: the kernels saw them so). */
    public Matrix xTrain() {
        return xTrain;
    }

    /** The training targets (n×k). */
    public Matrix yTrain() {
        return yTrain;
    }

    /** The factor, weights and NNGP K_dd (owned by this instance), for {@link SavedModel}. */
    GpInference.Fitted state() {
        requireOpen();
        return gp.fitted(get.meanKernel());
    }

    /** Frees the off-heap factor and kernels; idempotent. */
    @Override
    public void close() {
        closed = true;
        gp.close();
    }

    /** The kernel kind whose factor the model holds. */
    KernelKind kind() {
        return get.meanKernel();
    }
}
