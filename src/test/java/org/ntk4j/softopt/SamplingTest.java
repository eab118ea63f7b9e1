package org.ntk4j.softopt;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AliasMethodDiscreteSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;
import org.ntk4j.error.InvalidInputException;

/**
 * Exactness of the samplers (claim 14): Pearson chi-square goodness-of-fit tests of accepted draws
 * against p*. Each test has false-alarm rate α = 1e-3 per check (seeded, so a given seed either
 * passes or fails deterministically; a correct sampler fails a fresh seed with probability 1e-3).
 */
class SamplingTest {
    static final double ALPHA = 1e-3;

    /** Pearson's statistic on cells with expected count ≥ 5 (others pooled); asserts p-value ≥ α. */
    static void assertFits(double[] p, int[] counts, int total, String what) {
        double stat = 0, poolE = 0, poolO = 0;
        int cells = 0;
        for (int i = 0; i < p.length; i++) {
            double e = p[i] * total;
            if (p[i] == 0) {
                assertEquals(0, counts[i], what + ": draw outside the support at " + i);
                continue;
            }
            if (e < 5) {
                poolE += e;
                poolO += counts[i];
                continue;
            }
            stat += (counts[i] - e) * (counts[i] - e) / e;
            cells++;
        }
        if (poolE > 0) {
            stat += (poolO - poolE) * (poolO - poolE) / poolE;
            cells++;
        }
        assertTrue(cells >= 2, what + ": too few cells");
        double critical = ChiSquaredDistribution.of(cells - 1).inverseSurvivalProbability(ALPHA);
        assertTrue(
                stat <= critical, what + ": chi2 = " + stat + " > critical " + critical + " (df " + (cells - 1) + ")");
    }

    /** A discrete proposal r over indices. */
    static Proposal<Integer> discrete(double[] r) {
        return new Proposal<>() {
            SharedStateDiscreteSampler s;

            @Override
            public Integer sample(UniformRandomProvider rng) {
                if (s == null) s = AliasMethodDiscreteSampler.of(rng, r);
                return s.sample();
            }

            @Override
            public double density(Integer i) {
                return r[i];
            }
        };
    }

