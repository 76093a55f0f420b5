package dev.pilotspc.core;

import org.apache.commons.math3.special.Gamma;

/**
 * Control chart constants d2, d3, c4 for subgroup sizes 2..25, computed to full double precision
 * from the normal range and standard-deviation distributions (Montgomery, Introduction to SQC,
 * 7th ed., Appendix VI; Tippett 1925 for the moments of the range).
 */
public final class ControlConstants {

    public static final int MIN_N = 2;
    public static final int MAX_N = 25;

    private static final double[] D2 = new double[MAX_N + 1];
    private static final double[] D3 = new double[MAX_N + 1];
    private static final double[] C4 = new double[MAX_N + 1];

    // Trapezoid rule on a smooth, fast-decaying integrand over the real line converges
    // geometrically, so a modest grid already gives the constants to ~1e-13.
    private static final double STEP = 0.01;
    private static final double SPAN = 9.0;

    static {
        int points = (int) Math.round(2 * SPAN / STEP) + 1;
        double[] cdf = new double[points];
        double[] pdf = new double[points];
        for (int i = 0; i < points; i++) {
            double x = -SPAN + i * STEP;
            cdf[i] = normalCdf(x);
            pdf[i] = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
        }
        for (int n = MIN_N; n <= MAX_N; n++) {
            D2[n] = meanRange(n, cdf);
            D3[n] = Math.sqrt(meanSquaredRange(n, cdf, pdf) - D2[n] * D2[n]);
            C4[n] = Math.sqrt(2.0 / (n - 1))
                    * Math.exp(Gamma.logGamma(n / 2.0) - Gamma.logGamma((n - 1) / 2.0));
        }
    }

    private ControlConstants() {
    }

    /** Mean of the relative range W = R/σ of n normal observations. */
    public static double d2(int n) {
        return D2[checked(n)];
    }

    /** Standard deviation of the relative range W = R/σ of n normal observations. */
    public static double d3(int n) {
        return D3[checked(n)];
    }

    /** Mean of S/σ for n normal observations: sqrt(2/(n-1)) Γ(n/2) / Γ((n-1)/2). */
    public static double c4(int n) {
        return C4[checked(n)];
    }

    /** Standard deviation of S/σ: sqrt(1 - c4²). */
    public static double c5(int n) {
        double c4 = c4(n);
        return Math.sqrt(1 - c4 * c4);
    }

    private static int checked(int n) {
        if (n < MIN_N || n > MAX_N) {
            throw new IllegalArgumentException("subgroup size " + n + " outside " + MIN_N + ".." + MAX_N);
        }
        return n;
    }

    /** E[W] = ∫ 1 − Φ(x)^n − (1 − Φ(x))^n dx. */
    private static double meanRange(int n, double[] cdf) {
        double sum = 0;
        for (double f : cdf) {
            sum += 1 - Math.pow(f, n) - Math.pow(1 - f, n);
        }
        return sum * STEP;
    }

    /**
     * E[W²] = 2 ∫₀^∞ w P(W > w) dw with P(W ≤ w) = n ∫ φ(x) (Φ(x + w) − Φ(x))^{n−1} dx; w runs on the
     * same grid as x so Φ(x + w) is a table look-up; the outer integral uses Simpson's rule because
     * its integrand does not vanish smoothly at w = 0.
     */
    private static double meanSquaredRange(int n, double[] cdf, double[] pdf) {
        int points = cdf.length;
        int widths = points - 1; // w from 0 to 2*SPAN
        if (widths % 2 == 1) {
            widths--;
        }
        double sum = 0;
        for (int k = 0; k <= widths; k++) {
            double w = k * STEP;
            double inner = 0;
            for (int i = 0; i + k < points; i++) {
                double p = cdf[i + k] - cdf[i];
                if (p > 0) {
                    inner += pdf[i] * Math.pow(p, n - 1);
                }
            }
            // beyond the grid Φ(x + w) = 1: add ∫ φ(x)(1 − Φ(x))^{n−1} over the tail
            for (int i = Math.max(0, points - k); i < points; i++) {
                inner += pdf[i] * Math.pow(1 - cdf[i], n - 1);
            }
            double survival = 1 - n * inner * STEP;
            double weight = (k == 0 || k == widths) ? 1 : (k % 2 == 1 ? 4 : 2);
            sum += weight * w * survival;
        }
        return 2 * sum * STEP / 3;
    }

    /** Φ(x) to double precision via the complementary error function. */
    public static double normalCdf(double x) {
        return 0.5 * org.apache.commons.math3.special.Erf.erfc(-x / Math.sqrt(2));
    }
}
