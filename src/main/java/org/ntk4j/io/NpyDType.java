package org.ntk4j.io;

import java.nio.file.Path;
import org.ntk4j.error.InputText;
import org.ntk4j.error.InvalidInputException;

/**
 * The little-endian element types ntk4j reads from {@code .npy} files: float64 and float32 for
 * data, int64 and int32 for labels and indices (converted to double). ntk4j writes float64 and
 * float32.
 */
public enum NpyDType {
    FLOAT64("<f8", 8),
    FLOAT32("<f4", 4),
    INT64("<i8", 8),
    INT32("<i4", 4);

    private final String descr;
    private final int size;

    NpyDType(String descr, int size) {
        this.descr = descr;
        this.size = size;
    }

    /** The numpy type string, e.g. {@code <f8}. */
    public String descr() {
        return descr;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** Maps a numpy type string to a supported type, or explains why it is not supported. */
    static NpyDType parse(String descr, Path file, String argument) {
        String d = descr.strip();
        // '=' is native order; numpy itself writes '<' on little-endian machines, but accept both.
        String norm = d.startsWith("=") ? "<" + d.substring(1) : d;
        for (NpyDType t : values()) if (t.descr.equals(norm)) return t;
        if (d.startsWith(">") && d.length() > 1 && "fi".indexOf(d.charAt(1)) >= 0)
            throw new InvalidInputException(
                    argument,
                    Inputs.name(file) + ": big-endian dtype " + InputText.quote(d)
                            + " is not supported; convert it with x.astype(" + InputText.quote("<" + d.substring(1))
                            + ") before numpy.save");
        throw new InvalidInputException(
                argument,
                Inputs.name(file) + ": dtype " + InputText.quote(d) + " (" + describe(d)
                        + ") is not supported; ntk4j reads float64 or float32 (int64/int32 for labels): save x.astype(numpy.float64)");
    }

    private static String describe(String d) {
        if (d.length() < 2) return "unknown";
        String kind = switch (d.charAt(1)) {
            case 'c' -> "complex";
            case 'f' -> "float";
            case 'i' -> "signed integer";
            case 'u' -> "unsigned integer";
            case 'b' -> "boolean";
            case 'U', 'S' -> "string";
            case 'O' -> "Python object";
            case 'M', 'm' -> "date/time";
            case 'V' -> "void";
            default -> "unknown";
        };
        String bytes = d.substring(2);
        return bytes.matches("[0-9]{1,4}") ? kind + ", " + bytes + " bytes" : kind; // the size only when it is one
    }
}
