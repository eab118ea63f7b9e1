package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.activation.Numerical;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;
import org.ntk4j.solve.AcceleratedPosterior;
import org.ntk4j.solve.PosteriorRequest;
import org.ntk4j.solve.SolverKind;
import org.ntk4j.solve.SolverOptions;

/**
 * Which requests the GPU posterior takes, decided without a GPU: runs everywhere. The decisions are
 * also made in a class loader that records every class the code asks for, to show that deciding
 * loads no JCuda class and never reaches the GPU runtime (so it cannot probe or touch a device).
 */
class GpuPosteriorRoutingTest {
    /** The requests of {@link Decisions}, in order, and whether the GPU takes each (null) or a word its reason must contain. */
    private static final String[] EXPECTED = {
        null,
        null,
        null,
        "both kernels",
        "full covariance",
        "kernels returned",
        "cg",
        "nystrom",
        null,
        null,
        "float32",
        String.valueOf(GpuCholesky.MAX_N),
        "no kernel for",
        "diagReg = 0",
        null
    };

    @Test
    void takesExactFloat64RequestsWithinItsLimitsOnly() {
        List<String> reasons = new Decisions().get();
        assertEquals(EXPECTED.length, reasons.size());
        for (int i = 0; i < EXPECTED.length; i++) {
            if (EXPECTED[i] == null) assertNull(reasons.get(i), "request " + i);
            else
                assertTrue(
                        reasons.get(i) != null && reasons.get(i).contains(EXPECTED[i]),
                        "request " + i + ": " + reasons.get(i));
        }
    }

    @Test
    void isRegisteredForServiceLoader() {
        AcceleratedPosterior p =
                ServiceLoader.load(AcceleratedPosterior.class).findFirst().orElseThrow();
        assertInstanceOf(GpuPosterior.class, p);
    }

    @Test
    void decidingLoadsNoCudaClass() throws Exception {
        Recording loader = new Recording(GpuPosteriorRoutingTest.class.getClassLoader());
        Class<?> decisions = loader.loadClass(Decisions.class.getName());
        assertSame(loader, decisions.getClassLoader(), "the decisions run on the recording loader's own copy of ntk4j");
        @SuppressWarnings("unchecked")
        List<String> reasons =
                ((Supplier<List<String>>) decisions.getDeclaredConstructor().newInstance()).get();
        assertEquals(new Decisions().get(), reasons, "the same decisions in the recording loader");
        assertTrue(
                loader.requested.contains(GpuPosterior.class.getName()),
                "the recording saw the solver: " + loader.requested);
        for (String name : loader.requested) {
            assertFalse(name.startsWith("jcuda."), "deciding loaded " + name);
            assertNotEquals(GpuRuntime.class.getName(), name, "deciding reached the GPU runtime");
            assertNotEquals(CudaDevice.class.getName(), name, "deciding reached the CUDA device");
        }
    }

    /** The requests, each asked of a fresh solver (public with a public constructor: instantiated reflectively in another loader). */
    public static final class Decisions implements Supplier<List<String>> {
        public Decisions() {}

        @Override
        public List<String> get() {
            Architecture relu = Architecture.of(Dense.of(8, 1.5, 0.1), new Relu(), Dense.of(1, 1.5, 0.1));
            Numerical tanh = new Numerical("tanh", Math::tanh, t -> 1 - Math.tanh(t) * Math.tanh(t), 32);
            Architecture numerical = Architecture.of(Dense.of(8, 1.5, 0.1), tanh, Dense.of(1, 1.5, 0.1));
            PredictOptions diag = PredictOptions.defaults()
                    .withCovariance(CovarianceMode.DIAGONAL)
                    .withRegularization(Regularization.relative(1e-4));
            SolverOptions auto = SolverOptions.defaults();
            GpuPosterior gpu = new GpuPosterior();
            List<String> r = new ArrayList<>();
            r.add(gpu.unsupportedReason(request(relu, 5, Get.NNGP, diag, auto)));
            r.add(gpu.unsupportedReason(request(relu, 5, Get.NTKGP, diag, auto)));
            r.add(gpu.unsupportedReason(request(relu, 5, Get.NTK, diag.withCovariance(CovarianceMode.NONE), auto)));
            r.add(gpu.unsupportedReason(request(relu, 5, Get.NTK, diag, auto)));
            r.add(gpu.unsupportedReason(request(relu, 5, Get.NNGP, diag.withCovariance(CovarianceMode.FULL), auto)));
            r.add(gpu.unsupportedReason(request(relu, 5, Get.NNGP, diag.withReturnKernels(true), auto)));
            r.add(gpu.unsupportedReason(request(relu, 5, Get.NNGP, diag, auto.withSolver(SolverKind.CG))));
            r.add(gpu.unsupportedReason(request(relu, 5, Get.NNGP, diag, auto.withSolver(SolverKind.NYSTROM))));
            r.add(gpu.unsupportedReason(request(relu, 5, Get.NNGP, diag, auto.withSolver(SolverKind.EXACT))));
            r.add(gpu.unsupportedReason(request(relu, GpuCholesky.MAX_N, Get.NNGP, diag, auto)));
            r.add(gpu.unsupportedReason(request(
                    relu,
                    5,
                    Get.NNGP,
                    diag.withKernelOptions(KernelOptions.defaults().withDtype(DType.FLOAT32)),
                    auto)));
            r.add(gpu.unsupportedReason(request(relu, GpuCholesky.MAX_N + 1, Get.NNGP, diag, auto)));
            r.add(gpu.unsupportedReason(request(numerical, 5, Get.NNGP, diag, auto)));
            // unregularized: the CPU's jitter may be needed, unless the caller turned jitter off
            r.add(gpu.unsupportedReason(
                    request(relu, 5, Get.NNGP, diag.withRegularization(Regularization.NONE), auto)));
            r.add(gpu.unsupportedReason(request(
                    relu,
                    5,
                    Get.NNGP,
                    diag.withRegularization(Regularization.NONE).withJitter(JitterPolicy.none()),
                    auto)));
            return r;
        }

        /** n distinct training points in one dimension and two test points. */
        private static PosteriorRequest request(Architecture a, int n, Get get, PredictOptions o, SolverOptions s) {
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = i + 1;
                y[i] = Math.sin(i);
            }
            return new PosteriorRequest(
                    a, Matrix.column(x), Matrix.column(y), Matrix.column(new double[] {0.5, 1.5}), get, o, s);
        }
    }

    /**
     * Defines its own copy of every ntk4j class (so that it sees each class they ask for) and
     * records the name of every class requested through it; everything else comes from the parent.
     */
    private static final class Recording extends ClassLoader {
        final Set<String> requested = ConcurrentHashMap.newKeySet();

        Recording(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            if (!name.startsWith("org.ntk4j.")) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) c = define(name);
                if (resolve) resolveClass(c);
                return c;
            }
        }

        private Class<?> define(String name) throws ClassNotFoundException {
            try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) throw new ClassNotFoundException(name);
                byte[] b = in.readAllBytes();
                return defineClass(name, b, 0, b.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}
