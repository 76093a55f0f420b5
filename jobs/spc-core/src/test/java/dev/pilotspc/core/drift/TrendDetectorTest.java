package dev.pilotspc.core.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.result.DriftResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.junit.jupiter.api.Test;

class TrendDetectorTest {

    @Test
    void matchesAnscombeQuartetSetOneRegression() {
        // Anscombe (1973), Graphs in Statistical Analysis, Am. Stat. 27:17-21, set I; its x is
        // 4..14 in steps of 1, so y sorted by x is a series against part index. Published fit
        // y = 3.0001 + 0.5001 x, slope SE 0.1179, t 4.241, p 0.00217 (R: lm(y1 ~ x1, anscombe)).
        double[] ySortedByX = {4.26, 5.68, 7.24, 4.82, 6.95, 8.81, 8.04, 8.33, 10.84, 7.58, 9.96};
        TrendDetector td = new TrendDetector(11, 0.01);
        assertEquals(3.2498, td.tCrit, 1e-4, "t(0.995, 9 df)");
        TrendAlarm alarm = null;
        for (double y : ySortedByX) {
            assertNull(alarm, "no alarm before the window is full");
            alarm = td.update(y);
        }
        assertNotNull(alarm);
        assertEquals(0.5001, alarm.slope(), 5e-5);
        assertEquals(0.1179, td.slopeStdError(), 5e-5);
        assertEquals(4.241, alarm.slope() / td.slopeStdError(), 5e-4);
        assertEquals(0.00217, alarm.pValue(), 5e-6);
        assertEquals(3.0001 + 0.5001 * 14, alarm.fitted(), 1e-3);
        assertEquals(DriftResult.UP, alarm.direction());
    }

    @Test
    void runningSumsMatchADirectFitOnGaugeReadingsWithALargeMean() {
        // 25 mm with σ = 2 µm, a slow wander, then a 10⁵σ level change (a re-zeroed gauge): naive Σx²
        // loses every digit, and sums centred on the old level keep losing them until re-centred
        Random rnd = new Random(11);
        int window = 20;
        TrendDetector td = new TrendDetector(window, 0.001);
        double[] recent = new double[window];
        for (int i = 0; i < 50_000; i++) {
            double x = (i < 25_000 ? 25.0 : 225.0) + 0.002 * rnd.nextGaussian() + 1e-7 * i;
            recent[i % window] = x;
            td.update(x);
            if (i >= window - 1 && i % 97 == 0) {
                SimpleRegression direct = new SimpleRegression();
                for (int j = 0; j < window; j++) {
                    direct.addData(j, recent[(i + 1 + j) % window]);
                }
                assertEquals(direct.getSlope(), td.slope(), 1e-9 * 0.002, "slope at point " + i);
                assertEquals(direct.getSlopeStdErr(), td.slopeStdError(), 1e-7 * direct.getSlopeStdErr(),
                        "standard error at point " + i);
            }
        }
    }

