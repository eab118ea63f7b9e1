package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.device.Device;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.operator.DenseKernelOperator;

/**
 * {@link Predict#gpInference} without returned kernels computes the train-train kernels off-heap and
 * factors them in place; with returned kernels it takes the heap path (Kernels → copy → factor).
 * Both must give the same posterior, bit for bit.
 */
class OffHeapPredictTest {
    static final Architecture ARCH = ArchParser.parse(
            "Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Erf->Dense(2,W_std=1.5,b_std=0.1)");

    private static Matrix random(long seed, int n, int d) {
        Random r = new Random(seed);
        double[][] a = new double[n][d];
        for (double[] row : a) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        return Matrix.of(a);
    }

    private static void sameBits(Matrix a, Matrix b, String what) {
        if (a == null || b == null) {
            assertEquals(a == null, b == null, what);
            return;
        }
        assertEquals(a.rows(), b.rows(), what);
        assertEquals(a.cols(), b.cols(), what);
        for (int j = 0; j < a.cols(); j++)
            for (int i = 0; i < a.rows(); i++)
                assertEquals(
                        Double.doubleToRawLongBits(a.get(i, j)),
                        Double.doubleToRawLongBits(b.get(i, j)),
                        what + " (" + i + ", " + j + "): " + a.get(i, j) + " vs " + b.get(i, j));
    }

    @Test
    void offHeapPosteriorIsBitIdenticalToHeapPosterior() {
        Matrix x = random(31, 70, 6), y = random(32, 70, 2), xt = random(33, 17, 6);
        for (Regularization reg : new Regularization[] {Regularization.relative(1e-4), Regularization.NONE})
            for (DType t : DType.values())
                for (Get get : Get.values())
                    for (CovarianceMode mode : CovarianceMode.values()) {
                        PredictOptions o = PredictOptions.defaults()
                                .withRegularization(reg)
                                .withCovariance(mode)
                                .withKernelOptions(KernelOptions.defaults()
                                        .withDtype(t)
                                        .withDevice(Device.CPU)
                                        .withTileSize(16)
                                        .withThreads(2));
                        String what = get + " " + mode + " " + t + " reg=" + reg;
                        for (Matrix test : new Matrix[] {xt, null}) {
                            Posterior heap = Predict.gpInference(ARCH, x, y, test, get, o.withReturnKernels(true));
                            Posterior off = Predict.gpInference(ARCH, x, y, test, get, o.withReturnKernels(false));
                            assertNotNull(heap.kernels());
                            assertNull(off.kernels());
                            sameBits(heap.mean(), off.mean(), what + " mean");
                            sameBits(heap.covariance(), off.covariance(), what + " cov");
                            double[] hv = heap.variances(), ov = off.variances();
                            assertEquals(hv == null, ov == null, what);
                            if (hv != null)
                                for (int i = 0; i < hv.length; i++)
                                    assertEquals(
                                            Double.doubleToRawLongBits(hv[i]),
                                            Double.doubleToRawLongBits(ov[i]),
                                            what + " var " + i);
                            assertEquals(
                                    heap.diagnostics().lambda(),
                                    off.diagnostics().lambda(),
                                    0.0,
                                    what);
                            assertEquals(
                                    heap.diagnostics().conditionEstimate(),
                                    off.diagnostics().conditionEstimate(),
                                    0.0,
                                    what);
                        }
                    }
    }

    /**
     * One instance on owned off-heap kernels answers any sequence of requests: the NNGP kernel is kept
     * unfactored while the NTK is held (the NTK ensemble's covariance needs it), so asking for the NNGP
     * posterior between two NTK covariances neither fails nor changes a bit.
     */
    @Test
    void ownedKernelsServeAnySequenceOfPosteriors() {
        Matrix x = random(41, 50, 4), y = random(42, 50, 1), xt = random(43, 9, 4);
        Regularization reg = Regularization.relative(1e-3);
        KernelOptions ko = KernelOptions.defaults().withDevice(Device.CPU);
        KernelFunction kf = KernelFunction.of(ARCH);
        Kernels dd = kf.compute(x, null, ko), td = kf.compute(xt, x, ko), tt = kf.compute(xt, null, ko);
        Get[] sequence = {Get.NTK, Get.NNGP, Get.NTK, Get.NTKGP, Get.NNGP};
        try (GpInference heap = GpInference.fit(dd, y, reg, null);
                GpInference owned =
                        GpInference.fit(DenseKernelOperator.compute(ARCH, x, ko, true, true), y, reg, null)) {
            for (Get get : sequence) {
                Posterior a = heap.predict(get, td, tt, CovarianceMode.DIAGONAL),
                        b = owned.predict(get, td, tt, CovarianceMode.DIAGONAL);
                sameBits(a.mean(), b.mean(), get + " mean");
                sameBits(Matrix.column(a.variances()), Matrix.column(b.variances()), get + " variances");
            }
        }
    }
}
