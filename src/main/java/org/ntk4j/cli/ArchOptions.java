package org.ntk4j.cli;

import org.ntk4j.arch.ArchParser;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import picocli.CommandLine.Option;

/** The {@code --arch} and {@code --parameterization} flags, shared (as a picocli mixin) by kernel, predict and finite. */
final class ArchOptions {
    @Option(names = "--arch", required = true, paramLabel = "ARCH",
        description = "Architecture, e.g. 'Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)'.")
    String arch;

    @Option(names = "--parameterization", paramLabel = "ntk|standard", defaultValue = "ntk",
        converter = Choices.ParameterizationConverter.class, description = "Dense-layer parameterization (default: ntk).")
    Parameterization parameterization;

    /** The parsed architecture (InvalidInputException naming --arch when the text is wrong). */
    Architecture architecture() { return ArchParser.parse(arch, parameterization); }
}
