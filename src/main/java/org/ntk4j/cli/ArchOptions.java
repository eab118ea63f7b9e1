package org.ntk4j.cli;

import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.InvalidInputException;
import picocli.CommandLine.Option;

/** The {@code --arch} and {@code --parameterization} flags, shared (as a picocli mixin) by kernel, predict and finite. */
final class ArchOptions {
    @Option(names = "--arch", required = true, paramLabel = "ARCH",
        description = "Architecture, e.g. 'Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)'.")
    String arch;

    @Option(names = "--parameterization", paramLabel = "ntk|standard", defaultValue = "ntk",
        converter = Choices.ParameterizationConverter.class, description = "Dense-layer parameterization (default: ntk).")
    Parameterization parameterization;

    /**
     * The parsed architecture (InvalidInputException naming --arch when the text is wrong). The
     * layer records validate their values with IllegalArgumentException; the parser translates
     * those it knows, and this translates any other from a layer's constructor, since every value
     * there came from the text of --arch (the CLI reports a bare one as an internal error).
     */
    Architecture architecture() {
        try {
            return ArchParser.parse(arch, parameterization);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--arch", e.getMessage(), e);
        }
    }
}
