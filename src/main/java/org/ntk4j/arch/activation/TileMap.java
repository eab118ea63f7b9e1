package org.ntk4j.arch.activation;

/**
 * Optional fast path of an {@link org.ntk4j.arch.Activation}: applies the dual maps to a whole
 * tile in one tight loop, computing T and Ṫ together (sharing θ, roots, exponentials).
 *
 * <p>The tile is column-major with {@code rows} rows: entry (i, j) is at {@code i + j*rows}; its
 * variances are {@code q1[off1 + i]} and {@code q2[off2 + j]}. On return {@code k} holds
 * T(k, q1, q2) and, when {@code theta} is not null, {@code theta} has been multiplied by
 * Ṫ(k, q1, q2) (using the input k). The arithmetic per entry is the same as the scalar
 * {@code nngp}/{@code ntkFactor}, so tiled and untiled results agree bit for bit.
 */
public interface TileMap {
    void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta);
}
