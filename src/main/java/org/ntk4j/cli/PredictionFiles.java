package org.ntk4j.cli;

import java.util.List;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.parallel.ParallelRegion;

/**
 * The files of {@code ntk4j predict}, for every path that predicts (from data, or from a saved
 * model): {@code mean} (m×k) and {@code var} (m) or {@code cov} (m×m) in the output directory's
 * format. One time keeps the plain names ({@code mean.npy}); several times write one set per time,
 * {@code mean_t=<T>.npy} and so on, T as {@link #time} prints it.
 */
final class PredictionFiles {
    private PredictionFiles() {}

    /** One time's arrays: {@code cov} and {@code var} null when not requested. */
    record AtTime(double t, Matrix mean, Matrix cov, double[] var) {}

    /** A time as predict prints it: an integer without a fraction ({@code 10}), else Java's shortest decimal ({@code 0.5}, {@code 1.0E-4}); ∞ as {@code inf}. */
    static String time(double t) {
        if (t == Double.POSITIVE_INFINITY) return "inf";
        return t == Math.rint(t) && Math.abs(t) < 1e15 ? Long.toString((long) t) : Double.toString(t);
    }

    /** The stem of array {@code name} at time t: {@code name} when it is the only time, else {@code name_t=<T>}. */
    static String stem(String name, double t, boolean severalTimes) {
        return severalTimes ? name + "_t=" + time(t) : name;
    }

    /**
     * Writes every time's arrays. Nothing is written after an interrupt (Ctrl-C during the solves),
     * nor when any array does not fit {@code dtype} (float32: ±3.4e38), checked for all of them first.
     */
    static void write(OutputDir dir, List<AtTime> results, DType dtype) {
        ParallelRegion.checkInterrupted("predict");
        boolean several = results.size() > 1;
        for (AtTime r : results) storable(r, dtype, several);
        for (AtTime r : results) {
            dir.writeMatrix(stem("mean", r.t(), several), r.mean(), dtype);
            if (r.cov() != null) dir.writeMatrix(stem("cov", r.t(), several), r.cov(), dtype);
            if (r.var() != null) dir.writeVector(stem("var", r.t(), several), r.var(), dtype);
        }
    }

    /** With float32 every output must fit float32 (±3.4e38). */
    private static void storable(AtTime r, DType dtype, boolean severalTimes) {
        if (dtype != DType.FLOAT32) return;
        String at = severalTimes ? " at t=" + time(r.t()) : "";
        Finite.requireFloat32(r.mean(), "mean" + at);
        Finite.requireFloat32(r.cov(), "covariance" + at);
        if (r.var() != null) Finite.requireFloat32(Matrix.column(r.var()), "variances" + at);
    }
}