    @Test
    void exactLineAlarmsWithPValueZeroOncePerWindow() {
        TrendDetector td = new TrendDetector(20, 0.001);
        List<Integer> alarmsAt = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            TrendAlarm a = td.update(25.0 - 0.01 * i);
            if (a != null) {
                alarmsAt.add(i);
                assertEquals(-0.01, a.slope(), 1e-12);
                assertEquals(0.0, a.pValue());
                assertEquals(25.0 - 0.01 * i, a.fitted(), 1e-12);
                assertEquals(DriftResult.DOWN, a.direction());
            }
        }
        // significant at every point from the 20th: the policy repeats once per window, not 81 times
        assertEquals(List.of(20, 40, 60, 80, 100), alarmsAt);
    }

    @Test
    void identicalQuantisedValuesNeverAlarm() {
        TrendDetector td = new TrendDetector(20, 0.001);
        for (int i = 0; i < 200; i++) {
            assertNull(td.update(25.0013));
        }
        // after a step the offset is stale until the next resync: the constant window is still flat
        TrendDetector stale = new TrendDetector(20, 0.001);
        for (int i = 0; i < 20; i++) {
            stale.update(1.1 + 0.01 * (i % 3));
        }
        for (int i = 0; i < 200; i++) {
            TrendAlarm a = stale.update(0.3);
            if (i >= 19) {
                assertNull(a, "constant window at point " + i);
                assertEquals(0.0, stale.slopeStdError());
            }
        }
    }

    @Test
    void alarmsAtMostOncePerWindow() {
        int window = 10;
        TrendDetector td = new TrendDetector(window, 0.01);
        Random rnd = new Random(5);
        int last = -window;
        int alarms = 0;
        int rearmedWhileSignificant = 0;
        for (int i = 0; i < 20_000; i++) {
            // alternating stretches of drift and noise so significance comes and goes
            double x = rnd.nextGaussian() + ((i / 40) % 2 == 0 ? 0.3 * (i % 40) : 0);
            if (td.update(x) != null) {
                assertTrue(i - last >= window, "alarm at point " + i + " only " + (i - last) + " after the last");
                rearmedWhileSignificant += i - last == window ? 1 : 0;
                last = i;
                alarms++;
            }
        }
        assertTrue(alarms > 100 && rearmedWhileSignificant > 0, alarms + " alarms, " + rearmedWhileSignificant
                + " repeated after exactly one window");
    }

    @Test
    void aSlopeHoveringAtTheThresholdAlarmsOncePerWindow() {
        // found by an independent cross-check: window 6, alpha 0.01; p = 0.0093 at part 6, 0.0121 at
        // part 7 and 0.0018 at part 8 — one alarm, not a second one two parts later
        TrendDetector td = new TrendDetector(6, 0.01);
        double[] values = {9.98, 10.1, 10.04, 10.18, 10.18, 10.25, 10.28, 10.37};
        int alarms = 0;
        for (int i = 0; i < values.length; i++) {
            TrendAlarm a = td.update(values[i]);
            if (a != null) {
                assertEquals(5, i, "the alarm is at part 6");
                alarms++;
            }
        }
        assertEquals(1, alarms);
    }

    @Test
    void partsToLimitFollowsTheFittedLineToTheLimitAhead() {
        TrendAlarm up = new TrendAlarm(0.5, 1e-4, 10.0, DriftResult.UP);
        assertEquals(4.0, up.partsToLimit(0.0, 12.0));
        assertTrue(Double.isNaN(up.partsToLimit(0.0, Double.NaN)), "no USL ahead, LSL behind");
        assertEquals(0.0, up.partsToLimit(0.0, 9.0), "already beyond");
        TrendAlarm down = new TrendAlarm(-0.25, 1e-4, 10.0, DriftResult.DOWN);
        assertEquals(4.0, down.partsToLimit(9.0, Double.NaN));
        assertTrue(Double.isNaN(down.partsToLimit(Double.NaN, 12.0)));
        assertEquals(0.0, down.partsToLimit(10.0, 12.0), "at the limit");
        assertTrue(Double.isNaN(new TrendAlarm(0.0, 1, 10.0, DriftResult.UP).partsToLimit(0.0, 12.0)));
    }

    @Test
    void isAFlinkPojoWhoseFieldsHoldAllState() throws ReflectiveOperationException {
        FlinkPojo.assertPojo(TrendDetector.class);
        TrendDetector a = new TrendDetector(20, 0.001);
        Random rnd = new Random(3);
        for (int i = 0; i < 37; i++) {
            a.update(rnd.nextGaussian() + 0.2 * i);
        }
        TrendDetector b = FlinkPojo.copy(a);
        for (int i = 0; i < 500; i++) {
            double x = rnd.nextGaussian() + 0.05 * i;
            assertEquals(a.update(x), b.update(x));
        }
    }

    @Test
    void rejectsWindowsWithoutResidualDegreesOfFreedom() {
        assertThrows(IllegalArgumentException.class, () -> new TrendDetector(2, 0.001));
        assertThrows(IllegalArgumentException.class, () -> new TrendDetector(20, 0));
    }

    @Test
    void defaultsHoldFalseAlarmsRareAndCatchATenthSigmaDrift() {
        // N(0,1), 400 seeded runs each. Measured with these seeds: ARL0 ≈ 1.6e3 points (window fill
        // included); 0.1σ/part drift after 50 in-control parts caught in ≈ 31 parts. A 1.5σ step is
        // seen only while the window straddles it (≈ 40 % caught within 20 parts, mean delay ≈ 1100):
        // steps are Page-Hinkley's and the charts' job, not a slope test's.
        var factory = (java.util.function.Supplier<Calibration.Detector>) () -> {
            TrendDetector td = new TrendDetector(FeatureConfig.DEFAULT_DRIFT_WINDOW, FeatureConfig.DEFAULT_DRIFT_ALPHA);
            return x -> td.update(x) != null;
        };
        double arl0 = Calibration.inControlArl(factory, 400, 20_000, 1);
        assertTrue(arl0 > 1000 && arl0 < 2500, "in-control ARL " + arl0);
        double drift = Calibration.meanDelay(factory, 400, k -> 0.1 * k, 2);
        assertTrue(drift > 20 && drift < 40, "0.1σ/part drift delay " + drift);
    }
}
