package org.ntk4j.correction;

/** Weighted least squares y ≈ a + b·x with weights 1/se², and the standard errors of a and b. */
record WeightedLine(double a, double b, double seA, double seB) {
    static WeightedLine fit(double[] x, double[] y, double[] se) {
        double s = 0, sx = 0, sxx = 0, sy = 0, sxy = 0;
        for (int i = 0; i < x.length; i++) {
            double w = 1 / (se[i] * se[i]);
            s += w;
            sx += w * x[i];
            sxx += w * x[i] * x[i];
            sy += w * y[i];
            sxy += w * x[i] * y[i];
        }
        double det = s * sxx - sx * sx;
        double a = (sxx * sy - sx * sxy) / det, b = (s * sxy - sx * sy) / det;
        return new WeightedLine(a, b, Math.sqrt(sxx / det), Math.sqrt(s / det));
    }
}
