package org.ntk4j.predict;

import java.util.Locale;

/** How much of the posterior covariance to compute: the full m×m matrix, only its diagonal, or none. */
public enum CovarianceMode {
    FULL,
    DIAGONAL,
    NONE;

    /** Parses {@code full}, {@code diag}/{@code diagonal} or {@code none} (case-insensitive). */
    public static CovarianceMode parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "full" -> FULL;
            case "diag", "diagonal" -> DIAGONAL;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("cov must be full, diag or none, got '" + s + "'");
        };
    }
}
