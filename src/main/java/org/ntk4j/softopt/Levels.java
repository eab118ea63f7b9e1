package org.ntk4j.softopt;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * The distinct score levels of the policies in the prior's support, in descending order, with
 * their prior masses: the sorted view that the quantilizer (E1) and the threshold solver (E9) work
 * on. O(n log n). Policies with prior weight 0 are left out (no distribution here puts mass on them).
 */
final class Levels {
    final double[] value; // distinct scores, descending
    final double[] mass; // prior mass of each level
    final double maxAbs; // max |score| over the support, the scale for tie tolerances
    final int count;

    private Levels(double[] value, double[] mass, int count, double maxAbs) {
        this.value = value;
        this.mass = mass;
        this.count = count;
        this.maxAbs = maxAbs;
    }

    static Levels of(Prior prior, double[] score) {
        double[] g = prior.raw();
        int n = g.length;
        int m = 0;
        for (double w : g) if (w > 0) m++;
        // Sort (-score, index) pairs: encode as long-indexed sort via boxed-free parallel arrays.
        Integer[] idx = new Integer[m];
        int j = 0;
        for (int i = 0; i < n; i++) if (g[i] > 0) idx[j++] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(score[b], score[a]));
        double[] value = new double[m];
        double[] mass = new double[m];
        int count = 0;
        double maxAbs = 0;
        for (int k = 0; k < m; k++) {
            int i = idx[k];
            double s = score[i];
            maxAbs = Math.max(maxAbs, Math.abs(s));
            if (count > 0 && value[count - 1] == s) mass[count - 1] += g[i];
            else {
                value[count] = s;
                mass[count] = g[i];
                count++;
            }
        }
        return new Levels(value, mass, count, maxAbs);
    }

    /** The policy distribution that accepts score &gt; t fully and score = t with probability a. */
    static SoftPolicy accept(
            Mode mode, Prior prior, double[] score, double t, double a, OptionalDouble guaranteed, OptionalDouble eps) {
        double[] g = prior.raw();
        double[] p = new double[g.length];
        double kept = 0;
        for (int i = 0; i < g.length; i++) {
            double acc = score[i] > t ? 1 : score[i] == t ? a : 0;
            p[i] = g[i] * acc;
            kept += p[i];
        }
        int support = 0;
        double kl = 0;
        for (int i = 0; i < g.length; i++) {
            p[i] /= kept;
            if (p[i] > 0) {
                support++;
                kl += p[i] * Math.log(p[i] / g[i]);
            }
        }
        return new SoftPolicy(mode, p, t, Math.min(kept, 1.0), a, guaranteed, eps, support, Math.max(kl, 0.0));
    }
}
