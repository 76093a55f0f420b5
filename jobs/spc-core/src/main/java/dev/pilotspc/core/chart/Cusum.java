package dev.pilotspc.core.chart;

/**
 * Two-sided tabular CUSUM C⁺_i = max(0, x_i − (μ0 + Kσ) + C⁺_{i−1}), C⁻_i = max(0, (μ0 − Kσ) − x_i + C⁻_{i−1}),
 * signalling when either exceeds H = hσ (Montgomery, Introduction to SQC, 7th ed., §9.1.2), with
 * Lucas and Crosier's (1982) fast-initial-response head start; σ is the point sigma σ/√n.
 *
 * <p>When the subgroup size changes from one point to the next, the sums carried over are rescaled
 * to the new point sigma first: that is the standardized CUSUM on y_i = (x̄_i − μ0)/(σ/√n_i)
 * (Montgomery §9.1.6; Hawkins &amp; Olwell 1998, §5.2), kept in the data units of the current point.
 * With one subgroup size nothing is rescaled.
 */
public class Cusum {

    public double k;
    public double h;
    public double headStart;
    public double hi;
    public double lo;
    /**
     * The point sigma {@code hi} and {@code lo} are in. NaN in a state saved before this field
     * existed (one subgroup size was assumed): taken to be the next point's.
     */
    public double scale = Double.NaN;

    public Cusum() {
    }

    public Cusum(double k, double h, double headStart) {
        this.k = k;
        this.h = h;
        this.headStart = headStart;
    }

    /** Starts (again) at zero, or at the head start fraction of H, for point sigma {@code sigmaX}. */
    public void reset(double sigmaX) {
        hi = headStart * h * sigmaX;
        lo = hi;
        scale = sigmaX;
    }

    /**
     * Adds a point with point sigma {@code sigmaX}; returns whether C⁺ or C⁻ exceeds the decision
     * interval H (strictly, up to rounding error: {@link Compare}).
     */
    public boolean update(double x, double centre, double sigmaX) {
        if (Double.isNaN(scale)) {
            scale = sigmaX;
        } else if (sigmaX != scale) {
            hi = hi / scale * sigmaX;
            lo = lo / scale * sigmaX;
            scale = sigmaX;
        }
        // the deviation first: x − μ0 is exact for x near μ0, so the sums carry no rounding error of
        // the data's magnitude (x − (μ0 + Kσ) rounds at ulp(μ0): a sum reaching H exactly could pass it)
        double deviation = x - centre;
        double allowance = k * sigmaX;
        hi = Math.max(0, deviation - allowance + hi);
        lo = Math.max(0, -deviation - allowance + lo);
        double decision = h * sigmaX;
        // rounding error of the readings' magnitude: 10.015 as a double is 5.7e-16 above 10.015, so
        // a sum reaching H exactly in decimal would pass it by that much
        double scale = Math.max(Math.abs(x), Math.abs(centre));
        return Compare.above(hi, decision, scale) || Compare.above(lo, decision, scale);
    }
}
