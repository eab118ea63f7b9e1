package org.ntk4j.softopt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.commons.rng.UniformRandomProvider;
import org.ntk4j.error.InvalidInputException;

/**
 * Quantilizing a continuous or implicit prior known only through a sampler (§3.2, E19): draw
 * π ~ γ and keep it by an {@link AcceptRule} on its score; accepted draws follow the quantilizer
 * exactly (partial acceptance on a boundary atom included), and the acceptance rate is q. The rule
 * comes from a discrete solution ({@link SoftPolicy#acceptRule()}) or is estimated from prior draws
 * ({@link #quantilizerRule}, {@link EmpiricalMaximin}).
 *
 * @param <T> the policy type
 */
@FunctionalInterface
public interface PriorSampler<T> {
    /** Draws π ~ γ. */
    T sample(UniformRandomProvider rng);

    /**
     * Draws from γ until {@code count} draws are accepted by the rule or {@code maxDraws} are spent.
     * The result's acceptance rate estimates q.
     */
    default RejectionSampler.Result<T> quantilize(
            ToDoubleFunction<T> score, AcceptRule rule, int count, long maxDraws, UniformRandomProvider rng) {
        if (score == null) throw new InvalidInputException("score", "is missing (null)");
        if (rule == null) throw new InvalidInputException("rule", "is missing (null)");
        if (count < 0) throw new InvalidInputException("count", "must be >= 0");
        if (maxDraws < 1) throw new InvalidInputException("maxDraws", "must be >= 1");
        List<T> out = new ArrayList<>(count);
        long drawn = 0;
        while (out.size() < count && drawn < maxDraws) {
            T x = sample(rng);
            drawn++;
            double s = score.applyAsDouble(x);
            if (Double.isNaN(s)) throw new InvalidInputException("score", "is NaN at a drawn policy");
            double a = rule.acceptProbability(s);
            if (a >= 1 || (a > 0 && rng.nextDouble() < a)) out.add(x);
        }
        return new RejectionSampler.Result<>(out, drawn, (double) out.size() / drawn);
    }

    /**
     * Estimates the accept rule of Q_q from {@code draws} prior samples: t_q and the boundary
     * acceptance of the empirical measure (E2 on the empirical distribution of the scores).
     */
    default AcceptRule quantilizerRule(ToDoubleFunction<T> score, double q, int draws, UniformRandomProvider rng) {
        if (draws < 1) throw new InvalidInputException("draws", "must be >= 1");
        double[] s = new double[draws];
        for (int j = 0; j < draws; j++) s[j] = score.applyAsDouble(sample(rng));
        return Quantilizer.rule(Prior.uniform(draws), s, q);
    }
}
