package org.ntk4j.utility;

import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.GpInference;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Regularization;
import org.ntk4j.predict.UtilityPosterior;

/**
 * A {@link UtilityModel} from infinite-width kernels: the exact t = ∞ posterior of
 * {@link GpInference} (by default NTKGP, He et al. 2020: a GP with prior covariance Θ, whose
 * variance is the conservative one, E35 of docs/soft-optimization.md) with the observation-noise
 * variance on the diagonal. {@link #posteriorEpsilon} turns it into ε for the soft optimizer in one
 * call (fit with the full covariance, joint draws, the (1 − δ) quantile of E_γ|U − V|).
 *
 * @param architecture the network whose kernels are used
 * @param get          which posterior (NTKGP, NTK ensemble or NNGP)
 * @param regularization the diagonal regularizer (absolute: the label-noise variance)
 * @param kernelOptions  kernel options (e.g. a progress listener)
 */
public record NtkUtilityModel(
        Architecture architecture, Get get, Regularization regularization, KernelOptions kernelOptions)
        implements UtilityModel {
    public NtkUtilityModel {
        if (architecture == null) throw new InvalidInputException("architecture", "is missing (null)");
        if (get == null) get = Get.NTKGP;
        if (regularization == null) regularization = Regularization.NONE;
        if (kernelOptions == null) kernelOptions = KernelOptions.defaults();
    }

    /** NTKGP on {@code arch} (ARCH text) with label-noise variance {@code noiseVariance} on the diagonal. */
    public static NtkUtilityModel ntkgp(String arch, double noiseVariance) {
        return new NtkUtilityModel(
                ArchParser.parse(arch), Get.NTKGP, Regularization.absolute(noiseVariance), KernelOptions.defaults());
    }

    @Override
    public UtilityPosterior fit(Matrix features, double[] observed, Matrix candidates, boolean covariance) {
        if (features == null || candidates == null) throw new InvalidInputException("features", "is missing (null)");
        if (observed == null || observed.length != features.rows())
            throw new InvalidInputException(
                    "observed", "needs one value per labelled policy (" + features.rows() + ")");
        KernelFunction kf = KernelFunction.of(architecture);
        Kernels dd = kf.compute(features, null, kernelOptions);
        Kernels td = kf.compute(candidates, features, kernelOptions);
        Kernels tt = kf.compute(candidates, null, kernelOptions);
        try (GpInference gp = GpInference.fit(dd, Matrix.column(observed), regularization, JitterPolicy.defaults())) {
            Posterior p = gp.predict(get, td, tt, covariance ? CovarianceMode.FULL : CovarianceMode.DIAGONAL);
            return p.utility(0);
        }
    }
}
