package org.ntk4j.examples;

import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.*;

/** Kernels of a few points and an infinite-width posterior on a tiny data set. */
public final class QuickStart {
    public static void main(String[] args) {
        // A one-hidden-layer ReLU network (the CLI's ARCH text); its kernels are those of infinite width.
        Architecture arch = ArchParser.parse("Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)");
        Matrix x = Matrix.of(new double[][] {{0, 0}, {1, 0}, {0, 1}, {1, 1}}); // 4 training inputs, one per row
        Matrix y = Matrix.column(new double[] {0, 1, 1, 0}); // their targets
        Matrix xTest = Matrix.of(new double[][] {{1, 0}, {3, -2}}); // a training input and a far one

        // NNGP and NTK kernels of the training inputs with each other (x2 = null: K(x, x), 4×4).
        Kernels k = KernelFunction.of(arch).compute(x, null);
        System.out.printf(
                "K(x1, x2): NNGP %.4f, NTK %.4f%n", k.nngp().get(1, 2), k.ntk().get(1, 2));

        // The infinitely wide network's posterior (NNGP) at the test inputs, noise variance 1e-4.
        PredictOptions options = PredictOptions.defaults().withRegularization(Regularization.absolute(1e-4));
        Posterior p = Predict.gpInference(arch, x, y, xTest, Get.NNGP, options);
        double[] mean = p.meanOf(0), var = p.variances();
        System.out.printf("mean %.4f and %.4f, variance %.2e and %.2e%n", mean[0], mean[1], var[0], var[1]);

        // Check: the training input gets its target with almost no variance; the far input is uncertain,
        // yet no more than before seeing data (its prior variance, the NNGP's K(x, x)).
        double prior = KernelFunction.of(arch).compute(xTest, null).cov1()[1];
        if (Math.abs(mean[0] - 1) > 1e-2 || var[0] > 1e-3 || !(var[1] > 10 * var[0] && var[1] <= prior))
            throw new AssertionError("QuickStart: unexpected posterior (prior variance " + prior + ")");
    }
}
