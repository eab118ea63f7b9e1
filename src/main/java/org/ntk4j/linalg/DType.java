package org.ntk4j.linalg;

/** Floating-point precision of stored results. float64 is the default everywhere. */
public enum DType {
    FLOAT64,
    FLOAT32;

    /** Parses {@code float64} / {@code float32} (also {@code f64}, {@code f32}, {@code double}, {@code float}). */
    public static DType parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "float64", "f64", "double" -> FLOAT64;
            case "float32", "f32", "float" -> FLOAT32;
            default -> throw new IllegalArgumentException("dtype must be float64 or float32, got '" + s + "'");
        };
    }
}
