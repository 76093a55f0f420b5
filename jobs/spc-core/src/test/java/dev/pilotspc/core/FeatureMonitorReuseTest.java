package dev.pilotspc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.config.ChartType;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.config.Rule;
import dev.pilotspc.core.readiness.ReadinessPolicy;
import dev.pilotspc.core.result.CapabilityResult;
import dev.pilotspc.core.result.PointResult;
import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.core.result.SpcResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The monitor reuses texts between points (readiness reasons, formatted limits); what it emits must
 * be exactly what building them afresh gives.
 */
class FeatureMonitorReuseTest {

    @ParameterizedTest
    @CsvSource({"IMR, 1", "IMR, 2", "XBAR_R, 3", "XBAR_S, 4"})
    void readinessReasonsEqualAFreshlyBuiltTextOnEveryPoint(ChartType chart, long seed) {
        Random random = new Random(seed);
        FeatureConfig c = FeatureMonitorStateTest.everythingOn(chart);
        c.rules = Rule.westernElectric() | Rule.N3.bit();
        c.driftWindow = 15;
        ReadinessPolicy policy = new ReadinessPolicy(40, 1.0, false, 50);
        FeatureMonitor monitor = new FeatureMonitor(c, policy);
        List<SpcResult> out = new ArrayList<>();
        Set<String> verdicts = new HashSet<>();
        Set<String> texts = new HashSet<>();
        double shift = 0;
        double slope = 0;
        int calmFrom = 0;
        int checked = 0;
        for (int i = 0; i < 20_000; i++) {
            if (i >= calmFrom && random.nextInt(500) == 0) {
                // a disturbance for a while (out of control, Page-Hinkley, trends), then calm (ready)
                shift = random.nextBoolean() ? 0 : 0.03 * random.nextGaussian();
                slope = random.nextBoolean() ? 0 : 0.002 * random.nextGaussian();
                calmFrom = i + 20 + random.nextInt(60);
            } else if (i == calmFrom) {
                shift = 0;
                slope = 0;
            }
            if (random.nextInt(900) == 0) {
                policy.minIndex = 0.5 + 1.5 * random.nextDouble(); // capable flips
                policy.pointEstimate = random.nextBoolean();
                policy.window = random.nextInt(4) == 0 ? 0 : 10 + random.nextInt(60);
            }
            if (random.nextInt(4000) == 0) {
                FeatureConfig rebaselined = monitor.config.copy(); // back to a baseline
                rebaselined.baseline = rebaselined.baseline == c.baseline ? c.baseline + 1 : c.baseline;
                monitor.applyDefinition(rebaselined);
            }
            if (random.nextInt(1500) == 0) {
                FeatureConfig changed = monitor.config.copy();
                boolean withSpec = random.nextInt(4) != 0;
                changed.lsl = withSpec ? 24.9 + 0.02 * random.nextGaussian() : Double.NaN;
                changed.usl = withSpec ? 25.1 + 0.02 * random.nextGaussian() : Double.NaN;
                monitor.applyDefinition(changed);
            }
            double x = 25.0 + shift + slope * (i - calmFrom) + 0.02 * random.nextGaussian()
                    + (random.nextInt(400) == 0 ? 0.1 : 0);
            monitor.update(MonitorFixtures.measurement(c.feature, i, x).withSubgroup("S" + i / 4), out);
            // the monitor's state now is the one the last readiness of this update was built from
            int last = out.size() - 1;
            if (last >= 0 && out.get(last) instanceof ReadinessResult r) {
                CapabilityResult capability = null;
                for (int k = last - 1; k >= 0 && !(out.get(k) instanceof PointResult); k--) {
                    if (out.get(k) instanceof CapabilityResult cr) {
                        capability = cr;
                    }
                }
                assertEquals(freshReasons(monitor, capability), r.reasons(), "point " + i);
                verdicts.add(r.verdict());
                texts.add(r.reasons());
                checked++;
            }
            out.clear();
        }
        assertTrue(checked > 4_000, "checked " + checked);
        assertEquals(Set.of(ReadinessResult.READY, ReadinessResult.NOT_READY, ReadinessResult.INSUFFICIENT_DATA),
                verdicts);
        assertTrue(texts.size() > 500 && texts.size() < checked * 3 / 4, "distinct texts " + texts.size()); // changing and reused
    }

