package org.ntk4j.kernel;

import java.nio.DoubleBuffer;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ntk4j.arch.text.ArchParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fused per-tile recursion of {@link KernelFunction} ({@link TileRecursion#run}: load the Gram
 * tile, every layer's Dense update and T/Ṫ map with the NTK, store) on one 128×128 tile, single
 * thread, for {@code [Dense(512) -> act] x depth -> Dense(1)}. The per-layer cost of an activation
 * (Dense + its map + NTK update) is (t(depth 4) − t(depth 1)) / 3 / 128², in ns per entry: load,
 * store and the last Dense cancel. benchmarks/jmh/report.py computes it.
 *
 * <p>x1 ≠ x2 (no mirroring): every one of the 128² entries is computed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RecursionBench {
    static final int TILE = 128, D = 64;

    /**
     * One instance per closed-form family (Numerical is not closed-form; Identity is dropped from the
     * plan). Parameters keep the variances finite over 4 layers at W_std = 1.
     */
    static final Map<String, String> SPECS = Map.ofEntries(
            Map.entry("Relu", "Relu"),
            Map.entry("LeakyRelu", "LeakyRelu(alpha=0.1)"),
            Map.entry("ABRelu", "ABRelu(a=-0.5,b=1)"),
            Map.entry("Abs", "Abs"),
            Map.entry("Erf", "Erf"),
            Map.entry("SigmoidLike", "Sigmoid_like"),
            Map.entry("Gelu", "Gelu"),
            Map.entry("Sin", "Sin"),
            Map.entry("Cos", "Cos"),
            Map.entry("Rbf", "Rbf(gamma=1)"),
            Map.entry("Exp", "Exp(a=1,b=0.5)"),
            Map.entry("Gaussian", "Gaussian(a=1,b=-1)"),
            Map.entry("Sign", "Sign"),
            Map.entry("Monomial", "Monomial(degree=2)"),
            Map.entry("RectifiedMonomial", "RectifiedMonomial(degree=2)"),
            Map.entry("Polynomial", "Polynomial(coef=[0,1,0.5])"),
            Map.entry("Gabor", "Gabor"));

    @Param({
        "Relu",
        "LeakyRelu",
        "ABRelu",
        "Abs",
        "Erf",
        "SigmoidLike",
        "Gelu",
        "Sin",
        "Cos",
        "Rbf",
        "Exp",
        "Gaussian",
        "Sign",
        "Monomial",
        "RectifiedMonomial",
        "Polynomial",
        "Gabor"
    })
    public String act;

    @Param({"1", "4"})
    public int depth;

    private TileRecursion rec;
    private DoubleBuffer panel;
    private double[] nngp;

    static String arch(String act, int depth) {
        StringBuilder s = new StringBuilder();
        for (int l = 0; l < depth; l++)
            s.append("Dense(512,W_std=1.0,b_std=0.1)->").append(act).append("->");
        return s.append("Dense(1,W_std=1.0,b_std=0.1)").toString();
    }

    @Setup
    public void setup() {
        String spec = SPECS.get(act);
        if (spec == null)
            throw new IllegalArgumentException("unknown activation " + act + "; known: " + SPECS.keySet());
        LayerPlan plan = new LayerPlan(ArchParser.parse(arch(spec, depth)), D);
        Random r = new Random(42);
        double[] x1 = new double[TILE * D], x2 = new double[TILE * D]; // column-major TILE×D
        for (int i = 0; i < x1.length; i++) {
            x1[i] = r.nextGaussian();
            x2[i] = 0.5 * x1[i] + 0.8 * r.nextGaussian();
        }
        double[] gram = new double[TILE * TILE]; // x1·x2ᵀ, unscaled, column-major (as GramPanels leaves it)
        double[] q1 = new double[TILE], q2 = new double[TILE];
        for (int j = 0; j < TILE; j++)
            for (int i = 0; i < TILE; i++) {
                double s = 0;
                for (int k = 0; k < D; k++) s += x1[i + k * TILE] * x2[j + k * TILE];
                gram[i + j * TILE] = s;
            }
        for (int k = 0; k < D; k++)
            for (int i = 0; i < TILE; i++) {
                q1[i] += x1[i + k * TILE] * x1[i + k * TILE];
                q2[i] += x2[i + k * TILE] * x2[i + k * TILE];
            }
        for (int i = 0; i < TILE; i++) {
            q1[i] /= D;
            q2[i] /= D;
        }
        double[][] pre1 = new double[plan.activations][], pre2 = new double[plan.activations][];
        plan.variances(q1, pre1, null, "x1");
        plan.variances(q2, pre2, null, "x2");
        nngp = new double[TILE * TILE];
        TileRecursion.Outputs out =
                new TileRecursion.Outputs(true, nngp, new double[TILE * TILE], null, null, null, null, false);
        rec = new TileRecursion(new TileRecursion.Shared(plan, D, q1, pre1, pre2, false, false, TILE, out), TILE);
        panel = DoubleBuffer.wrap(gram);
        tile(); // fails here (non-finite entry) rather than timing an overflow
    }

    @Benchmark
    public double tile() {
        rec.run(panel, 0, 0, TILE, 0, TILE, 0, TILE);
        return nngp[TILE + 1];
    }
}
