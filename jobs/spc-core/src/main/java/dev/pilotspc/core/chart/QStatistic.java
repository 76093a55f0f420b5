package dev.pilotspc.core.chart;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

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
                double t = Math.sqrt((r - 1) / r) * (x - mean) / s;
                q = toNormal(t, r - 2);
            }
        }
        count++;
        double delta = x - mean;
        mean += delta / count;
        m2 += delta * (x - mean);
        return q;
    }

    /**
     * Adds a subgroup of {@code size} measurements with mean {@code subgroupMean} and sample
     * variance {@code variance}; returns Q, or NaN for the first subgroup or no pooled variance.
     */
    public double updateSubgroup(double subgroupMean, double variance, int size) {
        count++;
        long before = total;
        total += size;
        pooledSs += (size - 1) * variance;
        double q = Double.NaN;
        long df = total - count;
        if (count >= 2 && df > 0 && pooledSs > 0) {
            double sp = Math.sqrt(pooledSs / df);
            double t = Math.sqrt((double) size * before / total) * (subgroupMean - mean) / sp;
            q = toNormal(t, df);
        }
        mean += (subgroupMean - mean) * size / total;
        return q;
    }

    private static double toNormal(double t, double df) {
        double p = new TDistribution(null, df).cumulativeProbability(t);
        // keep Φ⁻¹ finite for extreme t, where the t tail underflows
        p = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
        return STANDARD_NORMAL.inverseCumulativeProbability(p);
    }

    /** Sample variance of a subgroup held in {@code values[0..size)}. */
    public static double variance(double[] values, int size) {
        if (size < 2) {
            return 0;
        }
        double m = 0;
        for (int j = 0; j < size; j++) {
            m += values[j];
        }
        m /= size;
        double ss = 0;
        for (int j = 0; j < size; j++) {
            double d = values[j] - m;
            ss += d * d;
        }
        return ss / (size - 1);
    }
}
