package dev.pilotspc.core.capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.result.CapabilityResult;
import dev.pilotspc.core.result.Tags;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Random;
import java.util.Set;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

class CapabilityTest {

    private static final Tags TAGS = new Tags("bore", "B1", null, null);
    private static final double NONE = Double.NaN;

    /** An even number of points µ ± a with sample mean µ and sample standard deviation s exactly. */
    private static Capability withMeanAndSd(double mean, double sd, int n, double lsl, double usl) {
        double a = sd * Math.sqrt((n - 1.0) / n);
        Capability c = new Capability();
        for (int i = 0; i < n / 2; i++) {
            c.add(mean - a, lsl, usl);
            c.add(mean + a, lsl, usl);
        }
        return c;
    }

    private static CapabilityResult result(Capability c, double sigmaWithin, double target, double lsl, double usl) {
        return c.result(42L, TAGS, sigmaWithin, target, lsl, usl);
    }

    @Test
    void returnsNullBeforeTwoMeasurements() {
        Capability c = new Capability();
        assertNull(result(c, 1, NONE, 0, 10));
        c.add(5, 0, 10);
        assertNull(result(c, 1, NONE, 0, 10));
        c.add(6, 0, 10);
        assertEquals(2, result(c, 1, NONE, 0, 10).n());
    }

    @Test
    void cpConfidenceBoundMatchesMontgomeryChiSquareExample() {
        // Montgomery, Introduction to SQC, ch. 8, confidence intervals on capability ratios:
        // USL = 62, LSL = 38, n = 20, s = 1.75 → Ĉp = 2.29 and 1.57 ≤ Cp ≤ 3.01 (two decimals),
        // using χ²_{0.975,19} = 8.91 (upper-tail notation; the table gives 3 significant digits).
        CapabilityResult r = result(withMeanAndSd(50, 1.75, 20, 38, 62), 1.75, NONE, 38, 62);
        assertEquals(2.29, r.cp(), 0.005);
        assertEquals(2.29, r.pp(), 0.005);
        assertEquals(8.91, Capability.chiSquare025(19), 0.005);
        assertEquals(1.57, Capability.cpLowerBound(2.29, 20), 0.005);
        // Unrounded Ĉp = 2.2857 gives 1.5649: within the book's rounding of Ĉp.
        assertEquals(1.57, r.cpLcl(), 0.01);
        assertEquals(Capability.cpLowerBound(r.cp(), 20), r.cpLcl(), 1e-15);
    }

    @Test
    void cpkConfidenceBoundMatchesMontgomeryBissellExample() {
        // Montgomery, Introduction to SQC, ch. 8 (Bissell 1990 interval): n = 20, Ĉpk = 1.33
        // → 0.88 ≤ Cpk ≤ 1.78. Same form in Rodriguez 1992, J. Quality Technology 24(4).
        assertEquals(0.88, Capability.bissellLowerBound(1.33, 20), 0.005);
    }

    @Test
    void indicesMatchNistHandbookExample() {
        // NIST/SEMATECH e-Handbook 6.1.6: USL = 20, LSL = 8, µ = 16, σ = 2 → Cp = 1.00, Cpk = 0.6667.
        CapabilityResult r = result(withMeanAndSd(16, 2, 40, 8, 20), 2, NONE, 8, 20);
        assertEquals(1.00, r.cp(), 5e-5);
        assertEquals(0.6667, r.cpk(), 5e-5);
        assertEquals(0.6667, r.cpu(), 5e-5);
        assertEquals(1.3333, r.cpl(), 5e-5);
        assertEquals(1.00, r.pp(), 5e-5);
        assertEquals(0.6667, r.ppk(), 5e-5);
        assertEquals(Capability.bissellLowerBound(r.cpk(), 40), r.cpkLcl(), 1e-15);
        assertEquals(Capability.bissellLowerBound(r.ppk(), 40), r.ppkLcl(), 1e-15);
    }

    @Test
    void cpmPenalisesOffTargetProcessLikeMontgomeryExample() {
        // Montgomery, Introduction to SQC, ch. 8 (Cpm): LSL = 35, USL = 65, T = 50. Process A
        // (µ = 50, σ = 5) and B (µ = 57.5, σ = 2.5) both have Cpk = 1.0; Cpm_A = 1.0, Cpm_B = 0.63.
        CapabilityResult a = result(withMeanAndSd(50, 5, 20, 35, 65), 5, 50, 35, 65);
        assertEquals(1.0, a.cpk(), 1e-9);
        assertEquals(1.0, a.cpm(), 1e-9);
        CapabilityResult b = result(withMeanAndSd(57.5, 2.5, 20, 35, 65), 2.5, 50, 35, 65);
        assertEquals(2.0, b.cp(), 1e-9);
        assertEquals(1.0, b.cpk(), 1e-9);
        assertEquals(0.63, b.cpm(), 0.005);
    }

