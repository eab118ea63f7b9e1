package org.ntk4j.kernel;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasUpper;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dsyrk;

import java.nio.DoubleBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.ntk4j.linalg.Matrix;

/**
 * The input Gram matrix x1·x2ᵀ (unscaled), computed by OpenBLAS directly (cblas_dgemm, and
 * cblas_dsyrk for the diagonal blocks when x2 = x1) in row panels of about {@link #PANEL_BYTES}
 * of off-heap memory, so that no n1×n2 float64 temporary beyond the outputs is ever needed. Through
 * JavaCPP's BLAS-only preset {@code openblas_nolapack}: a kernel run then never loads the second
 * (LAPACK) library, 0.03 s of CLI start-up here (0.13 s without the AOT cache).
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
    private final DoublePointer panel; // the reused panel buffer, or null when writing into a target
    private final DoublePointer target; // an n1×n2 column-major matrix receiving every panel in place, or null
    private boolean closed; // BLAS on freed copies would read freed memory: checked before every call

    /** Inputs x1 (n1×d) and x2 (n2×d, or null for x2 = x1: the symmetric Gram); they are copied off-heap. */
    GramPanels(Matrix x1, Matrix x2) {
        this(x1, x2, null);
    }

    /**
     * As {@link #GramPanels(Matrix, Matrix)}; with a {@code target} (n1×n2, column-major, leading
     * dimension n1; not owned) every panel is computed straight into its place in the target instead
     * of a panel buffer: the same BLAS calls on the same panels, only the leading dimension of the
     * result differs, so the entries are bit for bit those of the buffered panels. {@link #whole()}
     * then views all of them. x2 may be x1 itself (a full, non-mirrored Gram of x1; copied once).
     */
    GramPanels(Matrix x1, Matrix x2, DoublePointer target) {
        this.n1 = x1.rows();
        this.d = x1.cols();
        symmetric = x2 == null;
        this.n2 = symmetric ? n1 : x2.rows();
        panelRows = panelRows(n1, this.n2);
        this.x1 = x1.toNativeColumnMajor();
        this.x2 = symmetric || x2 == x1 ? this.x1 : x2.toNativeColumnMajor();
        this.target = target;
        panel = target == null ? new DoublePointer((long) panelRows * this.n2) : null;
    }

    /** Whether an n1×n2 target can be viewed as one buffer (fewer than 2³¹ bytes), as {@link #whole()} needs. */
    static boolean fitsOneView(int n1, int n2) {
        return 8L * n1 * n2 <= Integer.MAX_VALUE;
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
    int firstColumn(int r0) {
        return symmetric ? r0 : 0;
    }

    /**
     * Computes the panel of rows [r0, r1): entry (i, j) for j ≥ firstColumn(r0) lands at
     * {@code (i − r0) + (j − firstColumn(r0))·(r1 − r0)} of the returned buffer, or at
     * {@code i + j·n1} of the target (and null is returned). When symmetric only entries with i ≤ j
     * are valid.
     */
    DoubleBuffer compute(int r0, int r1) {
        requireOpen();
        int p = r1 - r0, c0 = firstColumn(r0), cols = n2 - c0;
        // C(i, j), i ≥ r0, j ≥ c0, and its leading dimension
        DoublePointer c =
                target == null ? new DoublePointer(panel) : new DoublePointer(target).position(r0 + (long) c0 * n1);
        int ldc = target == null ? p : n1;
        DoublePointer a = new DoublePointer(x1).position(r0);
        if (symmetric) {
            // Upper triangle of the diagonal block, then the block to its right.
            cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, p, d, 1.0, a, n1, 0.0, c, ldc);
            if (cols > p) {
                DoublePointer b = new DoublePointer(x1).position(r1);
                DoublePointer right = new DoublePointer(c).position(c.position() + (long) p * ldc);
                cblas_dgemm(
                        CblasColMajor, CblasNoTrans, CblasTrans, p, cols - p, d, 1.0, a, n1, b, n1, 0.0, right, ldc);
            }
        } else {
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, p, cols, d, 1.0, a, n1, x2, n2, 0.0, c, ldc);
        }
        return target == null ? panel.limit((long) p * cols).asBuffer() : null;
    }

    /** All panels computed into the target, as one buffer (entry (i, j) at i + j·n1); see {@link #fitsOneView}. */
    DoubleBuffer whole() {
        requireOpen();
        if (target == null) throw new IllegalStateException("no target");
        return new DoublePointer(target).position(0).limit((long) n1 * n2).asBuffer();
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("Gram panels used after close()");
    }

    @Override
    public void close() {
        requireOpen(); // a second close is a bug of ownership
        closed = true;
        if (panel != null) panel.close();
        x1.close();
        if (x2 != x1) x2.close();
    }
}
