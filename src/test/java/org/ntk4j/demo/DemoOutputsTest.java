package org.ntk4j.demo;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.ntk4j.evidence.Hyperparameters;

/**
 * What the demo writes, checked on the small toy: summary.json's per-seed values against its averages
 * and against the coverage study's key names, the report's wording of vacuous guarantees and of t* and
 * t_B, and the plots' chart objects before rendering (series, axis ranges, tick formats, legend).
 */
class DemoOutputsTest {
    private static DemoResult result;

    @BeforeAll
    static void runSmallToy() {
        result = GoodhartDemoTest.run(ToyConfig.small(), 0);
    }

    // ---- summary.json -------------------------------------------------------------------------------

    @Test
    @SuppressWarnings("unchecked")
    void perSeedValuesAverageToTheReportedMeans() {
        Map<String, Object> s = result.summary();
        List<Map<String, Object>> perSeed = (List<Map<String, Object>>) s.get("per_seed");
        int n = result.runs().size();
        assertEquals(n, perSeed.size());
        assertEquals(s.get("seeds"), perSeed.stream().map(e -> e.get("seed")).toList());
        for (String key : List.of("epsilon", "epsilon_posterior", "true_mean_abs_error"))
            assertEquals((Double) s.get(key), mean(perSeed, e -> (Double) e.get(key)), 1e-12, key);

        Map<String, Map<String, Object>> methods = (Map<String, Map<String, Object>>) s.get("methods");
        for (String name : methods.keySet()) {
            Map<String, Object> avg = methods.get(name);
            List<Map<String, Object>> seeds = perSeed.stream()
                    .map(e -> ((Map<String, Map<String, Object>>) e.get("methods")).get(name))
                    .toList();
            for (String key : List.of("true_utility", "proxy_utility", "guaranteed_value", "q", "kl_to_prior")) {
                if (avg.get(key) == null) { // undefined on some seed: then null on that seed too
                    assertTrue(seeds.stream().anyMatch(m -> m.get(key) == null), name + "." + key);
                    continue;
                }
                assertEquals((Double) avg.get(key), mean(seeds, m -> (Double) m.get(key)), 1e-12, name + "." + key);
            }
            assertEquals(avg.get("guarantee_held_seeds"), count(seeds, "guarantee_held"), name);
            assertEquals(avg.get("guarantee_vacuous_seeds"), count(seeds, "guarantee_vacuous"), name);
        }

        // each seed's calibration, averaged (equal counts per seed), is the pooled one
        for (String model : List.of("fitted", "hand_picked")) {
            Map<String, Object> pooled = ((Map<String, Map<String, Object>>) s.get("calibration")).get(model);
            List<Map<String, Object>> seeds = perSeed.stream()
                    .map(e -> ((Map<String, Map<String, Object>>) e.get("calibration")).get(model))
                    .toList();
            assertEquals((Double) pooled.get("nll"), mean(seeds, c -> (Double) c.get("nll")), 1e-12, model);
            for (String level : List.of("0.5", "0.9", "0.99"))
                assertEquals(
                        (Double) ((Map<String, Object>) pooled.get("f_coverage")).get(level),
                        mean(seeds, c -> (Double) ((Map<String, Object>) c.get("f_coverage")).get(level)),
                        1e-12,
                        model + " " + level);
        }
    }

    /** The coverage study reports mean_X over worlds; the demo reports X per seed, under the same name X. */
    @Test
    @SuppressWarnings("unchecked")
    void perSeedKeysAreTheCoverageStudysNames() {
        Hyperparameters h = new Hyperparameters(1, 0.1, 1e-3);
        CoverageResult.Bound b = new CoverageResult.Bound(0.1, 0.05, 0.4, 0.6, 0.5);
        CoverageResult.World w =
                new CoverageResult.World(0, ToyUtility.STANDARD, new ModelFit(h, 1, h, 1, 1), true, List.of(b, b, b));
        CoverageResult c = new CoverageResult(ToyConfig.small(), 0, List.of(w));
        Map<String, Object> seed = ((List<Map<String, Object>>) result.summary().get("per_seed")).get(0);
        Map<String, Object> method = ((Map<String, Map<String, Object>>) seed.get("methods")).get("maximin");
        List<String> shared = new ArrayList<>();
        for (String key : ((Map<String, Object>) c.summary().get("hoeffding")).keySet()) {
            if (!key.startsWith("mean_")) continue;
            String x = key.substring("mean_".length());
            assertTrue(seed.containsKey(x) || method.containsKey(x), x + " (coverage: " + key + ") not in per_seed");
            shared.add(x);
        }
        assertEquals(List.of("epsilon", "true_mean_abs_error", "guaranteed_value", "true_utility"), shared);
        // and the per-world booleans the coverage study counts under guarantee_held
        assertTrue(method.get("guarantee_held") instanceof Boolean);
    }

