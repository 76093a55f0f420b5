package dev.pilotspc.core.capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.MonitorFixtures;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NormalityTest {

    @Test
    void pValuesMatchTheTabledPercentagePoints() {
        // D'Agostino and Stephens, Goodness-of-Fit Techniques (1986), Table 4.7, case 3 (mean and
        // variance estimated): modified A² of 0.631, 0.752 and 1.035 at the 10 %, 5 % and 1 % levels
        assertEquals(0.10, Normality.pValue(0.631), 0.003);
        assertEquals(0.05, Normality.pValue(0.752), 0.001);
        assertEquals(0.01, Normality.pValue(1.035), 0.0003);
        // the four pieces of Table 4.9 join up
        for (double a : new double[] {0.2, 0.34, 0.6}) {
            assertEquals(Normality.pValue(a - 1e-9), Normality.pValue(a + 1e-9), 0.005, "at " + a);
        }
        assertEquals(0, Normality.pValue(200));
    }

    @Test
    void pistonRingDiametersLookNormal() {
        // Montgomery (7th ed.) Table 6.3, all 125 diameters; A² = 0.19333225380232477 from
        // scipy.stats.anderson 1.17 (mean and sample standard deviation), p from Table 4.9
        double[] rings = Arrays.stream(MonitorFixtures.PISTON_RINGS).flatMapToDouble(Arrays::stream).toArray();
        Normality.AndersonDarling ad = Normality.andersonDarling(rings);
        assertEquals(125, ad.n());
        assertEquals(0.19333225380232477, ad.a2(), 1e-12);
        assertEquals(0.19333225380232477 * (1 + 0.75 / 125 + 2.25 / (125.0 * 125)), ad.a2Modified(), 1e-12);
        assertEquals(0.8922291981796694, ad.pValue(), 1e-9);
        // the test does not depend on the level or the scale of the values
        Normality.AndersonDarling shifted = Normality.andersonDarling(Arrays.stream(rings).map(v -> 1e6 + 1000 * (v - 74)).toArray());
        assertEquals(ad.a2(), shifted.a2(), 1e-9);
    }

    @Test
    void skewedValuesDoNotLookNormal() {
        // 0.1·i² for i = 1..30: scipy.stats.anderson 1.17 gives A² = 0.9512721711847085
        double[] squares = IntStream.rangeClosed(1, 30).mapToDouble(i -> 0.1 * i * i).toArray();
        Normality.AndersonDarling ad = Normality.andersonDarling(squares);
        assertEquals(0.9512721711847085, ad.a2(), 1e-12);
        assertEquals(0.014000108090191112, ad.pValue(), 1e-9);
        assertTrue(ad.pValue() < 0.05);
    }

    @Test
    void needsEightValuesWithSomeSpread() {
        assertNull(Normality.andersonDarling(new double[] {1, 2, 3, 4, 5, 6, 7}));
        assertNull(Normality.andersonDarling(new double[] {5, 5, 5, 5, 5, 5, 5, 5, 5}));
        // one value far out among equal ones: far from normal
        double[] outlier = new double[40];
        outlier[39] = 1e300;
        assertTrue(Normality.andersonDarling(outlier).pValue() < 1e-6);
        // beyond the doubles' range apart: not testable
        assertNull(Normality.andersonDarling(new double[] {-1e308, 1e308, 0, 0, 0, 0, 0, 0, 1}));
    }
}
