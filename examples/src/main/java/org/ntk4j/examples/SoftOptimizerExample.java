package org.ntk4j.examples;

import java.util.Random;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.UtilityPosterior;
import org.ntk4j.softopt.EpsilonBound;
import org.ntk4j.softopt.Maximin;
import org.ntk4j.softopt.Prior;
import org.ntk4j.softopt.Quantilizer;
import org.ntk4j.softopt.SoftPolicy;
import org.ntk4j.utility.JointSamples;
import org.ntk4j.utility.NtkUtilityModel;

/**
 * The soft optimizer fed by an NTK posterior: learn a proxy utility U from a few labelled policies,
 * bound its error by ε, and choose the maximin policy distribution instead of the argmax.
 *
 * <p>The setting is a small Goodhart toy: 301 policies x ∈ [−3, 3], a prior γ that favours ordinary
 * ("human-like") policies near 0, and a true utility V that grows with x until x = 2 and then
 * collapses. Labels come from policies drawn from the prior, so the data rarely show the collapse: the
 * proxy extrapolates, and the argmax trusts it where it is least supported. The maximin keeps a share
 * q* of the prior, set by ε, and guarantees its expected true utility is at least t* whenever
 * E_γ|U − V| ≤ ε (docs/soft-optimization.md, E9–E11).
 */
public final class SoftOptimizerExample {
    public static void main(String[] args) {
        // 1. The policies (one feature each, as the rows of a matrix), the prior and the true utility.
        int n = 301;
        double[] x = new double[n], prior = new double[n], trueUtility = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -3 + 6.0 * i / (n - 1);
            prior[i] = Math.exp(-x[i] * x[i] / 2); // Prior.normalize makes the weights sum to 1
            trueUtility[i] = x[i] <= 2 ? x[i] : 2 - 4 * (x[i] - 2);
        }
        Prior gamma = Prior.normalize(prior);
        Matrix policies = Matrix.column(x);

        // 2. Labels: 40 policies drawn from the prior, their true utility observed with noise (sd 0.05).
        Random rng = new Random(11);
        int m = 40;
        double[][] labelled = new double[m][];
        double[] observed = new double[m];
        for (int j = 0; j < m; j++) {
            int i = drawFromPrior(gamma, rng.nextDouble());
            labelled[j] = new double[] {x[i]};
            observed[j] = trueUtility[i] + 0.05 * rng.nextGaussian();
        }

        // 3. The NTK-GP posterior of the utility of every policy (mean U, full covariance for ε).
        NtkUtilityModel model = NtkUtilityModel.ntkgp(
                "Dense(512, W_std=1.5, b_std=0.1) -> Relu -> Dense(1, W_std=1.5, b_std=0.1)", 0.05 * 0.05);
        UtilityPosterior posterior = model.fit(Matrix.of(labelled), observed, policies, true);
        double[] u = posterior.mean();

        // 4. ε: the 95 % posterior quantile of E_γ|U − V| over 2000 joint draws of V from the posterior.
        EpsilonBound.Estimate eps = JointSamples.posteriorEpsilon(posterior, gamma, 0.05, 2000, 7L);
        double epsilon = eps.epsilon();

        // 5. The maximin policy: the prior restricted to U ≥ t*, where E_γ[(U − t*)₊] = ε.
        SoftPolicy maximin = Maximin.solve(gamma, u, epsilon);
        double q = maximin.q(), guaranteed = maximin.guaranteedValue().orElseThrow();

        // 6. The argmax of the proxy, for comparison. Under the same bound its guarantee is U − ε/γ (E8): an
        //    adversary may spend the whole error budget ε on the one policy it picks, which has prior mass γ.
        int best = 0;
        for (int i = 1; i < n; i++) if (u[i] > u[best]) best = i;
        double argmaxGuaranteed = u[best] - epsilon / gamma.weight(best);

        System.out.printf(
                "epsilon = %.4f (posterior mean of E|U - V|: %.4f, delta %.2f)%n",
                epsilon, eps.meanAbsError(), eps.delta());
        System.out.printf(
                "maximin: q* = %.4f, guaranteed E[V] >= t* = %.4f; proxy E[U] = %.4f, true E[V] = %.4f%n",
                q, guaranteed, maximin.expectation(u), maximin.expectation(trueUtility));
        System.out.printf(
                "argmax:  x = %.2f, guaranteed >= %.4g; proxy U = %.4f, true V = %.4f%n",
                x[best], argmaxGuaranteed, u[best], trueUtility[best]);

        // 7. Checks, each against something computed another way than Maximin.solve does.
        check(q > 0 && q <= 1, "q* in (0, 1]: " + q);
        check(guaranteed <= maximin.expectation(u), "the guarantee t* is at most the policy's proxy value");
        double excess = 0; // E_γ[(U − t*)₊], which t* makes equal to ε (E9)
        for (int i = 0; i < n; i++) excess += gamma.weight(i) * Math.max(0, u[i] - guaranteed);
        check(Math.abs(excess - epsilon) <= 1e-9 * (1 + epsilon), "E[(U - t*)+] = epsilon: " + excess);
        // The guarantee of an arbitrary distribution (E8), applied to p*, is t* again.
        double generic = Maximin.guaranteedValue(gamma, u, maximin.probabilities(), epsilon);
        check(Math.abs(generic - guaranteed) <= 1e-9 * (1 + Math.abs(guaranteed)), "E8 gives t*: " + generic);
        // The maximin is the quantilizer whose q is q*.
        SoftPolicy quantilizer = Quantilizer.of(gamma, u, q);
        for (int i = 0; i < n; i++)
            check(Math.abs(quantilizer.probability(i) - maximin.probability(i)) <= 1e-12, "quantilizer at " + i);
        check(guaranteed >= argmaxGuaranteed, "the maximin guarantees at least what the argmax does");
        System.out.println("SoftOptimizerExample: all checks passed");
    }

    /** The index i with cumulative prior mass Γ(i − 1) ≤ r < Γ(i): a draw from the prior for r uniform in [0, 1). */
    private static int drawFromPrior(Prior prior, double r) {
        double cumulative = 0;
        for (int i = 0; i < prior.size(); i++) {
            cumulative += prior.weight(i);
            if (r < cumulative) return i;
        }
        return prior.size() - 1;
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError("SoftOptimizerExample: check failed: " + what);
    }
}