    @Test
    void ppmExpectedMatchesMontgomeryFalloutTable() {
        // Montgomery, Introduction to SQC, ch. 8, fallout of a centred normal process: Cp = 1.00
        // → 2700 ppm with two limits, 1350 ppm with one (integers).
        CapabilityResult two = result(withMeanAndSd(50, 2, 20, 44, 56), 2, NONE, 44, 56);
        assertEquals(2700, two.ppmExpected(), 0.5);
        CapabilityResult one = result(withMeanAndSd(50, 2, 20, NONE, 56), 2, NONE, NONE, 56);
        assertEquals(1350, one.ppmExpected(), 0.5);
    }

    @Test
    void ppmExpectedUsesOverallSigmaAndWithinVariantUsesChartSigma() {
        CapabilityResult r = result(withMeanAndSd(10, 2, 30, 5, 16), 1.5, NONE, 5, 16);
        double overall = 0.5 * Erf.erfc(5 / 2.0 / Math.sqrt(2)) + 0.5 * Erf.erfc(6 / 2.0 / Math.sqrt(2));
        double within = 0.5 * Erf.erfc(5 / 1.5 / Math.sqrt(2)) + 0.5 * Erf.erfc(6 / 1.5 / Math.sqrt(2));
        assertEquals(1e6 * overall, r.ppmExpected(), 1e-9 * r.ppmExpected());
        assertEquals(1e6 * within, r.ppmExpectedWithin(), 1e-9 * r.ppmExpectedWithin());
    }

    @Test
    void normalTailAgreesWithCommonsMathErfc() {
        for (double z = -8; z <= 37; z += 0.0137) {
            double exact = 0.5 * Erf.erfc(z / Math.sqrt(2));
            assertEquals(exact, Capability.upperTail(z), 1e-11 * exact, "z = " + z);
        }
        assertEquals(0, Capability.upperTail(40));
        assertEquals(1, Capability.upperTail(-40));
    }

    @Test
    void chiSquareQuantileIsExactToDoublePrecisionForAnyDegreesOfFreedom() {
        // table below 100, Newton-refined above (both sides of the switch), Wilson–Hilferty beyond 10⁶
        long[] dfs = {1, 2, 3, 10, 29, 98, 99, 100, 101, 150, 499, 1000, 2345, 10_000, 65_536, 65_537, 123_457,
            999_999, 1_000_000, 1_000_001, 5_000_000};
        for (long df : dfs) {
            double exact = new ChiSquaredDistribution(null, df, 1e-17).inverseCumulativeProbability(0.025);
            double tolerance = df > Capability.CHI2_NEWTON_MAX_DF ? 5e-11 : 1e-12;
            assertEquals(exact, Capability.chiSquare025(df), tolerance * exact, "df = " + df);
            assertEquals(exact, Capability.chiSquare025(df), tolerance * exact, "df = " + df + ", remembered");
        }
        // NIST/SEMATECH e-Handbook 1.3.6.7.4, lower critical values (0.025): ν = 100 → 74.222
        assertEquals(74.222, Capability.chiSquare025(100), 5e-4);
    }

