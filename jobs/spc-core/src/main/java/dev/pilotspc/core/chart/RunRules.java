package dev.pilotspc.core.chart;

import dev.pilotspc.core.config.Rule;

/**
 * Western Electric, Nelson and AIAG run rules at the newest point of a chart (Western Electric
 * Statistical Quality Control Handbook, 1956; Nelson, JQT 16(4), 1984; AIAG SPC manual, 2nd ed.).
 *
 * <p>Conventions (CONTRACT.md §3): zone rules count points on the same side as the newest point,
 * which must itself lie beyond the zone, and may fire before the full look-back exists (Champ and
 * Woodall's run-length model); run and trend rules fire at every point that completes a run.
 * Boundaries are strict: a point exactly on a zone line is not beyond it, up to rounding error
 * ({@link Compare}). With subgroups of
 * different sizes each point is judged against its own zones (σ/√n of its own n, as on Montgomery's
 * standardized chart, §6.3.2); runs and trends compare the plotted values themselves.
 */
public final class RunRules {

    private RunRules() {
    }

    /**
     * Rules of {@code mask} violated at the newest point of {@code history}, given the centre line
     * and the standard deviation σ of one measurement (a point of n measurements has σ/√n).
     */
    public static int evaluate(PointHistory history, double cl, double sigma, int mask) {
        int size = history.size;
        if (size == 0 || (mask & Rule.RUN_RULES_MASK) == 0) {
            return 0;
        }
        double x0 = history.get(0);
        double sigma0 = sigmaAt(history, 0, sigma);
        int side = Compare.sign(x0, cl);
        int hits = 0;

        if (beyond(x0, cl, sigma0, side, 3)) {
            hits |= mask & (Rule.WE1.bit() | Rule.N1.bit());
        }
        if ((mask & (Rule.WE2.bit() | Rule.N5.bit())) != 0 && beyond(x0, cl, sigma0, side, 2)
                && countBeyond(history, cl, sigma, side, 2, 3) >= 2) {
            hits |= mask & (Rule.WE2.bit() | Rule.N5.bit());
        }
        if ((mask & (Rule.WE3.bit() | Rule.N6.bit())) != 0 && beyond(x0, cl, sigma0, side, 1)
                && countBeyond(history, cl, sigma, side, 1, 5) >= 4) {
            hits |= mask & (Rule.WE3.bit() | Rule.N6.bit());
        }
        if (side != 0 && (mask & (Rule.A2.bit() | Rule.WE4.bit() | Rule.N2.bit())) != 0) {
            int run = sameSideRun(history, cl, side, 9);
            if (run >= 7) {
                hits |= mask & Rule.A2.bit();
            }
            if (run >= 8) {
                hits |= mask & Rule.WE4.bit();
            }
            if (run >= 9) {
                hits |= mask & Rule.N2.bit();
            }
        }
        if (Rule.N3.in(mask) && size >= 6 && isMonotone(history, 6)) {
            hits |= Rule.N3.bit();
        }
        if (Rule.N4.in(mask) && size >= 14 && isAlternating(history, 14)) {
            hits |= Rule.N4.bit();
        }
        if (Rule.N7.in(mask) && size >= 15 && allWithin(history, cl, sigma, 15)) {
            hits |= Rule.N7.bit();
        }
        if (Rule.N8.in(mask) && size >= 8 && allOutside(history, cl, sigma, 8)) {
            hits |= Rule.N8.bit();
        }
        return hits;
    }

    /**
     * Whether {@code x} lies beyond the line {@code zone} point sigmas from the centre line on
     * {@code side} (1 above, −1 below, 0 on the centre line: never beyond). Strict, up to rounding
     * error ({@link Compare}); a zero sigma puts the line on the centre line.
     */
    public static boolean beyond(double x, double cl, double sigmaX, int side, double zone) {
        if (side > 0) {
            return Compare.above(x, cl + zone * sigmaX);
        }
        return side < 0 && Compare.below(x, cl - zone * sigmaX);
    }

    /** Whether {@code x} lies beyond either control limit {@code cl ± 3 sigmaX}. */
    public static boolean beyondLimits(double x, double cl, double sigmaX) {
        return beyond(x, cl, sigmaX, Compare.sign(x, cl), 3);
    }

    /** The point sigma of the k-th most recent point: σ/√n of its own n. */
    private static double sigmaAt(PointHistory h, int k, double sigma) {
        double root = h.rootSize(k);
        return root == 1 ? sigma : sigma / root; // individuals: no division per look-back
    }

    private static int countBeyond(PointHistory h, double cl, double s, int side, double zone, int window) {
        int count = 0;
        for (int k = 0, last = Math.min(window, h.size); k < last; k++) {
            if (beyond(h.get(k), cl, sigmaAt(h, k, s), side, zone)) {
                count++;
            }
        }
        return count;
    }

    private static int sameSideRun(PointHistory h, double cl, int side, int cap) {
        int run = 0;
        while (run < cap && run < h.size && Compare.sign(h.get(run), cl) == side) {
            run++;
        }
        return run;
    }

    private static boolean isMonotone(PointHistory h, int points) {
        int firstStep = Compare.sign(h.get(0), h.get(1));
        if (firstStep == 0) {
            return false;
        }
        for (int k = 1; k < points - 1; k++) {
            if (Compare.sign(h.get(k), h.get(k + 1)) != firstStep) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlternating(PointHistory h, int points) {
        int previous = Compare.sign(h.get(0), h.get(1));
        if (previous == 0) {
            return false;
        }
        for (int k = 1; k < points - 1; k++) {
            int step = Compare.sign(h.get(k), h.get(k + 1));
            if (step != -previous) {
                return false;
            }
            previous = step;
        }
        return true;
    }

    /** Within one sigma strictly (on the centre line counts, also with a zero sigma). */
    private static boolean allWithin(PointHistory h, double cl, double s, int points) {
        for (int k = 0; k < points; k++) {
            double x = h.get(k);
            double sigmaK = sigmaAt(h, k, s);
            if (Compare.sign(x, cl) != 0 && !(Compare.below(x, cl + sigmaK) && Compare.above(x, cl - sigmaK))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allOutside(PointHistory h, double cl, double s, int points) {
        for (int k = 0; k < points; k++) {
            double x = h.get(k);
            if (!beyond(x, cl, sigmaAt(h, k, s), Compare.sign(x, cl), 1)) {
                return false;
            }
        }
        return true;
    }
}
