package org.ntk4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's CPU backend (nd4j-native 1.0.0-M2.1, built against JavaCPP 1.5.7) loads and computes in this
 * JVM, where ntk4j pins JavaCPP 1.5.13 and OpenBLAS 0.3.31: the premise of the interop tests.
 */
class Nd4jBackendTest {
    @Test
    void nd4jNativeLoadsAndMultipliesWithTheJavaCppNtk4jPins() throws Exception {
        assertEquals("1.5.13", Loader.getVersion(), "the JavaCPP ntk4j pins (pom.xml javacpp.version)");
        assertTrue(Nd4jArrays.onCpu(), "expected nd4j-native, got " + Nd4j.getBackend());
        INDArray a = Nd4j.create(new double[][] {{1, 2}, {3, 4}});
        INDArray b = Nd4j.create(new double[][] {{5, 6}, {7, 8}});
        INDArray c = a.mmul(b);
        assertEquals(DataType.DOUBLE, c.dataType());
        assertArrayEquals(new double[][] {{19, 22}, {43, 50}}, c.toDoubleMatrix());
        INDArray big = Nd4j.rand(DataType.DOUBLE, 300, 200).mmul(Nd4j.rand(DataType.DOUBLE, 200, 100));
        assertEquals(30000, big.length()); // BLAS dgemm through ND4J's binding to the pinned OpenBLAS
    }
}
