package dev.pilotspc.core.chart;

/**
 * EWMA statistic z_i = λx̄_i + (1 − λ)z_{i−1} from z_0 = μ0 with exact time-varying limits
 * μ0 ± Lσ·√V_i, V_i = Var(z_i)/σ² = Σ_{j≤i} λ²(1 − λ)^{2(i−j)}/n_j for points that are means of
 * n_j measurements (n = 1 for individuals). With one subgroup size this is Montgomery's
 * λ/(2 − λ)·(1 − (1 − λ)^{2i})/n (Introduction to SQC, 7th ed., §9.2; NIST/SEMATECH e-Handbook
 * 6.3.2.4); with sizes that differ (subgroups by id, a short last subgroup) it follows from the
 * recursion z_i = λx̄_i + (1 − λ)z_{i−1} with independent x̄_j of variance σ²/n_j.
 */
public class Ewma {

    public double lambda;
    public double sigmas;
    public double z;
    /**
     * V_i, updated per point as V_i = (1 − λ)²V_{i−1} + λ²/n_i. NaN in a state saved before this
     * field existed (it kept (1 − λ)^{2i} and assumed one size): rebuilt from {@code i} at the next point.
     */
    public double variance = Double.NaN;
    public long i;

    // Results of the last update, read by the monitor.
    public double ucl;
    public double lcl;

    public Ewma() {
    }

    public Ewma(double lambda, double sigmas) {
        this.lambda = lambda;
        this.sigmas = sigmas;
        this.variance = 0;
    }

    /** Starts (again) at the centre line. */
    public void reset(double centre) {
        z = centre;
        variance = 0;
        i = 0;
    }

    /**
     * Adds a point, the mean of {@code size} measurements, with centre line {@code centre} and
     * measurement sigma {@code sigma}; returns whether the EWMA lies beyond its limits (strictly, up
     * to rounding error: {@link Compare}).
     */
    public boolean update(double x, double centre, double sigma, int size) {
        i++;
        z = lambda * x + (1 - lambda) * z;
        double keep = (1 - lambda) * (1 - lambda);
        if (Double.isNaN(variance)) {
            // restored from an older state: its points had this size (the older code assumed so)
            variance = lambda / (2 - lambda) * (1 - Math.pow(keep, i)) / size;
        } else {
            variance = keep * variance + lambda * lambda / size;
        }
        double width = sigmas * sigma * Math.sqrt(variance);
        ucl = centre + width;
        lcl = centre - width;
        return Compare.above(z, ucl) || Compare.below(z, lcl);
    }
}