    // ---- report.md ----------------------------------------------------------------------------------

    @Test
    void vacuousIsAtOrBelowTheLeastUtility() {
        assertTrue(DemoResult.vacuous(result("argmax", -1e5)));
        assertTrue(DemoResult.vacuous(result("q", ToyUtility.LOWEST)));
        assertFalse(DemoResult.vacuous(result("maximin", 0.4)));
        assertFalse(DemoResult.vacuous(new MethodResult("none", 0.5, 0.5, OptionalDouble.empty(), 1, 0)));
        // a vacuous guarantee always "holds": that is what makes the held count say nothing
        assertTrue(DemoResult.held(result("argmax", -1e5)));
    }

    @Test
    void reportSaysArgmaxsGuaranteeIsVacuousAndWhatHeldMeans() {
        String md = DemoReport.markdown(result);
        int n = result.runs().size();
        assertEquals(n, result.guaranteeVacuous("argmax"), "argmax's E_p[U] − ε/q on the small toy");
        String row = line(md, "| argmax |");
        assertTrue(row.matches(".*\\| -?[0-9.e+]+ \\(vacuous\\) \\|.*"), row);
        assertTrue(row.endsWith("| " + n + "/" + n + " (vacuous) |"), row);
        for (String maximin : List.of("| maximin |", "| maximin_lower_band |"))
            assertFalse(line(md, maximin).contains("vacuous"), maximin);
        String note = line(md, "**(vacuous)**");
        assertTrue(note.contains("is no evidence that the policy is safe"), note);
        assertTrue(note.contains("q = γ(π), the prior mass of its one policy"), note);
        assertTrue(
                note.contains(String.format(
                        java.util.Locale.ROOT,
                        "1/N = %.2e",
                        1.0 / result.config().policies())),
                note);
        assertTrue(note.contains("argmax has no useful guarantee"), note);
        // the note comes right after the table, before anything else reads the numbers
        assertTrue(md.indexOf("**(vacuous)**") < md.indexOf("ε (means over seeds)"));
        // and the printed table marks the same rows
        String table = result.table();
        assertTrue(line(table, "argmax ").contains("*"), table);
        assertTrue(table.contains("* vacuous"), table);
    }

    @Test
    void reportExplainsTStarAndTBWhereTheyFirstAppear() {
        String md = DemoReport.markdown(result);
        String tb = sentenceAt(md, md.indexOf("t_B"));
        assertTrue(tb.contains("bound B2") && tb.contains("the B of t_B"), tb);
        assertTrue(tb.contains("L = U − κσ") && tb.contains("E_γ[(L − V)₊] ≤ ε"), tb);
        String tStar = sentenceAt(md, md.indexOf("t*"));
        assertTrue(tStar.contains("bound B1") && tStar.contains("E_γ|U − V| ≤ ε"), tStar);
    }

    // ---- policies.png and goodhart.png --------------------------------------------------------------

