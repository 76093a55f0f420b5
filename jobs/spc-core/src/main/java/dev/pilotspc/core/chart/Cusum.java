package dev.pilotspc.core.chart;

/**
 * Two-sided tabular CUSUM C⁺_i = max(0, x_i − (μ0 + Kσ) + C⁺_{i−1}), C⁻_i = max(0, (μ0 − Kσ) − x_i + C⁻_{i−1}),
 * signalling when either exceeds H = hσ (Montgomery, Introduction to SQC, 7th ed., §9.1.2), with
 * Lucas and Crosier's (1982) fast-initial-response head start.
 */
public class Cusum {

    public double k;
    public double h;
    public double headStart;
    public double hi;
    public double lo;

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
    }

    /** Adds a point; returns whether C⁺ or C⁻ exceeds the decision interval H. */
    public boolean update(double x, double centre, double sigmaX) {
        double allowance = k * sigmaX;
        hi = Math.max(0, x - (centre + allowance) + hi);
        lo = Math.max(0, (centre - allowance) - x + lo);
        double decision = h * sigmaX;
        return hi > decision || lo > decision;
    }
}
