package dev.pilotspc.core.capability;

import java.util.Arrays;
import org.apache.commons.math3.special.Erf;

/**
 * Whether values look normally distributed, as capability indices and expected ppm assume: the
 * Anderson–Darling test with mean and standard deviation estimated from the data (case 3), its
 * statistic modified for the sample size and its p-value from D'Agostino and Stephens,
 * Goodness-of-Fit Techniques (1986), Table 4.9 (NIST/SEMATECH e-Handbook 1.3.5.14).
 */
public final class Normality {

    /** Fewest values the p-value approximation holds for. */
    public static final int MIN_VALUES = 8;

    /**
     * @param n the number of values
     * @param a2 the statistic A²
     * @param a2Modified A²·(1 + 0.75/n + 2.25/n²), which the p-value and the tables use
     * @param pValue the chance of an A² this large from normal data
     */
    public record AndersonDarling(int n, double a2, double a2Modified, double pValue) {
    }

    private Normality() {
    }

    /** The test of these values, or null with fewer than {@value #MIN_VALUES} or no spread. */
    public static AndersonDarling andersonDarling(double[] values) {
        int n = values.length;
        if (n < MIN_VALUES) {
            return null;
        }
        double[] x = values.clone();
        Arrays.sort(x);
        // in units of the range from the smallest value: no digits lost at large magnitudes, no overflow
        double range = x[n - 1] - x[0];
        if (!(range > 0) || Double.isInfinite(range)) {
            return null;
        }
        double[] u = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            u[i] = (x[i] - x[0]) / range;
            sum += u[i];
        }
        double mean = sum / n;
        double squares = 0;
        for (double v : u) {
            squares += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(squares / (n - 1));
        double s = 0;
        for (int i = 0; i < n; i++) {
            // ln Φ(z_i) + ln(1 − Φ(z_{n+1−i})), the upper tail as Φ(−z) so it keeps its digits
            double low = (u[i] - mean) / sd;
            double high = (u[n - 1 - i] - mean) / sd;
            s += (2 * i + 1) * (Math.log(phi(low)) + Math.log(phi(-high)));
        }
        double a2 = -n - s / n;
        double modified = a2 * (1 + 0.75 / n + 2.25 / ((double) n * n));
        return new AndersonDarling(n, a2, modified, pValue(modified));
    }

    /** D'Agostino and Stephens (1986), Table 4.9: the p-value of a modified A² (case 3). */
    static double pValue(double a) {
        double p;
        if (a >= 0.6) {
            p = Math.exp(1.2937 - 5.709 * a + 0.0186 * a * a);
        } else if (a > 0.34) {
            p = Math.exp(0.9177 - 4.279 * a - 1.38 * a * a);
        } else if (a > 0.2) {
            p = 1 - Math.exp(-8.318 + 42.796 * a - 59.938 * a * a);
        } else {
            p = 1 - Math.exp(-13.436 + 101.14 * a - 223.73 * a * a);
        }
        // the first formula has its minimum (p ≈ 1e-190) near a ≈ 153.5 and rises beyond it: 0 there
        return a > 150 ? 0 : Math.min(1, Math.max(0, p));
    }

    private static double phi(double z) {
        return 0.5 * Erf.erfc(-z / Math.sqrt(2));
    }
}
