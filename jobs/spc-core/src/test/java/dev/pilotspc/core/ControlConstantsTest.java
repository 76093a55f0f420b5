package dev.pilotspc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ControlConstantsTest {

    @Test
    void matchesClosedFormsForPairs() {
        // n = 2: W = |X1 − X2| ~ half-normal with scale √2: E = 2/√π, Var = 2 − 4/π
        assertEquals(2 / Math.sqrt(Math.PI), ControlConstants.d2(2), 1e-10);
        assertEquals(Math.sqrt(2 - 4 / Math.PI), ControlConstants.d3(2), 1e-9);
        assertEquals(Math.sqrt(2 / Math.PI), ControlConstants.c4(2), 1e-15);
    }

    @Test
    void matchesMontgomeryAppendixVI() {
        // Montgomery, Introduction to Statistical Quality Control, Appendix VI (3-4 decimals)
        double[][] table = {
            // n, d2, d3, c4
            {3, 1.693, 0.888, 0.8862},
            {4, 2.059, 0.880, 0.9213},
            {5, 2.326, 0.864, 0.9400},
            {10, 3.078, 0.797, 0.9727},
            {25, 3.931, 0.708, 0.9896},
        };
        for (double[] row : table) {
            int n = (int) row[0];
            assertEquals(row[1], ControlConstants.d2(n), 5e-4, "d2(" + n + ")");
            assertEquals(row[2], ControlConstants.d3(n), 5e-4, "d3(" + n + ")");
            assertEquals(row[3], ControlConstants.c4(n), 5e-5, "c4(" + n + ")");
        }
    }

    @Test
    void matchesHarterFullPrecisionValues() {
        // Harter (1960) moments of the normal range, 6 decimals
        assertEquals(2.325929, ControlConstants.d2(5), 1e-6);
        assertEquals(0.864082, ControlConstants.d3(5), 1e-6);
        assertEquals(1.692569, ControlConstants.d2(3), 1e-6);
        assertEquals(0.888368, ControlConstants.d3(3), 1e-6);
    }

    @Test
    void rejectsSubgroupSizesOutsideTheTable() {
        assertThrows(IllegalArgumentException.class, () -> ControlConstants.d2(1));
        assertThrows(IllegalArgumentException.class, () -> ControlConstants.c4(26));
    }
}
