package dev.pilotspc.core.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.FeatureMonitor;
import dev.pilotspc.core.Measurement;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.core.result.SpcResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-feature scale-up verdict on constructed batches, one test per reason. */
class ReadinessTest {

    private static FeatureConfig feature(double lsl, double usl) {
        FeatureConfig c = new FeatureConfig();
        c.feature = "f";
        c.lsl = lsl;
        c.usl = usl;
        c.target = Double.isNaN(lsl) || Double.isNaN(usl) ? Double.NaN : (lsl + usl) / 2;
        c.baseline = 20;
        c.drift = false;
        c.rules = dev.pilotspc.core.config.Rule.WE1.bit(); // few false alarms in these short batches
        return c;
    }

    /** The last verdict after feeding {@code parts} values, the i-th (0-based) from {@code value}. */
    private static ReadinessResult lastVerdict(FeatureConfig c, ReadinessPolicy policy, int parts,
            java.util.function.BiFunction<Integer, Random, Double> value) {
        FeatureMonitor monitor = new FeatureMonitor(c, policy);
        Random random = new Random(9);
        List<SpcResult> out = new ArrayList<>();
        ReadinessResult last = null;
        for (int i = 0; i < parts; i++) {
            out.clear();
            monitor.update(new Measurement(1_000_000_000L * (i + 1), "f", "B", value.apply(i, random), "P" + (i + 1),
                    null, null, null, null, null), out);
            for (SpcResult r : out) {
                if (r instanceof ReadinessResult v) {
                    last = v;
                }
            }
        }
        return last;
    }

    /** N(10, sd) values, shifted from part {@code from} on. */
    private static ReadinessResult verdict(FeatureConfig c, ReadinessPolicy policy, int parts, double sd, int from,
            double shift) {
        return lastVerdict(c, policy, parts, (i, random) -> 10 + sd * random.nextGaussian() + (i >= from ? shift : 0));
    }

    @Test
    void needsThirtyPartsAndLimitsBeforeAVerdict() {
        ReadinessResult r = verdict(feature(9, 11), new ReadinessPolicy(), 25, 0.1, 999, 0);
        assertEquals(ReadinessResult.INSUFFICIENT_DATA, r.verdict());
        assertTrue(r.reasons().contains("25 of 30 parts measured"), r.reasons());
        FeatureConfig longBaseline = feature(9, 11);
        longBaseline.baseline = 50;
        ReadinessResult noLimits = verdict(longBaseline, new ReadinessPolicy(), 40, 0.1, 999, 0);
        assertEquals(ReadinessResult.INSUFFICIENT_DATA, noLimits.verdict());
        assertTrue(noLimits.reasons().contains("control limits not established yet (baseline 40 of 50)"), noLimits.reasons());
    }

    @Test
    void aStableCapableBatchIsReady() {
        ReadinessResult r = verdict(feature(9, 11), new ReadinessPolicy(), 35, 0.1, 999, 0);
        assertEquals(ReadinessResult.READY, r.verdict(), r.reasons());
        assertTrue(r.stable() && r.capable());
        assertTrue(r.reasons().startsWith("stable; Ppk "), r.reasons());
    }

    @Test
    void anOutOfControlPointInTheMonitorPhaseMakesItUnstable() {
        ReadinessResult r = verdict(feature(5, 15), new ReadinessPolicy(), 60, 0.1, 45, 1.0);
        assertEquals(ReadinessResult.NOT_READY, r.verdict());
        assertFalse(r.stable());
        assertTrue(r.capable(), "capability alone would pass: " + r.reasons());
        assertTrue(r.reasons().contains("out-of-control points in the monitor phase, last "), r.reasons());
    }

    @Test
    void aRecentWindowForgetsOldInstability() {
        ReadinessResult r = verdict(feature(5, 15), new ReadinessPolicy(30, 1.33, false, 10), 80, 0.1, 45, 1.0);
        assertFalse(r.stable(), "the shift persists, so the recent points are still out of control");
        ReadinessResult recovered = verdictWithSpike(new ReadinessPolicy(30, 1.33, false, 10));
        assertTrue(recovered.stable(), recovered.reasons());
        ReadinessResult wholeBatch = verdictWithSpike(new ReadinessPolicy());
        assertFalse(wholeBatch.stable(), "by default the whole monitor phase counts");
    }

    private static ReadinessResult verdictWithSpike(ReadinessPolicy policy) {
        return lastVerdict(feature(5, 15), policy, 80, (i, random) -> 10 + 0.1 * random.nextGaussian() + (i == 40 ? 2 : 0));
    }

