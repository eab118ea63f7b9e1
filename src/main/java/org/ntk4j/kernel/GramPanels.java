package org.ntk4j.kernel;

import java.nio.DoubleBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;

/**
 * The input Gram matrix x1·x2ᵀ (unscaled), computed by OpenBLAS directly (cblas_dgemm, and
 * cblas_dsyrk for the diagonal blocks when x2 = x1) in row panels of about {@link #PANEL_BYTES}
 * of off-heap memory, so that no n1×n2 float64 temporary beyond the outputs is ever needed.
 *
 * <p>The panel height depends only on the shapes, never on the tile size, so the Gram entries —
 * and hence every kernel entry — do not depend on the tiling.
 */
final class GramPanels implements AutoCloseable {
    /**
     * Off-heap budget of one panel. Small on purpose: fresh memory costs a page fault per 4 KiB on
     * first touch (~3 ms per MiB on the reference VM), and one buffer is reused for every panel;
     * BLAS is already efficient at 1000-row panels.
     */
    static final long PANEL_BYTES = 32L << 20;
    /** The budget in use ({@link #PANEL_BYTES}; tests lower it to exercise several panels). */
    static volatile long panelBytes = PANEL_BYTES;
    /** Fewest rows per panel (unless n1 is smaller), so that BLAS calls stay efficient for very wide kernels. */
    static final int MIN_PANEL_ROWS = 64;

    final int n1, n2, d;
    final boolean symmetric;
    final int panelRows;
    private final DoublePointer x1, x2; // column-major copies (x2 == x1 when symmetric)
    private final DoublePointer panel;

    /** Column-major inputs x1 (n1×d) and x2 (n2×d, or null for x2 = x1); they are copied off-heap. */
    GramPanels(double[] x1cm, int n1, double[] x2cm, int n2, int d) {
        this.n1 = n1;
        this.d = d;
        symmetric = x2cm == null;
        this.n2 = symmetric ? n1 : n2;
        panelRows = panelRows(n1, this.n2);
        x1 = new DoublePointer(x1cm);
        x2 = symmetric ? x1 : new DoublePointer(x2cm);
        panel = new DoublePointer((long) panelRows * this.n2);
    }

    /** Rows per panel for an n1×n2 kernel: as many as fit in {@link #PANEL_BYTES}, at least 1. */
    static int panelRows(int n1, int n2) {
        long rows = Math.max(MIN_PANEL_ROWS, panelBytes / (8L * n2));
        return (int) Math.min(n1, rows);
    }

    /** Off-heap bytes this object allocates. */
    static long offHeapBytes(int n1, int n2, int d, boolean symmetric) {
        return 8L * panelRows(n1, n2) * n2 + 8L * d * (symmetric ? n1 : (long) n1 + n2);
    }

    /** First column of the panel starting at row r0 (columns below it are not needed when symmetric). */
    int firstColumn(int r0) { return symmetric ? r0 : 0; }

    /**
     * Computes the panel of rows [r0, r1): entry (i, j) for j ≥ firstColumn(r0) lands at
     * {@code (i − r0) + (j − firstColumn(r0))·(r1 − r0)}. When symmetric only entries with i ≤ j are
     * valid.
     */
    DoubleBuffer compute(int r0, int r1) {
        int p = r1 - r0, c0 = firstColumn(r0), cols = n2 - c0;
        DoublePointer a = new DoublePointer(x1).position(r0);
        if (symmetric) {
            // Upper triangle of the diagonal block, then the block to its right.
            openblas.cblas_dsyrk(openblas.CblasColMajor, openblas.CblasUpper, openblas.CblasNoTrans, p, d,
                1.0, a, n1, 0.0, panel, p);
            if (cols > p) {
                DoublePointer b = new DoublePointer(x1).position(r1);
                DoublePointer c = new DoublePointer(panel).position((long) p * p);
                openblas.cblas_dgemm(openblas.CblasColMajor, openblas.CblasNoTrans, openblas.CblasTrans, p, cols - p, d,
                    1.0, a, n1, b, n1, 0.0, c, p);
            }
        } else {
            openblas.cblas_dgemm(openblas.CblasColMajor, openblas.CblasNoTrans, openblas.CblasTrans, p, cols, d,
                1.0, a, n1, x2, n2, 0.0, panel, p);
        }
        return panel.limit((long) p * cols).asBuffer();
    }

    @Override public void close() {
        panel.close();
        x1.close();
        if (x2 != x1) x2.close();
    }
}
