package org.ntk4j.evidence;

import org.ntk4j.arch.Architecture;
import org.ntk4j.kernel.LayerPlan;

/**
 * ∂M/∂W_std and ∂M/∂b_std in closed form: the recursion of docs/kernels.md §2–§3 differentiated in
 * forward mode (docs/evidence.md §2). Every quantity the recursion carries — the entry's K and Θ and
 * the two points' pre-activation variances q1, q2 — carries its two derivatives along; a Dense step
 * differentiates its affine map (σ_w² = W_std², σ_b² = b_std², so d/dW_std brings 2·W_std and d/db_std
 * 2·b_std for a layer with a bias), a nonlinearity its dual maps ({@link DualMapTangent}). The
 * per-point variances and their derivatives are computed once per point; each entry then costs a
 * few times the kernel recursion itself.
 */
final class TangentPlan implements EntryDerivatives {
    private final LayerPlan.Step[] steps;
    private final DualMapTangent[] maps;
    private final double w;
    private final double b;
    private final boolean ntk;
    /** Pre-activation variances of every point before each nonlinearity, and their W_std and b_std derivatives. */
    private final double[][] pre;

    private final double[][] preW;
    private final double[][] preB;

    private TangentPlan(LayerPlan plan, DualMapTangent[] maps, Hyperparameters h, boolean ntk, double[] q0) {
        this.steps = plan.steps().toArray(new LayerPlan.Step[0]);
        this.maps = maps;
        this.w = h.wStd();
        this.b = h.bStd();
        this.ntk = ntk;
        int acts = plan.activations(), n = q0.length;
        pre = new double[acts][];
        preW = new double[acts][];
        preB = new double[acts][];
        double[] v = q0.clone(), vw = new double[n], vb = new double[n];
        double[] dc = new double[2], d1 = new double[2], d2 = new double[2], out = new double[6];
        for (LayerPlan.Step s : steps) {
            if (s instanceof LayerPlan.DenseStep d) {
                double dBias = d.biasTerm() == 1.0 ? 2 * b : 0.0;
                for (int i = 0; i < n; i++) {
                    vw[i] = 2 * w * v[i] + d.w2() * vw[i];
                    vb[i] = d.w2() * vb[i] + dBias;
                    v[i] = d.w2() * v[i] + d.b2();
                }
            } else {
                LayerPlan.ActStep a = (LayerPlan.ActStep) s;
                pre[a.index()] = v.clone();
                preW[a.index()] = vw.clone();
                preB[a.index()] = vb.clone();
                DualMapTangent map = maps[a.index()];
                for (int i = 0; i < n; i++) {
                    dc[0] = d1[0] = d2[0] = vw[i];
                    dc[1] = d1[1] = d2[1] = vb[i];
                    map.eval(v[i], v[i], v[i], dc, d1, d2, 2, out);
                    v[i] = out[0];
                    vw[i] = out[2];
                    vb[i] = out[4];
                }
            }
        }
    }

    /**
     * The closed-form plan for {@code arch} (already carrying the hyperparameters {@code h}), or null
     * when one of its nonlinearities has no closed-form tangent.
     *
     * @param ntk whether M is the NTK Θ (NTK-GP) rather than the NNGP K
     * @param q0  the input variances |x|²/d of the training points
     */
    static TangentPlan of(Architecture arch, Hyperparameters h, boolean ntk, int inputDim, double[] q0) {
        LayerPlan plan = new LayerPlan(arch, inputDim);
        DualMapTangent[] maps = new DualMapTangent[plan.activations()];
        for (LayerPlan.Step s : plan.steps()) {
            if (s instanceof LayerPlan.ActStep a) {
                maps[a.index()] = DualMapTangent.of(a.act());
                if (maps[a.index()] == null) return null;
            }
        }
        return new TangentPlan(plan, maps, h, ntk, q0);
    }

    @Override
    public Evidence.GradientMethod method() {
        return Evidence.GradientMethod.ANALYTIC;
    }

    @Override
    public Evaluator evaluator() {
        double[] dc = new double[2], d1 = new double[2], d2 = new double[2], out = new double[6], m = new double[3];
        return (gram, i, j, res) -> {
            entry(gram, i, j, dc, d1, d2, out, m);
            res[0] = m[1];
            res[1] = m[2];
        };
    }

    /** m = {M_ij, ∂M_ij/∂W_std, ∂M_ij/∂b_std} (the other arrays are scratch). */
    void entry(double gram, int i, int j, double[] dc, double[] d1, double[] d2, double[] out, double[] m) {
        double k = gram, kw = 0, kb = 0, th = 0, tw = 0, tb = 0;
        for (LayerPlan.Step s : steps) {
            if (s instanceof LayerPlan.DenseStep d) {
                double w2 = d.w2(), alpha = d.ntkAlpha();
                // Θ' = α·K + β + σ_w²·Θ with α = σ_w², β = σ_b² ('ntk') or α = N_in, β = 1[bias] ('standard')
                double dAlphaW = d.standard() ? 0.0 : 2 * w;
                double dBetaB = !d.standard() && d.biasTerm() == 1.0 ? 2 * b : 0.0;
                double tw2 = dAlphaW * k + alpha * kw + 2 * w * th + w2 * tw;
                double tb2 = alpha * kb + dBetaB + w2 * tb;
                th = alpha * k + d.ntkBeta() + w2 * th;
                tw = tw2;
                tb = tb2;
                kw = 2 * w * k + w2 * kw;
                kb = w2 * kb + (d.biasTerm() == 1.0 ? 2 * b : 0.0);
                k = w2 * k + d.b2();
            } else {
                LayerPlan.ActStep a = (LayerPlan.ActStep) s;
                int x = a.index();
                dc[0] = kw;
                dc[1] = kb;
                d1[0] = preW[x][i];
                d1[1] = preB[x][i];
                d2[0] = preW[x][j];
                d2[1] = preB[x][j];
                maps[x].eval(k, pre[x][i], pre[x][j], dc, d1, d2, 2, out);
                // Θ' = Θ·Ṫ(K): product rule
                tw = tw * out[1] + th * out[3];
                tb = tb * out[1] + th * out[5];
                th = th * out[1];
                k = out[0];
                kw = out[2];
                kb = out[4];
            }
        }
        if (ntk) {
            m[0] = th;
            m[1] = tw;
            m[2] = tb;
        } else {
            m[0] = k;
            m[1] = kw;
            m[2] = kb;
        }
    }
}
