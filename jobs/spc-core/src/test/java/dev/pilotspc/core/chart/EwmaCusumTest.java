package dev.pilotspc.core.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
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
            boolean signal = ewma.update(NIST_EWMA_DATA[i], 50, 2.0539, 1);
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
        ewma.update(10, 10, 1, 1);
        assertEquals(10 + 2.7 * 0.1, ewma.ucl, 1e-12);
        for (int i = 0; i < 500; i++) {
            ewma.update(10, 10, 1, 1);
        }
        assertEquals(10 + 2.7 * Math.sqrt(0.1 / 1.9), ewma.ucl, 1e-12);
    }

    @Test
    void ewmaLimitsFollowTheSubgroupSizes() {
        // Var(z_i) = σ²·Σ λ²(1 − λ)^{2(i−j)}/n_j, straight from z_i = λx̄_i + (1 − λ)z_{i−1} with
        // Var(x̄_j) = σ²/n_j; with one size n it is Montgomery's λ/(2 − λ)·(1 − (1 − λ)^{2i})·σ²/n (§9.2)
        double lambda = 0.2;
        double sigma = 1.5;
        Random random = new Random(9);
        Ewma constant = new Ewma(lambda, 3);
        Ewma varying = new Ewma(lambda, 3);
        constant.reset(0);
        varying.reset(0);
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            constant.update(0, 0, sigma, 4);
            double closedForm = lambda / (2 - lambda) * (1 - Math.pow(1 - lambda, 2 * i)) / 4;
            assertEquals(3 * sigma * Math.sqrt(closedForm), constant.ucl, 1e-12, "one size, point " + i);

            int size = 1 + random.nextInt(6);
            sizes.add(size);
            varying.update(0, 0, sigma, size);
            double sum = 0;
            for (int j = 1; j <= i; j++) {
                sum += lambda * lambda * Math.pow(1 - lambda, 2 * (i - j)) / sizes.get(j - 1);
            }
            assertEquals(3 * sigma * Math.sqrt(sum), varying.ucl, 1e-12, "sizes " + sizes);
            assertEquals(-varying.ucl, varying.lcl, 1e-15);
        }
    }

    @Test
    void aShortSubgroupWidensTheEwmaLimits() {
        // found by an independent cross-check: n = 5, 5, then a last subgroup of 2, λ = 0.2, L = 3,
        // σ = 1: V = 0.04/5, then 0.64·0.008 + 0.04/5, then 0.64·0.01312 + 0.04/2 = 0.0283968
        Ewma ewma = new Ewma(0.2, 3);
        ewma.reset(0);
        ewma.update(0, 0, 1, 5);
        ewma.update(0, 0, 1, 5);
        ewma.update(0, 0, 1, 2);
        assertEquals(3 * Math.sqrt(0.0283968), ewma.ucl, 1e-12);
        assertEquals(0.505541, ewma.ucl, 5e-7);
    }

    @Test
    void anEwmaSavedBeforeItsVarianceFieldContinuesExactly() {
        // a state written by the previous version has no variance (NaN here) but its point count:
        // for the one subgroup size that version assumed, the limits go on as if never interrupted
        Ewma uninterrupted = new Ewma(0.25, 3);
        uninterrupted.reset(10);
        for (int i = 0; i < 7; i++) {
            uninterrupted.update(10 + 0.1 * i, 10, 2, 3);
        }
        Ewma restored = new Ewma();
        restored.lambda = uninterrupted.lambda;
        restored.sigmas = uninterrupted.sigmas;
        restored.z = uninterrupted.z;
        restored.i = uninterrupted.i;
        assertTrue(Double.isNaN(restored.variance));
        for (int i = 0; i < 5; i++) {
            boolean a = uninterrupted.update(10.3, 10, 2, 3);
            boolean b = restored.update(10.3, 10, 2, 3);
            assertEquals(a, b);
            assertEquals(uninterrupted.ucl, restored.ucl, 1e-13);
            assertEquals(uninterrupted.z, restored.z, 0);
        }
    }

    @Test
    void cusumWithUnequalSubgroupsIsTheStandardizedCusum() {
        // Montgomery §9.1.6: y_i = (x̄_i − μ0)/(σ/√n_i), S⁺_i = max(0, y_i − k + S⁺_{i−1}), signal S > h;
        // the chart reports it in the data units of the current point: C = S·σ/√n_i, H = h·σ/√n_i
        double sigma = 2;
        double k = 0.5;
        double h = 4;
        Random random = new Random(21);
        Cusum cusum = new Cusum(k, h, 0.5);
        cusum.reset(sigma / Math.sqrt(5));
        double sHi = 0.5 * h;
        double sLo = 0.5 * h;
        int signals = 0;
        for (int i = 0; i < 2000; i++) {
            int n = 1 + random.nextInt(6);
            double sigmaX = sigma / Math.sqrt(n);
            double x = 100 + sigmaX * (random.nextGaussian() + (i / 100 % 2 == 1 ? 1.2 : 0));
            double y = (x - 100) / sigmaX;
            sHi = Math.max(0, y - k + sHi);
            sLo = Math.max(0, -y - k + sLo);
            boolean signal = cusum.update(x, 100, sigmaX);
            assertEquals(sHi > h || sLo > h, signal, "point " + i);
            assertEquals(sHi * sigmaX, cusum.hi, 1e-9 * Math.max(1, cusum.hi));
            assertEquals(sLo * sigmaX, cusum.lo, 1e-9 * Math.max(1, cusum.lo));
            signals += signal ? 1 : 0;
        }
        assertTrue(signals > 100 && signals < 1900, signals + " signals");
    }

    @Test
    void aCusumSavedBeforeItsScaleFieldContinuesInItsUnits() {
        Cusum restored = new Cusum();
        restored.k = 0.5;
        restored.h = 5;
        restored.hi = 1.5; // data units of the one point sigma the older version assumed
        assertTrue(Double.isNaN(restored.scale));
        restored.update(10.2, 10, 0.5);
        assertEquals(1.5 + 0.2 - 0.25, restored.hi, 1e-15);
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
