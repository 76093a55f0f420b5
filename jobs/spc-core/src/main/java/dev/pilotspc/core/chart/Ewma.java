package dev.pilotspc.core.chart;

/**
 * EWMA statistic z_i = λx_i + (1 − λ)z_{i−1} from z_0 = μ0 with exact time-varying limits
 * μ0 ± Lσ·sqrt(λ/(2 − λ)·(1 − (1 − λ)^{2i})) (Montgomery, Introduction to SQC, 7th ed., §9.2;
 * NIST/SEMATECH e-Handbook 6.3.2.4).
 */
public class Ewma {

    public double lambda;
    public double sigmas;
    public double z;
    /** (1 − λ)^{2i}, kept so each point costs one multiplication instead of a pow. */
    public double decay = 1;
    public long i;

    // Results of the last update, read by the monitor.
    public double ucl;
    public double lcl;

    public Ewma() {
    }

    public Ewma(double lambda, double sigmas) {
        this.lambda = lambda;
        this.sigmas = sigmas;
    }

    /** Starts (again) at the centre line. */
    public void reset(double centre) {
        z = centre;
        decay = 1;
        i = 0;
    }

    /**
     * Adds a point with centre line {@code centre} and point sigma {@code sigmaX}; returns whether
     * the EWMA lies beyond its limits.
     */
    public boolean update(double x, double centre, double sigmaX) {
        i++;
        z = lambda * x + (1 - lambda) * z;
        decay *= (1 - lambda) * (1 - lambda);
        double width = sigmas * sigmaX * Math.sqrt(lambda / (2 - lambda) * (1 - decay));
        ucl = centre + width;
        lcl = centre - width;
        return z > ucl || z < lcl;
    }
}
