package dev.pilotspc.core.chart;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Erf;

/**
 * Self-starting Q statistics for unknown mean and variance (Quesenberry, JQT 23(3), 1991): for
 * individuals Q_r = Φ⁻¹(G_{r−2}(sqrt((r−1)/r)·(x_r − x̄_{r−1})/s_{r−1})) from the 3rd point; for
 * subgroups Q_i = Φ⁻¹(G_{N_i−i}(sqrt(n_i·N_{i−1}/N_i)·(x̄_i − x̿_{i−1})/S_p,i)) from the 2nd subgroup,
 * with S_p,i the pooled within-subgroup deviation. In control the Q values are independent N(0, 1).
 */
public class QStatistic {

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    /** Points (individuals) or subgroups seen. */
    public long count;
    /** Measurements seen (N_i). */
    public long total;
    /**
     * The first value (individual or subgroup mean): the running mean and sums are of x − origin,
     * so a mean far from zero compared with the spread costs no digits. 0 in older state.
     */
    public double origin;
    /** Mean of x − origin. */
    public double mean;
    /** Welford sum of squared deviations of the individuals. */
    public double m2;
    /** Sum of (n_j − 1)·s_j² over subgroups, for the pooled variance. */
    public double pooledSs;

    public QStatistic() {
    }

    /** Adds an individual value; returns Q, or NaN before the 3rd point or when s is zero. */
    public double updateIndividual(double x) {
        double q = Double.NaN;
        if (count >= 2) {
            double s = Math.sqrt(m2 / (count - 1));
            if (s > 0) {
                double r = count + 1;
                double t = Math.sqrt((r - 1) / r) * ((x - origin) - mean) / s;
                q = toNormal(t, r - 2);
            }
        }
        if (count == 0) {
            origin = x;
        }
        count++;
        double d = x - origin;
        double delta = d - mean;
        mean += delta / count;
        m2 += delta * (d - mean);
        return q;
    }

    /**
     * Adds the subgroup {@code values[0..size)}; returns Q, or NaN for the first subgroup or no pooled
     * variance. Its mean is taken relative to the origin from the values themselves, so a subgroup
     * mean far from zero (1e6 ± 1e-4) does not lose its last digits to rounding before the difference.
     */
    public double updateSubgroup(double[] values, int size) {
        if (count == 0) {
            origin = values[0];
        }
        double[] relative = new double[size];
        for (int j = 0; j < size; j++) {
            relative[j] = values[j] - origin;
        }
        double relativeMean = Dispersion.mean(relative, size);
        count++;
        long before = total;
        total += size;
        pooledSs += (size - 1) * variance(values, size);
        double q = Double.NaN;
        long df = total - count;
        if (count >= 2 && df > 0 && pooledSs > 0) {
            double sp = Math.sqrt(pooledSs / df);
            double t = Math.sqrt((double) size * before / total) * (relativeMean - mean) / sp;
            q = toNormal(t, df);
        }
        mean += (relativeMean - mean) * size / total;
        return q;
    }

    /**
     * Φ⁻¹(G_ν(t)), evaluated in the tail t lies in (G_ν(−|t|) is accurate where 1 − G_ν(|t|)
     * cancels), so |Q| stays exact far out; beyond tail probabilities of 1e-300 it is capped (|Q| ≈ 37);
     * for |t| < 1 from the central mass, so a small Q keeps its digits too.
     */
    static double toNormal(double t, double df) {
        if (t == 0) {
            return 0;
        }
        if (Math.abs(t) < 1) {
            // near the centre from the central mass G(|t|) − G(−|t|) = I_{t²/(ν+t²)}(1/2, ν/2) and
            // Φ⁻¹ via erf⁻¹: 1 − G(|t|) from I_{ν/(ν+t²)} (a double near 1) keeps no digits of a small t
            double central = Beta.regularizedBeta(t * t / (df + t * t), 0.5, 0.5 * df);
            double q = Math.sqrt(2) * Erf.erfInv(central);
            return t > 0 ? q : -q;
        }
        double tail = new TDistribution(null, df).cumulativeProbability(-Math.abs(t));
        double q = upperNormalQuantile(Math.max(tail, MIN_TAIL));
        return t > 0 ? q : -q;
    }

    private static final double MIN_TAIL = 1e-300;
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    /**
     * z with 1 − Φ(z) = p (0 < p ≤ 0.5): a start from commons-math's Φ⁻¹ (it forms 2p − 1, so it
     * loses digits as p gets small) or the asymptotic tail expansion, then Newton's method on
     * ln(1 − Φ(z)) = ln p with the tail from erfc, which stays accurate far out.
     */
    static double upperNormalQuantile(double p) {
        double z;
        if (p > 1e-12) {
            z = -STANDARD_NORMAL.inverseCumulativeProbability(p);
        } else {
            double l = -2 * Math.log(p);
            z = Math.sqrt(l - Math.log(l) - 2 * LOG_SQRT_2PI);
        }
        double logP = Math.log(p);
        for (int step = 0; step < 50; step++) {
            double tail = 0.5 * Erf.erfc(z / Math.sqrt(2));
            double logDensity = -0.5 * z * z - LOG_SQRT_2PI;
            // d/dz ln(1 − Φ(z)) = −φ(z)/(1 − Φ(z))
            double delta = (Math.log(tail) - logP) * Math.exp(Math.log(tail) - logDensity);
            z += delta;
            if (Math.abs(delta) <= 1e-15 * Math.max(1, z)) {
                break;
            }
        }
        return z;
    }

    /** Sample variance of a subgroup held in {@code values[0..size)}. */
    public static double variance(double[] values, int size) {
        if (size < 2) {
            return 0;
        }
        // readings all alike have no spread: their mean as a double can be an ulp off the reading
        // (six times 25.4 sum to 152.39999999999998), which would leave an S of 3e-15 instead of 0
        boolean alike = true;
        for (int j = 1; j < size && alike; j++) {
            alike = values[j] == values[0];
        }
        if (alike) {
            return 0;
        }
        double m = Dispersion.mean(values, size);
        double ss = 0;
        for (int j = 0; j < size; j++) {
            double d = values[j] - m;
            ss += d * d;
        }
        return ss / (size - 1);
    }
}
