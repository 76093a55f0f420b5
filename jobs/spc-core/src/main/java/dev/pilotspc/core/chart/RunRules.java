package dev.pilotspc.core.chart;

import dev.pilotspc.core.config.Rule;

/**
 * Western Electric, Nelson and AIAG run rules at the newest point of a chart (Western Electric
 * Statistical Quality Control Handbook, 1956; Nelson, JQT 16(4), 1984; AIAG SPC manual, 2nd ed.).
 *
 * <p>Conventions (CONTRACT.md §3): zone rules count points on the same side as the newest point,
 * which must itself lie beyond the zone, and may fire before the full look-back exists (Champ and
 * Woodall's run-length model); run and trend rules fire at every point that completes a run.
 * Boundaries are strict: a point exactly on a zone line is not beyond it. With subgroups of
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
        double z0 = zAt(history, 0, cl, sigma);
        double side = Math.signum(z0);
        double absZ0 = Math.abs(z0);
        int hits = 0;

        if (absZ0 > 3) {
            hits |= mask & (Rule.WE1.bit() | Rule.N1.bit());
        }
        if (absZ0 > 2 && (mask & (Rule.WE2.bit() | Rule.N5.bit())) != 0
                && countBeyond(history, cl, sigma, side, 2, 3) >= 2) {
            hits |= mask & (Rule.WE2.bit() | Rule.N5.bit());
        }
        if (absZ0 > 1 && (mask & (Rule.WE3.bit() | Rule.N6.bit())) != 0
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

    /** Standardised distance from the centre line; a zero sigma puts any other value infinitely far. */
    public static double z(double x, double cl, double sigmaX) {
        double d = x - cl;
        if (d == 0) {
            return 0;
        }
        return d / sigmaX;
    }

    /** The k-th most recent point's distance from the centre line in its own sigmas. */
    private static double zAt(PointHistory h, int k, double cl, double sigma) {
        double root = h.rootSize(k);
        return z(h.get(k), cl, root == 1 ? sigma : sigma / root); // individuals: no division per look-back
    }

    private static int countBeyond(PointHistory h, double cl, double s, double side, double zone, int window) {
        int count = 0;
        for (int k = 0, last = Math.min(window, h.size); k < last; k++) {
            if (side * zAt(h, k, cl, s) > zone) {
                count++;
            }
        }
        return count;
    }

    private static int sameSideRun(PointHistory h, double cl, double side, int cap) {
        int run = 0;
        while (run < cap && run < h.size && side * (h.get(run) - cl) > 0) {
            run++;
        }
        return run;
    }

    private static boolean isMonotone(PointHistory h, int points) {
        double firstStep = Math.signum(h.get(0) - h.get(1));
        if (firstStep == 0) {
            return false;
        }
        for (int k = 1; k < points - 1; k++) {
            if (Math.signum(h.get(k) - h.get(k + 1)) != firstStep) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlternating(PointHistory h, int points) {
        double previous = Math.signum(h.get(0) - h.get(1));
        if (previous == 0) {
            return false;
        }
        for (int k = 1; k < points - 1; k++) {
            double step = Math.signum(h.get(k) - h.get(k + 1));
            if (step != -previous) {
                return false;
            }
            previous = step;
        }
        return true;
    }

    private static boolean allWithin(PointHistory h, double cl, double s, int points) {
        for (int k = 0; k < points; k++) {
            if (Math.abs(zAt(h, k, cl, s)) >= 1) {
                return false;
            }
        }
        return true;
    }

    private static boolean allOutside(PointHistory h, double cl, double s, int points) {
        for (int k = 0; k < points; k++) {
            if (Math.abs(zAt(h, k, cl, s)) <= 1) {
                return false;
            }
        }
        return true;
    }
}