    @Test
    void policiesTopPanelShadesTheWholeBandInsideTheFrame() {
        SeedRun run = result.runs().get(0);
        XYChart top = DemoPlots.policyCharts(run).get(0);
        double[] u = run.proxy(), sd = run.sd(), v = run.world().trueUtility();
        int n = u.length;
        XYSeries band = series(top, "U ± 2σ");
        assertEquals(XYSeries.XYSeriesRenderStyle.PolygonArea, band.getXYSeriesRenderStyle(), "one shaded area");
        assertEquals(2 * n, band.getYData().length, "along the upper edge and back along the lower");
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, Math.min(u[i] - 2 * sd[i], v[i]));
            hi = Math.max(hi, Math.max(u[i] + 2 * sd[i], v[i]));
        }
        assertEquals(lo, Arrays.stream(band.getYData()).min().orElseThrow(), 0.1);
        assertTrue(top.getStyler().getYAxisMin() < lo && top.getStyler().getYAxisMax() > hi, "band or V clipped");
        assertTrue(top.getStyler().getXAxisMin() < 0 && top.getStyler().getXAxisMax() > n - 1, "rank axis clipped");
        // the band is drawn before U, so U lies on top of it
        List<String> order = List.copyOf(top.getSeriesMap().keySet());
        assertTrue(order.indexOf(band.getName())
                < order.indexOf(series(top, "proxy U").getName()));
    }

    @Test
    void policiesBottomPanelMarksArgmaxWithoutDrawingItsMass() {
        SeedRun run = result.runs().get(0);
        XYChart bottom = DemoPlots.policyCharts(run).get(1);
        double top = bottom.getStyler().getYAxisMax();
        XYSeries arg = series(bottom, "argmax");
        assertEquals(1, arg.getYData().length, "a marker, not a line up to a mass");
        assertTrue(arg.getName().contains("all its mass (1)"), arg.getName());
        assertTrue(arg.getYData()[0] < top, "the marker lies inside the frame");
        for (XYSeries s : bottom.getSeriesMap().values()) {
            double max = Arrays.stream(s.getYData()).max().orElseThrow();
            assertTrue(max <= top, s.getName() + " cut by the frame");
            if (s == arg) continue;
            // the mass curves: a distribution per bin of ranks, below the argmax's mark
            assertEquals(1.0, Arrays.stream(s.getYData()).sum(), 1e-9, s.getName());
            assertTrue(max < arg.getYData()[0], s.getName() + " reaches the argmax's mark");
        }
    }

    @Test
    void policiesTickLabelsHaveOneFormatAndRoomToBreathe() {
        for (XYChart ch : DemoPlots.policyCharts(result.runs().get(0))) {
            assertEquals("0.00", ch.getStyler().getYAxisDecimalPattern(), ch.getTitle());
            assertEquals("0", ch.getStyler().getXAxisDecimalPattern(), "no thousands separator: " + ch.getTitle());
            // a rank label of 4 digits is far narrower than the least room between two ticks
            Font f = ch.getStyler().getAxisTickLabelsFont();
            Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
            int width = g.getFontMetrics(f).stringWidth("1150");
            g.dispose();
            assertTrue(2 * width < ch.getStyler().getXAxisTickMarkSpacingHint(), ch.getTitle());
        }
        assertEquals(
                "0.00",
                DemoPlots.goodhartChart(result.runs().get(0)).getStyler().getYAxisDecimalPattern());
    }

    @Test
    void goodhartLegendIsOutsideAndTheTablesPointsAreDrawn() {
        SeedRun run = result.runs().get(0);
        XYChart ch = DemoPlots.goodhartChart(run);
        assertEquals(Styler.LegendPosition.OutsideE, ch.getStyler().getLegendPosition());
        List<MethodResult> qs = run.results().stream()
                .filter(m -> GoodhartDemo.isQuantilizer(m.name()))
                .toList();
        assertEquals(result.config().quantilizerQs().size(), qs.size());
        XYSeries qv = series(ch, "table: quantilizers q =");
        assertArrayEquals(qs.stream().mapToDouble(MethodResult::q).toArray(), qv.getXData(), 0);
        assertArrayEquals(qs.stream().mapToDouble(MethodResult::trueUtility).toArray(), qv.getYData(), 0);
        MethodResult arg = run.result("argmax");
        XYSeries av = series(ch, "table: argmax");
        assertArrayEquals(new double[] {arg.q()}, av.getXData(), 0);
        assertArrayEquals(new double[] {arg.trueUtility()}, av.getYData(), 0);
        XYSeries proxy = series(ch, "table: quantilizers and argmax, E[U]");
        assertEquals(arg.proxyUtility(), proxy.getYData()[qs.size()], 0);
        // nothing is cut by the frame
        for (XYSeries s : ch.getSeriesMap().values())
            for (double y : s.getYData())
                assertTrue(
                        y >= ch.getStyler().getYAxisMin() && y <= ch.getStyler().getYAxisMax(), s.getName() + ": " + y);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static MethodResult result(String name, double guaranteed) {
        return new MethodResult(name, 0.5, 0.6, OptionalDouble.of(guaranteed), 0.1, 1);
    }

    private static XYSeries series(XYChart ch, String prefix) {
        List<XYSeries> found = ch.getSeriesMap().values().stream()
                .filter(s -> s.getName().startsWith(prefix))
                .toList();
        assertEquals(
                1,
                found.size(),
                "series starting with '" + prefix + "' in " + ch.getSeriesMap().keySet());
        return found.get(0);
    }

    private static <T> double mean(List<T> xs, java.util.function.ToDoubleFunction<T> f) {
        return xs.stream().mapToDouble(f).sum() / xs.size();
    }

    private static int count(List<Map<String, Object>> seeds, String key) {
        return (int) seeds.stream().filter(m -> (Boolean) m.get(key)).count();
    }

    /** The first line of {@code text} that starts with {@code prefix}. */
    private static String line(String text, String prefix) {
        return text.lines()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + prefix));
    }

    /** The sentence (between ". " boundaries) that contains position {@code at}. */
    private static String sentenceAt(String text, int at) {
        assertTrue(at >= 0, "not found");
        int start = text.lastIndexOf(". ", at) + 2, end = text.indexOf(". ", at);
        return text.substring(Math.max(start, 0), end < 0 ? text.length() : end);
    }
}
