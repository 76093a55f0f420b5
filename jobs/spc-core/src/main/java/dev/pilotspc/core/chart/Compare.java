package dev.pilotspc.core.chart;

/**
 * Comparisons of a plotted statistic with a line (centre line, zone line, control or decision
 * limit) that tell a real difference from rounding error. A point that lies exactly on a line in
 * exact arithmetic, e.g. decimal readings whose subgroup mean is the known centre line, or a CUSUM
 * that reaches H exactly, can land a few units in the last place either side of it in binary
 * floating point. Differences within {@link #TOLERANCE} of the larger magnitude (16–32 ulps) count
 * as equal, so boundaries stay strict (a point on a line is not beyond it) whatever the rounding.
 * The band is a fraction of σ only for data whose mean is some 1e12 σ or more, not gauge readings.
 */
public final class Compare {

    /** Relative difference taken as rounding error. */
    public static final double TOLERANCE = 16 * Math.ulp(1.0);

    private Compare() {
    }

    /** Whether {@code a} exceeds {@code b} by more than rounding error (false when either is NaN). */
    public static boolean above(double a, double b) {
        double d = a - b;
        return d > TOLERANCE * Math.max(Math.abs(a), Math.abs(b)) || d == Double.POSITIVE_INFINITY;
    }

    /**
     * As {@link #above(double, double)} for statistics computed from data of magnitude up to
     * {@code scale} (e.g. a CUSUM sum of deviations from the centre line): a reading's decimal value
     * is off by up to half a unit in the last place of the reading, far more than of the sum.
     */
    public static boolean above(double a, double b, double scale) {
        double d = a - b;
        return d > TOLERANCE * Math.max(Math.abs(scale), Math.max(Math.abs(a), Math.abs(b))) || d == Double.POSITIVE_INFINITY;
    }

    /** Whether {@code a} is below {@code b} by more than rounding error (false when either is NaN). */
    public static boolean below(double a, double b) {
        return above(b, a);
    }

    /** 1, −1 or 0: whether {@code a} is above, below or (within rounding error) equal to {@code b}. */
    public static int sign(double a, double b) {
        return above(a, b) ? 1 : below(a, b) ? -1 : 0;
    }
}
