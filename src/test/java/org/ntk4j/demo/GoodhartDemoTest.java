package org.ntk4j.demo;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ntk4j.calibration.Calibration;
import org.ntk4j.utility.NtkUtilityModel;

/**
 * The demo's claims, asserted: with the hand-picked hyperparameters the maximin beats argmax on true
 * utility (the Goodhart effect); with the fitted ones the fit raised the likelihood, the maximin's
 * guarantees hold and ε bounds the true error. (Before the fit, the maximin beat argmax with the
 * model the demo used; fitted by the likelihood, the proxy no longer extrapolates past the toy's cliff
 * and argmax does well, so that claim now belongs to the hand-picked rows.)
 */
class GoodhartDemoTest {

    static DemoResult run(ToyConfig cfg, long seed) {
        return GoodhartDemo.run(
                cfg, seed, NtkUtilityModel.ntkgp(cfg.architecture(), cfg.labelNoise() * cfg.labelNoise()), null);
    }

    static void assertClaims(DemoResult r) {
        for (SeedRun s : r.runs()) {
            MethodResult arg = s.result("argmax"), mm = s.result("maximin"), lb = s.result("maximin_lower_band");
            MethodResult argHand = s.result("argmax_hand_picked"), mmHand = s.result("maximin_hand_picked");
            String ctx = "seed " + s.seed();
            assertTrue(
                    mmHand.trueUtility() > argHand.trueUtility(),
                    ctx + ": hand-picked maximin true " + mmHand.trueUtility() + " vs argmax " + argHand.trueUtility());
            assertTrue(mm.trueUtility() >= mm.guaranteedValue().getAsDouble(), ctx + ": maximin guarantee violated");
            assertTrue(lb.trueUtility() >= lb.guaranteedValue().getAsDouble(), ctx + ": lower-band guarantee violated");
            assertTrue(
                    mmHand.trueUtility() >= mmHand.guaranteedValue().getAsDouble(),
                    ctx + ": hand-picked maximin guarantee violated");
            assertTrue(arg.proxyUtility() > mm.proxyUtility(), ctx + ": argmax should look best on the proxy");
            // the bound's premise, checkable only on a toy
            assertTrue(
                    s.trueMeanAbsError() <= s.epsilon().epsilon(),
                    ctx + ": E_γ|U − V| = " + s.trueMeanAbsError() + " > ε");
            // the fit starts at the hand-picked values, so it can only raise the likelihood
            assertTrue(s.fit().fittedLml() >= s.fit().handPickedLml(), ctx + ": " + s.fit());
            assertEquals(r.config().calibrationLabels(), s.calibration().testPoints(), ctx);
            assertEquals(
                    r.config().calibrationLabels(), s.handPickedCalibration().testPoints(), ctx);
            assertTrue(s.calibration().hasLatent(), ctx);
            // the posterior ε drives its own maximin, with t* its guarantee
            MethodResult mp = s.result("maximin_posterior");
            assertEquals(s.posteriorEpsilon().epsilon() > s.epsilon().epsilon(), mp.q() > mm.q(), ctx);
        }
    }

    /** The summary's new entries: fitted and hand-picked hyperparameters per seed, pooled calibration, the posterior row. */
    static void assertSummary(DemoResult r) {
        Map<String, Object> s = r.summary();
        assertTrue(s.containsKey("epsilon_posterior"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> hp = (List<Map<String, Object>>) s.get("hyperparameters");
        assertEquals(r.runs().size(), hp.size());
        for (String k : new String[] {"hand_picked", "fitted"})
            for (String f : new String[] {"w_std", "b_std", "noise", "lml"})
                assertTrue(((Map<?, ?>) hp.get(0).get(k)).containsKey(f), k + "." + f);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> cal = (Map<String, Map<String, Object>>) s.get("calibration");
        for (String k : new String[] {"fitted", "hand_picked"}) {
            assertEquals(
                    r.runs().size() * r.config().calibrationLabels(), cal.get(k).get("points"), k);
            for (String which : new String[] {"coverage", "f_coverage"}) {
                Map<?, ?> cov = (Map<?, ?>) cal.get(k).get(which);
                assertEquals(List.of("0.5", "0.8", "0.9", "0.95", "0.99"), List.copyOf(cov.keySet()), k);
                double last = 0;
                for (Object v : cov.values()) { // wider intervals cover at least as much
                    assertTrue((Double) v >= last, k + "." + which + ": " + cov);
                    last = (Double) v;
                }
            }
            assertTrue(Double.isFinite((Double) cal.get(k).get("nll")), k);
        }
        // pooled over the seeds (equal counts): the mean of the seeds' fractions
        double mean90 = 0;
        for (SeedRun run : r.runs())
            mean90 += run.calibration().pooled().fCoverage().fraction(0.9)
                    / r.runs().size();
        assertEquals(mean90, (Double) ((Map<?, ?>) cal.get("fitted").get("f_coverage")).get("0.9"), 1e-12);
        assertTrue(((Map<?, ?>) s.get("methods")).containsKey("maximin_posterior"));
    }

    /** Scoring the held-out draws twice gives the same result: the labels it centres are copies. */
    @Test
    void heldOutCalibrationLeavesTheLabelsAlone() {
        ToyConfig cfg = ToyConfig.small();
        ToyWorld world = ToyWorld.generate(cfg.policies(), 3);
        GoodhartDemo.Labels labels = GoodhartDemo.drawLabels(cfg, world, GoodhartDemo.labelRandom(3));
        double[] before = labels.hCal().clone();
        GoodhartDemo.Training data = GoodhartDemo.training(world, labels);
        NtkUtilityModel m = NtkUtilityModel.ntkgp(cfg.architecture(), cfg.labelNoise() * cfg.labelNoise());
        Calibration a = GoodhartDemo.heldOutCalibration(m, world, data, labels);
        Calibration b = GoodhartDemo.heldOutCalibration(m, world, data, labels);
        assertArrayEquals(before, labels.hCal());
        assertEquals(a.pooled(), b.pooled());
    }

    @Test
    void smallToyClaims() {
        DemoResult r = run(ToyConfig.small(), 0);
        assertClaims(r);
        assertSummary(r);
        assertEquals(r.runs().size(), r.guaranteeHeld("maximin"));
    }

    @Tag("slow")
    @Test
    void defaultToyClaimsAndOutputs() throws Exception {
        long t0 = System.nanoTime();
        DemoResult r = run(ToyConfig.defaults(), 0);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertClaims(r);
        assertSummary(r);
        System.out.println(r.table() + "\n" + seconds + " s");
        Path out = Path.of(System.getProperty("ntk4j.demo.dump", "target/demo-test"));
        Files.createDirectories(out);
        Files.write(out.resolve("policies.png"), DemoPlots.policies(r.runs().get(0)));
        Files.write(out.resolve("goodhart.png"), DemoPlots.goodhart(r.runs().get(0)));
        Files.writeString(out.resolve("report.md"), DemoReport.markdown(r));
    }
}
