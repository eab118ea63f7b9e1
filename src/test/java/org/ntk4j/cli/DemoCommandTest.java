package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ntk4j demo} end to end on the default toy: table, report, summary.json, PNGs, its claims; and {@code --worlds}. */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @Tag("slow")
    @Test
    void writesReportSummaryAndPlots() throws Exception {
        Path out = tmp.resolve("demo");
        CliRun r = CliRun.of("demo", "--out", out.toString(), "--seed", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("maximin_lower_band"), r.out());
        for (String f : new String[] {"report.md", "summary.json", "policies.png", "goodhart.png"})
            assertTrue(Files.size(out.resolve(f)) > 100, f);
        byte[] png = Files.readAllBytes(out.resolve("goodhart.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        JsonNode m = new ObjectMapper()
                .readTree(out.resolve("summary.json").toFile())
                .get("methods");
        for (String k : new String[] {"argmax", "maximin", "maximin_lower_band", "quantilizer_q0.1"})
            for (String f : new String[] {"true_utility", "proxy_utility", "guaranteed_value", "q", "kl_to_prior"})
                assertTrue(m.get(k).has(f), k + "." + f);
        // the demo's claims on the default toy (averaged over its 5 seeds): with the hand-picked hyperparameters
        // argmax falls off the cliff and the maximin does not; with the fitted ones (the rows without a suffix)
        // argmax does well, and the maximin keeps its guarantee
        assertTrue(m.get("maximin_hand_picked").get("true_utility").asDouble()
                > m.get("argmax_hand_picked").get("true_utility").asDouble());
        assertTrue(m.get("maximin").get("true_utility").asDouble()
                >= m.get("maximin").get("guaranteed_value").asDouble());
        assertEquals(5, m.get("maximin").get("guarantee_held_seeds").asInt());
        assertTrue(m.has("maximin_posterior"));
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(5, s.get("hyperparameters").size());
        assertEquals(5, s.get("per_seed").size());
        assertEquals(4, s.get("per_seed").get(4).get("seed").asInt());
        assertTrue(s.get("per_seed")
                .get(0)
                .get("methods")
                .get("argmax")
                .get("guarantee_vacuous")
                .asBoolean());
        assertTrue(Files.readString(out.resolve("report.md")).contains("| 5/5 (vacuous) |"));
        assertTrue(s.get("hyperparameters").get(0).get("fitted").get("lml").asDouble()
                > s.get("hyperparameters").get(0).get("hand_picked").get("lml").asDouble());
        assertTrue(s.get("calibration").get("fitted").get("coverage").has("0.9"));
        assertTrue(s.get("calibration").get("fitted").get("f_coverage").has("0.9"));
        assertFalse(s.has("coverage"), "no study without --worlds");
        assertTrue(r.out().contains("hyperparameters by the marginal likelihood"), r.out());
        RunRecords.assertComplete(out, r, "report.md", "summary.json", "policies.png", "goodhart.png");
    }

    @Tag("slow")
    @Test
    void worldsAddTheCoverageStudy() throws Exception {
        Path out = tmp.resolve("study");
        CliRun r = CliRun.of("demo", "--out", out.toString(), "--seed", "3", "--worlds", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("coverage study: 3 random worlds, seeds 3..5"), r.out());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        for (String m : new String[] {"hoeffding", "posterior_fitted", "posterior_narrow"})
            for (String f : new String[] {"worlds", "epsilon_covered", "guarantee_held"})
                assertTrue(s.get("coverage").get(m).has(f), m + "." + f);
        assertEquals(3, s.get("coverage").get("hoeffding").get("worlds").asInt());
        assertEquals(3, s.get("coverage_study").get("seeds").get(0).asInt());
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("## Coverage study over random worlds"), md);
        RunRecords.assertComplete(out, r, "report.md", "summary.json", "policies.png", "goodhart.png", "coverage.png");
    }

    @Test
    void negativeWorldsIsInvalidInputNamingTheFlag() {
        CliRun r = CliRun.of("demo", "--out", tmp.resolve("neg").toString(), "--worlds", "-1");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().startsWith("ntk4j: error: --worlds: "), r.err());
        assertFalse(Files.exists(tmp.resolve("neg").resolve("run.json")));
    }
}
