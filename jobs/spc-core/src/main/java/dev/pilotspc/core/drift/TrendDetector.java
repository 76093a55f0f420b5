package dev.pilotspc.core.drift;

import dev.pilotspc.core.result.DriftResult;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Least-squares slope of the last {@code window} points against part index, two-sided t-test of
 * slope = 0 (Montgomery &amp; Runger, Applied Statistics and Probability for Engineers, §11-4).
 *
 * <p>A Flink POJO: public no-arg constructor and public fields. Per point it keeps running sums of
 * {@code d = x − offset}, O(1) for any window. Plain running sums of x² lose the digits that carry
 * the variance when the mean is large against sigma (a 25.0013 mm bore with σ = 2 µm), and sliding
 * subtraction accumulates rounding; so {@code offset} is re-centred on the window mean and the sums
 * recomputed exactly from the ring once every {@code window} points (O(1) amortised). Between
 * resyncs the values stay centred near 0, and anything left below {@link #ROUNDING} of Σd² is
 * treated as zero (constant data: no trend; an exact line: p-value 0).
 */
public class TrendDetector {

    /** Relative size of rounding noise in the sums; below it a sum of squares counts as zero. */
    static final double ROUNDING = 1e-10;

    public int window;
    public double alpha;
    /** Critical |t| for {@code alpha} with window − 2 degrees of freedom, computed once. */
    public double tCrit;
    /** The window in arrival order from {@code head} (oldest) once full. */
    public double[] ring;
    public int head;
    public int count;
    public double offset;
    /** Σd, Σd², Σ j·d over the window, j = 0 (oldest) … window − 1. */
    public double sum;
    public double sumSq;
    public double sumIdx;
    public int sinceSync;
    public int sinceAlarm;

    public TrendDetector() {
    }

    public TrendDetector(int window, double alpha) {
        if (window < 3) {
            throw new IllegalArgumentException("drift window must be at least 3, was " + window);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("drift alpha must be in (0, 1), was " + alpha);
        }
        this.window = window;
        this.alpha = alpha;
        this.tCrit = tDistribution(window - 2).inverseCumulativeProbability(1 - alpha / 2);
        this.ring = new double[window];
        this.sinceAlarm = window;
    }

    /**
     * Adds a point; returns an alarm when the window's slope is significant and {@code window}
     * points have passed since the last alarm: a long trend repeats once per window, and a slope
     * hovering at the significance threshold does not alarm on every crossing.
     */
    public TrendAlarm update(double x) {
        if (!Double.isFinite(x)) {
            return null;
        }
        if (count < window) {
            ring[count++] = x;
            if (count < window) {
                return null;
            }
            resync();
        } else {
            double old = ring[head] - offset;
            double d = x - offset;
            ring[head] = x;
            head = head + 1 == window ? 0 : head + 1;
            // every remaining point moves one index down: Σ j·d loses Σd of the survivors
            sumIdx += (window - 1) * d - (sum - old);
            sum += d - old;
            sumSq += d * d - old * old;
            if (++sinceSync >= window) {
                resync();
            }
        }
        if (sinceAlarm < window) {
            sinceAlarm++;
        }

        double sxy = sxy();
        double sse = sse(sxy);
        // t² > tCrit² without a square root or a division: (sxy²/sxx) / (sse/(n − 2)) > tCrit²
        boolean significant = sumSq - sum * sum / window > ROUNDING * sumSq
                && sxy * sxy * (window - 2) > tCrit * tCrit * sse * sxx();
        if (!significant || sinceAlarm < window) {
            return null;
        }
        sinceAlarm = 0;
        double slope = slope();
        double fitted = offset + sum / window + slope * (window - 1) / 2.0;
        double pValue = 0;
        if (sse > 0) {
            double t = slope / slopeStdError();
            pValue = 2 * tDistribution(window - 2).cumulativeProbability(-Math.abs(t));
        }
        return new TrendAlarm(slope, pValue, fitted, slope > 0 ? DriftResult.UP : DriftResult.DOWN);
    }

    /** Least-squares slope of the (full) window, units per part. */
    double slope() {
        return sxy() / sxx();
    }

    /** Standard error of {@link #slope()}: √(SSE / (n − 2) / Sxx); 0 for an exact line. */
    double slopeStdError() {
        return Math.sqrt(sse(sxy()) / (window - 2) / sxx());
    }

    /** Σ(j − j̄)² of the indices 0 … n − 1, n(n² − 1)/12. */
    private double sxx() {
        double n = window;
        return n * (n * n - 1) / 12;
    }

    private double sxy() {
        return sumIdx - (window - 1) / 2.0 * sum;
    }

    /** Residual sum of squares Syy − Sxy²/Sxx, zero when within rounding of Σd². */
    private double sse(double sxy) {
        double sse = sumSq - sum * sum / window - sxy * sxy / sxx();
        return sse > ROUNDING * sumSq ? sse : 0;
    }

    /** Re-centres on the window mean and recomputes the sums exactly from the ring. */
    private void resync() {
        double total = 0;
        for (double v : ring) {
            total += v;
        }
        offset = total / window;
        sum = 0;
        sumSq = 0;
        sumIdx = 0;
        for (int j = 0; j < window; j++) {
            double d = ring[(head + j) % window] - offset;
            sum += d;
            sumSq += d * d;
            sumIdx += j * d;
        }
        sinceSync = 0;
    }

    private static TDistribution tDistribution(int df) {
        // null generator: no Well19937c seeded on each call, as sampling is never used
        return new TDistribution(null, df);
    }
}
