package org.ntk4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.io.Npy;
import org.ntk4j.io.NpyShape;
import org.ntk4j.io.ReadOptions;
import org.ntk4j.linalg.Matrix;

/**
 * Training rows straight from .npy files, read where the tasks run: the driver reads the two headers
 * only, and each of the P partitions reads its own contiguous range of rows ([i·n/P, (i+1)·n/P)) in
 * blocks of {@value #BLOCK_ROWS} rows ({@link Npy#readRows}). why: handing Spark rows built on the
 * driver (a local collection) made the driver hold every row several times over — ~7 GiB of JVM at
 * n = 10⁶, d = 16 — and set the largest n one machine could fit. The rows keep file order, so indices
 * (the centers' seed) mean what they mean to {@code predict}. On a cluster the paths must be readable
 * by every executor (a shared file system); otherwise use Parquet.
 */
final class NpyFrame {
    /** Rows per read: 65 536 × d doubles, a few MiB, whatever the partition's size. */
    static final int BLOCK_ROWS = 1 << 16;

    private NpyFrame() {}

    /** The headers of {@code --x-train} and {@code --y-train}, checked against each other. */
    record Shapes(NpyShape x, NpyShape y) {
        long rows() {
            return x.rows();
        }

        int cols() {
            return (int) x.cols();
        }
    }

    static boolean isNpy(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    /** Both headers, with the checks the whole-file read makes on the shapes (one target row per input). */
    static Shapes shapes(Path x, Path y) {
        NpyShape xs = Npy.shape(x, ReadOptions.forArgument("--x-train"));
        NpyShape ys = Npy.shape(y, ReadOptions.forArgument("--y-train"));
        if (xs.rows() == 0 || xs.cols() == 0)
            throw new InvalidInputException(
                    "--x-train", "has shape (" + xs.rows() + ", " + xs.cols() + "); it needs rows and columns");
        if (xs.cols() > Integer.MAX_VALUE || ys.cols() > Integer.MAX_VALUE)
            throw new InvalidInputException("--x-train", "has more than 2^31 - 1 columns");
        if (ys.rows() != xs.rows())
            throw new InvalidInputException(
                    "--y-train", "has " + ys.rows() + " rows, --x-train " + xs.rows() + " (one target row per input)");
        if (ys.cols() == 0) throw new InvalidInputException("--y-train", "has no columns");
        return new Shapes(xs, ys);
    }

    /** Rows {features: Vector, label: Double (one column) or Vector}, in file order, in {@code p} partitions. */
    static Dataset<Row> frame(SparkSession spark, Path x, Path y, Shapes s, int p) {
        return frame(spark, x, y, s, p, BLOCK_ROWS);
    }

    /** As {@link #frame(SparkSession, Path, Path, Shapes, int)}, reading {@code blockRows} rows at a time. */
    static Dataset<Row> frame(SparkSession spark, Path x, Path y, Shapes s, int p, int blockRows) {
        long n = s.rows();
        int parts = (int) Math.max(1, Math.min(p, n));
        List<Integer> ids = new ArrayList<>(parts);
        for (int i = 0; i < parts; i++) ids.add(i);
        String xf = x.toAbsolutePath().toString(), yf = y.toAbsolutePath().toString();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> rows = jsc.parallelize(ids, parts).mapPartitions(it -> {
            int i = it.next();
            long lo = n * i / parts, hi = n * (i + 1) / parts;
            return new Rows(Path.of(xf), Path.of(yf), lo, hi, blockRows);
        });
        return spark.createDataFrame(rows, SparkRun.schema(s.y().cols()));
    }

    /** The rows [lo, hi) of the two files, read {@code blockRows} at a time. */
    private static final class Rows implements Iterator<Row> {
        private final Path x, y;
        private final long hi;
        private final int blockRows;
        private long next; // global index of the next row
        private long blockStart;
        private Matrix xb, yb;

        Rows(Path x, Path y, long lo, long hi, int blockRows) {
            this.blockRows = blockRows;
            this.x = x;
            this.y = y;
            this.next = lo;
            this.hi = hi;
        }

        @Override
        public boolean hasNext() {
            return next < hi;
        }

        @Override
        public Row next() {
            if (next >= hi) throw new NoSuchElementException();
            if (xb == null || next - blockStart >= xb.rows()) {
                int count = (int) Math.min(blockRows, hi - next);
                xb = Npy.readRows(x, next, count, ReadOptions.forArgument("--x-train"));
                yb = Npy.readRows(y, next, count, ReadOptions.forArgument("--y-train"));
                blockStart = next;
            }
            int r = (int) (next - blockStart);
            next++;
            return SparkRun.row(xb, yb, r);
        }
    }
}
