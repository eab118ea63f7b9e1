package org.ntk4j.spark;

import java.io.Serializable;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.predict.Get;
import org.ntk4j.solve.NystromSteps;

/**
 * What a fitted model is, as plain serializable values: the architecture as text (parsed again on each
 * executor, since the parsed form is not serializable), the kernel, whether variances are computed,
 * the centers with their factors and, once solved, the weights (null while fitting).
 */
record Fitted(
        String arch,
        String parameterization,
        String get,
        boolean variances,
        NystromSteps.Centers centers,
        NystromSteps.Weights weights)
        implements Serializable {
    Fitted {
        if (arch == null || arch.isBlank()) throw new InvalidInputException("arch", "is required");
    }

    /** The model the steps take, parsed (typed errors name {@code arch}, {@code parameterization} or {@code get}). */
    NystromSteps.Model model() {
        return model(arch, parameterization, get, variances);
    }

    static NystromSteps.Model model(String arch, String parameterization, String get, boolean variances) {
        return new NystromSteps.Model(
                ArchParser.parse(arch, parameterizationOf(parameterization)), getOf(get), variances);
    }

    static Get getOf(String get) {
        try {
            return Get.parse(get);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("get", "must be nngp, ntk or ntkgp, got '" + get + "'", e);
        }
    }

    static Parameterization parameterizationOf(String p) {
        try {
            return Parameterization.parse(p);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("parameterization", "must be ntk or standard, got '" + p + "'", e);
        }
    }

    Fitted withWeights(NystromSteps.Weights w) {
        return new Fitted(arch, parameterization, get, variances, centers, w);
    }
}
