package org.ntk4j.gpu;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Layer;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.activation.Identity;
import org.ntk4j.kernel.KernelInputs;

/**
 * An architecture compiled for the fused recursion kernel (native/kernels.cu): one op per Dense
 * layer, each with the nonlinearity that follows it (Identity layers dropped, they change
 * nothing). Also runs, on the host and with the same {@link Activation} objects as the CPU
 * path, the O(n) per-example recursions the kernel needs: the pre-activation variances of every
 * layer, the output variances (cov) and the NTK's diagonal.
 */
final class GpuProgram {
    /** One Dense layer and the activation after it (null when none). */
    record Op(double w2, double b2, double alpha, double beta, Activation act, ActivationCodec.Code code) { }

    final List<Op> ops;
    /** Op records of 8 values {w2, b2, alpha, beta, actId, paramOffset, 0, 0}. */
    final double[] opArray;
    /** Concatenated activation constants. */
    final double[] params;

    private GpuProgram(List<Op> ops) {
        this.ops = List.copyOf(ops);
        opArray = new double[8 * Math.max(1, ops.size())];
        List<Double> p = new ArrayList<>();
        for (int o = 0; o < ops.size(); o++) {
            Op op = ops.get(o);
            opArray[8 * o] = op.w2();
            opArray[8 * o + 1] = op.b2();
            opArray[8 * o + 2] = op.alpha();
            opArray[8 * o + 3] = op.beta();
            opArray[8 * o + 4] = op.code() == null ? 0 : op.code().id();
            opArray[8 * o + 5] = p.size();
            if (op.code() != null) for (double v : op.code().params()) p.add(v);
        }
        params = new double[Math.max(1, p.size())];
        for (int i = 0; i < p.size(); i++) params[i] = p.get(i);
    }

    /** Why the GPU cannot run this architecture, or null if it can. */
    static String unsupportedReason(Architecture arch) {
        for (Layer l : arch.layers())
            if (l instanceof Activation a && !(a instanceof Identity) && ActivationCodec.encode(a) == null)
                return "the GPU has no kernel for " + a.describe() + " (only closed-form activations run on the GPU)";
        return null;
    }

    /** Compiles {@code arch} for inputs of dimension {@code inputDim}. */
    static GpuProgram compile(Architecture arch, int inputDim) {
        String why = unsupportedReason(arch);
        if (why != null) throw new IllegalArgumentException(why);
        boolean standard = arch.parameterization() == Parameterization.STANDARD;
        double width = inputDim;
        List<Op> ops = new ArrayList<>();
        for (Layer l : arch.layers()) {
            if (l instanceof Dense d) {
                double w2 = d.wStd() * d.wStd(), b2 = d.hasBias() ? d.bStd() * d.bStd() : 0.0;
                // NTK: Θ' = (w2·K + b2) + w2·Θ; standard: Θ' = N_in·K + w2·Θ + 1[bias]  (docs/kernels.md §2)
                ops.add(standard ? new Op(w2, b2, width, d.hasBias() ? 1.0 : 0.0, null, null) : new Op(w2, b2, w2, b2, null, null));
                width = d.width();
            } else if (l instanceof Activation a && !(a instanceof Identity)) {
                Op last = ops.remove(ops.size() - 1); // Architecture guarantees a Dense precedes it
                ops.add(new Op(last.w2(), last.b2(), last.alpha(), last.beta(), a, ActivationCodec.encode(a)));
            }
        }
        return new GpuProgram(ops);
    }

    /** Host-side per-example recursions for one input. */
    record Rows(double[][] pre, double[] cov, double[] diagNtk) { }

    /**
     * Runs the variance recursion from the input variances {@code q0} = |x|²/d (exactly as the CPU
     * path: Dense v ← w2·v + b2, activation v ← φ.variance(v)). {@code pre[o]} holds the variances
     * entering op o's activation (zeros when it has none). With {@code ntkDiag}, also Θ(x, x).
     */
    Rows rows(double[] q0, String name, boolean ntkDiag) {
        int n = q0.length;
        double[][] pre = new double[ops.size()][];
        double[] v = q0.clone();
        double[] th = ntkDiag ? new double[n] : null;
        int step = 0;
        for (int o = 0; o < ops.size(); o++) {
            Op op = ops.get(o);
            step++;
            for (int i = 0; i < n; i++) {
                if (th != null) th[i] = op.alpha() * v[i] + op.beta() + op.w2() * th[i];
                v[i] = op.w2() * v[i] + op.b2();
            }
            KernelInputs.requireFiniteVariances(v, name, step);
            if (op.act() == null) {
                pre[o] = new double[n];
                continue;
            }
            step++;
            pre[o] = v.clone();
            for (int i = 0; i < n; i++) {
                if (th != null) th[i] *= op.act().ntkFactor(v[i], v[i], v[i]);
                v[i] = op.act().variance(v[i]);
            }
            KernelInputs.requireFiniteVariances(v, name, step);
        }
        return new Rows(pre, v, th);
    }

    /** Pre-activation variances laid out for the kernel: op o's values at [o·n, o·n + n). */
    static double[] flatten(double[][] pre, int n) {
        double[] out = new double[Math.max(1, pre.length) * Math.max(1, n)];
        for (int o = 0; o < pre.length; o++) System.arraycopy(pre[o], 0, out, o * n, n);
        return out;
    }
}