    /** The reasons exactly as the monitor built them on every point before texts were reused. */
    private static String freshReasons(FeatureMonitor m, CapabilityResult capability) {
        ReadinessPolicy policy = m.readiness;
        List<String> reasons = new ArrayList<>(3);
        boolean enough = m.parts >= policy.minParts && m.limitsReady;
        if (m.parts < policy.minParts) {
            reasons.add(m.parts + " of " + policy.minParts + " parts measured");
        }
        if (!m.limitsReady) {
            reasons.add("control limits not established yet (baseline " + m.baseCount + " of " + m.config.baseline + ")");
        }
        boolean oocRecent = m.lastMonitorOocPoint >= 0
                && (policy.window == 0 || m.points - m.lastMonitorOocPoint < policy.window);
        boolean driftRecent = m.lastDriftPoint >= 0 && (policy.window == 0 || m.points - m.lastDriftPoint < policy.window);
        boolean stable = m.limitsReady && !oocRecent && !driftRecent;
        if (oocRecent) {
            reasons.add(m.monitorOocPoints + " out-of-control point" + (m.monitorOocPoints == 1 ? "" : "s")
                    + " in the monitor phase, last " + m.lastMonitorOocText);
        }
        if (driftRecent) {
            reasons.add(m.lastDriftText);
        }
        boolean capable = false;
        if (capability == null || (Double.isNaN(capability.ppk()) && Double.isNaN(capability.cpk()))) {
            reasons.add(!m.config.hasLsl() && !m.config.hasUsl() ? "no specification limits: capability cannot be judged"
                    : "capability not known yet");
        } else {
            boolean overall = !Double.isNaN(capability.ppk());
            String name = overall ? "Ppk" : "Cpk";
            double estimate = overall ? capability.ppk() : capability.cpk();
            double bound = overall ? capability.ppkLcl() : capability.cpkLcl();
            double judged = policy.pointEstimate || Double.isNaN(bound) ? estimate : bound;
            capable = judged >= policy.minIndex;
            // the judged index and the threshold with the decimals that tell them apart (tested on its own)
            int decimals = FeatureMonitor.comparedDecimals(judged, policy.minIndex);
            boolean judgeBound = judged == bound;
            boolean down = !capable && Math.round(judged * 1e6) == Math.round(policy.minIndex * 1e6);
            String judgedText = down ? FeatureMonitor.appendFixed(new StringBuilder(), judged, 6, true).toString()
                    : fixed(judged, decimals);
            String text = name + " " + (judgeBound ? fixed(estimate, 2) : judgedText)
                    + (Double.isNaN(bound) ? "" : " (95 % lower bound " + (judgeBound ? judgedText : fixed(bound, 2)) + ")")
                    + (capable ? " at least " : " below ") + fixed(policy.minIndex, decimals);
            if (!capable || reasons.isEmpty()) {
                reasons.add(text);
            }
        }
        if (enough && stable && capable) {
            reasons.add(0, "stable");
        }
        return String.join("; ", reasons);
    }

    private static String fixed(double v, int decimals) {
        return decimals == 2 ? originalFmt2(v) : FeatureMonitor.appendFixed(new StringBuilder(), v, decimals, false).toString();
    }

    /** FeatureMonitor.fmt2 as it was before it was split around hundredths(). */
    private static String originalFmt2(double v) {
        long hundredths = Math.round(Math.abs(v) * 100);
        long fraction = hundredths % 100;
        return (v < 0 && hundredths != 0 ? "-" : "") + hundredths / 100 + (fraction < 10 ? ".0" : ".") + fraction;
    }

    @Test
    void fmt2IsUnchanged() {
        Random random = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            double v = random.nextGaussian() * Math.pow(10, random.nextInt(6) - 3);
            assertEquals(originalFmt2(v), FeatureMonitor.fmt2(v), "value " + v);
        }
        for (double v : new double[] {0.0, -0.0, -0.004, -0.005, 0.005, 1.005, Double.NaN, 1e300, -1e300}) {
            assertEquals(originalFmt2(v), FeatureMonitor.fmt2(v), "value " + v);
        }
    }

    @Test
    void memoisedLimitTextsEqualFreshOnes() {
        FeatureMonitor monitor = new FeatureMonitor(MonitorFixtures.imr("f"));
        Random random = new Random(7);
        double[] pool = new double[200]; // more values than memo slots: collisions and evictions
        for (int i = 0; i < pool.length; i++) {
            pool[i] = random.nextGaussian() * Math.pow(10, random.nextInt(12) - 5);
        }
        pool[0] = 0.0;
        pool[1] = -0.0;
        for (int i = 0; i < 100_000; i++) {
            double v = pool[random.nextInt(random.nextBoolean() ? 8 : pool.length)];
            assertEquals(FeatureMonitor.fmt(v), monitor.fmtLimit(v), "value " + v);
        }
    }

    @Test
    void messageNumbersOutsideEverydayMagnitudesAreScientific() {
        // a message once spelled 1.7e308 out in 309 digits
        assertEquals("1.7e308", FeatureMonitor.fmt(1.7e308));
        assertEquals("-1.23457e-9", FeatureMonitor.fmt(-1.23456789e-9));
        assertEquals("1e15", FeatureMonitor.fmt(1e15));
        assertEquals("4.94066e-324", FeatureMonitor.fmt(Double.MIN_VALUE));
        assertEquals("123457000000000", FeatureMonitor.fmt(123_456_789_012_345.0));
        assertEquals("0.00000123457", FeatureMonitor.fmt(1.23456789e-6));
        assertEquals("25.0012", FeatureMonitor.fmt(25.00123));
    }
}