    @Test
    void rejectionFromATiltedProposalIsExact() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(14L);
        for (int inst = 0; inst < 5; inst++) {
            Oracles.Instance in = Oracles.randomInstance(rng, 20);
            Prior g = in.gamma();
            SoftPolicy p = Maximin.solve(g, in.utility(), 0.3);
            double[] target = p.probabilities();
            double[] r = new double[20];
            double s = 0;
            for (int i = 0; i < 20; i++) {
                r[i] = 0.02 + target[i] * (0.5 + rng.nextDouble());
                s += r[i];
            }
            for (int i = 0; i < 20; i++) r[i] /= s;
            double m = RejectionSampler.bound(target, r);
            RejectionSampler<Integer> rs = RejectionSampler.forThresholdedPrior(
                    discrete(r), g::weight, i -> in.utility()[i], p.acceptRule(), p.q(), m);
            int n = 20_000;
            RejectionSampler.Result<Integer> res = rs.sample(n, Long.MAX_VALUE, rng);
            int[] counts = new int[20];
            for (int i : res.samples()) counts[i]++;
            assertFits(target, counts, n, "instance " + inst);
            // acceptance rate 1/M: accepted n of N proposals; 5 binomial sd
            double sd = Math.sqrt(res.proposals() * (1 / m) * (1 - 1 / m));
            assertEquals(
                    res.proposals() / m, n, 5 * sd + 1, "acceptance rate " + res.acceptanceRate() + " vs 1/M " + 1 / m);
        }
    }

    @Test
    void rejectionFromThePriorHasAcceptanceQ() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(15L);
        Prior g = Prior.of(WorkedExamplesTest.G1);
        SoftPolicy p = Maximin.solve(g, WorkedExamplesTest.U1, 0.30);
        RejectionSampler<Integer> rs = RejectionSampler.forThresholdedPrior(
                discrete(g.weights()), g::weight, i -> WorkedExamplesTest.U1[i], p.acceptRule(), p.q(), 1 / p.q());
        RejectionSampler.Result<Integer> res = rs.sample(10_000, Long.MAX_VALUE, rng);
        int[] counts = new int[8];
        for (int i : res.samples()) counts[i]++;
        assertFits(p.probabilities(), counts, 10_000, "prior proposal");
        assertEquals(0.25, res.acceptanceRate(), 5 * Math.sqrt(0.25 * 0.75 / res.proposals()));
    }

    /** §5.2's check: two-step plans, factorized prior and a tilted factorized proposal, threshold at the 90% quantile. */
    @Test
    void factorizedPlannerCorrectedByRejection() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(16L);
        int k = 6;
        double[] first = {0.3, 0.25, 0.2, 0.12, 0.08, 0.05};
        double[][] second = new double[k][k];
        double[] u = new double[k * k], g = new double[k * k];
        for (int a = 0; a < k; a++) {
            double s = 0;
            for (int b = 0; b < k; b++) {
                second[a][b] = Math.exp(-0.4 * Math.abs(a - b));
                s += second[a][b];
            }
            for (int b = 0; b < k; b++) {
                second[a][b] /= s;
                g[a * k + b] = first[a] * second[a][b];
                u[a * k + b] = a + 0.7 * b + 0.3 * Math.sin(3 * a * b);
            }
        }
        Prior prior = Prior.of(g);
        SoftPolicy p = Quantilizer.of(prior, u, 0.1);
        // tilted factorized proposal: more weight on high actions at both steps
        double[] tilt = new double[k];
        double ts = 0;
        for (int a = 0; a < k; a++) {
            tilt[a] = first[a] * Math.exp(0.5 * a);
            ts += tilt[a];
        }
        double[] r = new double[k * k];
        for (int a = 0; a < k; a++) {
            double s = 0;
            double[] row = new double[k];
            for (int b = 0; b < k; b++) {
                row[b] = second[a][b] * Math.exp(0.4 * b);
                s += row[b];
            }
            for (int b = 0; b < k; b++) r[a * k + b] = tilt[a] / ts * row[b] / s;
        }
        double m = RejectionSampler.bound(p.probabilities(), r);
        assertTrue(
                1 / m > p.q(),
                "the tilted proposal should accept more often than the prior (" + 1 / m + " vs " + p.q() + ")");
        RejectionSampler<Integer> rs =
                RejectionSampler.forThresholdedPrior(discrete(r), prior::weight, i -> u[i], p.acceptRule(), p.q(), m);
        RejectionSampler.Result<Integer> res = rs.sample(20_000, Long.MAX_VALUE, rng);
        int[] counts = new int[k * k];
        for (int i : res.samples()) counts[i]++;
        assertFits(p.probabilities(), counts, 20_000, "two-step plans");
    }

    @Test
    void priorSamplerWithPartialBoundaryAcceptanceIsExact() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(17L);
        Prior g = Prior.of(WorkedExamplesTest.G1);
        SoftPolicy q19 = Quantilizer.of(g, WorkedExamplesTest.U1, 0.19); // boundary atom U = 4 accepted with prob 0.5
        PriorSampler<Integer> prior = new PriorSampler<>() {
            SharedStateDiscreteSampler s;

            @Override
            public Integer sample(UniformRandomProvider r) {
                if (s == null) s = AliasMethodDiscreteSampler.of(r, g.weights());
                return s.sample();
            }
        };
        RejectionSampler.Result<Integer> res =
                prior.quantilize(i -> WorkedExamplesTest.U1[i], q19.acceptRule(), 20_000, Long.MAX_VALUE, rng);
        int[] counts = new int[8];
        for (int i : res.samples()) counts[i]++;
        assertFits(q19.probabilities(), counts, 20_000, "prior sampler");
        assertEquals(0.19, res.acceptanceRate(), 5 * Math.sqrt(0.19 * 0.81 / res.proposals()));
        // the estimated rule from prior draws converges to the exact one
        AcceptRule est = prior.quantilizerRule(i -> WorkedExamplesTest.U1[i], 0.19, 200_000, rng);
        assertEquals(4.0, est.threshold());
        assertEquals(0.5, est.boundaryAcceptance(), 0.03); // (0.19 − γ̂(U>4))/γ̂(U=4); sd ≈ 0.006
    }

    @Test
    void sirIsConsistent() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(18L);
        Prior g = Prior.of(WorkedExamplesTest.G1);
        SoftPolicy p = Maximin.solve(g, WorkedExamplesTest.U1, 0.30);
        double[] r = {0.05, 0.05, 0.1, 0.1, 0.2, 0.2, 0.15, 0.15};
        ImportanceResampler.Result<Integer> res = ImportanceResampler.resample(
                discrete(r), i -> WorkedExamplesTest.U1[i] >= p.threshold() ? g.weight(i) : 0, 100_000, 20_000, rng);
        int[] counts = new int[8];
        for (int i : res.samples()) counts[i]++;
        double tv = 0;
        for (int i = 0; i < 8; i++) tv += 0.5 * Math.abs(counts[i] / 20_000.0 - p.probability(i));
        assertTrue(tv < 0.02, "TV(SIR, p*) = " + tv);
        assertTrue(res.effectiveSampleSize() > 10_000 && res.effectiveSampleSize() <= 100_000);
    }

    @Test
    void aBoundBelowTheSupremumIsAnError() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(19L);
        double[] target = {0.5, 0.5, 0}, r = {0.1, 0.45, 0.45};
        RejectionSampler<Integer> rs = new RejectionSampler<>(discrete(r), i -> target[i], 2.0); // sup is 5
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> rs.sample(1000, Long.MAX_VALUE, rng));
        assertEquals("bound", e.argument());
        assertThrows(
                InvalidInputException.class,
                () -> RejectionSampler.bound(new double[] {0.5, 0.5}, new double[] {1, 0}));
        List<Integer> none = rs.sample(0, 1, rng).samples();
        assertTrue(none.isEmpty());
    }
}
