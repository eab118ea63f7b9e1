package org.ntk4j.cli;

import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import picocli.CommandLine.Option;

/** The {@code --arch} and {@code --parameterization} flags, shared (as a picocli mixin) by kernel, predict and finite. */
final class ArchOptions {
    @Option(
            names = "--arch",
            required = true,
            paramLabel = "ARCH",
            description = "Architecture, e.g. 'Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)'.")
    String arch;

    @Option(
            names = "--parameterization",
            paramLabel = "ntk|standard",
            defaultValue = "ntk",
            converter = Choices.ParameterizationConverter.class,
            description = "Dense-layer parameterization (default: ntk).")
    Parameterization parameterization;

    /**
     * The parsed architecture: every wrong text or value, including those the layer records and
     * {@code Architecture} reject, is an {@link org.ntk4j.error.InvalidInputException} of {@code arch} from the parser
     * ({@code --arch} here); anything else would be a bug in the parser.
     */
    Architecture architecture() {
        return ArchParser.parse(arch, parameterization);
    }
}
