package org.ntk4j.finite;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Layer;
import org.ntk4j.arch.Parameterization;

/**
 * Reproducible initialization: one xoshiro256++ stream ({@code RandomSource.XO_SHI_RO_256_PP},
 * seeded with the long seed) and standard normals from the ziggurat sampler, drawn layer by layer:
 * W row by row (W[0,0], W[0,1], …, i.e. the order of numpy's {@code standard_normal((n_in, n_out))}),
 * then b when the layer has a bias. NTK parameterization stores the draws; the standard one stores
 * W_std/√n_in·W and b_std·b (neural-tangents' initial weights for that parameterization).
 */
final class Initializer {
    private Initializer() {}

    /** Output width of each Dense layer: {@code hiddenWidth} for all but the last, which keeps its own. */
    static int[] widths(Architecture arch, int hiddenWidth) {
        List<Dense> dense = denseLayers(arch);
        int[] w = new int[dense.size()];
        for (int l = 0; l < w.length; l++)
            w[l] = (l == w.length - 1 || hiddenWidth <= 0) ? dense.get(l).width() : hiddenWidth;
        return w;
    }

    static List<Dense> denseLayers(Architecture arch) {
        List<Dense> out = new ArrayList<>();
        for (Layer l : arch.layers()) if (l instanceof Dense d) out.add(d);
        return out;
    }

    /** Draws the steps of a freshly initialized network. */
    static List<Step> draw(Architecture arch, int inputDim, int[] widths, long seed) {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed);
        ZigguratSampler.NormalizedGaussian normal = ZigguratSampler.NormalizedGaussian.of(rng);
        boolean standard = arch.parameterization() == Parameterization.STANDARD;
        List<Step> steps = new ArrayList<>();
        int nIn = inputDim, l = 0;
        for (Layer layer : arch.layers()) {
            if (layer instanceof Activation a) {
                steps.add(new Step.ActivationStep(a, nIn));
                continue;
            }
            Dense d = (Dense) layer;
            int nOut = widths[l++];
            double[] w = new double[Math.toIntExact((long) nIn * nOut)];
            double wScale = standard ? d.wStd() / Math.sqrt(nIn) : 1.0;
            for (int i = 0; i < nIn; i++) for (int j = 0; j < nOut; j++) w[i + j * nIn] = wScale * normal.sample();
            double[] b = null;
            if (d.hasBias()) {
                b = new double[nOut];
                double bScale = standard ? d.bStd() : 1.0;
                for (int j = 0; j < nOut; j++) b[j] = bScale * normal.sample();
            }
            steps.add(denseStep(arch.parameterization(), d, nIn, nOut, w, b));
            nIn = nOut;
        }
        return steps;
    }

    /** The compiled step for stored parameters w (nIn×nOut column-major) and b. */
    static Step.DenseStep denseStep(Parameterization p, Dense d, int nIn, int nOut, double[] w, double[] b) {
        return p == Parameterization.NTK
                ? new Step.DenseStep(nIn, nOut, d.wStd() / Math.sqrt(nIn), d.bStd(), w, b)
                : new Step.DenseStep(nIn, nOut, 1.0, 1.0, w, b);
    }
}
