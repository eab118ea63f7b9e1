package org.ntk4j.linalg;

/**
 * What {@link Cholesky} added to the diagonal to factor a matrix, and why.
 *
 * @param added            the absolute amount added to every diagonal entry (0 when none)
 * @param relative         {@code added} divided by the mean diagonal entry
 * @param attempts         factorizations tried (1 when the plain matrix worked)
 * @param reason           why jitter was needed (empty when none)
 */
public record JitterReport(double added, double relative, int attempts, String reason) {
    /** Nothing added: the plain matrix factored. */
    public static final JitterReport NONE = new JitterReport(0, 0, 1, "");

    public JitterReport {
        if (!(added >= 0) || !(relative >= 0)) throw new IllegalArgumentException("jitter must be >= 0");
        if (attempts < 0) throw new IllegalArgumentException("attempts must be >= 0");
        if (reason == null) reason = "";
    }

    /** Whether anything was added. */
    public boolean applied() {
        return added > 0;
    }

    @Override
    public String toString() {
        return applied()
                ? String.format(
                        java.util.Locale.ROOT,
                        "jitter %.3g (%.3g x mean diagonal) after %d attempts: %s",
                        added,
                        relative,
                        attempts,
                        reason)
                : "no jitter";
    }
}
