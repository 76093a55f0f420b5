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
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PageHinkleyTest {

    /** Feeds {@code count} copies of x; returns the 1-based index of the first alarm, or -1. */
    private static int feedUntilAlarm(PageHinkley ph, double x, int count, double sigma, PageHinkleyAlarm[] out) {
        for (int i = 1; i <= count; i++) {
            PageHinkleyAlarm a = ph.update(x, sigma);
            if (a != null) {
                out[0] = a;
                return i;
            }
        }
        return -1;
    }

    @Test
    void flagsAThreeSigmaStepOnItsFifthPointWithTheExactShift() {
        // 50 points at 10, then 13 (σ = 1, δ 0.5, λ 10): after k shifted points x − x̄ = 150/(50 + k),
        // so g⁺ = Σ(150/(50 + i) − 0.5) = 2.44, 4.33, 6.66, 8.93, 11.16 > 10 at k = 5; the argmin of
        // m⁺ is point 50, and the means on either side differ by exactly 3
        PageHinkley ph = new PageHinkley(0.5, 10);
        PageHinkleyAlarm[] alarm = new PageHinkleyAlarm[1];
        assertEquals(-1, feedUntilAlarm(ph, 10, 50, 1, alarm));
        assertEquals(5, feedUntilAlarm(ph, 13, 100, 1, alarm));
        assertEquals(DriftResult.UP, alarm[0].direction());
        assertEquals(3.0, alarm[0].shift(), 1e-12);
    }

    @Test
    void aSumReachingLambdaExactlyDoesNotAlarm() {
        // README "Drift": g⁺ > λσ alarms (strictly). Hand calculation, δ 0.5, λ 1.5, σ 1, all exact in
        // binary: x = 0 (x̄ 0, g⁺ 0); x = 4 (x̄ 2, g⁺ = 0 + 4 − 2 − 0.5 = 1.5 = λσ): no alarm;
        // x = 4 again (x̄ 8/3, g⁺ = 1.5 + 4/3 − 0.5 = 2.33 > 1.5): alarm up
        PageHinkley up = new PageHinkley(0.5, 1.5);
        assertNull(up.update(0, 1));
        assertNull(up.update(4, 1));
        assertEquals(1.5, up.gUp, 0);
        PageHinkleyAlarm alarm = up.update(4, 1);
        assertNotNull(alarm);
        assertEquals(DriftResult.UP, alarm.direction());
        // the same downwards: g⁻ = 1.5 on the second point, then 2.33
        PageHinkley down = new PageHinkley(0.5, 1.5);
        assertNull(down.update(0, 1));
        assertNull(down.update(-4, 1));
        assertEquals(1.5, down.gDown, 0);
        alarm = down.update(-4, 1);
        assertNotNull(alarm);
        assertEquals(DriftResult.DOWN, alarm.direction());
    }

    @Test
    void resetsAfterAnAlarmAndDetectsTheStepBack() {
        PageHinkley ph = new PageHinkley(0.5, 10);
        PageHinkleyAlarm[] alarm = new PageHinkleyAlarm[1];
        feedUntilAlarm(ph, 10, 50, 1, alarm);
        assertEquals(5, feedUntilAlarm(ph, 13, 100, 1, alarm));
        assertEquals(0, ph.n);
        assertEquals(0.0, ph.gUp);
        // the new level is the new reference: no repeat alarms on it
        assertEquals(-1, feedUntilAlarm(ph, 13, 45, 1, alarm));
        assertEquals(5, feedUntilAlarm(ph, 10, 100, 1, alarm));
        assertEquals(DriftResult.DOWN, alarm[0].direction());
        assertEquals(-3.0, alarm[0].shift(), 1e-12);
    }

    @Test
    void alarmsAreInvariantToTheUnitsAndOffsetOfTheData() {
        // a bore at 25 mm with σ = 2 µm must alarm where standardised data does
        Random rnd = new Random(17);
        PageHinkley standard = new PageHinkley(0.5, 10);
        PageHinkley gauge = new PageHinkley(0.5, 10);
        List<Integer> alarms = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            double z = rnd.nextGaussian() + ((i / 500) % 2 == 0 ? 0 : 1.2);
            PageHinkleyAlarm a = standard.update(z, 1);
            PageHinkleyAlarm b = gauge.update(25.0 + 0.002 * z, 0.002);
            assertEquals(a == null, b == null, "alarm at point " + i);
            if (a != null) {
                alarms.add(i);
                assertEquals(a.direction(), b.direction());
                assertEquals(0.002 * a.shift(), b.shift(), 1e-9);
            }
        }
        assertTrue(alarms.size() >= 30, "about one alarm per step, was " + alarms.size());
    }

    @Test
    void theShiftKeepsItsDigitsFarFromZero() {
        // the same readings at 1e6 and less 1e6 (exact: Sterbenz): running means of x itself were
        // rounded at ulp(1e6) and put 4e-6 relative error into the shift
        Random rnd = new Random(23);
        PageHinkley far = new PageHinkley(0.5, 10);
        PageHinkley near = new PageHinkley(0.5, 10);
        int alarms = 0;
        for (int i = 0; i < 5_000; i++) {
            double x = 1e6 + 1e-4 * (rnd.nextGaussian() + ((i / 500) % 2 == 0 ? 0 : 1.5));
            PageHinkleyAlarm a = far.update(x, 1e-4);
            PageHinkleyAlarm b = near.update(x - 1e6, 1e-4);
            assertEquals(b == null, a == null, "alarm at point " + i);
            if (a != null) {
                alarms++;
                assertEquals(b.shift(), a.shift(), 1e-12 * Math.abs(b.shift()), "shift at point " + i);
            }
        }
        assertTrue(alarms >= 5, "alarms: " + alarms);
    }

    @Test
    void skipsPointsWithoutAUsableSigma() {
        PageHinkley ph = new PageHinkley(0.5, 10);
        assertNull(ph.update(100, Double.NaN));
        assertNull(ph.update(100, -1));
        assertNull(ph.update(100, Double.POSITIVE_INFINITY));
        assertNull(ph.update(Double.NaN, 1));
        assertEquals(0, ph.n);
    }

    @Test
    void aSigmaOfZeroAlarmsOnTheFirstPointOffTheRunningMean() {
        // README: a baseline without variation gives σ = 0; the formulas then give δσ = λσ = 0, so
        // g⁺ = x − x̄ > 0 on the first point above the running mean alarms (as CUSUM's H = 0 signals)
        PageHinkley ph = new PageHinkley(0.5, 10);
        PageHinkleyAlarm[] alarm = new PageHinkleyAlarm[1];
        assertEquals(-1, feedUntilAlarm(ph, 10.0, 20, 0, alarm), "readings all alike do not alarm");
        assertEquals(0.0, ph.gUp, 0);
        assertEquals(0.0, ph.gDown, 0);
        assertEquals(1, feedUntilAlarm(ph, 10.001, 5, 0, alarm));
        assertEquals(DriftResult.UP, alarm[0].direction());
        assertEquals(10.001 - 10.0, alarm[0].shift(), 0); // 21·(x̄ − 10)/1: exact
        assertEquals(0, ph.n, "starts over after the alarm");
        assertEquals(-1, feedUntilAlarm(ph, 10.001, 5, 0, alarm));
        assertEquals(1, feedUntilAlarm(ph, 10.0, 5, 0, alarm));
        assertEquals(DriftResult.DOWN, alarm[0].direction());
        assertTrue(Double.isFinite(alarm[0].shift()) && alarm[0].shift() < 0, "shift " + alarm[0].shift());
    }

    @Test
    void isAFlinkPojoWhoseFieldsHoldAllState() throws ReflectiveOperationException {
        FlinkPojo.assertPojo(PageHinkley.class);
        PageHinkley a = new PageHinkley(0.5, 10);
        Random rnd = new Random(3);
        for (int i = 0; i < 40; i++) {
            a.update(rnd.nextGaussian(), 1);
        }
        PageHinkley b = FlinkPojo.copy(a);
        for (int i = 0; i < 2000; i++) {
            double x = rnd.nextGaussian() + (i > 1000 ? 1 : 0);
            assertEquals(a.update(x, 1), b.update(x, 1));
        }
    }

    @Test
    void rejectsNegativeAllowanceOrNonPositiveThreshold() {
        assertThrows(IllegalArgumentException.class, () -> new PageHinkley(-0.1, 10));
        assertThrows(IllegalArgumentException.class, () -> new PageHinkley(0.5, 0));
    }

    @Test
    void defaultsHoldFalseAlarmsRareAndCatchDriftAndSteps() {
        // N(0,1), seeded. Measured: ARL0 ≥ 1.7e4 (most runs reach the 20 000 cap); a 0.1σ/part drift
        // after 50 in-control parts caught in ≈ 19.5 parts, a 1.5σ step in ≈ 13
        Supplier<Calibration.Detector> factory = () -> {
            PageHinkley ph = new PageHinkley(FeatureConfig.DEFAULT_PH_DELTA, FeatureConfig.DEFAULT_PH_LAMBDA);
            return x -> ph.update(x, 1) != null;
        };
        double arl0 = Calibration.inControlArl(factory, 100, 20_000, 1);
        assertTrue(arl0 > 5000, "in-control ARL " + arl0);
        double drift = Calibration.meanDelay(factory, 400, k -> 0.1 * k, 2);
        assertTrue(drift > 14 && drift < 26, "0.1σ/part drift delay " + drift);
        double step = Calibration.meanDelay(factory, 400, k -> 1.5, 3);
        assertTrue(step > 9 && step < 17, "1.5σ step delay " + step);
    }
}
