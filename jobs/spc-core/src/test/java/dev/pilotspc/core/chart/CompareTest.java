package dev.pilotspc.core.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.config.Rule;
import org.junit.jupiter.api.Test;

/** Comparisons with a line that take a few ulps of rounding for "on the line" (strict boundaries). */
class CompareTest {

    @Test
    void differencesOfAFewUlpsAreEqual() {
        double line = 10 + 3 * 0.3;
        assertEquals(0, Compare.sign(Math.nextUp(Math.nextUp(line)), line));
        assertEquals(0, Compare.sign(line - 8 * Math.ulp(line), line));
        assertEquals(1, Compare.sign(line + 1e-12, line));
        assertEquals(-1, Compare.sign(line - 1e-12, line));
        // relative to the magnitude: near zero a tiny difference is real
        assertTrue(Compare.above(1e-300, 0));
        assertTrue(Compare.below(-1e-20, 1e-20));
    }

    @Test
    void infinitiesAndNaN() {
        assertTrue(Compare.above(Double.POSITIVE_INFINITY, 1e300));
        assertTrue(Compare.below(Double.NEGATIVE_INFINITY, -1e300));
        assertFalse(Compare.above(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY));
        assertFalse(Compare.above(Double.NaN, 0));
        assertFalse(Compare.below(Double.NaN, 0));
        assertFalse(Compare.above(0, Double.NaN));
    }

    @Test
    void aPointAFewUlpsBeyondALineIsOnIt() {
        // CL 10, sigma 0.3: the 3-sigma line as the limits are computed, and points an ulp or two past it
        double cl = 10;
        double sigma = 0.3;
        double ucl = cl + 3 * sigma;
        PointHistory h = new PointHistory();
        h.push(Math.nextUp(Math.nextUp(ucl)));
        assertEquals(0, RunRules.evaluate(h, cl, sigma, Rule.WE1.bit()), "on the upper limit");
        h.push(ucl + 1e-9);
        assertEquals(Rule.WE1.bit(), RunRules.evaluate(h, cl, sigma, Rule.WE1.bit()), "a nanounit beyond it");
        // a run of 7 below, then a point an ulp below the centre line: it breaks the run (AIAG A2)
        PointHistory run = new PointHistory();
        for (int i = 0; i < 6; i++) {
            run.push(9.9);
        }
        run.push(Math.nextDown(cl));
        assertEquals(0, RunRules.evaluate(run, cl, sigma, Rule.A2.bit()));
        // CUSUM: C⁺ an ulp above H is not beyond it
        Cusum cusum = new Cusum(0.5, 4, 0);
        cusum.reset(0.2);
        double step = (10.4 - 10) - 0.5 * 0.2; // what the next point adds
        cusum.hi = Math.nextUp(4 * 0.2) - step;
        assertFalse(cusum.update(10.4, 10, 0.2), "C+ " + cusum.hi);
        assertTrue(cusum.hi > 4 * 0.2, "a plain comparison would signal: C+ " + cusum.hi);
        assertTrue(cusum.update(10.4, 10, 0.2), "C+ " + cusum.hi);
    }

    @Test
    void aCusumReachingTheDecisionIntervalInDecimalDoesNotSignal() {
        // a helper's cross-check (exact decimal reference): mu0 10, sigma 0.01, k 0.5, h 1 and the
        // reading 10.015 give C+ = 0.015 - 0.005 = 0.01 = H exactly, not beyond it (Montgomery §9.1:
        // a signal when C+ > H); the double 10.015 is 5.7e-16 above 10.015, which a tolerance relative
        // to the sum (0.01) would not absorb
        Cusum cusum = new Cusum(0.5, 1, 0);
        cusum.reset(0.01);
        assertFalse(cusum.update(10.015, 10, 0.01), "C+ " + cusum.hi);
        assertTrue(cusum.hi > 0.01, "a plain comparison would signal: C+ " + cusum.hi);
        Cusum far = new Cusum(0.5, 2, 0);
        far.reset(1e-4);
        assertFalse(far.update(1_000_000.00025, 1_000_000, 1e-4), "at 1e6: C+ " + far.hi);
        Cusum beyond = new Cusum(0.5, 1, 0);
        beyond.reset(0.01);
        assertTrue(beyond.update(10.0150001, 10, 0.01), "1e-7 beyond H signals");
    }
}
