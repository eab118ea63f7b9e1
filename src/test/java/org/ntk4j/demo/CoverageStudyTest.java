package org.ntk4j.demo;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.ProgressListener;
import org.ntk4j.utility.NtkUtilityModel;

/** The coverage study of {@code demo --worlds}: its bookkeeping on a few small worlds, and Hoeffding's coverage on many. */
class CoverageStudyTest {
    /** Small worlds for the default suite: 200 policies, 60 + 100 labels. */
    static final ToyConfig SMALL = new ToyConfig(200, 60, 100, 0.02, 1, 1.0, 0.05, 1.0, List.of(0.1), 512);

    static NtkUtilityModel model(ToyConfig cfg) {
        return NtkUtilityModel.ntkgp(cfg.architecture(), cfg.labelNoise() * cfg.labelNoise());
    }

    @Test
    void worldsAreSeededAndTheThreadCountChangesNothing() {
        List<long[]> progress = new ArrayList<>();
        List<String> stages = new ArrayList<>();
        ProgressListener p = new ProgressListener() {
            @Override
            public synchronized void onProgress(long done, long total) {
                progress.add(new long[] {done, total});
            }

            @Override
            public synchronized void onStage(String stage, long total) {
                stages.add(stage + " " + total);
            }
        };
        CoverageResult three = CoverageStudy.run(SMALL, 7, 4, model(SMALL), 3, p);
        CoverageResult one = CoverageStudy.run(SMALL, 7, 4, model(SMALL), 1, null);
        assertEquals(one.worlds(), three.worlds(), "results depend on the thread count");
        Set<ToyUtility> utilities = new HashSet<>();
        for (int w = 0; w < 4; w++) {
            CoverageResult.World world = three.worlds().get(w);
            assertEquals(7 + w, world.seed());
            assertEquals(ToyUtility.random(7 + w), world.utility());
            utilities.add(world.utility());
            // the narrow posterior's ε is computed from its own, narrower posterior
            assertTrue(
                    world.bound("posterior_narrow").epsilon()
                            < world.bound("posterior_fitted").epsilon(),
                    "" + world);
            assertTrue(world.fit().fittedLml() >= world.fit().handPickedLml(), "" + world.fit());
        }
        assertEquals(4, utilities.size(), "each world draws its own utility");
        assertEquals(List.of("coverage study 4"), stages);
        assertEquals(5, progress.size());
        assertTrue(progress.stream().anyMatch(d -> d[0] == 4 && d[1] == 4));
        // a world alone gives what it gives inside the study
        CoverageResult.World alone = BlasThreads.one(() -> CoverageStudy.world(
                SMALL,
                9,
                new NtkUtilityModel(
                        model(SMALL).architecture(),
                        model(SMALL).get(),
                        model(SMALL).regularization(),
                        model(SMALL).kernelOptions().withThreads(1))));
        assertEquals(three.worlds().get(2), alone);
    }

    @Test
    void summaryTableReportAndPlot() {
        CoverageResult r = CoverageStudy.run(SMALL, 0, 3, model(SMALL), 2, null);
        Map<String, Object> s = r.summary();
        assertEquals(CoverageResult.METHODS, List.copyOf(s.keySet()));
        for (String m : CoverageResult.METHODS) {
            Map<?, ?> e = (Map<?, ?>) s.get(m);
            assertEquals(3, e.get("worlds"));
            int covered = (Integer) e.get("epsilon_covered"), held = (Integer) e.get("guarantee_held");
            assertTrue(covered >= 0 && covered <= 3 && held >= 0 && held <= 3, m + ": " + e);
            int count = 0;
            for (CoverageResult.World w : r.worlds())
                if (w.bound(m).trueMeanAbsError() <= w.bound(m).epsilon()) count++;
            assertEquals(count, covered, m);
        }
        assertTrue(((Map<?, ?>) s.get("hoeffding")).containsKey("range_held"));
        assertEquals(ToyUtility.FAMILY, r.settings().get("family"));
        assertTrue(r.table().contains("posterior_narrow"));
        DemoResult demo = GoodhartDemoTest.run(ToyConfig.small(), 0);
        String md = DemoReport.markdown(demo, r);
        assertTrue(md.contains("## Coverage study over random worlds"), md);
        assertTrue(md.contains("only when the world is drawn from the posterior's own prior"), md);
        assertTrue(md.contains("![coverage](coverage.png)"), md);
        assertTrue(md.contains("--worlds 3`"), md);
        byte[] png = DemoPlots.coverage(r);
        assertTrue(png.length > 1000);
        assertEquals((byte) 0x89, png[0]);
    }

    @Test
    void atLeastOneWorld() {
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> CoverageStudy.run(SMALL, 0, 0, model(SMALL), 1, null));
        assertEquals("worlds", e.argument());
    }

    /**
     * Hoeffding's ε covers E_γ|U − V| in at least 1 − δ of the worlds where its premise |U − H| ≤ R held,
     * less 3 binomial standard errors (its guarantee is over the calibration draws of each world, which
     * are independent across worlds). The demo's own configuration, 100 worlds.
     */
    @Tag("slow")
    @Test
    void hoeffdingCoversAtItsNominalRate() {
        ToyConfig cfg = ToyConfig.defaults();
        CoverageResult r = CoverageStudy.run(
                cfg, 1000, 100, model(cfg), Runtime.getRuntime().availableProcessors(), null);
        System.out.println(r.table());
        int n = r.rangeHeld();
        assertTrue(n >= 50, "too few worlds with |U - H| <= R: " + n);
        double nominal = 1 - cfg.delta();
        double se = Math.sqrt(nominal * (1 - nominal) / n);
        double rate = r.hoeffdingCoveredWhereRangeHeld() / (double) n;
        assertTrue(rate >= nominal - 3 * se, "Hoeffding covered " + rate + " of " + n + " worlds");
    }
}
