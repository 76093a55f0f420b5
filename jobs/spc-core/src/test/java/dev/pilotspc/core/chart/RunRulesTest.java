package dev.pilotspc.core.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.config.Rule;
import org.junit.jupiter.api.Test;

/**
 * Each rule on constructed sequences of z-scores (CL 0, sigma 1), positive and negative, with the
 * conventions of CONTRACT.md §3: Western Electric Handbook (1956) zone rules need the points on one
 * side and the newest point beyond the zone; Nelson (1984) run and trend rules fire at every point
 * that completes a run.
 */
class RunRulesTest {

    private static int hitsAtLast(int mask, double... z) {
        PointHistory h = new PointHistory();
        for (double v : z) {
            h.push(v);
        }
        return RunRules.evaluate(h, 0, 1, mask);
    }

    private static boolean fires(Rule rule, double... z) {
        return rule.in(hitsAtLast(rule.bit(), z));
    }

    @Test
    void flagsRuleOneWhenPointBeyondThreeSigma() {
        assertTrue(fires(Rule.WE1, 0.1, 3.01));
        assertTrue(fires(Rule.WE1, -3.5));
        assertTrue(fires(Rule.N1, 0, -3.2));
    }

    @Test
    void doesNotFlagRuleOneOnTheLimitItself() {
        assertFalse(fires(Rule.WE1, 3.0));
        assertFalse(fires(Rule.WE1, 3.5, 0.0));
    }

    @Test
    void flagsTwoOfThreeBeyondTwoSigmaOnOneSide() {
        assertTrue(fires(Rule.WE2, 2.1, 0.5, 2.2));
        assertTrue(fires(Rule.N5, -2.5, -0.1, -2.1));
        assertTrue(fires(Rule.WE2, 2.1, 2.2), "fires at the 2nd point when both are beyond 2 sigma");
    }

    @Test
    void twoOfThreeNeedsSameSideAndTheNewestPointBeyond() {
        assertFalse(fires(Rule.WE2, 2.1, 0.5, -2.2), "opposite sides");
        assertFalse(fires(Rule.WE2, 2.1, 2.2, 0.5), "newest point inside the zone");
        assertFalse(fires(Rule.WE2, 2.1, 0.5, 0.3, 2.2), "the other point is 3 back");
        assertFalse(fires(Rule.WE2, 2.0, 2.0), "on the 2 sigma line is not beyond");
    }

    @Test
    void flagsFourOfFiveBeyondOneSigmaOnOneSide() {
        assertTrue(fires(Rule.WE3, 1.1, 1.2, 0.3, 1.5, 1.05));
        assertTrue(fires(Rule.N6, -1.1, -1.2, -1.3, -1.4));
    }

    @Test
    void fourOfFiveNeedsSameSideAndTheNewestPointBeyond() {
        assertFalse(fires(Rule.WE3, 1.1, -1.2, -1.3, 1.5, 1.05), "two are on the other side");
        assertFalse(fires(Rule.WE3, 1.1, 1.2, 1.3, 1.5, 0.9), "newest is within 1 sigma");
        assertFalse(fires(Rule.WE3, 1.1, 0.2, 1.2, 0.3, 1.5), "only 3 of 5");
    }

    @Test
    void flagsEightInARowOnOneSideAtEveryPointOfTheRun() {
        double[] z = {0.1, 0.2, 0.3, 0.1, 0.5, 0.2, 0.1, 0.4, 0.3};
        assertFalse(fires(Rule.WE4, java.util.Arrays.copyOf(z, 7)));
        assertTrue(fires(Rule.WE4, java.util.Arrays.copyOf(z, 8)));
        assertTrue(fires(Rule.WE4, z), "the 9th point continues the run");
        assertFalse(fires(Rule.WE4, 0.1, 0.2, 0.3, 0.1, 0.0, 0.2, 0.1, 0.4), "a point on the centre line breaks it");
    }

    @Test
    void nelsonRunNeedsNineAndAiagSeven() {
        double[] eight = {-1, -1, -1, -1, -1, -1, -1, -1};
        assertFalse(fires(Rule.N2, eight));
        assertTrue(fires(Rule.N2, -1, -1, -1, -1, -1, -1, -1, -1, -1));
        assertTrue(fires(Rule.A2, -1, -1, -1, -1, -1, -1, -1));
        assertFalse(fires(Rule.A2, 1, -1, -1, -1, -1, -1, -1));
    }

    @Test
    void flagsSixPointsSteadilyIncreasingOrDecreasing() {
        assertTrue(fires(Rule.N3, -2, -1.5, -1, 0, 0.5, 0.6));
        assertTrue(fires(Rule.N3, 1, 0.9, 0.1, -0.2, -0.3, -1));
        assertFalse(fires(Rule.N3, -2, -1.5, -1, 0, 0.5), "five points");
        assertFalse(fires(Rule.N3, -2, -1.5, -1, -1, 0.5, 0.6), "a tie breaks the trend");
    }

    @Test
    void flagsFourteenPointsAlternating() {
        double[] alt = new double[14];
        for (int i = 0; i < 14; i++) {
            alt[i] = i % 2 == 0 ? 0.5 : -0.5;
        }
        assertTrue(fires(Rule.N4, alt));
        assertFalse(fires(Rule.N4, java.util.Arrays.copyOf(alt, 13)));
        alt[7] = alt[6];
        assertFalse(fires(Rule.N4, alt));
    }

