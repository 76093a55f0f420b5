package dev.pilotspc.core.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.bench.StandardNormal;
import dev.pilotspc.core.config.Rule;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Monte-Carlo zero-state average run lengths with known mean and sigma, fixed seeds, against the
 * published values. Tolerances are about 4 standard errors of the estimate: a chart with the wrong
 * width, side convention or decision rule misses them by far more.
 */
class RunLengthTest {

    private static final int CAP = 100_000;

    /** Points until the first signal of the X-chart rules in {@code mask}, N(shift, 1) data. */
    private static double shewhartArl(int mask, double shift, int runs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long total = 0;
        for (int r = 0; r < runs; r++) {
            PointHistory history = new PointHistory();
            int n = 0;
            do {
                history.push(shift + StandardNormal.next(random));
                n++;
            } while (RunRules.evaluate(history, 0, 1, mask) == 0 && n < CAP);
            total += n;
        }
        return (double) total / runs;
    }

    private static double ewmaArl(double lambda, double width, boolean asymptotic, double shift, int runs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long total = 0;
        for (int r = 0; r < runs; r++) {
            Ewma ewma = new Ewma(lambda, width);
            ewma.reset(0);
            if (asymptotic) {
                // the steady-state variance λ/(2 − λ) is a fixed point of V = (1 − λ)²V + λ²:
                // the asymptotic limits from the first point
                ewma.variance = lambda / (2 - lambda);
            }
            int n = 0;
            boolean signal;
            do {
                signal = ewma.update(shift + StandardNormal.next(random), 0, 1, 1);
                n++;
            } while (!signal && n < CAP);
            total += n;
        }
        return (double) total / runs;
    }

    private static double cusumArl(double k, double h, double shift, int runs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long total = 0;
        for (int r = 0; r < runs; r++) {
            Cusum cusum = new Cusum(k, h, 0);
            cusum.reset(1);
            int n = 0;
            boolean signal;
            do {
                signal = cusum.update(shift + StandardNormal.next(random), 0, 1);
                n++;
            } while (!signal && n < CAP);
            total += n;
        }
        return (double) total / runs;
    }

    @Test
    void shewhartThreeSigmaInControlArlIs370() {
        // 1 / 0.0027 = 370.4 (Montgomery, Introduction to SQC, §5.3.3); standard error ≈ 370/√4000 ≈ 5.9
        assertEquals(370.4, shewhartArl(Rule.WE1.bit(), 0, 4000, 11), 24);
    }

    @Test
    void shewhartOneSigmaShiftArlIs44() {
        // P(signal) = Φ(−2) + Φ(−4) = 0.02278 → ARL1 = 43.9 (Montgomery, Table 9.4 column "Shewhart")
        assertEquals(43.9, shewhartArl(Rule.WE1.bit(), 1, 3000, 12), 3.5);
    }

    @Test
    void allFourWesternElectricRulesInControlArlIs91_75() {
        // Champ and Woodall (1987), Technometrics 29(4): rules 1-4 together, ARL0 = 91.75
        assertEquals(91.75, shewhartArl(Rule.westernElectric(), 0, 4000, 13), 6);
    }

    @Test
    void cusumHalfSigmaFiveSigmaInControlArlIs465() {
        // Montgomery, Table 9.3 (two-sided, k = 0.5, h = 5): ARL0 = 465, ARL(1σ) = 10.4
        assertEquals(465, cusumArl(0.5, 5, 0, 2500, 14), 40);
        assertEquals(10.4, cusumArl(0.5, 5, 1, 3000, 15), 0.4);
    }

    @Test
    void cusumHalfSigmaFourSigmaInControlArlIs168() {
        // Montgomery, Table 9.3: h = 4 gives ARL0 = 168
        assertEquals(168, cusumArl(0.5, 4, 0, 3000, 16), 13);
    }

    @Test
    void ewmaPointTwoWithAsymptoticLimitsHasArl500() {
        // Lucas and Saccucci (1990), Technometrics 32(1), Table 3: λ = 0.2, L = 2.962 → ARL0 ≈ 500,
        // ARL(1σ) ≈ 10.5 (Montgomery Table 9.11)
        double arl0 = ewmaArl(0.2, 2.962, true, 0, 2500, 17);
        assertEquals(500, arl0, 42);
        assertEquals(10.5, ewmaArl(0.2, 2.962, true, 1, 3000, 18), 0.5);
    }

    @Test
    void exactTimeVaryingEwmaLimitsSignalALittleSooner() {
        // narrower limits at start-up add early false alarms (Montgomery §9.2: exact limits)
        double asymptotic = ewmaArl(0.2, 2.962, true, 0, 2500, 19);
        double exact = ewmaArl(0.2, 2.962, false, 0, 2500, 19);
        assertTrue(exact < asymptotic, exact + " < " + asymptotic);
        assertTrue(exact > 420, "only a little: " + exact);
    }
}
