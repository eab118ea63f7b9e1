package org.ntk4j.finite;

import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Layer;
import org.ntk4j.linalg.Matrix;

/** TEMPORARY: §3 recursion, NTK parameterization, until KernelFunction lands. */
final class TmpAnalytic {
    static double[][] kernels(Architecture arch, Matrix x) {
        int n = x.rows(), d = x.cols();
        double[] k = new double[n * n], t = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
            double s = 0;
            for (int c = 0; c < d; c++) s += x.get(i, c) * x.get(j, c);
            k[i + j * n] = s / d;
        }
        for (Layer l : arch.layers()) {
            if (l instanceof Dense de) {
                for (int q = 0; q < k.length; q++) {
                    k[q] = de.wStd() * de.wStd() * k[q] + de.bStd() * de.bStd();
                    t[q] = k[q] + de.wStd() * de.wStd() * t[q];
                }
            } else {
                Activation a = (Activation) l;
                double[] k2 = new double[n * n];
                for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
                    double q1 = k[i + i * n], q2 = k[j + j * n], c = k[i + j * n];
                    k2[i + j * n] = a.nngp(c, q1, q2);
                    t[i + j * n] *= a.ntkFactor(c, q1, q2);
                }
                k = k2;
            }
        }
        return new double[][] {k, t};
    }
}