    @Test
    void flagsFifteenPointsWithinOneSigma() {
        double[] calm = new double[15];
        for (int i = 0; i < 15; i++) {
            calm[i] = i % 2 == 0 ? 0.5 : -0.9;
        }
        assertTrue(fires(Rule.N7, calm));
        calm[3] = 1.0;
        assertFalse(fires(Rule.N7, calm), "a point on the 1 sigma line is not within");
    }

    @Test
    void flagsEightPointsBeyondOneSigmaOnEitherSide() {
        assertTrue(fires(Rule.N8, 1.5, -1.5, 1.2, -1.1, 2, -2, 1.1, -1.3));
        assertFalse(fires(Rule.N8, 1.5, -1.5, 1.2, -0.1, 2, -2, 1.1, -1.3));
    }

    @Test
    void sixPointTrendCountsTheSixthPointBack() {
        // Nelson (1984) test 3: six points in a row steadily increasing, i.e. five rises; here only
        // the newest five points rise (four rises), the sixth back is above its successor: no trend
        assertFalse(fires(Rule.N3, 1, -1.5, -1, 0, 0.5, 0.6));
        assertFalse(fires(Rule.N3, -1, 1.5, 1, 0, -0.5, -0.6));
        assertTrue(fires(Rule.N3, -1.6, -1.5, -1, 0, 0.5, 0.6));
    }

    @Test
    void fourteenAlternatingCountsTheFourteenthPointBack() {
        // Nelson (1984) test 4: fourteen points in a row alternating up and down (13 steps); here the
        // oldest step is flat, so only the newest 13 points alternate: no signal
        double[] alt = new double[14];
        for (int i = 0; i < 14; i++) {
            alt[i] = i % 2 == 0 ? 0.5 : -0.5;
        }
        alt[0] = alt[1];
        assertFalse(fires(Rule.N4, alt));
    }

    @Test
    void fifteenWithinOneSigmaCountsTheFifteenthPointBack() {
        // Nelson (1984) test 7: fifteen points in a row within 1σ of the centre line; the oldest of
        // these fifteen is at 1.5σ, so only fourteen are within: no signal
        double[] calm = new double[15];
        for (int i = 0; i < 15; i++) {
            calm[i] = i % 2 == 0 ? 0.5 : -0.9;
        }
        calm[0] = 1.5;
        assertFalse(fires(Rule.N7, calm));
        calm[0] = -1.5;
        assertFalse(fires(Rule.N7, calm));
    }

    @Test
    void eightBeyondOneSigmaCountsTheEighthPointBack() {
        // Nelson (1984) test 8: eight points in a row beyond 1σ on either side; the oldest of these
        // eight is at 0.5σ, so only seven are beyond: no signal
        assertFalse(fires(Rule.N8, 0.5, -1.5, 1.2, -1.1, 2, -2, 1.1, -1.3));
        assertTrue(fires(Rule.N8, 0.5, -1.5, 1.2, -1.1, 2, -2, 1.1, -1.3, 1.4), "the ninth point completes eight");
    }

    @Test
    void reportsOnlyTheRulesInTheMask() {
        int hits = hitsAtLast(Rule.westernElectric(), 3.5);
        assertEquals(Rule.WE1.bit(), hits);
        assertEquals(0, hitsAtLast(0, 3.5));
        assertEquals(Rule.N1.bit() | Rule.N5.bit(), hitsAtLast(Rule.nelson(), 2.5, 3.5));
    }

    @Test
    void standardisesWithCentreLineAndPointSigma() {
        PointHistory h = new PointHistory();
        h.push(10.31);
        assertEquals(Rule.WE1.bit(), RunRules.evaluate(h, 10, 0.1, Rule.westernElectric()));
        h.push(10.29);
        assertEquals(0, RunRules.evaluate(h, 10, 0.1, Rule.WE1.bit()));
    }

    @Test
    void judgesEachSubgroupAgainstTheZonesOfItsOwnSize() {
        // Montgomery §6.3.2 (standardized chart): a mean of 2 at 1.3σ from the CL is 1.84 of its own
        // sigmas, inside 2σ, although a mean of 5 at the same distance (2.91) is beyond
        PointHistory h = new PointHistory();
        h.push(1.3, 2);
        h.push(1.3, 5);
        assertEquals(0, RunRules.evaluate(h, 0, 1, Rule.WE2.bit()));
        PointHistory beyond = new PointHistory();
        beyond.push(1.5, 2); // 2.12 of its own sigmas
        beyond.push(1.3, 5);
        assertEquals(Rule.WE2.bit(), RunRules.evaluate(beyond, 0, 1, Rule.WE2.bit()));
    }

    @Test
    void pointsFromStateWithoutSizesTakeTheNewestPointsSize() {
        PointHistory h = new PointHistory();
        h.push(1.3, 5);
        java.util.Arrays.fill(h.rootSizes, 0); // as restored from a savepoint written before sizes were kept
        h.push(1.3, 5);
        assertEquals(Rule.WE2.bit(), RunRules.evaluate(h, 0, 1, Rule.WE2.bit()));
    }
}
