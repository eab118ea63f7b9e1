package org.ntk4j.gpu;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Layer;
import org.ntk4j.arch.activation.DeviceCode;
import org.ntk4j.arch.activation.DeviceEncodable;
import org.ntk4j.kernel.LayerPlan;

/**
 * The kernel package's {@link LayerPlan} serialized for the fused recursion kernel
 * (native/kernels.cu): one op per Dense step, each with the nonlinearity that follows it, encoded
 * by the activation's own {@link DeviceEncodable#deviceCode()}. The per-example recursions the
 * kernel needs (pre-activation variances, output variances, the NTK's diagonal) are the plan's,
 * laid out per op.
 */
final class GpuProgram {
    /** One Dense step and the activation step after it with its encoding (both null when none). */
    record Op(LayerPlan.DenseStep dense, LayerPlan.ActStep act, DeviceCode code) {}

    private final LayerPlan plan;
    final List<Op> ops;
    /** Op records of 8 values {w2, b2, alpha, beta, actId, paramOffset, 0, 0}. */
    final double[] opArray;
    /** Concatenated activation constants. */
    final double[] params;

    private GpuProgram(LayerPlan plan, List<Op> ops) {
        this.plan = plan;
        this.ops = List.copyOf(ops);
        opArray = new double[8 * Math.max(1, ops.size())];
        List<Double> p = new ArrayList<>();
        for (int o = 0; o < ops.size(); o++) {
            Op op = ops.get(o);
            opArray[8 * o] = op.dense().w2();
            opArray[8 * o + 1] = op.dense().b2();
            opArray[8 * o + 2] = op.dense().ntkAlpha();
            opArray[8 * o + 3] = op.dense().ntkBeta();
            opArray[8 * o + 4] = op.code() == null ? DeviceCode.NONE : op.code().id();
            opArray[8 * o + 5] = p.size();
            if (op.code() != null) for (double v : op.code().params()) p.add(v);
        }
        params = new double[Math.max(1, p.size())];
        for (int i = 0; i < p.size(); i++) params[i] = p.get(i);
    }

    /** Why the GPU cannot run this architecture, or null if it can. */
    static String unsupportedReason(Architecture arch) {
        for (Layer l : arch.layers())
            if (l instanceof Activation a && !(a instanceof DeviceEncodable))
                return "the GPU has no kernel for " + a.describe() + " (only closed-form activations run on the GPU)";
        return null;
    }

    /** Compiles {@code arch} (through {@link LayerPlan}) for inputs of dimension {@code inputDim}. */
    static GpuProgram compile(Architecture arch, int inputDim) {
        String why = unsupportedReason(arch);
        if (why != null) throw new IllegalArgumentException(why);
        LayerPlan plan = new LayerPlan(arch, inputDim);
        List<Op> ops = new ArrayList<>();
        for (LayerPlan.Step s : plan.steps()) {
            if (s instanceof LayerPlan.DenseStep d) {
                ops.add(new Op(d, null, null));
            } else {
                LayerPlan.ActStep a = (LayerPlan.ActStep) s;
                Op last = ops.remove(ops.size() - 1); // the plan puts a Dense step before every activation
                ops.add(new Op(last.dense(), a, ((DeviceEncodable) a.act()).deviceCode()));
            }
        }
        return new GpuProgram(plan, ops);
    }

    /** Host-side per-example recursions for one input. */
    record Rows(double[][] pre, double[] cov, double[] diagNtk) {}

    /**
     * The plan's variance recursion from the input variances {@code q0} = |x|²/d. {@code pre[o]}
     * holds the variances entering op o's activation (zeros when it has none). With
     * {@code ntkDiag}, also Θ(x, x).
     */
    Rows rows(double[] q0, String name, boolean ntkDiag) {
        int n = q0.length;
        double[][] byActivation = new double[plan.activations()][];
        double[] th = ntkDiag ? new double[n] : null;
        double[] cov = plan.variances(q0, byActivation, th, name);
        double[][] pre = new double[ops.size()][];
        for (int o = 0; o < ops.size(); o++) {
            LayerPlan.ActStep a = ops.get(o).act();
            pre[o] = a == null ? new double[n] : byActivation[a.index()];
        }
        return new Rows(pre, cov, th);
    }

    /** Pre-activation variances laid out for the kernel: op o's values at [o·n, o·n + n). */
    static double[] flatten(double[][] pre, int n) {
        double[] out = new double[Math.max(1, pre.length) * Math.max(1, n)];
        for (int o = 0; o < pre.length; o++) System.arraycopy(pre[o], 0, out, o * n, n);
        return out;
    }
}
