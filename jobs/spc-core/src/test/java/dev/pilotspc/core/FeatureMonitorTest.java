package dev.pilotspc.core;

import static dev.pilotspc.core.MonitorFixtures.PISTON_RINGS;
import static dev.pilotspc.core.MonitorFixtures.flatten;
import static dev.pilotspc.core.MonitorFixtures.imr;
import static dev.pilotspc.core.MonitorFixtures.ofType;
import static dev.pilotspc.core.MonitorFixtures.run;
import static dev.pilotspc.core.MonitorFixtures.subgroups;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.config.ChartType;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.config.QChartMode;
import dev.pilotspc.core.config.Rule;
import dev.pilotspc.core.result.DriftResult;
import dev.pilotspc.core.result.LimitsResult;
import dev.pilotspc.core.result.PointResult;
import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.core.result.SpcResult;
import dev.pilotspc.core.result.StatusResult;
import dev.pilotspc.core.result.ViolationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureMonitorTest {

    @Test
    void xbarRLimitsMatchMontgomeryExample61() {
        // Montgomery (7th ed.) Example 6.1: x̿ = 74.001, R̄ = 0.023 (ΣR = 0.581); UCL 74.014, LCL 73.988;
        // R chart UCL = D4·R̄ = 0.049, LCL 0; "the process is in statistical control"
        FeatureMonitor monitor = new FeatureMonitor(subgroups("ring.id", ChartType.XBAR_R, 5, 25));
        List<SpcResult> out = run(monitor, flatten(PISTON_RINGS));
        List<LimitsResult> limits = ofType(out, LimitsResult.class);
        assertEquals(1, limits.size());
        LimitsResult l = limits.get(0);
        assertEquals(74.001176, l.cl(), 1e-9);
        assertEquals(0.581 / 25, l.dispCl(), 1e-12);
        assertEquals(0.581 / 25 / ControlConstants.d2(5), l.sigma(), 1e-12);
        // the book rounds x̿ and R̄ before applying A2 = 0.577 and D4 = 2.114
        assertEquals(74.014, l.ucl(), 1e-3);
        assertEquals(73.988, l.lcl(), 1e-3);
        assertEquals(74.001176 + 3 / (ControlConstants.d2(5) * Math.sqrt(5)) * 0.581 / 25, l.ucl(), 1e-9);
        assertEquals(0.049, l.dispUcl(), 5e-4);
        assertEquals(0.0, l.dispLcl());
        assertEquals(25, l.m());
        assertEquals(0, l.excluded());
        assertEquals("baseline", l.source());
        assertTrue(ofType(out, ViolationResult.class).isEmpty(), "in control");
        List<PointResult> points = ofType(out, PointResult.class);
        assertEquals(25, points.size());
        assertEquals(74.010, points.get(0).x(), 5e-4); // Table 6.3 x̄1
        assertEquals(0.038, points.get(0).disp(), 1e-12); // R1 = 74.030 − 73.992
    }

    @Test
    void xbarSLimitsMatchMontgomeryExample63() {
        // Montgomery (7th ed.) Example 6.3: s̄ = 0.0094; x̄ chart 74.014 / 73.988; s chart UCL 0.0196, LCL 0
        FeatureMonitor monitor = new FeatureMonitor(subgroups("ring.id", ChartType.XBAR_S, 5, 25));
        LimitsResult l = ofType(run(monitor, flatten(PISTON_RINGS)), LimitsResult.class).get(0);
        assertEquals(0.0094, l.dispCl(), 5e-5);
        assertEquals(74.014, l.ucl(), 1e-3);
        assertEquals(73.988, l.lcl(), 1e-3);
        assertEquals(0.0196, l.dispUcl(), 5e-5);
        assertEquals(0.0, l.dispLcl());
    }

    @Test
    void individualsLimitsUseAverageMovingRange() {
        double[] x = {10, 12, 11, 13, 12, 10, 11, 12, 13, 11};
        FeatureConfig config = imr("shaft.len");
        config.baseline = 10;
        FeatureMonitor monitor = new FeatureMonitor(config);
        LimitsResult l = ofType(run(monitor, x), LimitsResult.class).get(0);
        double mrBar = (2 + 1 + 2 + 1 + 2 + 1 + 1 + 1 + 2) / 9.0;
        assertEquals(11.5, l.cl(), 1e-12);
        assertEquals(mrBar / (2 / Math.sqrt(Math.PI)), l.sigma(), 1e-9);
        assertEquals(11.5 + 3 * l.sigma(), l.ucl(), 1e-12);
        assertEquals(mrBar, l.dispCl(), 1e-9);
        // D4 for n = 2 to full precision: 1 + 3·d3/d2 = 3.2665 (tabled 3.267)
        assertEquals(3.2665, l.dispUcl() / mrBar, 1e-4);
    }

    @Test
    void baselinePointsCarryNoLimitsAndMonitorPointsDo() {
        FeatureConfig config = imr("f");
        config.baseline = 5;
        List<PointResult> points = ofType(run(new FeatureMonitor(config), 1, 2, 1, 2, 1, 2), PointResult.class);
        assertEquals("baseline", points.get(0).phase());
        assertTrue(Double.isNaN(points.get(0).cl()));
        assertTrue(Double.isNaN(points.get(0).disp()), "no moving range at the first point");
        assertEquals("baseline", points.get(4).phase());
        assertFalse(Double.isNaN(points.get(4).cl()), "the last baseline point is shown with the new limits");
        assertEquals("monitor", points.get(5).phase());
        assertEquals(6, points.get(5).n());
    }

    /** 20 values N(10, 0.1²) (seed 1) with a gross outlier, 13, at the 7th: far beyond any 3-sigma limit. */
    private static double[] twentyWithAnOutlierAtTheSeventh() {
        double[] x = new double[20];
        Random random = new Random(1);
        for (int i = 0; i < 20; i++) {
            x[i] = 10 + 0.1 * random.nextGaussian();
        }
        x[6] = 13;
        return x;
    }

    @Test
    void phaseOneReviewReportsBaselineViolationsAtTheirOwnTime() {
        FeatureConfig config = imr("f");
        config.baseline = 20;
        config.baselineExcludeOoc = false;
        double[] x = twentyWithAnOutlierAtTheSeventh();
        List<SpcResult> out = run(new FeatureMonitor(config), x);
        List<ViolationResult> violations = ofType(out, ViolationResult.class);
        ViolationResult we1 = violations.stream().filter(v -> v.rule().equals("WE1")).findFirst().orElseThrow();
        assertEquals(7, we1.n());
        assertEquals(MonitorFixtures.T0 + 6 * MonitorFixtures.SECOND, we1.tsNanos());
        assertEquals("P7", we1.part());
        assertEquals(13, we1.x());
    }

    @Test
    void oocCountCountsABaselinePointFlaggedOnArrivalAndInReviewOnce() {
        FeatureConfig config = imr("f");
        config.baseline = 20;
        double[] x = twentyWithAnOutlierAtTheSeventh(); // Q1 when it arrives, WE1 when the baseline is reviewed
        List<SpcResult> out = run(new FeatureMonitor(config), x);
        List<PointResult> points = ofType(out, PointResult.class);
        assertEquals("Q1", points.get(6).rules());
        assertTrue(ofType(out, ViolationResult.class).stream().anyMatch(v -> v.rule().equals("WE1") && v.n() == 7));
        long oocPoints = points.stream().filter(PointResult::ooc).count()
                + ofType(out, ViolationResult.class).stream().filter(v -> !points.get((int) v.n() - 1).ooc())
                        .map(ViolationResult::n).distinct().count();
        List<StatusResult> status = ofType(out, StatusResult.class);
        assertEquals(oocPoints, status.get(status.size() - 1).oocCount());
    }

    @Test
    void theBaselinesCentreLineIsTheCorrectlyRoundedMean() {
        // exact mean 1000000.000228; a compensated sum divided by 5 gives the double above it
        // (1000000.0002280001), and at σ ~ 1e-3 a CUSUM carries that ulp in every sum
        FeatureConfig config = imr("f");
        config.baseline = 5;
        List<SpcResult> out = run(new FeatureMonitor(config), 1000000.00009, 1000000.00125, 999999.99907, 1000000.00099,
                999999.99974);
        assertEquals(1000000.000228, ofType(out, LimitsResult.class).get(0).cl());
    }

    @Test
    void lastRuleOfABaselinePointHasTheRulesOfItsArrivalAndOfTheReview() {
        // a helper's cross-check: point 9 gets Q1 when it arrives, N1 and D1 when the baseline is
        // reviewed; it stays the latest out-of-control point, and last_rule names all three
        FeatureConfig config = imr("f");
        config.baseline = 13;
        config.rules = Rule.N1.bit();
        config.baselineExcludeOoc = false;
        config.drift = false;
        List<SpcResult> out = run(new FeatureMonitor(config), 999.68, 1000.22, 999.3, 999.98, 1000.36, 1000.24, 1000.15,
                999.63, 1004.16, 1000.91, 999.66, 999.7, 999.56);
        assertEquals("Q1", ofType(out, PointResult.class).get(8).rules());
        List<StatusResult> status = ofType(out, StatusResult.class);
        assertEquals(Rule.ids(Rule.N1.bit() | Rule.D1.bit() | Rule.Q1.bit()), status.get(status.size() - 1).lastRule());
    }

    // Points exactly on a line in decimal arithmetic land a few ulps either side of it in binary;
    // boundaries are strict (CONTRACT §3, Montgomery §9.1.2 "exceeds H"), so none of these fires.

    @Test
    void aSubgroupMeanExactlyOnTheCentreLineBreaksARun() {
        FeatureConfig config = subgroups("f", ChartType.XBAR_R, 5, 25);
        config.knownMean = 10;
        config.knownSigma = 1;
        config.rules = Rule.A2.bit();
        config.drift = false;
        double[] x = new double[40];
        java.util.Arrays.fill(x, 9.5);
        // the 7th subgroup's mean is exactly 10 (a naive sum gives 9.999999999999998, "below"); the 8th is below again
        x[32] = 10.4;
        x[33] = 10.2;
        x[34] = 10.4;
        List<PointResult> points = ofType(run(new FeatureMonitor(config), x), PointResult.class);
        assertEquals(10.0, points.get(6).x(), 0.0);
        assertEquals("", points.get(6).rules());
        assertEquals("", points.get(7).rules(), "the run started again after the point on the centre line");
        // the control: a 7th subgroup below the line completes the run
        x[33] = 10.1;
        assertEquals("A2", ofType(run(new FeatureMonitor(config), x), PointResult.class).get(6).rules());
    }

    @Test
    void aSubgroupMeanExactlyOnAZoneLineIsNotBeyondIt() {
        FeatureConfig config = subgroups("f", ChartType.XBAR_R, 4, 25);
        config.knownMean = 10;
        config.knownSigma = 0.2;
        config.rules = Rule.WE2.bit();
        config.drift = false;
        // means exactly 10.2 = CL + 2σ/√4, twice: on the 2σ line, not beyond it
        List<PointResult> points = ofType(run(new FeatureMonitor(config), 9.8, 9.8, 10.6, 10.6, 9.8, 9.8, 10.6, 10.6,
                9.8, 9.8, 10.6, 10.7, 9.8, 9.8, 10.6, 10.7), PointResult.class);
        assertEquals("", points.get(1).rules());
        assertEquals("", points.get(2).rules(), "10.225 is beyond, the two means before it on the line are not");
        assertEquals("WE2", points.get(3).rules(), "two of three beyond 2 sigma");
    }

    @Test
    void aCusumReachingHExactlyDoesNotSignal() {
        FeatureConfig config = imr("f");
        config.knownMean = 10;
        config.knownSigma = 0.2;
        config.cusumK = 0.5;
        config.cusumH = 4;
        config.rules = 0;
        config.drift = false;
        // each 10.5 adds 2.5 − 0.5 = 2 sigmas: C⁺ = 2, 4 (= H: no signal), 6 (signal)
        List<PointResult> points = ofType(run(new FeatureMonitor(config), 10.5, 10.5, 10.5), PointResult.class);
        assertEquals(0.8, points.get(1).cusumHi(), 1e-15);
        assertEquals("", points.get(1).rules());
        assertEquals("CUSUM", points.get(2).rules());
    }

    @Test
    void pageHinkleyWithKnownLimitsStartsAtTheFirstMeasurement() {
        FeatureConfig config = imr("f");
        config.knownMean = 10;
        config.knownSigma = 1;
        config.rules = 0;
        double[] x = new double[60];
        Random random = new Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (i < 30 ? 10 : 11.5) + random.nextGaussian();
        }
        DriftResult alarm = ofType(run(new FeatureMonitor(config), x), DriftResult.class).stream()
                .filter(d -> d.detector().equals(DriftResult.PAGE_HINKLEY)).findFirst().orElseThrow();
        dev.pilotspc.core.drift.PageHinkley alone = new dev.pilotspc.core.drift.PageHinkley(config.phDelta, config.phLambda);
        for (int i = 0; i < x.length; i++) {
            var a = alone.update(x[i], 1);
            if (a != null) {
                assertEquals(i + 1, alarm.n());
                assertEquals(a.shift(), alarm.shift(), 1e-12);
                return;
            }
        }
        throw new AssertionError("no alarm from the detector alone");
    }

    @Test
    void aSubgroupClosedByTheNextIdIsChartedBeforeThatMeasurementCounts() {
        FeatureConfig config = subgroups("f", ChartType.XBAR_R, 3, 4);
        FeatureMonitor monitor = new FeatureMonitor(config);
        List<SpcResult> out = new ArrayList<>();
        double[] values = {10.1, 9.9, 10.0, 10.2, 9.8};
        for (int i = 0; i < values.length; i++) {
            // subgroups of 3 and 2 by id: the 6th measurement (a new id) closes the second
            monitor.update(new Measurement(MonitorFixtures.T0 + i * MonitorFixtures.SECOND, "f", "B1", values[i], "P" + i,
                    i < 3 ? "S1" : "S2", null, null, null, null), out);
        }
        monitor.update(new Measurement(MonitorFixtures.T0 + 5 * MonitorFixtures.SECOND, "f", "B1", 10.5, "P5", "S3", null,
                null, null, null), out);
        List<PointResult> points = ofType(out, PointResult.class);
        assertEquals(2, points.size());
        assertEquals(2, points.get(1).n());
        assertEquals(10.0, points.get(1).x(), 1e-12);
        List<dev.pilotspc.core.result.CapabilityResult> capability = ofType(out, dev.pilotspc.core.result.CapabilityResult.class);
        assertEquals(5, capability.get(capability.size() - 1).n(), "the 6th measurement is not part of subgroup S2");
        assertEquals(10.0, capability.get(capability.size() - 1).mean(), 1e-12);
    }

    @Test
    void leadingSingleMeasurementSubgroupsStayInPhaseOneAndAreReviewed() {
        // subgroups by id, the first two of one measurement (no range): the baseline of 2 waits for
        // a subgroup with a spread, keeps the singles (their means count in the grand mean) and the
        // phase I review judges them, as CONTRACT §3 says of every baseline point
        FeatureConfig config = subgroups("f", ChartType.XBAR_R, 2, 2);
        config.baselineExcludeOoc = false;
        FeatureMonitor monitor = new FeatureMonitor(config);
        List<SpcResult> out = new ArrayList<>();
        double[] values = {13.0, 10.0, 10.4, 10.6, 10.2, 10.5, 10.4};
        String[] ids = {"g1", "g2", "g3", "g3", "g4", "g4", "g5"};
        for (int i = 0; i < values.length; i++) {
            monitor.update(new Measurement(MonitorFixtures.T0 + i * MonitorFixtures.SECOND, "f", "B1", values[i], "P" + i,
                    ids[i], null, null, null, null), out);
        }
        List<LimitsResult> limits = ofType(out, LimitsResult.class);
        assertEquals(1, limits.size());
        assertEquals(3, limits.get(0).m(), "g1, g2 and g3");
        assertEquals((13.0 + 10.0 + 10.4 + 10.6) / 4, limits.get(0).cl(), 1e-12);
        // sigma = R/d2(2) of g3 alone: 0.2 / 1.128379…; g1 is 2.25 = 14 sigma above the centre line
        List<ViolationResult> reviewed = ofType(out, ViolationResult.class).stream().filter(v -> v.n() == 1).toList();
        assertEquals(List.of("WE1"), reviewed.stream().map(ViolationResult::rule).toList());
        assertEquals(MonitorFixtures.T0, reviewed.get(0).tsNanos(), "reported at the point's own time");
        List<ReadinessResult> verdicts = ofType(out, ReadinessResult.class);
        assertTrue(verdicts.get(1).reasons().contains("control limits not established yet (baseline of 2 points, waiting"
                + " for a subgroup of two or more measurements to estimate sigma)"), verdicts.get(1).reasons());
        assertEquals(2, monitor.baseX.length, "the baseline grown while waiting is not kept at that size");
    }

    @Test
    void aLongWaitForADispersionSlidesOnAtTheLargestBaseline() {
        // 1200 single-measurement subgroups: phase I holds the latest 1000, then a pair ends it
        FeatureMonitor monitor = new FeatureMonitor(subgroups("f", ChartType.XBAR_R, 2, 2));
        List<SpcResult> out = new ArrayList<>();
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 1200; i++) {
            monitor.update(new Measurement(MonitorFixtures.T0 + i * MonitorFixtures.SECOND, "f", "B1",
                    10 + random.nextGaussian(), "P" + i, "g" + i, null, null, null, null), out);
        }
        assertEquals(FeatureConfig.MAX_BASELINE - 1, monitor.baseCount);
        assertTrue(ofType(out, LimitsResult.class).isEmpty());
        for (int i = 0; i < 3; i++) {
            monitor.update(new Measurement(MonitorFixtures.T0 + (1200 + i) * MonitorFixtures.SECOND, "f", "B1",
                    10 + 0.1 * i, "P" + (1200 + i), i < 2 ? "pair" : "next", null, null, null, null), out);
        }
        LimitsResult limits = ofType(out, LimitsResult.class).get(0);
        assertEquals(FeatureConfig.MAX_BASELINE, limits.m() + limits.excluded());
    }

    @Test
    void aTrendAlreadyPastTheSpecLimitSaysSo() {
        FeatureConfig config = imr("f");
        config.knownMean = 10;
        config.knownSigma = 0.1;
        config.usl = 10.6;
        config.driftWindow = 6;
        config.driftAlpha = 0.01;
        FeatureMonitor monitor = new FeatureMonitor(config);
        List<SpcResult> out = new ArrayList<>();
        double[] values = {10.0, 10.1, 10.22, 10.29, 10.41, 10.5, 10.62, 10.7, 10.79, 10.9, 11.0, 11.1, 11.2};
        for (int i = 0; i < values.length; i++) {
            monitor.update(new Measurement(MonitorFixtures.T0 + i * MonitorFixtures.SECOND, "f", "B1", values[i],
                    "P" + i, null, null, null, null, null), out);
        }
        List<DriftResult> trend = ofType(out, DriftResult.class).stream()
                .filter(d -> d.detector().equals(DriftResult.TREND)).toList();
        assertEquals(2, trend.size(), "alarms at part 6 and one window later: " + trend);
        assertEquals(0.0, trend.get(1).partsToLimit());
        assertTrue(trend.get(1).message().endsWith(", fitted line already beyond the spec limit"), trend.get(1).message());
        // the first alarm's line is ~1 part short of the limit
        assertTrue(trend.get(0).partsToLimit() > 0 && trend.get(0).partsToLimit() < 1.5
                && trend.get(0).message().endsWith(", spec limit reached within 1 part"), trend.get(0).message());
    }

    @Test
    void everyResultCarriesTheTagsOfItsOwnMeasurement() {
        // the monitor reuses its last Tags while they stay the same: a station or line that changes
        // from one measurement to the next must still show on that measurement's results
        FeatureMonitor monitor = new FeatureMonitor(MonitorFixtures.imr("f"));
        String[] stations = {"S1", "S1", "S2", null, "", "S2", "S2", null, "S1"};
        String[] lines = {"L1", "L1", "L1", "L1", null, "L2", "L2", "L2", null};
        for (int i = 0; i < stations.length; i++) {
            List<SpcResult> out = new ArrayList<>();
            monitor.update(new Measurement(MonitorFixtures.T0 + i * MonitorFixtures.SECOND, "f", "B1", 10 + 0.01 * i,
                    "P" + i, null, lines[i], stations[i], null, null), out);
            assertFalse(out.isEmpty());
            for (SpcResult result : out) {
                assertEquals(new dev.pilotspc.core.result.Tags("f", "B1", lines[i], stations[i]), result.tags(),
                        "measurement " + i + ": " + result);
            }
        }
    }

    @Test
    void closingTheOpenSubgroupChartsAShortLastSubgroup() {
        FeatureMonitor monitor = new FeatureMonitor(subgroups("f", ChartType.XBAR_R, 5, 4));
        List<SpcResult> out = run(monitor, 10.1, 9.9, 10.0, 10.2, 9.8, 10.4, 10.0);
        assertEquals(1, ofType(out, PointResult.class).size());
        monitor.closeOpenSubgroup(out);
        List<PointResult> points = ofType(out, PointResult.class);
        assertEquals(2, points.size());
        assertEquals(10.2, points.get(1).x(), 1e-12);
        assertEquals(0.4, points.get(1).disp(), 1e-12);
        assertEquals(MonitorFixtures.T0 + 6 * MonitorFixtures.SECOND, points.get(1).tsNanos());
        monitor.closeOpenSubgroup(out);
        assertEquals(2, ofType(out, PointResult.class).size(), "nothing open any more");
    }

    @Test
    void excludesBaselinePointsBeyondTrialLimitsOnceAndRecomputes() {
        FeatureConfig config = imr("f");
        config.baseline = 20;
        double[] x = twentyWithAnOutlierAtTheSeventh();
        LimitsResult l = ofType(run(new FeatureMonitor(config), x), LimitsResult.class).get(0);
        assertEquals(1, l.excluded());
        assertEquals(19, l.m());
        double mean = 0;
        for (int i = 0; i < 20; i++) {
            mean += i == 6 ? 0 : x[i];
        }
        assertEquals(mean / 19, l.cl(), 1e-12);
        assertTrue(l.ucl() < 10.5, "the outlier no longer inflates the limits");
    }

    @Test
    void limitsFromHistoryMonitorFromTheFirstPoint() {
        FeatureConfig config = imr("f");
        config.knownMean = 50;
        config.knownSigma = 2;
        List<SpcResult> out = run(new FeatureMonitor(config), 51, 57);
        LimitsResult l = ofType(out, LimitsResult.class).get(0);
        assertEquals("history", l.source());
        assertEquals(56, l.ucl(), 1e-12);
        List<PointResult> points = ofType(out, PointResult.class);
        assertEquals("monitor", points.get(0).phase());
        assertTrue(points.get(1).ooc());
        assertEquals("WE1", points.get(1).rules());
        assertEquals(StatusResult.OUT_OF_CONTROL, ofType(out, StatusResult.class).get(1).state());
    }

    @Test
    void ewmaAndCusumSignalsAreViolations() {
        FeatureConfig config = imr("f");
        config.knownMean = 10;
        config.knownSigma = 1;
        config.rules = 0;
        config.cusumK = 0.5;
        config.cusumH = 5;
        config.ewmaLambda = 0.2;
        config.ewmaSigmas = 2.962;
        List<SpcResult> out = new ArrayList<>();
        FeatureMonitor monitor = new FeatureMonitor(config);
        for (int i = 0; i < 20; i++) {
            monitor.update(MonitorFixtures.measurement("f", i, 11.5), out);
        }
        List<PointResult> points = ofType(out, PointResult.class);
        assertTrue(points.stream().anyMatch(p -> p.rules().contains("CUSUM")));
        assertTrue(points.stream().anyMatch(p -> p.rules().contains("EWMA")));
        PointResult first = points.get(0);
        assertEquals(10.3, first.ewma(), 1e-12);
        assertEquals(1.0, first.cusumHi(), 1e-12);
        assertEquals(0, first.cusumLo(), 1e-12);
        assertEquals(5, first.cusumH(), 1e-12);
    }

    @Test
    void qChartMonitorsFromTheThirdPointDuringBaseline() {
        List<PointResult> points = ofType(run(new FeatureMonitor(imr("f")), 10, 10.2, 9.9, 10.1, 20),
                PointResult.class);
        assertTrue(Double.isNaN(points.get(1).q()));
        assertFalse(Double.isNaN(points.get(2).q()));
        assertTrue(points.get(4).ooc(), "a gross outlier at point 5 is caught before any limits exist");
        assertEquals("Q1", points.get(4).rules());
    }

    @Test
    void qChartOffLeavesBaselinePointsUnflagged() {
        FeatureConfig config = imr("f");
        config.qChart = QChartMode.OFF;
        List<PointResult> points = ofType(run(new FeatureMonitor(config), 10, 10.2, 9.9, 10.1, 20), PointResult.class);
        assertTrue(Double.isNaN(points.get(4).q()));
        assertFalse(points.get(4).ooc());
    }

    @Test
    void rejectsNonFiniteValues() {
        FeatureMonitor monitor = new FeatureMonitor(imr("f"));
        assertThrows(IllegalArgumentException.class, () -> run(monitor, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> run(monitor, Double.POSITIVE_INFINITY));
    }

    @Test
    void explicitSubgroupIdsCloseSubgroupsEarly() {
        FeatureMonitor monitor = new FeatureMonitor(subgroups("f", ChartType.XBAR_R, 5, 3));
        List<SpcResult> out = new ArrayList<>();
        String[] ids = {"a", "a", "a", "b", "b", "b", "b", "b"};
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8};
        for (int i = 0; i < ids.length; i++) {
            monitor.update(MonitorFixtures.measurement("f", i, v[i]).withSubgroup(ids[i]), out);
        }
        List<PointResult> points = ofType(out, PointResult.class);
        assertEquals(2, points.size());
        assertEquals(2, points.get(0).x(), 1e-12);
        assertEquals(2, points.get(0).disp(), 1e-12);
        assertEquals(MonitorFixtures.T0 + 2 * MonitorFixtures.SECOND, points.get(0).tsNanos());
        assertEquals(6, points.get(1).x(), 1e-12);
    }

    @Test
    void dispersionBeyondItsLimitIsRuleD1() {
        FeatureConfig config = subgroups("f", ChartType.XBAR_R, 2, 2);
        config.knownMean = 0;
        config.knownSigma = 1;
        List<PointResult> points = ofType(run(new FeatureMonitor(config), -2.5, 2.5), PointResult.class);
        assertEquals(1, points.size());
        // R = 5 > (d2 + 3·d3)σ = 3.686 for n = 2
        assertEquals("D1", points.get(0).rules());
    }

    @Test
    void changedBaselineRebaselinesFromTheNextPoint() {
        FeatureConfig config = imr("f");
        config.baseline = 5;
        FeatureMonitor monitor = new FeatureMonitor(config);
        List<SpcResult> out = new ArrayList<>(run(monitor, 1, 2, 1, 2, 1));
        FeatureConfig rebaselined = config.copy();
        rebaselined.baseline = 6;
        monitor.applyDefinition(rebaselined);
        for (int i = 5; i < 11; i++) {
            monitor.update(MonitorFixtures.measurement("f", i, 100 + i % 2), out);
        }
        List<LimitsResult> limits = ofType(out, LimitsResult.class);
        assertEquals(2, limits.size());
        assertEquals(100.5, limits.get(1).cl(), 1e-9); // the six points after the change only
    }

    @Test
    void readinessSaysWhetherTheFeatureCountsForTheBatchVerdictAsItsDefinitionNow() {
        FeatureConfig config = imr("f");
        config.critical = false;
        FeatureMonitor monitor = new FeatureMonitor(config);
        List<ReadinessResult> before = ofType(run(monitor, 10, 10.1), ReadinessResult.class);
        assertEquals(List.of(false, false), before.stream().map(ReadinessResult::critical).toList());
        FeatureConfig critical = imr("f");
        monitor.applyDefinition(critical);
        assertEquals(true, ofType(run(monitor, 10.2), ReadinessResult.class).get(0).critical(), "a changed definition applies");
    }

    @Test
    void limitsFromABaselineWithoutVariationHaveZeroWidthAndTheReasonsSaySo() {
        FeatureConfig config = imr("f");
        config.baseline = 5;
        FeatureMonitor monitor = new FeatureMonitor(config);
        List<SpcResult> out = run(monitor, 10, 10, 10, 10, 10, 10, 10.1);
        LimitsResult limits = ofType(out, LimitsResult.class).get(0);
        assertEquals(0.0, limits.sigma()); // as the textbook formulas give (qcc too): MR-bar = 0
        assertEquals(10.0, limits.ucl());
        List<ReadinessResult> readiness = ofType(out, ReadinessResult.class);
        assertTrue(readiness.get(5).reasons().contains("sigma is 0: the baseline's points showed no variation"),
                readiness.get(5).reasons());
        assertEquals(List.of("WE1", "D1"), ofType(out, ViolationResult.class).stream().map(ViolationResult::rule).toList(),
                "10.1 is beyond limits of zero width");
        // Page-Hinkley with σ = 0 (δσ = λσ = 0): the first reading off the mean is a mean shift
        List<DriftResult> drift = ofType(out, DriftResult.class);
        assertEquals(1, drift.size(), drift.toString());
        assertEquals(DriftResult.PAGE_HINKLEY, drift.get(0).detector());
        assertEquals(DriftResult.UP, drift.get(0).direction());
        assertEquals(0.1, drift.get(0).shift(), 1e-12);
    }

    @Test
    void readinessCountsPartsNotMeasurements() {
        // CONTRACT §4: insufficient_data until at least 30 parts are measured; a part measured
        // again (a re-check) is the same part, a measurement without a serial is a part of its own
        FeatureConfig config = imr("f");
        config.baseline = 5;
        config.lsl = 9;
        config.usl = 11;
        config.drift = false;
        config.rules = 0;
        FeatureMonitor monitor = new FeatureMonitor(config);
        List<SpcResult> out = new ArrayList<>();
        Random random = new Random(8);
        for (int i = 0; i < 60; i++) {
            String part = i < 20 ? "SN-1" : i < 40 ? null : "SN-" + i;
            monitor.update(new Measurement(MonitorFixtures.T0 + i * MonitorFixtures.SECOND, "f", "B1",
                    10 + 0.05 * random.nextGaussian(), part, null, null, null, null, null), out);
        }
        List<ReadinessResult> readiness = ofType(out, ReadinessResult.class);
        assertTrue(readiness.get(19).reasons().startsWith("1 of 30 parts measured"), readiness.get(19).reasons());
        assertTrue(readiness.get(39).reasons().startsWith("21 of 30 parts measured"), readiness.get(39).reasons());
        assertEquals(ReadinessResult.INSUFFICIENT_DATA, readiness.get(47).verdict(), "29 parts");
        assertEquals(ReadinessResult.READY, readiness.get(48).verdict(), readiness.get(48).reasons());
    }

    @Test
    void aViolationCarriesTheLimitsOfItsOwnSubgroupSize() {
        // phase I review of a short subgroup (3 of 4): judged, and reported, against CL ± 3σ/√3
        FeatureConfig config = subgroups("d", ChartType.XBAR_R, 4, 4);
        config.drift = false;
        FeatureMonitor monitor = new FeatureMonitor(config);
        List<SpcResult> out = new ArrayList<>();
        double[][] groups = {{10, 10.2, 9.8, 10.1}, {10.5, 10.6, 10.4}, {9.9, 10.1, 10, 10.2}, {10, 9.8, 10.1, 10},
            {10.1, 10, 9.9, 10}};
        int i = 0;
        for (int g = 0; g < groups.length; g++) {
            for (double v : groups[g]) {
                monitor.update(MonitorFixtures.measurement("d", i++, v).withSubgroup("S" + g), out);
            }
        }
        monitor.closeOpenSubgroup(out);
        LimitsResult limits = ofType(out, LimitsResult.class).get(0);
        ViolationResult we1 = ofType(out, ViolationResult.class).stream().filter(v -> v.rule().equals("WE1") && v.n() == 2)
                .findFirst().orElseThrow();
        assertEquals(limits.cl(), we1.cl());
        assertEquals(limits.cl() + 3 * limits.sigma() / Math.sqrt(3), we1.ucl(), 1e-12);
        assertEquals(limits.cl() - 3 * limits.sigma() / Math.sqrt(3), we1.lcl(), 1e-12);
        assertTrue(we1.ucl() > limits.ucl(), "wider than the full-size limits");
    }

    @Test
    void partsAreCountedExactlyUpToALargeMinimum() {
        FeatureConfig config = imr("f");
        config.rules = 0;
        config.drift = false;
        FeatureMonitor monitor = new FeatureMonitor(config, new dev.pilotspc.core.readiness.ReadinessPolicy(500, 1.33, false, 0));
        List<SpcResult> out = new ArrayList<>();
        Random random = new Random(4);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 1400 && seen.size() < 500; i++) {
            String part = "SN-" + random.nextInt(700); // re-checks among 700 serials
            seen.add(part);
            monitor.update(new Measurement(MonitorFixtures.T0 + i * MonitorFixtures.SECOND, "f", "B1", 10 + random.nextGaussian(),
                    part, null, null, null, null, null), out);
            assertEquals(seen.size(), monitor.partsMeasured(), "after measurement " + i);
        }
        assertEquals(500, monitor.partsMeasured());
        assertEquals(null, monitor.partSerials, "the serials are forgotten once the minimum is reached");
    }

    @Test
    void aChartFromStateWithoutPartCountsTakesItsMeasurementsAsParts() {
        // state written before parts were counted: parts = −1 (the field's initial value), no serials;
        // a new subgroup id closes the open subgroup (and reports readiness) before the measurement counts
        FeatureConfig config = subgroups("f", ChartType.XBAR_R, 3, 4);
        config.drift = false;
        FeatureMonitor monitor = new FeatureMonitor(config);
        List<SpcResult> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            monitor.update(MonitorFixtures.measurement("f", i, 10 + 0.1 * (i % 3)).withSubgroup("S" + i / 3), out);
        }
        monitor.parts = -1;
        monitor.partSerials = null;
        out.clear();
        monitor.update(MonitorFixtures.measurement("f", 20, 10).withSubgroup("S7"), out);
        ReadinessResult closed = ofType(out, ReadinessResult.class).get(0);
        assertTrue(closed.reasons().startsWith("20 of 30 parts measured"), closed.reasons());
        assertEquals(21, monitor.partsMeasured());
        // re-checks of a part measured after the restore are the same part again
        monitor.update(MonitorFixtures.measurement("f", 21, 10).withSubgroup("S7"), out);
        monitor.update(MonitorFixtures.measurement("f", 21, 10.1).withSubgroup("S7").withPart("P22"), out);
        assertEquals(22, monitor.partsMeasured());
    }

    @Test
    void reasonsShowAnIndexNearTheThresholdWithTheDecimalsThatTellThemApart() {
        // "95 % lower bound 1.33) below 1.33" of a bound of 1.3298 contradicted itself
        assertEquals(4, FeatureMonitor.comparedDecimals(1.3298, 1.33));
        assertEquals("1.3298 below 1.3300", FeatureMonitor.appendFixed(new StringBuilder(), 1.3298, 4, false)
                .append(" below ").append(FeatureMonitor.appendFixed(new StringBuilder(), 1.33, 4, false)).toString());
        assertEquals(2, FeatureMonitor.comparedDecimals(1.33, 1.33));
        assertEquals(2, FeatureMonitor.comparedDecimals(1.5, 1.33));
        assertEquals(3, FeatureMonitor.comparedDecimals(1.3349, 1.333));
        assertEquals(6, FeatureMonitor.comparedDecimals(1.33 - 1e-9, 1.33), "at most 6");
        assertEquals("1.329999", FeatureMonitor.appendFixed(new StringBuilder(), 1.33 - 1e-9, 6, true).toString(),
                "below the threshold and still the same at 6 decimals: rounded down");
        assertEquals("-0.001", FeatureMonitor.appendFixed(new StringBuilder(), -0.0001, 3, true).toString());
        assertEquals("-0.050", FeatureMonitor.appendFixed(new StringBuilder(), -0.05, 3, false).toString());
        assertEquals("0.000", FeatureMonitor.appendFixed(new StringBuilder(), -0.0001, 3, false).toString());

        // through the monitor: Ppk judged as a point estimate, 1.3298 (readings 11, 9, 11, …: mean 10,
        // overall sd √(12/11) after 12 of them)
        double sd = Math.sqrt(12.0 / 11.0);
        FeatureConfig config = imr("f");
        config.knownMean = 10;
        config.knownSigma = 1;
        config.lsl = 10 - 3 * 1.3298 * sd;
        config.usl = 10 + 3 * 1.3298 * sd;
        config.rules = 0;
        config.drift = false;
        FeatureMonitor monitor = new FeatureMonitor(config, new dev.pilotspc.core.readiness.ReadinessPolicy(2, 1.33, true, 0));
        double[] x = new double[12];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 2 == 0 ? 11 : 9;
        }
        List<ReadinessResult> readiness = ofType(run(monitor, x), ReadinessResult.class);
        String reasons = readiness.get(readiness.size() - 1).reasons();
        assertTrue(reasons.startsWith("Ppk 1.3298 (95 % lower bound ") && reasons.endsWith(") below 1.3300"), reasons);
    }

    @Test
    void pointsKeepTheGaugeAndOperatorOfTheirLastMeasurement() {
        FeatureConfig config = imr("f");
        config.chart = ChartType.XBAR_R;
        config.subgroupSize = 2;
        FeatureMonitor monitor = new FeatureMonitor(config);
        List<SpcResult> out = new ArrayList<>();
        long t = MonitorFixtures.T0;
        monitor.update(new Measurement(t, "f", "B1", 1.0, "P1", null, null, null, "G1", "anna"), out);
        monitor.update(new Measurement(t + 1, "f", "B1", 1.2, "P2", null, null, null, "G2", "ben"), out);
        monitor.update(new Measurement(t + 2, "f", "B1", 1.1, "P3", null, null, null, null, null), out);
        monitor.update(new Measurement(t + 3, "f", "B1", 1.3, "P4", null, null, null, null, null), out);
        List<PointResult> points = ofType(out, PointResult.class);
        assertEquals("G2", points.get(0).gauge());
        assertEquals("ben", points.get(0).operator());
        assertEquals("P2", points.get(0).part());
        assertEquals(null, points.get(1).gauge(), "absent where the measurement has none");
        assertEquals(null, points.get(1).operator());
    }

    @Test
    void capabilityStartsOnceTwoPointsExist() {
        FeatureConfig individuals = imr("f");
        individuals.lsl = 0;
        individuals.usl = 4;
        List<SpcResult> out = run(new FeatureMonitor(individuals), 1, 2, 3);
        assertEquals(List.of(2L, 3L), ofType(out, dev.pilotspc.core.result.CapabilityResult.class).stream()
                .map(c -> c.n()).toList());
        FeatureConfig subgroups = subgroups("f", ChartType.XBAR_R, 3, 5);
        subgroups.lsl = 0;
        subgroups.usl = 4;
        List<SpcResult> sub = run(new FeatureMonitor(subgroups), 1, 2, 3, 1, 2, 3, 1);
        assertEquals(List.of(6L), ofType(sub, dev.pilotspc.core.result.CapabilityResult.class).stream()
                .map(c -> c.n()).toList(), "n counts measurements, from the 2nd subgroup on");
    }

    @Test
    void ruleIdsListEveryViolatedRule() {
        FeatureConfig config = imr("f");
        config.knownMean = 0;
        config.knownSigma = 1;
        config.rules = Rule.nelson();
        List<PointResult> points = ofType(run(new FeatureMonitor(config), 2.5, 3.5), PointResult.class);
        assertEquals("N1,N5", points.get(1).rules());
    }
}
