package dev.pilotspc.core.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EwmaCusumTest {

    /** NIST/SEMATECH e-Handbook of Statistical Methods, 6.3.2.4 "EWMA Control Charts", sample data. */
    private static final double[] NIST_EWMA_DATA = {
        52.0, 47.0, 53.0, 49.3, 50.1, 47.0, 51.0, 50.1, 51.2, 50.5,
        49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1};

    /** The EWMA column of the same e-Handbook table (2 decimals). */
    private static final double[] NIST_EWMA_VALUES = {
        50.60, 49.52, 50.56, 50.18, 50.16, 49.21, 49.75, 49.85, 50.26, 50.33,
        50.11, 49.36, 49.52, 50.05, 49.38, 49.92, 50.73, 51.23, 51.94, 51.99};

    @Test
    void reproducesTheNistEwmaExample() {
        Ewma ewma = new Ewma(0.3, 3);
        ewma.reset(50);
        for (int i = 0; i < NIST_EWMA_DATA.length; i++) {
            boolean signal = ewma.update(NIST_EWMA_DATA[i], 50, 2.0539);
            assertEquals(NIST_EWMA_VALUES[i], ewma.z, 0.005 + 1e-9, "EWMA at sample " + (i + 1));
            // "The control chart ... shows that the process was in control" until the last samples
            assertFalse(signal && i < 18, "no signal before sample 19");
        }
        // the asymptotic limits of the e-Handbook: 52.5884 and 47.4115
        assertEquals(52.5884, ewma.ucl, 5e-4);
        assertEquals(47.4115, ewma.lcl, 5e-4);
    }

    @Test
    void ewmaLimitsWidenFromTheFirstPoint() {
        // Montgomery (7th ed.) eq. 9.24: at i = 1 the width is Lσ·λ (since 1 − (1 − λ)² = λ(2 − λ))
        Ewma ewma = new Ewma(0.1, 2.7);
        ewma.reset(10);
        ewma.update(10, 10, 1);
        assertEquals(10 + 2.7 * 0.1, ewma.ucl, 1e-12);
        for (int i = 0; i < 500; i++) {
            ewma.update(10, 10, 1);
        }
        assertEquals(10 + 2.7 * Math.sqrt(0.1 / 1.9), ewma.ucl, 1e-12);
    }

    /** Montgomery, Introduction to SQC (6th/7th ed.), Example 9.1 / Table 9.1: μ0 = 10, σ = 1, k = 0.5, h = 5. */
    private static final double[] MONTGOMERY_9_1 = {
        9.45, 7.99, 9.29, 11.66, 12.16, 10.18, 8.04, 11.46, 9.20, 10.34,
        9.03, 11.47, 10.51, 9.40, 10.08, 9.37, 10.62, 10.31, 8.52, 10.84,
        10.90, 9.33, 12.29, 11.50, 10.60, 11.08, 10.38, 11.62, 11.31, 10.52};

    @Test
    void reproducesMontgomeryTabularCusum() {
        Cusum cusum = new Cusum(0.5, 5, 0);
        cusum.reset(1);
        int firstSignal = -1;
        double[] hi = new double[30];
        double[] lo = new double[30];
        for (int i = 0; i < 30; i++) {
            if (cusum.update(MONTGOMERY_9_1[i], 10, 1) && firstSignal < 0) {
                firstSignal = i + 1;
            }
            hi[i] = cusum.hi;
            lo[i] = cusum.lo;
        }
        // Table 9.2: C+ 29 = 5.28 first exceeds H = 5; C+ 30 = 5.30; C- 1 = 0.05, C- 2 = 1.56
        assertEquals(29, firstSignal);
        assertEquals(5.28, hi[28], 1e-9);
        assertEquals(5.30, hi[29], 1e-9);
        assertEquals(1.16, hi[3], 1e-9);
        assertEquals(0.05, lo[0], 1e-9);
        assertEquals(1.56, lo[1], 1e-9);
        assertEquals(0, lo[29], 1e-9);
    }

    @Test
    void headStartBeginsAtAFractionOfTheDecisionInterval() {
        Cusum cusum = new Cusum(0.5, 4, 0.5);
        cusum.reset(2);
        assertEquals(4, cusum.hi, 1e-12); // h·σ/2 = 4·2/2
        assertEquals(4, cusum.lo, 1e-12);
        assertTrue(cusum.update(10 + 2 * 2.6, 10, 2), "4 + 5.2 − 1 = 8.2 > H = 8");
    }
}
