package org.ntk4j.nd4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.device.Device;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Predict;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;

/**
 * Kernels and posteriors computed from ND4J arrays are ntk4j's own numbers, bit for bit, returned as
 * ND4J arrays; errors name the argument as the matrix API does.
 */
class Nd4jKernelsTest {
    static final Architecture ARCH =
            ArchParser.parse("Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Erf->Dense(1)");
    static final KernelOptions CPU = KernelOptions.defaults().withDevice(Device.CPU);

    /** A rows×cols Gaussian DOUBLE array in the given order (DL4J's default is 'c'). */
    static INDArray gaussian(long seed, int rows, int cols, char order) {
        Random r = new Random(seed);
        INDArray a = Nd4j.create(DataType.DOUBLE, new long[] {rows, cols}, order);
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) a.putScalar(i, j, r.nextGaussian());
        return a;
    }

    static void sameBits(Matrix expected, INDArray actual, String what) {
        if (expected == null || actual == null) {
            assertEquals(expected == null, actual == null, what);
            return;
        }
        assertArrayEquals(new long[] {expected.rows(), expected.cols()}, actual.shape(), what);
        for (int i = 0; i < expected.rows(); i++)
            for (int j = 0; j < expected.cols(); j++)
                assertEquals(
                        Double.doubleToRawLongBits(expected.get(i, j)),
                        Double.doubleToRawLongBits(actual.getDouble(i, j)),
                        what + " (" + i + ", " + j + ")");
    }

    static void sameBits(double[] expected, INDArray actual, String what) {
        if (expected == null || actual == null) {
            assertEquals(expected == null, actual == null, what);
            return;
        }
        assertEquals(1, actual.rank(), what);
        double[] got = actual.toDoubleVector();
        for (int i = 0; i < expected.length; i++)
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(got[i]), what + " " + i);
    }

    @Test
    void kernelsAreNtk4jsKernelsBitForBit() {
        INDArray x1 = gaussian(1, 40, 7, 'c'), x2 = gaussian(2, 25, 7, 'f');
        Matrix m1 = Nd4jArrays.toMatrix(x1, "x1"), m2 = Nd4jArrays.toMatrix(x2, "x2");
        for (boolean self : new boolean[] {false, true}) {
            Kernels expected = KernelFunction.of(ARCH).compute(m1, self ? null : m2, CPU);
            Nd4jKernels got = Nd4jKernels.compute(ARCH, x1, self ? null : x2, CPU);
            sameBits(expected.nngp(), got.nngp(), "nngp");
            sameBits(expected.ntk(), got.ntk(), "ntk");
            sameBits(expected.cov1(), got.cov1(), "cov1");
            sameBits(expected.cov2(), got.cov2(), "cov2");
            assertEquals('f', got.ntk().ordering());
            assertTrue(Nd4jArrays.isZeroCopy(got.ntk()), "the off-heap result is shareable back into ntk4j");
        }
    }

    @Test
    void float32KernelsComeBackAsFloatArraysWithTheSameValues() {
        INDArray x = gaussian(3, 30, 5, 'c').castTo(DataType.FLOAT);
        KernelOptions o = CPU.withDtype(DType.FLOAT32);
        Kernels expected = KernelFunction.of(ARCH).compute(Nd4jArrays.toMatrix(x, "x1"), null, o);
        Nd4jKernels got = Nd4jKernels.compute(ARCH, x, null, o);
        assertEquals(DataType.FLOAT, got.nngp().dataType());
        assertEquals(DataType.FLOAT, got.ntk().dataType());
        for (int i = 0; i < 30; i++)
            for (int j = 0; j < 30; j++) {
                assertEquals((float) expected.nngp().get(i, j), got.nngp().getFloat(i, j));
                assertEquals((float) expected.ntk().get(i, j), got.ntk().getFloat(i, j));
            }
    }

    @Test
    void nngpOnlyLeavesTheNtkNull() {
        Nd4jKernels k = Nd4jKernels.compute(ARCH, gaussian(4, 6, 3, 'f'), null, CPU.withComputeNtk(false));
        assertNull(k.ntk());
        assertNotNull(k.nngp());
        assertNull(k.cov2());
    }

    @Test
    void aKernelArrayIsFactoredInPlaceByNtk4j() {
        INDArray x = gaussian(5, 20, 4, 'c');
        INDArray k = Nd4jKernels.compute(ARCH, x, null, CPU).ntk();
        double k00 = k.getDouble(0, 0), k10 = k.getDouble(1, 0);
        long address = k.data().addressPointer().address();
        // Cholesky takes the view over and closes it with itself: that frees nothing of the array
        try (Cholesky c = Cholesky.factor(Nd4jArrays.toNative(k, "k"), JitterPolicy.defaults(), "NTK")) {
            assertEquals(address, c.factorStorage().pointer().address());
        }
        assertEquals(Math.sqrt(k00), k.getDouble(0, 0), 1e-15 * Math.sqrt(k00), "L(0,0) in the array's memory");
        assertEquals(k10 / Math.sqrt(k00), k.getDouble(1, 0), 1e-12 * Math.abs(k10));
    }

    @Test
    void posteriorsAreNtk4jsPosteriorsBitForBit() {
        INDArray x = gaussian(6, 50, 6, 'c'), y = gaussian(7, 50, 2, 'c'), xt = gaussian(8, 12, 6, 'c');
        Matrix mx = Nd4jArrays.toMatrix(x, "xTrain"), my = Nd4jArrays.toMatrix(y, "yTrain");
        Matrix mt = Nd4jArrays.toMatrix(xt, "xTest");
        for (CovarianceMode mode : CovarianceMode.values())
            for (Get get : Get.values()) {
                PredictOptions o = PredictOptions.defaults()
                        .withRegularization(Regularization.relative(1e-4))
                        .withCovariance(mode)
                        .withKernelOptions(CPU);
                Posterior expected = Predict.gpInference(ARCH, mx, my, mt, get, o);
                Nd4jPosterior got = Nd4jPosterior.gpInference(ARCH, x, y, xt, get, o);
                sameBits(expected.mean(), got.mean(), get + " " + mode + " mean");
                sameBits(expected.covariance(), got.covariance(), get + " " + mode + " covariance");
                sameBits(expected.variances(), got.variances(), get + " " + mode + " variances");
                assertEquals(expected.mean(), got.posterior().mean());
            }
    }

    @Test
    void ensemblePosteriorsAtSeveralTimes() {
        INDArray x = gaussian(9, 30, 4, 'f'), y = gaussian(10, 30, 1, 'f'), xt = gaussian(11, 8, 4, 'f');
        PredictOptions o = PredictOptions.defaults().withKernelOptions(CPU);
        double[] times = {0, 10, Double.POSITIVE_INFINITY};
        List<Posterior> expected = Predict.ensemble(
                ARCH,
                Nd4jArrays.toMatrix(x, "xTrain"),
                Nd4jArrays.toMatrix(y, "yTrain"),
                Nd4jArrays.toMatrix(xt, "xTest"),
                Get.NTK,
                times,
                o);
        List<Nd4jPosterior> got = Nd4jPosterior.ensemble(ARCH, x, y, xt, Get.NTK, times, o);
        assertEquals(3, got.size());
        for (int t = 0; t < 3; t++) {
            sameBits(expected.get(t).mean(), got.get(t).mean(), "mean at t = " + times[t]);
            sameBits(expected.get(t).variances(), got.get(t).variances(), "variances at t = " + times[t]);
        }
    }

    @Test
    void errorsNameTheArgument() {
        INDArray x = gaussian(12, 5, 3, 'c');
        INDArray nan = x.dup();
        nan.putScalar(2, 1, Double.NaN);
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> Nd4jKernels.compute(ARCH, nan, null, CPU));
        assertEquals("x1", e.argument());
        assertTrue(e.getMessage().contains("row 2"), e.getMessage());
        e = assertThrows(
                InvalidInputException.class,
                () -> Nd4jKernels.compute(ARCH, x, Nd4j.createFromArray(1.0, 2.0, 3.0), CPU));
        assertEquals("x2", e.argument());
        e = assertThrows(InvalidInputException.class, () -> Nd4jKernels.compute(ARCH, x, gaussian(13, 4, 2, 'c'), CPU));
        assertEquals("x2", e.argument());
        e = assertThrows(
                InvalidInputException.class,
                () -> Nd4jPosterior.gpInference(
                        ARCH, x, Nd4j.create(DataType.INT32, 5, 1), null, Get.NNGP, PredictOptions.defaults()));
        assertEquals("yTrain", e.argument());
        e = assertThrows(
                InvalidInputException.class,
                () -> Nd4jPosterior.gpInference(
                        ARCH, x, gaussian(14, 4, 1, 'c'), null, Get.NNGP, PredictOptions.defaults()));
        assertTrue(e.getMessage().startsWith("yTrain"), e.getMessage());
    }
}