    @Test
    void anIncapableFeatureIsNotReadyWithItsBound() {
        ReadinessResult r = verdict(feature(9.7, 10.3), new ReadinessPolicy(), 35, 0.1, 999, 0);
        assertEquals(ReadinessResult.NOT_READY, r.verdict());
        assertTrue(r.stable());
        assertFalse(r.capable());
        assertTrue(r.reasons().matches(".*Ppk \\d\\.\\d\\d \\(95 % lower bound \\d\\.\\d\\d\\) below 1\\.33.*"), r.reasons());
        ReadinessResult byEstimate = verdict(feature(9.55, 10.45), new ReadinessPolicy(30, 1.33, true, 0), 35, 0.1, 999, 0);
        ReadinessResult byBound = verdict(feature(9.55, 10.45), new ReadinessPolicy(), 35, 0.1, 999, 0);
        assertTrue(byEstimate.capable() && !byBound.capable(),
                "Ppk ≈ 1.5 passes as a point estimate but its lower bound does not: " + byBound.reasons());
    }

    @Test
    void oneSidedSpecsAreJudgedOnTheirSide() {
        ReadinessResult upperOnly = verdict(feature(Double.NaN, 11), new ReadinessPolicy(), 35, 0.1, 999, 0);
        assertEquals(ReadinessResult.READY, upperOnly.verdict(), upperOnly.reasons());
        ReadinessResult tight = verdict(feature(9.8, Double.NaN), new ReadinessPolicy(), 35, 0.1, 999, 0);
        assertFalse(tight.capable(), tight.reasons());
        ReadinessResult none = verdict(feature(Double.NaN, Double.NaN), new ReadinessPolicy(), 35, 0.1, 999, 0);
        assertFalse(none.capable());
        assertTrue(none.reasons().contains("no specification limits"), none.reasons());
    }

    @Test
    void aDriftAlarmBeforeTheFirstSubgroupClosesCountsWithKnownLimits() {
        // limits from history: the monitor phase starts with the first measurement, so a trend
        // among the first subgroup's measurements is a monitor-phase alarm like any later one
        FeatureConfig c = feature(0, 20);
        c.chart = dev.pilotspc.core.config.ChartType.XBAR_R;
        c.subgroupSize = 8;
        c.knownMean = 10;
        c.knownSigma = 1;
        c.drift = true;
        c.driftWindow = 5;
        c.driftAlpha = 0.001;
        double[] values = {10.0, 10.1, 10.2, 10.3, 10.4, 10.5, 9.7, 10.3, 10.0, 10.2, 9.8, 10.1, 9.9, 10.0, 10.2, 9.9};
        ReadinessResult last = lastVerdict(c, new ReadinessPolicy(2, 1.33, false, 0), values.length, (i, random) -> values[i]);
        assertFalse(last.stable(), last.reasons());
        assertEquals(ReadinessResult.NOT_READY, last.verdict());
        assertTrue(last.reasons().contains("trend up"), last.reasons());
    }

    @Test
    void aDriftAlarmInTheMonitorPhaseMakesItUnstable() {
        FeatureConfig c = feature(5, 15);
        c.drift = true;
        c.rules = 0;
        ReadinessResult last = lastVerdict(c, new ReadinessPolicy(), 90,
                (i, random) -> 10 + 0.1 * random.nextGaussian() + (i >= 40 ? 0.02 * (i - 40) : 0));
        assertFalse(last.stable());
        assertTrue(last.reasons().contains("per part") || last.reasons().contains("(Page-Hinkley)"),
                "the drift alarm is a reason: " + last.reasons());
    }

    /** The point (1-based) of each readiness verdict that is unstable, and the points of drift alarms and out-of-control points. */
    private static List<List<Long>> windowTrace(FeatureConfig c, ReadinessPolicy policy, double[] values) {
        FeatureMonitor monitor = new FeatureMonitor(c, policy);
        List<SpcResult> out = new ArrayList<>();
        List<Long> unstable = new ArrayList<>();
        List<Long> drift = new ArrayList<>();
        List<Long> ooc = new ArrayList<>();
        long point = 0;
        for (int i = 0; i < values.length; i++) {
            out.clear();
            monitor.update(new Measurement(1_000_000_000L * (i + 1), "f", "B", values[i], "P" + (i + 1),
                    null, null, null, null, null), out);
            for (SpcResult r : out) {
                if (r instanceof dev.pilotspc.core.result.PointResult p) {
                    point = p.n();
                    if (p.ooc()) {
                        ooc.add(point);
                    }
                } else if (r instanceof dev.pilotspc.core.result.DriftResult) {
                    drift.add(point + 1); // charted in the next point: this measurement's (I-MR) or the open subgroup's
                } else if (r instanceof ReadinessResult v && !v.stable()) {
                    unstable.add(point);
                }
            }
        }
        return List.of(unstable, drift, ooc);
    }

