package org.ntk4j.demo;

import java.util.List;
import org.ntk4j.error.InvalidInputException;

/**
 * The Goodhart toy's knobs. {@link #defaults()} is what {@code ntk4j demo} runs.
 *
 * @param policies          n policies (points in a 2-D feature box)
 * @param fitLabels         labelled prior draws used to fit the NTK posterior
 * @param calibrationLabels further labelled prior draws used only to estimate ε (E16)
 * @param labelNoise        sd of the noise on observed true utility
 * @param seeds             how many seeds the table averages over (seed, seed+1, …)
 * @param kappa             κ of the lower band L = U − κσ
 * @param delta             δ of the Hoeffding bound
 * @param range             R, the known bound on |U − V| (true utility lies in [0, 1])
 * @param quantilizerQs     the fixed q's compared
 * @param width             hidden width named in the architecture (infinite-width kernels do not depend on it)
 */
public record ToyConfig(
        int policies,
        int fitLabels,
        int calibrationLabels,
        double labelNoise,
        int seeds,
        double kappa,
        double delta,
        double range,
        List<Double> quantilizerQs,
        int width) {
    public ToyConfig {
        if (policies < 50) throw new InvalidInputException("policies", "need at least 50");
        if (fitLabels < 5 || calibrationLabels < 5)
            throw new InvalidInputException("labels", "need at least 5 of each");
        if (seeds < 1) throw new InvalidInputException("seeds", "need at least 1");
        if (!(labelNoise >= 0)) throw new InvalidInputException("labelNoise", "must be >= 0");
        quantilizerQs = List.copyOf(quantilizerQs);
    }

    /** The demo's default: 1200 policies, 200 + 300 labels, 5 seeds. */
    public static ToyConfig defaults() {
        return new ToyConfig(1200, 200, 300, 0.02, 5, 1.0, 0.05, 1.0, List.of(0.01, 0.1, 0.5), 512);
    }

    /** A smaller toy for fast tests. */
    static ToyConfig small() {
        return new ToyConfig(400, 120, 200, 0.02, 2, 1.0, 0.05, 1.0, List.of(0.01, 0.1, 0.5), 512);
    }

    /** The architecture text of the utility network (ARCH syntax). */
    public String architecture() {
        String d = "Dense(" + width + ",W_std=1.5,b_std=0.1)";
        return d + "->Relu->" + d + "->Relu->Dense(1,W_std=1.5,b_std=0.1)";
    }
}
