package org.ntk4j.io;

/**
 * How an input file is read.
 *
 * @param argument    the name that error messages give the input (a CLI flag such as {@code --x1},
 *                    or a Java parameter name); never null
 * @param checkFinite reject NaN/±Inf entries with an {@link org.ntk4j.error.InvalidInputException}
 *                    naming the file, row and column (the default); false lets them through
 * @param keepFloat32 keep float32 data as a float32 {@link org.ntk4j.linalg.Matrix} instead of
 *                    widening it (exactly) to float64 (the default widens: computations are float64)
 */
public record ReadOptions(String argument, boolean checkFinite, boolean keepFloat32) {
    public ReadOptions {
        if (argument == null || argument.isBlank()) argument = "input";
    }

    /** Finite-checked, widened to float64, errors named {@code input}. */
    public static ReadOptions defaults() {
        return new ReadOptions("input", true, false);
    }

    /** Finite-checked, widened to float64, errors named after {@code argument} (e.g. {@code --x1}). */
    public static ReadOptions forArgument(String argument) {
        return new ReadOptions(argument, true, false);
    }

    public ReadOptions withArgument(String v) {
        return new ReadOptions(v, checkFinite, keepFloat32);
    }

    public ReadOptions withCheckFinite(boolean v) {
        return new ReadOptions(argument, v, keepFloat32);
    }

    public ReadOptions withKeepFloat32(boolean v) {
        return new ReadOptions(argument, checkFinite, v);
    }
}