    @Test
    void indicesUnchangedWhenDataAndSpecShiftOrScaleTogether() {
        double[] data = new Random(7).doubles(50).map(u -> 10 + 0.4 * (u - 0.5)).toArray();
        CapabilityResult base = transformed(data, 1, 0);
        for (double[] t : new double[][] {{1, 1000}, {1, -37.5}, {0.01, 0}, {250, 3}}) {
            CapabilityResult r = transformed(data, t[0], t[1]);
            String at = "scale " + t[0] + ", shift " + t[1];
            assertEquals(base.mean() * t[0] + t[1], r.mean(), 1e-9 * Math.abs(r.mean()) + 1e-12, at);
            assertEquals(base.sigmaOverall() * t[0], r.sigmaOverall(), 1e-9 * r.sigmaOverall(), at);
            for (RecordComponent rc : CapabilityResult.class.getRecordComponents()) {
                boolean dimensionless = rc.getType() == Double.class && !rc.getName().equals("sigmaWithin");
                if (dimensionless || rc.getName().startsWith("ppm")) {
                    double expected = ((Number) value(rc, base)).doubleValue();
                    double actual = ((Number) value(rc, r)).doubleValue();
                    assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)), at + ": " + rc.getName());
                }
            }
        }
    }

    private static CapabilityResult transformed(double[] data, double k, double c) {
        double lsl = 9.7 * k + c;
        double usl = 10.4 * k + c;
        Capability cap = new Capability();
        for (double x : data) {
            cap.add(x * k + c, lsl, usl);
        }
        return cap.result(1L, TAGS, 0.11 * k, 10.05 * k + c, lsl, usl);
    }

    @Test
    void upperLimitOnlyGivesUpperIndices() {
        CapabilityResult r = result(withMeanAndSd(10, 1, 20, NONE, 13), 1, 10, NONE, 13);
        assertEquals(1.0, r.cpu(), 1e-12);
        assertEquals(r.cpu(), r.cpk());
        assertEquals(1.0, r.ppk(), 1e-12);
        assertTrue(Double.isNaN(r.cpl()));
        assertTrue(Double.isNaN(r.cp()));
        assertTrue(Double.isNaN(r.pp()));
        assertTrue(Double.isNaN(r.cpm()));
        assertTrue(Double.isNaN(r.cpLcl()));
        assertFalse(Double.isNaN(r.cpkLcl()));
        assertFalse(Double.isNaN(r.ppkLcl()));
        assertEquals(1350, r.ppmExpected(), 0.5);
    }

    @Test
    void lowerLimitOnlyGivesLowerIndices() {
        CapabilityResult r = result(withMeanAndSd(10, 1, 20, 7, NONE), 1, 10, 7, NONE);
        assertEquals(1.0, r.cpl(), 1e-12);
        assertEquals(r.cpl(), r.cpk());
        assertEquals(1.0, r.ppk(), 1e-12);
        assertTrue(Double.isNaN(r.cpu()));
        assertTrue(Double.isNaN(r.cp()));
        assertTrue(Double.isNaN(r.pp()));
        assertTrue(Double.isNaN(r.cpm()));
        assertTrue(Double.isNaN(r.cpLcl()));
        assertEquals(1350, r.ppmExpected(), 0.5);
    }

    @Test
    void noSpecLimitGivesNoIndexAndNoPpm() {
        // out-of-spec fractions need a spec: absent, not 0 ("no defects")
        CapabilityResult r = result(withMeanAndSd(10, 1, 20, NONE, NONE), 1, 10, NONE, NONE);
        assertTrue(Double.isNaN(r.cpk()) && Double.isNaN(r.ppk()) && Double.isNaN(r.cp()));
        assertTrue(Double.isNaN(r.ppmExpected()));
        assertTrue(Double.isNaN(r.ppmObserved()));
        assertTrue(Double.isNaN(r.ppmExpectedWithin()));
        assertEquals(1, r.sigmaOverall(), 1e-12);
    }

    @Test
    void ppmObservedCountsOnlyValuesStrictlyBeyondTheLimits() {
        Capability c = new Capability();
        for (double x : new double[] {5, 5.5, 4.5, 6, 4, 1, 2, 9, 3, 7}) { // 3 and 7 sit on the limits
            c.add(x, 3, 7);
        }
        c.add(8, NONE, NONE); // a batch without limits at that time counts nothing
        CapabilityResult r = result(c, 1, NONE, 3, 7);
        assertEquals(11, r.n());
        assertEquals(1e6 * 3 / 11, r.ppmObserved(), 1e-9);
        assertEquals(2, c.belowLsl);
        assertEquals(1, c.aboveUsl);
    }

    @Test
    void welfordKeepsPrecisionAtLargeOffset() {
        // Σx² − n·x̄² would lose every digit here: x² ≈ 1e12 while the variance is 1e-6.
        Random random = new Random(3);
        int n = 10_000;
        double[] deviations = new double[n];
        Capability c = new Capability();
        for (int i = 0; i < n; i++) {
            double x = 1e6 + 1e-3 * random.nextGaussian();
            deviations[i] = x - 1e6; // exact (Sterbenz), so the reference sees the same data
            c.add(x, NONE, NONE);
        }
        double mean = 0;
        for (double d : deviations) {
            mean += d;
        }
        mean /= n;
        double ss = 0;
        for (double d : deviations) {
            ss += (d - mean) * (d - mean);
        }
        CapabilityResult r = result(c, NONE, NONE, NONE, NONE);
        assertEquals(1e6 + mean, r.mean(), 1e-9);
        // ulp(1e6) ≈ 1.2e-10 is 1e-7 of the noise: the running mean cannot do better than that.
        assertEquals(Math.sqrt(ss / (n - 1)), r.sigmaOverall(), 1e-7 * r.sigmaOverall());
    }

    @Test
    void constantDataNeverYieldsNanOrInfinity() {
        for (double level : new double[] {5, 7, 6}) { // inside, outside, exactly on USL
            Capability c = new Capability();
            for (int i = 0; i < 10; i++) {
                c.add(level, 4, 6);
            }
            CapabilityResult r = result(c, 0, 5, 4, 6);
            assertEquals(0, r.sigmaOverall());
            assertTrue(Double.isNaN(r.cp()));
            assertTrue(Double.isNaN(r.cpk()));
            assertTrue(Double.isNaN(r.pp()));
            assertTrue(Double.isNaN(r.ppk()));
            assertTrue(Double.isNaN(r.cpm()));
            assertTrue(Double.isNaN(r.ppkLcl()));
            double outside = level > 6 ? 1e6 : 0;
            assertEquals(outside, r.ppmExpected());
            assertEquals(outside, r.ppmExpectedWithin());
            assertEquals(outside, r.ppmObserved());
            assertAllFinite(r);
        }
    }

    @Test
    void unknownWithinSigmaLeavesOnlyOverallIndices() {
        CapabilityResult r = result(withMeanAndSd(10, 1, 20, 7, 13), NONE, 10, 7, 13);
        assertTrue(Double.isNaN(r.cp()));
        assertTrue(Double.isNaN(r.cpk()));
        assertTrue(Double.isNaN(r.cpu()));
        assertTrue(Double.isNaN(r.cpl()));
        assertTrue(Double.isNaN(r.cpm()));
        assertTrue(Double.isNaN(r.cpLcl()));
        assertTrue(Double.isNaN(r.cpkLcl()));
        assertTrue(Double.isNaN(r.ppmExpectedWithin()));
        assertEquals(1.0, r.pp(), 1e-12);
        assertEquals(1.0, r.ppk(), 1e-12);
        assertFalse(Double.isNaN(r.ppkLcl()));
    }

    @Test
    void keepsItsDigitsFarFromZero() {
        // 1e6 ± 1e-4: Welford on x itself rounds the running mean at ulp(1e6) ≈ 1.2e-10 and lost six
        // digits of sigma; the same readings less 1e6 (exact: Sterbenz) are the reference
        Random random = new Random(11);
        Capability far = new Capability();
        Capability near = new Capability();
        double lsl = 1e6 - 1e-3;
        double usl = 1e6 + 1e-3;
        double[] x = new double[300];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1e6 + 1e-4 * random.nextGaussian();
            far.add(x[i], lsl, usl);
            near.add(x[i] - 1e6, lsl - 1e6, usl - 1e6);
            CapabilityResult a = far.result(0, TAGS, Double.NaN, Double.NaN, lsl, usl);
            CapabilityResult b = near.result(0, TAGS, Double.NaN, Double.NaN, lsl - 1e6, usl - 1e6);
            if (i == 0) {
                continue;
            }
            assertEquals(b.sigmaOverall(), a.sigmaOverall(), 1e-13 * b.sigmaOverall(), "sigma at " + i);
            assertEquals(b.ppk(), a.ppk(), 1e-9 * Math.abs(b.ppk()), "ppk at " + i);
            assertEquals(b.mean() + 1e6, a.mean(), 2 * Math.ulp(1e6), "mean at " + i);
        }
        // two readings: |x1 − x2|/√2
        Capability two = new Capability();
        two.add(1000000.000000123, Double.NaN, Double.NaN);
        two.add(1000000.0000298745, Double.NaN, Double.NaN);
        double exact = (1000000.0000298745 - 1000000.000000123) / Math.sqrt(2);
        assertEquals(exact, two.result(0, TAGS, Double.NaN, Double.NaN, Double.NaN, Double.NaN).sigmaOverall(), 1e-15 * exact);
    }

    @Test
    void ignoresNonFiniteMeasurements() {
        Capability c = new Capability();
        c.add(Double.NaN, 0, 10);
        c.add(Double.POSITIVE_INFINITY, 0, 10);
        c.add(1, 0, 10);
        c.add(3, 0, 10);
        assertEquals(2, c.count);
        assertEquals(2, c.origin + c.mean);
        assertEquals(0, c.aboveUsl);
    }

    @Test
    void isAFlinkPojo() throws Exception {
        assertTrue(Modifier.isPublic(Capability.class.getConstructor().getModifiers()));
        for (Field f : Capability.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (!Modifier.isStatic(m)) {
                assertTrue(Modifier.isPublic(m) && !Modifier.isFinal(m), f.getName());
                assertTrue(f.getType().isPrimitive(), f.getName());
            }
        }
    }

    /** Every value finite, except that NaN (absent) is allowed where a component may be absent. */
    private static void assertAllFinite(CapabilityResult r) {
        Set<String> alwaysPresent = Set.of("mean", "sigmaOverall", "ppmExpected", "ppmObserved");
        for (RecordComponent rc : CapabilityResult.class.getRecordComponents()) {
            if (value(rc, r) instanceof Double d) {
                boolean absent = Double.isNaN(d) && !alwaysPresent.contains(rc.getName());
                assertTrue(absent || Double.isFinite(d), rc.getName() + " = " + d);
            }
        }
    }

    private static Object value(RecordComponent rc, CapabilityResult r) {
        try {
            return rc.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
