package dev.pilotspc.core.drift;

import dev.pilotspc.core.result.DriftResult;

/**
 * Two-sided Page-Hinkley test for a change in the mean (Page 1954, Biometrika 41; Hinkley 1971,
 * Biometrika 58), with allowance δ and threshold λ in sigma units.
 *
 * <p>A Flink POJO: public no-arg constructor and public fields. Instead of m⁺ₜ = Σ(xᵢ − x̄ᵢ − δσ)
 * and its running minimum it keeps g⁺ = m⁺ₜ − min m⁺ = max(0, g⁺ + xₜ − x̄ₜ − δσ), the same
 * statistic kept bounded (m⁺ itself falls by about δσ a point forever); the last point where
 * g⁺ was 0 is the argmin of m⁺, the change-point estimate. The running mean is Welford's update
 * of x − (the first point), so a large mean against sigma costs no digits. O(1) per point.
 */
public class PageHinkley {

    public double delta;
    public double lambda;
    /** Points since the last reset and their running mean, of x − origin. */
    public long n;
    public double mean;
    /**
     * The first point since the last reset: the means are kept relative to it, so a level far
     * from zero against sigma costs no digits. 0 in state saved before this field existed.
     */
    public double origin;
    public double gUp;
    public double gDown;
    /** Count and mean at the latest argmin of m⁺ (up) and argmax of m⁻ (down). */
    public long nAtUp;
    public double meanAtUp;
    public long nAtDown;
    public double meanAtDown;

    public PageHinkley() {
    }

    public PageHinkley(double delta, double lambda) {
        if (!(delta >= 0) || !(lambda > 0)) {
            throw new IllegalArgumentException("Page-Hinkley needs delta >= 0 and lambda > 0, was "
                    + delta + ", " + lambda);
        }
        this.delta = delta;
        this.lambda = lambda;
    }

    /**
     * Adds a point with the sigma in use (data units); returns an alarm and resets, so the next
     * change is measured against the new level. Points without a usable sigma (NaN, negative,
     * infinite) are skipped. σ = 0 (a baseline without variation) is used as the formulas give it:
     * δσ = λσ = 0, so the first point off the running mean alarms; between alarms every point equals
     * the first, so the running mean and the sums stay exactly 0 until then (no rounding to alarm on).
     */
    public PageHinkleyAlarm update(double x, double sigma) {
        if (!Double.isFinite(x) || !(sigma >= 0) || !Double.isFinite(sigma)) {
            return null;
        }
        if (n == 0) {
            origin = x;
        }
        n++;
        double d = x - origin;
        mean += (d - mean) / n;
        double dev = d - mean;
        double allowance = delta * sigma;
        gUp += dev - allowance;
        if (gUp <= 0) {
            gUp = 0;
            nAtUp = n;
            meanAtUp = mean;
        }
        gDown += -dev - allowance;
        if (gDown <= 0) {
            gDown = 0;
            nAtDown = n;
            meanAtDown = mean;
        }
        double threshold = lambda * sigma;
        PageHinkleyAlarm alarm = null;
        if (gUp > threshold) {
            alarm = new PageHinkleyAlarm(DriftResult.UP, shiftSince(nAtUp, meanAtUp));
        } else if (gDown > threshold) {
            alarm = new PageHinkleyAlarm(DriftResult.DOWN, shiftSince(nAtDown, meanAtDown));
        }
        if (alarm != null) {
            reset();
        }
        return alarm;
    }

    /**
     * Mean of the points after the change-point estimate minus the mean up to it:
     * (n·x̄ − k·x̄ₖ)/(n − k) − x̄ₖ = n(x̄ − x̄ₖ)/(n − k), free of the cancellation of raw sums.
     * The argmin is a point of its own before any alarm, so k ≥ 1 and n > k.
     */
    private double shiftSince(long k, double meanAtK) {
        return n * (mean - meanAtK) / (n - k);
    }

    /** Forgets all points: the next one starts a new reference mean. */
    public void reset() {
        n = 0;
        mean = 0;
        origin = 0;
        gUp = 0;
        gDown = 0;
        nAtUp = 0;
        meanAtUp = 0;
        nAtDown = 0;
        meanAtDown = 0;
    }
}
