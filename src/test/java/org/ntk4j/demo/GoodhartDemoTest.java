package org.ntk4j.demo;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ntk4j.utility.NtkUtilityModel;

/** The demo's claims, asserted: maximin beats argmax on true utility, and its guarantee holds. */
class GoodhartDemoTest {

    static DemoResult run(ToyConfig cfg, long seed) {
        return GoodhartDemo.run(
                cfg, seed, NtkUtilityModel.ntkgp(cfg.architecture(), cfg.labelNoise() * cfg.labelNoise()), null);
    }

    static void assertClaims(DemoResult r) {
        for (SeedRun s : r.runs()) {
            MethodResult arg = s.result("argmax"), mm = s.result("maximin"), lb = s.result("maximin_lower_band");
            String ctx = "seed " + s.seed();
            assertTrue(
                    mm.trueUtility() > arg.trueUtility(),
                    ctx + ": maximin true " + mm.trueUtility() + " vs argmax " + arg.trueUtility());
            assertTrue(mm.trueUtility() >= mm.guaranteedValue().getAsDouble(), ctx + ": maximin guarantee violated");
            assertTrue(lb.trueUtility() >= lb.guaranteedValue().getAsDouble(), ctx + ": lower-band guarantee violated");
            assertTrue(arg.proxyUtility() > mm.proxyUtility(), ctx + ": argmax should look best on the proxy");
            // the bound's premise, checkable only on a toy
            assertTrue(
                    s.trueMeanAbsError() <= s.epsilon().epsilon(),
                    ctx + ": E_γ|U − V| = " + s.trueMeanAbsError() + " > ε");
        }
    }

    @Test
    void smallToyClaims() {
        DemoResult r = run(ToyConfig.small(), 0);
        assertClaims(r);
        assertEquals(r.runs().size(), r.guaranteeHeld("maximin"));
    }

    @Tag("slow")
    @Test
    void defaultToyClaimsAndOutputs() throws Exception {
        long t0 = System.nanoTime();
        DemoResult r = run(ToyConfig.defaults(), 0);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertClaims(r);
        System.out.println(r.table() + "\n" + seconds + " s");
        Path out = Path.of(System.getProperty("ntk4j.demo.dump", "target/demo-test"));
        Files.createDirectories(out);
        Files.write(out.resolve("policies.png"), DemoPlots.policies(r.runs().get(0)));
        Files.write(out.resolve("goodhart.png"), DemoPlots.goodhart(r.runs().get(0)));
        Files.writeString(out.resolve("report.md"), DemoReport.markdown(r));
    }
}
