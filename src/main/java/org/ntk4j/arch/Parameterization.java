package org.ntk4j.arch;

/**
 * How a Dense layer's weights are scaled (docs/kernels.md §2).
 * {@link #NTK}: W ~ N(0,1), z = (σ_w/√N_in)·xW + σ_b·b (the default, as in neural-tangents).
 * {@link #STANDARD}: W ~ N(0, σ_w²/N_in), z = xW + b; the NTK then depends on the finite widths.
 */
public enum Parameterization {
    NTK,
    STANDARD;

    /** Parses {@code ntk} or {@code standard} (case-insensitive). */
    public static Parameterization parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "ntk" -> NTK;
            case "standard" -> STANDARD;
            default ->
                throw new IllegalArgumentException("parameterization must be 'ntk' or 'standard', got '" + s + "'");
        };
    }
}
