package dev.pilotspc.core.drift;

/**
 * A significant least-squares trend over the detector's window (Montgomery &amp; Runger, Applied
 * Statistics and Probability for Engineers, §11-4: t-test of the slope).
 *
 * @param slope     units per part
 * @param pValue    two-sided p-value of slope = 0 (0 when the window lies exactly on a line)
 * @param fitted    the fitted line's value at the newest point
 * @param direction {@code DriftResult.UP} or {@code DriftResult.DOWN}
 */
public record TrendAlarm(double slope, double pValue, double fitted, String direction) {

    /**
     * Parts until the fitted line reaches the spec limit it is heading toward (USL for a rising
     * trend, LSL for a falling one), fractional; 0 when already at or beyond it; NaN when that
     * limit is absent (NaN) or the slope is zero.
     */
    public double partsToLimit(double lsl, double usl) {
        if (slope > 0 && !Double.isNaN(usl)) {
            return fitted >= usl ? 0.0 : (usl - fitted) / slope;
        }
        if (slope < 0 && !Double.isNaN(lsl)) {
            return fitted <= lsl ? 0.0 : (lsl - fitted) / slope;
        }
        return Double.NaN;
    }
}