    @Test
    void aRecentWindowCountsADriftAlarmsOwnPointAsItDoesAnOutOfControlPoint() {
        // README "Readiness": with --ready-window N stability looks at the last N points, so an alarm
        // keeps the verdict unstable for N points, its own included; a drift alarm was forgotten a
        // point sooner than an out-of-control point (its point was taken as the one before it)
        FeatureConfig c = feature(0, 20);
        c.knownMean = 10;
        c.knownSigma = 1;
        c.rules = dev.pilotspc.core.config.Rule.WE1.bit();
        c.drift = true;
        c.driftWindow = 6;
        c.driftAlpha = 0.001;
        double[] values = new double[60];
        for (int i = 0; i < values.length; i++) {
            values[i] = 10 + (i % 2 == 0 ? 0.05 : -0.05);
        }
        double[] ramp = {10.0, 10.31, 10.59, 10.92, 11.2, 11.49};
        System.arraycopy(ramp, 0, values, 14, ramp.length); // a trend alarm on the ramp
        for (int i = 20; i < 40; i++) {
            values[i] = 11.45 + (i % 2 == 0 ? 0.05 : -0.05); // stays up, flat: no second alarm
        }
        values[47] = 13.4; // beyond 3 sigma (its moving ranges within D4: one out-of-control point)
        ReadinessPolicy policy = new ReadinessPolicy(2, 1.0, false, 10);
        List<List<Long>> trace = windowTrace(c, policy, values);
        List<Long> unstable = trace.get(0);
        assertEquals(1, trace.get(1).size(), "one drift alarm, on the ramp: " + trace.get(1));
        long alarm = trace.get(1).get(0);
        assertTrue(alarm >= 17 && alarm <= 20, "on the ramp: " + alarm);
        assertEquals(List.of(48L), trace.get(2), "one out-of-control point");
        List<Long> expected = new ArrayList<>();
        for (long p = alarm; p < alarm + 10; p++) {
            expected.add(p);
        }
        for (long p = 48; p < 58; p++) {
            expected.add(p);
        }
        assertEquals(expected, unstable, "10 points unstable after each alarm, its own point first");
    }

    /** The last capability result after the same {@code parts} N(10, sd) values as {@link #verdict}. */
    private static dev.pilotspc.core.result.CapabilityResult lastCapability(FeatureConfig c, int parts, double sd) {
        FeatureMonitor monitor = new FeatureMonitor(c, new ReadinessPolicy());
        Random random = new Random(9);
        List<SpcResult> out = new ArrayList<>();
        dev.pilotspc.core.result.CapabilityResult last = null;
        for (int i = 0; i < parts; i++) {
            out.clear();
            monitor.update(new Measurement(1_000_000_000L * (i + 1), "f", "B", 10 + sd * random.nextGaussian(),
                    "P" + (i + 1), null, null, null, null, null), out);
            for (SpcResult r : out) {
                if (r instanceof dev.pilotspc.core.result.CapabilityResult cap) {
                    last = cap;
                }
            }
        }
        return last;
    }

    @Test
    void anIndexExactlyAtTheMinimumIsCapable() {
        // README "Readiness": capable when the judged index is *at least* --ready-min-index, so an
        // index equal to the minimum (to the last bit) passes and the next double above it does not
        dev.pilotspc.core.result.CapabilityResult cap = lastCapability(feature(9, 11), 35, 0.1);
        double ppk = cap.ppk();
        double bound = cap.ppkLcl();
        ReadinessResult atEstimate = verdict(feature(9, 11), new ReadinessPolicy(30, ppk, true, 0), 35, 0.1, 999, 0);
        assertTrue(atEstimate.capable(), atEstimate.reasons());
        assertEquals(ReadinessResult.READY, atEstimate.verdict(), atEstimate.reasons());
        ReadinessResult aboveEstimate = verdict(feature(9, 11), new ReadinessPolicy(30, Math.nextUp(ppk), true, 0),
                35, 0.1, 999, 0);
        assertFalse(aboveEstimate.capable(), aboveEstimate.reasons());
        ReadinessResult atBound = verdict(feature(9, 11), new ReadinessPolicy(30, bound, false, 0), 35, 0.1, 999, 0);
        assertTrue(atBound.capable(), atBound.reasons());
        assertEquals(ReadinessResult.READY, atBound.verdict(), atBound.reasons());
        ReadinessResult aboveBound = verdict(feature(9, 11), new ReadinessPolicy(30, Math.nextUp(bound), false, 0),
                35, 0.1, 999, 0);
        assertFalse(aboveBound.capable(), aboveBound.reasons());
    }

    @Test
    void statesItsCriteriaInWords() {
        // CONTRACT §4 defaults: 30 parts, Ppk's lower 95 % bound >= 1.33, the whole monitor phase
        assertEquals("limits in force, at least 30 parts; no out-of-control point or drift alarm in the monitor phase;"
                + " Ppk 95 % lower bound (else Cpk's; the estimate without a bound) at least 1.33; batch: every critical feature ready",
                new ReadinessPolicy().describe());
        assertEquals("limits in force, at least 50 parts; no out-of-control point or drift alarm in the last 20 points"
                + " of the monitor phase; Ppk (else Cpk) at least 1.67; batch: every critical feature ready",
                new ReadinessPolicy(50, 1.67, true, 20).describe());
        assertEquals("limits in force, at least 30 parts; no out-of-control point or drift alarm in the monitor phase;"
                + " Ppk 95 % lower bound (else Cpk's; the estimate without a bound) at least 1; batch: every critical feature ready",
                new ReadinessPolicy(30, 1.0, false, 0).describe());
    }
}
