package org.ntk4j.cli;

import org.ntk4j.io.ArrayFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The {@code --format npy|csv} flag, shared (as a picocli mixin) by every command that writes arrays. */
final class FormatOption {
    @Option(
            names = "--format",
            paramLabel = "npy|csv",
            defaultValue = "npy",
            converter = Converter.class,
            description = "File format of the arrays written (default: npy; csv: one matrix row per line, no header).")
    ArrayFormat format;

    /** {@code --format}: a bad value is a usage error listing the choices. */
    static final class Converter implements ITypeConverter<ArrayFormat> {
        @Override
        public ArrayFormat convert(String s) {
            try {
                return ArrayFormat.parse(s);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + s + "' is not one of npy, csv");
            }
        }
    }
}
